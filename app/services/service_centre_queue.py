"""The electronic queue of the public service centre (issue 12, item 6, and the one-tap rating of item 8): tickets
from the kiosk, the operator's window, the display board, appointments by time slot, the rating after service.

Every change of a ticket keeps its current state on ScTicket and ALSO appends a raw ScTicketEvent (the contract
with the statistics): `issued`, `called` (first call), `recalled` (each later call), `started`, `ended`,
`no_show`, `transferred` (the old ticket ends in state done; the new one has `transferred_from` and its own
`issued` at the same instant), `rated` (value 1..5).

Rules:
- Numbers: the service group's prefix and a serial per office, prefix and local day (A-001, A-002, B-001 ...).
  The serial comes from app/numbering.py's counter (one upsert that holds the row's lock until the commit), so
  two kiosks never get the same number; should the unique constraint still answer (a number typed elsewhere),
  `issuing` runs the whole transaction again.
- Call next (`ORDER`): among the waiting tickets of the services the window serves (every service of the office
  when it lists none) plus those transferred to this very window (a ticket sent to a window is called only
  there): first any priority category (`sc_priority` other than "none"), then checked-in appointments whose slot
  has begun (at or after `slot_start`; before it they wait as walk-ins by their check-in time), then the longest
  waiting (oldest issued_at). A transferred ticket is a new ticket: it waits from the moment of the transfer.
- One ticket at a time per window: a window with a called or served ticket cannot call another.
- Appointments: slots from the office's hours every `slot_minutes` of the service on working days, at most
  `slot_capacity` bookings (booked or checked in) per slot; the code is random (8 characters without look-alikes);
  check-in from CHECK_IN_EARLY before the slot to its end.
- Rating: once per ticket whose service ended (not one handed on by a transfer), on its day, 1..5."""
import datetime
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from app import clock, numbering, workdays
from app.errors import DomainError
from app.transaction import transaction
from models.service_centre import (PRIORITIES, ScAppointment, ScOffice, ScService, ScServiceGroup, ScStaff, ScTicket,
                                   ScTicketEvent, ScWindow, sc_service_office)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CHECK_IN_EARLY = datetime.timedelta(minutes=60)
BOARD_CALLED = 8  # tickets on the board's "called" list
ATTEMPTS = 5
ACTIVE = ("called", "serving")  # the states of the ticket a window is busy with
LANGUAGES = ("ky", "ru", "en")


# --- reading ------------------------------------------------------------------------------------------------------
def office_by_code(session, code):
    """The office with this code (case-insensitive), or None; anything odd in `code` finds nothing."""
    code = (code or "").strip().upper()
    if not code or len(code) > 10:
        return None
    return session.scalar(select(ScOffice).where(func.upper(ScOffice.code) == code))


def offered_services(session, office, group_id=None):
    """The active services the office offers (of one group), by the group's order and the service's code."""
    statement = (select(ScService).join(sc_service_office, sc_service_office.c.service_id == ScService.id)
                 .join(ScServiceGroup, ScServiceGroup.id == ScService.group_id)
                 .where(sc_service_office.c.office_id == office.id, ScService.active.is_(True))
                 .order_by(ScServiceGroup.sort_order, ScServiceGroup.id, ScService.code))
    if group_id is not None:
        statement = statement.where(ScService.group_id == group_id)
    return session.scalars(statement).all()


def offered_groups(session, office):
    """The groups having at least one active service the office offers, in their order."""
    seen, groups = set(), []
    for service in offered_services(session, office):
        if service.group_id not in seen:
            seen.add(service.group_id)
            groups.append(service.group)
    return groups


def offered_service(session, office, service_id, field="service"):
    """The active service of this office with this id, else a refusal (a bad or foreign id from a form)."""
    try:
        service_id = int(service_id)
    except (TypeError, ValueError):
        service_id = None
    service = next((s for s in offered_services(session, office) if s.id == service_id), None)
    if service is None:
        raise DomainError(_l("This service is not offered at this office."), field=field, code="sc_no_service")
    return service


def priority_choices():
    """(code, name) of the priority categories, "none" (the general queue) first."""
    from app.catalogue import classifiers

    pairs = classifiers.choices(PRIORITIES.code)
    return sorted(pairs, key=lambda pair: pair[0] != "none")


def _checked_priority(priority):
    priority = priority or "none"
    if priority not in dict(priority_choices()):
        raise DomainError(_l("Choose a category of the queue from the list."), field="priority",
                          code="sc_bad_priority")
    return priority


