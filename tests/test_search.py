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
