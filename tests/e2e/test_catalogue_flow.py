"""In Kyrgyz, in Chromium: an administrator adds a field to households in the UI without a restart, a clerk fills
it in the form, a head of the aiyl okmotu builds a chart, saves it and finds it on the home page."""
import re

import pytest

from tests.e2e.test_languages import log_in, switch_language

pytestmark = pytest.mark.browser


def _logged_in(pw_browser, live_server, username, password):
    context = pw_browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    switch_language(page, "ky")
    log_in(page, username, password)
    assert "/login" not in page.url
    return context, page


def test_admin_field_clerk_value_head_chart(pw_browser, live_server):
    admin_context, admin = _logged_in(pw_browser, live_server, *live_server.admin)
    admin.goto("/catalogue/")
    assert admin.get_attribute("html", "lang") == "ky"
    assert admin.locator("tr[data-dataset=household_book_household]").count() == 1
    admin.screenshot(path="/tmp/e2e_catalogue_ky.png", full_page=False)
    admin.goto("/catalogue/dataset/household_book_household")
    admin.locator("#add-custom-field").click()
    admin.wait_for_load_state()
    admin.select_option("select[name=dataset]", "household_book_household")
    admin.fill("#key", "water_source_m")
    admin.select_option("select[name=kind]", "integer")
    admin.fill("#label_ky", "Суу булагына чейин, м")
    admin.fill("#label_ru", "До источника воды, м")
    admin.fill("#label_en", "Distance to water, m")
    admin.fill("#max_value", "10000")
    admin.check("#in_list")
    admin.locator("form#model_form button[type=submit], form#model_form input[type=submit]").first.click()
    admin.wait_for_load_state()
    admin.goto("/catalogue/dataset/household_book_household")
    assert admin.locator("tr[data-field=water_source_m]").count() == 1
    admin.screenshot(path="/tmp/e2e_dataset_ky.png", full_page=True)
    admin_context.close()

    clerk_context, clerk = _logged_in(pw_browser, live_server, "demo_lsg_clerk", live_server.demo_password)
    clerk.goto("/householdview/list/")
    clerk.locator("a[href*='/householdview/edit/']").first.click()
    clerk.wait_for_load_state()
    assert "Суу булагына чейин, м" in clerk.content()
    clerk.fill("#water_source_m", "250")
    clerk.locator("form#model_form button[type=submit], form#model_form input[type=submit]").first.click()
    clerk.wait_for_load_state()
    clerk.goto("/householdview/list/")
    assert re.search(r"<td>\s*250\s*</td>", clerk.content())
    clerk.screenshot(path="/tmp/e2e_households_ky.png", full_page=False)
    clerk_context.close()

    head_context, head = _logged_in(pw_browser, live_server, "demo_lsg_head", live_server.demo_password)
    head.goto("/chartbuilder/")
    head.select_option("#cb-dataset", "household_book_member")
    head.wait_for_load_state()
    head.select_option("#cb-group1", "birth_date:age")
    head.select_option("#cb-group2", "sex")
    head.select_option("#cb-type", "pyramid")
    head.locator("#cb-show").click()
    head.wait_for_load_state()
    assert head.locator("#cb-chart .plotly-graph-div").count() == 1
    head.fill("#cb-title", "Калктын пирамидасы")
    head.locator("#cb-save-button").click()
    head.wait_for_load_state()
    head.goto("/")
    assert head.locator("#pinned-charts").count() == 1
    assert "Калктын пирамидасы" in head.locator("#pinned-charts").inner_text()
    head.wait_for_timeout(500)
    head.screenshot(path="/tmp/e2e_home_ky.png", full_page=True)
    text = head.locator("#pinned-charts").inner_text()
    assert not re.search(r"\bNone\b", text)
    head_context.close()
