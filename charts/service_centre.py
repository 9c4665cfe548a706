"""Charts of the public service centre's statistics (issue 12, item 8): waiting time by the hour of issue (mean,
median, 90th percentile against the norm), tickets per service (issued, served, no-shows) and the on-time shares
per office (waited within the norm; applications completed by their expected date). Each is one aggregate of
app/services/service_centre_stats.py inside the user's scope, filtered by period and office like the reports; an
office outside the scope is denied (404, audited)."""
import datetime

import plotly.graph_objects as go
from flask import abort, request
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select

from app.i18n import choose_name, current_language
from app.scope import deny_outside, scoped_select
from app.services import service_centre_stats as stats
from charts.base import Chart, ChartView, frame_from
from models.service_centre import ScOffice, ScService

FILTERS = {"date_from": _l("From"), "date_to": _l("To"), "office": _l("Office")}


def _date(raw):
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _args(filters):
    period = stats.Period.of(_date(filters.get("date_from")), _date(filters.get("date_to")))
    office = filters.get("office")
    return period, int(office) if office and office.isdigit() else None


def _round(value, digits=1):
    return round(float(value), digits) if value is not None else None


def wait_by_hour(session, scope, filters):
    """Waiting time per local hour of issue: mean, median and 90th percentile (minutes), tickets issued."""
    period, office_id = _args(filters)
    q = stats.queue_stats(session, scope, period, "hour", office_id=office_id)
    rows = session.execute(select(q.c.key, q.c.issued, q.c.wait_mean, q.c.wait_p50, q.c.wait_p90)
                           .where(q.c.key.is_not(None)).order_by(q.c.key)).all()
    return frame_from([(f"{int(h):02d}:00", n, _round(m), _round(p50), _round(p90)) for h, n, m, p50, p90 in rows],
                      ["hour", "issued", "wait_mean", "wait_p50", "wait_p90"])


def tickets_by_service(session, scope, filters):
    """Tickets per service: issued, served, no-shows; most issued first, named in the page's language."""
    period, office_id = _args(filters)
    q = stats.queue_stats(session, scope, period, "service_id", office_id=office_id)
    rows = session.execute(select(ScService.name_ky, ScService.name_ru, ScService.name_en, q.c.issued, q.c.served,
                                  q.c.no_shows).join(ScService, ScService.id == q.c.key)
                           .order_by(q.c.issued.desc(), ScService.code)).all()
    language = current_language()
    return frame_from([(choose_name({"ky": ky, "ru": ru, "en": en}, language, mark_missing=False), int(i),
                        int(s or 0), int(n or 0)) for ky, ru, en, i, s, n in rows],
                      ["service", "issued", "served", "no_shows"])


def on_time(session, scope, filters):
    """Per office: the share (%) of called tickets that waited within the office's norm, and of the applications
    completed in the period those completed by their expected date."""
    period, office_id = _args(filters)
    q = stats.queue_stats(session, scope, period, "office_id", office_id=office_id)
    a = stats.application_stats(session, scope, period, "office_id", office_id=office_id)
    statement = (scoped_select(ScOffice, scope, ScOffice.code, ScOffice.wait_norm_minutes, q.c.within_share,
                               a.c.completed, a.c.on_time)
                 .outerjoin(q, q.c.key == ScOffice.id).outerjoin(a, a.c.key == ScOffice.id).order_by(ScOffice.code))
    if office_id is not None:
        statement = statement.where(ScOffice.id == office_id)
    rows = session.execute(statement).all()
    return frame_from([(code, norm, _round(share * 100) if share is not None else None,
                        _round(100 * ok / done) if done else None) for code, norm, share, done, ok in rows],
                      ["office", "norm", "within_norm", "applications_on_time"])


