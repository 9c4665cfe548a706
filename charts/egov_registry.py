"""Charts of the e-government register: elements by type, owner, status and funding source, registrations per
month, review times against the 3-working-day norm (cl. 21) and the graph of interactions between elements
(cl. 6–7, Tunduk). Every query aggregates in SQL inside the user's scope: an authorised employee (organisation
scope) sees only their organisation's elements and applications."""
import math

import plotly.graph_objects as go
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import extract, func, select

from app.i18n import choose_name, current_language
from app.workdays import working_days_between
from charts.base import Chart, ChartView, frame_from
from models.egov_registry import ELEMENT_KINDS, ELEMENT_STATUSES, FUNDING_SOURCES, RELATION_KINDS, \
    EgovApplication, EgovElement, EgovOrganisation, EgovRelation

REVIEW_NORM = 3  # working days (cl. 21)
REVIEWED_KINDS = ("registration", "modification")  # the applications the operator reviews against cl. 20
DECIDED = ("registered", "refused")
NOT_STATED = "-"


def _ordered(rows, order):
    order = list(order)
    return sorted(rows, key=lambda r: (order.index(r[0]) if r[0] in order else len(order), str(r[0])))


def by_kind(session, scope, filters):
    """Registered elements per type of the annex (cl. 20(2))."""
    rows = session.execute(
        select(EgovElement.kind, func.count(EgovElement.id))
        .where(EgovElement.status == "registered", scope.condition(EgovElement)).group_by(EgovElement.kind)
    ).all()
    return frame_from([(k or NOT_STATED, n) for k, n in _ordered(rows, ELEMENT_KINDS)], ["kind", "elements"])


def by_status(session, scope, filters):
    """Elements per status: not registered yet, registered, removed."""
    rows = session.execute(
        select(EgovElement.status, func.count(EgovElement.id))
        .where(scope.condition(EgovElement)).group_by(EgovElement.status)
    ).all()
    return frame_from(_ordered(rows, ELEMENT_STATUSES), ["status", "elements"])


def by_funding(session, scope, filters):
    """Registered elements per source of funding (cl. 20(16)); elements without one counted as not stated."""
    rows = session.execute(
        select(EgovElement.funding, func.count(EgovElement.id))
        .where(EgovElement.status == "registered", scope.condition(EgovElement)).group_by(EgovElement.funding)
    ).all()
    return frame_from([(k or NOT_STATED, n) for k, n in _ordered(rows, FUNDING_SOURCES)], ["funding", "elements"])


def by_organisation(session, scope, filters):
    """Registered elements per owner (subject of accounting), most first, named in the page's language."""
    count = func.count(EgovElement.id)
    rows = session.execute(
        select(EgovOrganisation.id, EgovOrganisation.name_ky, EgovOrganisation.name_ru, EgovOrganisation.name_en,
               count)
        .join(EgovOrganisation, EgovOrganisation.id == EgovElement.organisation_id)
        .where(EgovElement.status == "registered", scope.condition(EgovElement))
        .group_by(EgovOrganisation.id, EgovOrganisation.name_ky, EgovOrganisation.name_ru, EgovOrganisation.name_en)
        .order_by(count.desc(), EgovOrganisation.name_ru)
    ).all()
    language = current_language()
    return frame_from([(choose_name({"ky": ky, "ru": ru, "en": en}, language, mark_missing=False), n)
                       for _, ky, ru, en, n in rows],
                      ["organisation", "elements"])


def registrations_per_month(session, scope, filters):
    """Elements first registered per month (the register's date of the first registration)."""
    year, month = extract("year", EgovElement.registered_on), extract("month", EgovElement.registered_on)
    rows = session.execute(
        select(year, month, func.count(EgovElement.id))
        .where(EgovElement.registered_on.is_not(None), scope.condition(EgovElement))
        .group_by(year, month).order_by(year, month)
    ).all()
    return frame_from([(f"{int(y):04d}-{int(m):02d}", n) for y, m, n in rows], ["month", "elements"])


