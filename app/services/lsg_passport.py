"""Rules of the e-passport of local self-government bodies.

Legal basis: the Law of the Kyrgyz Republic "On local self-government" (2021: the executive body of an aiyl aimak or
city keeps account of its population, territory and municipal social infrastructure and plans social projects of
local significance); the State classifier of administrative-territorial units (SOATE) for the units; the household
book (Law "On local self-government", art. 34) as the primary source of population figures; the five-year age
groups of the National Statistical Committee's population tables."""
import decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, inspect, or_, select
from sqlalchemy.orm import aliased

from app import audit
from app.errors import DomainError
from app.tabular import ImportReport
from app.services.household_book import AGE_GROUPS, age_group_case, age_group_label
from app.territory_kinds import CITY_KINDS, LSG_UNIT_KINDS, SETTLEMENT_KINDS
from models.household_book import Household, HouseholdMember
from models.lsg_passport import COUNT_UNITS, LsgActivitySphere, LsgIndicator, LsgIndicatorValue, LsgObjectType, \
    LsgPassport, LsgSocialObject, passport_sphere
from models.reference import Territory
from app import clock
from app.clock import local_today

FIRST_YEAR = 2000


# --- population indicators ----------------------------------------------------------------------------------
def age_code(sex, low, high):
    """Indicator code of one sex and five-year age group: pop_m_00_04 … pop_f_70_plus."""
    upper = "plus" if high >= 200 else f"{high:02d}"
    return f"pop_{sex.lower()}_{low:02d}_{upper}"


def age_group_codes():
    """[(age group label, men's code, women's code)] in age order (the groups of the household-book charts)."""
    return [(age_group_label(low, high), age_code("M", low, high), age_code("F", low, high))
            for low, high in AGE_GROUPS]


#: code -> (sex, age group label) for the age-sex indicators
AGE_SEX_CODES = {code: (sex, label) for label, male, female in age_group_codes()
                 for code, sex in ((male, "M"), (female, "F"))}
TOTAL_CODES = ("pop_total", "pop_male", "pop_female")
#: everything the household book yields, in the order a passport lists it
POPULATION_CODES = (*TOTAL_CODES, *AGE_SEX_CODES, "households")


def household_book_figures(session, territory, today):
    """Population of `territory` (its whole SOATE subtree) by sex and five-year age group on `today`, and the
    number of households with at least one member: active members of the household book, counted in SQL.
    None when the household book holds nobody there (the passport then keeps entered figures)."""
    group = age_group_case(today).label("age_group")
    inside = (HouseholdMember.is_active.is_(True),
              Territory.path.startswith(territory.path, autoescape=True))
    rows = session.execute(
        select(group, HouseholdMember.sex, func.count(HouseholdMember.id))
        .join(Household, Household.id == HouseholdMember.household_id)
        .join(Territory, Territory.id == Household.territory_id)
        .where(*inside).group_by(group, HouseholdMember.sex)
    ).all()
    if not rows:
        return None
    codes = {(sex, label): code for code, (sex, label) in AGE_SEX_CODES.items()}
    figures = {code: 0 for code in POPULATION_CODES}
    for label, sex, people in rows:
        figures["pop_total"] += people
        figures["pop_male" if sex == "M" else "pop_female"] += people
        if (sex, label) in codes:
            figures[codes[(sex, label)]] += people
    figures["households"] = session.scalar(
        select(func.count(distinct(HouseholdMember.household_id)))
        .join(Household, Household.id == HouseholdMember.household_id)
        .join(Territory, Territory.id == Household.territory_id).where(*inside))
    return figures


def indicators_by_code(session, codes=None):
    query = select(LsgIndicator)
    if codes is not None:
        query = query.where(LsgIndicator.code.in_(list(codes)))
    return {i.code: i for i in session.scalars(query)}


def refresh_population(session, passport, today=None, now=None):
    """Recompute the passport's population figures (by sex and age group, totals, households) from the household
    book; entered figures are kept beside them. Where the book holds nobody, the computed figures are removed and
    the entered ones apply. Only the current year's passport: the book shows today's population, and a past
    year's figures are a record that must not change. Returns the figures (or None)."""
    today = today or local_today()
    if passport.year != today.year:
        raise DomainError(_l("Only the passport of the current year can be refreshed from the household book: the "
                             "book shows today's population."), field="year", code="refresh_past_year")
    indicators = indicators_by_code(session, POPULATION_CODES)
    missing = [c for c in POPULATION_CODES if c not in indicators]
    if missing:
        raise DomainError(_l("The indicator classifier lacks %(codes)s: load the reference data again.",
                             codes=", ".join(missing)), code="indicator_missing")
    figures = household_book_figures(session, passport.territory, today)
    current = {row.indicator.code: row for row in passport.values if row.source == "computed"}
    for code, number in (figures or {}).items():
        row = current.pop(code, None)
        if row is None:
            row = LsgIndicatorValue(indicator=indicators[code], source="computed")
            passport.values.append(row)  # through the collection: cascades into the passport's session
        row.value = decimal.Decimal(number)
    for row in current.values():
        passport.values.remove(row)  # delete-orphan: the book no longer holds anybody here
    passport.population_refreshed_on = now or clock.now()
    return figures


