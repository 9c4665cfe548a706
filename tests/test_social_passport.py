"""Social passport of a low-income family: composition snapshot, poverty line, welfare score (hand-computed cases),
workflow with history, annual review, support lists (Excel, PDF), charts recomputed from the data, roles."""
import datetime

from app import clock
from app.clock import local_today
import io
import itertools
import json
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest

from app.errors import DomainError
from tests.conftest import Browser, audit_events

TERRITORY_A = "41708203000000"  # the demo rayon (Alamudun, Chuy oblast)
RAYON_A_PATH = "/41708000000000/41708203000000/"
_serials = itertools.count(71000)


# --- helpers ----------------------------------------------------------------------------------------------------
def _years_ago(years, days=30):
    from app.services.social_passport import add_months

    return add_months(local_today(), -12 * years) - datetime.timedelta(days=days)


def _village(db, prefix=RAYON_A_PATH):
    from models.reference import Territory

    return (db.session.query(Territory).filter(Territory.path.startswith(prefix), Territory.level == 4)
            .order_by(Territory.code).first())


def _family(db, number, people, village=None, departed=()):
    """A household of the book with members (relation, sex, age, employment); `departed` members have left."""
    from app.services import household_book
    from models.household_book import Household, HouseholdMember, Movement

    household = Household(territory=village or _village(db), number=number, address="Манас көчөсү, 7")
    db.session.add(household)
    db.session.flush()
    for index, (relation, sex, age, employment) in enumerate([*people, *departed]):
        birth = _years_ago(age)
        member = HouseholdMember(household=household, pin=f"{'1' if sex == 'F' else '2'}{birth:%d%m%Y}"
                                 f"{next(_serials):05d}", last_name="Сыдыкова" if sex == "F" else "Сыдыков",
                                 first_name=f"Тест{index}", sex=sex, birth_date=birth, relation=relation,
                                 employment=employment)
        household_book.register_member(db.session, member, how="record")
        db.session.flush()
        if index >= len(people):
            household_book.record_movement(db.session, Movement(member=member, kind="departure",
                                                                on_date=local_today(), place="Бишкек"))
    db.session.flush()
    return household


SMALL_FAMILY = [("head", "M", 40, "employed"), ("spouse", "F", 35, "homemaker"), ("child", "F", 8, "schoolchild")]


def _passport(db, household, **values):
    from app.services import social_passport as service
    from models.social_passport import SocialPassport

    passport = SocialPassport(household=household, surveyed_on=values.pop("surveyed_on", local_today()),
                              **values)
    service.create_passport(db.session, passport, None)
    db.session.flush()
    return passport


def _reason(db, code="unemployment"):
    from models.social_passport import Reason

    return db.session.query(Reason).filter_by(code=code).one()


# --- the score, by hand -----------------------------------------------------------------------------------------
def _facts(**kw):
    base = dict(members_count=1, income_per_member=Decimal(0), dependants_count=0, disabled_count=0,
                unemployed_count=0, housing_tenure="own", housing_condition="good", has_water=True,
                has_electricity=True, has_heating=True, has_sanitation=True, land_ha=Decimal("1"), cattle=1,
                small_ruminants=0, horses=0, poultry=0, children_out_of_school=0, no_health_access=False,
                children_under_16=0, receives_family_benefit=False)
    base.update(kw)
    return SimpleNamespace(**base)


