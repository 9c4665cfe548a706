"""Rules of the public service centre (issue 12): intake with the document checklist, the stages of an application
on the shared workflow, their deadlines on the Kyrgyz working-day calendar, interagency requests that pause the
clock, the overdue stages, the applicant's earlier applications.

Legal basis: the regulation on the automated system of multifunctional centres (resolution No. 296 of 2015),
cl. 1.5(a), 1.6(7)–(9), (11), (14).

Deadlines are recomputed from the record whenever something changes (`recompute_deadlines`), never accumulated:
the stage's due date is its norm in working days from the day the stage started, moved by every working day an
interagency request was pending inside the stage (the union of the requests' periods, so two requests at once do
not count twice); the expected result date is the service's whole term from the day of intake, moved the same way.
While a request is pending the application is never overdue (its clock stands still)."""
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, not_, select

from app import clock, workflow
from app.errors import DomainError
from app.identifiers import parse_inn, parse_pin
from app.numbering import next_number
from app.workdays import add_working_days, working_days_between
from models.service_centre import APPLICATION_STATES, INTERAGENCY_CHANNELS, REFUSAL_REASONS, ScApplication, \
    ScApplicationDocument, ScApplicationStep, ScInteragencyRequest, ScServiceDocument, ScTicket

#: working days the centre has to pass an accepted application to the agency (the "received" stage)
SEND_DAYS = 1
#: the norm of an interagency answer when the service names none (working days)
INTERAGENCY_DAYS = 5
#: states in which the application is still being worked on
OPEN_STATES = ("received", "sent", "result_received")
#: the stage norm (ScServiceStage.stage) that governs each open state
STAGE_OF_STATE = {"sent": "agency", "result_received": "handover"}
CODE_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ23456789"  # no 0/O, 1/I/Q: read aloud and typed from paper


# --- intake ---------------------------------------------------------------------------------------------------------
def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def open_application(session, application, now, ticket_id=None):
    """A new application at the counter (the add form, the API): the applicant checked by PIN or INN, the service
    offered by the office, the checklist laid out from the service's documents. It waits in "intake" until the
    documents are checked (accepted, or refused at intake)."""
    application.applicant_name = (application.applicant_name or "").strip()
    if not application.applicant_name:
        raise DomainError(_l("The applicant's name is required."), field="applicant_name", code="name_required")
    service, office = application.service, application.office
    if service is None:
        raise DomainError(_l("Choose the service."), field="service", code="service_required")
    if office is None:
        raise DomainError(_l("Choose the office."), field="office", code="office_required")
    if not service.active or office not in service.offices:
        raise DomainError(_l("The office %(office)s does not offer the service %(service)s.", office=office,
                             service=service.name), field="service", code="not_offered")
    kind = application.applicant_kind
    if service.applicant_kind != "any" and kind != service.applicant_kind:
        raise DomainError(_l("This service is for applicants of another kind: %(kind)s.",
                             kind=_applicant_kind_label(service.applicant_kind)), field="applicant_kind",
                          code="applicant_kind")
    today = clock.local_today(now)
    if kind == "person":
        parse_pin(application.applicant_pin, field="applicant_pin", today=today)
        application.applicant_pin, application.applicant_inn = application.applicant_pin.strip(), None
    elif kind == "organisation":
        parse_inn(application.applicant_inn, field="applicant_inn", today=today)
        application.applicant_inn, application.applicant_pin = application.applicant_inn.strip(), None
    else:
        raise DomainError(_l("Choose who applies: a person or an organisation."), field="applicant_kind",
                          code="applicant_kind")
    if application.notify_by == "sms" and not (application.applicant_phone or "").strip():
        raise DomainError(_l("A phone number is needed for SMS notifications."), field="applicant_phone",
                          code="phone_required")
    if application.notify_by == "email" and "@" not in (application.applicant_email or ""):
        raise DomainError(_l("An e-mail address is needed for e-mail notifications."), field="applicant_email",
                          code="email_required")
    if ticket_id is not None:
        ticket = session.get(ScTicket, ticket_id)
        if ticket is None or ticket.office_id != office.id:
            raise DomainError(_l("The queue ticket is not of this office."), field="office", code="ticket_office")
        application.ticket = ticket
    application.state = "intake"
    application.number = f"{office.code}-{today.year}-" + str(
        next_number(session, "sc_application", office.code, today.year)).zfill(6)
    application.code = new_code()
    for document in service.documents:
        if not document.requested_by_centre:
            application.documents.append(ScApplicationDocument(document=document))
    session.add(application)
    return application


