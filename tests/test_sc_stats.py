"""Statistics of the public service centre (app/services/service_centre_stats.py) recomputed from the raw queue
events by an independent Python computation (numpy's percentiles) for simulated days with a fixed seed; period
boundaries in local time whatever the process TZ; scope (an office user sees only their office; another office's
id is denied); the analyst's role has no personal views; the xlsx export has the numbers."""
import datetime
import io
import os
import random
import time
from collections import defaultdict

import numpy as np
import pytest

from tests.conftest import Browser, audit_events
from tests.sc_world import DAY, TERRITORY_A, ensure_world


@pytest.fixture(scope="module")
def world(app):
    return ensure_world(app)


def _events(db, office_ids, start, end):
    from sqlalchemy import select

    from models.service_centre import ScTicketEvent as E

    return db.session.execute(select(E.ticket_id, E.office_id, E.service_id, E.at, E.event, E.window_id,
                                     E.operator_id, E.value)
                              .where(E.office_id.in_(office_ids)).order_by(E.id)).all()


def python_stats(rows, start, end, key, norm=15):
    """The statistics by hand: tickets folded from their events, grouped, numpy for the percentiles."""
    tickets = defaultdict(dict)
    for ticket_id, office_id, service_id, at, event, window_id, operator_id, value in rows:
        t = tickets[ticket_id]
        t.setdefault("office_id", office_id)
        if event == "issued":
            t.update(issued=at, service_id=service_id)
        elif event == "called":
            t.update(called=at, window_id=window_id, operator_id=operator_id)
        elif event in ("started", "ended", "no_show", "transferred"):
            t[event] = at
        elif event == "rated":
            t["rating"] = value
    groups = defaultdict(list)
    for t in tickets.values():
        if "issued" in t and start <= t["issued"] < end:
            groups[t.get(key)].append(t)
    out = {}
    for k, ts in groups.items():
        waits = [(t["called"] - t["issued"]).total_seconds() / 60 for t in ts if "called" in t]
        services = [(t["ended"] - t["started"]).total_seconds() / 60 for t in ts if "ended" in t and "started" in t]
        ratings = [t["rating"] for t in ts if "rating" in t]
        out[k] = {"issued": len(ts), "served": sum("ended" in t for t in ts),
                  "no_shows": sum("no_show" in t for t in ts), "transferred": sum("transferred" in t for t in ts),
                  "wait_mean": np.mean(waits) if waits else None,
                  "wait_p50": np.percentile(waits, 50) if waits else None,
                  "wait_p90": np.percentile(waits, 90) if waits else None,
                  "service_mean": np.mean(services) if services else None,
                  "service_p50": np.percentile(services, 50) if services else None,
                  "service_p90": np.percentile(services, 90) if services else None,
                  "within_share": (sum(w <= norm for w in waits) / len(waits)) if waits else None,
                  "rated": len(ratings), "rating_mean": np.mean(ratings) if ratings else None,
                  **{f"rating_{v}": ratings.count(v) for v in range(1, 6)}}
    return out


def _same(sql, python):
    assert set(sql) == set(python), (set(sql) ^ set(python))
    for k, expected in python.items():
        for column, value in expected.items():
            got = sql[k][column]
            if value is None:
                assert got is None, (k, column)
            else:
                assert float(got) == pytest.approx(float(value), abs=1e-6), (k, column, got, value)


@pytest.mark.parametrize("key", ["office_id", "service_id", "window_id", "operator_id"])
def test_queue_statistics_equal_an_independent_computation(app, db, world, key):
    from app.scope import NATIONAL
    from app.services import service_centre_stats as stats

    period = stats.Period(DAY, DAY)
    sql = stats.queue_table(db.session, NATIONAL, period, key)
    python = python_stats(_events(db, world["offices"], period.start, period.end), period.start, period.end, key)
    sql = {k: v for k, v in sql.items() if k in python or k is None}
    _same(sql, python)
    total = sum(v["issued"] for v in python.values())
    assert total >= 2 * 300  # both offices' day, with the transfers' new tickets
    assert sum(v["no_shows"] for v in python.values()) > 0 and sum(v["transferred"] for v in python.values()) > 0


def test_two_days_and_a_norm_of_ten_minutes(app, db, world):
    from app.scope import NATIONAL
    from app.services import service_centre_stats as stats

    period = stats.Period(DAY, DAY + datetime.timedelta(days=1))
    sql = stats.queue_table(db.session, NATIONAL, period, "office_id", norm=10)
    python = python_stats(_events(db, world["offices"], period.start, period.end), period.start, period.end,
                          "office_id", norm=10)
    _same({k: v for k, v in sql.items() if k in python}, python)


