"""Statistics and complaints of the public service centre (issue 12, item 8): the reports per office, service,
window and operator (app/reports.py: screen, xlsx/csv, PDF) over a period of local dates and an optional office,
the charts (charts/service_centre.py), the live board of the office head (a page refreshed by a small JSON
endpoint), the dashboard tile "Waiting in the queue now", and the complaints on their workflow
(app/services/service_centre_complaints.py). Every number comes from app/services/service_centre_stats.py inside
the user's scope: an office user sees their office only; another office's id is denied (404, audited).

The analyst (statistics only, no personal data) gets the office, service and window reports and the charts; not
the operators' report (staff names), the board (who sits at which window), the complaints or any list of
applications."""
import datetime

from flask import abort, jsonify, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import format_decimal, gettext, lazy_gettext as _l
from sqlalchemy import or_, select

from app import clock
from app.dashboard import Tile
from app.i18n import choose_name
from app.registry import SERVICE_CENTRE_CATEGORY, MenuItem, ModulePart
from app.reports import Column, Param, Report, ReportView
from app.scope import current_scope, scoped_select
from app.seed.roles import grant
from app.services import service_centre_complaints as complaints
from app.services import service_centre_stats as stats
from app.workflow import WorkflowApiMixin, WorkflowViewMixin
from charts.service_centre import ScStatsChartView, office_choices, require_office
from models.service_centre import COMPLAINT_STATES, REFUSAL_REASONS, ScComplaint, ScComplaintStep, ScOffice, \
    ScService, ScStaff, ScTicket, ScWindow, sc_service_office
from views.base import SanaripModelRestApi, SanaripModelView
from views.service_centre import ScTicketView


# --- parameters and cells -----------------------------------------------------------------------------------------
def _office_options(session, scope):
    return office_choices(session, scope)


PARAMS = [Param("date_from", _l("From"), kind="date"), Param("date_to", _l("To"), kind="date"),
          Param("office", _l("Office"), kind="office", choices=_office_options)]


def _period(args):
    return stats.Period.of(args.get("date_from"), args.get("date_to"))


def _office_id(args):
    office = args.get("office")
    return office.id if office is not None else None


def _minutes(value):
    return format_decimal(value, "#,##0.0")


def _number(key, label, digits=None, **kw):
    """A numeric column of the statistics' row: typed (rounded) in the spreadsheet, formatted on the screen."""
    def value(row):
        v = getattr(row, key)
        if v is None:
            return None
        return round(float(v), digits) if digits is not None else int(v)
    kw.setdefault("pdf", kw.get("screen", True))  # the PDF holds what the screen shows; the spreadsheet everything
    return Column(key, label, value, display=_minutes if digits is not None else None, **kw)


def _percent(key, label, **kw):
    def value(row):
        v = getattr(row, key)
        return round(float(v) * 100, 1) if v is not None else None
    kw.setdefault("pdf", kw.get("screen", True))
    return Column(key, label, value, display=_minutes, **kw)


class _ReasonLabel:
    """The refusal ground's name from the classifier, in the reader's language when shown."""

    def __init__(self, code):
        self.code = code

    def __str__(self):
        return gettext("Refused: %(reason)s", reason=REFUSAL_REASONS.get(self.code, self.code))


QUEUE = [
    _number("issued", _l("Tickets issued")), _number("served", _l("Served")), _number("no_shows", _l("No-shows")),
    _number("transferred", _l("Transferred"), screen=False),
    _number("wait_mean", _l("Wait, mean, min"), 2), _number("wait_p50", _l("Wait, median, min"), 2),
    _number("wait_p90", _l("Wait, 90th percentile, min"), 2), _number("wait_max", _l("Wait, longest, min"), 2,
                                                                      screen=False),
    _percent("within_share", _l("Waited within the norm, %")),
    _number("service_mean", _l("Service, mean, min"), 2), _number("service_p50", _l("Service, median, min"), 2),
    _number("service_p90", _l("Service, 90th percentile, min"), 2),
    _number("rated", _l("Ratings")), _number("rating_mean", _l("Rating, mean"), 2),
    *[_number(f"rating_{v}", _l("Rated %(value)s", value=v), screen=False) for v in range(1, 6)],
]
APPLICATIONS = [
    _number("received", _l("Applications received")), _number("refused_intake", _l("Refused at intake")),
    *[_number(f"refused_{code}", _ReasonLabel(code), screen=False) for code in stats.REFUSAL_CODES],
    _number("refused_other", _l("Refused: other grounds"), screen=False),
    _number("completed", _l("Completed")), _number("on_time", _l("Completed on time")),
    _number("late", _l("Completed late")), _number("overdue", _l("Overdue now")),
    _number("overdue_received", _l("Overdue now: at intake"), screen=False),
    _number("overdue_sent", _l("Overdue now: at the agency"), screen=False),
    _number("overdue_result_received", _l("Overdue now: handing over"), screen=False),
]
COMPLAINTS = [
    _number("complaints", _l("Complaints received")), _number("complaints_decided", _l("Complaints decided")),
    _number("complaints_upheld", _l("Complaints upheld")),
    _number("complaints_rejected", _l("Complaints rejected"), screen=False),
    _number("complaints_overdue", _l("Complaints overdue")),
]


