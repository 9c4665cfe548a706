"""Rules of the register of the state infrastructure of e-government (models/egov_registry.py).

- Completeness (cl. 20, 22): each of the 17 items of cl. 20 is a rule in COMPLETENESS (data, not scattered ifs);
  `missing_items` lists the items an element lacks, the operator sees them and the refusal is drafted from them.
- Refusal (cl. 23): only on two grounds: 23(1) the submitter is not the subject's authorised employee, 23(2) the
  cl. 20 data are incomplete; the text is written in the applicant's language and cites the clause.
- Deadlines (cl. 18, 21, 27, 28): forwarding of an access application 3 days, review 3 working days, the
  removal notice 7 days after the decision to stop operation, recording of the removal 3 working days; working
  days on the Kyrgyz calendar (app/workdays.py). Each deadline says which clause and from what it is counted.
- Versions (cl. 21, 24): registration appends a version with the registered data; `diff` compares any two.
- Removal is a status, never a deletion (cl. 3).
- The applications' workflow (WORKFLOW, app/workflow.py): each step is offered only for the kinds it belongs to
  (a guard); the steps call the rules above and write EgovApplicationStep.""" 
import datetime
from dataclasses import dataclass

from flask_babel import force_locale, gettext, lazy_gettext as _l

from app import clock, workflow
from app.errors import DomainError
from app.workdays import add_working_days
from models.base import related_now
from models.egov_registry import APPLICATION_KINDS, APPLICATION_STATUSES, EgovApplication, EgovApplicationStep, \
    EgovElementVersion


@dataclass(frozen=True)
class Item:
    """One item of cl. 20: `check(element) -> bool` says whether the element has it."""

    clause: str  # "20(1)"
    label: object
    check: object


def _text(*attrs):
    return lambda e: all((getattr(e, a) or "").strip() for a in attrs)


def _listed(kind):
    return lambda e: bool(e.items_of(kind))


def _document(kind):
    return lambda e: any(d.kind == kind for d in e.documents)


def _operator(e):
    # cl. 20(3) asks for the operator only where it is not the owner: an empty operator means the owner runs it
    return True


COMPLETENESS = [
    Item("20(1)", _l("full and short name"), _text("full_name", "short_name")),
    Item("20(2)", _l("type of the element"), lambda e: bool(e.kind)),
    Item("20(3)", _l("operator, where it is not the owner"), _operator),
    Item("20(4)", _l("purpose, direction, main functions and area of use"), _text("purpose")),
    Item("20(5)", _l("legal acts on creation, modification and commissioning"),
         lambda e: bool((e.legal_acts or "").strip()) or _document("legal_act")(e)),
    Item("20(6)", _l("structural unit and officials responsible for operation"), _text("responsible_unit")),
    Item("20(7)", _l("architecture"), lambda e: bool((e.architecture or "").strip()) or _document("architecture")(e)),
    Item("20(8)", _l("software used"), _listed("software")),
    Item("20(9)", _l("information resources it contains"), _listed("resource")),
    Item("20(10)", _l("resources of other systems it interacts with"),
         lambda e: bool((e.interactions or "").strip()) or bool(e.relations)),
    Item("20(11)", _l("information services it provides"), _listed("service")),
    Item("20(12)", _l("technical documentation with scans of paper documents"), _document("technical")),
    Item("20(13)", _l("location and who keeps it up to date"), _text("location", "location_keeper")),
    Item("20(14)", _l("developer or supplier"), _text("developer")),
    Item("20(15)", _l("number of users"), lambda e: bool(e.users_count)),
    Item("20(16)", _l("source of funding"), lambda e: bool(e.funding)),
    Item("20(17)", _l("commissioning act"), _document("commissioning_act")),
]
ITEMS = {i.clause: i for i in COMPLETENESS}


def missing_items(element):
    """The clauses of cl. 20 the element lacks, in the order of the rules."""
    return [i.clause for i in COMPLETENESS if not i.check(element)]