def review_times(session, scope, filters):
    """Decided registration and modification applications per review time in working days (from receipt to the
    decision, on the Kyrgyz calendar), against the norm of 3 working days (cl. 21). SQL counts the applications
    per pair of dates; the working days of each pair come from app/workdays.py."""
    rows = session.execute(
        select(EgovApplication.received_on, EgovApplication.decided_on, func.count(EgovApplication.id))
        .where(EgovApplication.kind.in_(REVIEWED_KINDS), EgovApplication.status.in_(DECIDED),
               EgovApplication.decided_on.is_not(None), scope.condition(EgovApplication))
        .group_by(EgovApplication.received_on, EgovApplication.decided_on)
    ).all()
    counts = {}
    for received, decided, n in rows:
        days = working_days_between(received, decided)
        counts[days] = counts.get(days, 0) + n
    return frame_from([(d, n, d <= REVIEW_NORM) for d, n in sorted(counts.items())],
                      ["working_days", "applications", "within_norm"])


def interactions(session, scope, filters):
    """The relations between elements (one row per edge), with the Tunduk service of an exchange; the relations
    of the elements in the user's scope, to whichever element they lead."""
    source, target = EgovElement.__table__.alias("source"), EgovElement.__table__.alias("target")
    rows = session.execute(
        select(source.c.id, source.c.short_name, source.c.full_name, target.c.id, target.c.short_name,
               target.c.full_name, EgovRelation.kind, EgovRelation.service)
        .join(source, source.c.id == EgovRelation.element_id).join(target, target.c.id == EgovRelation.target_id)
        .where(scope.condition(EgovRelation)).order_by(source.c.full_name, target.c.full_name, EgovRelation.kind)
    ).all()
    return frame_from([(sid, ss or sf, tid, ts or tf, kind, service or "")
                       for sid, ss, sf, tid, ts, tf, kind, service in rows],
                      ["source_id", "source", "target_id", "target", "kind", "service"])


# --- figures ----------------------------------------------------------------------------------------------------
def _label(labels, code):
    return gettext("Not stated") if code == NOT_STATED else str(labels.get(code, code))


def _bar(x, y, x_title, y_title, horizontal=False):
    figure = go.Figure()
    if horizontal:
        figure.add_bar(y=x, x=y, orientation="h", text=y, textposition="auto")
        figure.update_layout(yaxis=dict(autorange="reversed", automargin=True), xaxis_title=y_title)
    else:
        figure.add_bar(x=x, y=y, text=y, textposition="auto")
        figure.update_layout(xaxis_title=x_title, yaxis_title=y_title)
    return figure


def kind_figure(frame):
    return _bar([_label(ELEMENT_KINDS, k) for k in frame["kind"]], list(frame["elements"]), gettext("Type"),
                gettext("Elements"), horizontal=True)


def status_figure(frame):
    return _bar([_label(ELEMENT_STATUSES, s) for s in frame["status"]], list(frame["elements"]), gettext("Status"),
                gettext("Elements"))


def funding_figure(frame):
    return _bar([_label(FUNDING_SOURCES, f) for f in frame["funding"]], list(frame["elements"]),
                gettext("Source of funding"), gettext("Elements"))


def organisation_figure(frame):
    return _bar(list(frame["organisation"]), list(frame["elements"]), gettext("Owner"), gettext("Elements"),
                horizontal=True)


def month_figure(frame):
    figure = _bar(list(frame["month"]), list(frame["elements"]), gettext("Month"), gettext("Elements registered"))
    figure.update_xaxes(type="category")
    return figure


def review_figure(frame):
    figure = go.Figure()
    figure.add_bar(x=list(frame["working_days"]), y=list(frame["applications"]), text=list(frame["applications"]),
                   textposition="auto", marker_color=["#3c8dbc" if ok else "#dd4b39" for ok in frame["within_norm"]])
    figure.add_vline(x=REVIEW_NORM + 0.5, line_dash="dash", line_color="#dd4b39",
                     annotation_text=gettext("Norm: %(days)s working days (cl. 21)", days=REVIEW_NORM))
    figure.update_layout(xaxis_title=gettext("Review time, working days"), yaxis_title=gettext("Applications"),
                         xaxis=dict(dtick=1))
    return figure


