"""Applications at the public service centre: intake (from a queue ticket or directly), the checklist, the stages on
the shared workflow (app/services/service_centre.py WORKFLOW), interagency requests on theirs, the signed receipt,
receipt of refusal and result document, the control list of overdue stages and the REST API."""
from flask import abort, g, redirect, request, url_for
from flask_appbuilder.baseviews import expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import force_locale, format_date, format_datetime, gettext, lazy_gettext as _l

from app import audit, clock, signing
from app.catalogue import dictionary
from app.dashboard import Tile
from app.pdf import render_pdf
from app.registry import ModulePart
from app.reports import Column, Param, Report, ReportView
from app.scope import current_scope, scoped_select
from app.search import SearchTarget
from app.seed.roles import grant
from app.services import service_centre as service
from app.services import service_centre_notify as notify
from app.transaction import transaction
from app.workflow import WorkflowApiMixin, WorkflowViewMixin
from models.service_centre import APPLICATION_STATES, ScApplication, ScApplicationScan, \
    ScInteragencyRequest, ScOffice
from views.base import SanaripModelRestApi, SanaripModelView, StoredDocumentView
from views.service_centre import ScApplicationDocumentView, ScApplicationStepView, ScAssignmentView, _menu

#: where the scans are kept under the instance folder (views/base.py StoredDocumentView)
SCANS_SUBFOLDER = ("service_centre", "scans")
RECEIPT, REFUSAL, RESULT = "sc_receipt", "sc_refusal", "sc_result"


class ScApplicationScanView(StoredDocumentView):
    datamodel = SQLAInterface(ScApplicationScan)
    base_order = ("id", "asc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_download"]
    documents_subfolder = SCANS_SUBFOLDER
    attach = staticmethod(service.attach_scan)

    def download_details(self, item):
        return {"file": item.file_name, "application": item.application_id}


class ScInteragencyRequestView(WorkflowViewMixin, SanaripModelView):
    """Interagency requests: each tracked by itself; recording the answer moves the application's deadlines."""

    workflow = service.REQUEST_WORKFLOW
    datamodel = SQLAInterface(ScInteragencyRequest)
    base_order = ("sent_on", "desc")
    base_permissions = ["can_list", "can_show", "can_export"]


def _document_context(application, kind, now):
    office, service_ = application.office, application.service
    lines = [{"name": str(line.document.name), "presented": line.presented, "original": line.original_seen,
              "optional": line.document.optional} for line in application.documents]
    return {"application": application, "office": office, "service": service_, "kind": kind,
            "lines": lines, "missing": service.missing_names(application),
            "state_label": str(APPLICATION_STATES.get(application.state, application.state)),
            "received": format_datetime(clock.to_local(application.received_at), "short")
            if application.received_at else "",
            "expected_on": format_date(application.expected_on, "long") if application.expected_on else "",
            "printed_on": format_datetime(clock.to_local(now), "short"),
            "status_url": notify.status_url(application),
            "result": application.result_note or "",
            "handed_over": format_datetime(clock.to_local(application.handed_over_at), "short")
            if application.handed_over_at else "",
            "refusal_reason": str(dictionary_label("refusal_reason", application.refusal_reason))
            if application.refusal_reason else "",
            "refusal_note": application.refusal_note or "", "operator": getattr(g.user, "username", "")}


def dictionary_label(column, code):
    from models.service_centre import REFUSAL_REASONS

    return REFUSAL_REASONS.get(code, code) if column == "refusal_reason" else code


def signed_document(session, application, kind, now):
    """The receipt, the receipt of refusal or the result document as a PDF in the applicant's language, signed
    (PAdES) with the office's certificate; the number, code and kind travel in the signed revision, so the public
    page recognises an uploaded copy."""
    titles = {RECEIPT: _l("Receipt of documents"), REFUSAL: _l("Receipt of refusal to accept documents"),
              RESULT: _l("Result of the public service")}
    with force_locale(application.language):
        context = _document_context(application, kind, now)
        title = str(titles[kind])
        pdf = render_pdf("pdf/sc_document.html", title=title, current_language=application.language, **context)
        reason = gettext("%(title)s №%(number)s", title=title, number=application.number)
    signer = signing.require_signer(session, application.office, now)
    return signing.sign_pdf(pdf, signer, reason, application.office.address, now, language=application.language,
                            document_keys={"document": kind, "number": application.number,
                                           "code": application.code})