# --- refusal (cl. 23) --------------------------------------------------------------------------------------------
GROUNDS = {"23(1)": _l("submitted by someone who is not the authorised employee of the subject"),
           "23(2)": _l("the data of cl. 20 are incomplete")}


def submitter_is_authorised(application, day):
    """cl. 23(1): the application comes from an authorised employee of the subject, valid on `day`."""
    employee = application.employee
    if employee is None or employee.organisation_id != application.organisation_id or not employee.valid_on(day):
        return False
    user_id = application.submitted_by_fk
    return user_id is None or employee.user_id is None or employee.user_id == user_id


def refusal_ground(application, day):
    """The ground of refusal of a registration or modification application, or None when it can be registered."""
    if not submitter_is_authorised(application, day):
        return "23(1)"
    if application.element is not None and missing_items(application.element):
        return "23(2)"
    return None


def draft_refusal(application, ground, missing, language=None):
    """The refusal text in the applicant's language, citing the clause and (for 23(2)) the missing items."""
    with force_locale(language or application.language or "ky"):
        lines = [gettext("The application is refused under cl. %(clause)s of the Rules for keeping the register: "
                         "%(ground)s.", clause=ground, ground=str(GROUNDS[ground]))]
        if ground == "23(2)":
            lines.append(gettext("Missing items of cl. 20:"))
            lines += [f"– {gettext('cl. %(clause)s', clause=c)}: {ITEMS[c].label}" for c in missing]
        lines.append(gettext("The application may be resubmitted once the grounds are removed (cl. 23)."))
        return "\n".join(str(x) for x in lines)


# --- deadlines (cl. 18, 21, 27, 28) -------------------------------------------------------------------------------
FORWARDING_DAYS = 3  # cl. 18: the authorised body forwards an access application; calendar days
REVIEW_WORKING_DAYS = 3  # cl. 21 (review) and cl. 28 (recording of a removal); working days
NOTICE_DAYS = 7  # cl. 27: the subject's notice after the decision to stop operation, calendar days


def deadlines(application):
    """The clocks (app/workflow.py Clock) that run on an application in its current status (none when none runs)."""
    kind, status, received = application.kind, application.status, application.received_on
    Clock = workflow.Clock
    out = []
    if kind == "access" and status == "submitted":
        out.append(Clock("18", _l("Forwarding to the operator: 3 days"), received,
                         received + datetime.timedelta(days=FORWARDING_DAYS),
                         _l("from the day the application was received")))
    if kind in ("registration", "modification") and status == "submitted":
        out.append(Clock("21", _l("Review by the operator: 3 working days"), received,
                         add_working_days(received, REVIEW_WORKING_DAYS),
                         _l("from the day the application was received")))
    if kind == "removal" and status in ("submitted", "agreed"):
        if application.decision_date is not None:
            out.append(Clock("27", _l("Notice of removal: 7 days after the decision"), application.decision_date,
                             application.decision_date + datetime.timedelta(days=NOTICE_DAYS),
                             _l("from the day of the decision to stop operation")))
        out.append(Clock("28", _l("Recording of the removal: 3 working days"), received,
                         add_working_days(received, REVIEW_WORKING_DAYS), _l("from the day the notice was received")))
    return out


def late_notice(application):
    """cl. 27: the notice came later than 7 days after the decision (recorded anyway, but shown)."""
    return (application.kind == "removal" and application.decision_date is not None and
            application.received_on > application.decision_date + datetime.timedelta(days=NOTICE_DAYS))


def is_overdue(application, today):
    # the notice clock (cl. 27) binds the subject, not the operator: only the operator's clocks make it overdue
    return any(d.overdue(today) for d in deadlines(application) if d.clause != "27")


# --- versions (cl. 21, 24) ----------------------------------------------------------------------------------------
SNAPSHOT_FIELDS = ("full_name", "short_name", "kind", "operator_name", "purpose", "legal_acts", "responsible_unit",
                   "architecture", "interactions", "location", "location_keeper", "developer", "users_count",
                   "funding", "commissioned_on")


