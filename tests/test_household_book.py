"""Electronic household book: PIN rules, one active membership, movements, voter list, search, personal reads."""
import datetime

import pytest

from app.errors import DomainError
from tests.conftest import Browser, audit_events


# --- PIN ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("pin,sex,birth", [
    ("12902200012345", "F", datetime.date(2000, 2, 29)),  # 29 February of a leap year
    ("20101199000001", "M", datetime.date(1990, 1, 1)),
    ("13112198599999", "F", datetime.date(1985, 12, 31)),
])
def test_valid_pins(pin, sex, birth):
    from app.identifiers import parse_pin

    info = parse_pin(pin)
    assert (info.sex, info.birth_date) == (sex, birth)


@pytest.mark.parametrize("pin,code", [
    ("12902200112345", "pin_date"),  # 29 February 2001 does not exist
    ("32902200012345", "pin_sex_digit"),  # sex digit 3
    ("02902200012345", "pin_sex_digit"),
    ("1290220001234", "pin_format"),  # 13 digits
    ("1290220001234a", "pin_format"),
    ("13213200012345", "pin_date"),  # month 13
    ("10101299912345", "pin_date"),  # born in 2999
])
def test_invalid_pins(pin, code):
    from app.identifiers import parse_pin

    with pytest.raises(DomainError) as error:
        parse_pin(pin)
    assert error.value.code == code


def test_sex_and_birth_date_must_agree_with_the_pin():
    from app.identifiers import check_person

    with pytest.raises(DomainError) as error:
        check_person("20101199000001", "F", datetime.date(1990, 1, 1))
    assert error.value.code == "pin_sex"
    with pytest.raises(DomainError) as error:
        check_person("20101199000001", "M", datetime.date(1990, 1, 2))
    assert error.value.code == "pin_birth"


# --- membership ---------------------------------------------------------------------------------------------
def _household(db, number):
    from models.household_book import Household
    from models.reference import Territory

    village = db.session.query(Territory).filter_by(code="41708203805010").one_or_none() or \
        db.session.query(Territory).filter(Territory.path.startswith("/41708000000000/41708203000000/"),
                                           Territory.level == 4).first()
    household = Household(territory=village, number=number, address="Манас көчөсү, 1")
    db.session.add(household)
    db.session.flush()
    return household


def _member(household, pin, relation="head", **kw):
    from app.identifiers import parse_pin
    from models.household_book import HouseholdMember

    info = parse_pin(pin)
    return HouseholdMember(household=household, pin=pin, last_name=kw.get("last", "Асанова"),
                           first_name=kw.get("first", "Айгүл"), sex=info.sex, birth_date=info.birth_date,
                           relation=relation)


def test_a_person_is_an_active_member_of_one_household_only(app, db):
    from app.services import household_book

    with app.test_request_context():
        first, second = _household(db, "T-1"), _household(db, "T-2")
        household_book.register_member(db.session, _member(first, "11503199012345"))
        db.session.flush()
        with pytest.raises(DomainError) as error:
            household_book.register_member(db.session, _member(second, "11503199012345"))
        assert error.value.code == "double_membership"
        db.session.rollback()


def test_the_database_also_refuses_a_second_active_membership(app, db):
    from sqlalchemy.exc import IntegrityError

    with app.test_request_context():
        first, second = _household(db, "T-3"), _household(db, "T-4")
        db.session.add(_member(first, "11503199054321"))
        db.session.add(_member(second, "11503199054321"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_departure_ends_membership_and_keeps_history(app, db):
    from app.services import household_book
    from models.household_book import Movement

    with app.test_request_context():
        first, second = _household(db, "T-5"), _household(db, "T-6")
        person = household_book.register_member(db.session, _member(first, "21010198011111"))
        db.session.flush()
        household_book.record_movement(db.session, Movement(member=person, kind="departure",
                                                            on_date=datetime.date(2026, 1, 10), place="Бишкек"))
        db.session.flush()
        assert not person.is_active and person.left_on == datetime.date(2026, 1, 10)
        # now the person may join another household; the old membership stays as history
        again = household_book.register_member(db.session, _member(second, "21010198011111"), how="arrival")
        db.session.flush()
        assert again.is_active and [m.kind for m in again.movements] == ["arrival"]
        with pytest.raises(DomainError):
            household_book.record_movement(db.session, Movement(member=person, kind="death",
                                                                on_date=datetime.date(2026, 2, 1)))
        db.session.rollback()


def test_one_head_per_household(app, db):
    from app.services import household_book

    with app.test_request_context():
        household = _household(db, "T-7")
        household_book.register_member(db.session, _member(household, "22002197522222"))
        db.session.flush()
        with pytest.raises(DomainError) as error:
            household_book.register_member(db.session, _member(household, "12002197622222"))
        assert error.value.code == "second_head"
        db.session.rollback()


# --- voter list ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("election,birth,votes", [
    (datetime.date(2026, 11, 29), datetime.date(2008, 11, 29), True),  # 18th birthday on election day
    (datetime.date(2026, 11, 29), datetime.date(2008, 11, 30), False),  # one day short
    (datetime.date(2026, 2, 28), datetime.date(2008, 2, 29), True),  # leap-day birthday: of age on 28 Feb
    (datetime.date(2028, 2, 29), datetime.date(2010, 3, 1), False),
    (datetime.date(2028, 2, 29), datetime.date(2010, 2, 28), True),
])
def test_coming_of_age(election, birth, votes):
    from app.ages import born_by

    assert (birth <= born_by(election, 18)) is votes