def _name(row):
    return choose_name({"ky": row.name_ky, "ru": row.name_ru, "en": row.name_en}, mark_missing=False)


def _queue_columns(q):
    return [q.c[c] for c in stats.QUEUE_COLUMNS]


def _scoped_offices(scope, office_id):
    statement = scoped_select(ScOffice, scope, ScOffice.id)
    return statement.where(ScOffice.id == office_id) if office_id is not None else statement


# --- the queries of the reports -----------------------------------------------------------------------------------
def by_office(session, scope, args):
    period, office_id = _period(args), _office_id(args)
    q = stats.queue_stats(session, scope, period, "office_id", office_id=office_id)
    a = stats.application_stats(session, scope, period, "office_id", office_id=office_id)
    c = stats.complaint_stats(session, scope, period, office_id=office_id)
    statement = (scoped_select(ScOffice, scope, ScOffice.id.label("id"), ScOffice.code, ScOffice.name_ky,
                               ScOffice.name_ru, ScOffice.name_en, ScOffice.wait_norm_minutes.label("norm"),
                               *_queue_columns(q), *[a.c[x] for x in stats.APPLICATION_COLUMNS],
                               *[c.c[x] for x in stats.COMPLAINT_COLUMNS])
                 .outerjoin(q, q.c.key == ScOffice.id).outerjoin(a, a.c.key == ScOffice.id)
                 .outerjoin(c, c.c.key == ScOffice.id).order_by(ScOffice.code))
    return statement.where(ScOffice.id == office_id) if office_id is not None else statement


def by_service(session, scope, args):
    """The services offered by the offices in scope, or with tickets or applications there in the period."""
    period, office_id = _period(args), _office_id(args)
    q = stats.queue_stats(session, scope, period, "service_id", office_id=office_id)
    a = stats.application_stats(session, scope, period, "service_id", office_id=office_id)
    offered = select(sc_service_office.c.service_id).where(
        sc_service_office.c.office_id.in_(_scoped_offices(scope, office_id)))
    return (select(ScService.id.label("id"), ScService.code, ScService.name_ky, ScService.name_ru,
                   ScService.name_en, *_queue_columns(q), *[a.c[x] for x in stats.APPLICATION_COLUMNS])
            .select_from(ScService).outerjoin(q, q.c.key == ScService.id).outerjoin(a, a.c.key == ScService.id)
            .where(or_(ScService.id.in_(offered), q.c.issued.is_not(None), a.c.received.is_not(None)))
            .order_by(ScService.code))


def by_window(session, scope, args):
    period, office_id = _period(args), _office_id(args)
    q = stats.queue_stats(session, scope, period, "window_id", office_id=office_id)
    statement = (scoped_select(ScWindow, scope, ScWindow.id.label("id"), ScOffice.code, ScWindow.number,
                               *_queue_columns(q))
                 .join(ScOffice, ScOffice.id == ScWindow.office_id).outerjoin(q, q.c.key == ScWindow.id)
                 .order_by(ScOffice.code, ScWindow.number))
    return statement.where(ScWindow.office_id == office_id) if office_id is not None else statement


def by_operator(session, scope, args):
    """Operators of the offices in scope, and anybody else who called a ticket in the period."""
    period, office_id = _period(args), _office_id(args)
    q = stats.queue_stats(session, scope, period, "operator_id", office_id=office_id)
    statement = (scoped_select(ScStaff, scope, ScStaff.id.label("id"), ScOffice.code, ScStaff.full_name,
                               *_queue_columns(q))
                 .join(ScOffice, ScOffice.id == ScStaff.office_id).outerjoin(q, q.c.key == ScStaff.id)
                 .where(or_(ScStaff.role == "operator", q.c.issued.is_not(None)))
                 .order_by(ScOffice.code, ScStaff.full_name))
    return statement.where(ScStaff.office_id == office_id) if office_id is not None else statement


