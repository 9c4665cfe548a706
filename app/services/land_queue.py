"""Rules of the land-plot queue: registration, queue positions, allocation of a plot, removal from the queue.

Legal basis:
- Land Code of the Kyrgyz Republic (2 June 1999 No. 45): land plots of settlements for individual housing
  construction (ИЖС) and for lease are provided by the executive bodies of local self-government (aiyl okmotu, city
  mayor's office) out of municipal land.
- Regulation on the procedure for providing land plots for individual housing construction, approved by Government
  Resolution of 6 May 2005 No. 177 (as amended, last by the Cabinet of Ministers on 31 May 2022): a citizen applies
  to the local body, is entered in the list in the order applications are received, plots are provided in the
  order of that list, and the lists are published; a free plot for individual housing is granted once.
- Priority groups (the categories' `rank`): the Children's Code (orphans and graduates of children's homes), the Law
  "On the rights and guarantees of persons with disabilities", the Law "On the status of servicemen" and the laws on
  veterans. The classifier is editable so that an LSG body follows the edition in force.

Queue rule (one place: `QUEUE_ORDER`): within one territory and one kind, applications "in queue" are numbered
1, 2, 3 … without gaps by (category rank ascending, time received ascending, id ascending). Every change that can
move a position (registration, a category change, allocation, removal, a rank change of a category) renumbers the
queue inside the same transaction while holding the territory's queue lock.

Services never commit and never read flask.g; the caller owns the transaction."""
import datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, inspect, select, text
from sqlalchemy.orm.attributes import set_committed_value

from app import audit, numbering, workflow
from app.ages import age_on
from app.errors import DomainError
from app.identifiers import parse_cadastral, parse_pin
from app.scope import refuse_duplicate
from models.land_queue import KINDS, REMOVAL_REASONS, STATUSES, LandApplication, LandCategory, LandFamilyMember, \
    LandStatusChange
from app.territory_kinds import LSG_UNIT_KINDS
from models.reference import Territory
from app import clock
from app.clock import local_today

#: First key of PostgreSQL's two-key advisory lock: "LQ" (land queue); the second key is the territory id.
LOCK_NAMESPACE = 0x4C51
#: The queue order: priority rank of the category, then time received, then id (registration order).
QUEUE_ORDER = (LandCategory.rank.asc(), LandApplication.received_at.asc(), LandApplication.id.asc())
#: Fields that place an application in a queue: fixed once it is registered (to change them, remove the
#: application with a reason and register a new one).
FIXED_FIELDS = ("territory", "territory_id", "kind", "received_at", "number", "year", "seq", "status", "position")


# --- locks and positions ---------------------------------------------------------------------------------------
def lock_queue(session, territory_id):
    """Serialise every change of the queues of one territory until the transaction ends.

    PostgreSQL: `pg_advisory_xact_lock(LOCK_NAMESPACE, territory_id)`; it is released by the commit or rollback and
    is taken before any row of the queue is written, so two registrations never compute positions or numbers from
    the same state (under READ COMMITTED the next statement sees what the previous holder committed). SQLite:
    the database's write lock from here on (`numbering.write_lock`, BEGIN IMMEDIATE): without it the reads before
    the first write ran outside any transaction and parallel registrations wrote the same state."""
    with session.no_autoflush:
        numbering.write_lock(session)
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"),
                               {"ns": LOCK_NAMESPACE, "key": int(territory_id)})


