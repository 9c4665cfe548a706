"""LSG passport charts: population pyramid, social objects by type and condition, comparison of units on an
indicator, resident population rolled up the SOATE tree. Every query aggregates in SQL inside the user's scope and
counts, for each passport and indicator, the household-book figure where there is one, otherwise the entered one."""

import plotly.express as px
from flask import request
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import false, func, select
from sqlalchemy.orm import aliased

from app.i18n import choose_name
from app.scope import current_scope, scoped_select
from app.services.lsg_passport import AGE_SEX_CODES, age_group_codes, effective_value_condition
from app.territory_kinds import LSG_UNIT_KINDS
from charts.base import Chart, ChartView, frame_from
from charts.household_book import pyramid_figure
from models.household_book import SEXES
from models.lsg_passport import CONDITIONS, UNITS, LsgIndicator, LsgIndicatorValue, LsgObjectType, \
    LsgPassport, LsgSocialObject
from models.reference import Territory
from models.reference import KIND_LABELS
from app.clock import local_today

DEFAULT_INDICATOR = "pop_total"


def _localized(names):
    """One of (name_ru, name_ky, name_en) in the current language, Russian when missing."""
    ru, ky, en = names
    return choose_name({"ru": ru, "ky": ky, "en": en}, mark_missing=False)


def _unit(session, code):
    return session.scalar(select(Territory).where(Territory.code == code)) if code else None


def passport_year(session, scope, filters):
    """The year asked for, else the latest year with a passport in the user's scope, else this year."""
    raw = (filters.get("year") or "").strip()
    if raw.isdigit():
        return int(raw)
    return session.scalar(scoped_select(LsgPassport, scope, func.max(LsgPassport.year))) \
        or local_today().year


def _passport_conditions(session, scope, filters, place=Territory, key="territory"):
    """Passports of the year and (when a territory filter is given) inside that unit's subtree; the scope comes
    with the query (`scoped_select(LsgPassport, scope, …)`)."""
    conditions = [LsgPassport.year == passport_year(session, scope, filters)]
    if filters.get(key):
        unit = _unit(session, filters[key])
        conditions.append(false() if unit is None else place.path.startswith(unit.path, autoescape=True))
    return conditions


# --- population pyramid -------------------------------------------------------------------------------------
def population_pyramid(session, scope, filters):
    """People by five-year age group and sex in the passports of a unit (a passport's own unit, or a rayon or
    oblast: its passports added up)."""
    rows = session.execute(
        scoped_select(LsgPassport, scope, LsgIndicator.code, func.sum(LsgIndicatorValue.value))
        .join(LsgIndicatorValue, LsgIndicatorValue.passport_id == LsgPassport.id)
        .join(LsgIndicator, LsgIndicator.id == LsgIndicatorValue.indicator_id)
        .join(Territory, Territory.id == LsgPassport.territory_id)
        .where(LsgIndicator.code.in_(list(AGE_SEX_CODES)), effective_value_condition(),
               *_passport_conditions(session, scope, filters))
        .group_by(LsgIndicator.code)
    ).all()
    people = {code: int(total or 0) for code, total in rows}
    data = []
    for label, male, female in age_group_codes():
        for code, sex in ((male, "M"), (female, "F")):
            if code in people:
                data.append((label, sex, people[code]))
    return frame_from(data, ["age_group", "sex", "people"])


# --- social objects -----------------------------------------------------------------------------------------
def objects_by_type(session, scope, filters):
    """Social objects of the year's passports by type and condition."""
    rows = session.execute(
        scoped_select(LsgPassport, scope, LsgObjectType.code, LsgObjectType.name_ru, LsgObjectType.name_ky,
                      LsgObjectType.name_en, LsgSocialObject.condition, func.count(LsgSocialObject.id))
        .join(LsgSocialObject, LsgSocialObject.passport_id == LsgPassport.id)
        .join(LsgObjectType, LsgObjectType.id == LsgSocialObject.object_type_id)
        .join(Territory, Territory.id == LsgPassport.territory_id)
        .where(*_passport_conditions(session, scope, filters))
        .group_by(LsgObjectType.code, LsgObjectType.name_ru, LsgObjectType.name_ky, LsgObjectType.name_en,
                  LsgSocialObject.condition)
        .order_by(LsgObjectType.code, LsgSocialObject.condition)
    ).all()
    order = list(CONDITIONS)
    data = sorted(((_localized(r[1:4]), r[4], r[5]) for r in rows),
                  key=lambda r: (r[0], order.index(r[1]) if r[1] in order else len(order)))
    return frame_from(data, ["object_type", "condition", "objects"])