def _applicant_kind_label(kind):
    from models.service_centre import APPLICANT_KINDS

    return APPLICANT_KINDS.get(kind, kind)


def attach_scan(session, scan, filename, data, folder, today=None):
    """A scan of an application that is still open (the one document store, municipal_property.store_document)."""
    from app.services.municipal_property import store_document

    if scan.application is None:
        raise DomainError(_l("Choose the application."), field="application", code="application_required")
    if scan.application.state not in ("intake", *OPEN_STATES):
        raise DomainError(_l("The application is closed: no more scans."), field="application", code="closed")
    return store_document(session, scan, filename, data, folder, today)


def update_application(session, application):
    """An edit of the applicant's contacts: the notification channel needs its address."""
    if application.notify_by == "sms" and not (application.applicant_phone or "").strip():
        raise DomainError(_l("A phone number is needed for SMS notifications."), field="applicant_phone",
                          code="phone_required")
    if application.notify_by == "email" and "@" not in (application.applicant_email or ""):
        raise DomainError(_l("An e-mail address is needed for e-mail notifications."), field="applicant_email",
                          code="email_required")


def checklist_options(session, application):
    """The checklist's lines as (line id, document name) pairs, in the service's order."""
    return [(str(line.id), _document_label(line.document)) for line in application.documents]


def original_options(session, application):
    return [(str(line.id), _document_label(line.document)) for line in application.documents
            if line.document.original]


def _document_label(document):
    label = document.name
    if document.optional:
        label = _l("%(document)s (optional)", document=label)
    return str(label)


def _presented_ids(values):
    return {int(v) for v in (values or ()) if str(v).isdigit()}


def missing_documents(application, presented):
    """The required documents of the checklist not among `presented` (line ids), in order."""
    return [line.document for line in application.documents
            if line.id not in presented and not line.document.optional]


def _tick(application, presented, originals):
    for line in application.documents:
        line.presented = line.id in presented
        line.original_seen = line.presented and line.id in originals


def accept(session, application, step):
    """The checklist is complete: the application is received, its number and code printed on the receipt, the
    clocks start, the documents the centre obtains itself are requested, the work is distributed and the applicant
    notified. An incomplete set is refused here with the missing documents named (cl. 1.6(7))."""
    presented = _presented_ids(step.data.get("presented"))
    missing = missing_documents(application, presented)
    if missing:
        raise DomainError(_l("The set of documents is incomplete. Missing: %(documents)s. Refuse at intake or "
                             "ask for them.", documents="; ".join(str(d.name) for d in missing)),
                          field="presented", code="incomplete")
    _tick(application, presented, _presented_ids(step.data.get("originals")))
    today = clock.local_today(step.now)
    application.state, application.received_at = "received", step.now
    application.stage_started_on = today
    ScApplicationStep.record(session, application, "received", at=step.now, from_status="intake",
                             note=step.data.get("note"), actor_id=step.actor_id)
    for document in application.service.documents:
        if document.requested_by_centre and document.source_agency is not None:
            _new_request(session, application, document.source_agency, document, "tunduk", None, today)
    recompute_deadlines(application, today)
    session.flush()
    _distribute(session, application, step)
    _notify(session, application, "received", step.now)