def renumber(session, territory_id, kind):
    """Give the applications "in queue" of one territory and kind the positions 1..N in `QUEUE_ORDER`.

    Rows whose position changes are written in two statements (first cleared, then set), so the unique index on
    (territory, kind, position) holds at every step on SQLite and PostgreSQL alike. One audit event "renumber"
    lists the moves (number: [old, new]) instead of one event per shifted row. The caller holds `lock_queue`."""
    session.flush()
    table = LandApplication.__table__
    rows = session.execute(
        select(LandApplication.id, LandApplication.number, LandApplication.position)
        .join(LandCategory, LandCategory.id == LandApplication.category_id)
        .where(LandApplication.territory_id == territory_id, LandApplication.kind == kind,
               LandApplication.status == "queue")
        .order_by(*QUEUE_ORDER)
    ).all()
    moves = [(row.id, row.number, row.position, place) for place, row in enumerate(rows, start=1)
             if row.position != place]
    # rows that left the queue keep no position
    stale = session.scalars(select(LandApplication.id).where(
        LandApplication.territory_id == territory_id, LandApplication.kind == kind,
        LandApplication.status != "queue", LandApplication.position.is_not(None))).all()
    if not moves and not stale:
        return {}
    ids = [m[0] for m in moves] + list(stale)
    session.execute(table.update().where(table.c.id.in_(ids)).values(position=None))
    if moves:
        session.execute(table.update().where(table.c.id == bindparam("_id")).values(position=bindparam("_position")),
                        [{"_id": m[0], "_position": m[3]} for m in moves])
    for pk, position in [(m[0], m[3]) for m in moves] + [(pk, None) for pk in stale]:
        loaded = session.identity_map.get(session.identity_key(LandApplication, pk))
        if loaded is not None:
            set_committed_value(loaded, "position", position)
    changes = {number: [old, new] for _, number, old, new in moves}
    audit.record(session, "renumber", LandApplication.__tablename__, None,
                 {"territory_id": territory_id, "kind": kind, "positions": changes})
    return changes


def application_number(territory, year, seq):
    """`<year>-<territory code tail>-<seq>`: the tail is the SOATE code without "417" and its trailing zeros
    (unique per unit, since codes have a fixed length), the sequence counts per territory and year."""
    tail = territory.code[3:].rstrip("0") or "0"
    return f"{year}-{tail}-{seq:04d}"


# --- checks ----------------------------------------------------------------------------------------------------
def check_territory(territory):
    """Queues are kept by an aiyl okmotu or a city's mayor's office (Land Code; Regulation No. 177)."""
    if territory is None:
        raise DomainError(_l("Choose the aiyl aimak or city that keeps the queue."), field="territory",
                          code="territory_missing")
    if territory.kind not in LSG_UNIT_KINDS:
        raise DomainError(_l("Land queues are kept by an aiyl aimak or a city, not by %(name)s.",
                             name=territory.name), field="territory", code="territory_kind")


def check_applicant(session, application, now=None):
    """The applicant: a valid PIN (app/identifiers.py), old enough for the category on the day of the application (18, or
    the category's own minimum, e.g. 16 for orphans under the Children's Code), a family of at least one person
    (the applicant) and no fewer than the members listed, a known kind; one application "in queue" per person and
    kind; a free plot for individual housing once (Regulation No. 177)."""
    now = now or clock.now()
    info = parse_pin(application.pin)
    application.pin = info.pin
    for field in ("last_name", "first_name", "address"):
        value = (getattr(application, field) or "").strip()
        if not value:
            raise DomainError(_l("This field is required."), field=field, code="required")
        setattr(application, field, value)
    if application.kind not in KINDS:
        raise DomainError(_l("Choose the kind of application."), field="kind", code="kind")
    category = application.category or (session.get(LandCategory, application.category_id)
                                        if application.category_id else None)
    if category is None:
        raise DomainError(_l("Choose the priority category."), field="category", code="category_missing")
    received = application.received_at or now
    if received > now + datetime.timedelta(minutes=5):
        raise DomainError(_l("The time received cannot be in the future."), field="received_at",
                          code="received_future")
    if age_on(info.birth_date, local_today(received)) < category.min_age:
        raise DomainError(_l("The applicant must be at least %(age)s years old on the day of the application "
                             "(category %(category)s).", age=category.min_age, category=category.name),
                          field="pin", code="too_young")
    with session.no_autoflush:
        listed = session.scalar(select(func.count(LandFamilyMember.id)).where(
            LandFamilyMember.application_id == application.id)) if application.id else 0
    if application.family_size is None or application.family_size < max(1, listed + 1):
        raise DomainError(_l("The family has at least %(count)s members: the applicant and those listed.",
                             count=max(1, listed + 1)), field="family_size", code="family_size")
    with session.no_autoflush:
        twin = session.scalar(select(LandApplication).where(
            LandApplication.pin == application.pin, LandApplication.kind == application.kind,
            LandApplication.status == "queue", LandApplication.id != (application.id or -1)))
        if twin is not None:
            refuse_duplicate(session, twin, lambda: _l(
                "This person (PIN %(pin)s) is already in the queue: application №%(number)s.",
                pin=application.pin, number=twin.number), field="pin", code="already_in_queue")
        if application.kind == "housing":
            granted = session.scalar(select(LandApplication).where(
                LandApplication.pin == application.pin, LandApplication.kind == "housing",
                LandApplication.status == "allocated", LandApplication.id != (application.id or -1)))
            if granted is not None:
                refuse_duplicate(session, granted, lambda: _l(
                    "This person has already received a plot for individual housing (application №%(number)s); it "
                    "is granted once.", number=granted.number), field="pin", code="already_allocated")


