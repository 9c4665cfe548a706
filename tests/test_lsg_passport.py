"""E-passport of LSG bodies: passport rules, population from the household book (computed vs entered), social
objects, problems, indicator values, the Excel import, charts recomputed from the seeded data, roles, API."""

from app.clock import local_today
import decimal
import html
import io
import json
import re

import pytest

from app.errors import DomainError
from models.lsg_passport import SOURCES
from tests.conftest import Browser, audit_events

RAYON_A = "41708203000000"  # Alamudun rayon (Chuy): demo passports of three aiyl aimaks
FREE_AIMAK = "41708203809000"  # Arashan aiyl aimak of rayon A: no demo passport
OTHER_OBLAST_AIMAK = "41702205805000"  # Ak-Bulun aiyl aimak (Issyk-Kul): a demo aimak with households


def TODAY_():
    """The app's today (the configured zone), read when used: a run that crosses midnight stays consistent."""
    return local_today()




def _territory(db, code):
    from models.reference import Territory

    return db.session.query(Territory).filter_by(code=code).one()


def _passport(db, code, year=TODAY_().year):
    from models.lsg_passport import LsgPassport

    return db.session.query(LsgPassport).filter_by(territory=_territory(db, code), year=year).one()


def _scope(db, code=None):
    from app.scope import NATIONAL, Scope

    if code is None:
        return NATIONAL
    unit = _territory(db, code)
    return Scope(unit.id, unit.path, unit.level)


def _age_group(age):
    from charts.household_book import AGE_GROUPS, age_group_label

    for low, high in AGE_GROUPS:
        if low <= age <= high:
            return age_group_label(low, high)
    return None


def _xlsx(rows):
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


# --- classifiers ----------------------------------------------------------------------------------------------
def test_classifiers_are_seeded_in_three_languages(app, db):
    from app.services.lsg_passport import POPULATION_CODES
    from models.lsg_passport import LsgActivitySphere, LsgIndicator, LsgObjectType

    for model, codes in ((LsgObjectType, {"school", "kindergarten", "fap", "culture_house", "library",
                                          "sports_ground", "water_supply"}),
                         (LsgActivitySphere, {"agriculture", "livestock", "trade", "tourism", "mining"}),
                         (LsgIndicator, set(POPULATION_CODES))):
        rows = db.session.query(model).all()
        assert codes <= {r.code for r in rows}
        assert all(r.name_ky and r.name_ru and r.name_en for r in rows), model.__name__
    assert len(POPULATION_CODES) == 3 + 30 + 1  # totals, 15 age groups of each sex, households
    young = db.session.query(LsgIndicator).filter_by(code="pop_f_00_04").one()
    assert (young.name_ru, young.name_en, young.unit) == ("Женщины 0–4 лет", "Women aged 0–4", "people")


def test_seeding_again_adds_nothing(app, db):
    from app.seed import lsg_passport as seed
    from models.lsg_passport import LsgPassport

    before = db.session.query(LsgPassport).count()
    assert seed.seed_reference(db.session, echo=lambda m: None) == 0
    assert seed.seed(db.session, echo=lambda m: None) == 0
    assert db.session.query(LsgPassport).count() == before
    db.session.rollback()


# --- passport rules -------------------------------------------------------------------------------------------
def test_a_passport_belongs_to_a_self_governing_unit(app, db):
    from app.services import lsg_passport
    from models.reference import Territory

    village = db.session.query(Territory).filter_by(kind="village").first()
    with pytest.raises(DomainError) as error:
        lsg_passport.create_passport(db.session, village, local_today().year)
    assert error.value.code == "not_lsg_unit"
    for kind in ("rayon", "oblast"):
        unit = db.session.query(Territory).filter_by(kind=kind).first()
        with pytest.raises(DomainError):
            lsg_passport.create_passport(db.session, unit, local_today().year)
    db.session.rollback()


@pytest.mark.parametrize("year", [1999, TODAY_().year + 2])
def test_passport_year_range(app, db, year):
    from app.services import lsg_passport

    with pytest.raises(DomainError) as error:
        lsg_passport.create_passport(db.session, _territory(db, FREE_AIMAK), year)
    assert error.value.code == "year"
    db.session.rollback()