def test_the_simulated_day_is_realistic(app, db, world):
    """Shares of the simulator: no-shows about 4 %, transfers about 2 %, ratings about 30 % of those served,
    priorities about 5 %, a peak before noon; 2,000 tickets are written in well under a few seconds."""
    from sqlalchemy import func, select

    from app.scope import NATIONAL
    from app.seed.service_centre_activity import simulate_queue_day
    from app.services import service_centre_stats as stats
    from models.service_centre import ScOffice, ScTicket

    by_office = stats.queue_table(db.session, NATIONAL, stats.Period(DAY, DAY), "office_id")
    row = by_office[world["offices"][0]]
    assert 0.01 < row["no_shows"] / row["issued"] < 0.08
    assert 0.005 < row["transferred"] / row["issued"] < 0.05
    assert 0.2 < row["rated"] / row["served"] < 0.4
    priority = db.session.scalar(select(func.count()).where(ScTicket.office_id == world["offices"][0],
                                                            ScTicket.day == DAY, ScTicket.priority != "none"))
    assert 0.02 < priority / row["issued"] < 0.09
    hours = stats.queue_table(db.session, NATIONAL, stats.Period(DAY, DAY), "hour", office_id=world["offices"][0])
    assert max(hours, key=lambda h: hours[h]["issued"]) in (10, 11, 12)
    office = db.session.get(ScOffice, world["offices"][0])
    started = time.perf_counter()
    made = simulate_queue_day(db.session, office, DAY - datetime.timedelta(days=30), 2000, random.Random(5))
    elapsed = time.perf_counter() - started
    db.session.rollback()
    assert made["tickets"] >= 2000 and elapsed < 5, elapsed


def test_period_boundaries_are_local_days_whatever_the_process_tz(app, db, world, monkeypatch):
    """A ticket issued at 23:50 in Bishkek belongs to that day, one at 00:10 to the next, with the process in
    New York's zone (the server's TZ never counts)."""
    from sqlalchemy import insert

    from app import clock
    from app.scope import NATIONAL
    from app.services import service_centre_stats as stats
    from models.service_centre import ScTicket, ScTicketEvent

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        office_id = world["offices"][1]
        day = datetime.date(2026, 10, 5)
        zone = clock.local_zone()
        service_id = db.session.execute(__import__("sqlalchemy").select(ScTicketEvent.service_id).where(
            ScTicketEvent.office_id == office_id).limit(1)).scalar()
        for n, local in enumerate((datetime.datetime(2026, 10, 4, 23, 50), datetime.datetime(2026, 10, 5, 0, 10),
                                   datetime.datetime(2026, 10, 5, 23, 59, 59), datetime.datetime(2026, 10, 6, 0, 0))):
            at = local.replace(tzinfo=zone).astimezone(clock.UTC)
            ticket_id = db.session.execute(insert(ScTicket).returning(ScTicket.id), [{
                "office_id": office_id, "service_id": service_id, "day": local.date(), "number": f"Z-{n}",
                "state": "waiting", "issued_at": at}]).scalar()
            db.session.execute(insert(ScTicketEvent), [{"ticket_id": ticket_id, "office_id": office_id,
                                                        "service_id": service_id, "at": at, "event": "issued"}])
        counts = stats.queue_table(db.session, NATIONAL, stats.Period(day, day), "office_id", office_id=office_id)
        assert counts[office_id]["issued"] == 2  # 00:10 and 23:59:59 of 5 October
        assert stats.Period(day, day).start == datetime.datetime(2026, 10, 4, 18, tzinfo=clock.UTC)
    finally:
        db.session.rollback()
        monkeypatch.delenv("TZ")
        time.tzset()


# --- the screens ----------------------------------------------------------------------------------------------------
HEAD, ADMIN, ANALYST = "Service centre office head", "Service centre administrator", "Service centre analyst"


@pytest.fixture(scope="module")
def users(app, world):
    from app.cli import create_user
    from app.extensions import db

    names = {}
    with app.app_context():
        for key, role, office in (("head", HEAD, world["offices"][0]), ("admin", ADMIN, None),
                                  ("analyst", ANALYST, None)):
            name = f"sc_stats_{key}"
            user = app.appbuilder.sm.find_user(username=name) or create_user(name, "Testpass123", [role])
            user.scope_office_id = office
            names[key] = name
        db.session.commit()
    return names