def wait_figure(frame):
    figure = go.Figure()
    figure.add_bar(x=list(frame["hour"]), y=list(frame["issued"]), name=gettext("Tickets issued"), yaxis="y2",
                   marker_color="#d2dbe5", opacity=0.7)
    for column, label, colour in (("wait_mean", gettext("Mean"), "#3c8dbc"), ("wait_p50", gettext("Median"), "#00a65a"),
                                  ("wait_p90", gettext("90th percentile"), "#dd4b39")):
        figure.add_scatter(x=list(frame["hour"]), y=list(frame[column]), name=label, mode="lines+markers",
                           line={"color": colour})
    figure.add_hline(y=stats.DEFAULT_WAIT_NORM, line_dash="dash", line_color="#999",
                     annotation_text=gettext("Norm: %(minutes)s minutes", minutes=stats.DEFAULT_WAIT_NORM))
    figure.update_layout(xaxis_title=gettext("Hour of issue"), yaxis_title=gettext("Waiting time, minutes"),
                         yaxis2={"overlaying": "y", "side": "right", "title": gettext("Tickets issued"),
                                 "showgrid": False}, xaxis={"type": "category"})
    return figure


def service_figure(frame):
    figure = go.Figure()
    for column, label in (("issued", gettext("Issued")), ("served", gettext("Served")),
                          ("no_shows", gettext("Did not come"))):
        figure.add_bar(y=list(frame["service"]), x=list(frame[column]), name=label, orientation="h")
    figure.update_layout(barmode="group", yaxis={"autorange": "reversed"}, xaxis_title=gettext("Tickets"))
    return figure


def on_time_figure(frame):
    figure = go.Figure()
    figure.add_bar(x=list(frame["office"]), y=list(frame["within_norm"]), name=gettext("Waited within the norm, %"))
    figure.add_bar(x=list(frame["office"]), y=list(frame["applications_on_time"]),
                   name=gettext("Applications completed on time, %"))
    figure.update_layout(barmode="group", yaxis={"range": [0, 100], "title": "%"}, xaxis={"type": "category"})
    return figure


class ScStatsChartView(ChartView):
    """The service centre's charts, filtered by period (local dates) and office inside the user's scope."""

    route_base = "/scstatscharts"
    title = _l("Charts of the public service centre")
    charts = [
        Chart("wait_by_hour", _l("Waiting time by hour"), wait_by_hour, wait_figure, filters=FILTERS,
              columns={"hour": _l("Hour of issue"), "issued": _l("Tickets issued"), "wait_mean": _l("Mean wait, min"),
                       "wait_p50": _l("Median wait, min"), "wait_p90": _l("90th percentile of wait, min")}),
        Chart("tickets_by_service", _l("Tickets per service"), tickets_by_service, service_figure, filters=FILTERS,
              columns={"service": _l("Service"), "issued": _l("Issued"), "served": _l("Served"),
                       "no_shows": _l("Did not come")}),
        Chart("on_time", _l("On-time shares"), on_time, on_time_figure, filters=FILTERS,
              columns={"office": _l("Office"), "norm": _l("Waiting norm, minutes"),
                       "within_norm": _l("Waited within the norm, %"),
                       "applications_on_time": _l("Applications completed on time, %")}),
    ]

    def _frame(self, chart):
        office = request.args.get("office")
        if office:
            require_office(self.appbuilder.session, office)
        return super()._frame(chart)

    def filter_options(self, name):
        if name == "office":
            from app.scope import current_scope

            return office_choices(self.appbuilder.session, current_scope())
        return None


def office_choices(session, scope):
    return [(str(o.id), f"{o.code} {o.name or ''}".strip())
            for o in session.scalars(scoped_select(ScOffice, scope).order_by(ScOffice.code))]


def require_office(session, raw):
    """The office of id `raw` inside the user's scope; unknown: 404; outside the scope: 404, audited `denied`."""
    from app.scope import current_scope

    if not str(raw).isdigit():
        abort(404)
    office = session.get(ScOffice, int(raw))
    if office is None:
        abort(404)
    if not current_scope().permits(session, office):
        deny_outside("sc_office", office.id)
    return office