def test_voter_list_counts_adult_citizens_in_scope(app, db):
    from app.scope import NATIONAL
    from app.services import household_book
    from models.base import territory_subtree_ids
    from models.household_book import HouseholdMember
    from models.reference import Territory

    election = datetime.date(2026, 11, 29)
    chuy = db.session.query(Territory).filter_by(code="41708000000000").one()
    voters = household_book.voters(db.session, NATIONAL, territory_subtree_ids(chuy.path), election)
    expected = [m for m in db.session.query(HouseholdMember).all()
                if m.is_active and m.citizenship == "KG" and m.household.territory.path.startswith(chuy.path)
                and m.age_on(election) >= 18]
    assert {v.id for v in voters} == {m.id for m in expected} and voters


# --- search, personal reads, scope ----------------------------------------------------------------------------
def test_name_search_is_case_insensitive_for_cyrillic(app):
    b = Browser(app.test_client())
    b.login("admin")
    page = b.get("/memberview/list/?_flt_2_full_name=АСАНОВ").get_data(as_text=True)
    lower = b.get("/memberview/list/?_flt_2_full_name=асанов").get_data(as_text=True)
    assert "Асанов" in page and page.count("/memberview/show/") == lower.count("/memberview/show/") > 0


def test_showing_a_member_is_audited_as_a_personal_read(app, db):
    from models.household_book import HouseholdMember

    member = db.session.query(HouseholdMember).first()
    b = Browser(app.test_client())
    b.login("admin")
    assert b.get(f"/memberview/show/{member.id}").status_code == 200
    reads = audit_events(app, action="read", object_type="household_book_member", object_id=str(member.id))
    assert reads and reads[-1].username == "admin"
    b.get("/memberview/export/xlsx")
    assert audit_events(app, action="export", object_type="household_book_member")


def test_adding_a_member_through_the_form(app, db):
    from models.household_book import HouseholdMember

    with app.test_request_context():
        household = _household(db, "F-1")
        db.session.commit()
    b = Browser(app.test_client())
    b.login("admin")
    data = {"household": household.id, "last_name": "Токтогулова", "first_name": "Бермет", "pin": "10507200512345",
            "sex": "F", "birth_date": "2005-07-05", "relation": "head", "citizenship": "KG",
            "registration": "permanent", "employment": "student", "joined_by": "arrival"}
    assert b.post("/memberview/add", data, token_from="/memberview/add").status_code == 302
    member = db.session.query(HouseholdMember).filter_by(pin="10507200512345").one()
    assert member.full_name == "Токтогулова Бермет" and [m.kind for m in member.movements] == ["arrival"]
    # the same person again: refused with a message, nothing saved
    data["household"] = household.id
    b.post("/memberview/add", data, token_from="/memberview/add")
    assert db.session.query(HouseholdMember).filter_by(pin="10507200512345").count() == 1


def test_the_api_needs_only_the_pin_for_sex_and_birth_date(app, db):
    """Sex and date of birth follow from a valid PIN: an API client may leave them out, as a clerk may in the
    form; a PIN that disagrees with a given sex is still refused at the PIN's field."""
    from models.household_book import HouseholdMember

    with app.test_request_context():
        household = _household(db, "API-PIN-1")
        db.session.commit()
    b = Browser(app.test_client())
    b.login("admin")
    body = {"household": household.id, "pin": "10507200554321", "last_name": "Садырова", "first_name": "Нурзат",
            "relation": "head"}
    answer = b.api.post("/api/v1/household_member/", json=body)
    assert answer.status_code == 201, answer.get_data(as_text=True)[:300]
    member = db.session.get(HouseholdMember, answer.get_json()["id"])
    assert (member.sex, member.birth_date) == ("F", datetime.date(2005, 7, 5))
    refused = b.api.post("/api/v1/household_member/", json={**body, "pin": "20507200554322", "sex": "F"})
    assert refused.status_code == 422 and db.session.query(HouseholdMember).filter_by(pin="20507200554322").count() == 0


def test_module_can_be_switched_off(database_url):
    from tests.conftest import make_app

    app = make_app(database_url, ENABLED_MODULES=["core"])
    rules = {r.rule for r in app.url_map.iter_rules()}
    assert "/territoryview/list/" in rules
    assert not any(r.startswith("/householdview") for r in rules)


def test_printing_a_member_gives_a_pdf_and_is_audited(app, db):
    import io

    from pypdf import PdfReader

    from models.household_book import HouseholdMember

    member = db.session.query(HouseholdMember).filter(HouseholdMember.is_active.is_(True)).first()
    b = Browser(app.test_client())
    b.get("/lang/ky")
    b.login("admin")
    assert 'id="print-record"' in b.get(f"/memberview/show/{member.id}").get_data(as_text=True)
    response = b.get(f"/memberview/print/{member.id}")
    assert response.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert member.pin in text and member.last_name in text
    event = audit_events(app, action="pdf", object_type="household_book_member", object_id=str(member.id))[-1]
    assert event.username == "admin" and "printed_on" in event.changes


def test_a_rayon_clerk_adds_a_household_in_own_territory(app, db, make_user):
    """Regression: the write check read territory_id, which a form leaves empty until flush, and refused it."""
    from models.household_book import Household
    from models.reference import Territory

    village = db.session.query(Territory).filter_by(code="41708203803010").one()
    b = Browser(app.test_client())
    b.login(make_user(("LSG clerk",), territory="41708203000000"))
    response = b.post("/householdview/add", {"territory": village.id, "number": "C-1", "address": "Жеңиш, 7"},
                      token_from="/householdview/add")
    assert response.status_code == 302
    assert db.session.query(Household).filter_by(number="C-1", territory_id=village.id).count() == 1
