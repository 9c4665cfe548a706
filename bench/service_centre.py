"""Benchmark of the public service centre's statistics (issue 12, item 8): prints numbers, asserts nothing.

    .venv/bin/python bench/service_centre.py                       # SQLite in a temporary folder
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/DB .venv/bin/python bench/service_centre.py
    ... --tickets 2000 --days 30 --repeat 5

On PostgreSQL the public schema of the database is **dropped and recreated** first (point it at a database of its
own). Builds the schema (`prepare_database`), two offices (one in Alamüdün rayon) with 20 services, 10 windows and
10 operators each, then simulates with `app.seed.service_centre_activity.simulate_queue_day` one queue day of
`--tickets` tickets in the first office (timed: the bulk inserts), and times the statistics: the service function
(`queue_stats` per office, service, window, operator, hour) and the pages through the Flask test client (the
report by office and by operator, the xlsx export, the waiting-by-hour chart, the live board's JSON) as the office
head (bound to the office) and as a national administrator. Then it adds `--days` − 1 more days of the same size
(a month) and times the same for the month."""
import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PASSWORD = "Benchpass123"
RAYON = "41708203000000"


def timed(label, fn, repeat=5):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        if hasattr(result, "get_data"):
            result.get_data()  # a streamed export is timed to its last byte
        times.append((time.perf_counter() - start) * 1000)
    status = getattr(result, "status_code", "")
    print(f"  {label:<62} median {statistics.median(times):8.1f} ms   min {min(times):8.1f} ms  {status}")
    return result


def _fresh_postgres(url):
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def build_offices(session):
    from sqlalchemy import select

    from models.egov_registry import EgovOrganisation
    from models.reference import Territory
    from models.service_centre import ScOffice, ScService, ScServiceGroup, ScStaff, ScWindow

    rayon = session.scalar(select(Territory).where(Territory.code == RAYON))
    other = session.scalar(select(Territory).where(Territory.level == rayon.level, Territory.id != rayon.id)
                           .order_by(Territory.id))
    agency = EgovOrganisation(inn="01234567890123", address="Бишкек", name_ru="Ведомство")
    groups = [ScServiceGroup(name_ru=f"Группа {p}", ticket_prefix=p) for p in "ABCD"]
    services = [ScService(code=f"S{n:02d}", name_ru=f"Услуга {n}", group=groups[n % 4], agency=agency,
                          legal_basis="Закон", result_ru="Справка", total_days=5) for n in range(1, 21)]
    session.add_all([agency, *groups, *services])
    offices = []
    for code, territory in (("B1", rayon), ("B2", other)):
        office = ScOffice(code=code, name_ru=f"ЦОН {code}", address="ул. 1", territory=territory,
                          opens_at=datetime.time(8, 30), closes_at=datetime.time(17, 30), services=services)
        session.add(office)
        session.add_all([ScStaff(office=office, full_name=f"Оператор {code}-{n}", role="operator")
                         for n in range(1, 11)])
        session.add_all([ScWindow(office=office, number=n, services=services) for n in range(1, 11)])
        offices.append(office)
    session.commit()
    for office in offices:
        session.refresh(office)
    return offices


def measure(app, office_id, period, label, repeat):
    from app.extensions import db
    from app.scope import NATIONAL, Scope
    from app.services import service_centre_stats as stats
    from tests.conftest import Browser

    query = f"date_from={period.date_from.isoformat()}&date_to={period.date_to.isoformat()}"
    print(f"-- {label}: {period.date_from} – {period.date_to}")
    with app.app_context():
        for key in stats.KEYS:
            timed(f"service: queue_stats by {key} (national)",
                  lambda: stats.queue_table(db.session, NATIONAL, period, key), repeat)
        timed("service: queue_stats by office (the office's scope)",
              lambda: stats.queue_table(db.session, Scope(office_id=office_id), period, "office_id"), repeat)
    for user in ("head", "admin"):
        browser = Browser(app.test_client())
        browser.login(user, PASSWORD)
        print(f"   as {user}")
        timed("page: statistics by office", lambda: browser.get(f"/scstatsoffice/?{query}"), repeat)
        timed("page: statistics by operator", lambda: browser.get(f"/scstatsoperator/?{query}"), repeat)
        timed("page: statistics by service", lambda: browser.get(f"/scstatsservice/?{query}"), repeat)
        timed("export: statistics by office, xlsx", lambda: browser.get(f"/scstatsoffice/export/xlsx?{query}"),
              repeat)
        timed("chart: waiting time by hour", lambda: browser.get(f"/scstatscharts/?chart=wait_by_hour&{query}"),
              repeat)
        timed("live board JSON", lambda: browser.get(f"/scboard/data?office={office_id}"), repeat)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="sanarip-bench-sc-")
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.db")
    if url.startswith("postgresql"):
        _fresh_postgres(url)
    os.environ["SANARIP_INSTANCE"] = tmp
    from app import create_app

    app = create_app(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench-secret-key-of-at-least-32-bytes",
                     LOGIN_RATE_LIMIT="100000 per minute", LOGIN_THROTTLE_DELAY_SEC=0)
    from app import clock
    from app.seed.service_centre_activity import simulate_queue_day
    from app.services.service_centre_stats import Period

    with app.app_context():
        from app.cli import create_user, prepare_database
        from app.extensions import db

        prepare_database(echo=lambda message: None)
        offices = build_offices(db.session)
        office_id, office_ids = offices[0].id, [o.id for o in offices]
        create_user("admin", PASSWORD, ["Service centre administrator"])
        head = create_user("head", PASSWORD, ["Service centre office head"])
        head.scope_office_id = office_id
        db.session.commit()
        last = clock.local_today() - datetime.timedelta(days=1)
        rng = random.Random(2026)
        start = time.perf_counter()
        made = simulate_queue_day(db.session, offices[0], last, args.tickets, rng)
        db.session.commit()
        print(f"database: {url.split(':')[0]}; one queue day simulated: {made['tickets']} tickets, "
              f"{made['events']} events in {time.perf_counter() - start:.2f} s")
    measure(app, office_id, Period(last, last), "one day", args.repeat)
    if args.days > 1:
        with app.app_context():
            from models.service_centre import ScOffice

            offices = [db.session.get(ScOffice, i) for i in office_ids]
            start = time.perf_counter()
            tickets = events = 0
            for n in range(1, args.days):
                made = simulate_queue_day(db.session, offices[n % 2], last - datetime.timedelta(days=n),
                                          args.tickets, rng)
                tickets, events = tickets + made["tickets"], events + made["events"]
                db.session.commit()
            print(f"{args.days - 1} more days simulated: {tickets} tickets, {events} events in "
                  f"{time.perf_counter() - start:.1f} s")
            if url.startswith("postgresql"):
                db.session.execute(__import__("sqlalchemy").text("ANALYZE"))
                db.session.commit()
        measure(app, office_id, Period(last - datetime.timedelta(days=args.days - 1), last), "a month",
                args.repeat)


if __name__ == "__main__":
    main()
