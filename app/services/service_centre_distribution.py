"""Automatic distribution of work in the public service centre (issue 12, item 4; regulation cl. 1.6(12)) and the
escalation of overdue stages to the office head (item 3).

An office's rules (`ScAssignmentRule`) say, per service or for every service, which role gets new applications
and how: round robin (after the last one given, in the order of the staff's ids), least open work (fewest
applications received / sent / with the result received, ties by id) or by skill (only those who have the
service among their skills, then least open work). Without a rule the office gives them to the back-office
specialist with the least open work. Only eligible staff count: working in the office, of the role, on a shift
now (the shift's weekday and hours in the configured zone, TIMEZONE; somebody without any shift is never on
shift) and not absent today (leave, sick leave, training). When nobody is eligible the application stays
unassigned, the history says so, and the office head is alerted; it is never given to someone silently.
Every assignment, automatic or manual (with its reason), is a row of `ScAssignment`."""
from flask import has_request_context
from flask_babel import force_locale, format_date, gettext, lazy_gettext as _l
from sqlalchemy import func, select

from app import clock, numbering
from app.errors import DomainError
from app.i18n import current_language, localized_name
from models.service_centre import (APPLICATION_STATES, STAFF_ROLES, ScAbsence, ScApplication, ScAssignment,
                                   ScAssignmentRule, ScShift, ScStaff, sc_staff_skill)

OPEN_STATES = ("received", "sent", "result_received")
METHODS = ("round_robin", "least_open", "skill")
DEFAULT_METHOD, DEFAULT_ROLE = "least_open", "back_office"


def _local(now):
    return clock.to_local(now)


def eligible_staff(session, office, service, role, now, skill=False):
    """Active staff of `office` with `role`, on a shift at `now` (local weekday and time), not absent on the local
    day of `now`; with `skill`, only those with `service` among their skills. Ordered by id."""
    local = _local(now)
    today, weekday, time = local.date(), local.weekday(), local.time().replace(tzinfo=None)
    office_id = office.id if hasattr(office, "id") else office
    on_shift = select(ScShift.staff_id).where(ScShift.weekday == weekday, ScShift.starts_at <= time,
                                              ScShift.ends_at > time)
    absent = select(ScAbsence.staff_id).where(ScAbsence.starts_on <= today, ScAbsence.ends_on >= today)
    query = select(ScStaff).where(ScStaff.office_id == office_id, ScStaff.role == role, ScStaff.active.is_(True),
                                  ScStaff.id.in_(on_shift), ScStaff.id.not_in(absent)).order_by(ScStaff.id)
    if skill:
        service_id = service.id if hasattr(service, "id") else service
        query = query.where(ScStaff.id.in_(select(sc_staff_skill.c.staff_id).where(
            sc_staff_skill.c.service_id == service_id)))
    return list(session.scalars(query))


def rule_for(session, office_id, service_id):
    """The office's rule in force for the service, else its rule for every service, else None."""
    rules = session.scalars(select(ScAssignmentRule).where(
        ScAssignmentRule.office_id == office_id, ScAssignmentRule.active.is_(True),
        (ScAssignmentRule.service_id == service_id) | ScAssignmentRule.service_id.is_(None))).all()
    return next((r for r in rules if r.service_id == service_id), None) or \
        next((r for r in rules if r.service_id is None), None)


def open_counts(session, staff_ids):
    """{staff id: open applications assigned to them} (received, sent, result received)."""
    if not staff_ids:
        return {}
    rows = session.execute(select(ScApplication.assignee_id, func.count()).where(
        ScApplication.assignee_id.in_(staff_ids), ScApplication.state.in_(OPEN_STATES))
        .group_by(ScApplication.assignee_id)).all()
    counts = dict.fromkeys(staff_ids, 0)
    counts.update({staff_id: n for staff_id, n in rows})
    return counts


def _least_open(session, candidates):
    counts = open_counts(session, [s.id for s in candidates])
    return min(candidates, key=lambda s: (counts[s.id], s.id)) if candidates else None


def _round_robin(candidates, last_staff_id):
    if not candidates:
        return None
    if last_staff_id is None:
        return candidates[0]
    return next((s for s in candidates if s.id > last_staff_id), candidates[0])


