"""The global search (app/search.py, views/search.py): a PIN, the beginning of a name or a number finds records
the user may open, in the user's scope only, audited; hostile input is answered, never a 500."""
import re

import pytest

from tests.conftest import Browser, audit_events

RAYON = "41708203000000"  # the demo rayon


def _members(db):
    """A member inside the demo rayon and one outside it."""
    from models.household_book import Household, HouseholdMember
    from models.reference import Territory

    rayon = db.session.query(Territory).filter_by(code=RAYON).one()
    inside = (db.session.query(HouseholdMember).join(Household).join(Territory, Household.territory_id == Territory.id)
              .filter(Territory.path.like(rayon.path + "%")).order_by(HouseholdMember.id).first())
    outside = (db.session.query(HouseholdMember).join(Household)
               .join(Territory, Household.territory_id == Territory.id)
               .filter(~Territory.path.like(rayon.path + "%")).order_by(HouseholdMember.id).first())
    assert inside is not None and outside is not None
    return inside, outside


def _hits(page):
    return re.findall(r'href="(/[a-z]+view/show/\d+)"', page.get_data(as_text=True))


@pytest.fixture
def clerk(app, make_user):
    b = Browser(app.test_client())
    b.login(make_user(("LSG clerk",), territory=RAYON))
    b.get("/lang/ky")
    return b


def test_a_pin_finds_the_person_in_scope_and_nothing_outside(app, db, clerk):
    inside, outside = _members(db)
    page = clerk.get(f"/search/?q={inside.pin}")
    assert page.status_code == 200 and f"/memberview/show/{inside.id}" in _hits(page)
    page = clerk.get(f"/search/?q={outside.pin}")
    assert page.status_code == 200 and not _hits(page) and 'id="search-nothing"' in page.get_data(as_text=True)
    assert audit_events(app, action="search")  # the hit of a personal dataset is a bulk read, audited


def test_the_beginning_of_a_name_in_lower_case_finds_only_rows_in_scope(app, db, clerk):
    from app.scope import scope_of
    from models.household_book import HouseholdMember

    inside, _ = _members(db)
    page = clerk.get("/search/", query_string={"q": inside.last_name.lower()})
    hits = [int(h.rsplit("/", 1)[1]) for h in _hits(page) if h.startswith("/memberview/")]
    assert inside.id in hits or len(hits) == 10
    with app.test_request_context():
        from models.user import SanaripUser

        user = db.session.query(SanaripUser).order_by(SanaripUser.id.desc()).first()
        scope = scope_of(user)
        allowed = {m.id for m in db.session.query(HouseholdMember).filter(scope.condition(HouseholdMember))
                   .filter(HouseholdMember.id.in_(hits))}
    assert set(hits) == allowed


def test_a_household_is_found_by_its_number(db, clerk):
    inside, _ = _members(db)
    page = clerk.get("/search/", query_string={"q": inside.household.number})
    assert f"/householdview/show/{inside.household_id}" in _hits(page)


def test_a_user_finds_only_records_of_views_they_may_open(app, db, make_user):
    from models.child_protection import CpChild
    from models.reference import Territory

    inside, _ = _members(db)
    worker = Browser(app.test_client())
    worker.login(make_user(("Child protection case worker",), territory=RAYON))
    assert not [h for h in _hits(worker.get(f"/search/?q={inside.pin}")) if h.startswith("/memberview/")]
    rayon = db.session.query(Territory).filter_by(code=RAYON).one()
    child = (db.session.query(CpChild).join(Territory, CpChild.territory_id == Territory.id)
             .filter(CpChild.pin.isnot(None), Territory.path.like(rayon.path + "%")).order_by(CpChild.id).first())
    assert f"/cpchildview/show/{child.id}" in _hits(worker.get(f"/search/?q={child.pin}"))
    surname = child.last_name[:4].lower()
    assert f"/cpchildview/show/{child.id}" in _hits(worker.get("/search/", query_string={"q": surname})) or \
        len(_hits(worker.get("/search/", query_string={"q": surname}))) == 10


@pytest.mark.parametrize("query", ["%", "_%_", "' OR 1=1 --", "а" * 1000, "\\", "12345678901234", "№ 5", " "])
def test_hostile_queries_are_answered(clerk, query):
    page = clerk.get("/search/", query_string={"q": query})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Traceback" not in text and "SELECT" not in text