def test_one_passport_per_unit_and_year(app, db):
    from sqlalchemy.exc import IntegrityError

    from app.services import lsg_passport
    from models.lsg_passport import LsgPassport

    aimak = _territory(db, OTHER_OBLAST_AIMAK)
    with pytest.raises(DomainError) as error:
        lsg_passport.create_passport(db.session, aimak, local_today().year)
    assert error.value.code == "duplicate_passport"
    db.session.rollback()
    db.session.add(LsgPassport(territory=aimak, year=local_today().year))  # the database refuses it too
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_area_and_settlements_not_negative_and_settlements_counted_from_the_tree(app, db):
    from app.services import lsg_passport
    from models.reference import Territory

    aimak = _territory(db, FREE_AIMAK)
    with pytest.raises(DomainError) as error:
        lsg_passport.create_passport(db.session, aimak, 2020, area_km2=decimal.Decimal("-1"))
    assert error.value.code == "area"
    with pytest.raises(DomainError) as error:
        lsg_passport.create_passport(db.session, aimak, 2020, settlements=-2)
    assert error.value.code == "settlements"
    passport = lsg_passport.create_passport(db.session, aimak, 2020)
    villages = [t for t in db.session.query(Territory).all() if t.path.startswith(aimak.path) and t.kind == "village"]
    assert passport.settlements == len(villages) > 0
    assert lsg_passport.create_passport(db.session, aimak, 2019, settlements=7).settlements == 7
    db.session.rollback()


# --- population from the household book -----------------------------------------------------------------------
def _expected_population(db, territory):
    """Recomputed in Python from the household book's rows, without the service's SQL."""
    from models.household_book import HouseholdMember

    expected = {"pop_total": 0, "pop_male": 0, "pop_female": 0}
    households = set()
    for member in db.session.query(HouseholdMember).filter_by(is_active=True):
        if not member.household.territory.path.startswith(territory.path):
            continue
        households.add(member.household_id)
        expected["pop_total"] += 1
        expected["pop_male" if member.sex == "M" else "pop_female"] += 1
        group = _age_group(member.age_on(local_today()))
        key = (member.sex, group)
        expected[key] = expected.get(key, 0) + 1
    expected["households"] = len(households)
    return expected


def _without_households(db):
    """A demo passport with entered population whose unit has nobody in the household book (other tests add
    households in rayon A)."""
    from app.services.lsg_passport import household_book_figures

    return next(p for p in _passports(db) if p.territory.code.startswith("41702") and
                {v.source for v in p.values} == {"entered"} and p.population_total and
                household_book_figures(db.session, p.territory, local_today()) is None)


def test_population_is_computed_from_the_household_book(app, db):
    from app.services import lsg_passport

    passport = _passport(db, OTHER_OBLAST_AIMAK)
    figures = lsg_passport.refresh_population(db.session, passport, local_today())
    db.session.flush()
    expected = _expected_population(db, passport.territory)
    assert expected["pop_total"] > 10
    for code in ("pop_total", "pop_male", "pop_female", "households"):
        assert figures[code] == expected[code], code
    for code, (sex, group) in lsg_passport.AGE_SEX_CODES.items():
        assert figures[code] == expected.get((sex, group), 0), code
    computed = {v.indicator.code: v.value for v in passport.values if v.source == "computed"}
    assert set(computed) == set(lsg_passport.POPULATION_CODES)
    assert passport.population_total == expected["pop_total"]
    assert passport.population_source == str(SOURCES["computed"])
    assert sum(row[3] for row in passport.population_table()) == expected["pop_total"]
    db.session.rollback()


def test_computed_and_entered_figures_are_both_kept(app, db):
    """The demo aimak has the statistics committee's entered total and the household book's: both are stored, the
    household book's is shown; a unit without households shows its entered figures."""
    with_book = _passport(db, OTHER_OBLAST_AIMAK)
    totals = {v.source: v.value for v in with_book.values if v.indicator.code == "pop_total"}
    assert set(totals) == {"computed", "entered"} and totals["computed"] != totals["entered"]
    assert with_book.population_total == int(totals["computed"])
    entered = _without_households(db)
    assert {v.source for v in entered.values} == {"entered"}
    assert entered.population_total == entered.population_male + entered.population_female
    assert entered.population_source == str(SOURCES["entered"])