def refuse_at_intake(session, application, step):
    """Refusal to accept the documents (cl. 1.6(7)): the ground, and for an incomplete set the missing documents
    named; the printable receipt of refusal says both."""
    presented = _presented_ids(step.data.get("presented"))
    reason = step.data.get("reason") or "incomplete"
    missing = missing_documents(application, presented)
    if reason == "incomplete" and not missing:
        raise DomainError(_l("Every required document is presented: the set is complete. Accept it, or choose "
                             "another ground."), field="reason", code="complete")
    note = (step.data.get("note") or "").strip()
    if reason != "incomplete" and not note:
        raise DomainError(_l("Explain the ground of refusal."), field="note", code="note_required")
    _tick(application, presented, set())
    application.state, application.received_at = "refused_intake", step.now  # when the documents were presented
    application.refusal_reason, application.refusal_note = reason, note or None
    application.missing_documents = "\n".join(str(d.name_ru) for d in missing) or None
    application.stage_due_on = None
    ScApplicationStep.record(session, application, "refused_intake", at=step.now, from_status="intake",
                             reason=reason, note=note, actor_id=step.actor_id)


def missing_names(application, language=None):
    """The missing documents in the current language (the stored text is the Russian name, kept for the record)."""
    presented = {line.id for line in application.documents if line.presented}
    return [str(d.name) for d in missing_documents(application, presented)]


# --- stages -----------------------------------------------------------------------------------------------------------
def send_to_agency(session, application, step):
    today = clock.local_today(step.now)
    _enter(session, application, "sent", step, today)


def record_result(session, application, step):
    application.result_note = step.data["result_note"].strip()
    _enter(session, application, "result_received", step, clock.local_today(step.now))
    _notify(session, application, "ready", step.now)


def refuse(session, application, step):
    application.refusal_reason = None
    application.refusal_note = step.data["note"].strip()
    _enter(session, application, "refused", step, clock.local_today(step.now))
    _notify(session, application, "refused", step.now)


def hand_over(session, application, step):
    application.handed_over_at = step.now
    _enter(session, application, "handed_over", step, clock.local_today(step.now))


def _enter(session, application, state, step, today):
    before = application.state
    application.state, application.stage_started_on = state, today
    application.escalated_at = None  # a new stage: its own escalation once overdue
    ScApplicationStep.record(session, application, state, at=step.now, from_status=before,
                             note=step.data.get("note") or step.data.get("result_note"), actor_id=step.actor_id)
    recompute_deadlines(application, today)


def _no_pending_request(session, application):
    if any(r.state == "pending" for r in application.requests):
        raise DomainError(_l("An interagency request is still waiting for its answer: record the answer first."),
                          field="state", code="request_pending")


def reassign(session, application, step):
    from app.services import service_centre_distribution as distribution
    from models.service_centre import ScStaff

    staff = session.get(ScStaff, int(step.data["staff"])) if str(step.data.get("staff") or "").isdigit() else None
    distribution.reassign(session, application, staff, step.data.get("reason"), step.now, step.actor)


def staff_options(session, application):
    from models.service_centre import ScStaff

    rows = session.scalars(select(ScStaff).where(ScStaff.office_id == application.office_id,
                                                 ScStaff.active.is_(True)).order_by(ScStaff.full_name))
    return [(str(s.id), s.full_name) for s in rows if s.id != application.assignee_id]


# --- interagency requests ------------------------------------------------------------------------------------------
def _new_request(session, application, agency, document, channel, outgoing_number, today):
    norm = application.service.stage_norm("interagency")
    request = ScInteragencyRequest(application=application, agency=agency, document=document, channel=channel,
                                   outgoing_number=outgoing_number, sent_on=today,
                                   due_on=add_working_days(today, INTERAGENCY_DAYS if norm is None else norm),
                                   state="pending")
    session.add(request)
    return request


def request_options(session, application):
    """The service's documents the centre may request (all of them: an applicant may also lack one)."""
    return [(str(d.id), str(d.name)) for d in application.service.documents]


def agency_choices():
    from app.extensions import db
    from models.egov_registry import EgovOrganisation

    return [(str(o.id), o.name) for o in db.session.scalars(select(EgovOrganisation).order_by(EgovOrganisation.name_ru))]