def effective_value_condition():
    """SQL condition on LsgIndicatorValue: the row that counts for its (passport, indicator), i.e. the computed
    figure, or the entered one where nothing is computed."""
    computed = aliased(LsgIndicatorValue)
    other = select(computed.id).where(computed.passport_id == LsgIndicatorValue.passport_id,
                                      computed.indicator_id == LsgIndicatorValue.indicator_id,
                                      computed.source == "computed")
    return or_(LsgIndicatorValue.source == "computed", ~other.exists())


# --- passports ----------------------------------------------------------------------------------------------
def count_settlements(session, territory):
    """Settlements of a unit from the SOATE tree: villages and settlements below it (a city without any is one
    settlement itself)."""
    number = session.scalar(select(func.count(Territory.id)).where(
        Territory.path.startswith(territory.path, autoescape=True), Territory.id != territory.id,
        Territory.kind.in_(SETTLEMENT_KINDS)))
    return number or (1 if territory.kind in CITY_KINDS else 0)


def check_passport(session, passport, today=None):
    """Before a passport is saved: it belongs to a unit with its own local self-government body (aiyl aimak, city,
    urban-type settlement: SOATE kinds), for a year from 2000 to next year, one passport per unit and year; area
    and settlements are not negative; an empty number of settlements is taken from the SOATE tree."""
    today = today or local_today()
    territory = passport.territory
    if territory is None:
        raise DomainError(_l("Choose the aiyl aimak or city of the passport."), field="territory",
                          code="territory_required")
    if territory.kind not in LSG_UNIT_KINDS:
        raise DomainError(_l("%(unit)s is not an aiyl aimak or a city: passports are kept by local self-government "
                             "bodies.", unit=territory.name), field="territory", code="not_lsg_unit")
    if passport.year is None or not FIRST_YEAR <= passport.year <= today.year + 1:
        raise DomainError(_l("The year must be between %(first)s and %(last)s.", first=FIRST_YEAR,
                             last=today.year + 1), field="year", code="year")
    with session.no_autoflush:
        twin = session.scalar(select(LsgPassport.id).where(LsgPassport.territory_id == territory.id,
                                                           LsgPassport.year == passport.year,
                                                           LsgPassport.id != (passport.id or -1)))
    if twin is not None:
        raise DomainError(_l("%(unit)s already has a passport for %(year)s.", unit=territory.name,
                             year=passport.year), field="year", code="duplicate_passport")
    if passport.area_km2 is not None and passport.area_km2 < 0:
        raise DomainError(_l("The area cannot be negative."), field="area_km2", code="area")
    if passport.settlements is not None and passport.settlements < 0:
        raise DomainError(_l("The number of settlements cannot be negative."), field="settlements",
                          code="settlements")
    if passport.settlements is None:
        with session.no_autoflush:
            passport.settlements = count_settlements(session, territory)
    return passport


def save_passport(session, passport, today=None):
    """Check a new or changed passport and record changes of its spheres of activity in the audit trail (the
    flush hook sees columns only). A new passport of the current year takes its population from the household
    book at once (refresh_population)."""
    today = today or local_today()
    check_passport(session, passport, today)
    if passport.id is None and passport.year == today.year:
        with session.no_autoflush:
            refresh_population(session, passport, today)
    history = inspect(passport).attrs.spheres.history
    if history.added or history.deleted:
        session.add(passport)
        session.flush()
        old = sorted(s.code for s in [*history.unchanged, *history.deleted])
        new = sorted(s.code for s in [*history.unchanged, *history.added])
        audit.record(session, "update", LsgPassport.__tablename__, passport.id,
                     {"spheres": [", ".join(old), ", ".join(new)]})
    return passport


def create_passport(session, territory, year, today=None, **fields):
    """A new passport of `territory` for `year` (the rules of check_passport apply)."""
    passport = LsgPassport(territory=territory, year=year, **fields)
    with session.no_autoflush:
        save_passport(session, passport, today)
    session.add(passport)
    return passport