def _check_fixed_fields(application):
    state = inspect(application)
    for key in FIXED_FIELDS:
        if key in state.attrs and state.attrs[key].history.has_changes():
            raise DomainError(_l("The territory, kind, time received, number, status and position of a registered "
                                 "application cannot be edited."), field=key, code="fixed_field")


def _check_active_category(category):
    if category is not None and not category.active:
        raise DomainError(_l("The category %(name)s is no longer used for new applications.", name=category.name),
                          field="category", code="category_inactive")


# --- workflow (declared at the end: app/workflow.py) -------------------------------------------------------------
def register(session, application, now=None):
    """Register an application (Regulation No. 177: the citizen is entered in the list in the order applications
    are received): the time received (now unless a paper application's time is given), the number
    `<year>-<territory tail>-<seq>`, status "in queue", a history entry and the queue position (`renumber`)."""
    now = (now or clock.now()).replace(microsecond=0)
    with session.no_autoflush:
        territory = application.territory or (session.get(Territory, application.territory_id)
                                              if application.territory_id else None)
        check_territory(territory)
        category = application.category or (session.get(LandCategory, application.category_id)
                                            if application.category_id else None)
        _check_active_category(category)
    lock_queue(session, territory.id)
    application.received_at = (application.received_at or now).replace(microsecond=0)
    application.status, application.position = "queue", None
    if application.family_size is None:
        application.family_size = 1
    check_applicant(session, application, now)
    with session.no_autoflush:
        year = application.received_at.year
        seq = numbering.next_number(session, "land_queue.application", territory.code, year, floor=lambda: session.scalar(
            select(func.max(LandApplication.seq)).where(LandApplication.territory_id == territory.id,
                                                        LandApplication.year == year)))
    application.year, application.seq = year, seq
    application.number = application_number(territory, year, seq)
    session.add(application)
    LandStatusChange.record(session, application, "queue", now)
    session.flush()
    renumber(session, territory.id, application.kind)
    return application


def update_application(session, application, now=None):
    """An edit of the data fields (applicant, family size, category). The fields that place the application in a
    queue are fixed; a new category moves it within its queue, so the queue is renumbered."""
    _check_fixed_fields(application)
    state = inspect(application)
    category_changed = state.attrs.category.history.has_changes() or state.attrs.category_id.history.has_changes()
    if category_changed:
        _check_active_category(application.category)
    check_applicant(session, application, now)
    if application.status == "queue":
        lock_queue(session, application.territory_id)
        renumber(session, application.territory_id, application.kind)
    return application


def _check_in_queue(application):
    if application.status != "queue":
        raise DomainError(_l("Only an application in the queue can be allocated a plot or removed."),
                          code="not_in_queue")


