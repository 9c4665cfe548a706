"""One clock: every instant is stored as aware UTC, whatever the server's TZ, and rules compare instants of the
same clock (the lockout after a successful login on a server set to Asia/Bishkek, UTC+6)."""
import datetime
import os
import time

import pytest

from app import clock
from tests.conftest import audit_events


@pytest.fixture
def bishkek_server(monkeypatch):
    """The process's local time zone set to Asia/Bishkek (as on the production server), restored after."""
    monkeypatch.setenv("TZ", "Asia/Bishkek")
    time.tzset()
    assert datetime.datetime.now().astimezone().utcoffset() == datetime.timedelta(hours=6)
    yield
    monkeypatch.undo()
    time.tzset()


def test_every_datetime_column_of_the_metadata_is_an_utc_instant(app):
    from flask_appbuilder import Model
    from sqlalchemy import DateTime

    from models.types import UTCDateTime

    naive = [f"{table.name}.{column.name}" for table in Model.metadata.tables.values() for column in table.columns
             if isinstance(column.type, DateTime) and not isinstance(column.type, UTCDateTime)]
    assert naive == []
    assert len([1 for table in Model.metadata.tables.values() for column in table.columns
                if isinstance(column.type, UTCDateTime)]) > 40


def test_lockout_after_a_successful_login_on_a_server_in_utc_plus_6(app, browser, make_user, bishkek_server):
    from app.extensions import db
    from models.user import SanaripUser

    name = make_user()
    assert browser.login(name).status_code == 302  # FAB writes last_login with the server's datetime.now()
    browser.logout()
    with app.app_context():
        user = db.session.query(SanaripUser).filter_by(username=name).one()
        assert user.last_login.tzinfo is not None
        assert abs(user.last_login - clock.now()) < datetime.timedelta(minutes=2)  # UTC, not 6 hours ahead
        assert abs(user.created_on - clock.now()) < datetime.timedelta(minutes=2)
    for address in ["10.0.0.1"] * 4 + ["10.0.0.2"]:  # one address alone counts at most four (test_sessions.py)
        browser.client.environ_base["REMOTE_ADDR"] = address
        browser.login(name, "Wrongpass123")
    with app.app_context():
        user = db.session.query(SanaripUser).filter_by(username=name).one()
        assert user.locked_at is not None
        assert abs(user.locked_at - clock.now()) < datetime.timedelta(minutes=2)
    assert "lockout" in [e.action for e in audit_events(app, username=name)]


def test_instants_written_by_the_app_are_utc_on_a_server_in_utc_plus_6(app, db, bishkek_server):
    from app import audit
    from models.audit import AuditEvent
    from models.reference import Territory

    before = clock.now()
    audit.record(db.session, "read", "test_clock", None, {"probe": True})
    db.session.commit()
    event = db.session.query(AuditEvent).filter_by(object_type="test_clock").order_by(AuditEvent.id.desc()).first()
    assert event.at.tzinfo is not None and abs(event.at - before) < datetime.timedelta(minutes=1)
    touched = db.session.query(Territory).order_by(Territory.id).first()
    touched.name_en = (touched.name_en or "") + " "
    db.session.commit()
    db.session.expire_all()
    touched = db.session.query(Territory).filter_by(id=touched.id).one()
    assert touched.changed_on.tzinfo is not None
    assert abs(touched.changed_on - clock.now()) < datetime.timedelta(minutes=1)


def test_local_today_is_the_day_in_the_configured_zone():
    late_evening_utc = datetime.datetime(2026, 3, 1, 19, 30, tzinfo=clock.UTC)  # 01:30 on 2 March in Bishkek
    assert os.environ.get("TIMEZONE", "Asia/Bishkek") == "Asia/Bishkek"
    assert clock.local_today(late_evening_utc) == datetime.date(2026, 3, 2)


def test_times_are_shown_in_the_configured_zone(app):
    from flask_babel import force_locale, format_datetime

    with app.test_request_context(), force_locale("en"):
        shown = format_datetime(datetime.datetime(2026, 3, 1, 19, 30, tzinfo=clock.UTC), "yyyy-MM-dd HH:mm")
    assert shown == "2026-03-02 01:30"
