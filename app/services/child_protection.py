"""Rules of the AIS on children and families in difficult life situations.

Legal basis: Regulation of the Cabinet of Ministers of the Kyrgyz Republic of 22 March 2023 No. 156 (identification
and registration of the child, comprehensive assessment, individual child-protection plan and family work plan,
activities, monitoring, closure of the case); the Children's Code of the Kyrgyz Republic (2012 No. 100); the Law
"On personal information" (2008 No. 58: data are kept no longer than their purpose requires)."""
import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from app import audit, workflow
from app.catalogue import custom, policy
from app.ages import age_on, born_by
from app.errors import DomainError
from app.identifiers import check_person, parse_pin
from app.scope import lookup_condition, refuse_duplicate, scoped_select
from app.workdays import add_working_days
from models.dictionary import Legal
from models.child_protection import ACTIVITY_STATUSES, RULE_FIELDS, RULE_OPERATORS, STATUSES, SUSPENSION_GROUNDS, \
    CpActivity, CpAssessment, CpChild, CpPlanRule, CpRelative, CpTransition, CpVisit
from app import clock
from app.clock import local_today

OPEN_ACTIVITY = ("planned", "in_progress")
RETENTION_AGE = 28  # personal data are kept until the child turns 28 (the shipped value of the parameter below)
ANONYMOUS = "***"
RETENTION_KEY = policy.define(
    "child_protection.retention_age", _l("Retention age of children's records"),
    _l("A child's personal data are kept until the child reaches this age, then removed."), "integer",
    RETENTION_AGE, Legal("cabinet_156"), "child_protection", minimum=18, maximum=100, unit=_l("years"),
    template=_l("Personal data are kept until the child turns %(value)s, then removed; what statistics use "
                "stays."))


# --- child ------------------------------------------------------------------------------------------------------
def check_child(session, child: CpChild, today: datetime.date | None = None):
    """Regulation No. 156, the child's data: a PIN when known (valid and agreeing with sex and date of birth),
    otherwise the record is flagged `pin_unknown`; a child is under 18 when identified, and the identification is
    not in the future nor before the birth."""
    today = today or local_today()
    if child.anonymised_on is not None:
        raise DomainError(_l("The record is anonymised and closed for changes."), code="anonymised")
    child.pin = (child.pin or "").strip() or None
    if child.pin:
        check_person(child.pin, child.sex, child.birth_date)
        child.pin_unknown = False
    else:
        child.pin_unknown = True
    if child.birth_date is None or child.birth_date > today:
        raise DomainError(_l("The date of birth is impossible."), field="birth_date", code="birth_date")
    if child.identified_on is None:
        child.identified_on = today
    if child.identified_on > today or child.identified_on < child.birth_date:
        raise DomainError(_l("The date of identification must lie between the birth and today."),
                          field="identified_on", code="identified_on")
    if age_on(child.birth_date, child.identified_on) >= 18:
        raise DomainError(_l("A child is a person under 18 on the day of identification."),
                          field="birth_date", code="not_a_child")
    if child.pin and not child.anonymised_on:
        with session.no_autoflush:
            # a closed case does not stop a new one: the child may be identified again (cases, not children)
            twin = session.scalar(select(CpChild).where(CpChild.pin == child.pin, CpChild.id != (child.id or -1),
                                                        CpChild.status != "closed"))
        if twin is not None:
            refuse_duplicate(session, twin, lambda: _l("A child with this PIN already has an open case: continue "
                                                       "it, or close it before identifying the child again."),
                             field="pin", code="double_pin")


def change_child(session, child: CpChild, today: datetime.date | None = None):
    """A change of the child's data says when its information was received (cl. 20): the date is asked on every
    edit (the form starts it empty) and written with the change, so the audit trail has it beside every change."""
    from sqlalchemy.orm.attributes import flag_modified

    today = today or local_today()
    check_child(session, child, today)
    received = child.info_received_on
    if received is None:
        raise DomainError(_l("Say when this information was received."), field="info_received_on",
                          code="info_received_on")
    if received > today or received < child.identified_on:
        raise DomainError(_l("The information is received between the identification and today."),
                          field="info_received_on", code="info_received_on")
    flag_modified(child, "info_received_on")