def _login(app, username, language="en"):
    browser = Browser(app.test_client())
    assert browser.login(username).status_code in (200, 302)
    browser.get(f"/lang/{language}")
    return browser


def _ids(html, dom_id):
    import re

    return [int(i) for i in re.findall(rf'class="{dom_id}-row" data-id="(\d+)"', html)]


def test_an_office_head_sees_only_their_office(app, world, users):
    a, b = world["offices"]
    head = _login(app, users["head"])
    query = f"date_from={DAY.isoformat()}&date_to={DAY.isoformat()}"
    page = head.get(f"/scstatsoffice/?{query}")
    assert page.status_code == 200
    assert _ids(page.get_data(as_text=True), "sc-stats-office") == [a]
    windows = _ids(head.get(f"/scstatswindow/?{query}").get_data(as_text=True), "sc-stats-window")
    operators = _ids(head.get(f"/scstatsoperator/?{query}").get_data(as_text=True), "sc-stats-operator")
    from app.extensions import db
    from models.service_centre import ScStaff, ScWindow

    with app.app_context():
        assert windows and {db.session.get(ScWindow, w).office_id for w in windows} == {a}
        assert operators and {db.session.get(ScStaff, s).office_id for s in operators} == {a}
    # another office's id: denied, audited
    for url in (f"/scstatsoffice/?{query}&office={b}", f"/scstatsoffice/export/xlsx?office={b}",
                f"/scstatsservice/pdf?office={b}", f"/scstatscharts/?chart=wait_by_hour&office={b}",
                f"/scstatscharts/export/on_time/xlsx?office={b}", f"/scboard/data?office={b}"):
        before = len(audit_events(app, action="denied", object_type="sc_office", object_id=str(b)))
        assert head.get(url).status_code == 404, url
        assert len(audit_events(app, action="denied", object_type="sc_office", object_id=str(b))) == before + 1, url
    # the chart's data is the head's office only
    chart = head.get(f"/scstatscharts/export/on_time/csv?{query}").get_data(as_text=True)
    assert "STA" in chart and "STB" not in chart


def test_numbers_on_the_screen_and_in_the_xlsx_are_the_service_numbers(app, db, world, users):
    import openpyxl

    from app.scope import NATIONAL
    from app.services import service_centre_stats as stats

    admin = _login(app, users["admin"])
    query = f"date_from={DAY.isoformat()}&date_to={DAY.isoformat()}"
    response = admin.get(f"/scstatsoffice/export/xlsx?{query}")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    expected = stats.queue_table(db.session, NATIONAL, stats.Period(DAY, DAY), "office_id")
    for row in rows[1:]:
        values = dict(zip(header, row))
        if values["Office code"] not in ("STA", "STB"):
            continue
        office_id = world["offices"][0 if values["Office code"] == "STA" else 1]
        assert values["Tickets issued"] == expected[office_id]["issued"]
        assert values["No-shows"] == expected[office_id]["no_shows"]
        assert values["Wait, median, min"] == pytest.approx(expected[office_id]["wait_p50"], abs=0.01)
        assert values["Wait, 90th percentile, min"] == pytest.approx(expected[office_id]["wait_p90"], abs=0.01)
        assert values["Waited within the norm, %"] == pytest.approx(expected[office_id]["within_share"] * 100,
                                                                    abs=0.05)
    assert {r[0] for r in rows[1:]} >= {"STA", "STB"}
    for path in ("/scstatsservice/", "/scstatswindow/", "/scstatsoperator/", "/scstatscharts/",
                 "/scstatscharts/?chart=tickets_by_service", "/scstatscharts/?chart=on_time", "/scboard/",
                 "/scstatsoffice/pdf"):
        assert admin.get(f"{path}{'&' if '?' in path else '?'}{query}").status_code == 200, path


def test_the_analyst_sees_statistics_and_no_personal_data(app, users):
    """The analyst's role: the office, service and window statistics and the charts; no view of a personal dataset
    (no operators' report, no board with names, no complaints, no lists of applications or staff)."""
    from app.extensions import db

    analyst = _login(app, users["analyst"])
    query = f"date_from={DAY.isoformat()}&date_to={DAY.isoformat()}"
    for path in ("/scstatsoffice/", "/scstatsservice/", "/scstatswindow/", "/scstatscharts/"):
        assert analyst.get(f"{path}?{query}").status_code == 200, path
    for path in ("/scstatsoperator/", "/scboard/", "/scboard/data", "/sccomplaintview/list/"):
        assert analyst.get(path).status_code in (302, 403), path
    with app.app_context():
        role = app.appbuilder.sm.find_role(ANALYST)
        personal = []
        for pv in role.permissions:
            view = next((v for v in app.appbuilder.baseviews if getattr(v, "class_permission_name", None)
                         == pv.view_menu.name), None)
            model = getattr(getattr(view, "datamodel", None), "obj", None)
            report = getattr(getattr(view, "report", None), "model", None)
            if getattr(model, "personal", False) or getattr(report, "personal", False):
                personal.append((pv.permission.name, pv.view_menu.name))
        assert not personal, personal


