"""Official statistics beside the computed figures.

Legal basis: the Law "On official statistics" (the National Statistical Committee publishes the population and
other indicators of the republic, oblasts, rayons and aiyl aimaks); the Law "On local self-government" (2021:
the household book is the LSG body's own account of its population). The two are kept apart: an official figure
is stored as published (`lsg_passport_official_figure`, any level of the SOATE tree and the republic as a whole,
with its period, unit and source) and compared with what the household book and the LSG passports compute,
with the difference; it never overwrites a computed figure, and every imported row is what the comparison shows."""
import datetime
import decimal

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import aliased

from app.errors import DomainError
from app.scope import scoped_select
from app.services.lsg_passport import AGE_SEX_CODES, FIRST_YEAR, POPULATION_CODES, effective_value_condition, \
    parse_number
from app.tabular import ImportReport
from models.household_book import Household, HouseholdMember
from models.lsg_passport import REPUBLIC_CODE, UNITS, LsgIndicator, LsgIndicatorValue, LsgPassport, OfficialFigure
from models.reference import Territory
from app.clock import local_today

IMPORT_COLUMNS = {"soate": _l("SOATE code"), "year": _l("Year"), "indicator": _l("Indicator code"),
                  "value": _l("Value"), "unit": _l("Unit of measure"), "source": _l("Source"),
                  "reference_date": _l("As of")}
REQUIRED = ("soate", "year", "indicator", "value", "source")


def check_figure(session, scope, figure, today):
    """Before an official figure is saved: a territory inside the user's scope (the republic as a whole only for
    national users), a year from 2000 to next year, a known unit (the indicator's own when empty), a source, one
    figure per territory, indicator and year."""
    if figure.territory is None and not scope.national:
        raise DomainError(_l("Figures of the republic as a whole are entered by national users."), field="territory",
                          code="republic_national")
    if figure.territory is not None and not scope.permits_territory(session, figure.territory.id):
        raise DomainError(_l("%(unit)s is outside your territory.", unit=figure.territory.name), field="territory",
                          code="outside_scope")
    if figure.indicator is None:
        raise DomainError(_l("Choose the indicator."), field="indicator", code="indicator_required")
    if figure.year is None or not FIRST_YEAR <= int(figure.year) <= today.year + 1:
        raise DomainError(_l("The year must be between %(first)s and %(last)s.", first=FIRST_YEAR,
                             last=today.year + 1), field="year", code="year")
    figure.unit = figure.unit or figure.indicator.unit
    if figure.unit not in UNITS:
        raise DomainError(_l("Unknown unit of measure."), field="unit", code="unit")
    if not (figure.source or "").strip():
        raise DomainError(_l("Give the source of the figure."), field="source", code="source_required")
    if figure.value is None:
        raise DomainError(_l("Not a number: %(value)s.", value="—"), field="value", code="value")
    with session.no_autoflush:
        twin = session.scalar(select(OfficialFigure.id).where(
            OfficialFigure.indicator_id == figure.indicator.id, OfficialFigure.year == figure.year,
            OfficialFigure.territory_id.is_(None) if figure.territory is None else
            OfficialFigure.territory_id == figure.territory.id, OfficialFigure.id != (figure.id or -1)))
    if twin is not None:
        raise DomainError(_l("This territory already has an official figure of this indicator for %(year)s: edit "
                             "it instead.", year=figure.year), field="indicator", code="duplicate_figure")
    return figure


