"""The e-government register in Kyrgyz (issue 11, "how it will be checked"): the authorised employee enters an
element with one cl. 20 item missing and applies for its registration; the operator refuses citing the item under
cl. 23(2); the employee completes the data and resubmits; the operator registers the resubmission; the element
appears on the public register page (Chromium through Playwright)."""
import os
import re
import sqlite3
import time

import pytest

from tests.e2e.test_languages import log_in, switch_language
from tests.e2e.test_layout import SHOTS

pytestmark = pytest.mark.browser

NAME = "E2E Электрондук кезек системасы"
PDF = b"%PDF-1.4\n%e2e\n"


def _one(live_server, sql, *args):
    with sqlite3.connect(live_server.db_path) as conn:
        return conn.execute(sql, args).fetchone()


def _choose(page, field, value, text):
    """A dropdown: a plain select by its value, a server-side search box (views/lookup.py) by the text shown."""
    select = page.locator(f"select[name={field}]")
    if "sanarip-lookup" not in (select.get_attribute("class") or ""):
        page.select_option(f"select[name={field}]", str(value))
        return
    page.locator(f"select[name={field}] + .select2").click()
    page.locator(".select2-search__field").last.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()
    assert page.input_value(f"select[name={field}]") == str(value)


def _save(page):
    page.locator("form#model_form button[type=submit], form#model_form input[type=submit]").first.click()
    page.wait_for_load_state()
    assert not page.locator(".alert-danger").count(), page.locator(".alert-danger").all_inner_texts()


def _as(page, live_server, username):
    page.context.clear_cookies()
    switch_language(page, "ky")
    try:  # four logins in one test: on a busy machine the login page may take longer than the default 10 s
        page.wait_for_selector("input[name=username]", timeout=30_000)
    except Exception:
        raise AssertionError(f"no login form at {page.url}: {page.content()[:2000]}")
    log_in(page, username, live_server.demo_password)
    assert "/login" not in page.url


def test_refused_completed_resubmitted_registered_and_published_in_kyrgyz(page, live_server):
    started = time.monotonic()
    _as(page, live_server, "demo_egov_authorised_employee")
    organisation_id, = _one(live_server, "SELECT scope_organisation_id FROM ab_user WHERE username = ?",
                            "demo_egov_authorised_employee")
    assert organisation_id is not None
    name_ky, name_ru = _one(live_server, "SELECT name_ky, name_ru FROM egov_organisation WHERE id = ?",
                            organisation_id)
    organisation_text = (name_ky or name_ru).split()[0]

    # the element: every cl. 20 item but the developer (20(14))
    page.goto("/egovelementview/add")
    assert page.get_attribute("html", "lang") == "ky"
    _choose(page, "organisation", organisation_id, organisation_text)
    page.fill("#full_name", NAME)
    page.fill("#short_name", "E2E-кезек")
    page.select_option("select[name=kind]", "information_system")
    for field, text in (("purpose", "Кабыл алууга электрондук кезек"), ("legal_acts", "Токтом №1"),
                        ("responsible_unit", "IT бөлүмү"), ("architecture", "Веб-тиркеме"),
                        ("interactions", "Түндүк аркылуу"), ("location", "Бишкек"),
                        ("location_keeper", "IT бөлүмү")):
        page.fill(f"#{field}", text)
    page.select_option("select[name=users_count]", "up_to_1000")
    page.select_option("select[name=funding]", "republican_budget")
    _save(page)
    element, = _one(live_server, "SELECT id FROM egov_element WHERE full_name = ?", NAME)
    for kind in ("software", "resource", "service"):
        page.goto(f"/egovelementitemview/add?_flt_0_element={element}")
        page.select_option("select[name=kind]", kind)
        page.fill("#name", f"E2E {kind}")
        _save(page)
    for kind in ("technical", "commissioning_act"):
        page.goto(f"/egovdocumentview/add?_flt_0_element={element}")
        page.select_option("select[name=kind]", kind)
        page.fill("#title", f"E2E {kind}")
        page.set_input_files("input[name=file]", files=[{"name": f"{kind}.pdf", "mimeType": "application/pdf",
                                                          "buffer": PDF}])
        _save(page)
    page.goto(f"/egovelementview/show/{element}")
    assert page.locator("#egov-missing li[data-clause='20(14)']").count() == 1
    assert page.locator("#egov-missing li").count() == 1

    # the registration application, in Kyrgyz
    page.goto("/egovapplicationview/add")
    page.select_option("select[name=kind]", "registration")
    _choose(page, "organisation", organisation_id, organisation_text)
    _choose(page, "element", element, "E2E-кезек")
    employee, = _one(live_server, "SELECT e.id FROM egov_employee e JOIN ab_user u ON u.id = e.user_id "
                                  "WHERE u.username = ?", "demo_egov_authorised_employee")
    _choose(page, "employee", employee, _one(live_server, "SELECT full_name FROM egov_employee WHERE id = ?",
                                             employee)[0].split()[0])
    page.select_option("select[name=language]", "ky")
    _save(page)
    application, = _one(live_server, "SELECT id FROM egov_application WHERE element_id = ? ORDER BY id DESC",
                        element)

    # the operator: registering is not offered, the refusal suggests 23(2) and names the missing item
    _as(page, live_server, "demo_egov_registry_operator")
    page.goto(f"/egovapplicationview/show/{application}")
    assert page.locator("#step-register").count() == 0
    assert page.locator("#workflow-deadlines tr[data-clause='21']").count() == 1
    page.screenshot(path=os.path.join(SHOTS, "egov-application-ky.png"), full_page=False)
    page.locator("#step-refuse").click()
    page.wait_for_load_state()
    assert page.input_value("select[name=ground]") == "23(2)"
    assert "20(14)" in page.locator("#workflow-notes").inner_text()
    page.screenshot(path=os.path.join(SHOTS, "egov-refusal-ky.png"), full_page=False)
    page.locator("#workflow-submit").click()
    page.wait_for_load_state()
    text, ground = _one(live_server, "SELECT refusal_text, refusal_ground FROM egov_application WHERE id = ?",
                        application)
    assert ground == "23(2)" and "20(14)" in text and "иштеп чыгуучу же жеткирүүчү" in text
    assert page.get_attribute("html", "lang") == "ky"

    # the employee completes the data and resubmits
    _as(page, live_server, "demo_egov_authorised_employee")
    page.goto(f"/egovelementview/edit/{element}")
    page.fill("#developer", "ЖЧК E2E Софт")
    _save(page)
    page.goto(f"/egovapplicationview/show/{application}")
    page.locator("#step-resubmit").click()
    page.wait_for_load_state()
    page.fill("#note", "Иштеп чыгуучу кошулду")
    page.locator("#workflow-submit").click()
    page.wait_for_load_state()
    again, = _one(live_server, "SELECT id FROM egov_application WHERE resubmission_of_id = ?", application)

    # the operator registers the resubmission
    _as(page, live_server, "demo_egov_registry_operator")
    page.goto(f"/egovapplicationview/show/{again}")
    page.locator("#step-register").click()
    page.wait_for_load_state()
    page.locator("#workflow-submit").click()
    page.wait_for_load_state()
    status, number = _one(live_server, "SELECT status, number FROM egov_element WHERE id = ?", element)
    assert status == "registered" and re.match(r"ЭБ-\d{4}-\d{3}$", number)

    # published on the public register (no login)
    page.context.clear_cookies()
    page.goto("/egov-register/?q=E2E")
    assert NAME in page.content()
    print(f"egov e2e flow: {time.monotonic() - started:.1f} s")