def snapshot(element):
    data = {f: getattr(element, f) for f in SNAPSHOT_FIELDS}
    if data["commissioned_on"] is not None:
        data["commissioned_on"] = data["commissioned_on"].isoformat()
    for kind in ("software", "resource", "service"):
        data[kind] = sorted(i.name for i in element.items_of(kind))
    data["relations"] = sorted(f"{r.kind}:{r.target_id}:{r.service or ''}" for r in element.relations)
    data["documents"] = sorted(f"{d.kind}:{d.title}" for d in element.documents)
    return data


def register_version(session, element, now, application=None, actor_id=None):
    """Append the element's registered state (never edits an older version)."""
    number = max((v.number for v in element.versions), default=0) + 1
    version = EgovElementVersion(element=element, number=number, registered_at=now, data=snapshot(element),
                                 application=application, registered_by_fk=actor_id)
    session.add(version)
    return version


def diff(old, new):
    """[(field, old value, new value)] of what differs between two snapshots (a version's data or `snapshot`)."""
    keys = list(dict.fromkeys([*old.keys(), *new.keys()]))
    return [(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)]


def changes_since_registration(element):
    """What changed in the working copy since the last registered version (None: never registered)."""
    if not element.versions:
        return None
    return diff(element.versions[-1].data, snapshot(element))


# --- removal (cl. 3, 27–29) ---------------------------------------------------------------------------------------
def record_removal(element, day):
    """The element leaves the register as a status; its row, versions, documents and relations stay (cl. 3)."""
    if element.status == "removed":
        raise DomainError(_l("The element has already been removed from the register."), field="status",
                          code="already_removed")
    element.status, element.removed_on = "removed", day
    return element


# --- documents (cl. 20(5), 20(7), 20(12), 20(17), 27) ------------------------------------------------------------
def attach_document(session, doc, filename, data, folder, today=None):
    """Attach a typed document with its file to an element (the one document store,
    municipal_property.store_document)."""
    from app.services.municipal_property import store_document

    if doc.element is None:
        raise DomainError(_l("Choose the element."), field="element", code="element_required")
    return store_document(session, doc, filename, data, folder, today)


# --- applications ------------------------------------------------------------------------------------------------
def check_application(application):
    """What each kind of application must name (cl. 10, 17, 20, 24, 27)."""
    kind = application.kind
    if kind not in APPLICATION_KINDS:
        raise DomainError(_l("Choose the kind of application."), field="kind", code="kind_required")
    if application.organisation is None and application.organisation_id is None:
        raise DomainError(_l("Choose the subject of accounting."), field="organisation", code="organisation_required")
    organisation_id = application.scope_organisation_id()
    employee = related_now(application, "employee")
    if employee is not None and employee.organisation_id != organisation_id:
        raise DomainError(_l("The authorised employee belongs to another subject of accounting."), field="employee",
                          code="employee_of_other")
    if kind == "access":
        if not (application.element_full_name or "").strip() or not application.element_kind:
            raise DomainError(_l("An access application names the element's full name and type (cl. 17)."),
                              field="element_full_name", code="element_named")
        if application.employee is None:
            raise DomainError(_l("An access application names the authorised employee (cl. 17)."),
                              field="employee", code="employee_required")
    element = related_now(application, "element")
    if element is not None and element.organisation_id not in (None, organisation_id):
        raise DomainError(_l("The element belongs to another subject of accounting."), field="element",
                          code="element_of_other")
    if kind in ("registration", "modification", "removal"):
        if element is None:
            raise DomainError(_l("Choose the element."), field="element", code="element_required")
        if kind == "removal" and application.decision_date is None:
            raise DomainError(_l("A removal notice gives the date of the decision to stop operation (cl. 27)."),
                              field="decision_date", code="decision_date_required")
    elif kind == "information" and not (application.request_text or "").strip():
        raise DomainError(_l("Write what information is requested (cl. 10)."), field="request_text",
                          code="request_required")


#: register numbers as the demo data gives them: application АР-<year>-0001, element ЭБ-<year>-001
NUMBERS = {"application": ("АР", 4), "element": ("ЭБ", 3)}