@pytest.mark.parametrize("facts,line,gmi,expected,total,needs", [
    # 1500 of 3000 per member: deficit 40·1500/3000 = 20; dependants 3 of 4 (≥ 3/4) 15; one disabled 5; one
    # unemployed 3; poor housing 4 + no heating, no sanitation 2; no land 3, no livestock 3
    (_facts(members_count=4, income_per_member=Decimal("1500"), dependants_count=3, disabled_count=1,
            unemployed_count=1, housing_condition="poor", has_heating=False, has_sanitation=False,
            land_ha=Decimal(0), cattle=0, children_under_16=2),
     Decimal("3000"), Decimal("1000"),
     {"income": 20, "dependants": 15, "disability": 5, "unemployment": 3, "housing": 6, "land": 3, "livestock": 3},
     55, True),
    # well off: above the line; 1 dependant of 3 (≥ 1/4) 5; nothing else
    (_facts(members_count=3, income_per_member=Decimal("5000"), dependants_count=1), Decimal("4700"), None,
     {"dependants": 5}, 5, False),
    # above the line but many hardships: 2 of 5 dependants 5; 2 disabled 10; 3 unemployed capped at 6; no dwelling
    # 8 + dilapidated 8 + four utilities missing 4 = 20; no land 3, no livestock 3; out of school 5 + no health 5
    (_facts(members_count=5, income_per_member=Decimal("5000"), dependants_count=2, disabled_count=2,
            unemployed_count=3, housing_tenure="none", housing_condition="emergency", has_water=False,
            has_electricity=False, has_heating=False, has_sanitation=False, land_ha=Decimal(0), cattle=0,
            children_out_of_school=1, no_health_access=True, children_under_16=1),
     Decimal("4700"), Decimal("1000"),
     {"dependants": 5, "disability": 10, "unemployment": 6, "housing": 20, "land": 3, "livestock": 3,
      "services": 10}, 57, True),
    # below the guaranteed minimum income with children under 16 and no benefit: deficit 40·3900/4700 = 33.19 → 33;
    # 2 of 4 dependants (≥ 1/2) 10; entitled to ҮМКЖ but not receiving it 5
    (_facts(members_count=4, income_per_member=Decimal("800"), dependants_count=2, children_under_16=2),
     Decimal("4700"), Decimal("1000"), {"income": 33, "dependants": 10, "services": 5}, 48, True),
    # the same family receiving the benefit: no service points
    (_facts(members_count=4, income_per_member=Decimal("800"), dependants_count=2, children_under_16=2,
            receives_family_benefit=True),
     Decimal("4700"), Decimal("1000"), {"income": 33, "dependants": 10}, 43, True),
    # rounding half up: 40·37.50/3000 = 0.5 → 1 (banker's rounding would give 0)
    (_facts(members_count=1, income_per_member=Decimal("2962.50")), Decimal("3000"), None, {"income": 1}, 1, True),
    # no poverty line known: no income points, need by score only
    (_facts(members_count=2, income_per_member=Decimal("100"), dependants_count=2), None, None,
     {"dependants": 15}, 15, False),
])
def test_welfare_score_hand_computed(facts, line, gmi, expected, total, needs):
    from app.services.social_passport import needs_state_support, welfare_score

    points = welfare_score(facts, line, gmi)
    assert points == expected
    assert sum(points.values()) == total
    assert needs_state_support(facts.income_per_member, line, total) is needs


@pytest.mark.parametrize("per_member,line,score,needs", [
    ("5000", "4700", 35, True),  # the threshold itself
    ("5000", "4700", 34, False),
    ("4699.99", "4700", 0, True),  # a tyiyn below the line
    ("4700", "4700", 0, False),  # on the line is not below it
    ("100", None, 34, False),
])
def test_need_rule(per_member, line, score, needs):
    from app.services.social_passport import SCORE_THRESHOLD, needs_state_support

    assert SCORE_THRESHOLD == 35
    assert needs_state_support(Decimal(per_member), Decimal(line) if line else None, score) is needs


@pytest.mark.parametrize("day,months,expected", [
    (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 28)),
    (datetime.date(2025, 1, 31), 1, datetime.date(2025, 2, 28)),
    (datetime.date(2025, 3, 15), 12, datetime.date(2026, 3, 15)),
    (datetime.date(2025, 12, 10), 1, datetime.date(2026, 1, 10)),
    (datetime.date(2025, 11, 30), -12, datetime.date(2024, 11, 30)),
])
def test_add_months(day, months, expected):
    from app.services.social_passport import add_months

    assert add_months(day, months) == expected