def local_day(now):
    return clock.local_today(now)


def _order(now):
    """The call order (see the module's docstring): priority, then appointment due, then the longest waiting."""
    due = and_(ScTicket.appointment_id.isnot(None),
               ScTicket.appointment_id.in_(select(ScAppointment.id).where(ScAppointment.slot_start <= now)))
    return (case((ScTicket.priority != "none", 0), else_=1), case((due, 0), else_=1), ScTicket.issued_at,
            ScTicket.id)


def _window_condition(window):
    """The waiting tickets a window may call: of its services (all of the office's when none are listed) and not
    sent to another window, or sent to this one."""
    service_ids = [s.id for s in window.services]
    own = ScTicket.target_window_id.is_(None)
    if service_ids:
        own = and_(own, ScTicket.service_id.in_(service_ids))
    return or_(own, ScTicket.target_window_id == window.id)


def waiting_for_window(session, window, now, statement=None):
    """The waiting tickets the window would call, in call order (the first is the next)."""
    statement = statement if statement is not None else select(ScTicket)
    return session.scalars(statement.where(
        ScTicket.office_id == window.office_id, ScTicket.state == "waiting", ScTicket.day == local_day(now),
        _window_condition(window)).order_by(*_order(now))).all()


def waiting_counts(session, office, now):
    """[(service, count)] of today's waiting tickets per service of the office."""
    rows = session.execute(select(ScTicket.service_id, func.count()).where(
        ScTicket.office_id == office.id, ScTicket.state == "waiting", ScTicket.day == local_day(now))
        .group_by(ScTicket.service_id)).all()
    services = {s.id: s for s in session.scalars(select(ScService).where(ScService.id.in_([r[0] for r in rows])))}
    return sorted(((services[sid], count) for sid, count in rows), key=lambda pair: pair[0].code)


def people_ahead(session, ticket, now):
    """How many waiting tickets of the same service would be called before this one."""
    if ticket.state != "waiting":
        return 0
    rows = session.scalars(select(ScTicket).where(
        ScTicket.office_id == ticket.office_id, ScTicket.state == "waiting", ScTicket.day == ticket.day,
        ScTicket.service_id == ticket.service_id).order_by(*_order(now))).all()
    return next((i for i, row in enumerate(rows) if row.id == ticket.id), 0)


def ticket_by_number(session, office, number, now):
    """Today's ticket of the office with this number, or None."""
    number = (number or "").strip().upper()[:8]
    if not number:
        return None
    return session.scalar(select(ScTicket).where(ScTicket.office_id == office.id, ScTicket.day == local_day(now),
                                                 ScTicket.number == number))


def current_ticket(session, window):
    """The ticket the window is busy with (called or being served), or None."""
    return session.scalar(select(ScTicket).where(ScTicket.window_id == window.id, ScTicket.state.in_(ACTIVE))
                          .order_by(ScTicket.called_at.desc()).limit(1))


def board_version(session, office):
    """A number that changes with every event of the office's queue: the board's ETag."""
    return session.scalar(select(func.max(ScTicketEvent.id)).where(ScTicketEvent.office_id == office.id)) or 0


def board(session, office, now):
    """What the public board shows: the last called tickets with their windows and those being served. Numbers
    and windows only, nothing personal."""
    day = local_day(now)
    since = clock.from_local(datetime.datetime.combine(day, datetime.time(0)))  # today's events only (indexed)
    last_call = (select(ScTicketEvent.ticket_id, func.max(ScTicketEvent.id).label("event_id"))
                 .where(ScTicketEvent.office_id == office.id, ScTicketEvent.at >= since,
                        ScTicketEvent.event.in_(("called", "recalled")))
                 .group_by(ScTicketEvent.ticket_id).subquery())
    called = session.execute(
        select(ScTicket.number, ScWindow.number).join(last_call, last_call.c.ticket_id == ScTicket.id)
        .join(ScWindow, ScWindow.id == ScTicket.window_id)
        .where(ScTicket.office_id == office.id, ScTicket.day == day, ScTicket.state == "called")
        .order_by(last_call.c.event_id.desc()).limit(BOARD_CALLED)).all()
    serving = session.execute(
        select(ScTicket.number, ScWindow.number).join(ScWindow, ScWindow.id == ScTicket.window_id)
        .where(ScTicket.office_id == office.id, ScTicket.day == day, ScTicket.state == "serving")
        .order_by(ScWindow.number)).all()
    waiting = session.scalar(select(func.count()).select_from(ScTicket).where(
        ScTicket.office_id == office.id, ScTicket.day == day, ScTicket.state == "waiting"))
    return {"called": [{"number": n, "window": w} for n, w in called],
            "serving": [{"number": n, "window": w} for n, w in serving], "waiting": waiting}