def objects_figure(frame):
    frame = frame.assign(condition=[str(CONDITIONS.get(c, c)) for c in frame["condition"]])
    return px.bar(frame, x="object_type", y="objects", color="condition", barmode="stack",
                  category_orders={"condition": [str(v) for v in CONDITIONS.values()]},
                  color_discrete_sequence=["#2ca02c", "#bcbd22", "#ff7f0e", "#d62728"],
                  labels={"object_type": gettext("Type"), "objects": gettext("Objects"),
                          "condition": gettext("Condition")})


# --- comparison of units ------------------------------------------------------------------------------------
def compare_units(session, scope, filters):
    """One bar per self-governing unit inside a rayon or oblast (`parent`): the value of the chosen indicator in
    the year's passport."""
    code = filters.get("indicator") or DEFAULT_INDICATOR
    indicator = session.scalar(select(LsgIndicator).where(LsgIndicator.code == code))
    rows = [] if indicator is None else session.execute(
        scoped_select(LsgPassport, scope, Territory.code, Territory.name_ru, Territory.name_ky, Territory.name_en,
                      func.sum(LsgIndicatorValue.value))
        .join(LsgIndicatorValue, LsgIndicatorValue.passport_id == LsgPassport.id)
        .join(Territory, Territory.id == LsgPassport.territory_id)
        .where(LsgIndicatorValue.indicator_id == indicator.id, effective_value_condition(),
               *_passport_conditions(session, scope, filters, key="parent"))
        .group_by(Territory.code, Territory.name_ru, Territory.name_ky, Territory.name_en)
        .order_by(func.sum(LsgIndicatorValue.value).desc(), Territory.code)
    ).all()
    frame = frame_from([(r[0], _localized(r[1:4]), float(r[4])) for r in rows], ["code", "territory", "value"])
    if indicator is not None:
        frame.attrs["axis"] = f"{indicator.name}, {UNITS.get(indicator.unit, indicator.unit)}"
    return frame


def compare_figure(frame):
    return px.bar(frame, x="territory", y="value",
                  labels={"territory": gettext("Territory"), "value": frame.attrs.get("axis", gettext("Value"))})


# --- population rolled up the SOATE tree ----------------------------------------------------------------------
def population_by_territory(session, scope, filters):
    """Resident population (the year's passports) per unit one level below `parent` (default: below the user's
    own territory, or the oblasts and cities of republican significance), each unit adding up the passports of
    its subtree: a path-prefix join, summed in SQL."""
    place = aliased(Territory)
    passports = (
        scoped_select(LsgPassport, scope, place.path.label("path"), LsgIndicatorValue.value.label("people"))
        .join(LsgIndicatorValue, LsgIndicatorValue.passport_id == LsgPassport.id)
        .join(LsgIndicator, LsgIndicator.id == LsgIndicatorValue.indicator_id)
        .join(place, place.id == LsgPassport.territory_id)
        .where(LsgIndicator.code == "pop_total", effective_value_condition(),
               LsgPassport.year == passport_year(session, scope, filters))
    ).subquery()
    parent = _unit(session, filters.get("parent"))
    if filters.get("parent"):
        level = [false()] if parent is None else [Territory.parent_id == parent.id]
    else:
        level = [Territory.level == (scope.territory_level or 0) + 1]
    rows = session.execute(
        scoped_select(Territory, scope, Territory.code, Territory.name_ru, Territory.name_ky, Territory.name_en,
                      Territory.kind, func.count(passports.c.path), func.coalesce(func.sum(passports.c.people), 0))
        .outerjoin(passports, passports.c.path.startswith(Territory.path))
        .where(*level)
        .group_by(Territory.code, Territory.name_ru, Territory.name_ky, Territory.name_en, Territory.kind)
        .order_by(Territory.code)
    ).all()
    return frame_from([(r[0], _localized(r[1:4]), r[4], r[5], int(r[6])) for r in rows],
                      ["code", "territory", "kind", "passports", "people"])


def territory_figure(frame):
    return px.bar(frame, x="territory", y="people",
                  labels={"territory": gettext("Territory"), "people": gettext("People")})


# --- official statistics beside the computed figures ------------------------------------------------------------
def official_comparison(session, scope, filters):
    """Official figures of the indicator and year for the republic and its oblasts (or the units below `parent`),
    beside the figures computed from the household book (population, this year) or the LSG passports, with the
    difference."""
    from app.services import official_statistics

    year = int(filters["year"]) if (filters.get("year") or "").isdigit() else local_today().year
    rows, indicator = official_statistics.comparison(session, scope, filters.get("indicator") or DEFAULT_INDICATOR,
                                                     year, filters.get("parent"))
    frame = frame_from([(r["code"], r["territory"], _float(r["official"]), _float(r["computed"]),
                         _float(r["difference"]), _float(r["difference_pct"]), r["source"], r["computed_from"])
                        for r in rows],
                       ["code", "territory", "official", "computed", "difference", "difference_pct", "source",
                        "computed_from"])
    if indicator is not None:
        frame.attrs["axis"] = f"{indicator.name}, {UNITS.get(indicator.unit, indicator.unit)}"
    return frame