# --- composition and evaluation ---------------------------------------------------------------------------------
def test_composition_is_a_snapshot_of_active_members(app, db):
    from app.services import social_passport as service

    with app.test_request_context():
        household = _family(db, "SP-C1", [
            ("head", "M", 40, "employed"), ("spouse", "F", 59, "homemaker"),  # a woman of 58+ is of pension age
            ("child", "M", 17, "schoolchild"), ("child", "F", 10, "schoolchild"),
            ("child", "M", 25, "unemployed"), ("child", "F", 30, "disabled"),
        ], departed=[("child", "M", 22, "migrant")])
        passport = _passport(db, household, income_wages=Decimal("12000"))
        assert (passport.members_count, passport.children_under_18, passport.children_under_16,
                passport.disabled_count, passport.pensioners_count, passport.unemployed_count,
                passport.dependants_count) == (6, 2, 1, 1, 1, 1, 4)
        assert passport.territory_id == household.territory_id and passport.household_number == "SP-C1"
        assert passport.head_name.startswith("Сыдыков Тест0")
        assert [m.age for m in passport.members] == [40, 59, 17, 10, 25, 30]
        assert passport.income_total == Decimal("12000") and passport.income_per_member == Decimal("2000.00")
        line = service.find_poverty_line(db.session, household.territory_id, local_today().year)
        assert passport.poverty_line_amount == line.amount and passport.needs_support is True
        assert json.loads(passport.score_details)["income"] == round(40 * (line.amount - 2000) / line.amount)
        assert [(h.from_status, h.to_status) for h in passport.history] == [(None, "draft")]
        # the book changes later: the passport keeps what it took until it is saved again as a draft
        household.members[0].employment = "unemployed"
        db.session.flush()
        assert passport.unemployed_count == 1
        service.update_passport(db.session, passport)
        assert passport.unemployed_count == 2
        db.session.rollback()


def test_one_passport_per_household_and_no_empty_household(app, db):
    from models.household_book import Household

    with app.test_request_context():
        household = _family(db, "SP-C2", SMALL_FAMILY)
        _passport(db, household)
        with pytest.raises(DomainError) as error:
            _passport(db, household)
        assert error.value.code == "passport_exists"
        empty = Household(territory=_village(db), number="SP-C3", address="Манас көчөсү, 9")
        db.session.add(empty)
        db.session.flush()
        with pytest.raises(DomainError) as error:
            _passport(db, empty)
        assert error.value.code == "empty_household"
        db.session.rollback()


def test_values_are_checked(app, db):
    with app.test_request_context():
        household = _family(db, "SP-C4", SMALL_FAMILY)
        with pytest.raises(DomainError) as error:
            _passport(db, household, income_wages=Decimal("-1"))
        assert (error.value.code, error.value.field) == ("negative", "income_wages")
        db.session.rollback()
        household = _family(db, "SP-C4", SMALL_FAMILY)
        with pytest.raises(DomainError) as error:
            _passport(db, household, children_out_of_school=2)  # one child in the family
        assert error.value.code == "out_of_school_count"
        db.session.rollback()


def test_regional_poverty_line_overrides_the_national_one(app, db):
    from app.services.social_passport import find_poverty_line
    from models.reference import Territory
    from models.social_passport import PovertyLine

    chuy = db.session.query(Territory).filter_by(code="41708000000000").one()
    osh_village = _village(db, "/41706000000000/")
    db.session.add_all([PovertyLine(year=2090, amount=Decimal("5000"), source="test"),
                        PovertyLine(year=2090, territory=chuy, amount=Decimal("5200"), source="test"),
                        PovertyLine(year=2089, territory=chuy, amount=Decimal("9999"), source="test")])
    db.session.flush()
    chuy_village = _village(db)
    assert find_poverty_line(db.session, chuy_village.id, 2090).amount == Decimal("5200")
    assert find_poverty_line(db.session, osh_village.id, 2090).amount == Decimal("5000")
    assert find_poverty_line(db.session, chuy_village.id, 2095).amount == Decimal("5200")  # latest earlier year
    assert find_poverty_line(db.session, osh_village.id, 2089).year < 2089  # Chuy's line is not Osh's
    assert find_poverty_line(db.session, osh_village.id, 1990) is None
    db.session.rollback()