def staff_of(session, user, office_id=None):
    """The user's active staff rows (of one office)."""
    statement = select(ScStaff).where(ScStaff.user_id == user.id, ScStaff.active.is_(True))
    if office_id is not None:
        statement = statement.where(ScStaff.office_id == office_id)
    return session.scalars(statement).all()


# --- writing: tickets ---------------------------------------------------------------------------------------------
def _event(session, ticket, event, now, window=None, operator=None, value=None):
    session.add(ScTicketEvent(ticket=ticket, office_id=ticket.office_id, service_id=ticket.service_id, at=now,
                              event=event, window=window, operator=operator, value=value))


def _lock_office(session, office_id):
    """Serialise the changes of one office's queue until the transaction ends (SQLite: the write lock;
    PostgreSQL: the office's row)."""
    with session.no_autoflush:
        numbering.write_lock(session)
        if session.connection().dialect.name == "postgresql":
            session.execute(select(ScOffice.id).where(ScOffice.id == office_id).with_for_update())


def _serial_floor(session, office_id, day, prefix):
    numbers = session.scalars(select(ScTicket.number).where(ScTicket.office_id == office_id, ScTicket.day == day,
                                                            ScTicket.number.like(f"{prefix}-%"))).all()
    serials = [int(n.split("-", 1)[1]) for n in numbers if n.split("-", 1)[1].isdigit()]
    return max(serials, default=0)


def next_number(session, office, service, day):
    """The service group's prefix and the next serial of the office's day for it: A-001, A-002 ..."""
    prefix = (service.group.prefix() or "").upper()
    serial = numbering.next_number(session, "sc_ticket", f"{office.id}:{prefix}", int(day.strftime("%Y%m%d")),
                                   floor=lambda: _serial_floor(session, office.id, day, prefix))
    return f"{prefix}-{serial:03d}"


def issue(session, office, service_id, now, priority="none", language="ky", appointment=None, target_window=None,
          transferred_from=None):
    """A new waiting ticket of an offered service, with its `issued` event."""
    service = service_id if isinstance(service_id, ScService) else offered_service(session, office, service_id)
    priority = _checked_priority(priority)
    language = language if language in LANGUAGES else "ky"
    day = local_day(now)
    ticket = ScTicket(office=office, office_id=office.id, service=service, service_id=service.id, day=day,
                      number=next_number(session, office, service, day), priority=priority, state="waiting",
                      issued_at=now, language=language, appointment=appointment, target_window=target_window,
                      transferred_from=transferred_from)
    session.add(ticket)
    _event(session, ticket, "issued", now)
    session.flush()
    return ticket


def _is_number_clash(exc):
    text = str(exc.orig) if getattr(exc, "orig", None) is not None else str(exc)
    return "uq_sc_ticket_number" in text or "sc_ticket.number" in text


def issuing(session, work, attempts=ATTEMPTS):
    """Run `work()` (which issues a ticket) in one transaction; when the unique number clashed with a concurrent
    issue, roll back and run it again. Returns (transaction, result)."""
    for attempt in range(attempts):
        result = None
        try:
            with transaction(session) as t:
                result = work()
            return t, result
        except IntegrityError as exc:
            if not _is_number_clash(exc) or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _staff_for_window(session, window, staff):
    if staff is None or staff.office_id != window.office_id or not staff.active:
        raise DomainError(_l("You are not on the staff of this office."), code="sc_not_staff")
    if window.operator_id != staff.id or window.opened_at is None:
        raise DomainError(_l("Open this window first."), code="sc_window_not_open")