def _float(value):
    return None if value is None else float(value)


def official_figure(frame):
    import plotly.graph_objects as go

    figure = go.Figure()
    figure.add_bar(x=frame["territory"], y=frame["official"], name=gettext("Official statistics"))
    figure.add_bar(x=frame["territory"], y=frame["computed"], name=gettext("Computed"))
    figure.update_layout(barmode="group", yaxis_title=frame.attrs.get("axis", gettext("Value")))
    return figure


YEAR = _l("Year")


class LsgPassportChartView(ChartView):
    route_base = "/lsgpassportcharts"
    title = _l("LSG passport charts")
    template = "lsg_passport/charts.html"
    charts = [
        Chart("pyramid", _l("Population pyramid"), population_pyramid, pyramid_figure,
              filters={"territory": _l("Territory"), "year": YEAR},
              columns={"age_group": _l("Age group"), "sex": _l("Sex"), "people": _l("People")},
              values={"sex": SEXES}),
        Chart("objects", _l("Social objects by type and condition"), objects_by_type, objects_figure,
              filters={"territory": _l("Territory"), "year": YEAR},
              columns={"object_type": _l("Type"), "condition": _l("Condition"), "objects": _l("Objects")},
              values={"condition": CONDITIONS}),
        Chart("compare", _l("Comparison of units"), compare_units, compare_figure,
              filters={"parent": _l("Rayon or oblast"), "indicator": _l("Indicator"), "year": YEAR},
              columns={"code": _l("Code"), "territory": _l("Territory"), "value": _l("Value")}),
        Chart("population", _l("Resident population by territory"), population_by_territory, territory_figure,
              filters={"parent": _l("Part of"), "year": YEAR},
              columns={"code": _l("Code"), "territory": _l("Territory"), "kind": _l("Kind"),
                       "passports": _l("Passports"), "people": _l("People")},
              values={"kind": KIND_LABELS}),
        Chart("official", _l("Official statistics and computed figures"), official_comparison, official_figure,
              filters={"parent": _l("Part of"), "indicator": _l("Indicator"), "year": YEAR},
              columns={"code": _l("Code"), "territory": _l("Territory"), "official": _l("Official statistics"),
                       "computed": _l("Computed"), "difference": _l("Difference"),
                       "difference_pct": _l("Difference, %"), "source": _l("Source"),
                       "computed_from": _l("Computed from")}),
    ]

    # --- helpers of the template: choices for the filters and drill-down links --------------------------------
    def filter_options(self, name):
        """(value, label) choices of a filter, inside the user's scope."""
        session, scope = self.appbuilder.session, current_scope()
        if name == "indicator":
            rows = session.scalars(select(LsgIndicator).order_by(LsgIndicator.sort_order, LsgIndicator.code))
            return [(i.code, f"{i.name} ({i.code})") for i in rows]
        if name == "year":
            from models.lsg_passport import OfficialFigure

            years = set(session.scalars(scoped_select(LsgPassport, scope, LsgPassport.year).distinct()))
            years |= set(session.scalars(select(OfficialFigure.year).distinct()))  # official figures' years too
            return [(str(y), str(y)) for y in sorted(years, reverse=True)]
        if name in ("parent", "territory"):
            query = scoped_select(Territory, scope).where(Territory.level <= 2)
            if name == "territory":
                query = scoped_select(Territory, scope).where(
                    (Territory.level <= 2) | Territory.id.in_(select(LsgPassport.territory_id)))
            return [(t.code, str(t)) for t in session.scalars(query.order_by(Territory.path))]
        return None

    def drill(self, chart):
        """For the rolled-up chart: the labels of the code and kind columns, and the kind labels that stop the
        drill-down (a self-governing unit is a leaf of the passports)."""
        if chart.key != "population":
            return None
        return (str(chart.columns["code"]), str(chart.columns["kind"]), {str(KIND_LABELS[k]) for k in LSG_UNIT_KINDS})

    def up_link(self, filters):
        """The code of the unit above the one being shown (None at the top)."""
        unit = _unit(self.appbuilder.session, filters.get("parent"))
        if unit is None or unit.parent is None:
            return None
        return unit.parent.code if current_scope().permits_territory(self.appbuilder.session, unit.parent.id) \
            else None

    def selected(self, name):
        return request.args.get(name, "")
