"""A clerk of an aiyl okmotu, working in Kyrgyz, adds a household with two members and issues a certificate
whose PDF text is in Kyrgyz (Chromium through Playwright)."""
import io
import re

import pytest
from pypdf import PdfReader

from tests.e2e.test_languages import log_in, switch_language

pytestmark = pytest.mark.browser


def _pick_select2(page, field, text):
    """Choose `text` in a select2 box (a plain dropdown or a server-side search)."""
    page.locator(f"select[name={field}] + .select2").click()
    page.locator(".select2-search__field").last.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def _add_member(page, last, first, pin, sex, birth, relation):
    page.fill("#last_name", last)
    page.fill("#first_name", first)
    page.locator("#pin").press_sequentially(pin)
    # the form fills sex and date of birth from the PIN
    assert page.input_value("select[name=sex]") == sex and page.input_value("#birth_date") == birth
    page.select_option("select[name=relation]", relation)
    page.select_option("select[name=joined_by]", "record")
    page.locator("form#model_form button[type=submit], form#model_form input[type=submit]").first.click()


def test_clerk_adds_household_and_issues_kyrgyz_certificate(page, live_server):
    switch_language(page, "ky")
    log_in(page, "demo_lsg_clerk", live_server.demo_password)
    assert "/login" not in page.url

    page.goto("/householdview/add")
    assert page.get_attribute("html", "lang") == "ky"
    _pick_select2(page, "territory", "41708203803010")  # a village of the clerk's rayon
    page.fill("#number", "E2E-1")
    page.fill("#address", "Жеңиш көчөсү, 7")
    page.locator("form#model_form button[type=submit], form#model_form input[type=submit]").first.click()
    page.goto("/householdview/list/?_flt_0_number=E2E-1")
    page.locator("a[href*='/householdview/show/']").first.click()
    household = re.search(r"/householdview/show/(\d+)", page.url).group(1)

    for person in (("Өмүрбеков", "Таалай", "21503198512345", "M", "1985-03-15", "head"),
                   ("Өмүрбекова", "Гүлнара", "10207198712345", "F", "1987-07-02", "spouse")):
        page.goto(f"/memberview/add?_flt_0_household={household}")
        _add_member(page, *person)
        assert not page.locator(".alert-danger").count(), page.locator(".alert-danger").all_inner_texts()
    page.goto(f"/householdview/show/{household}")
    assert "Өмүрбеков Таалай" in page.content() and "Өмүрбекова Гүлнара" in page.content()

    page.goto("/certificateview/add")
    _pick_select2(page, "member", "21503198512345")  # by PIN: demo data may hold a namesake
    page.select_option("select[name=kind]", "household_composition")
    page.select_option("select[name=language]", "ky")
    page.fill("#signer_name", "Асанов Б.")
    page.fill("#signer_position", "Айыл өкмөтүнүн башчысы")
    page.locator("form#model_form button[type=submit], form#model_form input[type=submit]").first.click()
    assert "/certificateview/show/" in page.url
    href = page.locator("#print-record").get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages).split())
    assert "Үй-бүлөнүн курамы жөнүндө маалымкат" in text
    assert "Өмүрбекова Гүлнара" in text and "Жубай" in text  # the spouse, with her relation in Kyrgyz
