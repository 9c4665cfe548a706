"""Benchmark of the data catalogue, run on demand; prints numbers, asserts nothing.

Builds the household book of bench/run.py, adds a custom field to households with a value in every tenth one,
and times the catalogue page (counts inside the scope), the Table Schema, a chart-builder aggregate, a list
filtered by the custom value and the API list with custom values, as a national and a rayon user.
`BENCH_DATABASE_URL=postgresql+psycopg://…` for PostgreSQL (where the GIN index serves the custom filter)."""
import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.run import PASSWORD, build, timed  # noqa: E402


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
        from sqlalchemy import text

        from app.catalogue import admin
        from app.cli import create_user, prepare_database
        from app.extensions import db
        from models.reference import Territory

        prepare_database(echo=lambda message: None)
        create_user("admin", PASSWORD, ["Admin"])
        rayon = db.session.query(Territory).filter_by(code="41708203000000").one()
        create_user("head", PASSWORD, ["LSG head"], territory=rayon)
        start = time.perf_counter()
        members = build(app, args.households)
        admin.add_custom_field(db.session, {"dataset": "household_book_household", "key": "wells", "kind": "integer",
                                            "label_ru": "Колодцы", "searchable": True, "in_list": True})
        db.session.commit()
        json_value = "jsonb_build_object('wells', id % 3)" if url.startswith("postgresql") else \
            "json_object('wells', id % 3)"
        db.session.execute(text(f"UPDATE household_book_household SET custom = {json_value} WHERE id % 10 = 0"))
        db.session.commit()
        print(f"database: {url.split(':')[0]}, {args.households} households, {members} members, custom values on "
              f"every tenth household, built in {time.perf_counter() - start:.1f} s")

    from tests.conftest import Browser

    for user in ("admin", "head"):
        browser = Browser(app.test_client())
        browser.login(user, PASSWORD)
        print(f"-- as {user}")
        timed("catalogue page (every dataset, scoped counts)", lambda: browser.get("/catalogue/"))
        timed("Table Schema of household members", lambda: browser.get(
            "/api/v1/catalogue/datasets/household_book_member/schema"))
        timed("DCAT-AP catalogue", lambda: browser.get("/catalogue/dcat.jsonld"), repeat=3)
        timed("chart builder: members by territory and sex", lambda: browser.get(
            "/chartbuilder/?dataset=household_book_member&group1=territory&group2=sex&chart_type=bar"))
        timed("chart builder: members by age group and sex", lambda: browser.get(
            "/chartbuilder/?dataset=household_book_member&group1=birth_date:age&group2=sex&chart_type=pyramid"))
        timed("household list filtered by a custom value", lambda: browser.get(
            "/householdview/list/?cf_wells=2"))
        timed("API: households page of 100 with custom values", lambda: browser.get(
            "/api/v1/household/?q=(page_size:100)"))


if __name__ == "__main__":
    main()