def open_window(session, window, staff, now):
    """The staff member takes the window (and leaves any other window of theirs, if it is free)."""
    if staff is None or staff.office_id != window.office_id or not staff.active:
        raise DomainError(_l("You are not on the staff of this office."), code="sc_not_staff")
    if not window.active:
        raise DomainError(_l("This window is not in use."), code="sc_window_inactive")
    if window.operator_id not in (None, staff.id) and window.opened_at is not None:
        raise DomainError(_l("Window %(number)s is open by another operator.", number=window.number),
                          code="sc_window_taken")
    for other in session.scalars(select(ScWindow).where(ScWindow.operator_id == staff.id, ScWindow.id != window.id)):
        close_window(session, other, staff, now)
    window.operator = staff
    window.opened_at = now
    session.flush()
    return window


def close_window(session, window, staff, now):
    if window.operator_id is None:
        return window
    if staff is None or window.operator_id != staff.id:
        raise DomainError(_l("Window %(number)s is open by another operator.", number=window.number),
                          code="sc_window_taken")
    if current_ticket(session, window) is not None:
        raise DomainError(_l("Finish the current ticket before closing window %(number)s.", number=window.number),
                          code="sc_window_busy")
    window.operator = None
    window.opened_at = None
    session.flush()
    return window


def call_next(session, window, staff, now):
    """Call the next ticket to the window (see `_order`); None when nobody is waiting."""
    _staff_for_window(session, window, staff)
    _lock_office(session, window.office_id)
    if current_ticket(session, window) is not None:
        raise DomainError(_l("Finish the current ticket before calling the next one."), code="sc_window_busy")
    statement = select(ScTicket)
    if session.connection().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    waiting = waiting_for_window(session, window, now, statement.limit(1))
    if not waiting:
        return None
    ticket = waiting[0]
    ticket.state, ticket.called_at, ticket.window, ticket.operator = "called", now, window, staff
    _event(session, ticket, "called", now, window, staff)
    session.flush()
    return ticket


def _own_ticket(session, window, staff, ticket, states):
    _staff_for_window(session, window, staff)
    if ticket is None or ticket.office_id != window.office_id:
        raise DomainError(_l("No such ticket at this office."), code="sc_no_ticket")
    if ticket.window_id != window.id:
        raise DomainError(_l("Ticket %(number)s is not at this window.", number=ticket.number),
                          code="sc_other_window")
    if ticket.state not in states:
        messages = {"called": _l("Ticket %(number)s has not been called.", number=ticket.number),
                    "serving": _l("The service of ticket %(number)s has not started.", number=ticket.number)}
        raise DomainError(messages.get(states[0], messages["called"]), code="sc_bad_state")
    return ticket


def recall(session, window, staff, ticket, now):
    ticket = _own_ticket(session, window, staff, ticket, ("called",))
    _event(session, ticket, "recalled", now, window, staff)
    session.flush()
    return ticket


def start(session, window, staff, ticket, now):
    ticket = _own_ticket(session, window, staff, ticket, ("called",))
    ticket.state, ticket.started_at = "serving", now
    _event(session, ticket, "started", now, window, staff)
    session.flush()
    return ticket


def end(session, window, staff, ticket, now):
    ticket = _own_ticket(session, window, staff, ticket, ("serving",))
    ticket.state, ticket.ended_at = "done", now
    _event(session, ticket, "ended", now, window, staff)
    session.flush()
    return ticket


def no_show(session, window, staff, ticket, now):
    ticket = _own_ticket(session, window, staff, ticket, ("called",))
    ticket.state, ticket.ended_at = "no_show", now
    _event(session, ticket, "no_show", now, window, staff)
    session.flush()
    return ticket


def transfer(session, window, staff, ticket, now, service_id=None, window_id=None):
    """Hand the ticket on to another service of the office or to another window: the old ticket ends (done,
    `transferred`), a new waiting ticket is issued at the same instant with `transferred_from` set and the same
    priority and language. Returns the new ticket."""
    ticket = _own_ticket(session, window, staff, ticket, ACTIVE)
    office = session.get(ScOffice, window.office_id)
    target, service = None, ticket.service
    if window_id not in (None, ""):
        try:
            target = session.get(ScWindow, int(window_id))
        except (TypeError, ValueError):
            target = None
        if target is None or target.office_id != office.id or not target.active:
            raise DomainError(_l("Choose a window of this office."), field="window", code="sc_bad_window")
        if target.id == window.id:
            raise DomainError(_l("The ticket is already at this window."), field="window", code="sc_same_window")
    if service_id not in (None, ""):
        service = offered_service(session, office, service_id)
    if target is None and service.id == ticket.service_id:
        raise DomainError(_l("Choose another service or another window."), field="service", code="sc_no_transfer")
    ticket.state, ticket.ended_at = "done", now
    _event(session, ticket, "transferred", now, window, staff)
    return issue(session, office, service, now, priority=ticket.priority, language=ticket.language,
                 target_window=target, transferred_from=ticket)