def test_the_top_bar_carries_the_search_box_in_the_users_language(clerk, app):
    page = clerk.get("/").get_data(as_text=True)
    assert 'role="search"' in page and 'action="/search/"' in page
    anonymous = Browser(app.test_client()).get("/").get_data(as_text=True)
    assert 'role="search"' not in anonymous


def test_an_application_to_the_register_is_found_by_its_number_within_the_organisation(app, db, make_user):
    from models.egov_registry import EgovApplication

    rows = db.session.query(EgovApplication).filter(EgovApplication.number.isnot(None)) \
        .order_by(EgovApplication.id).all()
    first = rows[0]
    other = next(r for r in rows if r.organisation_id != first.organisation_id)
    operator = Browser(app.test_client())
    operator.login(make_user(("Egov registry operator",)))
    assert f"/egovapplicationview/show/{first.id}" in _hits(operator.get("/search/", query_string={"q": first.number}))
    assert f"/egovapplicationview/show/{other.id}" in _hits(
        operator.get("/search/", query_string={"q": other.number.lower()}))


# --- contains-search: lower(column) LIKE '%…%' (app/search.contains), pg_trgm GIN indexes of migration 0310 -------
def _trigram_migration():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "migrations" / "versions" / "0310_trgm_search.py"
    spec = importlib.util.spec_from_file_location("trgm_search_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _postgresql_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL index (SQLite scans, tested by the searches themselves)")


GROWN = 20_000  # rows added (and rolled back) before EXPLAIN: at a few hundred rows any plan reads everything


def _plans(db, statements):
    """EXPLAIN of each captured (statement, parameters) with sequential scans off, in a transaction that first adds
    GROWN members and households of other names (md5 text) and ANALYZEs, then rolls everything back: at the demo
    data's size reading a whole index is as cheap as any plan, so the plan would say nothing about the index."""
    from sqlalchemy import text

    from models.household_book import Household, HouseholdMember

    grown = {HouseholdMember: {"full_name": "md5(g::text)", "is_active": "false"},
             Household: {"number": "'x' || g", "address": "md5(g::text)"}}
    plans = []
    with db.engine.connect() as conn:
        for model, overrides in grown.items():
            columns = [c.name for c in model.__table__.columns if c.name != "id"]
            values = ", ".join(overrides.get(c, f"m.{c}") for c in columns)
            conn.execute(text(f"INSERT INTO {model.__tablename__} ({', '.join(columns)}) SELECT {values} FROM "
                              f"{model.__tablename__} m, generate_series(1, {GROWN}) g WHERE m.id = "
                              f"(SELECT min(id) FROM {model.__tablename__})"))
            conn.execute(text(f"ANALYZE {model.__tablename__}"))
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        cursor = conn.connection.cursor()
        for statement, parameters in statements:
            cursor.execute("EXPLAIN " + statement, parameters)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
        conn.rollback()
    return plans