# --- workflow ---------------------------------------------------------------------------------------------------
def test_workflow_with_history_and_annual_review(app, db):
    from app.services import social_passport as service

    admin = app.appbuilder.sm.find_user(username="admin")
    with app.test_request_context():
        household = _family(db, "SP-W1", SMALL_FAMILY)
        passport = _passport(db, household, income_wages=Decimal("3000"))  # 1000 per member: needs support
        assert passport.needs_support
        with pytest.raises(DomainError) as error:
            service.submit(db.session, passport, admin)
        assert error.value.code == "reasons_required"
        passport.reasons.append(_reason(db))
        service.submit(db.session, passport, admin, "готово")
        assert passport.status == "submitted" and passport.submitted_on == local_today()
        with pytest.raises(DomainError) as error:
            service.update_passport(db.session, passport)
        assert error.value.code == "not_editable"
        with pytest.raises(DomainError) as error:
            service.check_deletable(passport)
        assert error.value.code == "not_deletable"
        with pytest.raises(DomainError) as error:
            service.return_for_correction(db.session, passport, admin, "  ")
        assert error.value.code == "comment_required"
        service.return_for_correction(db.session, passport, admin, "Маалымкат жок")
        service.update_passport(db.session, passport)  # a returned passport can be corrected
        service.submit(db.session, passport, admin)
        approved = clock.from_local(datetime.datetime(2025, 2, 28, 10, 0))  # wall clock in Bishkek
        service.approve(db.session, passport, admin, None, approved)
        assert passport.approved_on == clock.local_today(approved) and passport.approved_by_fk == admin.id
        assert passport.review_due_on == datetime.date(2026, 2, 28)
        with pytest.raises(DomainError) as error:
            service.approve(db.session, passport, admin)
        assert error.value.code == "bad_transition"
        db.session.flush()
        # the daily run: not before 12 months, then once
        day_before = clock.from_local(datetime.datetime(2026, 2, 27, 23, 0))  # Bishkek's wall clock
        assert passport not in service.mark_reviews_due(db.session, day_before)
        assert passport in service.mark_reviews_due(db.session, clock.from_local(datetime.datetime(2026, 2, 28, 6, 0)))
        db.session.flush()
        next_day = clock.from_local(datetime.datetime(2026, 3, 1, 6, 0))
        assert passport not in service.mark_reviews_due(db.session, next_day)
        assert passport.status == "review_due"
        with pytest.raises(DomainError):
            service.reopen(db.session, passport, admin, "")
        service.reopen(db.session, passport, admin, "Жылдык кайра кароо")
        assert passport.status == "draft" and passport.approved_on is None and passport.review_due_on is None
        steps = [(h.from_status, h.to_status, h.actor_id) for h in passport.history]
        assert steps == [(None, "draft", None), ("draft", "submitted", admin.id), ("submitted", "returned", admin.id),
                         ("returned", "submitted", admin.id), ("submitted", "approved", admin.id),
                         ("approved", "review_due", None), ("review_due", "draft", admin.id)]
        assert [h.note for h in passport.history][1:3] == ["готово", "Маалымкат жок"]
        db.session.rollback()


def test_submit_needs_a_poverty_line(app, db):
    from app.services import social_passport as service

    with app.test_request_context():
        household = _family(db, "SP-W2", SMALL_FAMILY)
        passport = _passport(db, household, surveyed_on=datetime.date(2001, 5, 1), income_wages=Decimal("90000"))
        assert passport.poverty_line is None
        with pytest.raises(DomainError) as error:
            service.submit(db.session, passport)
        assert error.value.code == "no_poverty_line"
        db.session.rollback()


def test_seeded_passports_cover_every_status_in_several_oblasts(app, db):
    from models.social_passport import Need, PovertyLine, Reason, SocialPassport

    rows = db.session.query(SocialPassport).all()
    assert {p.status for p in rows} >= {"draft", "submitted", "returned", "approved", "review_due"}
    oblasts = {p.territory.path.split("/")[1] for p in rows}
    assert len(oblasts) >= 5
    assert any(not p.territory.path.startswith(RAYON_A_PATH) for p in rows)
    assert all(p.history and p.members for p in rows)
    for model in (Need, Reason):
        names = db.session.query(model).all()
        assert len(names) >= 8 and all(n.name_ky and n.name_ru and n.name_en for n in names)
    lines = db.session.query(PovertyLine).all()
    assert lines and all(line.source for line in lines)
    assert any("Улуттук статистика комитети" in line.source for line in lines)  # stored in Kyrgyz


# --- web ----------------------------------------------------------------------------------------------------------
def _form(household_id, needs=(), reasons=(), **overrides):
    data = {"household": household_id, "surveyed_on": local_today().isoformat(), "income_wages": "3000",
            "income_pensions": "0", "income_benefits": "0", "income_agriculture": "0", "income_remittances": "0",
            "income_other": "0", "housing_tenure": "own", "housing_type": "house",
            "housing_condition": "satisfactory", "has_water": "y", "has_electricity": "y", "land_ha": "0",
            "cattle": "0", "small_ruminants": "0", "horses": "0", "poultry": "0", "children_out_of_school": "0",
            "needs": [str(n) for n in needs], "reasons": [str(r) for r in reasons], "note": ""}
    data.update(overrides)
    return data