# --- appointments -------------------------------------------------------------------------------------------------
def _local_time(instant):
    return clock.to_local(instant)


def slots(session, office, service, day, now):
    """[(slot start (aware UTC), free places)] of a day for a bookable service: the office's hours every
    `slot_minutes`, on working days, from now on."""
    if not service.slot_minutes or service.slot_minutes <= 0 or not workdays.is_working_day(day):
        return []
    zone = clock.local_zone()
    at = datetime.datetime.combine(day, office.opens_at, zone)
    closes = datetime.datetime.combine(day, office.closes_at, zone)
    step = datetime.timedelta(minutes=service.slot_minutes)
    starts = []
    while at + step <= closes:
        starts.append(at.astimezone(clock.UTC))
        at += step
    if not starts:
        return []
    taken = dict(session.execute(select(ScAppointment.slot_start, func.count()).where(
        ScAppointment.office_id == office.id, ScAppointment.service_id == service.id,
        ScAppointment.state.in_(("booked", "checked_in")),
        ScAppointment.slot_start.between(starts[0], starts[-1])).group_by(ScAppointment.slot_start)).all())
    taken = {clock.as_utc(k): v for k, v in taken.items()}
    return [(s, max(0, service.slot_capacity - taken.get(s, 0))) for s in starts if s > now]


def _new_code(session):
    for _ in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(ScAppointment.id).where(ScAppointment.code == code)) is None:
            return code
    raise DomainError(_l("Could not make a booking code; try again."), code="sc_no_code")  # pragma: no cover


def _check_slot(session, office, service, slot_start, now, exclude_id=None):
    slot_start = clock.as_utc(slot_start)
    if not service.slot_minutes:
        raise DomainError(_l("This service is not booked in advance."), field="service", code="sc_not_bookable")
    day = clock.to_local(slot_start).date()
    free = dict(slots(session, office, service, day, now))
    if slot_start not in free:
        raise DomainError(_l("Choose a time slot from the list: within the office's hours, on a working day, "
                             "not in the past."), field="slot_start", code="sc_bad_slot")
    taken = session.scalar(select(func.count()).select_from(ScAppointment).where(
        ScAppointment.office_id == office.id, ScAppointment.service_id == service.id,
        ScAppointment.slot_start == slot_start, ScAppointment.state.in_(("booked", "checked_in")),
        ScAppointment.id != (exclude_id or -1)))
    if taken >= service.slot_capacity:
        raise DomainError(_l("This time slot is fully booked (%(capacity)s places); choose another time.",
                             capacity=service.slot_capacity), field="slot_start", code="sc_slot_full")
    return slot_start


def book(session, office, service_id, slot_start, applicant_name, now, phone=None):
    """A booking of a slot within its limit, with a random unique code."""
    service = offered_service(session, office, service_id)
    applicant_name = (applicant_name or "").strip()
    if not applicant_name:
        raise DomainError(_l("Enter the applicant's name."), field="applicant_name", code="sc_no_name")
    _lock_office(session, office.id)
    slot_start = _check_slot(session, office, service, slot_start, now)
    appointment = ScAppointment(office=office, office_id=office.id, service=service, service_id=service.id,
                                slot_start=slot_start, applicant_name=applicant_name[:255],
                                phone=(phone or "").strip()[:50] or None, code=_new_code(session), state="booked")
    session.add(appointment)
    session.flush()
    return appointment


def prepare_appointment(session, item, now):
    """For the staff's appointment form (ScAppointmentView.pre_add): the same checks as `book`, and the code and
    state filled in."""
    office = item.office or (session.get(ScOffice, item.office_id) if item.office_id else None)
    service = item.service or (session.get(ScService, item.service_id) if item.service_id else None)
    if office is None or service is None:
        raise DomainError(_l("This service is not offered at this office."), field="service", code="sc_no_service")
    offered_service(session, office, service.id)
    _lock_office(session, office.id)
    item.slot_start = _check_slot(session, office, service, clock.from_local(item.slot_start), now)
    item.code = item.code or _new_code(session)
    item.state = item.state or "booked"
    return item


