"""Statistics of the public service centre (issue 12, item 8; cl. 1.5(c), 1.6(15), (16) of the regulation): the
queue, applications, refusals at intake, ratings and complaints per period, office, window, operator and service.

Every number is one SQL aggregate inside the user's scope (`app.scope.scoped_select`), never a query per row:

* **The queue from its raw events** (`ScTicketEvent`, the contract of the queue): one row per ticket is folded
  from its events (`per_ticket`): issued = its `issued` event, first call = its `called` event (later calls are
  `recalled`), `started`, `ended`, `no_show`, `transferred`, `rated` (value). Waiting time = first call − issue,
  service time = end − start, in minutes. A ticket belongs to the period in which it was issued (the events are
  read from the period's start to a day after its end, so a ticket issued late is still complete). The window and
  the operator of a ticket are those of its first call. Served = has an `ended` event (a transferred ticket is
  not served by the first window: it is counted as transferred, its new ticket is issued and served anew).
* **Per group** (`queue_stats(..., key)`: office, service, window, operator, or the local hour of issue):
  tickets issued, called, served, no-shows, transfers; waiting and service time mean, median and 90th
  percentile; the share of the called tickets that waited at most the office's norm (`ScOffice.wait_norm_minutes`,
  15 by default; a `norm` argument overrides it for every office); ratings (count, mean, 1–5 distribution).
  Percentiles are the continuous ones (linear interpolation between the closest ranks, as numpy's default):
  PostgreSQL's `percentile_cont(p) WITHIN GROUP (ORDER BY …)`; on SQLite, which has no such aggregate, the same
  value from the durations ranked in SQL by window functions (`row_number()` and `count()` over the group): the
  rows at ranks floor(p·(n−1)) and the next one, weighted by the fraction — still one query, reading only the
  grouped durations.
* **Applications** (`application_stats`): received in the period (`received_at`, refusals at intake apart),
  refused at intake with the ground (the `sc_refusal_reason` classifier's codes), completed in the period (the
  first step to "result received" or "handed over" in `ScApplicationStep`) and of those on time (the local day of
  that step ≤ `expected_on`) or late; overdue now (app/services/service_centre.overdue_condition: an open stage
  past its due date with no interagency request pending), per stage: at intake (received), at the agency (sent),
  handing over (result received).
* **Complaints** (`complaint_stats`): received in the period (`received_on`), decided in it (`decided_on`),
  upheld, rejected; overdue: open past `due_on` now, or decided in the period after `due_on`.

Periods are local dates of the offices (the configured zone, Asia/Bishkek): from the local midnight that starts
`date_from` to the one that ends `date_to`, converted to UTC instants whatever the server's TZ. Local days and
hours of an instant: PostgreSQL converts with the zone's name; SQLite adds the zone's UTC offset at the period's
start (Kyrgyzstan keeps UTC+6 all year)."""
import datetime
from dataclasses import dataclass

from sqlalchemy import Date, Float, Integer, and_, case, cast, func, literal, or_, select

from app import clock
from app.scope import scoped_select
from models.service_centre import ScApplication, ScApplicationStep, ScComplaint, ScOffice, \
    ScTicketEvent

DEFAULT_WAIT_NORM = 15  # minutes: the Russian norm for MFCs (ScOffice.wait_norm_minutes is each office's)
PERCENTILES = (("p50", 0.5), ("p90", 0.9))
KEYS = ("office_id", "service_id", "window_id", "operator_id", "hour")
OPEN_STATES = ("received", "sent", "result_received")
COMPLETED_STATES = ("result_received", "handed_over")
#: the grounds of refusal at intake the statistics count apart (the classifier's system codes); others: "other"
REFUSAL_CODES = ("incomplete", "invalid", "not_competent", "no_authority")


@dataclass(frozen=True)
class Period:
    date_from: datetime.date
    date_to: datetime.date

    @property
    def start(self):
        return clock.from_local(datetime.datetime.combine(self.date_from, datetime.time()))

    @property
    def end(self):
        return clock.from_local(datetime.datetime.combine(self.date_to + datetime.timedelta(days=1),
                                                          datetime.time()))

    @classmethod
    def of(cls, date_from=None, date_to=None, today=None):
        """The period asked for; without dates the current month up to today."""
        today = today or clock.local_today()
        date_to = date_to or today
        date_from = date_from or date_to.replace(day=1)
        if date_from > date_to:
            date_from, date_to = date_to, date_from
        return cls(date_from, date_to)


def dialect_of(session):
    return session.get_bind().dialect.name


