"""Benchmarks, run on demand (`make bench`); they print numbers and assert nothing.

Builds a large household book in a temporary database (SQLite by default, BENCH_DATABASE_URL for PostgreSQL) and
times what users do most: list pages, searches, exports, charts, each as a national and a rayon user."""
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


def build(app, households, seed=7):
    """Bulk-insert households and members spread over every village (core inserts: no per-row audit)."""
    from sqlalchemy import insert, select

    from app.extensions import db
    from app.seed.household_book import FEMALE_NAMES, MALE_NAMES, SURNAMES
    from models.household_book import Household, HouseholdMember
    from models.reference import Territory

    rng = random.Random(seed)
    villages = db.session.scalars(select(Territory.id).where(Territory.kind == "village")).all()
    now = datetime.datetime.now()
    base = db.session.query(Household).count()
    batch_h, batch_m, serial = [], [], 0
    for n in range(households):
        batch_h.append({"id": base + n + 1, "territory_id": rng.choice(villages), "number": f"B{n:07d}",
                        "address": f"Көчө {rng.randint(1, 99)}", "created_on": now, "changed_on": now})
        for k in range(rng.randint(1, 7)):
            sex = rng.choice("MF")
            birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randint(0, 30000))
            serial += 1
            last = rng.choice(SURNAMES) + ("а" if sex == "F" else "")
            first = rng.choice(FEMALE_NAMES if sex == "F" else MALE_NAMES)
            batch_m.append({"household_id": base + n + 1, "pin": f"{'1' if sex == 'F' else '2'}{birth:%d%m%Y}"
                                                                f"{serial % 100000:05d}",
                            "last_name": last, "first_name": first, "full_name": f"{last} {first}", "sex": sex,
                            "birth_date": birth, "relation": "head" if k == 0 else "child", "citizenship": "KG",
                            "registration": "permanent", "is_active": serial < 10**5 * 10 and k < 7,
                            "created_on": now, "changed_on": now})
        if len(batch_m) > 20000:
            _flush(db, Household, HouseholdMember, batch_h, batch_m)
            batch_h, batch_m = [], []
    _flush(db, Household, HouseholdMember, batch_h, batch_m)
    return db.session.query(HouseholdMember).count()


def _flush(db, household, member, hs, ms):
    from sqlalchemy import insert

    if hs:
        db.session.execute(insert(household), hs)
    if ms:
        db.session.execute(insert(member), ms)
    db.session.commit()


def timed(label, fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    print(f"{label:<58} median {statistics.median(times):8.1f} ms   min {min(times):8.1f} ms")
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=60000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="sanarip-bench-")
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.db")
    os.environ["SANARIP_INSTANCE"] = tmp
    from app import create_app

    app = create_app(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench-secret-key-of-at-least-32-bytes",
                     LOGIN_RATE_LIMIT="100000 per minute")
    with app.app_context():
        from app.cli import create_user, prepare_database
        from app.extensions import db
        from models.reference import Territory

        prepare_database(echo=lambda message: None)
        create_user("admin", PASSWORD, ["Admin"])
        rayon = db.session.query(Territory).filter_by(code="41708203000000").one()
        create_user("clerk", PASSWORD, ["LSG clerk"], territory=rayon)
        start = time.perf_counter()
        members = build(app, args.households)
        print(f"database: {url.split(':')[0]}, {args.households} households, {members} members, "
              f"built in {time.perf_counter() - start:.1f} s")

    from tests.conftest import Browser

    for user in ("admin", "clerk"):
        browser = Browser(app.test_client())
        browser.login(user, PASSWORD)
        print(f"-- as {user}")
        timed("member list, page 1", lambda: browser.get("/memberview/list/"))
        timed("member list, page 200", lambda: browser.get("/memberview/list/?page_MemberView=200"))
        timed("search name contains 'асанов'", lambda: browser.get("/memberview/list/?_flt_2_full_name=асанов"))
        timed("search PIN equals", lambda: browser.get("/memberview/list/?_flt_3_pin=20101199000001"))
        timed("household list, page 1", lambda: browser.get("/householdview/list/"))
        timed("chart: population pyramid", lambda: browser.get("/householdcharts/?chart=pyramid"))
        timed("chart: population by territory", lambda: browser.get("/householdcharts/?chart=territories"))
        timed("API: members page of 100", lambda: browser.get("/api/v1/household_member/?q=(page_size:100)"))
        timed("export xlsx, filter name contains 'асанов'",
              lambda: browser.get("/memberview/export/xlsx?_flt_2_full_name=асанов"), repeat=2)


if __name__ == "__main__":
    main()