def register_child(session, child: CpChild, note=None, today=None, user_id=None):
    """Register an identified child: the case opens in status "identified" (the first step of its history)."""
    check_child(session, child, today)
    child.info_received_on = child.info_received_on or child.identified_on
    child.status = "identified"
    session.add(child)
    _history(session, child, None, "identified", note or str(_l("Identified")), user_id)
    return child


def _history(session, child, before, after, note, actor_id=None, at=None, reason=None):
    actor = {"actor_id": actor_id, "created_by_fk": actor_id} if actor_id is not None else {}
    return CpTransition.record(session, child, after, at=at or clock.now(), from_status=before, note=note,
                               reason=reason, **actor)


# --- the case's workflow (app/workflow.py) ---------------------------------------------------------------------
def _open(session, child):
    if child.anonymised_on is not None:
        raise DomainError(_l("The record is anonymised and closed for changes."), code="anonymised")


def _assessed(session, child):
    _open(session, child)
    if not child.assessments:
        raise DomainError(_l("A plan follows the comprehensive assessment: record the assessment first."),
                          field="status", code="no_assessment")


def _planned(session, child):
    _open(session, child)
    if not child.activities:
        raise DomainError(_l("Generate or enter the plan's activities first."), field="status", code="no_plan")


def _finished(session, child):
    _open(session, child)
    if any(a.status in OPEN_ACTIVITY for a in child.activities):
        raise DomainError(_l("Finish or cancel every activity before closing the case."), field="status",
                          code="open_activities")


SUSPENDABLE = ("identified", "assessment", "plan", "activities", "monitoring", "reopened")


def _no_request(session, child):
    _open(session, child)
    if child.suspension_requested_at is not None:
        raise DomainError(_l("The suspension is already asked for and waits for the decision."), field="status",
                          code="suspension_requested")


def _requested(session, child):
    _open(session, child)
    if child.suspension_requested_at is None:
        raise DomainError(_l("Nobody has asked to suspend this case."), field="status", code="not_requested")


def _second_person(user, child):
    """The agreement is a second person's (cl. 20): whoever asked cannot agree or refuse."""
    return user is not None and getattr(user, "id", None) != child.suspension_requested_by_fk


def request_suspension(session, child, step):
    note = (step.data.get("note") or "").strip()
    if not note:
        raise DomainError(_l("Say why the case changes its status."), field="note", code="note_required")
    child.suspension_ground, child.suspension_requested_at = step.data["ground"], step.now
    child.suspension_requested_by_fk = step.actor_id
    return _history(session, child, child.status, child.status, note, step.actor_id, step.now,
                    reason=step.data["ground"])


def agree_suspension(session, child, step):
    if step.actor_id is not None and step.actor_id == child.suspension_requested_by_fk:
        raise DomainError(_l("The suspension is agreed by another person than the one who asked."), field="status",
                          code="same_person")
    before, child.status = child.status, "suspended"
    child.suspension_requested_at = None
    note = (step.data.get("note") or "").strip() or str(_l("Suspension agreed"))
    return _history(session, child, before, "suspended", note, step.actor_id, step.now,
                    reason=child.suspension_ground)


def refuse_suspension(session, child, step):
    if step.actor_id is not None and step.actor_id == child.suspension_requested_by_fk:
        raise DomainError(_l("The suspension is refused by another person than the one who asked."),
                          field="status", code="same_person")
    note = (step.data.get("note") or "").strip()
    if not note:
        raise DomainError(_l("Say why the case changes its status."), field="note", code="note_required")
    child.suspension_ground = child.suspension_requested_at = child.suspension_requested_by_fk = None
    return _history(session, child, child.status, child.status, note, step.actor_id, step.now)