def _check_day(day, application, now, field):
    if day is None:
        raise DomainError(_l("This field is required."), field=field, code="required")
    if day > local_today(now):
        raise DomainError(_l("The date cannot be in the future."), field=field, code="date_future")
    if day < local_today(application.received_at):
        raise DomainError(_l("The date cannot be before the application was received."), field=field,
                          code="date_before_received")


def allocate(session, application, cadastral_number, plot_address, area, decision_number, decision_date,
             note=None, now=None):
    """Allocate a plot (Regulation No. 177: plots are provided in the order of the list, by a decision of the
    executive body of local self-government): the plot's cadastral number (the unique identification number of the
    state register, digits in hyphen-separated groups, e.g. 1-02-03-0004-0123), its address and area (m², more
    than 0), the decision's number and date (not in the future, not before the application). A plot is allocated
    once. Allocating to anyone but the first of the queue needs the reason in the note. The application leaves
    the queue and the others move up."""
    now = now or clock.now()
    lock_queue(session, application.territory_id)
    session.refresh(application)
    _check_in_queue(application)
    cadastral_number = parse_cadastral(cadastral_number)
    with session.no_autoflush:
        taken = session.scalar(select(LandApplication).where(
            LandApplication.plot_cadastral_number == cadastral_number, LandApplication.id != application.id))
    if taken is not None:
        refuse_duplicate(session, taken, lambda: _l("The plot %(plot)s is already allocated (application "
                                                    "№%(number)s).", plot=cadastral_number, number=taken.number),
                         field="cadastral_number", code="plot_taken")
    if not (plot_address or "").strip():
        raise DomainError(_l("This field is required."), field="plot_address", code="required")
    try:
        area = Decimal(str(area))
    except (InvalidOperation, TypeError):
        area = Decimal(0)
    if not area > 0:
        raise DomainError(_l("The area must be more than 0 m²."), field="area", code="area")
    if not (decision_number or "").strip():
        raise DomainError(_l("This field is required."), field="decision_number", code="required")
    _check_day(decision_date, application, now, "decision_date")
    if application.position != 1 and not (note or "").strip():
        raise DomainError(_l("Plots are allocated in the order of the queue and this application is number "
                             "%(position)s: give the reason for allocating out of order in the note.",
                             position=application.position), field="note", code="out_of_order")
    application.plot_cadastral_number = cadastral_number
    application.plot_address = plot_address.strip()
    application.plot_area = area
    application.decision_number = decision_number.strip()
    application.decision_date = decision_date
    application.status, application.position = "allocated", None
    LandStatusChange.record(session, application, "allocated", now, note=note and note[:500], from_status="queue")
    session.flush()
    renumber(session, application.territory_id, application.kind)
    return application


def remove(session, application, reason, removed_on, note=None, now=None):
    """Take an application off the queue for a listed reason (REMOVAL_REASONS) on a date (not in the future, not
    before the application); the others move up."""
    now = now or clock.now()
    lock_queue(session, application.territory_id)
    session.refresh(application)
    _check_in_queue(application)
    if reason not in REMOVAL_REASONS:
        raise DomainError(_l("Choose the reason for the removal."), field="reason", code="reason")
    _check_day(removed_on, application, now, "removed_on")
    application.removal_reason, application.removed_on = reason, removed_on
    application.status, application.position = "removed", None
    LandStatusChange.record(session, application, "removed", now, reason=reason, note=note and note[:500],
                            from_status="queue")
    session.flush()
    renumber(session, application.territory_id, application.kind)
    return application


def category_changed(session, category):
    """A category's rank decides positions in every queue that holds it: renumber those queues (territories locked
    in id order, so two such changes never wait for each other crosswise)."""
    session.flush()
    queues = session.execute(
        select(LandApplication.territory_id, LandApplication.kind).distinct()
        .where(LandApplication.category_id == category.id, LandApplication.status == "queue")
        .order_by(LandApplication.territory_id, LandApplication.kind)).all()
    for territory_id, kind in queues:
        lock_queue(session, territory_id)
        renumber(session, territory_id, kind)
    return len(queues)