def choose(session, application, now):
    """(staff or None, method, rule or None): whom the rules give `application` to at `now`."""
    rule = rule_for(session, application.office_id, application.service_id)
    method = rule.method if rule is not None else DEFAULT_METHOD
    role = rule.role if rule is not None else DEFAULT_ROLE
    candidates = eligible_staff(session, application.office_id, application.service_id, role, now,
                                skill=method == "skill")
    if method == "round_robin":
        # the rule's row is held until the transaction ends (FOR UPDATE on PostgreSQL, the database's write lock
        # on SQLite): two intakes at once continue one after the other, the second from where the first left off
        numbering.write_lock(session)
        rule = session.scalars(select(ScAssignmentRule).where(ScAssignmentRule.id == rule.id).with_for_update()
                               .execution_options(populate_existing=True)).one()
        staff = _round_robin(candidates, rule.last_staff_id)
    else:
        staff = _least_open(session, candidates)
    return staff, method, rule


def _actor_id(actor):
    return getattr(actor, "id", actor) if actor is not None else None


def assign(session, application, now, actor=None):
    """Give `application` to whom its office's rule says (see the module's doc); writes the history row. When
    nobody is eligible: no assignee, `unassigned` set, an empty history row, the office head alerted. Returns the
    staff member or None."""
    with session.no_autoflush:  # a new application may name its office and service by relationship only
        if application.office_id is None and application.office is not None:
            application.office_id = application.office.id
        if application.service_id is None and application.service is not None:
            application.service_id = application.service.id
    staff, method, rule = choose(session, application, now)
    application.assignee = staff
    application.assignee_id = staff.id if staff is not None else None
    application.unassigned = staff is None
    session.add(ScAssignment(application=application, at=now, staff=staff, method=method,
                             reason=None if staff is not None else str(_no_one_reason(method)),
                             actor_id=_actor_id(actor)))
    if staff is not None and rule is not None and method == "round_robin":
        rule.last_staff = staff
        rule.last_staff_id = staff.id
    if staff is None:
        alert_head(session, application, "unassigned", now)
    session.flush()
    return staff


def _no_one_reason(method):
    return _l("Nobody eligible (on shift, present, of the role%(skill)s)",
              skill=_l(", with the skill") if method == "skill" else "")


REASON_REQUIRED = _l("State the reason for the reassignment.")
FINISHED = _l("The application is finished (handed over or refused): it is not reassigned any more.")
NOT_OF_OFFICE = _l("Choose a member of this office's staff who works there now.")


def reassign(session, application, staff, reason, now, actor):
    """A manual assignment with its reason (required) to an active member of the application's office, while the
    application is open."""
    if application.state not in OPEN_STATES:
        raise DomainError(FINISHED, code="application_finished")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(REASON_REQUIRED, field="reason", code="reason_required")
    if staff is not None and not isinstance(staff, ScStaff):
        staff = session.get(ScStaff, int(staff))
    if staff is None or staff.office_id != application.office_id or not staff.active:
        raise DomainError(NOT_OF_OFFICE, field="staff", code="staff_not_of_office")
    application.assignee = staff
    application.assignee_id = staff.id
    application.unassigned = False
    session.add(ScAssignment(application=application, at=now, staff=staff, method="manual", reason=reason[:500],
                             actor_id=_actor_id(actor)))
    session.flush()
    return staff


def staff_choices(session, application):
    """(id, label) of the active staff of the application's office, for the reassignment form."""
    rows = session.scalars(select(ScStaff).where(ScStaff.office_id == application.office_id,
                                                 ScStaff.active.is_(True)).order_by(ScStaff.full_name, ScStaff.id))
    return [(s.id, f"{s.full_name} ({STAFF_ROLES.get(s.role, s.role)})") for s in rows]


# --- alerts to the office head ------------------------------------------------------------------------------------
def _alert_language():
    return current_language() if has_request_context() else "ky"