def graph_figure(frame):
    """Nodes on a circle (elements), edges as lines with the relation named at their middle."""
    nodes = {}
    for sid, name, tid, target in zip(frame["source_id"], frame["source"], frame["target_id"], frame["target"]):
        nodes.setdefault(sid, name)
        nodes.setdefault(tid, target)
    ids = sorted(nodes, key=lambda i: str(nodes[i]))
    angle = {i: 2 * math.pi * n / max(len(ids), 1) for n, i in enumerate(ids)}
    position = {i: (math.cos(a), math.sin(a)) for i, a in angle.items()}
    figure = go.Figure()
    edge_x, edge_y, mid_x, mid_y, mid_text = [], [], [], [], []
    for sid, tid, kind, service in zip(frame["source_id"], frame["target_id"], frame["kind"], frame["service"]):
        (x0, y0), (x1, y1) = position[sid], position[tid]
        edge_x += [x0, x1, None]
        edge_y += [y0, y1, None]
        mid_x.append((x0 + x1) / 2)
        mid_y.append((y0 + y1) / 2)
        label = str(RELATION_KINDS.get(kind, kind))
        mid_text.append(f"{label}: {service}" if service else label)
    figure.add_scatter(x=edge_x, y=edge_y, mode="lines", line=dict(color="#999", width=1), hoverinfo="skip",
                       showlegend=False)
    figure.add_scatter(x=mid_x, y=mid_y, mode="text", text=mid_text, textfont=dict(size=10, color="#555"),
                       hoverinfo="text", showlegend=False)
    figure.add_scatter(x=[position[i][0] for i in ids], y=[position[i][1] for i in ids], mode="markers+text",
                       text=[nodes[i] for i in ids], textposition="top center", hovertext=[nodes[i] for i in ids],
                       hoverinfo="text", marker=dict(size=16, color="#3c8dbc"), showlegend=False)
    figure.update_layout(xaxis=dict(visible=False, range=[-1.4, 1.4]), yaxis=dict(visible=False, range=[-1.3, 1.3]),
                         height=620)
    return figure


class EgovRegistryChartView(ChartView):
    route_base = "/egovregistrycharts"
    title = _l("Charts of the e-government register")
    charts = [
        Chart("kind", _l("Elements by type"), by_kind, kind_figure,
              columns={"kind": _l("Type"), "elements": _l("Elements")}, values={"kind": ELEMENT_KINDS}),
        Chart("organisation", _l("Elements by owner"), by_organisation, organisation_figure,
              columns={"organisation": _l("Owner"), "elements": _l("Elements")}),
        Chart("status", _l("Elements by status"), by_status, status_figure,
              columns={"status": _l("Status"), "elements": _l("Elements")}, values={"status": ELEMENT_STATUSES}),
        Chart("funding", _l("Elements by source of funding"), by_funding, funding_figure,
              columns={"funding": _l("Source of funding"), "elements": _l("Elements")},
              values={"funding": FUNDING_SOURCES}),
        Chart("registrations", _l("Registrations per month"), registrations_per_month, month_figure,
              columns={"month": _l("Month"), "elements": _l("Elements registered")}),
        Chart("review", _l("Review times against the norm"), review_times, review_figure,
              columns={"working_days": _l("Review time, working days"), "applications": _l("Applications"),
                       "within_norm": _l("Within the norm")}),
        Chart("interactions", _l("Interactions between elements"), interactions, graph_figure,
              columns={"source": _l("Element"), "target": _l("Related element"), "kind": _l("Relation"),
                       "service": _l("Tunduk service")}, values={"kind": RELATION_KINDS}),
    ]

    def labelled(self, chart, frame):
        """The data table without the internal ids of the graph, with "Not stated" and yes/no in words."""
        frame = frame.drop(columns=[c for c in ("source_id", "target_id") if c in frame.columns])
        for column in ("kind", "funding"):
            if column in frame.columns:
                frame[column] = [gettext("Not stated") if v == NOT_STATED else v for v in frame[column]]
        if "within_norm" in frame.columns:
            frame["within_norm"] = [gettext("Yes") if v else gettext("No") for v in frame["within_norm"]]
        return super().labelled(chart, frame)
