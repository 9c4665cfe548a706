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