def _alert_text(application, event, language):
    """(subject, body) of a head's alert, in `language`."""
    with force_locale(language):
        service = localized_name(application.service, language=language, mark_missing=False) \
            if application.service is not None else ""
        number = application.number or str(application.id or "")
        if event == "unassigned":
            subject = gettext("Application %(number)s: nobody to assign it to", number=number)
            body = gettext("The application %(number)s (%(service)s) could not be given to anybody automatically: "
                           "no member of the staff is on shift, present and eligible under the office's rule. "
                           "Assign it manually.", number=number, service=service)
        else:
            stage = str(APPLICATION_STATES.get(application.state, application.state))
            due = format_date(application.stage_due_on, "long") if application.stage_due_on else ""
            subject = gettext("Application %(number)s: stage overdue", number=number)
            body = gettext("The stage \"%(stage)s\" of the application %(number)s (%(service)s) was due on "
                           "%(date)s and is not finished.", stage=stage, number=number, service=service, date=due)
    return subject, body


def alert_head(session, application, event, now):
    """An alert (`unassigned` or `escalation`) to the office head's account, shown in their "My alerts" and also
    sent by e-mail when the account has an address. None when the office has no head."""
    from app.services import service_centre_notify as notify

    office = application.office
    head = office.head if office is not None else None
    if head is None:
        return None
    language = _alert_language()
    subject, body = _alert_text(application, event, language)
    email = (getattr(head, "email", None) or "").strip()
    return notify.queue(session, office_id=office.id, application=application, event=event,
                        channel="email" if email else "app", recipient=email or None, recipient_user=head,
                        language=language, subject=subject, body=body, now=now)


def escalate_overdue(session, now):
    """Open applications whose stage was due before the local today and not yet escalated: `escalated_at` set
    (once per stage: the stages' rules clear it when the stage changes) and the office head alerted. One waiting
    for an interagency answer is paused (its clock stops), not overdue. Returns how many."""
    from app.services.service_centre import overdue_condition  # the one definition of "overdue" (the report's)

    today = clock.local_today(now)
    rows = session.scalars(select(ScApplication).where(
        overdue_condition(today), ScApplication.escalated_at.is_(None)).order_by(ScApplication.id)).all()
    for application in rows:
        application.escalated_at = now
        alert_head(session, application, "escalation", now)
    session.flush()
    return len(rows)


def daily(session, now):
    """The distribution's part of the module's periodic duty: escalations, then the outbox. Report lines."""
    from app.services import service_centre_notify as notify

    escalated = escalate_overdue(session, now)
    sent, failed = notify.deliver_pending(session, now)
    return [f"service centre: {escalated} overdue stage(s) escalated to the office heads",
            f"service centre: {sent} notification(s) sent, {failed} failed"]



def office_board(session, office, now):
    """What the head's distribution page shows of one office at `now`: each active staff member with their role,
    whether they are on shift and present now, and their open work; and the open applications nobody has."""
    local = _local(now)
    today, weekday, time = local.date(), local.weekday(), local.time().replace(tzinfo=None)
    staff = session.scalars(select(ScStaff).where(ScStaff.office_id == office.id, ScStaff.active.is_(True))
                            .order_by(ScStaff.role, ScStaff.full_name, ScStaff.id)).all()
    ids = [s.id for s in staff]
    counts = open_counts(session, ids)
    on_shift = set(session.scalars(select(ScShift.staff_id).where(
        ScShift.staff_id.in_(ids), ScShift.weekday == weekday, ScShift.starts_at <= time, ScShift.ends_at > time)))
    absences = {a.staff_id: a for a in session.scalars(select(ScAbsence).where(
        ScAbsence.staff_id.in_(ids), ScAbsence.starts_on <= today, ScAbsence.ends_on >= today))}
    rows = [{"staff": s, "role": STAFF_ROLES.get(s.role, s.role), "on_shift": s.id in on_shift,
             "absence": absences.get(s.id), "open": counts.get(s.id, 0)} for s in staff]
    unassigned = session.scalars(select(ScApplication).where(
        ScApplication.office_id == office.id, ScApplication.state.in_(OPEN_STATES),
        ScApplication.assignee_id.is_(None)).order_by(ScApplication.id).limit(100)).all()
    return {"office": office, "staff": rows, "unassigned": unassigned}
