"""The public service centre from arrival to result, in Kyrgyz (issue 12, "how it will be checked"; Chromium through
Playwright on the demo data): a ticket from the kiosk, the operator calls it and the board shows it, an application
opened from the ticket is refused with one missing document and then accepted complete, it goes through its stages
(the centre's own interagency request answered, sent to the agency, the agency's result recorded by the partner
organisation, handed over), the applicant sees the stage on the public page, and the signed result verifies there.
Screenshots of each page go to docs/screenshots/sc_flow_*_ky.png."""
import os
import re
import tempfile

import pytest

from tests.e2e.test_languages import log_in, switch_language
from tests.e2e.test_layout import SHOTS

pytestmark = pytest.mark.browser


def _flow_data(live_server):
    """The first demo office, a service it offers with at least two documents the applicant brings and one the
    centre requests itself, a window serving it, and three accounts of the office and the agency."""
    from sqlalchemy import select

    from tests.conftest import make_app

    app = make_app("sqlite:///" + live_server.db_path)
    with app.app_context():
        from app.cli import create_user
        from app.extensions import db
        from models.service_centre import ScOffice, ScStaff

        office = db.session.scalars(select(ScOffice).order_by(ScOffice.id)).first()
        assert office is not None, "the demo data has a service centre office"

        def fits(service):
            brought = [d for d in service.documents if not d.requested_by_centre and not d.optional]
            return service.active and service.applicant_kind in ("person", "any") and len(brought) >= 2

        service = next(s for s in office.services if fits(s))
        window = next(w for w in office.windows if w.active and (not w.services or service in w.services))
        users = {}
        for key, role in (("operator", "Service centre operator"), ("back", "Service centre back-office specialist"),
                          ("partner", "Service centre partner organisation")):
            name = f"e2e_flow_{key}"
            user = create_user(name, live_server.demo_password, [role])
            if key == "partner":
                user.scope_organisation_id = service.agency_id
            else:
                user.scope_office_id = office.id
                db.session.add(ScStaff(office=office, user_id=user.id, full_name=f"Тестов {key}", role={
                    "operator": "operator", "back": "back_office"}[key]))
            users[key] = name
        db.session.commit()
        brought = [d for d in service.documents if not d.requested_by_centre and not d.optional]
        out = {"office": office.code, "office_id": office.id, "service": service.id, "group": service.group_id,
               "window": window.id, "users": users, "first": brought[0].name_ky, "second": brought[1].name_ky}
        db.session.remove()
    return out


def _shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def _no_english_none(page):
    body = page.inner_text("#sn-main") if page.locator("#sn-main").count() else page.inner_text("body")
    assert "None" not in body
    assert page.get_attribute("html", "lang") == "ky"


def _step(page, name):
    page.locator(f"#step-{name}").click()
    page.wait_for_selector("#step-form")


def _check(page, label):
    page.locator("#step-form label", has_text=label).first.click()


