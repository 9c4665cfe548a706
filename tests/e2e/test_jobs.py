"""A large export in a real browser: the list's Excel button starts a job (more than JOBS_EXPORT_ROWS=20 rows in
the e2e server), My jobs follows it by polling until 100 %, and the result downloads as an xlsx file; in Kyrgyz,
then the page in Russian."""
import os

import pytest

from tests.e2e.catalogs import ROOT
from tests.e2e.test_languages import log_in

pytestmark = pytest.mark.browser


def test_an_export_runs_as_a_job_reaches_100_percent_and_downloads(page, live_server, catalogs, tmp_path):
    page.goto("/login/")
    log_in(page, *live_server.admin)
    page.goto("/lang/ky")
    page.goto("/memberview/list/")
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    with page.expect_navigation():
        page.locator("a[href*='/memberview/export/xlsx']").first.click()
    assert page.url.endswith("/jobs/")
    assert page.get_attribute("html", "lang") == "ky"
    ky = catalogs["ky"]
    assert ky["My jobs"].string in page.content()
    row = page.locator("#jobs-table tr[data-job]").first
    # the bar follows /jobs/status until the job is done (the page then reloads with the result)
    page.wait_for_selector("#jobs-table tr[data-job][data-state=done] .sn-job-download", timeout=60_000)
    row = page.locator("#jobs-table tr[data-job]").first
    bar = row.locator(".progress-bar")
    assert bar.get_attribute("aria-valuenow") == "100" and "100 %" in bar.inner_text()
    assert ky["Done"].string in row.inner_text()
    with page.expect_download() as info:
        row.locator(".sn-job-download").click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert download.suggested_filename.endswith(".xlsx")
    with open(target, "rb") as fh:
        assert fh.read(2) == b"PK"  # a zip: an xlsx workbook
    assert os.path.getsize(target) > 1000
    assert not errors
    page.screenshot(path=os.path.join(ROOT, "docs", "screenshots", "jobs-ky.png"))
    page.goto("/lang/ru")
    page.goto("/jobs/")
    ru = catalogs["ru"]
    assert page.get_attribute("html", "lang") == "ru"
    assert ru["My jobs"].string in page.content()
    assert ru["Done"].string in page.locator("#jobs-table tr[data-job]").first.inner_text()