# --- dialect helpers ----------------------------------------------------------------------------------------------
def minutes_between(later, earlier, dialect):
    if dialect == "postgresql":
        return func.extract("epoch", later - earlier) / 60.0
    # julianday is a float of days: rounded to whole milliseconds (what SQLite's date functions read), so that a
    # wait of exactly 15 minutes is 15.0 and not 14.999999
    return func.round((func.julianday(later) - func.julianday(earlier)) * 86400000.0) / 60000.0


def _offset_hours(at):
    return clock.local_zone().utcoffset(datetime.datetime.combine(at, datetime.time())).total_seconds() / 3600


def local_date(column, dialect, around):
    """The local calendar day of an instant column."""
    if dialect == "postgresql":
        return cast(func.timezone(clock.zone_name(), column), Date)
    return func.date(column, f"{_offset_hours(around):+g} hours")


def local_hour(column, dialect, around):
    if dialect == "postgresql":
        return cast(func.extract("hour", func.timezone(clock.zone_name(), column)), Integer)
    return cast(func.strftime("%H", column, f"{_offset_hours(around):+g} hours"), Integer)


# --- the queue ----------------------------------------------------------------------------------------------------
def _first(event, column):
    return func.min(case((ScTicketEvent.event == event, column)))


def _has(event):
    return func.max(case((ScTicketEvent.event == event, 1), else_=0))


def per_ticket(scope, period, dialect, office_id=None, norm=None):
    """Subquery: one row per ticket issued in `period` inside `scope`, folded from its raw events: its office,
    service, window and operator (of the first call), local hour of issue, waiting and service minutes, flags
    (called, served, no-show, transferred), its rating, and its office's waiting norm."""
    e = ScTicketEvent
    issued_at, called_at = _first("issued", e.at), _first("called", e.at)
    started_at, ended_at = _first("started", e.at), func.max(case((e.event == "ended", e.at)))
    folded = (scoped_select(e, scope, e.ticket_id.label("ticket_id"), func.min(e.office_id).label("office_id"),
                            _first("issued", e.service_id).label("service_id"),
                            _first("called", e.window_id).label("window_id"),
                            _first("called", e.operator_id).label("operator_id"),
                            issued_at.label("issued_at"), called_at.label("called_at"),
                            started_at.label("started_at"), ended_at.label("ended_at"),
                            _has("no_show").label("no_show"), _has("transferred").label("transferred"),
                            func.max(case((e.event == "rated", e.value))).label("rating"))
              .where(e.at >= period.start, e.at < period.end + datetime.timedelta(days=1))
              .group_by(e.ticket_id))
    if office_id is not None:
        folded = folded.where(e.office_id == office_id)
    t = folded.subquery("folded")
    wait = minutes_between(t.c.called_at, t.c.issued_at, dialect)
    service = case((t.c.started_at.is_not(None), minutes_between(t.c.ended_at, t.c.started_at, dialect)))
    limit = literal(norm, Integer) if norm is not None else func.coalesce(ScOffice.wait_norm_minutes,
                                                                         DEFAULT_WAIT_NORM)
    return (select(t.c.ticket_id, t.c.office_id, t.c.service_id, t.c.window_id, t.c.operator_id,
                   local_hour(t.c.issued_at, dialect, period.date_from).label("hour"),
                   cast(wait, Float).label("wait"), cast(service, Float).label("service"),
                   case((t.c.called_at.is_not(None), 1), else_=0).label("called"),
                   case((t.c.ended_at.is_not(None), 1), else_=0).label("served"),
                   t.c.no_show, t.c.transferred, t.c.rating, limit.label("norm"))
            .join(ScOffice, ScOffice.id == t.c.office_id)
            .where(t.c.issued_at >= period.start, t.c.issued_at < period.end)
            .subquery("tickets"))


def _percentiles_sqlite(tickets, key, measure):
    """Subquery (key, p50, p90) of `measure` per group, from the durations ranked by window functions."""
    value = tickets.c[measure]
    group = tickets.c[key]
    ranked = (select(group.label("key"), value.label("v"),
                     func.row_number().over(partition_by=group, order_by=value).label("rn"),
                     func.count(value).over(partition_by=group).label("n"))
              .where(value.is_not(None)).subquery(f"ranked_{measure}"))
    columns = []
    for name, p in PERCENTILES:
        h = p * (ranked.c.n - 1)
        low = cast(h, Integer)  # h ≥ 0: truncation is the floor
        frac = h - low
        weight = case((ranked.c.rn - 1 == low, 1 - frac), (ranked.c.rn - 1 == low + 1, frac), else_=0)
        columns.append(func.sum(ranked.c.v * weight).label(f"{measure}_{name}"))
    return select(ranked.c.key, *columns).group_by(ranked.c.key).subquery(f"pct_{measure}")