def test_refresh_without_household_data_keeps_entered_figures(app, db):
    from app.services import lsg_passport
    from models.household_book import HouseholdMember

    passport = _without_households(db)
    entered = {v.indicator.code: v.value for v in passport.values}
    assert lsg_passport.refresh_population(db.session, passport, local_today()) is None
    assert {v.indicator.code: v.value for v in passport.values} == entered
    # the book empties (everybody leaves): computed figures go, entered ones apply again
    with_book = _passport(db, OTHER_OBLAST_AIMAK)
    members = [m for m in db.session.query(HouseholdMember).filter_by(is_active=True)
               if m.household.territory.path.startswith(with_book.territory.path)]
    for member in members:
        member.is_active = False
    db.session.flush()
    lsg_passport.refresh_population(db.session, with_book, local_today())
    db.session.flush()
    assert {v.source for v in with_book.values} == {"entered"}
    assert with_book.population_source == str(SOURCES["entered"])
    db.session.rollback()


def test_refresh_only_for_the_current_year(app, db):
    from app.services import lsg_passport

    passport = lsg_passport.create_passport(db.session, _territory(db, FREE_AIMAK), local_today().year - 1)
    with pytest.raises(DomainError) as error:
        lsg_passport.refresh_population(db.session, passport, local_today())
    assert error.value.code == "refresh_past_year"
    db.session.rollback()


def test_a_new_passport_of_this_year_takes_the_household_book(app, db):
    from app.services import lsg_passport
    from models.lsg_passport import LsgPassport

    aimak = _territory(db, OTHER_OBLAST_AIMAK)
    db.session.delete(_passport(db, OTHER_OBLAST_AIMAK))  # children go with it (cascade)
    db.session.flush()
    passport = lsg_passport.create_passport(db.session, aimak, local_today().year)
    db.session.flush()
    assert passport.population_total == _expected_population(db, aimak)["pop_total"]
    assert db.session.query(LsgPassport).filter_by(territory=aimak).count() == 1
    db.session.rollback()


# --- indicator values, objects, problems ----------------------------------------------------------------------
def test_computed_figures_are_not_edited_by_hand(app, db):
    from app.services import lsg_passport

    computed = next(v for v in _passport(db, OTHER_OBLAST_AIMAK).values if v.source == "computed")
    for check in (lambda: lsg_passport.check_value(db.session, computed),
                  lambda: lsg_passport.check_value_delete(computed)):
        with pytest.raises(DomainError) as error:
            check()
        assert error.value.code == "computed_value"


def test_counts_are_whole_and_entered_once(app, db):
    from app.services import lsg_passport
    from models.lsg_passport import LsgIndicator, LsgIndicatorValue

    passport = _passport(db, "41708203805000")
    cattle = db.session.query(LsgIndicator).filter_by(code="cattle").one()
    for bad in ("-5", "12.5"):
        with pytest.raises(DomainError) as error, db.session.no_autoflush:
            lsg_passport.check_value(db.session, LsgIndicatorValue(passport=passport, indicator=cattle,
                                                                   value=decimal.Decimal(bad)))
        assert error.value.code == "not_a_count"
        db.session.rollback()
        passport = _passport(db, "41708203805000")
    with pytest.raises(DomainError) as error, db.session.no_autoflush:  # the demo passport has one already
        lsg_passport.check_value(db.session, LsgIndicatorValue(passport=passport, indicator=cattle, value=10))
    assert error.value.code == "duplicate_value"
    db.session.rollback()
    revenue = db.session.query(LsgIndicator).filter_by(code="own_revenue").one()  # not a count: decimals allowed
    with db.session.no_autoflush:
        row = LsgIndicatorValue(passport=_passport(db, "41708203805000"), indicator=revenue,
                                value=decimal.Decimal("1234.5"))
        assert lsg_passport.check_value(db.session, row).source == "entered"
    db.session.rollback()


def test_social_object_rules(app, db):
    from app.services import lsg_passport
    from models.lsg_passport import LsgObjectType, LsgSocialObject
    from models.reference import Territory

    passport = _passport(db, "41708203805000")
    school = db.session.query(LsgObjectType).filter_by(code="school").one()
    elsewhere = db.session.query(Territory).filter(Territory.kind == "village",
                                                   ~Territory.path.startswith(passport.territory.path)).first()
    cases = [({"year_built": local_today().year + 1}, "year_built"), ({"year_built": 1700}, "year_built"),
             ({"capacity": -1}, "capacity"), ({"settlement": elsewhere}, "settlement_outside")]
    for fields, code in cases:
        with db.session.no_autoflush:
            obj = LsgSocialObject(passport=passport, object_type=school, name="Мектеп", **fields)
            with pytest.raises(DomainError) as error:
                lsg_passport.check_social_object(db.session, obj)
        assert error.value.code == code
        db.session.rollback()
        passport = _passport(db, "41708203805000")
    own = next(t for t in db.session.query(Territory).filter_by(parent_id=passport.territory_id))
    with db.session.no_autoflush:
        ok = LsgSocialObject(passport=passport, object_type=school, name="Мектеп", settlement=own, capacity=300,
                             year_built=1975)
        assert lsg_passport.check_social_object(db.session, ok) is ok
    db.session.rollback()