def cancel_appointment(session, appointment, now):
    if appointment.state != "booked":
        raise DomainError(_l("Only a booked appointment can be cancelled."), code="sc_not_booked")
    appointment.state = "cancelled"
    session.flush()
    return appointment


def check_in(session, office, code, now, language="ky"):
    """The appointment with this code checks in at the kiosk: its ticket is issued (priority order: see `_order`)."""
    code = (code or "").strip().upper().replace(" ", "").replace("-", "")[:CODE_LENGTH + 2]
    appointment = session.scalar(select(ScAppointment).where(ScAppointment.office_id == office.id,
                                                             ScAppointment.code == code)) if code else None
    if appointment is None:
        raise DomainError(_l("No appointment with this code at this office."), field="code", code="sc_no_booking")
    if appointment.state == "checked_in":
        raise DomainError(_l("This appointment has already been checked in."), field="code", code="sc_checked_in")
    if appointment.state != "booked":
        raise DomainError(_l("This appointment was cancelled or missed; take a ticket of the general queue."),
                          field="code", code="sc_not_booked")
    start_at = clock.as_utc(appointment.slot_start)
    slot_end = start_at + datetime.timedelta(minutes=appointment.service.slot_minutes or 0)
    if now < start_at - CHECK_IN_EARLY:
        raise DomainError(_l("It is too early: check in at most an hour before your time."), field="code",
                          code="sc_too_early")
    if now > slot_end:
        raise DomainError(_l("The time of this appointment has passed; take a ticket of the general queue."),
                          field="code", code="sc_too_late")
    ticket = issue(session, office, appointment.service, now, language=language, appointment=appointment)
    appointment.state, appointment.ticket = "checked_in", ticket
    session.flush()
    return ticket


def cancel_by_code(session, office, code, now):
    """The applicant cancels their booking by its code (public booking page)."""
    code = (code or "").strip().upper().replace(" ", "").replace("-", "")[:CODE_LENGTH + 2]
    appointment = session.scalar(select(ScAppointment).where(ScAppointment.office_id == office.id,
                                                             ScAppointment.code == code)) if code else None
    if appointment is None:
        raise DomainError(_l("No appointment with this code at this office."), field="code", code="sc_no_booking")
    return cancel_appointment(session, appointment, now)


def close_past_days(session, now):
    """Tickets of earlier days still waiting or called end as `cancelled` (with the event), so that a day's queue
    is closed for the statistics and never called the next morning (the daily duty may call this). Returns
    count."""
    count = 0
    for ticket in session.scalars(select(ScTicket).where(ScTicket.day < local_day(now),
                                                         ScTicket.state.in_(("waiting", "called")))):
        ticket.state, ticket.ended_at = "cancelled", now
        _event(session, ticket, "cancelled", now, ticket.window, ticket.operator)
        count += 1
    session.flush()
    return count


def mark_missed(session, now):
    """Booked appointments whose slot has ended become `missed` (the daily duty may call this). Returns count."""
    count = 0
    for appointment in session.scalars(select(ScAppointment).where(ScAppointment.state == "booked",
                                                                   ScAppointment.slot_start < now)):
        ends = clock.as_utc(appointment.slot_start) + datetime.timedelta(minutes=appointment.service.slot_minutes or 0)
        if ends < now:
            appointment.state = "missed"
            count += 1
    session.flush()
    return count


# --- rating -------------------------------------------------------------------------------------------------------
def can_rate(session, ticket):
    handed_on = session.scalar(select(exists().where(ScTicket.transferred_from_id == ticket.id)))
    return ticket.state == "done" and ticket.started_at is not None and ticket.ended_at is not None and \
        not handed_on and ticket.rating is None


def rate(session, office, number, value, now):
    """One tap 1..5 after the service ended: on the ticket and as a `rated` event; once per ticket."""
    ticket = ticket_by_number(session, office, number, now)
    if ticket is None:
        raise DomainError(_l("No ticket with this number today."), field="number", code="sc_no_ticket")
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise DomainError(_l("Choose a mark from 1 to 5."), field="value", code="sc_bad_rating")
    if ticket.rating is not None:
        raise DomainError(_l("This ticket has already been rated. Thank you!"), field="value", code="sc_rated")
    if not can_rate(session, ticket):
        raise DomainError(_l("The service of this ticket has not ended yet."), field="value", code="sc_not_ended")
    ticket.rating = value
    _event(session, ticket, "rated", now, ticket.window, ticket.operator, value=value)
    session.flush()
    return ticket