def send_request(session, application, step):
    """An interagency request for a document (cl. 1.6(9)): to whom, by which channel; the application's clock
    stops until it is answered."""
    from models.egov_registry import EgovOrganisation

    today = clock.local_today(step.now)
    document = session.get(ScServiceDocument, int(step.data["document"]))
    if document is None or document.service_id != application.service_id:
        raise DomainError(_l("Choose a document of this service."), field="document", code="document")
    agency = session.get(EgovOrganisation, int(step.data["agency"])) if str(step.data.get("agency") or "").isdigit() \
        else document.source_agency
    if agency is None:
        raise DomainError(_l("Choose the body to send the request to."), field="agency", code="agency")
    _new_request(session, application, agency, document, step.data.get("channel") or "tunduk",
                 (step.data.get("outgoing_number") or "").strip() or None, today)
    ScApplicationStep.record(session, application, application.state, at=step.now, from_status=application.state,
                             note=f"{document.name_ru} — {agency.name_ru}",
                             actor_id=step.actor_id)
    session.flush()
    recompute_deadlines(application, today)


def answer_request(session, request, step):
    """The answer of an interagency request: the pause it caused moves the application's deadlines."""
    today = clock.local_today(step.now)
    answered_on = step.data.get("answered_on") or today
    if answered_on < request.sent_on:
        raise DomainError(_l("The answer cannot come before the request was sent (%(date)s).",
                             date=request.sent_on.isoformat()), field="answered_on", code="before_sent")
    if answered_on > today:
        raise DomainError(_l("The answer date cannot be in the future."), field="answered_on", code="future")
    request.answered_on, request.answer, request.state = answered_on, step.data["answer"].strip(), "answered"
    application = request.application
    ScApplicationStep.record(session, application, application.state, at=step.now, from_status=application.state,
                             note=request.answer,
                             actor_id=step.actor_id)
    session.flush()
    recompute_deadlines(application, today)


# --- deadlines -------------------------------------------------------------------------------------------------------
def _merged(periods):
    merged = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def paused_days(application, since, today):
    """Working days after `since` during which an interagency request was pending (each request from the day
    it was sent to the day of its answer, or to today while pending; overlapping requests count once)."""
    periods = [(max(r.sent_on, since), min(r.answered_on or today, today)) for r in application.requests]
    return sum(working_days_between(start, end) for start, end in _merged(p for p in periods if p[0] < p[1]))


def stage_norm(application, state):
    service = application.service
    if state == "received":
        return SEND_DAYS
    norm = service.stage_norm(STAGE_OF_STATE.get(state, ""))
    if norm is None and state == "sent":  # no norm of its own: the whole term less the handing over
        norm = max(service.total_days - (service.stage_norm("handover") or 0), 0)
    return norm if norm is not None else 0


def recompute_deadlines(application, today):
    """The stored due dates from the record (see the module's docstring)."""
    received = clock.local_today(application.received_at) if application.received_at else today
    application.paused_days = paused_days(application, received, today)
    application.expected_on = add_working_days(received, application.service.total_days + application.paused_days)
    if application.state in OPEN_STATES:
        started = application.stage_started_on or today
        application.stage_due_on = add_working_days(
            started, stage_norm(application, application.state) + paused_days(application, started, today))
    else:
        application.stage_due_on = None


def is_paused(application):
    return any(r.state == "pending" for r in application.requests)


def clocks(session, application):
    """The panel's clocks: the current stage's and the whole term's."""
    if application.received_at is None:
        return []
    out = []
    paused = is_paused(application)
    if application.state in OPEN_STATES and application.stage_due_on is not None:
        label = APPLICATION_STATES[application.state]
        if paused:
            label = _l("%(stage)s (stopped: an interagency request is pending)", stage=label)
        out.append(workflow.Clock("1.6(9)", label, application.stage_started_on, application.stage_due_on,
                                  _l("the stage started")))
    if application.state in OPEN_STATES and application.expected_on is not None:
        out.append(workflow.Clock("1.6(9)", _l("Result expected"), clock.local_today(application.received_at),
                                  application.expected_on, _l("intake")))
    return out