def _move(session, child, step):
    """Every step of a case: the status changes and the history records who, when and why (the note is required:
    Regulation No. 156 asks the reason of each decision on a case)."""
    note = (step.data.get("note") or "").strip()
    if not note:
        raise DomainError(_l("Say why the case changes its status."), field="note", code="note_required")
    before, child.status = child.status, step.transition.target
    return _history(session, child, before, child.status, note, step.actor_id, step.now)


def _why():
    return [workflow.Field("note", "text", _l("Why"), required=True, max_length=500)]


def _step(name, label, source, target, guard=_open, **options):
    return workflow.Transition(name, label, source, target, apply=_move, guard=guard, fields=_why(),
                               done=_l("The case status is changed."), **options)


#: the case lifecycle (Regulation No. 156): identification → assessment → plan → activities → monitoring →
#: closure; a case is suspended when no assessment or activity is needed (its data kept), and a closed or
#: suspended case is reopened. A plan needs an assessment, activities a plan, closing every activity finished.
WORKFLOW = workflow.Workflow(
    "child_protection", CpChild,
    states=[workflow.State("identified", STATUSES["identified"], "info"),
            workflow.State("assessment", STATUSES["assessment"], "primary"),
            workflow.State("plan", STATUSES["plan"], "primary"),
            workflow.State("activities", STATUSES["activities"], "warning"),
            workflow.State("monitoring", STATUSES["monitoring"], "info"),
            workflow.State("closed", STATUSES["closed"], "success"),
            workflow.State("suspended", STATUSES["suspended"], "default"),
            workflow.State("reopened", STATUSES["reopened"], "info")],
    transitions=[
        _step("start_assessment", _l("Start the assessment"), ("identified", "reopened"), "assessment",
              icon="fa-search"),
        _step("start_plan", _l("Go on to the plan"), ("assessment",), "plan", guard=_assessed, icon="fa-list-ol"),
        _step("start_activities", _l("Start the activities"), ("plan",), "activities", guard=_planned,
              icon="fa-tasks"),
        _step("start_monitoring", _l("Start monitoring"), ("activities",), "monitoring", icon="fa-eye"),
        _step("resume_activities", _l("Resume the activities"), ("monitoring",), "activities", guard=_planned,
              style="default", icon="fa-undo"),
        _step("close", _l("Close the case"), ("monitoring",), "closed", guard=_finished, style="success",
              icon="fa-check"),
        # suspension by agreement (cl. 20): asked by the case worker with a ground, agreed or refused by the
        # territorial unit's responsible person, who is never the one who asked
        workflow.Transition(
            "request_suspension", _l("Ask to suspend the case"), SUSPENDABLE, None, apply=request_suspension,
            guard=_no_request, style="warning", icon="fa-pause",
            fields=[workflow.Field("ground", "choice", _l("Ground of suspension"), required=True,
                                   choices=lambda: list(SUSPENSION_GROUNDS.items())), *_why()],
            done=_l("The suspension is asked for; the territorial unit's responsible person decides.")),
        workflow.Transition(
            "agree_suspension", _l("Agree the suspension"), SUSPENDABLE, "suspended", apply=agree_suspension,
            guard=_requested, who=_second_person, style="warning", icon="fa-pause",
            fields=[workflow.Field("note", "text", _l("Note"), max_length=500)],
            done=_l("The case is suspended; its data are kept.")),
        workflow.Transition(
            "refuse_suspension", _l("Refuse the suspension"), SUSPENDABLE, None, apply=refuse_suspension,
            guard=_requested, who=_second_person, style="default", icon="fa-play", fields=_why(),
            done=_l("The suspension is refused; the case goes on.")),
        _step("reopen", _l("Reopen the case"), ("suspended", "closed"), "reopened", style="default",
              icon="fa-folder-open"),
        _step("close_suspended", _l("Close the suspended case"), ("suspended",), "closed", guard=_finished,
              style="success", icon="fa-check"),
    ],
    history=CpTransition)