DESCRIPTION = _l("From the raw events of the queue, per period of local dates (without dates: this month). Waiting "
                 "time: from the ticket's issue to its first call; service time: from the start to the end of the "
                 "service; in minutes (mean, median, 90th percentile). The share waited within the norm counts "
                 "the called tickets that waited at most the office's norm (15 minutes unless the office sets "
                 "another).")

BY_OFFICE = Report(
    key="sc_stats_office", title=_l("Service centre statistics by office"), model=ScOffice, query=by_office,
    params=PARAMS, dom_id="sc-stats-office",
    description=_l("%(common)s Applications: received in the period, refused at intake by ground, completed (the "
                   "result received) on time or late against the expected date, overdue now by stage; complaints "
                   "received, decided, upheld, overdue.", common=DESCRIPTION),
    columns=[Column("code", _l("Office code"), pdf_width=8), Column("name", _l("Office"), _name, pdf_width=16),
             _number("norm", _l("Waiting norm, minutes"), screen=False), *QUEUE, *APPLICATIONS, *COMPLAINTS],
    total_label=_l("Offices"))
BY_SERVICE = Report(
    key="sc_stats_service", title=_l("Service centre statistics by service"), model=ScService, query=by_service,
    params=PARAMS, dom_id="sc-stats-service", description=DESCRIPTION,
    columns=[Column("code", _l("Service code"), pdf_width=8), Column("name", _l("Service"), _name, pdf_width=20),
             *QUEUE, *APPLICATIONS],
    total_label=_l("Services"))
BY_WINDOW = Report(
    key="sc_stats_window", title=_l("Service centre statistics by window"), model=ScWindow, query=by_window,
    params=PARAMS, dom_id="sc-stats-window",
    description=_l("%(common)s A ticket counts at the window of its first call.", common=DESCRIPTION),
    columns=[Column("code", _l("Office code")), Column("number", _l("Window number")), *QUEUE],
    total_label=_l("Windows"))
BY_OPERATOR = Report(
    key="sc_stats_operator", title=_l("Service centre statistics by operator"), model=ScStaff, query=by_operator,
    params=PARAMS, dom_id="sc-stats-operator",
    description=_l("%(common)s A ticket counts for the operator of its first call.", common=DESCRIPTION),
    columns=[Column("code", _l("Office code")), Column("full_name", _l("Operator")), *QUEUE],
    total_label=_l("Operators"))


class _StatsReportView(ReportView):
    """A statistics report: dates and an office; an office outside the user's scope is denied (404, audited)."""

    pdf_max_rows = 500

    def parse(self):
        session = self.appbuilder.session
        args, given, missing = {}, {}, []
        for param in self.report.params:
            raw = (request.args.get(param.name) or "").strip()
            if raw:
                given[param.name] = raw
            value = None
            if raw and param.kind == "office":
                value = require_office(session, raw)
            elif raw and param.kind == "date":
                try:
                    value = datetime.date.fromisoformat(raw)
                except ValueError:
                    missing.append(str(param.label))
            args[param.name] = value
        error = gettext("Fill in correctly: %(fields)s.", fields=", ".join(missing)) if missing else None
        return args, given, error


class ScStatsOfficeView(_StatsReportView):
    route_base = "/scstatsoffice"
    report = BY_OFFICE


class ScStatsServiceView(_StatsReportView):
    route_base = "/scstatsservice"
    report = BY_SERVICE


class ScStatsWindowView(_StatsReportView):
    route_base = "/scstatswindow"
    report = BY_WINDOW


class ScStatsOperatorView(_StatsReportView):
    route_base = "/scstatsoperator"
    report = BY_OPERATOR


# --- the live board -----------------------------------------------------------------------------------------------
REFRESH_SECONDS = 5


class ScBoardView(BaseView):
    """The office head's live board: waiting now per service, the longest wait, windows open with their operator
    and current ticket, served today. The page asks `data` every few seconds (no reload)."""

    route_base = "/scboard"
    default_view = "index"
    base_permissions = ["can_index"]

    def _office(self):
        session, scope = self.appbuilder.session, current_scope()
        raw = request.args.get("office")
        if raw:
            return require_office(session, raw)
        if scope.office_id is not None:
            return session.get(ScOffice, scope.office_id)
        return session.scalars(scoped_select(ScOffice, scope).order_by(ScOffice.code).limit(1)).first()

    @expose("/")
    @has_access
    def index(self):
        office = self._office()
        return self.render_template(
            "service_centre/board.html", title=gettext("Queue now"), office=office, view=self,
            offices=office_choices(self.appbuilder.session, current_scope()), refresh=REFRESH_SECONDS,
            data=stats.board(self.appbuilder.session, current_scope(), office.id, clock.now()) if office else None)

    @expose("/data")
    @has_access
    @permission_name("index")
    def data(self):
        office = self._office()
        if office is None:
            abort(404)
        return jsonify(stats.board(self.appbuilder.session, current_scope(), office.id, clock.now()))