def test_clerk_fills_and_submits_head_returns_and_approves(app, make_user):
    """Two users at once: every database look-up runs in its own app context (a shared one would share `g`)."""
    from app.extensions import db
    from models.social_passport import SocialPassport

    def passport_of(household_id, check):
        with app.app_context():
            return check(db.session.query(SocialPassport).filter_by(household_id=household_id).one())

    with app.test_request_context():
        household = _family(db, "SP-F1", SMALL_FAMILY)
        reason = _reason(db, "low_wages")
        db.session.commit()
        household_id, reason_id = household.id, reason.id
    clerk, head = Browser(app.test_client()), Browser(app.test_client())
    clerk.get("/lang/en")
    clerk.login(make_user(("LSG clerk",), territory=TERRITORY_A))
    head.login(make_user(("LSG head",), territory=TERRITORY_A))
    # the clerk finds the household through the passport form's own search (no household-book view needed)
    found = clerk.get("/socialpassportview/lookup/household?q=SP-F1").get_json()["results"]
    assert [r["id"] for r in found] == [household_id]
    answer = clerk.post("/socialpassportview/add", _form(household_id, reasons=[reason_id]),
                        token_from="/socialpassportview/add")
    assert answer.status_code == 302
    pk, status, members, per_member, author = passport_of(household_id, lambda p: (
        p.id, p.status, p.members_count, p.income_per_member, p.created_by.username))
    assert (status, members, per_member) == ("draft", 3, 1000) and author.startswith("u_")
    # the step pages: submit is the clerk's, approve the head's
    assert clerk.get(f"/socialpassportview/approve/{pk}").status_code == 403
    show = clerk.get(f"/socialpassportview/show/{pk}").get_data(as_text=True)
    assert 'id="step-submit"' in show and 'id="step-approve"' not in show
    clerk.post(f"/socialpassportview/submit/{pk}", {"comment": ""}, token_from=f"/socialpassportview/submit/{pk}")
    assert passport_of(household_id, lambda p: p.status) == "submitted"
    # no editing once submitted
    clerk.post(f"/socialpassportview/edit/{pk}", _form(household_id, reasons=[reason_id], income_wages="9000"),
               token_from=f"/socialpassportview/edit/{pk}")
    assert passport_of(household_id, lambda p: p.income_wages) == 3000
    # the head returns it: a comment is required
    show = head.get(f"/socialpassportview/show/{pk}").get_data(as_text=True)
    assert 'id="step-approve"' in show and 'id="step-submit"' not in show
    page = head.post(f"/socialpassportview/return/{pk}", {"comment": ""},
                     token_from=f"/socialpassportview/return/{pk}").get_data(as_text=True)
    assert 'id="step-form"' in page
    assert passport_of(household_id, lambda p: p.status) == "submitted"
    head.post(f"/socialpassportview/return/{pk}", {"comment": "Иш ордунан маалымкат керек"},
              token_from=f"/socialpassportview/return/{pk}")
    assert passport_of(household_id, lambda p: p.status) == "returned"
    # corrected by the clerk, submitted again, approved by the head
    clerk.post(f"/socialpassportview/edit/{pk}", _form(household_id, reasons=[reason_id], income_wages="3600"),
               token_from=f"/socialpassportview/edit/{pk}")
    clerk.post(f"/socialpassportview/submit/{pk}", {}, token_from=f"/socialpassportview/submit/{pk}")
    head.post(f"/socialpassportview/approve/{pk}", {"comment": "Макулдашылды"},
              token_from=f"/socialpassportview/approve/{pk}")
    status, per_member, steps, users = passport_of(household_id, lambda p: (
        p.status, p.income_per_member, [h.to_status for h in p.history],
        {h.actor.username for h in p.history[1:]} == {p.created_by.username, p.approved_by.username}))
    assert status == "approved" and per_member == 1200 and users
    assert steps == ["draft", "submitted", "returned", "submitted", "approved"]
    show = clerk.get(f"/socialpassportview/show/{pk}").get_data(as_text=True)
    assert "Иш ордунан маалымкат керек" in show and "Макулдашылды" in show
    # only drafts are deleted
    clerk.post(f"/socialpassportview/delete/{pk}", token_from=f"/socialpassportview/show/{pk}")
    assert passport_of(household_id, lambda p: p.id) == pk