def test_problem_rules(app, db):
    from app.services import lsg_passport
    from models.lsg_passport import LsgProblem

    passport = _passport(db, "41708203805000")
    foreign = _passport(db, "41708203807000").social_objects[0]
    cases = [({"priority": 0}, "priority"), ({"priority": 1, "estimated_cost": decimal.Decimal("-1")}, "cost"),
             ({"priority": 1, "social_object": foreign}, "object_of_other_passport")]
    for fields, code in cases:
        with db.session.no_autoflush:
            problem = LsgProblem(passport=passport, title="Көпүрө", **fields)
            with pytest.raises(DomainError) as error:
                lsg_passport.check_problem(db.session, problem)
        assert error.value.code == code
        db.session.rollback()
        passport = _passport(db, "41708203805000")
        foreign = _passport(db, "41708203807000").social_objects[0]
    with db.session.no_autoflush:
        ok = LsgProblem(passport=passport, title="Көпүрө", priority=2, social_object=passport.social_objects[0])
        assert lsg_passport.check_problem(db.session, ok) is ok
    db.session.rollback()


def test_classifier_in_use_is_not_deleted(app, db):
    from app.services import lsg_passport
    from models.lsg_passport import LsgActivitySphere, LsgIndicator, LsgObjectType

    for model, code in ((LsgObjectType, "school"), (LsgIndicator, "pop_total")):
        with pytest.raises(DomainError) as error:
            lsg_passport.check_classifier_delete(db.session, db.session.query(model).filter_by(code=code).one())
        assert error.value.code == "classifier_in_use"
    used = _passport(db, "41708203805000").spheres[0]
    with pytest.raises(DomainError):
        lsg_passport.check_classifier_delete(db.session, used)
    unused = LsgActivitySphere(code="zz_unused", name_ru="Не используется")
    db.session.add(unused)
    db.session.flush()
    lsg_passport.check_classifier_delete(db.session, unused)  # no error
    db.session.rollback()


# --- import -------------------------------------------------------------------------------------------------
HEADER = ["soate", "year", "indicator", "value"]


def _import(b, rows, name="indicators.xlsx", header=HEADER):
    return b.post("/lsgindicatorvalueview/import/", {"file": (_xlsx([header, *rows]), name)},
                  token_from="/lsgindicatorvalueview/import/", content_type="multipart/form-data")


def _values(app):
    from app.extensions import db
    from models.lsg_passport import LsgIndicatorValue, LsgPassport

    with app.app_context():
        return db.session.query(LsgIndicatorValue).count(), db.session.query(LsgPassport).count()


def test_import_of_a_good_file_saves_every_row(app, db, make_user):
    from models.lsg_passport import LsgPassport

    clerk = make_user(("LSG clerk",), territory=RAYON_A)
    b = Browser(app.test_client())
    b.login(clerk)
    page = b.get("/lsgindicatorvalueview/import/").get_data(as_text=True)
    assert 'id="indicator-codes"' in page and "pop_m_70_plus" in page
    rows = [["41708203805000", local_today().year, "cattle", 4321],  # overwrites the entered demo figure
            ["41708203805000", local_today().year, "own_revenue", "12 345,5"],  # spaces and a decimal comma
            [FREE_AIMAK, 2025, "pop_total", 5120],  # creates the 2025 passport
            [FREE_AIMAK, 2025, "pastures", 18000.0]]
    response = _import(b, rows)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    db.session.expire_all()
    current = _passport(db, "41708203805000")
    values = {v.indicator.code: v.value for v in current.values if v.source == "entered"}
    assert values["cattle"] == 4321 and values["own_revenue"] == decimal.Decimal("12345.5")
    created = db.session.query(LsgPassport).filter_by(territory=_territory(db, FREE_AIMAK), year=2025).one()
    assert {v.indicator.code: v.value for v in created.values} == {"pop_total": 5120, "pastures": 18000}
    assert created.population_total == 5120 and created.settlements > 0
    assert [v.source for v in created.values] == ["entered", "entered"]


