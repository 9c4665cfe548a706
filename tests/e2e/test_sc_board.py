"""The office head's live board of the public service centre (views/service_centre_stats.py ScBoardView) in
Chromium: a ticket issued after the page was opened appears in "Waiting now" within the refresh interval, from
the JSON endpoint, without the page being reloaded."""
import datetime
import time

import pytest

from tests.e2e.test_languages import log_in

pytestmark = pytest.mark.browser


def test_the_board_refreshes_without_reloading(page, live_server):
    from sqlalchemy import insert, select

    from app import clock, create_app
    from models.service_centre import ScOffice, ScTicket
    from tests.sc_world import ensure_world

    data_app = create_app(SQLALCHEMY_DATABASE_URI="sqlite:///" + live_server.db_path, TESTING=True,
                          SECRET_KEY="e2e-board-secret-key-of-at-least-32-bytes")
    office_id = ensure_world(data_app)["offices"][0]
    page.goto("/login/")
    log_in(page, *live_server.admin)
    page.goto(f"/scboard/?office={office_id}")
    page.evaluate("window.__notReloaded = true")
    before = int(page.inner_text("#sc-board-waiting"))
    with data_app.app_context():
        from app.extensions import db

        office = db.session.get(ScOffice, office_id)
        service_id = office.services[0].id
        db.session.execute(insert(ScTicket.__table__), [{
            "office_id": office_id, "service_id": service_id, "day": clock.local_today(), "number": "E2E-1",
            "priority": "none", "state": "waiting", "language": "ky",
            "issued_at": clock.now() - datetime.timedelta(minutes=7)}])
        db.session.commit()
    deadline = time.monotonic() + 15
    while int(page.inner_text("#sc-board-waiting")) != before + 1:
        assert time.monotonic() < deadline, "the board did not refresh"
        page.wait_for_timeout(500)
    assert page.evaluate("window.__notReloaded") is True
    assert float(page.inner_text("#sc-board-longest")) >= 7
    assert page.locator("#sc-board-services tr").count() >= 1
    with data_app.app_context():
        from app.extensions import db

        assert db.session.scalar(select(ScTicket.id).where(ScTicket.number == "E2E-1")) is not None