# --- relatives ----------------------------------------------------------------------------------------------------
def check_relative(session, relative: CpRelative):
    """A relative's PIN, when given, is valid; the relative is linked to the active household-book person of the
    same PIN (the household book is the primary register of residents), or unlinked when there is none."""
    relative.pin = (relative.pin or "").strip() or None
    if relative.pin:
        parse_pin(relative.pin)
    link_household_member(session, relative)


def link_household_member(session, relative: CpRelative):
    from models.household_book import HouseholdMember

    member = None
    if relative.pin:
        with session.no_autoflush:
            # only a resident the user may see: the link shows the person's name (issue 7)
            member = session.scalar(select(HouseholdMember).where(HouseholdMember.pin == relative.pin,
                                                                  HouseholdMember.is_active.is_(True),
                                                                  lookup_condition(HouseholdMember)))
    relative.household_member = member
    return member


def add_relative(session, relative: CpRelative):
    check_relative(session, relative)
    session.add(relative)
    return relative


# --- assessment ---------------------------------------------------------------------------------------------------
def record_assessment(session, assessment: CpAssessment, today=None):
    """The comprehensive assessment (Regulation No. 156): not in the future nor before the identification."""
    today = today or local_today()
    assessment.assessed_on = assessment.assessed_on or today
    child = assessment.child
    if assessment.assessed_on > today or (child is not None and assessment.assessed_on < child.identified_on):
        raise DomainError(_l("The date of the assessment must lie between the identification and today."),
                          field="assessed_on", code="assessed_on")
    session.add(assessment)
    return assessment


# --- plans ----------------------------------------------------------------------------------------------------------
def facts_of(child: CpChild, assessment: CpAssessment | None, today: datetime.date) -> dict:
    """The values plan rules may test: the child's recorded circumstances and the latest assessment's risks."""
    facts = {name: getattr(child, name) for name in ("disability", "survivor_pension", "monthly_benefit",
                                                      "fixed_housing", "migrant_parents", "pin_unknown",
                                                      "legal_status")}
    facts["age"] = age_on(child.birth_date, today)
    facts["reason"] = {r.code for r in child.reasons}
    for domain in ("health", "education", "family", "housing", "income", "safety"):
        facts[f"{domain}_risk"] = getattr(assessment, f"{domain}_risk") if assessment is not None else None
    return facts


def _coerce(raw: str, actual):
    raw = (raw or "").strip()
    if isinstance(actual, bool):
        return raw.lower() in ("1", "true", "yes", "y", "да", "ооба")
    if isinstance(actual, int):
        return int(raw)
    return raw


def condition_holds(facts: dict, field, operator, value) -> bool:
    """One test of a rule: `field operator value`, interpreted (never evaluated as code)."""
    if field not in RULE_FIELDS or operator not in RULE_OPERATORS:
        return False
    actual = facts.get(field)
    if operator == "has":
        return isinstance(actual, set) and value.strip() in actual
    if actual is None or isinstance(actual, set):
        return False
    try:
        wanted = _coerce(value, actual)
    except ValueError:
        return False
    if operator == "eq":
        return actual == wanted
    if operator == "ne":
        return actual != wanted
    if operator == "gte":
        return actual >= wanted
    return actual <= wanted


def rule_applies(rule: CpPlanRule, facts: dict) -> bool:
    if not condition_holds(facts, rule.field1, rule.operator1, rule.value1):
        return False
    if rule.field2:
        return condition_holds(facts, rule.field2, rule.operator2 or "eq", rule.value2 or "")
    return True