@pytest.fixture
def executed(app):
    """(statement, parameters) the app runs while the test runs."""
    from sqlalchemy import event

    from app.extensions import db

    with app.app_context():
        engine = db.engine
    seen = []

    def spy(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", spy)
    yield seen
    event.remove(engine, "before_cursor_execute", spy)


def test_the_migration_indexes_every_searched_name_and_lookup_field_on_postgresql(db):
    """Every name the lists search by "contains" and every lookup field of the large tables has its trigram
    index: a lookup ORs its fields, and one branch without an index sends the whole OR to a scan."""
    from sqlalchemy import text

    from models.household_book import Household, HouseholdMember
    from models.land_queue import LandApplication

    indexed = {(table, column) for _name, table, column in _trigram_migration().INDEXES}
    for model in (Household, HouseholdMember, LandApplication):
        assert {(model.__tablename__, f) for f in model.lookup_fields} <= indexed, model
    assert {("household_book_member", "full_name"), ("child_protection_child", "full_name"),
            ("land_queue_application", "full_name"), ("social_passport_passport", "head_name")} <= indexed
    _postgresql_only(db)
    rows = dict(db.session.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")).all())
    for name, table, column in _trigram_migration().INDEXES:
        assert name in rows, name
        assert f"ON public.{table} USING gin (lower(({column})::text) gin_trgm_ops)" in rows[name], rows[name]


def test_a_name_contains_search_and_the_household_lookup_are_answered_from_the_trigram_indexes(db, admin, executed):
    _postgresql_only(db)
    inside, _ = _members(db)
    executed.clear()
    page = admin.get("/memberview/list/", query_string={"_flt_2_full_name": inside.full_name.upper()})
    assert page.status_code == 200 and f"/memberview/show/{inside.id}" in page.get_data(as_text=True)
    searched = [(s, p) for s, p in executed if "lower(household_book_member.full_name) LIKE" in s]
    assert len(searched) == 2, searched  # the capped count and the page
    for plan in _plans(db, searched):
        assert "ix_member_full_name_trgm" in plan, plan
    executed.clear()
    street = inside.household.address.split(",")[0].lower()
    answer = admin.get("/memberview/lookup/household", query_string={"q": street})
    assert inside.household_id in [r["id"] for r in answer.get_json()["results"]] or \
        len(answer.get_json()["results"]) == 20
    looked_up = [(s, p) for s, p in executed if "lower(household_book_household.address) LIKE" in s]
    assert len(looked_up) == 1 and "ORDER BY" not in looked_up[0][0]  # sorting every match would read them all
    plan = _plans(db, looked_up)[0]
    assert "ix_household_address_trgm" in plan and "ix_household_number_trgm" in plan, plan


@pytest.fixture
def admin(app):
    b = Browser(app.test_client())
    b.login("admin")
    return b


def test_contains_matches_any_case_and_a_typed_wildcard_is_a_character_on_every_database(db, admin):
    """The filter works the same on SQLite (the app's Unicode lower) and PostgreSQL: any case, inner spaces as
    typed, `%` and `_` as characters (FAB's ILIKE made `%` match every row)."""
    inside, _ = _members(db)
    middle = inside.full_name[2:-2]
    for term in (middle.upper(), middle.lower(), "  " + middle.replace(" ", "   ") + " "):
        page = admin.get("/memberview/list/", query_string={"_flt_2_full_name": term})
        assert f"/memberview/show/{inside.id}" in page.get_data(as_text=True), term
    body = admin.get("/api/v1/household_member/", query_string={
        "q": f"(filters:!((col:full_name,opr:ct,value:'{inside.full_name.lower()}')),page_size:100)"}).get_json()
    assert inside.id in body["ids"]
    for wildcard in ("%", "_", "%%%"):
        body = admin.get("/api/v1/household_member/", query_string={
            "q": f"(filters:!((col:full_name,opr:ct,value:'{wildcard}')))"}).get_json()
        assert body["count"] == 0, wildcard
    answer = admin.get("/memberview/lookup/household", query_string={"q": inside.household.number})
    assert answer.status_code == 200 and answer.get_json()["results"]


def test_a_clerk_finds_by_contains_and_through_the_api_and_the_lookup_only_their_territory(db, clerk):
    inside, outside = _members(db)
    for member, shown in ((inside, True), (outside, False)):
        page = clerk.get("/memberview/list/", query_string={"_flt_2_full_name": member.full_name.lower()})
        assert page.status_code == 200
        assert (f"/memberview/show/{member.id}" in page.get_data(as_text=True)) is shown, member.full_name
        body = clerk.get("/api/v1/household_member/", query_string={
            "q": f"(filters:!((col:full_name,opr:ct,value:'{member.full_name.lower()}')),page_size:100)"}).get_json()
        assert (member.id in body["ids"]) is shown
        assert body["count"] == len(body["ids"])  # the count too is of the clerk's members only
        answer = clerk.get("/memberview/lookup/household", query_string={"q": member.household.address})
        found = [r["id"] for r in answer.get_json()["results"]]
        assert (member.household_id in found) is shown or (shown and len(found) == 20)
    from models.household_book import HouseholdMember
    from models.reference import Territory

    body = clerk.get("/api/v1/household_member/", query_string={
        "q": "(filters:!((col:full_name,opr:ct,value:'а')),page_size:100)"}).get_json()
    rayon = db.session.query(Territory).filter_by(code=RAYON).one()
    rows = db.session.query(HouseholdMember).filter(HouseholdMember.id.in_(body["ids"])).all()
    assert rows and all(r.household.territory.path.startswith(rayon.path) for r in rows)