def next_number(session, register, year):
    """The next number of the register's applications or elements in `year`, without races (app/numbering.py); a
    new counter starts after the highest number already given that year."""
    from sqlalchemy import select

    from app import numbering
    from models.egov_registry import EgovElement

    prefix, width = NUMBERS[register]
    column = EgovApplication.number if register == "application" else EgovElement.number

    def floor():
        given = session.scalars(select(column).where(column.like(f"{prefix}-{year}-%"))).all()
        return max((int(n.rsplit("-", 1)[1]) for n in given if n.rsplit("-", 1)[1].isdigit()), default=0)

    with session.no_autoflush:
        seq = numbering.next_number(session, f"egov_registry.{register}", "", year, floor=floor)
    return f"{prefix}-{year}-{seq:0{width}d}"


def submit_application(session, application, now=None, actor=None):
    """A new application: checked, numbered, received today unless its day is given; a request for information
    starts as requested (the authorised body writes it, cl. 10), any other as submitted. The first step is in
    its history."""
    now = now or clock.now()
    check_application(application)
    application.received_on = application.received_on or clock.local_today(now)
    application.status = "requested" if application.kind == "information" else "submitted"
    if actor is not None and application.submitted_by_fk is None and application.kind != "information":
        application.submitted_by_fk = actor.id
    application.number = application.number or next_number(session, "application", application.received_on.year)
    session.add(application)
    EgovApplicationStep.record(session, application, application.status, at=now,
                               **({"actor_id": actor.id} if actor is not None else {}))
    return application


def update_application(session, application):
    if application.status not in ("submitted", "requested"):
        raise DomainError(_l("A decided application cannot be changed; its history is kept."), field="status",
                          code="decided")
    check_application(application)


def _step(session, application, step, to_status, note=None, reason=None):
    before = application.status
    application.status = to_status
    EgovApplicationStep.record(session, application, to_status, at=step.now, from_status=before, reason=reason,
                               note=note, actor_id=step.actor_id)


def _of_kind(*kinds):
    def guard(session, application):
        if application.kind not in kinds:
            raise DomainError(_l("This step does not apply to an application of the kind “%(kind)s”.",
                                 kind=APPLICATION_KINDS.get(application.kind, application.kind)), field="kind",
                              code="wrong_kind")
    return guard


def forward(session, application, step):
    """cl. 18: the authorised body forwards an access application to the operator."""
    _step(session, application, step, "forwarded", step.data.get("note"))


def _needs_employee(session, application):
    _of_kind("access")(session, application)
    if application.employee is None:
        raise DomainError(_l("The application names no authorised employee."), field="employee",
                          code="employee_required")


def grant_access(session, application, step):
    """cl. 19: the operator grants online entry rights: the authorised employee's appointment is valid (extended
    to the given day) and their account, the one linked or else the one with the departmental e-mail, is bound to
    the organisation (it sees and writes that organisation's elements only) for the appointment's term."""
    employee, today = application.employee, clock.local_today(step.now)
    until = step.data.get("valid_until")
    if until is not None and until < today:
        raise DomainError(_l("The access cannot end before today."), field="valid_until", code="valid_until_past")
    if employee.valid_from > today:
        employee.valid_from = today
    if until is not None or (employee.valid_until is not None and employee.valid_until < today):
        employee.valid_until = until
    from sqlalchemy import func, select, update

    from models.user import SanaripUser

    accounts = SanaripUser.__table__  # the table row: the relationship maps FAB's User, without the scope column
    if employee.user_id is None:  # the rights go to the departmental e-mail (cl. 19): the account that has it
        employee.user_id = session.scalar(select(accounts.c.id).where(
            func.lower(accounts.c.email) == (employee.email or "").strip().lower()))
    if employee.user_id is not None:
        # the login lasts as long as the appointment (a fixed-term login, app/security.py checks it)
        session.execute(update(accounts).where(accounts.c.id == employee.user_id)
                        .values(scope_organisation_id=application.organisation_id,
                                valid_from=employee.valid_from, valid_until=employee.valid_until))
    application.decided_on = today
    _step(session, application, step, "granted", step.data.get("note"))