def check_rule(session, rule: CpPlanRule):
    """A rule's condition names known fields and operators; numbers where a number is tested."""
    for field, operator, value, name in ((rule.field1, rule.operator1, rule.value1, "field1"),
                                         (rule.field2, rule.operator2, rule.value2, "field2")):
        if name == "field2" and not field:
            rule.operator2 = rule.value2 = None
            continue
        if field not in RULE_FIELDS:
            raise DomainError(_l("Unknown field of a condition."), field=name, code="rule_field")
        if (operator or "eq") not in RULE_OPERATORS:
            raise DomainError(_l("Unknown operator of a condition."), field=name, code="rule_operator")
        if (operator in ("gte", "lte") or field == "age") and not (value or "").strip().isdigit():
            raise DomainError(_l("This condition compares numbers: give a whole number."), field=name,
                              code="rule_value")
    if rule.working_days is None or rule.working_days < 0:
        raise DomainError(_l("The deadline is a number of working days."), field="working_days",
                          code="rule_days")


def generate_plan(session, child: CpChild, today: datetime.date | None = None):
    """Generate the individual child-protection plan and the family work plan from the child's recorded
    circumstances and the latest comprehensive assessment (Regulation No. 156), by the active rules kept as data.
    Each matching rule adds its activity (responsible body, deadline in working days from `today`) unless the
    child already has an activity of that rule; existing activities — generated, edited or entered by hand — are
    never changed or deleted. Returns the activities added."""
    today = today or local_today()
    if child.anonymised_on is not None:
        raise DomainError(_l("The record is anonymised and closed for changes."), code="anonymised")
    facts = facts_of(child, child.latest_assessment, today)
    have = {a.rule_id for a in child.activities if a.rule_id is not None}
    added = []
    for rule in session.scalars(select(CpPlanRule).where(CpPlanRule.active.is_(True)).order_by(CpPlanRule.id)):
        if rule.id in have or not rule_applies(rule, facts):
            continue
        activity = CpActivity(child=child, plan=rule.plan, title=_rule_title(rule),
                              responsible=rule.responsible, deadline=add_working_days(today, rule.working_days),
                              status="planned", rule=rule, edited=False)
        session.add(activity)
        added.append(activity)
    return added


def _rule_title(rule):
    return rule.name or rule.name_ru


def check_activity(session, activity: CpActivity, edited=False):
    """An activity: a known status; a done activity has its date; a change by hand marks a generated activity as
    edited so that regeneration leaves it alone."""
    if activity.status not in ACTIVITY_STATUSES:
        raise DomainError(_l("Unknown status of the activity."), field="status", code="activity_status")
    if activity.status == "done" and activity.done_on is None:
        activity.done_on = local_today()
    if activity.status != "done":
        activity.done_on = None
    if edited:
        activity.edited = True


def overdue_condition(today: datetime.date):
    """Overdue: the deadline has passed and the activity is neither done nor cancelled."""
    return and_(CpActivity.deadline < today, CpActivity.status.in_(OPEN_ACTIVITY))


def overdue_query(scope, today: datetime.date):
    """SELECT of the overdue activities inside `scope`, oldest deadline first: the overdue report's query."""
    return (scoped_select(CpActivity, scope).where(overdue_condition(today))
            .order_by(CpActivity.deadline, CpActivity.id).options(selectinload(CpActivity.child)))


def record_visit(session, visit: CpVisit, today=None):
    """A monitoring visit: not in the future nor before the identification."""
    today = today or local_today()
    child = visit.child
    if visit.visited_on is None or visit.visited_on > today or \
            (child is not None and visit.visited_on < child.identified_on):
        raise DomainError(_l("The date of the visit must lie between the identification and today."),
                          field="visited_on", code="visited_on")
    session.add(visit)
    return visit


# --- retention ------------------------------------------------------------------------------------------------------
def retention_age(session, today):
    """The retention age in force on `today` (policy parameter "child_protection.retention_age")."""
    return policy.value(session, RETENTION_KEY, today)