def import_figures(session, scope, rows, today=None):
    """Official figures from a table (SOATE code — 41700000000000 for the republic —, year, indicator code, value,
    source; unit and "as of" date optional), all or nothing with a per-row report; a figure already stored for
    the same territory, indicator and year is replaced by the new one. `report.imported` is the number of figures
    written, each of which the list and the comparison show."""
    today = today or local_today()
    rows = [(line, {k: str(v if v is not None else "").strip() for k, v in raw.items()}) for line, raw in rows]
    rows = [(line, raw) for line, raw in rows if any(raw.values())]
    report = ImportReport()
    codes = {raw.get("soate") for _, raw in rows if raw.get("soate")}
    territories = {t.code: t for t in session.scalars(select(Territory).where(Territory.code.in_(codes)))} \
        if codes else {}
    indicators = {i.code: i for i in session.scalars(select(LsgIndicator))}
    seen, valid = {}, []

    def error(line, column, message):
        report.errors.append((line, str(IMPORT_COLUMNS[column]), str(message)))

    for line, raw in rows:
        before = len(report.errors)
        for column in REQUIRED:
            if not raw.get(column):
                error(line, column, gettext("This field is required."))
        if len(report.errors) > before:
            continue
        code = raw["soate"]
        territory = None
        if code in (REPUBLIC_CODE, "417"):
            if not scope.national:
                error(line, "soate", _l("Figures of the republic as a whole are entered by national users."))
        else:
            territory = territories.get(code)
            if territory is None:
                error(line, "soate", _l("Unknown SOATE code: %(code)s.", code=code))
            elif not scope.national and not territory.path.startswith(scope.territory_path):
                error(line, "soate", _l("%(unit)s is outside your territory.", unit=territory.name))
        year_number = parse_number(raw["year"])
        year = int(year_number) if year_number is not None and year_number == year_number.to_integral_value() \
            else None
        if year is None or not FIRST_YEAR <= year <= today.year + 1:
            error(line, "year", _l("The year must be between %(first)s and %(last)s.", first=FIRST_YEAR,
                                   last=today.year + 1))
        indicator = indicators.get(raw["indicator"])
        if indicator is None:
            error(line, "indicator", _l("Unknown indicator: %(code)s.", code=raw["indicator"]))
        value = parse_number(raw["value"])
        if value is None:
            error(line, "value", _l("Not a number: %(value)s.", value=raw["value"]))
        unit = raw.get("unit") or (indicator.unit if indicator is not None else "")
        unit = _unit_code(unit)
        if unit is None:
            error(line, "unit", _l("Unknown unit of measure."))
        reference_date = None
        if raw.get("reference_date"):
            try:
                reference_date = datetime.date.fromisoformat(raw["reference_date"][:10])
            except ValueError:
                error(line, "reference_date", _l("Not a date (YYYY-MM-DD): %(value)s.", value=raw["reference_date"]))
        key = (code if territory is None else territory.code, year, raw["indicator"])
        if key in seen:
            error(line, "indicator", _l("The same territory, year and indicator as row %(line)s.", line=seen[key]))
        else:
            seen[key] = line
        if len(report.errors) == before:
            valid.append((territory, year, indicator, value, unit, raw["source"][:500], reference_date))
    if report.errors:
        return report
    for territory, year, indicator, value, unit, source, reference_date in valid:
        figure = session.scalar(select(OfficialFigure).where(
            OfficialFigure.indicator_id == indicator.id, OfficialFigure.year == year,
            OfficialFigure.territory_id.is_(None) if territory is None else OfficialFigure.territory_id == territory.id))
        if figure is None:
            figure = OfficialFigure(territory=territory, indicator=indicator, year=year)
            session.add(figure)
        figure.value, figure.unit, figure.source, figure.reference_date = value, unit, source, reference_date
        session.flush()
    report.imported = len(valid)
    return report


def _unit_code(text):
    """A unit given by its code or its name in any language."""
    from flask_babel import force_locale

    if not text:
        return None
    if text in UNITS:
        return text
    for code in UNITS:
        for language in ("ky", "ru", "en"):
            with force_locale(language):
                if str(UNITS[code]).lower() == text.lower():
                    return code
    return None


# --- comparison ---------------------------------------------------------------------------------------------------
def units_of(session, scope, parent_code=None):
    """The units compared: the children of `parent_code`, else the top of the user's scope (national users: the
    republic as a whole and its oblasts and cities of republican significance)."""
    parent = session.scalar(select(Territory).where(Territory.code == parent_code)) if parent_code else None
    if parent is not None and not scope.permits_territory(session, parent.id):
        parent = None
    if parent is None and not scope.national:
        parent = session.get(Territory, scope.territory_id)
    query = select(Territory).where(Territory.parent_id == parent.id) if parent is not None else \
        select(Territory).where(Territory.level == 1)
    units = session.scalars(query.order_by(Territory.code)).all()
    return parent, units