def test_from_the_kiosk_to_the_signed_result(pw_browser, live_server):
    data = _flow_data(live_server)
    code = data["office"]

    def context(width=1280):
        ctx = pw_browser.new_context(base_url=live_server.url, locale="ky-KG", viewport={"width": width, "height": 900})
        ctx.set_default_timeout(20_000)
        return ctx

    # the applicant takes a ticket at the kiosk
    kiosk = context().new_page()
    switch_language(kiosk, "ky")
    kiosk.goto(f"/queue/{code}/kiosk")
    kiosk.locator(f"a[data-group='{data['group']}']").click()
    kiosk.wait_for_load_state()
    kiosk.locator(f"a[data-service='{data['service']}']").click()
    kiosk.wait_for_load_state()
    kiosk.locator("button[data-priority='none']").click()
    kiosk.wait_for_selector("#scq-ticket-number")
    number = kiosk.inner_text("#scq-ticket-number").strip()

    board = context(1600).new_page()
    switch_language(board, "ky")
    board.goto(f"/queue/{code}/board")

    # the operator calls it: the board shows it without a reload
    desk = context().new_page()
    switch_language(desk, "ky")
    log_in(desk, data["users"]["operator"], live_server.demo_password)
    desk.goto(f"/scqueue/window/{data['window']}")
    if desk.locator("#scq-open").count():
        desk.locator("#scq-open").click()
    desk.wait_for_selector("#scq-call")
    loaded = board.evaluate("performance.timeOrigin")
    for _ in range(30):  # demo tickets of the day may wait before ours: call until ours is at the window
        desk.locator("#scq-call").click()
        desk.wait_for_selector("#scq-current-number")
        if desk.inner_text("#scq-current-number").strip() == number:
            break
        desk.locator("#scq-no_show").click() if desk.locator("#scq-no_show").count() else None
        desk.wait_for_selector("#scq-call")
    assert desk.inner_text("#scq-current-number").strip() == number
    board.wait_for_selector(f"#scq-called tr[data-number='{number}']", timeout=2_000)
    assert board.evaluate("performance.timeOrigin") == loaded
    _shot(board, "sc_flow_board_ky.png")
    desk.locator("#scq-start").click()
    desk.wait_for_selector("#scq-application")

    # an application from the ticket: its office and service are already chosen
    desk.locator("#scq-application").click()
    desk.wait_for_selector("#applicant_name")
    assert desk.locator("#service").input_value() == str(data["service"])
    desk.fill("#applicant_pin", "21203199000123")
    desk.fill("#applicant_name", "Асанова Айгүл Маратовна")
    desk.fill("#applicant_phone", "+996 700 123 456")
    desk.locator("#model_form button[type=submit], #model_form input[type=submit]").first.click()
    desk.wait_for_selector("#step-accept")
    _no_english_none(desk)
    show_url = desk.url

    # one document missing: refused at its field, naming it; then the complete set is accepted
    _step(desk, "accept")
    _check(desk, data["first"])
    desk.locator("#workflow-submit").click()
    desk.wait_for_selector("#step-form .alert-danger")
    assert data["second"] in desk.inner_text("#step-form .alert-danger")
    _shot(desk, "sc_flow_intake_refused_ky.png")
    _check(desk, data["second"])
    desk.locator("#workflow-submit").click()
    desk.wait_for_selector("#workflow-state")
    _no_english_none(desk)
    _shot(desk, "sc_flow_received_ky.png")
    pk = int(re.search(r"/show/(\d+)", show_url).group(1))
    receipt = desk.request.get(f"/scapplicationview/print/{pk}")
    assert receipt.ok and receipt.headers["content-type"] == "application/pdf"
    tracking = desk.inner_text("body")
    found = re.search(rf"{re.escape(code)}-\d{{4}}-\d{{6}}", tracking)
    assert found, "the tracking number is on the page"
    tracking = found.group(0)

    # the back office answers the centre's own interagency requests and sends it to the agency
    back = context().new_page()
    switch_language(back, "ky")
    log_in(back, data["users"]["back"], live_server.demo_password)
    back.goto(f"/scapplicationview/show/{pk}")
    for href in back.eval_on_selector_all("a[href*='/scinteragencyrequestview/show/']",
                                          "links => links.map(a => a.getAttribute('href'))"):
        back.goto(href)
        if back.locator("#step-answer").count():
            _step(back, "answer")
            back.fill("#answer", "Маалымкат Түндүк аркылуу алынды")
            back.locator("#workflow-submit").click()
            back.wait_for_selector("#workflow-state")
    back.goto(f"/scapplicationview/show/{pk}")
    _step(back, "send")
    back.locator("#workflow-submit").click()
    back.wait_for_selector("#workflow-state")

    # the agency records its result
    partner = context().new_page()
    switch_language(partner, "ky")
    log_in(partner, data["users"]["partner"], live_server.demo_password)
    partner.goto(f"/scapplicationview/show/{pk}")
    _step(partner, "record_result")
    partner.fill("#result_note", "Документ даяр")
    partner.locator("#workflow-submit").click()
    partner.wait_for_selector("#workflow-state")

    # the applicant follows it on the public page (no login)
    applicant = context().new_page()
    switch_language(applicant, "ky")
    applicant.goto("/status/")
    applicant.fill("#status-number", tracking)
    verification = applicant_code(live_server, pk)
    applicant.fill("#status-code", verification)
    applicant.locator("#status-submit").click()
    applicant.wait_for_selector("#status-stage")
    assert applicant.get_attribute("#status-stage", "data-state") == "result_received"
    assert "Асанова" not in applicant.inner_text("body")  # nothing personal on the public page
    _shot(applicant, "sc_flow_status_ky.png")

    # handed over: the signed result verifies on the public page
    desk.goto(f"/scapplicationview/show/{pk}")
    _step(desk, "hand_over")
    desk.locator("#workflow-submit").click()
    desk.wait_for_selector("#result-document")
    result = desk.request.get(f"/scapplicationview/result/{pk}")
    assert result.ok
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as fh:
        fh.write(result.body())
    try:
        applicant.goto("/status/")
        applicant.set_input_files("#document", fh.name)
        applicant.locator("#document-submit").click()
        applicant.wait_for_selector("#signature-status")
        assert applicant.get_attribute("#signature-status", "data-status") == "valid"
        _shot(applicant, "sc_flow_signature_ky.png")
    finally:
        os.unlink(fh.name)


def applicant_code(live_server, pk):
    """The verification code printed on the applicant's receipt."""
    import sqlite3

    with sqlite3.connect(live_server.db_path) as conn:
        return conn.execute("SELECT code FROM sc_application WHERE id = ?", (pk,)).fetchone()[0]