def test_import_of_a_bad_file_saves_nothing_and_reports_rows_in_the_users_language(app, db, make_user):
    from flask_babel import force_locale, lazy_gettext as _l

    from app.services.lsg_passport import IMPORT_COLUMNS
    from models.lsg_passport import LsgIndicator

    clerk = make_user(("LSG clerk",), territory=RAYON_A)
    b = Browser(app.test_client())
    b.get("/lang/ru")
    b.login(clerk)
    rows = [["41708203805000", local_today().year, "horses", 700],  # row 2: good
            ["41799999999999", local_today().year, "horses", 1],  # 3: unknown territory
            ["41708203805000", local_today().year, "no_such_code", 1],  # 4: unknown indicator
            ["41708203805000", local_today().year, "farms", "много"],  # 5: not a number
            [OTHER_OBLAST_AIMAK, local_today().year, "horses", 1],  # 6: outside the clerk's rayon
            ["41708203805000", local_today().year, "horses", 800],  # 7: repeats row 2
            ["41708203805010", local_today().year, "horses", 1],  # 8: a village, not a self-governing unit
            ["41708203805000", 1990, "horses", 1],  # 9: impossible year
            ["41708203805000", local_today().year, "cattle", 10.5]]  # 10: a count with a fraction
    before = _values(app)
    response = _import(b, rows)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="import-errors"' in page
    assert _values(app) == before  # the good row was not saved either
    errors = {}
    for line, column, message in re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page):
        errors.setdefault(int(line), []).append((html.unescape(column), html.unescape(message)))
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert all(len(errors[line]) == 1 for line in errors)
    with app.test_request_context(), force_locale("ru"):  # the messages the user must see, in Russian
        soate, indicator, value, year = (str(IMPORT_COLUMNS[k]) for k in ("soate", "indicator", "value", "year"))
        expected = {
            3: (soate, _l("Unknown SOATE code: %(code)s.", code="41799999999999")),
            4: (indicator, _l("Unknown indicator: %(code)s.", code="no_such_code")),
            5: (value, _l("Not a number: %(value)s.", value="много")),
            6: (soate, _l("%(unit)s is outside your territory.", unit=_territory(db, OTHER_OBLAST_AIMAK).name)),
            7: (indicator, _l("The same territory, year and indicator as row %(line)s.", line=2)),
            8: (soate, _l("%(unit)s is not an aiyl aimak or a city: passports are kept by local self-government "
                          "bodies. Import figures of oblasts, rayons and the republic as official statistics.",
                          unit=_territory(db, "41708203805010").name)),
            9: (year, _l("The year must be between %(first)s and %(last)s.", first=2000, last=local_today().year + 1)),
            10: (value, _l("%(indicator)s is a count: a whole number, not negative.", indicator=db.session.query(
                LsgIndicator).filter_by(code="cattle").one().name_ru)),
        }
        expected = {line: [(column, str(message))] for line, (column, message) in expected.items()}
    assert errors == expected


def test_import_reports_missing_columns(app, make_user):
    clerk = make_user(("LSG clerk",), territory=RAYON_A)
    b = Browser(app.test_client())
    b.get("/lang/ru")
    b.login(clerk)
    before = _values(app)
    page = _import(b, [["41708203805000", local_today().year, 1]], header=["soate", "year", "value"]).get_data(as_text=True)
    assert 'id="import-errors"' in page and "<td>1</td>" in page and _values(app) == before
    assert "Отсутствуют столбцы" in page  # in the user's language