def queue_stats(session, scope, period, key, office_id=None, norm=None):
    """Subquery of the queue's numbers per `key` (one of KEYS) — see the module docstring for each column."""
    if key not in KEYS:
        raise ValueError(key)
    dialect = dialect_of(session)
    t = per_ticket(scope, period, dialect, office_id=office_id, norm=norm)
    group = t.c[key]
    within = func.sum(case((and_(t.c.wait.is_not(None), t.c.wait <= t.c.norm), 1), else_=0))
    called = func.sum(t.c.called)
    columns = [group.label("key"), func.count().label("issued"), called.label("called"),
               func.sum(t.c.served).label("served"), func.sum(t.c.no_show).label("no_shows"),
               func.sum(t.c.transferred).label("transferred"),
               func.avg(t.c.wait).label("wait_mean"), func.max(t.c.wait).label("wait_max"),
               func.avg(t.c.service).label("service_mean"), within.label("within_norm"),
               case((called > 0, cast(within, Float) / called)).label("within_share"),
               func.count(t.c.rating).label("rated"), func.avg(cast(t.c.rating, Float)).label("rating_mean"),
               *[func.sum(case((t.c.rating == v, 1), else_=0)).label(f"rating_{v}") for v in range(1, 6)]]
    if dialect == "postgresql":
        columns += [func.percentile_cont(p).within_group(t.c[m]).label(f"{m}_{name}")
                    for m in ("wait", "service") for name, p in PERCENTILES]
        return select(*columns).group_by(group).subquery(f"queue_{key}")
    base = select(*columns).group_by(group).subquery(f"base_{key}")
    pw, ps = _percentiles_sqlite(t, key, "wait"), _percentiles_sqlite(t, key, "service")
    return (select(base, *[pw.c[f"wait_{n}"] for n, _ in PERCENTILES],
                   *[ps.c[f"service_{n}"] for n, _ in PERCENTILES])
            .outerjoin(pw, pw.c.key == base.c.key).outerjoin(ps, ps.c.key == base.c.key)
            .subquery(f"queue_{key}"))


QUEUE_COLUMNS = ("issued", "called", "served", "no_shows", "transferred", "wait_mean", "wait_p50", "wait_p90",
                 "wait_max", "service_mean", "service_p50", "service_p90", "within_norm", "within_share", "rated",
                 "rating_mean", "rating_1", "rating_2", "rating_3", "rating_4", "rating_5")


def queue_table(session, scope, period, key, office_id=None, norm=None):
    """{key: {column: value}} of `queue_stats` (the tests, the charts, the benchmark)."""
    q = queue_stats(session, scope, period, key, office_id=office_id, norm=norm)
    return {row.key: {c: getattr(row, c) for c in QUEUE_COLUMNS} for row in session.execute(select(q))}


# --- applications -------------------------------------------------------------------------------------------------
def application_stats(session, scope, period, key, office_id=None, today=None):
    """Subquery of the applications' numbers per `key` ("office_id" or "service_id")."""
    dialect = dialect_of(session)
    today = today or clock.local_today()
    a, s = ScApplication, ScApplicationStep
    done = (select(s.application_id.label("application_id"), func.min(s.at).label("done_at"))
            .where(s.to_status.in_(COMPLETED_STATES)).group_by(s.application_id).subquery("done"))
    in_period = and_(a.received_at >= period.start, a.received_at < period.end)
    refused = and_(in_period, a.state == "refused_intake")
    completed = and_(done.c.done_at >= period.start, done.c.done_at < period.end)
    on_time = and_(completed, local_date(done.c.done_at, dialect, period.date_from) <= a.expected_on)
    from app.services.service_centre import overdue_condition

    overdue = overdue_condition(today)  # the one definition (the control list's): a pending request stops it

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    group = getattr(a, key)
    statement = (scoped_select(a, scope, group.label("key"),
                               count(and_(in_period, a.state != "refused_intake")).label("received"),
                               count(refused).label("refused_intake"),
                               *[count(and_(refused, a.refusal_reason == code)).label(f"refused_{code}")
                                 for code in REFUSAL_CODES],
                               count(and_(refused, or_(a.refusal_reason.is_(None),
                                                       a.refusal_reason.not_in(REFUSAL_CODES))))
                               .label("refused_other"),
                               count(completed).label("completed"), count(on_time).label("on_time"),
                               count(and_(completed, ~on_time)).label("late"), count(overdue).label("overdue"),
                               *[count(and_(overdue, a.state == state)).label(f"overdue_{state}")
                                 for state in OPEN_STATES])
                 .outerjoin(done, done.c.application_id == a.id).group_by(group))
    if office_id is not None:
        statement = statement.where(a.office_id == office_id)
    return statement.subquery(f"applications_{key}")


