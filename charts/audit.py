"""Audit charts for administrators: events per day by kind."""
import datetime

import plotly.express as px
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from app.scope import scoped_select
from charts.base import Chart, ChartView, frame_from
from models.audit import AuditEvent, utcnow
from views.audit import ACTION_LABELS

def events_by_day(session, scope, filters):
    """Events of the last `days` days (default 30), counted per day and action in SQL."""
    days = int(filters.get("days", 30)) if str(filters.get("days", "30")).isdigit() else 30
    since = utcnow() - datetime.timedelta(days=min(days, 366))
    day = func.date(AuditEvent.at)
    rows = session.execute(
        scoped_select(AuditEvent, scope, day.label("day"), AuditEvent.action, func.count(AuditEvent.id))
        .where(AuditEvent.at >= since).group_by(day, AuditEvent.action).order_by(day)
    ).all()
    frame = frame_from(rows, ["day", "action", "events"])
    frame["action"] = [str(ACTION_LABELS.get(a, a)) for a in frame["action"]]
    frame["day"] = frame["day"].astype(str)
    return frame

def events_figure(frame):
    return px.bar(frame, x="day", y="events", color="action",
                  labels={"day": str(_l("Day")), "events": str(_l("Events")), "action": str(_l("Action"))})

class AuditChartView(ChartView):
    route_base = "/auditcharts"
    title = _l("Audit charts")
    charts = [Chart("events_by_day", _l("Audit events per day"), events_by_day, events_figure,
                    filters={"days": _l("Days")},
                    columns={"day": _l("Day"), "action": _l("Action"), "events": _l("Events")})]