def test_social_protection_specialist_sees_passports_and_nothing_of_the_household_book(app, db, make_user):
    from models.household_book import Household, Movement
    from models.reference import Territory
    from models.social_passport import SocialPassport

    in_a = Territory.path.startswith(RAYON_A_PATH)
    b = Browser(app.test_client())
    b.get("/lang/ru")
    b.login(make_user(("Social protection specialist",), territory=TERRITORY_A))
    household = db.session.query(Household).filter(Household.territory.has(in_a)).first()
    member = household.members[0]
    movement = db.session.query(Movement).first()
    for url in ["/householdview/list/", f"/householdview/show/{household.id}", "/householdview/export/xlsx",
                f"/householdview/print/{household.id}", "/memberview/list/", f"/memberview/show/{member.id}",
                "/memberview/add", "/movementview/list/", f"/movementview/show/{movement.id}",
                "/householdcharts/", "/voterlist/"]:
        assert b.get(url).status_code == 403, url
    for url in ["/api/v1/household/", f"/api/v1/household/{household.id}", "/api/v1/household_member/",
                f"/api/v1/household_member/{member.id}"]:
        assert b.get(url).status_code in (401, 403), url
    passport = (db.session.query(SocialPassport).filter(SocialPassport.territory.has(in_a))
                .order_by(SocialPassport.id).first())
    assert b.get("/socialpassportview/list/").status_code == 200
    page = b.get(f"/socialpassportview/show/{passport.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # the composition comes from the passport's own copy, with no link into the household book
    assert all(m.full_name in text for m in passport.members)
    assert "/householdview/" not in text and "/memberview/" not in text
    assert b.get(f"/socialpassportview/print/{passport.id}").status_code == 200
    assert b.get("/socialpassportview/export/xlsx").status_code == 200
    assert b.get("/socialsupportlist/").status_code == 200
    assert b.get(f"/api/v1/social_passport/{passport.id}").status_code == 200
    # reading, not writing
    assert b.get("/socialpassportview/add").status_code == 403
    assert b.get(f"/socialpassportview/approve/{passport.id}").status_code == 403
    assert b.get("/socialpassportcharts/").status_code == 200  # every report and chart of the module (issue 15)
    # another oblast's passport: not found
    other = db.session.query(SocialPassport).filter(~SocialPassport.territory.has(in_a)).first()
    assert b.get(f"/socialpassportview/show/{other.id}").status_code == 404


def test_policy_specialist_sees_charts_only(app, make_user):
    b = Browser(app.test_client())
    b.login(make_user(("LSG policy specialist",)))
    assert b.get("/socialpassportcharts/").status_code == 200
    assert b.get("/socialpassportcharts/?chart=reasons").status_code == 200
    for url in ["/socialpassportview/list/", "/socialsupportlist/", "/api/v1/social_passport/"]:
        assert b.get(url).status_code in (401, 403), url


def _expected_support_list(db, prefix):
    from models.social_passport import SocialPassport

    return sorted((p for p in db.session.query(SocialPassport).all()
                   if p.status == "approved" and p.needs_support and p.territory.path.startswith(prefix)
                   and (p.review_due_on is None or p.review_due_on > local_today())),
                  key=lambda p: (p.territory.path, p.household_number, p.id))


def test_support_list_on_screen_in_excel_and_pdf(app, db, make_user):
    import openpyxl
    from pypdf import PdfReader

    db.session.expire_all()
    expected = _expected_support_list(db, RAYON_A_PATH)
    assert expected, "the demo rayon has approved passports that need support"
    b = Browser(app.test_client())
    b.get("/lang/ky")
    b.login(make_user(("Social protection specialist",), territory=TERRITORY_A))
    page = b.get("/socialsupportlist/").get_data(as_text=True)
    assert re.search(rf'id="support-total">[^<]*\b{len(expected)}\b', page)
    sheet = openpyxl.load_workbook(io.BytesIO(b.get("/socialsupportlist/export/xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) - 1 == len(expected)
    assert [r[1] for r in rows[1:]] == [p.household_number for p in expected]
    assert [r[7] for r in rows[1:]] == [float(p.income_per_member) for p in expected]
    pdf = b.get("/socialsupportlist/pdf")
    assert pdf.mimetype == "application/pdf"
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert all("".join(p.head_name.split()) in text for p in expected)  # names wrap inside their cells
    assert audit_events(app, action="pdf", object_type="social_passport_passport")
    assert audit_events(app, action="export", object_type="social_passport_passport")
    # a territory filter inside the scope narrows the list; another oblast is refused
    village = expected[0].territory
    sheet = openpyxl.load_workbook(io.BytesIO(b.get(f"/socialsupportlist/export/xlsx?territory={village.code}")
                                              .data)).active
    assert sheet.max_row - 1 == len([p for p in expected if p.territory_id == village.id])
    osh = _village(db, "/41706000000000/")
    assert b.get(f"/socialsupportlist/?territory={osh.code}").status_code == 404


def test_support_list_of_a_national_reader_covers_every_oblast(app, db):
    import openpyxl

    expected = _expected_support_list(db, "/")
    assert len({p.territory.path.split("/")[1] for p in expected}) >= 3
    b = Browser(app.test_client())
    b.login("admin")
    sheet = openpyxl.load_workbook(io.BytesIO(b.get("/socialsupportlist/export/xlsx").data)).active
    assert sheet.max_row - 1 == len(expected)


def test_review_due_filter(app, db):
    from models.social_passport import SocialPassport

    today = local_today()
    due = [p for p in db.session.query(SocialPassport).all()
           if p.status == "review_due" or (p.status == "approved" and p.review_due_on <= today)]
    assert due
    b = Browser(app.test_client())
    b.login("admin")
    page = b.get("/socialpassportview/list/").get_data(as_text=True)
    link = re.search(r'id="review-due" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    listed = b.get(link + "&psize_SocialPassportView=100").get_data(as_text=True)
    shown = set(int(pk) for pk in re.findall(r'/socialpassportview/show/(\d+)"', listed))
    assert shown == {p.id for p in due}


def test_reviews_command_marks_due_passports(app, db):
    from app.services import social_passport as service
    from models.social_passport import SocialPassport

    with app.test_request_context():
        household = _family(db, "SP-R1", SMALL_FAMILY)
        passport = _passport(db, household, income_wages=Decimal("90000"))
        service.submit(db.session, passport)
        service.approve(db.session, passport, None, None, clock.now() - datetime.timedelta(days=370))
        db.session.commit()
        pk = passport.id
    result = app.test_cli_runner().invoke(args=["sanarip", "social-passport-reviews"])
    assert result.exit_code == 0 and "marked" in result.output
    db.session.expire_all()
    assert db.session.get(SocialPassport, pk).status == "review_due"
    again = app.test_cli_runner().invoke(args=["sanarip", "social-passport-reviews"])
    assert again.output.startswith("0 ")


def test_printing_a_passport_shows_its_composition(app, db):
    from pypdf import PdfReader

    from models.social_passport import SocialPassport

    passport = db.session.query(SocialPassport).filter(SocialPassport.status == "approved").first()
    b = Browser(app.test_client())
    b.get("/lang/ru")
    b.login("admin")
    response = b.get(f"/socialpassportview/print/{passport.id}")
    assert response.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert passport.members[0].full_name in text and passport.members[0].pin in text
    assert audit_events(app, action="pdf", object_type="social_passport_passport", object_id=str(passport.id))


# --- charts, recomputed from the rows -----------------------------------------------------------------------------
def test_share_chart_matches_the_data(app, db, make_user):
    import openpyxl

    from models.household_book import Household
    from models.social_passport import SocialPassport

    db.session.expire_all()
    b = Browser(app.test_client())
    b.get("/lang/en")
    b.login(make_user(("LSG policy specialist",)))
    sheet = openpyxl.load_workbook(io.BytesIO(b.get("/socialpassportcharts/export/share/xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], {r[0]: r for r in rows[1:]}
    assert header[:5] == ("Code", "Territory", "Households", "Social passports", "Families needing state support")
    oblast = lambda territory: territory.path.split("/")[1]  # noqa: E731
    households, passports, needy = {}, {}, {}
    for h in db.session.query(Household).all():
        households[oblast(h.territory)] = households.get(oblast(h.territory), 0) + 1
    for p in db.session.query(SocialPassport).all():
        passports[oblast(p.territory)] = passports.get(oblast(p.territory), 0) + 1
        if p.status == "approved" and p.needs_support:
            needy[oblast(p.territory)] = needy.get(oblast(p.territory), 0) + 1
    assert set(data) == set(households)
    for code, row in data.items():
        assert row[2:5] == (households[code], passports.get(code, 0), needy.get(code, 0)), code
        assert row[5] == pytest.approx(round(100 * needy.get(code, 0) / households[code], 1))


def test_reasons_chart_matches_the_data(app, db):
    import openpyxl

    from models.social_passport import Reason, SocialPassport

    db.session.expire_all()
    counts = {}
    for p in db.session.query(SocialPassport).all():
        if p.status == "approved" and p.needs_support:
            for r in p.reasons:
                counts[r.code] = counts.get(r.code, 0) + 1
    b = Browser(app.test_client())
    b.login("admin")
    sheet = openpyxl.load_workbook(io.BytesIO(b.get("/socialpassportcharts/export/reasons/xlsx").data)).active
    got = {r[0]: r[2] for r in list(sheet.iter_rows(values_only=True))[1:]}
    assert {k: v for k, v in got.items() if v} == counts and sum(counts.values()) > 0
    assert set(got) == {r.code for r in db.session.query(Reason).filter(Reason.active.is_(True))}


# --- reference tables ---------------------------------------------------------------------------------------------
def test_poverty_lines_are_positive_and_one_per_year_and_territory(app, db):
    from app.services.social_passport import check_poverty_line
    from models.social_passport import PovertyLine

    year = db.session.query(PovertyLine).filter(PovertyLine.territory_id.is_(None)).first().year
    with pytest.raises(DomainError) as error:
        check_poverty_line(db.session, PovertyLine(year=year, amount=Decimal("5000"), source="x"))
    assert error.value.code == "line_exists"
    with pytest.raises(DomainError) as error:
        check_poverty_line(db.session, PovertyLine(year=2091, amount=Decimal("0"), source="x"))
    assert error.value.code == "line_amount"
    check_poverty_line(db.session, PovertyLine(year=2091, amount=Decimal("5000"), source="x"))


def test_a_used_need_or_reason_is_switched_off_not_deleted(app, db):
    from app.services.social_passport import check_classifier_unused
    from models.social_passport import Need, Reason, SocialPassport

    used = db.session.query(SocialPassport).filter(SocialPassport.reasons.any()).first().reasons[0]
    with pytest.raises(DomainError) as error:
        check_classifier_unused(db.session, used)
    assert error.value.code == "classifier_in_use"
    unused = Need(code="sp_test_unused", name_ru="Тест")
    db.session.add(unused)
    db.session.flush()
    check_classifier_unused(db.session, unused)
    assert isinstance(used, Reason)
    db.session.rollback()


def test_seeding_again_adds_nothing(app, db):
    from app.seed import social_passport as seed
    from models.social_passport import Need, PovertyLine, Reason, SocialPassport

    counts = [db.session.query(m).count() for m in (SocialPassport, PovertyLine, Need, Reason)]
    seed.seed_reference(db.session, echo=lambda m: None)
    assert seed.seed(db.session, echo=lambda m: None) == 0
    assert [db.session.query(m).count() for m in (SocialPassport, PovertyLine, Need, Reason)] == counts
    db.session.rollback()


def test_a_passport_for_a_household_not_yet_saved(app, db):
    """The household, its members and the passport in one transaction: the territory comes from the relationship
    (the household's key does not exist before the flush)."""
    from app.services import household_book, social_passport as service
    from models.household_book import Household, HouseholdMember
    from models.social_passport import SocialPassport

    with app.test_request_context():
        village = _village(db)
        household = Household(territory=village, number="SP-N1", address="Манас көчөсү, 3")
        db.session.add(household)
        birth = _years_ago(33)
        with db.session.no_autoflush:
            household_book.register_member(db.session, HouseholdMember(
                household=household, pin=f"1{birth:%d%m%Y}{next(_serials):05d}", last_name="Сыдыкова",
                first_name="Бермет", sex="F", birth_date=birth, relation="head"), how="record")
            passport = service.create_passport(db.session, SocialPassport(household=household,
                                                                          income_wages=Decimal(1000)))
        assert passport.territory is village and passport.poverty_line is not None
        passport.reasons.append(_reason(db))
        service.submit(db.session, passport)
        db.session.flush()
        assert passport.territory_id == village.id and passport.status == "submitted"
        db.session.rollback()


def test_a_pdf_list_too_long_asks_for_a_territory(app, db):
    from views.social_passport import SupportListView

    view = next(v for v in app.appbuilder.baseviews if isinstance(v, SupportListView))
    b = Browser(app.test_client())
    b.login("admin")
    view.pdf_max_rows = 1
    try:
        answer = b.get("/socialsupportlist/pdf")
    finally:
        view.pdf_max_rows = SupportListView.pdf_max_rows
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/socialsupportlist/")
    assert b.get("/socialsupportlist/pdf").mimetype == "application/pdf"