def past_retention(session, today: datetime.date):
    """Records whose personal data have outlived the retention period and are not yet anonymised."""
    cutoff = born_by(today, retention_age(session, today))  # born then or earlier: of that age by today
    return session.scalars(select(CpChild).where(CpChild.birth_date <= cutoff,
                                                 CpChild.anonymised_on.is_(None)).order_by(CpChild.id)).all()


def anonymise(session, today: datetime.date, dry_run=False):
    """Law "On personal information" and Regulation No. 156: a child's personal data are kept until the child
    turns 28, then removed. Names, PIN, addresses, free-text notes and the relatives' personal data are removed or
    replaced; what the statistics use (sex, birth year, place of identification, reasons, statuses, activity
    statuses and deadlines, visit outcomes) stays. Idempotent: anonymised records are skipped. Returns the
    records concerned (with `dry_run` nothing is changed)."""
    due = past_retention(session, today)
    if dry_run:
        return due
    used = policy.version(session, RETENTION_KEY, today)
    trail = _Erasure()
    for child in due:
        if used is not None:
            policy.record_use(session, child, [used], today)
        trail.before(child, CHILD_ERASED, values=(child.birth_date.isoformat(),))
        for relative in child.relatives:
            trail.before(relative, RELATIVE_ERASED)
        for assessment in child.assessments:
            trail.before(assessment, ASSESSMENT_ERASED)
        for activity in child.activities:
            trail.before(activity, ("outcome",))
        for visit in child.visits:
            trail.before(visit, ("note",))
        for step in child.transitions:
            trail.before(step, ("note",))
        trail.everywhere.update(v for v in (child.pin, child.full_name) if v)
        custom.erase_personal(child)  # personal custom fields go with the columns
        if child.family is not None:
            custom.erase_personal(child.family)
        child.last_name, child.first_name = ANONYMOUS, ""
        child.patronymic = None
        child.full_name = ANONYMOUS
        child.pin = None
        child.birth_date = datetime.date(child.birth_date.year, 1, 1)  # the birth year is kept
        child.identification_address = child.residence_address = None
        child.property_inventory = child.other_needs = None
        child.anonymised_on = today
        for relative in child.relatives:
            relative.last_name = relative.first_name = relative.patronymic = None
            relative.pin = None
            relative.household_member = None
            relative.note = None
        for assessment in child.assessments:
            for domain in ("health", "education", "family", "housing", "income", "safety"):
                setattr(assessment, f"{domain}_note", None)
        for activity in child.activities:
            activity.outcome = None
        for visit in child.visits:
            visit.note = None
        for step in child.transitions:
            step.note = ANONYMOUS
    session.flush()
    families = {c.family for c in due if c.family is not None}
    for family in families:
        if all(c.anonymised_on is not None for c in family.children):
            trail.before(family, ("name", "address", "note"))
            family.name, family.address, family.note, family.anonymised_on = ANONYMOUS, None, None, today
    session.flush()  # the anonymisation's own audit events (old → new) exist now and are erased with the rest
    trail.erase(session)
    return due


def daily(session, now):
    """The periodic duty (`flask sanarip daily`): retention on the day in the configured zone."""
    from app import clock

    due = anonymise(session, clock.local_today(now))
    return [f"child records anonymised (retention): {len(due)}"]


#: columns whose values retention removes (their old values are erased from the audit trail as well)
CHILD_ERASED = ("last_name", "first_name", "patronymic", "full_name", "pin", "birth_date", "identification_address",
                "residence_address", "property_inventory", "other_needs")
RELATIVE_ERASED = ("last_name", "first_name", "patronymic", "pin", "household_member_id", "note")
ASSESSMENT_ERASED = tuple(f"{d}_note" for d in ("health", "education", "family", "housing", "income", "safety"))