def overdue_condition(today):
    """SQL: an open stage past its due date with no interagency request pending (the clock is not stopped)."""
    pending = exists().where(ScInteragencyRequest.application_id == ScApplication.id,
                             ScInteragencyRequest.state == "pending")
    return and_(ScApplication.state.in_(OPEN_STATES), ScApplication.stage_due_on < today, not_(pending))


def overdue_query(session, scope, args):
    from app.scope import scoped_select

    today = clock.local_today()
    query = scoped_select(ScApplication, scope).where(overdue_condition(today))
    office = str(args.get("office") or "")
    if office.isdigit():  # a choice arrives as text (PostgreSQL compares no integer with a string)
        query = query.where(ScApplication.office_id == int(office))
    return query.order_by(ScApplication.stage_due_on, ScApplication.id)


def history_of_applicant(session, application, limit=10):
    """The applicant's earlier applications inside the user's scope (same PIN or INN), newest first."""
    from app.scope import current_scope, scoped_select

    key = application.applicant_id
    if not key:
        return []
    column = ScApplication.applicant_pin if application.applicant_kind == "person" else ScApplication.applicant_inn
    query = scoped_select(ScApplication, current_scope()).where(column == key, ScApplication.id != application.id)
    return session.scalars(query.order_by(ScApplication.id.desc()).limit(limit)).all()


def history_notes(session, application):
    earlier = history_of_applicant(session, application)
    if not earlier:
        return [_l("The applicant has no earlier applications here.")]
    return [_l("Earlier applications of this applicant: %(list)s", list="; ".join(
        f"{a.number} — {a.service.name} — {APPLICATION_STATES.get(a.state, a.state)}" for a in earlier))]


# --- distribution and notifications (app/services/service_centre_distribution.py, service_centre_notify.py) ----------
def _distribute(session, application, step):
    from app.services import service_centre_distribution as distribution

    distribution.assign(session, application, step.now, actor=step.actor)


def _notify(session, application, event, now):
    from app.services import service_centre_notify as notify

    notify.notify_applicant(session, application, event, now)


def _open(session, application):
    if application.state not in OPEN_STATES:
        raise DomainError(_l("The application is closed."), field="state", code="closed")


def _note(label=None, required=False):
    return workflow.Field("note", "text", label if label is not None else _l("Note"), required=required)