def items_text(clauses):
    """The cl. 20 items by clause and label, for a message or a cell ("20(14) developer or supplier; …")."""
    return "; ".join(f"{c} {ITEMS[c].label}" for c in clauses or () if c in ITEMS)


def _registrable(session, application):
    _of_kind("registration", "modification")(session, application)
    if application.element is None:
        raise DomainError(_l("The application names no element."), field="element", code="element_required")
    if application.element.status == "removed":
        raise DomainError(_l("The element has already been removed from the register."), field="status",
                          code="already_removed")
    ground = refusal_ground(application, clock.local_today())
    if ground == "23(1)":
        raise DomainError(_l("It cannot be registered: %(ground)s (cl. 23(1)).", ground=GROUNDS["23(1)"]),
                          field="employee", code="not_authorised")
    missing = missing_items(application.element)
    if missing:
        raise DomainError(_l("It cannot be registered: items of cl. 20 are missing: %(items)s.",
                             items=items_text(missing)), field="missing_items",
                          code="incomplete")


def register(session, application, step):
    """cl. 21, 24: the operator registers the element's data (a new append-only version)."""
    element, today = application.element, clock.local_today(step.now)
    element.status = "registered"
    element.registered_on = element.registered_on or today
    if not element.number:
        element.number = next_number(session, "element", today.year)
    register_version(session, element, step.now, application=application, actor_id=step.actor_id)
    application.missing_items, application.refusal_ground, application.refusal_text = None, None, None
    application.decided_on = today
    _step(session, application, step, "registered", step.data.get("note"))


def suggested_ground(session, application):
    return refusal_ground(application, clock.local_today()) or ("23(2)" if application.kind != "access" else "23(1)")


def refusal_notes(session, application):
    """What the operator sees before refusing: the ground the rules suggest and the missing items."""
    if application.element is None:
        return []
    missing = missing_items(application.element)
    if not missing:
        return [_l("All items of cl. 20 are filled in.")]
    return [_l("Missing items of cl. 20: %(items)s.", items=items_text(missing))]


def refuse(session, application, step):
    """cl. 22–23: refused on one of the two grounds; the text is drafted in the applicant's language from the
    ground and (23(2)) the missing items."""
    ground = step.data.get("ground") or suggested_ground(session, application)
    if ground not in GROUNDS:
        raise DomainError(_l("Refusal is possible only on the grounds of cl. 23(1) or 23(2)."), field="ground",
                          code="bad_ground")
    missing = missing_items(application.element) if application.element is not None else []
    if ground == "23(2)" and not missing:
        raise DomainError(_l("All items of cl. 20 are filled in: cl. 23(2) does not apply."), field="ground",
                          code="complete")
    text = draft_refusal(application, ground, missing if ground == "23(2)" else [])
    note = (step.data.get("note") or "").strip()
    application.refusal_ground, application.missing_items = ground, (missing if ground == "23(2)" else None)
    application.refusal_text = text + (f"\n{note}" if note else "")
    application.decided_on = clock.local_today(step.now)
    _step(session, application, step, "refused", note or None, reason=ground)


def _resubmittable(session, application):
    _of_kind("access", "registration", "modification")(session, application)
    from sqlalchemy import select

    again = session.scalar(select(EgovApplication.number).where(EgovApplication.resubmission_of_id == application.id))
    if again is not None:
        raise DomainError(_l("The application has already been resubmitted as №%(number)s.", number=again),
                          field="status", code="resubmitted")


def resubmit(session, application, step):
    """cl. 23: once the grounds are removed the subject resubmits: a new application (its own review period of
    cl. 21) linked to the refused one, which stays refused with its refusal; both histories say so."""
    again = EgovApplication(
        kind=application.kind, organisation_id=application.organisation_id, organisation=application.organisation,
        element=application.element, employee=application.employee, language=application.language,
        submitter_name=application.submitter_name, element_full_name=application.element_full_name,
        element_short_name=application.element_short_name, element_kind=application.element_kind,
        resubmission_of=application, note=step.data.get("note"))
    submit_application(session, again, now=step.now, actor=step.actor)
    session.flush()
    EgovApplicationStep.record(session, application, "refused", at=step.now, from_status="refused",
                               note=gettext("Resubmitted as №%(number)s.", number=again.number),
                               actor_id=step.actor_id)
    return again