# --- indicator values ---------------------------------------------------------------------------------------
def check_number(indicator, value):
    """Counts (people, households, units, head of livestock) are whole and not negative."""
    if indicator.unit in COUNT_UNITS and (value < 0 or value != value.to_integral_value()):
        raise DomainError(_l("%(indicator)s is a count: a whole number, not negative.", indicator=indicator.name),
                          field="value", code="not_a_count")


def check_value(session, row):
    """Before an entered figure is saved: figures from the household book are recomputed, never typed over; one
    entered figure per passport and indicator; counts are whole and not negative."""
    if row.source == "computed":
        raise DomainError(_l("This figure comes from the household book: refresh the passport instead of "
                             "editing it."), field="value", code="computed_value")
    row.source = "entered"
    if row.indicator is None or row.passport is None or row.value is None:
        return row
    check_number(row.indicator, decimal.Decimal(row.value))
    with session.no_autoflush:
        twin = session.scalar(select(LsgIndicatorValue.id).where(
            LsgIndicatorValue.passport_id == row.passport.id, LsgIndicatorValue.indicator_id == row.indicator.id,
            LsgIndicatorValue.source == "entered", LsgIndicatorValue.id != (row.id or -1)))
    if twin is not None:
        raise DomainError(_l("This passport already has an entered figure for %(indicator)s: edit it instead.",
                             indicator=row.indicator.name), field="indicator", code="duplicate_value")
    return row


def check_value_delete(row):
    """Computed figures are removed by refreshing the passport, not by hand."""
    if row.source == "computed":
        raise DomainError(_l("This figure comes from the household book: refresh the passport instead of "
                             "editing it."), field="value", code="computed_value")


def set_entered_value(session, passport, indicator, value, note=None):
    """Enter (or overwrite) the entered figure of an indicator in a passport."""
    value = decimal.Decimal(value)
    check_number(indicator, value)
    row = next((r for r in passport.values if r.source == "entered" and
                (r.indicator is indicator or r.indicator_id == indicator.id)), None)
    if row is None:
        row = LsgIndicatorValue(indicator=indicator, source="entered")
        passport.values.append(row)
    row.value = value
    if note is not None:
        row.note = note
    return row


# --- social objects and problems ----------------------------------------------------------------------------
def check_social_object(session, obj, today=None):
    """A social object lies in the passport's own unit, was built in a real year not in the future, and has a
    capacity that is not negative."""
    today = today or local_today()
    if obj.year_built is not None and not 1800 <= obj.year_built <= today.year:
        raise DomainError(_l("The year built must be between 1800 and %(year)s.", year=today.year),
                          field="year_built", code="year_built")
    if obj.capacity is not None and obj.capacity < 0:
        raise DomainError(_l("The capacity cannot be negative."), field="capacity", code="capacity")
    passport = obj.passport
    if obj.settlement is not None and passport is not None and \
            not obj.settlement.path.startswith(passport.territory.path):
        raise DomainError(_l("%(place)s is not part of %(unit)s.", place=obj.settlement.name,
                             unit=passport.territory.name), field="settlement", code="settlement_outside")
    return obj


def add_social_object(session, obj, today=None):
    """Add a social object to its passport after check_social_object."""
    check_social_object(session, obj, today)
    session.add(obj)
    return obj


def add_problem(session, problem):
    """Add a problem or need to its passport after check_problem."""
    check_problem(session, problem)
    session.add(problem)
    return problem


def check_problem(session, problem):
    """A problem has a priority of 1 or more (1 is the most urgent) and a cost that is not negative; the object it
    concerns belongs to the same passport."""
    if problem.priority is None or problem.priority < 1:
        raise DomainError(_l("The priority is a whole number from 1 (the most urgent)."), field="priority",
                          code="priority")
    if problem.estimated_cost is not None and problem.estimated_cost < 0:
        raise DomainError(_l("The estimated cost cannot be negative."), field="estimated_cost", code="cost")
    if problem.social_object is not None and problem.passport is not None and \
            problem.social_object.passport is not problem.passport:
        raise DomainError(_l("The object belongs to another passport."), field="social_object",
                          code="object_of_other_passport")
    return problem


# --- import -------------------------------------------------------------------------------------------------
IMPORT_COLUMNS = {"soate": _l("SOATE code"), "year": _l("Year"), "indicator": _l("Indicator code"),
                  "value": _l("Value")}


def parse_number(raw):
    """A figure as typed in a spreadsheet: spaces as thousand separators, a comma or a point as decimal mark."""
    text = str(raw).replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = decimal.Decimal(text)
    except decimal.InvalidOperation:
        return None
    if not value.is_finite() or abs(value) >= 10 ** 16:
        return None
    return value


def _parse_year(raw):
    value = parse_number(raw)
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