def test_import_accepts_translated_headers_and_csv(app, db, make_user):
    from flask_babel import force_locale

    from app.services.lsg_passport import IMPORT_COLUMNS

    clerk = make_user(("LSG clerk",), territory=RAYON_A)
    b = Browser(app.test_client())
    b.login(clerk)
    with app.test_request_context(), force_locale("ru"):
        header = [str(IMPORT_COLUMNS[k]) for k in HEADER]
    csv = (";".join(header) + "\n" + f"41708203807000;{local_today().year};horses;321\n").encode("utf-8-sig")
    response = b.post("/lsgindicatorvalueview/import/", {"file": (io.BytesIO(csv), "values.csv")},
                      token_from="/lsgindicatorvalueview/import/", content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    values = {v.indicator.code: v.value for v in _passport(db, "41708203807000").values}
    assert values["horses"] == 321


# --- charts: recomputed independently from the seeded data -------------------------------------------------------
def _effective(passport):
    return {code: row.value for code, row in passport.effective_values().items()}


def _passports(db, path=None, year=TODAY_().year):
    from models.lsg_passport import LsgPassport

    query = db.session.query(LsgPassport)
    if year is not None:
        query = query.filter_by(year=year)
    return [p for p in query if path is None or p.territory.path.startswith(path)]


def test_pyramid_of_a_passport_and_of_a_rayon(app, db):
    from app.services.lsg_passport import AGE_SEX_CODES
    from charts.lsg_passport import population_pyramid

    for code in (OTHER_OBLAST_AIMAK, "41708203805000", RAYON_A):
        unit = _territory(db, code)
        expected = {}
        for passport in _passports(db, unit.path):
            for indicator, value in _effective(passport).items():
                if indicator in AGE_SEX_CODES:
                    expected[AGE_SEX_CODES[indicator]] = expected.get(AGE_SEX_CODES[indicator], 0) + int(value)
        frame = population_pyramid(db.session, _scope(db), {"territory": code, "year": str(local_today().year)})
        got = {(r.sex, r.age_group): r.people for r in frame.itertuples()}
        assert got == expected and sum(got.values()) > 0, code
        assert list(dict.fromkeys(frame["age_group"]))[0] == "0–4"  # youngest first


def test_social_objects_by_type_and_condition(app, db):
    from charts.lsg_passport import objects_by_type
    from flask_babel import force_locale

    expected = {}
    for passport in _passports(db):
        for obj in passport.social_objects:
            key = (obj.object_type.name_en, obj.condition)
            expected[key] = expected.get(key, 0) + 1
    with app.test_request_context(), force_locale("en"):
        frame = objects_by_type(db.session, _scope(db), {})
    assert {(r.object_type, r.condition): r.objects for r in frame.itertuples()} == expected
    assert frame["objects"].sum() == sum(len(p.social_objects) for p in _passports(db)) > 20
    # within a rayon user's scope only the rayon's objects count
    rayon = _territory(db, RAYON_A)
    frame = objects_by_type(db.session, _scope(db, RAYON_A), {})
    assert frame["objects"].sum() == sum(len(p.social_objects) for p in _passports(db, rayon.path))


@pytest.mark.parametrize("parent,indicator", [(RAYON_A, "pop_total"), ("41708000000000", "cattle"),
                                              (None, "pop_female")])
def test_comparison_of_units_within_a_rayon_or_oblast(app, db, parent, indicator):
    from charts.lsg_passport import compare_units

    path = _territory(db, parent).path if parent else None
    expected = {p.territory.code: float(_effective(p)[indicator]) for p in _passports(db, path)
                if indicator in _effective(p)}
    filters = {"indicator": indicator, **({"parent": parent} if parent else {})}
    frame = compare_units(db.session, _scope(db), filters)
    assert dict(zip(frame["code"], frame["value"])) == expected and len(expected) >= 3
    assert list(frame["value"]) == sorted(frame["value"], reverse=True)


@pytest.mark.parametrize("parent", [None, "41708000000000", RAYON_A])
def test_resident_population_rolled_up_the_soate_tree(app, db, parent):
    from charts.lsg_passport import population_by_territory
    from models.reference import Territory

    if parent is None:
        units = db.session.query(Territory).filter_by(level=1).all()
    else:
        units = db.session.query(Territory).filter_by(parent_id=_territory(db, parent).id).all()
    expected = {u.code: sum(int(_effective(p).get("pop_total", 0)) for p in _passports(db, u.path))
                for u in units}
    frame = population_by_territory(db.session, _scope(db), {"parent": parent} if parent else {})
    got = dict(zip(frame["code"], frame["people"]))
    assert got == expected and sum(got.values()) > 0
    if parent is None:  # the whole republic adds up to all passports
        assert sum(got.values()) == sum(int(_effective(p).get("pop_total", 0)) for p in _passports(db))


def test_charts_stay_inside_the_users_scope(app, db):
    from charts.lsg_passport import compare_units, population_by_territory, population_pyramid

    rayon = _territory(db, RAYON_A)
    scope = _scope(db, RAYON_A)
    own = _passports(db, rayon.path)
    frame = population_by_territory(db.session, scope, {})  # the rayon's aiyl aimaks
    assert set(frame["code"]) <= {t.code for t in rayon.children}
    assert frame["people"].sum() == sum(int(_effective(p)["pop_total"]) for p in own)
    # asking for the whole oblast or republic still shows only the rayon
    assert set(compare_units(db.session, scope, {"parent": "41708000000000"})["code"]) == \
        {p.territory.code for p in own}
    assert population_by_territory(db.session, scope, {"parent": "41702000000000"})["people"].sum() == 0
    assert population_pyramid(db.session, scope, {"territory": OTHER_OBLAST_AIMAK}).empty


def test_chart_pages_export_and_drill_down(app, make_user):
    specialist = make_user(("LSG policy specialist",))
    b = Browser(app.test_client())
    b.login(specialist)
    for key in ("pyramid", "objects", "compare", "population"):
        page = b.get(f"/lsgpassportcharts/?chart={key}")
        assert page.status_code == 200 and "plotly-graph-div" in page.get_data(as_text=True), key
        exported = b.get(f"/lsgpassportcharts/export/{key}/csv")
        assert exported.status_code == 200, key
    page = b.get("/lsgpassportcharts/?chart=population").get_data(as_text=True)
    assert 'class="drill-down"' in page and "parent=41708000000000" in page
    page = b.get("/lsgpassportcharts/?chart=population&parent=41708000000000").get_data(as_text=True)
    assert "parent=41708203000000" in page and 'id="drill-up"' in page
    page = b.get("/lsgpassportcharts/?chart=compare&parent=41708203000000&indicator=pop_total").get_data(
        as_text=True)
    assert '<option value="pop_total" selected>' in page


# --- roles, views, API ----------------------------------------------------------------------------------------
def test_policy_specialist_reads_passports_of_the_whole_republic(app, db, make_user):
    from models.lsg_passport import LsgPassport

    specialist = make_user(("LSG policy specialist",))
    b = Browser(app.test_client())
    b.login(specialist)
    passport = _passport(db, OTHER_OBLAST_AIMAK)
    assert b.get(f"/lsgpassportview/show/{passport.id}").status_code == 200
    listed = b.get("/api/v1/lsg_passport/", query_string={"q": "(page_size:100)"}).get_json()
    assert listed["count"] == db.session.query(LsgPassport).count()
    assert b.get("/lsgpassportview/add").status_code == 403
    assert b.get("/lsgsocialobjectview/list/").status_code == 200
    assert b.get("/lsgindicatorview/list/").status_code == 403  # classifiers are for administrators


def test_lsg_head_reads_own_territory_only(app, db, make_user):
    head = make_user(("LSG head",), territory=RAYON_A)
    b = Browser(app.test_client())
    b.login(head)
    own, other = _passport(db, "41708203805000"), _passport(db, OTHER_OBLAST_AIMAK)
    assert b.get(f"/lsgpassportview/show/{own.id}").status_code == 200
    assert b.get(f"/lsgpassportview/show/{other.id}").status_code == 404
    assert b.get(f"/lsgpassportview/edit/{own.id}").status_code == 403
    assert b.get("/lsgpassportcharts/?chart=population").status_code == 200


def test_passport_page_shows_the_age_sex_table(app, db):
    passport = _passport(db, OTHER_OBLAST_AIMAK)
    b = Browser(app.test_client())
    b.get("/lang/en")
    b.login("admin")
    page = b.get(f"/lsgpassportview/show/{passport.id}").get_data(as_text=True)
    assert 'id="population-table"' in page and "70+" in page and "Household book" in page
    for view in ("lsgindicatorvalueview", "lsgsocialobjectview", "lsgproblemview"):
        assert view in page  # related lists


def test_clerk_fills_a_passport_and_refreshes_it(app, db, make_user):
    from models.lsg_passport import LsgActivitySphere, LsgPassport

    clerk = make_user(("LSG clerk",), territory=RAYON_A)
    b = Browser(app.test_client())
    b.login(clerk)
    aimak = _territory(db, "41708203814000")
    spheres = [s.id for s in db.session.query(LsgActivitySphere).filter(
        LsgActivitySphere.code.in_(["trade", "tourism"]))]
    data = {"territory": aimak.id, "year": local_today().year, "administrative_centre": "Васильевка", "area_km2": "120.5",
            "spheres": spheres, "infrastructure": "2 мектеп"}
    assert b.post("/lsgpassportview/add", data, token_from="/lsgpassportview/add").status_code == 302
    passport = db.session.query(LsgPassport).filter_by(territory_id=aimak.id, year=local_today().year).one()
    assert passport.settlements > 0 and sorted(s.code for s in passport.spheres) == ["tourism", "trade"]
    event = [e for e in audit_events(app, object_type="lsg_passport_passport", object_id=str(passport.id))
             if e.changes and "spheres" in e.changes][-1]
    assert json.loads(event.changes)["spheres"] == ["", "tourism, trade"] and event.username == clerk
    # the same unit and year again: refused, nothing saved
    b.post("/lsgpassportview/add", data, token_from="/lsgpassportview/add")
    assert db.session.query(LsgPassport).filter_by(territory_id=aimak.id, year=local_today().year).count() == 1
    # refresh through the action (the book holds nobody there: nothing computed, the action succeeds)
    response = b.post("/lsgpassportview/action_post", {"action": "refresh_population", "rowid": [passport.id]},
                      token_from="/lsgpassportview/list/")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(LsgPassport, passport.id).population_refreshed_on is not None
    # another territory's passport cannot be refreshed by this clerk
    other = _passport(db, OTHER_OBLAST_AIMAK)
    stamp = other.population_refreshed_on
    response = b.post("/lsgpassportview/action_post", {"action": "refresh_population", "rowid": [other.id]},
                      token_from="/lsgpassportview/list/")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(LsgPassport, other.id).population_refreshed_on == stamp


def test_refresh_action_recomputes_through_the_service(app, db):
    from models.household_book import HouseholdMember
    from models.lsg_passport import LsgPassport

    passport = _passport(db, OTHER_OBLAST_AIMAK)
    member = next(m for m in db.session.query(HouseholdMember).filter_by(is_active=True)
                  if m.household.territory.path.startswith(passport.territory.path) and m.relation == "child")
    member.is_active = False  # the book changes
    db.session.commit()
    b = Browser(app.test_client())
    b.login("admin")
    response = b.post("/lsgpassportview/action_post", {"action": "refresh_population", "rowid": [passport.id]},
                      token_from="/lsgpassportview/list/")
    assert response.status_code == 302
    db.session.expire_all()
    passport = db.session.get(LsgPassport, passport.id)
    assert passport.population_total == _expected_population(db, passport.territory)["pop_total"]
    # the button on the passport's own page (a single action) does the same
    stamp = passport.population_refreshed_on
    response = b.post(f"/lsgpassportview/action/refresh_population/{passport.id}", {},
                      token_from=f"/lsgpassportview/show/{passport.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/show/{passport.id}")
    db.session.expire_all()
    assert db.session.get(LsgPassport, passport.id).population_refreshed_on > stamp
    member = db.session.get(HouseholdMember, member.id)
    member.is_active = True
    db.session.commit()


def test_computed_value_cannot_be_changed_in_the_form(app, db):
    passport = _passport(db, OTHER_OBLAST_AIMAK)
    computed = next(v for v in passport.values if v.source == "computed")
    old = computed.value
    b = Browser(app.test_client())
    b.login("admin")
    b.post(f"/lsgindicatorvalueview/edit/{computed.id}", {"value": "99999", "note": ""},
           token_from=f"/lsgindicatorvalueview/edit/{computed.id}")
    db.session.expire_all()
    assert db.session.get(type(computed), computed.id).value == old


def test_api_creates_passports_by_the_same_rules(app, db, make_user):
    from models.reference import Territory

    clerk = make_user(("LSG clerk",), territory=RAYON_A)
    b = Browser(app.test_client())
    b.login(clerk)
    aimak = _territory(db, "41708203819000")
    created = b.api.post("/api/v1/lsg_passport/", json={"territory": aimak.id, "year": 2024, "area_km2": 99.5})
    assert created.status_code == 201, created.get_data(as_text=True)
    pk = created.get_json()["id"]
    shown = b.get(f"/api/v1/lsg_passport/{pk}").get_json()["result"]
    assert shown["year"] == 2024 and shown["settlements"] > 0 and shown["territory"]["code"] == aimak.code
    assert shown["population_total"] is None  # nothing entered yet
    demo = b.get(f"/api/v1/lsg_passport/{_passport(db, '41708203805000').id}").get_json()["result"]
    assert float(demo["population_total"]) == float(_passport(db, "41708203805000").population_total) > 0
    again = b.api.post("/api/v1/lsg_passport/", json={"territory": aimak.id, "year": 2024})
    assert again.status_code == 422
    village = db.session.query(Territory).filter(Territory.kind == "village",
                                                 Territory.path.startswith(aimak.path)).first()
    assert b.api.post("/api/v1/lsg_passport/", json={"territory": village.id, "year": 2024}).status_code == 422
    listed = b.get("/api/v1/lsg_passport/", query_string={"q": "(page_size:100)"}).get_json()
    assert listed["count"] == len(_passports(db, _territory(db, RAYON_A).path, year=None)) and pk in listed["ids"]