WORKFLOW = workflow.Workflow(
    "sc_application", ScApplication, state_attr="state",
    states=[workflow.State("intake", _l("Documents being checked"), "default"),
            workflow.State("received", APPLICATION_STATES["received"], "info"),
            workflow.State("sent", APPLICATION_STATES["sent"], "primary"),
            workflow.State("result_received", APPLICATION_STATES["result_received"], "warning"),
            workflow.State("handed_over", APPLICATION_STATES["handed_over"], "success", final=True),
            workflow.State("refused", APPLICATION_STATES["refused"], "danger", final=True),
            workflow.State("refused_intake", APPLICATION_STATES["refused_intake"], "danger", final=True)],
    transitions=[
        workflow.Transition(
            "accept", _l("Accept the documents"), ("intake",), "received", apply=accept, style="success",
            icon="fa-check-square-o", notes=history_notes,
            fields=[workflow.Field("presented", "multichoice", _l("Documents presented"), options=checklist_options,
                                   description=_l("Tick every document the applicant has given.")),
                    workflow.Field("originals", "multichoice", _l("Originals seen"), options=original_options,
                                   description=_l("The originals the operator saw (copies kept).")),
                    _note()],
            done=_l("The application is received. Print the receipt for the applicant.")),
        workflow.Transition(
            "refuse_intake", _l("Refuse at intake"), ("intake",), "refused_intake", apply=refuse_at_intake,
            style="danger", icon="fa-ban", notes=history_notes,
            fields=[workflow.Field("presented", "multichoice", _l("Documents presented"), options=checklist_options),
                    workflow.Field("reason", "choice", _l("Ground of refusal"), required=True,
                                   choices=lambda: list(REFUSAL_REASONS.items()),
                                   initial=lambda session, item: "incomplete"),
                    _note(_l("Details of the refusal"))],
            done=_l("The documents are refused. Print the receipt of refusal for the applicant.")),
        workflow.Transition(
            "send", _l("Send to the agency"), ("received",), "sent", apply=send_to_agency, icon="fa-paper-plane",
            fields=[_note()], done=_l("The application is sent to the agency.")),
        workflow.Transition(
            "request", _l("Interagency request"), ("received", "sent"), None, apply=send_request,
            icon="fa-exchange", style="default",
            fields=[workflow.Field("document", "choice", _l("Document requested"), required=True,
                                   options=request_options),
                    workflow.Field("agency", "choice", _l("Body requested"), choices=agency_choices,
                                   description=_l("Empty: the body the catalogue names for the document.")),
                    workflow.Field("channel", "choice", _l("Channel"), required=True,
                                   choices=lambda: list(INTERAGENCY_CHANNELS.items()),
                                   initial=lambda session, item: "tunduk"),
                    workflow.Field("outgoing_number", "string", _l("Outgoing number"), max_length=30)],
            done=_l("The request is sent; the application's clock stops until it is answered.")),
        workflow.Transition(
            "record_result", _l("Record the result"), ("sent",), "result_received", apply=record_result,
            guard=_no_pending_request, style="success", icon="fa-inbox",
            fields=[workflow.Field("result_note", "text", _l("Result"), required=True,
                                   description=_l("What the agency decided or issued."))],
            done=_l("The result is received; the applicant is notified.")),
        workflow.Transition(
            "refuse", _l("Refusal of the agency"), ("sent",), "refused", apply=refuse, guard=_no_pending_request,
            style="danger", icon="fa-times",
            fields=[_note(_l("Reasons of the agency's refusal"), required=True)],
            done=_l("The refusal is recorded; the applicant is notified.")),
        workflow.Transition(
            "hand_over", _l("Hand over the result"), ("result_received",), "handed_over", apply=hand_over,
            style="success", icon="fa-handshake-o", fields=[_note()],
            done=_l("The result is handed over. Print the signed result document.")),
        workflow.Transition(
            "reassign", _l("Reassign"), OPEN_STATES, None, apply=reassign, icon="fa-user", style="default",
            guard=_open,
            fields=[workflow.Field("staff", "choice", _l("Assign to"), required=True, options=staff_options),
                    workflow.Field("reason", "text", _l("Reason of the reassignment"), required=True)],
            done=_l("The application is reassigned.")),
    ],
    history=ScApplicationStep,
    deadlines=clocks)

REQUEST_WORKFLOW = workflow.Workflow(
    "sc_interagency_request", ScInteragencyRequest, state_attr="state",
    states=[workflow.State("pending", _l("Awaiting the answer"), "warning"),
            workflow.State("answered", _l("Answered"), "success", final=True)],
    transitions=[workflow.Transition(
        "answer", _l("Record the answer"), ("pending",), "answered", apply=answer_request, style="success",
        icon="fa-reply",
        fields=[workflow.Field("answered_on", "date", _l("Answered on"), description=_l("Empty: today.")),
                workflow.Field("answer", "text", _l("Answer"), required=True)],
        done=_l("The answer is recorded; the application's deadlines move by the days it waited."))])


def daily(session, now):
    """The periodic duty: escalate the overdue stages to the office heads and deliver the pending notifications
    (app/services/service_centre_distribution.py daily), mark missed appointments and close earlier days' queues."""
    from app.services import service_centre_distribution as distribution, service_centre_queue as queue

    missed, closed = queue.mark_missed(session, now), queue.close_past_days(session, now)
    return [*distribution.daily(session, now),
            f"service centre: {missed} appointment(s) missed, {closed} ticket(s) of earlier days closed"]