def import_indicator_values(session, scope, rows, today=None):
    """Indicator values from a table with one row per territory and indicator (SOATE code, year, indicator code,
    value), all or nothing: every row is checked first (unknown territory, not a self-governing unit, outside the
    user's territory, bad year, unknown indicator, non-numeric value or a count that is not whole, a row repeated
    in the file); with any error nothing is written and the report lists them by row. Otherwise the figures are
    entered (an existing entered figure is overwritten) and missing passports are created.

    `rows`: iterable of (row number in the file, {"soate", "year", "indicator", "value"} as text)."""
    today = today or local_today()
    rows = [(line, {k: str(v or "").strip() for k, v in raw.items()}) for line, raw in rows]
    rows = [(line, raw) for line, raw in rows if any(raw.values())]
    report = ImportReport()
    codes = {raw["soate"] for _, raw in rows if raw["soate"]}
    territories = {t.code: t for t in session.scalars(select(Territory).where(Territory.code.in_(codes)))} \
        if codes else {}
    indicators = indicators_by_code(session)
    seen = {}
    valid = []

    def error(line, column, message):
        report.errors.append((line, IMPORT_COLUMNS[column], message))

    for line, raw in rows:
        count = len(report.errors)
        territory = territories.get(raw["soate"])
        if territory is None:
            error(line, "soate", _l("Unknown SOATE code: %(code)s.", code=raw["soate"] or "—"))
        elif territory.kind not in LSG_UNIT_KINDS:
            error(line, "soate", _l("%(unit)s is not an aiyl aimak or a city: passports are kept by local "
                                    "self-government bodies. Import figures of oblasts, rayons and the republic "
                                    "as official statistics.", unit=territory.name))
        elif not scope.national and not territory.path.startswith(scope.territory_path):
            error(line, "soate", _l("%(unit)s is outside your territory.", unit=territory.name))
        year = _parse_year(raw["year"])
        if year is None or not FIRST_YEAR <= year <= today.year + 1:
            error(line, "year", _l("The year must be between %(first)s and %(last)s.", first=FIRST_YEAR,
                                   last=today.year + 1))
        indicator = indicators.get(raw["indicator"])
        if indicator is None:
            error(line, "indicator", _l("Unknown indicator: %(code)s.", code=raw["indicator"] or "—"))
        value = parse_number(raw["value"]) if raw["value"] else None
        if value is None:
            error(line, "value", _l("Not a number: %(value)s.", value=raw["value"] or "—"))
        elif indicator is not None:
            try:
                check_number(indicator, value)
            except DomainError as exc:
                error(line, "value", exc.message)
        key = (raw["soate"], year, raw["indicator"])
        if key in seen:
            error(line, "indicator", _l("The same territory, year and indicator as row %(line)s.", line=seen[key]))
        else:
            seen[key] = line
        if len(report.errors) == count:
            valid.append((line, territory, year, indicator, value))
    if report.errors:
        return report
    passports = {}
    if valid:
        ids = {t.id for _, t, *_ in valid}
        passports = {(p.territory_id, p.year): p for p in session.scalars(
            select(LsgPassport).where(LsgPassport.territory_id.in_(ids)))}
    for line, territory, year, indicator, value in valid:
        passport = passports.get((territory.id, year))
        if passport is None:
            passport = passports[(territory.id, year)] = create_passport(session, territory, year, today)
        set_entered_value(session, passport, indicator, value)
        # what the passport shows is the household book's figure where there is one: an entered figure beside it
        # would be a row "imported" that nothing shows, so the whole import is refused with the way to go
        if any(r.source == "computed" and (r.indicator is indicator or r.indicator_id == indicator.id)
               for r in passport.values):
            error(line, "value", _l("%(indicator)s of %(unit)s for %(year)s is computed from the household book, "
                                    "so an entered figure would not be shown. Import it as official statistics to "
                                    "compare the two.", indicator=indicator.name, unit=territory.name, year=year))
    if report.errors:
        return report
    session.flush()
    report.imported = len(valid)
    return report


def check_classifier_delete(session, item):
    """A classifier entry still used by a passport (type of an object, sphere, indicator of a figure) is kept:
    the records that use it would lose their meaning."""
    uses = {
        LsgObjectType: select(func.count(LsgSocialObject.id)).where(LsgSocialObject.object_type_id == item.id),
        LsgActivitySphere: select(func.count()).select_from(passport_sphere)
        .where(passport_sphere.c.sphere_id == item.id),
        LsgIndicator: select(func.count(LsgIndicatorValue.id)).where(LsgIndicatorValue.indicator_id == item.id),
    }
    query = uses.get(type(item))
    if query is not None and session.scalar(query):
        raise DomainError(_l("%(name)s is used in passports and cannot be deleted.", name=item.name),
                          code="classifier_in_use")