class _Erasure:
    """What retention removes from one run's records, collected before the values change, for `audit.erase`."""

    def __init__(self):
        self.objects, self.fields, self.needles, self.everywhere = {}, {}, set(), set()

    def before(self, obj, columns, values=()):
        table = obj.__tablename__
        self.objects.setdefault(table, set()).add(obj.id)
        personal = set(columns) | custom.personal_keys(obj)
        self.fields.setdefault(table, set()).update(personal)
        for column in personal:
            value = getattr(obj, column, None) if column in columns else (obj.custom or {}).get(column)
            if isinstance(value, str) and column != "household_member_id":
                self.needles.add(value)
        if getattr(obj, "last_name", None) and getattr(obj, "first_name", None):
            self.needles.add(f"{obj.last_name} {obj.first_name}")
        self.needles.update(values)

    def erase(self, session):
        return audit.erase(session, self.objects, self.fields, self.needles, self.everywhere)


# --- summary (reports) ----------------------------------------------------------------------------------------------
def family_work_plan(session, family):
    """The family work plan: the family-plan activities of the family's children inside the user's scope, by
    deadline."""
    from app.scope import current_scope

    return session.scalars(scoped_select(CpActivity, current_scope()).join(CpChild, CpChild.id == CpActivity.child_id)
                           .where(CpChild.family_id == family.id, CpActivity.plan == "family")
                           .order_by(CpActivity.deadline, CpActivity.id)).all()


def child_key():
    """SQL: who the child is across cases: the PIN, or the record itself when the PIN is unknown (or erased)."""
    from sqlalchemy import String, cast

    return func.coalesce(CpChild.pin, "#" + cast(CpChild.id, String))


def earlier_cases(session, child):
    """The child's other cases (same PIN) inside the user's scope, newest first: a child whose case was closed
    may be identified again (Regulation No. 156)."""
    from app.scope import current_scope

    if not child.pin:
        return []
    return session.scalars(scoped_select(CpChild, current_scope()).where(CpChild.pin == child.pin,
                                                                         CpChild.id != child.id)
                           .order_by(CpChild.identified_on.desc())).all()


def summary(session, scope, today: datetime.date):
    """The national (or territorial) summary: one list of (indicator key, value), counted in SQL in `scope`."""
    def count(*conditions, model=CpChild):
        return session.scalar(scoped_select(model, scope, func.count(model.id)).where(*conditions)) or 0

    rows = [
        ("children", session.scalar(scoped_select(CpChild, scope, func.count(func.distinct(child_key())))) or 0),
        ("cases", count()),
        ("girls", count(CpChild.sex == "F")),
        ("boys", count(CpChild.sex == "M")),
        ("with_disability", count(CpChild.disability.is_(True))),
        ("migrant_parents", count(CpChild.migrant_parents.is_(True))),
        ("pin_unknown", count(CpChild.pin_unknown.is_(True))),
        ("families", session.scalar(scoped_select(CpChild, scope, func.count(func.distinct(CpChild.family_id)))
                                    .where(CpChild.family_id.is_not(None))) or 0),
        ("open_cases", count(CpChild.status.not_in(("closed", "suspended")))),
        ("closed_cases", count(CpChild.status == "closed")),
        ("activities", count(model=CpActivity)),
        ("activities_done", count(CpActivity.status == "done", model=CpActivity)),
        ("activities_overdue", count(overdue_condition(today), model=CpActivity)),
        ("visits", count(model=CpVisit)),
    ]
    return rows


SUMMARY_LABELS = {
    "children": _l("Children identified"), "cases": _l("Cases (a child identified again has several)"),
    "girls": _l("Girls"), "boys": _l("Boys"),
    "with_disability": _l("Children with disabilities"), "migrant_parents": _l("Children of migrant parents"),
    "pin_unknown": _l("Children whose PIN is unknown"), "families": _l("Families"),
    "open_cases": _l("Open cases"), "closed_cases": _l("Cases closed: out of the difficult situation"),
    "activities": _l("Activities"), "activities_done": _l("Activities done"),
    "activities_overdue": _l("Activities overdue"), "visits": _l("Monitoring visits"),
}
