"""Two clerks in two browsers edit the same household: the second save is refused with a message, and the form
shows the first clerk's change instead of silently putting the old phone back."""
import re

import pytest

from tests.e2e.test_languages import log_in, switch_language

pytestmark = pytest.mark.browser


def _clerk(pw_browser, live_server):
    context = pw_browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    switch_language(page, "ru")
    log_in(page, "demo_lsg_clerk", live_server.demo_password)
    return context, page


def _save(page):
    with page.expect_navigation():
        page.locator("form#model_form button[type=submit], form#model_form input[type=submit]").first.click()


def test_second_save_of_a_stale_form_is_refused(pw_browser, live_server):
    (ctx1, first), (ctx2, second) = _clerk(pw_browser, live_server), _clerk(pw_browser, live_server)
    try:
        first.goto("/householdview/list/")
        href = first.locator("a[href*='/householdview/edit/']").first.get_attribute("href")
        pk = re.search(r"/householdview/edit/(\d+)", href).group(1)
        first.goto(f"/householdview/edit/{pk}")
        second.goto(f"/householdview/edit/{pk}")
        first.fill("#phone", "+996 555 123 456")
        _save(first)
        second.fill("#note", "changed by the second clerk")
        _save(second)
        assert "/householdview/edit/" in second.url  # still on the form
        assert "изменил эту запись" in second.content()
        assert second.input_value("#phone") == "+996 555 123 456"  # the record as it is now
        second.fill("#note", "changed by the second clerk")
        _save(second)  # a save based on the current version goes through
        second.goto(f"/householdview/show/{pk}")
        text = second.content()
        assert "+996 555 123 456" in text and "changed by the second clerk" in text
    finally:
        ctx1.close()
        ctx2.close()