def test_the_live_board_answers_json(app, db, world, users):
    from sqlalchemy import update

    from app import clock
    from models.service_centre import ScTicket

    head = _login(app, users["head"])
    today = clock.local_today()
    with app.app_context():
        from app.extensions import db as _db
        from sqlalchemy import insert, select

        from models.service_centre import ScTicketEvent

        service_id = _db.session.scalar(select(ScTicketEvent.service_id).where(
            ScTicketEvent.office_id == world["offices"][0]).limit(1))
        for n in range(3):
            _db.session.execute(insert(ScTicket), [{"office_id": world["offices"][0], "service_id": service_id,
                                                    "day": today, "number": f"W-{n}", "state": "waiting",
                                                    "issued_at": clock.now() - datetime.timedelta(minutes=10 * n)}])
        _db.session.commit()
    try:
        data = head.get("/scboard/data").get_json()
        assert data["office_id"] == world["offices"][0]
        assert data["waiting"] == 3 and data["longest_minutes"] >= 19.9
        assert head.get("/").status_code == 200
        home = head.get("/").get_data(as_text=True)
        assert "Waiting in the queue now" in home
        assert "Азыр кезекте күтүп жаткандар" in _login(app, users["head"], "ky").get("/").get_data(as_text=True)
    finally:
        with app.app_context():
            from sqlalchemy import delete

            _db.session.execute(delete(ScTicket).where(ScTicket.number.like("W-%"), ScTicket.day == today))
            _db.session.commit()


def test_applications_received_refused_completed_on_time_and_overdue(app, db, world):
    """Applications per office: received in the period, refusals at intake by ground, completed (first step to
    "result received") on time against `expected_on` or late (the local day of the step), overdue now by stage."""
    from sqlalchemy import select

    from app import clock
    from app.scope import NATIONAL
    from app.services import service_centre_stats as stats
    from models.service_centre import ScApplication, ScApplicationStep, ScOffice

    office = db.session.get(ScOffice, world["offices"][1])
    service = office.services[0]
    today = datetime.date(2026, 11, 20)
    at = lambda day, hour: clock.from_local(datetime.datetime.combine(day, datetime.time(hour)))  # noqa: E731
    day = datetime.date(2026, 11, 2)

    def application(state, expected=None, due=None, reason=None, done=None, received=day):
        a = ScApplication(office=office, service=service, applicant_kind="person", applicant_pin="21201199000011",
                          applicant_name="Асанов Бакыт", state=state, received_at=at(received, 10),
                          expected_on=expected, stage_due_on=due, refusal_reason=reason)
        db.session.add(a)
        if done is not None:
            db.session.add(ScApplicationStep(application=a, at=done, from_status="sent", to_status="result_received"))
        return a

    application("handed_over", expected=day + datetime.timedelta(days=5), done=at(day + datetime.timedelta(days=5), 23))
    application("result_received", expected=day + datetime.timedelta(days=5),
                done=at(day + datetime.timedelta(days=6), 0), due=today + datetime.timedelta(days=2))  # late by 1 h
    application("sent", due=today - datetime.timedelta(days=1))
    application("result_received", due=today - datetime.timedelta(days=3), expected=day,
                done=at(day, 12))  # completed on its expected day, the handover overdue now
    application("received", due=today)  # due today: not overdue yet
    application("refused_intake", reason="incomplete")
    application("refused_intake", reason="invalid")
    application("refused_intake", reason="incomplete", received=day - datetime.timedelta(days=10))  # before
    db.session.flush()
    period = stats.Period(day, day + datetime.timedelta(days=10))
    q = stats.application_stats(db.session, NATIONAL, period, "office_id", office_id=office.id, today=today)
    row = db.session.execute(select(q)).one()
    assert (row.received, row.refused_intake, row.refused_incomplete, row.refused_invalid) == (5, 2, 1, 1)
    assert (row.completed, row.on_time, row.late) == (3, 2, 1)
    assert (row.overdue, row.overdue_sent, row.overdue_result_received, row.overdue_received) == (2, 1, 1, 0)
    db.session.rollback()
