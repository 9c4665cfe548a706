"""The electronic queue in Kyrgyz (issue 12, "how it will be checked"): a ticket from the kiosk, the operator calls
it, and the display board shows it within 2 seconds without a reload (Chromium through Playwright). Screenshots of
the kiosk, the ticket, the operator's window and the board go to docs/screenshots/."""
import os
import time

import pytest

from tests.e2e.catalogs import Checker, source_msgids
from tests.e2e.test_languages import log_in, switch_language, visible_texts
from tests.e2e.test_layout import SHOTS

pytestmark = pytest.mark.browser

ENDONYMS = ("Кыргызча", "Русский", "English")  # the kiosk's language switch names each language in itself


def _office_data(live_server):
    """An office with two groups, services, windows and an operator (the demo seed of the module is written
    elsewhere), written straight into the live server's database."""
    from tests.conftest import make_app
    from tests.test_sc_queue import build

    app = make_app("sqlite:///" + live_server.db_path)
    with app.app_context():
        from app.cli import create_user
        from app.extensions import db

        data = build(db.session)
        username = f"e2e_queue_{data.office.code.lower()}"
        user = create_user(username, live_server.demo_password, ["Service centre operator"])
        user.scope_office_id = data.office.id
        staff = data.staff(data.office, user.id, name="Асанов Асан")
        db.session.commit()
        out = {"code": data.office.code, "group": data.groups[0].id, "service": data.passport.id,
               "window": data.windows[0].id, "username": username, "staff": staff.full_name,
               "names": [data.office.name_ky, data.office.name_ru, *(g.name_ky for g in data.groups),
                         data.passport.name_ky, data.land.name_ky]}
        db.session.remove()
    return out


def _shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, name), full_page=False)


def _check_kyrgyz(page, checker, where, within=None):
    """No English, no other language, no "None" on a ky page (`within`: only that part, e.g. the window page
    without the side menu, whose labels are other parts' strings)."""
    assert page.get_attribute("html", "lang") == "ky", where
    if within:
        texts = [part for line in page.inner_text(within).splitlines() for part in line.split("\t")]
    else:
        texts = visible_texts(page)
    untranslated, foreign = checker.check(texts)
    assert not untranslated and not foreign, (where, untranslated, foreign)
    body = page.inner_text("body")
    assert "None" not in body, where


def test_kiosk_ticket_called_by_the_operator_appears_on_the_board(pw_browser, live_server, catalogs):
    data = _office_data(live_server)
    checker = Checker("ky", catalogs, source_msgids(), ignore={*live_server.user_data(), *data["names"], *ENDONYMS})
    code = data["code"]

    kiosk = pw_browser.new_context(base_url=live_server.url, locale="ky-KG", viewport={"width": 1280, "height": 900})
    kiosk.set_default_timeout(15_000)
    page = kiosk.new_page()
    switch_language(page, "ky")
    page.goto(f"/queue/{code}/kiosk")
    _check_kyrgyz(page, checker, "kiosk")
    _shot(page, "sc_queue_kiosk_ky.png")
    page.locator(f"a[data-group='{data['group']}']").click()
    page.wait_for_load_state()
    page.locator(f"a[data-service='{data['service']}']").click()
    page.wait_for_load_state()
    _check_kyrgyz(page, checker, "priority")
    page.locator("button[data-priority='none']").click()
    page.wait_for_selector("#scq-ticket-number")
    number = page.inner_text("#scq-ticket-number").strip()
    assert number.endswith("-001")
    _check_kyrgyz(page, checker, "ticket")
    _shot(page, "sc_queue_ticket_ky.png")

    board_context = pw_browser.new_context(base_url=live_server.url, locale="ky-KG",
                                           viewport={"width": 1600, "height": 900})
    board = board_context.new_page()
    switch_language(board, "ky")
    board.goto(f"/queue/{code}/board")
    board.wait_for_function("document.getElementById('scq-waiting').textContent === '1'")
    loaded = board.evaluate("performance.timeOrigin")

    operator = pw_browser.new_context(base_url=live_server.url, locale="ky-KG", viewport={"width": 1280, "height": 900})
    operator.set_default_timeout(15_000)
    desk = operator.new_page()
    switch_language(desk, "ky")
    log_in(desk, data["username"], live_server.demo_password)
    desk.goto(f"/scqueue/window/{data['window']}")
    desk.locator("#scq-open").click()
    desk.wait_for_selector("#scq-call")
    called_at = time.monotonic()
    desk.locator("#scq-call").click()
    board.wait_for_selector(f"#scq-called tr[data-number='{number}']", timeout=2_000)
    elapsed = time.monotonic() - called_at
    assert elapsed < 2.5, elapsed  # the click's navigation included
    assert board.evaluate("performance.timeOrigin") == loaded  # no reload
    assert board.inner_text(f"#scq-called tr[data-number='{number}'] .scq-board-window").strip() == "1"
    assert data["staff"] not in board.inner_text("body")
    _check_kyrgyz(board, checker, "board")
    _shot(board, "sc_queue_board_ky.png")

    desk.wait_for_selector("#scq-current-number")
    assert desk.inner_text("#scq-current-number").strip() == number
    _check_kyrgyz(desk, checker, "window", within="#sc-queue-operator")
    _shot(desk, "sc_queue_window_ky.png")
    desk.locator("#scq-start").click()
    desk.wait_for_selector("#scq-end")
    board.wait_for_selector(f"#scq-serving tr[data-number='{number}']", timeout=2_000)
    desk.locator("#scq-end").click()
    desk.wait_for_selector("#scq-call")

    page.goto(f"/queue/{code}/rate/{number}")
    _check_kyrgyz(page, checker, "rate")
    _shot(page, "sc_queue_rate_ky.png")
    page.locator("button[data-value='5']").click()
    page.wait_for_selector("#scq-thanks")
    for context in (kiosk, board_context, operator):
        context.close()
