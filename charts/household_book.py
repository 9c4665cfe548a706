"""Household book charts: population by age and sex, households by size, population by territory."""

import plotly.graph_objects as go
import plotly.express as px
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import func

from app.scope import scoped_select
from app.services.household_book import AGE_GROUPS, age_group_case, age_group_label
from charts.base import Chart, ChartView, frame_from
from models.household_book import SEXES, Household, HouseholdMember
from models.reference import Territory
from app.clock import local_today

def population_by_age_sex(session, scope, filters, today=None):
    today = today or local_today()
    group = age_group_case(today).label("age_group")
    rows = session.execute(
        scoped_select(HouseholdMember, scope, group, HouseholdMember.sex, func.count(HouseholdMember.id))
        .where(HouseholdMember.is_active.is_(True))
        .group_by(group, HouseholdMember.sex)
    ).all()
    frame = frame_from(rows, ["age_group", "sex", "people"])
    order = [age_group_label(*g) for g in AGE_GROUPS]
    frame["order"] = frame["age_group"].map(lambda g: order.index(g) if g in order else len(order))
    return frame.sort_values(["order", "sex"]).drop(columns="order").reset_index(drop=True)


def pyramid_figure(frame):
    men = frame[frame["sex"] == "M"]
    women = frame[frame["sex"] == "F"]
    figure = go.Figure()
    figure.add_bar(y=men["age_group"], x=-men["people"], orientation="h", name=gettext("Male"),
                   customdata=men["people"], hovertemplate="%{y}: %{customdata}")
    figure.add_bar(y=women["age_group"], x=women["people"], orientation="h", name=gettext("Female"),
                   hovertemplate="%{y}: %{x}")
    figure.update_layout(barmode="overlay", bargap=0.1, xaxis_title=gettext("People"),
                         yaxis_title=gettext("Age group"))
    return figure


def households_by_size(session, scope, filters):
    size = (scoped_select(HouseholdMember, scope, HouseholdMember.household_id,
                          func.count(HouseholdMember.id).label("size"))
            .where(HouseholdMember.is_active.is_(True)).group_by(HouseholdMember.household_id).subquery())
    rows = session.execute(
        scoped_select(Household, scope, size.c.size, func.count()).join(size, Household.id == size.c.household_id)
        .group_by(size.c.size).order_by(size.c.size)
    ).all()
    return frame_from(rows, ["size", "households"])


def size_figure(frame):
    return px.bar(frame, x="size", y="households",
                  labels={"size": gettext("Members"), "households": gettext("Households")})


def population_by_territory(session, scope, filters):
    """Active members per territory one level below the user's own (or per oblast for national users)."""
    level = (scope.territory_level or 0) + 1
    unit = Territory.__table__.alias("unit")
    rows = session.execute(
        scoped_select(HouseholdMember, scope, unit.c.code, unit.c.name_ru, unit.c.name_ky, unit.c.name_en,
                      func.count(HouseholdMember.id))
        .join(Household).join(Territory, Territory.id == Household.territory_id)
        .join(unit, Territory.path.startswith(unit.c.path))
        .where(unit.c.level == level, HouseholdMember.is_active.is_(True))
        .group_by(unit.c.code, unit.c.name_ru, unit.c.name_ky, unit.c.name_en).order_by(unit.c.code)
    ).all()
    from app.i18n import choose_name

    names = [choose_name({"ru": r[1], "ky": r[2], "en": r[3]}, mark_missing=False) for r in rows]
    return frame_from([(r[0], n, r[4]) for r, n in zip(rows, names)], ["code", "territory", "people"])


def territory_figure(frame):
    return px.bar(frame, x="territory", y="people",
                  labels={"territory": gettext("Territory"), "people": gettext("People")})


class HouseholdChartView(ChartView):
    route_base = "/householdcharts"
    title = _l("Household book charts")
    charts = [
        Chart("pyramid", _l("Population by age and sex"), population_by_age_sex, pyramid_figure,
              columns={"age_group": _l("Age group"), "sex": _l("Sex"), "people": _l("People")},
              values={"sex": SEXES}),
        Chart("sizes", _l("Households by size"), households_by_size, size_figure,
              columns={"size": _l("Members"), "households": _l("Households")}),
        Chart("territories", _l("Population by territory"), population_by_territory, territory_figure,
              columns={"code": _l("Code"), "territory": _l("Territory"), "people": _l("People")}),
    ]
