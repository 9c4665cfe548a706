"""Municipal property charts: objects and value by type, objects by condition, leases ending soon.

Every query aggregates or filters in SQL inside the user's scope; only objects of the active register count."""
import datetime

import plotly.express as px
import plotly.graph_objects as go
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import and_, case, func, or_

from app.i18n import choose_name, current_language
from app.scope import scoped_select
from charts.base import Chart, ChartView, frame_from
from models.municipal_property import CONDITIONS, KINDS, PropertyLease, PropertyObject
from models.reference import Territory
from app.clock import local_today

DEFAULT_HORIZON = 90  # days ahead for "leases ending soon"
MAX_HORIZON = 366


def objects_by_kind(session, scope, filters):
    """Number of objects and the sums of balance and residual value (som) per type."""
    rows = session.execute(
        scoped_select(PropertyObject, scope, PropertyObject.kind, func.count(PropertyObject.id),
                      func.coalesce(func.sum(PropertyObject.balance_value), 0),
                      func.coalesce(func.sum(PropertyObject.residual_value), 0))
        .where(PropertyObject.status == "active")
        .group_by(PropertyObject.kind)
    ).all()
    order = list(KINDS)
    rows = sorted(rows, key=lambda r: order.index(r[0]) if r[0] in order else len(order))
    return frame_from([(kind, count, round(float(balance), 2), round(float(residual), 2))
                       for kind, count, balance, residual in rows],
                      ["kind", "objects", "balance_value", "residual_value"])


def value_figure(frame):
    labels = [str(KINDS.get(k, k)) for k in frame["kind"]]
    figure = go.Figure()
    figure.add_bar(x=labels, y=frame["balance_value"], name=gettext("Balance value, som"),
                   text=[gettext("Objects: %(n)s", n=n) for n in frame["objects"]], textposition="outside")
    figure.add_bar(x=labels, y=frame["residual_value"], name=gettext("Residual value, som"))
    figure.update_layout(barmode="group", yaxis_title=gettext("Som"), xaxis_title=gettext("Type"))
    return figure


def objects_by_condition(session, scope, filters):
    """Number of objects per type and condition."""
    rows = session.execute(
        scoped_select(PropertyObject, scope, PropertyObject.kind, PropertyObject.condition,
                      func.count(PropertyObject.id))
        .where(PropertyObject.status == "active")
        .group_by(PropertyObject.kind, PropertyObject.condition)
    ).all()
    kinds, conditions = list(KINDS), list(CONDITIONS)
    rows = sorted(rows, key=lambda r: (kinds.index(r[0]) if r[0] in kinds else 99,
                                       conditions.index(r[1]) if r[1] in conditions else 99))
    return frame_from(rows, ["kind", "condition", "objects"])


def condition_figure(frame):
    shown = frame.assign(kind=[str(KINDS.get(k, k)) for k in frame["kind"]],
                         condition=[str(CONDITIONS.get(c, c)) for c in frame["condition"]])
    return px.bar(shown, x="kind", y="objects", color="condition", barmode="stack",
                  labels={"kind": gettext("Type"), "objects": gettext("Objects"),
                          "condition": gettext("Condition")})


def horizon(filters):
    try:
        days = int(filters.get("days") or DEFAULT_HORIZON)
    except ValueError:
        days = DEFAULT_HORIZON
    return min(max(days, 1), MAX_HORIZON)


def lease_end():
    """The last day of a lease in SQL: the contract's end, or the earlier day it was ended."""
    return case((and_(PropertyLease.terminated_on.is_not(None), PropertyLease.terminated_on < PropertyLease.end_date),
                 PropertyLease.terminated_on), else_=PropertyLease.end_date)


def leases_ending_soon(session, scope, filters, today=None):
    """Leases of objects in the register whose last day falls within the next `days` (default 90) days, soonest
    first, with the days left. Tenants are not shown: the chart is for planning, not a list of people."""
    today = today or local_today()
    until = today + datetime.timedelta(days=horizon(filters))
    ends = lease_end().label("ends_on")
    rows = session.execute(
        scoped_select(PropertyLease, scope, Territory.name_ru, Territory.name_ky, Territory.name_en,
                      PropertyObject.inventory_number, PropertyObject.name, PropertyLease.contract_number,
                      PropertyLease.monthly_rent, ends)
        .join(PropertyObject, PropertyObject.id == PropertyLease.object_id)
        .join(Territory, Territory.id == PropertyObject.territory_id)
        .where(PropertyObject.status == "active", ends >= today, ends <= until,
               or_(PropertyLease.terminated_on.is_(None), PropertyLease.terminated_on >= today))
        .order_by(ends, PropertyObject.inventory_number)
    ).all()
    lang = current_language()
    out = []
    for ru, ky, en, inventory, name, contract, rent, ends_on in rows:
        if isinstance(ends_on, str):  # a CASE over dates comes back as text on some drivers
            ends_on = datetime.date.fromisoformat(ends_on[:10])
        territory = choose_name({"ru": ru, "ky": ky, "en": en}, lang, mark_missing=False)
        out.append((territory, inventory, name, contract, ends_on, (ends_on - today).days, round(float(rent), 2)))
    return frame_from(out, ["territory", "inventory_number", "object", "contract_number", "ends_on", "days_left",
                            "monthly_rent"])


def leases_figure(frame):
    labels = [f"{inv} {name} (№{contract})" for inv, name, contract in
              zip(frame["inventory_number"], frame["object"], frame["contract_number"])]
    figure = go.Figure()
    figure.add_bar(y=labels, x=frame["days_left"], orientation="h", text=frame["days_left"], textposition="auto",
                   name=gettext("Days left"))
    figure.update_layout(xaxis_title=gettext("Days left"), yaxis=dict(autorange="reversed"))
    return figure


class PropertyChartView(ChartView):
    route_base = "/propertycharts"
    title = _l("Municipal property charts")
    charts = [
        Chart("value_by_kind", _l("Objects and value by type"), objects_by_kind, value_figure,
              columns={"kind": _l("Type"), "objects": _l("Objects"), "balance_value": _l("Balance value, som"),
                       "residual_value": _l("Residual value, som")},
              values={"kind": KINDS}),
        Chart("leases_ending", _l("Leases ending soon"), leases_ending_soon, leases_figure,
              filters={"days": _l("Days ahead")},
              columns={"territory": _l("Owner"), "inventory_number": _l("Inventory number"), "object": _l("Object"),
                       "contract_number": _l("Contract number"), "ends_on": _l("Lease until"),
                       "days_left": _l("Days left"), "monthly_rent": _l("Monthly rent, som")}),
        Chart("condition", _l("Objects by condition"), objects_by_condition, condition_figure,
              columns={"kind": _l("Type"), "condition": _l("Condition"), "objects": _l("Objects")},
              values={"kind": KINDS, "condition": CONDITIONS}),
    ]