WORKFLOW = workflow.Workflow(
    "land_queue", LandApplication,
    states=[workflow.State("queue", STATUSES["queue"], "info"),
            workflow.State("allocated", STATUSES["allocated"], "success", final=True),
            workflow.State("removed", STATUSES["removed"], "default", final=True)],
    transitions=[
        workflow.Transition(
            "allocate", _l("Allocate a plot"), source=("queue",), target="allocated", style="success", icon="fa-map",
            fields=[
                workflow.Field("cadastral_number", "string", _l("Cadastral number of the plot"), required=True,
                               max_length=32,
                               description=_l("Digits in hyphen-separated groups, e.g. 1-02-03-0004-0123.")),
                workflow.Field("plot_address", "string", _l("Address of the plot"), required=True, max_length=255),
                workflow.Field("area", "decimal", _l("Area of the plot, m²"), required=True),
                workflow.Field("decision_number", "string", _l("Decision number"), required=True, max_length=64),
                workflow.Field("decision_date", "date", _l("Decision date"), required=True),
                workflow.Field("note", "text", _l("Note"), max_length=500,
                               description=_l("Required when the application is not the first of the queue: why "
                                              "the plot goes out of order.")),
            ],
            apply=lambda session, item, step: allocate(session, item, now=step.now, **step.data),
            done=_l("The plot is allocated.")),
        workflow.Transition(
            "remove", _l("Remove from the queue"), source=("queue",), target="removed", style="warning",
            icon="fa-sign-out",
            fields=[
                workflow.Field("reason", "choice", _l("Reason for removal"), required=True,
                               choices=lambda: list(REMOVAL_REASONS.items())),
                workflow.Field("removed_on", "date", _l("Removed on"), required=True, default=local_today),
                workflow.Field("note", "text", _l("Note"), max_length=500),
            ],
            apply=lambda session, item, step: remove(session, item, now=step.now, **step.data),
            done=_l("The application is removed from the queue.")),
    ],
    history=LandStatusChange)


# --- family ------------------------------------------------------------------------------------------------------
def check_family_member(session, member):
    """A listed family member: a valid PIN, not the applicant, listed once, and no more members listed than the
    family size allows (the applicant counts as one)."""
    application = member.application or (session.get(LandApplication, member.application_id)
                                         if member.application_id else None)
    if application is None:
        raise DomainError(_l("Choose the application."), field="application", code="application_missing")
    member.pin = parse_pin(member.pin).pin
    member.full_name = (member.full_name or "").strip()
    if not member.full_name:
        raise DomainError(_l("This field is required."), field="full_name", code="required")
    if member.pin == application.pin:
        raise DomainError(_l("The applicant is counted in the family already; list the other members."),
                          field="pin", code="member_is_applicant")
    with session.no_autoflush:
        others = [m for m in session.scalars(select(LandFamilyMember).where(
            LandFamilyMember.application_id == application.id)) if m is not member] if application.id else []
        others += [m for m in session.new if isinstance(m, LandFamilyMember) and m is not member
                   and (m.application is application or m.application_id == application.id)
                   and m not in others]
    if any(m.pin == member.pin for m in others):
        raise DomainError(_l("This person is already listed in the family."), field="pin", code="member_twice")
    if len(others) + 2 > application.family_size:
        raise DomainError(_l("The family size of the application is %(size)s: change it before listing more "
                             "members.", size=application.family_size), field="application",
                          code="family_size_exceeded")
    return member


def add_family_member(session, member):
    check_family_member(session, member)
    session.add(member)
    return member


# --- public check ------------------------------------------------------------------------------------------------
def find_own_application(session, number, pin):
    """The application with this number AND this PIN, or None. Both must match, so that a number alone reveals
    nothing (the public page answers every miss with the same message)."""
    number = (number or "").strip().upper()
    pin = (pin or "").strip()
    if not number or not pin:
        return None
    return session.scalar(select(LandApplication).where(LandApplication.number == number,
                                                        LandApplication.pin == pin))
