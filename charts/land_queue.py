"""Land-plot queue charts: the queue now (by kind and category), allocations per year, the queue by territory.
Every figure is one SQL aggregate inside the user's scope."""

import plotly.express as px
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import and_, extract, func, or_

from app.i18n import choose_name
from app.scope import scoped_select
from charts.base import Chart, ChartView, frame_from
from models.land_queue import KINDS, LandApplication, LandCategory
from models.reference import Territory


def _name(ky, ru, en):
    return choose_name({"ky": ky, "ru": ru, "en": en})  # marked "[ru]" where the translation is missing


def queue_now(session, scope, filters):
    """Applications in the queue now, by kind and priority category (categories in rank order)."""
    rows = session.execute(
        scoped_select(LandApplication, scope, LandApplication.kind, LandCategory.code, LandCategory.name_ky,
                      LandCategory.name_ru, LandCategory.name_en, func.count(LandApplication.id))
        .join(LandCategory, LandCategory.id == LandApplication.category_id)
        .where(LandApplication.status == "queue")
        .group_by(LandApplication.kind, LandCategory.id, LandCategory.rank, LandCategory.code, LandCategory.name_ky,
                  LandCategory.name_ru, LandCategory.name_en)
        .order_by(LandCategory.rank, LandCategory.code, LandApplication.kind)
    ).all()
    return frame_from([(r[0], r[1], _name(r[2], r[3], r[4]), r[5]) for r in rows],
                      ["kind", "code", "category", "applications"])


def queue_figure(frame):
    data = frame.assign(kind=[str(KINDS.get(k, k)) for k in frame["kind"]])
    return px.bar(data, x="category", y="applications", color="kind", barmode="stack",
                  labels={"category": gettext("Priority category"), "applications": gettext("Applications"),
                          "kind": gettext("Kind")})


def allocations_per_year(session, scope, filters):
    """Plots allocated per year of the decision, by kind, with their total area (m²)."""
    year = extract("year", LandApplication.decision_date)
    rows = session.execute(
        scoped_select(LandApplication, scope, year, LandApplication.kind, func.count(LandApplication.id),
                      func.sum(LandApplication.plot_area))
        .where(LandApplication.status == "allocated")
        .group_by(year, LandApplication.kind).order_by(year, LandApplication.kind)
    ).all()
    return frame_from([(int(r[0]), r[1], r[2], float(r[3] or 0)) for r in rows],
                      ["year", "kind", "plots", "area"])


def allocations_figure(frame):
    data = frame.assign(kind=[str(KINDS.get(k, k)) for k in frame["kind"]], year=[str(y) for y in frame["year"]])
    return px.bar(data, x="year", y="plots", color="kind", barmode="group",
                  labels={"year": gettext("Year"), "plots": gettext("Plots allocated"), "kind": gettext("Kind")})


def queue_by_territory(session, scope, filters):
    """The queue now per unit one level below the user's own (per oblast for national users); a queue kept at a
    shallower unit (a city of oblast significance seen by an oblast user) counts under that unit itself."""
    level = (scope.territory_level or 0) + 1
    unit = Territory.__table__.alias("unit")
    rows = session.execute(
        scoped_select(LandApplication, scope, unit.c.code, unit.c.name_ky, unit.c.name_ru, unit.c.name_en,
                      LandApplication.kind, func.count(LandApplication.id))
        .join(Territory, Territory.id == LandApplication.territory_id)
        .join(unit, and_(Territory.path.startswith(unit.c.path),
                         or_(unit.c.level == level, and_(unit.c.id == Territory.id, Territory.level < level))))
        .where(LandApplication.status == "queue")
        .group_by(unit.c.code, unit.c.name_ky, unit.c.name_ru, unit.c.name_en, LandApplication.kind)
        .order_by(unit.c.code, LandApplication.kind)
    ).all()
    return frame_from([(r[0], _name(r[1], r[2], r[3]), r[4], r[5]) for r in rows],
                      ["code", "territory", "kind", "applications"])


def territory_figure(frame):
    data = frame.assign(kind=[str(KINDS.get(k, k)) for k in frame["kind"]])
    return px.bar(data, x="territory", y="applications", color="kind", barmode="stack",
                  labels={"territory": gettext("Territory"), "applications": gettext("Applications"),
                          "kind": gettext("Kind")})


class LandQueueChartView(ChartView):
    route_base = "/landqueuecharts"
    title = _l("Land plot queue charts")
    charts = [
        Chart("queue", _l("Queue now by kind and category"), queue_now, queue_figure,
              columns={"kind": _l("Kind"), "code": _l("Code"), "category": _l("Priority category"),
                       "applications": _l("Applications")},
              values={"kind": KINDS}),
        Chart("allocations", _l("Plots allocated per year"), allocations_per_year, allocations_figure,
              columns={"year": _l("Year"), "kind": _l("Kind"), "plots": _l("Plots allocated"),
                       "area": _l("Total area, m²")},
              values={"kind": KINDS}),
        Chart("territories", _l("Queue by territory"), queue_by_territory, territory_figure,
              columns={"code": _l("Code"), "territory": _l("Territory"), "kind": _l("Kind"),
                       "applications": _l("Applications")},
              values={"kind": KINDS}),
    ]