APPLICATION_COLUMNS = ("received", "refused_intake", *[f"refused_{c}" for c in REFUSAL_CODES], "refused_other",
                       "completed", "on_time", "late", "overdue", *[f"overdue_{s}" for s in OPEN_STATES])


# --- complaints ---------------------------------------------------------------------------------------------------
def complaint_stats(session, scope, period, office_id=None, today=None):
    """Subquery of the complaints' numbers per office."""
    today = today or clock.local_today()
    c = ScComplaint
    received = c.received_on.between(period.date_from, period.date_to)
    decided = and_(c.decided_on.is_not(None), c.decided_on.between(period.date_from, period.date_to))
    overdue = or_(and_(c.state.in_(("received", "reviewing")), c.due_on < today),
                  and_(decided, c.decided_on > c.due_on))

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    statement = (scoped_select(c, scope, c.office_id.label("key"), count(received).label("complaints"),
                               count(decided).label("complaints_decided"),
                               count(and_(decided, c.state == "upheld")).label("complaints_upheld"),
                               count(and_(decided, c.state == "rejected")).label("complaints_rejected"),
                               count(overdue).label("complaints_overdue"))
                 .group_by(c.office_id))
    if office_id is not None:
        statement = statement.where(c.office_id == office_id)
    return statement.subquery("complaints")


COMPLAINT_COLUMNS = ("complaints", "complaints_decided", "complaints_upheld", "complaints_rejected",
                     "complaints_overdue")


# --- the live board -----------------------------------------------------------------------------------------------
def board(session, scope, office_id, now):
    """The office's queue now (the head's live board): waiting per service with the longest wait, the windows open
    with their operator and current ticket, served today. Four aggregate queries, whatever the queue's length."""
    from models.service_centre import ScService, ScStaff, ScTicket, ScWindow

    today = clock.local_today(now)
    t = ScTicket
    waiting = session.execute(
        scoped_select(t, scope, t.service_id, func.count(t.id), func.min(t.issued_at))
        .where(t.office_id == office_id, t.day == today, t.state == "waiting").group_by(t.service_id)).all()
    names = {s.id: s for s in session.scalars(select(ScService).where(ScService.id.in_([w[0] for w in waiting])))}
    current = {w: n for w, n in session.execute(
        scoped_select(t, scope, t.window_id, func.max(t.number))
        .where(t.office_id == office_id, t.day == today, t.state.in_(("called", "serving")))
        .group_by(t.window_id))}
    windows = session.execute(
        scoped_select(ScWindow, scope, ScWindow.id, ScWindow.number, ScStaff.full_name, ScWindow.opened_at)
        .outerjoin(ScStaff, ScStaff.id == ScWindow.operator_id)
        .where(ScWindow.office_id == office_id, ScWindow.active.is_(True), ScWindow.operator_id.is_not(None))
        .order_by(ScWindow.number)).all()
    day = Period(today, today)
    served = session.scalar(
        scoped_select(ScTicketEvent, scope, func.count(ScTicketEvent.id))
        .where(ScTicketEvent.office_id == office_id, ScTicketEvent.event == "ended",
               ScTicketEvent.at >= day.start, ScTicketEvent.at < day.end)) or 0

    def minutes(since):
        return round(max(0.0, (now - clock.as_utc(since)).total_seconds() / 60), 1) if since is not None else None

    services = [{"service_id": sid, "service": str(names.get(sid, sid)), "waiting": n, "longest_minutes":
                 minutes(oldest)} for sid, n, oldest in sorted(waiting, key=lambda w: -w[1])]
    return {"office_id": office_id, "at": now.isoformat(), "waiting": sum(s["waiting"] for s in services),
            "longest_minutes": max((s["longest_minutes"] for s in services), default=None),
            "services": services, "served_today": served,
            "windows": [{"window": number, "operator": name, "ticket": current.get(wid),
                         "open_since": clock.to_local(opened).strftime("%H:%M") if opened else None}
                        for wid, number, name, opened in windows]}