def waiting_now(session, scope, today):
    """Tickets waiting now (today's, not yet called) in the user's offices."""
    return scoped_select(ScTicket, scope).where(ScTicket.day == today, ScTicket.state == "waiting")


# --- complaints ---------------------------------------------------------------------------------------------------
class ScComplaintStepView(SanaripModelView):
    """Every step of the complaints (written by the workflow only)."""

    datamodel = SQLAInterface(ScComplaintStep)
    choice_columns = {"from_status": COMPLAINT_STATES, "to_status": COMPLAINT_STATES}
    base_order = ("id", "asc")
    base_permissions = ["can_list", "can_show"]


class ScComplaintView(WorkflowViewMixin, SanaripModelView):
    """Complaints (pre-trial appeals): registered by an operator, reviewed and decided by the office head."""

    workflow = complaints.WORKFLOW
    datamodel = SQLAInterface(ScComplaint)
    related_views = [ScComplaintStepView]
    choice_columns = {"state": COMPLAINT_STATES}
    base_order = ("received_on", "desc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export"]

    def on_add(self, item):
        complaints.register(self.datamodel.session, item, clock.now())


class ScComplaintApi(WorkflowApiMixin, SanaripModelRestApi):
    resource_name = "service_centre_complaint"
    datamodel = SQLAInterface(ScComplaint)
    ui_view = ScComplaintView
    list_columns = ["id", "number", "office_id", "application_id", "received_on", "subject", "state", "due_on",
                    "decided_on"]
    show_columns = [*list_columns, "applicant_name", "contact", "text", "decision"]
    base_permissions = ["can_get", "can_info"]


def overdue_complaints(session, scope, today):
    return scoped_select(ScComplaint, scope).where(ScComplaint.state.in_(complaints.OPEN),
                                                   ScComplaint.due_on < today)


# --- the part -----------------------------------------------------------------------------------------------------
def _menu(view, name, label, icon):
    return MenuItem(view, name, label, SERVICE_CENTRE_CATEGORY, _l("Public service centre"), icon, "fa-university")


_REPORT = ("read", "can_export", "can_print")
_statistics = [grant(ScStatsOfficeView, *_REPORT, menu=True), grant(ScStatsServiceView, *_REPORT, menu=True),
               grant(ScStatsWindowView, *_REPORT, menu=True), grant(ScStatsChartView, "read", menu=True)]
_personal_statistics = [grant(ScStatsOperatorView, *_REPORT, menu=True), grant(ScBoardView, "read", menu=True)]
_complaints_read = [grant(ScComplaintView, "read", "can_export", menu=True), grant(ScComplaintStepView, "read"),
                    grant(ScComplaintApi, "read")]

PART = ModulePart(
    menu=[_menu(ScBoardView, "Sc queue board", _l("Queue now"), "fa-television"),
          _menu(ScStatsOfficeView, "Sc statistics by office", _l("Statistics by office"), "fa-bar-chart"),
          _menu(ScStatsServiceView, "Sc statistics by service", _l("Statistics by service"), "fa-bar-chart"),
          _menu(ScStatsWindowView, "Sc statistics by window", _l("Statistics by window"), "fa-bar-chart"),
          _menu(ScStatsOperatorView, "Sc statistics by operator", _l("Statistics by operator"), "fa-bar-chart"),
          _menu(ScStatsChartView, "Sc statistics charts", _l("Charts of the service centre"), "fa-line-chart"),
          _menu(ScComplaintView, "Sc complaints", _l("Complaints"), "fa-gavel")],
    hidden_views=[ScComplaintStepView],
    apis=[ScComplaintApi],
    dashboard=[Tile(ScTicketView, _l("Waiting in the queue now"), rows=waiting_now, filter=("state", "waiting"),
                    style="warning"),
               Tile(ScComplaintView, _l("Overdue complaints"), rows=overdue_complaints, style="danger",
                    recent=True)],
    grants={
        "operator": [*_complaints_read, grant(ScComplaintView, "can_add")],
        "head": [*_statistics, *_personal_statistics, *_complaints_read,
                 grant(ScComplaintView, "can_add", "can_edit", *complaints.WORKFLOW.permissions())],
        "admin": [*_statistics, *_personal_statistics, *_complaints_read],
        "analyst": [*_statistics],
    })