def agree(session, application, step):
    """cl. 28: the authorised body agrees the removal."""
    _step(session, application, step, "agreed", step.data.get("note"))


def _removable(session, application):
    _of_kind("removal")(session, application)
    if application.element is None or application.element.status == "removed":
        raise DomainError(_l("The element has already been removed from the register."), field="status",
                          code="already_removed")


def removal_notes(session, application):
    """The impact warning (egov_impact): registered elements that still depend on the element."""
    from app.services.egov_impact import dependants

    if application.element is None:
        return []
    found = dependants(session, application.element.id)
    notes = [_l("Registered elements still depend on it: removing it leaves their links broken.")] if found else []
    notes += [f"{d.number} {d.name}: {d.relation_label}{f' ({d.service})' if d.service else ''}" for d in found]
    if late_notice(application):
        notes.append(_l("The notice came later than 7 days after the decision to stop operation (cl. 27)."))
    return notes


def remove(session, application, step):
    """cl. 28: the operator records the cessation; the element stays as history (cl. 3)."""
    today = clock.local_today(step.now)
    record_removal(application.element, today)
    application.decided_on = today
    _step(session, application, step, "removed", step.data.get("note"))


def answer(session, application, step):
    """cl. 10: the subject answers the authorised body's request."""
    application.answer_text = step.data["answer_text"].strip()
    application.decided_on = clock.local_today(step.now)
    _step(session, application, step, "answered")


def withdraw(session, application, step):
    _step(session, application, step, "withdrawn", step.data.get("note"))


def _note(label=None, required=False):
    return workflow.Field("note", "text", _l("Note") if label is None else label, required=required)


def _ground_choices():
    return [(code, f"{code}: {label}") for code, label in GROUNDS.items()]


_COLOURS = {"submitted": "primary", "forwarded": "info", "granted": "success", "registered": "success",
            "refused": "danger", "agreed": "info", "removed": "default", "requested": "warning",
            "answered": "success", "withdrawn": "default"}
_FINAL = ("granted", "registered", "removed", "answered", "withdrawn")