class ScApplicationView(WorkflowViewMixin, SanaripModelView):
    """Applications: the add form opens the intake (from a ticket: `?ticket=<id>`), the show page carries the
    steps, the checklist, scans, requests, assignments and history; "print" gives the signed receipt (or the
    receipt of refusal), "result" the signed result document."""

    workflow = service.WORKFLOW
    datamodel = SQLAInterface(ScApplication)
    show_fieldsets = [
        (_l("Application"), {"fields": ["number", "code", "office", "service", "ticket", "state", "received_at",
                                        "expected_on", "stage_started_on", "stage_due_on", "paused_days"]}),
        (_l("Applicant"), {"fields": ["applicant_kind", "applicant_pin", "applicant_inn", "applicant_name",
                                      "applicant_phone", "applicant_email", "language", "notify_by"]}),
        (_l("Work"), {"fields": ["assignee", "unassigned", "escalated_at"]}),
        (_l("Decision"), {"fields": ["refusal_reason", "refusal_note", "missing_documents", "result_note",
                                     "handed_over_at"]}),
    ]
    related_views = [ScApplicationDocumentView, ScApplicationScanView, ScInteragencyRequestView,
                     ScAssignmentView, ScApplicationStepView]
    base_order = ("id", "desc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export", "can_print", "can_result"]

    show_template = "service_centre/application_show.html"

    def add_defaults(self):
        """From a queue ticket: its office and service; otherwise the user's own office."""
        from models.service_centre import ScTicket

        ticket_id = request.args.get("ticket", type=int)
        ticket = self.datamodel.session.get(ScTicket, ticket_id) if ticket_id else None
        if ticket is not None and current_scope().permits(self.datamodel.session, ticket):
            return {"office": ticket.office, "service": ticket.service, "language": ticket.language}
        office = getattr(g.user, "scope_office", None)
        return {"office": office} if office is not None else {}

    def earlier_applications(self, item):
        return service.history_of_applicant(self.datamodel.session, item)

    def on_add(self, item):
        ticket = request.args.get("ticket", type=int)
        service.open_application(self.datamodel.session, item, clock.now(), ticket_id=ticket)

    def on_update(self, item):
        service.update_application(self.datamodel.session, item)

    def post_add(self, item):
        g.sc_added = item.id

    def post_add_redirect(self):
        pk = getattr(g, "sc_added", None)
        if pk is not None:
            return redirect(url_for(".show", pk=pk))
        return super().post_add_redirect()

    def render_print(self, item):
        if item.state == "intake":
            abort(404)
        kind = REFUSAL if item.state == "refused_intake" else RECEIPT
        now = clock.now()
        return signed_document(self.datamodel.session, item, kind, now), {
            "document": kind, "printed_on": now.isoformat(timespec="seconds")}

    @expose("/result/<int:pk>")
    @has_access
    @permission_name("result")
    def result(self, pk):
        """The signed result document, once the result is received."""
        from flask import Response

        item = self.scoped_get(pk)
        if item is None or item.state not in ("result_received", "handed_over"):
            abort(404)
        now = clock.now()
        data = signed_document(self.datamodel.session, item, RESULT, now)
        with transaction(self.datamodel.session):
            audit.record(self.datamodel.session, "pdf", "sc_application", pk,
                         {"document": RESULT, "printed_on": now.isoformat(timespec="seconds")})
        return Response(data, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{item.number}-result.pdf"', "Cache-Control": "no-store"})


class ScApplicationApi(WorkflowApiMixin, SanaripModelRestApi):
    resource_name = "service_centre_application"
    datamodel = SQLAInterface(ScApplication)
    ui_view = ScApplicationView
    base_permissions = ["can_get", "can_info", "can_post", "can_put"]

    def pre_add(self, item):
        super().pre_add(item)
        service.open_application(self.datamodel.session, item, clock.now())

    def pre_update(self, item):
        super().pre_update(item)
        service.update_application(self.datamodel.session, item)


class ScInteragencyRequestApi(WorkflowApiMixin, SanaripModelRestApi):
    resource_name = "service_centre_interagency_request"
    datamodel = SQLAInterface(ScInteragencyRequest)
    ui_view = ScInteragencyRequestView
    base_permissions = ["can_get", "can_info"]


def _office_choices(session, scope):
    return [(str(o.id), o.name) for o in session.scalars(scoped_select(ScOffice, scope).order_by(ScOffice.code))]


def _label(key):
    return dictionary.lazy_label(ScApplication, key)


def _days_overdue(application):
    return (clock.local_today() - application.stage_due_on).days if application.stage_due_on else None


OVERDUE = Report(
    key="sc_overdue", title=_l("Overdue stages of applications"), model=ScApplication,
    query=service.overdue_query, dom_id="sc-overdue",
    description=_l("Applications whose current stage has passed its due date (the service's norm in working days "
                   "on the Kyrgyz calendar, moved by the days an interagency request was pending); those with a "
                   "request pending are not counted while their clock stands still. Oldest first; the office head "
                   "is alerted once per stage."),
    params=[Param("office", _l("Office"), kind="choice", choices=_office_choices)],
    columns=[Column("number", _label("number"), link=("ScApplicationView", lambda a: a.id), pdf_width=14),
             Column("office", _label("office"), lambda a: a.office.name),
             Column("service", _label("service"), lambda a: a.service.name, pdf_width=26),
             Column("state", _label("state"), lambda a: str(APPLICATION_STATES.get(a.state, a.state))),
             Column("stage_due_on", _label("stage_due_on")),
             Column("days_overdue", _l("Days overdue"), _days_overdue),
             Column("assignee", _label("assignee"), lambda a: a.assignee.full_name if a.assignee else ""),
             Column("escalated_at", _label("escalated_at"),
                    lambda a: clock.to_local(a.escalated_at).replace(tzinfo=None) if a.escalated_at else None)],
    total_label=_l("Overdue stages"), numbered=True)


class ScOverdueView(ReportView):
    """The control list of overdue stages inside the user's scope (app/reports.py)."""

    route_base = "/scoverdue"
    report = OVERDUE


_read = [grant(ScApplicationView, "read", "can_export", menu=True), grant(ScApplicationScanView, "read",
                                                                           "can_download"),
         grant(ScInteragencyRequestView, "read", "can_export", menu=True), grant(ScApplicationApi, "read"),
         grant(ScInteragencyRequestApi, "read"), grant(ScOverdueView, "read", "can_export", "can_print", menu=True)]
_steps = ["can_send", "can_request", "can_record_result", "can_refuse", "can_hand_over"]

PART = ModulePart(
    menu=[_menu(ScApplicationView, "Sc applications", _l("Applications"), "fa-inbox"),
          _menu(ScInteragencyRequestView, "Sc interagency requests", _l("Interagency requests"), "fa-exchange"),
          _menu(ScOverdueView, "Sc overdue stages", _l("Overdue stages"), "fa-clock-o")],
    hidden_views=[ScApplicationScanView],
    apis=[ScApplicationApi, ScInteragencyRequestApi],
    grants={
        # the operator takes applications at the counter, checks the documents, scans them, hands the result over
        "operator": [*_read, grant(ScApplicationView, "can_add", "can_edit", "can_print", "can_result", "can_accept",
                                   "can_refuse_intake", "can_hand_over", "can_send"),
                     grant(ScApplicationScanView, "can_add", "can_edit"), grant(ScApplicationApi, "can_post")],
        # the back office moves the applications through the agencies and the interagency requests
        "back_office": [*_read, grant(ScApplicationView, "can_print", "can_result", *_steps),
                        grant(ScApplicationScanView, "can_add", "can_edit"),
                        grant(ScInteragencyRequestView, "can_answer")],
        "head": [*_read, grant(ScApplicationView, "can_print", "can_result", "can_reassign", *_steps),
                 grant(ScInteragencyRequestView, "can_answer")],
        # a partner agency sees what is routed to it, records its result or refusal and answers its requests
        "partner": [grant(ScApplicationView, "read", menu=True), grant(ScApplicationApi, "read"),
                    grant(ScApplicationView, "can_record_result", "can_refuse"),
                    grant(ScApplicationScanView, "read", "can_download", "can_add"),
                    grant(ScInteragencyRequestView, "read", "can_answer", menu=True),
                    grant(ScInteragencyRequestApi, "read")],
    },
    dashboard=[Tile(ScOverdueView, _l("Overdue stages of applications"), style="danger", icon="fa-clock-o"),
               Tile(ScApplicationView, _l("Applications waiting for the documents check"), filter=("state", "intake"),
                    style="warning", icon="fa-check-square-o",
                    rows=lambda session, scope, today: scoped_select(ScApplication, scope).where(
                        ScApplication.state == "intake")),
               Tile(ScApplicationView, _l("Applications nobody could be assigned to"), style="danger", icon="fa-user-times", recent=True,
                    rows=lambda session, scope, today: scoped_select(ScApplication, scope).where(
                        ScApplication.unassigned.is_(True), ScApplication.state.in_(service.OPEN_STATES)))],
    search=[SearchTarget(ScApplicationView, number="number")],
)