def household_book_by_unit(session, scope, units, today):
    """{unit id: {code: figure}} of the population indicators counted from the household book inside each unit's
    subtree (and the scope): one grouped query by unit, sex and age group, one for households."""
    from app.services.household_book import age_group_case

    if not units:
        return {}
    unit = aliased(Territory, name="unit")
    place = aliased(Territory, name="place")
    group = age_group_case(today).label("age_group")
    base = (scoped_select(HouseholdMember, scope, unit.id)
            .join(Household, Household.id == HouseholdMember.household_id)
            .join(place, place.id == Household.territory_id)
            .join(unit, place.path.startswith(unit.path))
            .where(unit.id.in_([u.id for u in units]), HouseholdMember.is_active.is_(True)))
    rows = session.execute(base.add_columns(group, HouseholdMember.sex, func.count(HouseholdMember.id))
                           .group_by(unit.id, group, HouseholdMember.sex)).all()
    codes = {(sex, label): code for code, (sex, label) in AGE_SEX_CODES.items()}
    out = {}
    for unit_id, label, sex, people in rows:
        figures = out.setdefault(unit_id, {code: 0 for code in POPULATION_CODES})
        figures["pop_total"] += people
        figures["pop_male" if sex == "M" else "pop_female"] += people
        if (sex, label) in codes:
            figures[codes[(sex, label)]] += people
    for unit_id, households in session.execute(
            base.with_only_columns(unit.id, func.count(distinct(HouseholdMember.household_id))).group_by(unit.id)):
        out.setdefault(unit_id, {code: 0 for code in POPULATION_CODES})["households"] = households
    return out


def passports_by_unit(session, scope, units, indicator, year):
    """{unit id: sum} of the indicator's figures in the year's LSG passports of each unit's subtree."""
    if not units:
        return {}
    unit = aliased(Territory, name="unit")
    place = aliased(Territory, name="place")
    rows = session.execute(
        scoped_select(LsgPassport, scope, unit.id, func.sum(LsgIndicatorValue.value))
        .join(LsgIndicatorValue, LsgIndicatorValue.passport_id == LsgPassport.id)
        .join(place, place.id == LsgPassport.territory_id)
        .join(unit, place.path.startswith(unit.path))
        .where(unit.id.in_([u.id for u in units]), LsgIndicatorValue.indicator_id == indicator.id,
               effective_value_condition(), LsgPassport.year == year)
        .group_by(unit.id)).all()
    return {unit_id: total for unit_id, total in rows}


def comparison(session, scope, indicator_code, year, parent_code=None, today=None):
    """Rows (code, territory, official, computed, difference, difference %, source of the official figure,
    where the computed figure comes from) for the republic (national users, top level) and each unit compared.

    The computed figure of a population indicator for the current year is the household book's count now; of any
    other indicator or year, the sum of the year's LSG passports below the unit."""
    today = today or local_today()
    indicator = session.scalar(select(LsgIndicator).where(LsgIndicator.code == indicator_code))
    if indicator is None:
        return [], None
    parent, units = units_of(session, scope, parent_code)
    live = indicator.code in POPULATION_CODES and int(year) == today.year
    computed = household_book_by_unit(session, scope, units, today) if live else \
        passports_by_unit(session, scope, units, indicator, year)
    figures = session.scalars(select(OfficialFigure).where(
        OfficialFigure.indicator_id == indicator.id, OfficialFigure.year == year,
        OfficialFigure.territory_id.in_([u.id for u in units]))).all()
    official = {f.territory_id: f for f in figures}
    origin = gettext("Household book") if live else gettext("LSG passports")

    def value_of(unit_id):
        found = computed.get(unit_id)
        if found is None:
            return None
        return decimal.Decimal(found.get(indicator.code, 0)) if live else decimal.Decimal(found)

    rows = []
    if parent is None and scope.national:  # the republic as a whole first
        figure = session.scalar(select(OfficialFigure).where(
            OfficialFigure.indicator_id == indicator.id, OfficialFigure.year == year,
            OfficialFigure.territory_id.is_(None)))
        known = [value_of(u.id) for u in units if value_of(u.id) is not None]
        total = sum(known, decimal.Decimal(0)) if known else None
        rows.append(_row(REPUBLIC_CODE, gettext("Kyrgyz Republic"), figure, total, origin))
    for unit in units:
        rows.append(_row(unit.code, unit.name, official.get(unit.id), value_of(unit.id), origin))
    return rows, indicator


def _row(code, name, figure, computed, origin):
    official = figure.value if figure is not None else None
    difference = official - computed if official is not None and computed is not None else None
    percent = (difference / official * 100).quantize(decimal.Decimal("0.1")) \
        if difference is not None and official else None
    return {"code": code, "territory": name, "official": official, "computed": computed, "difference": difference,
            "difference_pct": percent, "source": figure.source if figure is not None else "",
            "computed_from": origin if computed is not None else ""}