#: the applications' workflow: the steps of each kind (a guard keeps the others off)
WORKFLOW = workflow.Workflow(
    "egov_application", EgovApplication,
    states=[workflow.State(name, label, _COLOURS[name], final=name in _FINAL)
            for name, label in APPLICATION_STATUSES.items()],
    transitions=[
        workflow.Transition("forward", _l("Forward to the operator"), ("submitted",), "forwarded",
                            apply=forward, guard=_of_kind("access"), fields=[_note()], icon="fa-share",
                            done=_l("The application is forwarded to the operator (cl. 18).")),
        workflow.Transition("grant", _l("Grant access"), ("forwarded",), "granted", apply=grant_access,
                            guard=_needs_employee, style="success", icon="fa-key",
                            fields=[workflow.Field("valid_until", "date", _l("Access valid until"),
                                                   description=_l("Empty: until the appointment ends.")),
                                    _note()],
                            done=_l("Access is granted to the authorised employee (cl. 19).")),
        workflow.Transition("register", _l("Register the element"), ("submitted",), "registered", apply=register,
                            guard=_registrable, style="success", icon="fa-check", fields=[_note()],
                            done=_l("The element is registered; its version is kept (cl. 21).")),
        workflow.Transition("refuse", _l("Refuse"), ("submitted", "forwarded"), "refused", apply=refuse,
                            guard=_of_kind("access", "registration", "modification"), style="danger",
                            icon="fa-ban", notes=refusal_notes,
                            fields=[workflow.Field("ground", "choice", _l("Ground of refusal"),
                                                   choices=_ground_choices, initial=suggested_ground,
                                                   description=_l("Only the two grounds of cl. 23.")),
                                    _note(_l("Additional text of the refusal"))],
                            done=_l("The application is refused; the refusal is drafted in the applicant's "
                                    "language (cl. 23).")),
        workflow.Transition("resubmit", _l("Resubmit"), ("refused",), "refused", apply=resubmit,
                            guard=_resubmittable, icon="fa-repeat",
                            fields=[_note(_l("What was corrected"))],
                            done=_l("A new application is submitted, linked to the refused one (cl. 23).")),
        workflow.Transition("agree", _l("Agree the removal"), ("submitted",), "agreed", apply=agree,
                            guard=_of_kind("removal"), icon="fa-thumbs-up", notes=removal_notes, fields=[_note()],
                            done=_l("The removal is agreed (cl. 28).")),
        workflow.Transition("record_removal", _l("Record the removal"), ("agreed",), "removed", apply=remove,
                            guard=_removable, style="warning", icon="fa-archive", notes=removal_notes,
                            fields=[_note()],
                            done=_l("The removal is recorded; the element stays in the register's history "
                                    "(cl. 3, 28).")),
        workflow.Transition("answer", _l("Answer"), ("requested",), "answered", apply=answer,
                            guard=_of_kind("information"),
                            fields=[workflow.Field("answer_text", "text", _l("Answer"), required=True)],
                            done=_l("The answer is sent to the authorised body (cl. 10).")),
        workflow.Transition("withdraw", _l("Withdraw"), ("submitted", "forwarded", "agreed"), "withdrawn",
                            apply=withdraw, style="default", icon="fa-undo", fields=[_note()],
                            guard=_of_kind("access", "registration", "modification", "removal"),
                            done=_l("The application is withdrawn.")),
    ],
    history=EgovApplicationStep,
    deadlines=lambda session, application: deadlines(application))


# --- elements (the working copy) ------------------------------------------------------------------------------------
def check_element(session, element):
    """A new or changed element: its names are trimmed; a new one is not registered yet (the operator registers
    it through an application, cl. 21)."""
    element.full_name = (element.full_name or "").strip()
    if not element.full_name:
        raise DomainError(_l("The full name of the element is required (cl. 20(1))."), field="full_name",
                          code="full_name_required")
    element.short_name = (element.short_name or "").strip() or None
    if element.id is None:
        element.status, element.registered_on, element.removed_on = "draft", None, None


def check_element_editable(element):
    """A removed element stays as it was removed (cl. 3): neither it nor its lists change any more."""
    if element is not None and element.status == "removed":
        raise DomainError(_l("The element has been removed from the register: its data are kept as they were."),
                          field="status", code="removed")


def field_label(field):
    """The label of a snapshot field (the field dictionary's, or the list's)."""
    from app.catalogue import dictionary
    from models.egov_registry import ITEM_KINDS, EgovElement

    if field in ITEM_KINDS:
        return ITEM_KINDS[field]
    return dictionary.lazy_label(EgovElement, field)


def shown(value, field=None, session=None):
    """A snapshot value as the diff page shows it: lists joined, relations by kind and the related element's name,
    documents by kind and title, coded values by their labels."""
    from models.egov_registry import DOCUMENT_KINDS, ELEMENT_KINDS, FUNDING_SOURCES, RELATION_KINDS, USERS_COUNTS, \
        EgovElement

    if value is None:
        return ""
    coded = {"kind": ELEMENT_KINDS, "funding": FUNDING_SOURCES, "users_count": USERS_COUNTS}.get(field)
    if coded is not None:
        return str(coded.get(value, value))
    if field == "relations" and session is not None:
        out = []
        for entry in value:
            kind, target, service_code = (entry.split(":", 2) + ["", ""])[:3]
            element = session.get(EgovElement, int(target)) if target.isdigit() else None
            out.append(f"{RELATION_KINDS.get(kind, kind)}: {element if element is not None else target}"
                       + (f" ({service_code})" if service_code else ""))
        return "; ".join(out)
    if field == "documents":
        return "; ".join(f"{DOCUMENT_KINDS.get(k, k)}: {t}" for k, _, t in (e.partition(":") for e in value))
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)
