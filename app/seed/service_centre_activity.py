"""Activity of the public service centre for the demo, the tests and the benchmark (issue 12, items 6, 8, 10):

* `simulate_queue_day(session, office, day, tickets, rng)`: a day of the electronic queue of one office, written
  as `ScTicket` rows and their raw `ScTicketEvent` rows exactly as the queue writes them (the contract of
  docs/ARCHITECTURE.md / the team guide): `issued` → `called` (window, operator) → [`recalled`] → `started` →
  `ended` [→ `rated`], or `called` → `no_show`, or `called` → `started` → `transferred` (the old ticket done, a
  new ticket for another service issued at the same instant with `transferred_from_id`). Arrivals over the
  office's hours with a late-morning peak and a smaller one after lunch; services among the office's; priorities
  about 5 %, no-shows about 4 %, transfers about 2 %, ratings for about 30 % of those served. Every instant is a
  whole second (SQLite's date functions read milliseconds only; the statistics then equal a Python computation
  exactly). Bulk inserts in batches (`insert(...)` with RETURNING for the tickets' ids): 2,000 tickets in well
  under a second or two.
* `seed_complaints(session, offices, now)`: complaints of each office in every state of the workflow (received,
  under review, upheld, rejected, one overdue), through the complaints service and the workflow engine.
"""
import datetime
import heapq

from sqlalchemy import func, insert, select

from app import clock
from models.service_centre import ScService, ScStaff, ScTicket, ScTicketEvent, ScWindow

BATCH = 1000
#: relative weight of arrivals per half hour from the opening (a peak at 10:00–12:00, a smaller one after lunch)
ARRIVAL_PROFILE = (3, 5, 8, 10, 11, 10, 7, 4, 4, 6, 8, 7, 5, 4, 3, 2, 2, 1, 1, 1)
PRIORITY_SHARE, NO_SHOW_SHARE, TRANSFER_SHARE, RECALL_SHARE, RATED_SHARE = 0.05, 0.04, 0.02, 0.06, 0.30
PRIORITY_CODES = ("disability", "veteran", "pregnant", "elderly")
RATING_WEIGHTS = ((1, 3), (2, 4), (3, 10), (4, 30), (5, 53))


def _local(day, time, seconds=0):
    start = datetime.datetime.combine(day, time).replace(tzinfo=clock.local_zone())
    return (start + datetime.timedelta(seconds=int(seconds))).astimezone(clock.UTC)


def _arrivals(rng, count, open_seconds):
    """`count` arrival offsets (whole seconds from the opening) following ARRIVAL_PROFILE over the open hours."""
    slots = max(1, open_seconds // 1800)
    weights = [ARRIVAL_PROFILE[i * len(ARRIVAL_PROFILE) // slots] for i in range(slots)]
    chosen = rng.choices(range(slots), weights=weights, k=count)
    return sorted(min(open_seconds - 1, slot * 1800 + rng.randrange(1800)) for slot in chosen)


def _rating(rng):
    return rng.choices([v for v, _ in RATING_WEIGHTS], weights=[w for _, w in RATING_WEIGHTS])[0]


def _setting(session, office):
    services = [s for s in office.services if s.active] or \
        list(session.scalars(select(ScService).where(ScService.active.is_(True)).order_by(ScService.id)))
    windows = [w for w in office.windows if w.active]
    operators = [s for s in office.staff if s.active and s.role == "operator"] or \
        [s for s in office.staff if s.active]
    if not services or not windows or not operators:
        raise ValueError(f"office {office.code}: a queue day needs services, windows and staff")
    return services, windows, operators


def simulate_queue_day(session, office, day, tickets, rng):
    """Write one queue day of `office` (`tickets` tickets issued, the transfers' new tickets besides) and return
    {"tickets": n, "events": m}. `rng` is a `random.Random` (a fixed seed gives the same day)."""
    services, windows, operators = _setting(session, office)
    serves = {w.id: {s.id for s in w.services} or {s.id for s in services} for w in windows}
    operator_of = {w.id: operators[i % len(operators)].id for i, w in enumerate(windows)}
    prefix = {s.id: (s.group.ticket_prefix if s.group is not None else "A") for s in services}
    open_seconds = int((datetime.datetime.combine(day, office.closes_at)
                        - datetime.datetime.combine(day, office.opens_at)).total_seconds()) or 8 * 3600
    # the mean service time that keeps the windows about 60 % busy (busier at the peak) over the day, within 3–15 minutes
    mean_service = min(900, max(180, int(0.6 * len(windows) * open_seconds / max(tickets, 1))))
    serial = session.scalar(select(func.count(ScTicket.id)).where(ScTicket.office_id == office.id,
                                                                  ScTicket.day == day)) or 0
    free_at = {w.id: 0 for w in windows}
    queue = [(offset, n, rng.choice(services).id, None) for n, offset in
             enumerate(_arrivals(rng, tickets, open_seconds))]
    heapq.heapify(queue)
    made, sequence = [], tickets
    while queue:
        offset, _, service_id, parent = heapq.heappop(queue)
        serial += 1
        ticket = {"office_id": office.id, "service_id": service_id, "day": day,
                  "number": f"{prefix[service_id]}-{serial:03d}",
                  "priority": rng.choice(PRIORITY_CODES) if rng.random() < PRIORITY_SHARE else "none",
                  "language": rng.choice(("ky", "ky", "ru")), "parent": parent}
        events = [("issued", offset, None, None, None)]
        eligible = [w for w in windows if service_id in serves[w.id]] or windows
        window = min(eligible, key=lambda w: (max(free_at[w.id], offset), w.number))
        called = max(free_at[window.id], offset) + rng.randint(5, 40)
        operator = operator_of[window.id]
        events.append(("called", called, window.id, operator, None))
        at = called
        if rng.random() < RECALL_SHARE:
            at += rng.randint(40, 90)
            events.append(("recalled", at, window.id, operator, None))
        ticket.update(issued=offset, called=called, window_id=window.id, operator_id=operator)
        roll = rng.random()
        if roll < NO_SHOW_SHARE:
            at += rng.randint(60, 120)
            events.append(("no_show", at, window.id, operator, None))
            ticket["state"] = "no_show"
        else:
            started = at + rng.randint(10, 60)
            duration = max(60, int(rng.expovariate(1 / mean_service)))
            events.append(("started", started, window.id, operator, None))
            ticket["started"] = started
            at = started + duration
            if parent is None and roll < NO_SHOW_SHARE + TRANSFER_SHARE and len(services) > 1:
                events.append(("transferred", at, window.id, operator, None))
                other = rng.choice([s.id for s in services if s.id != service_id])
                heapq.heappush(queue, (at, sequence, other, len(made)))
                sequence += 1
            else:
                events.append(("ended", at, window.id, operator, None))
                ticket["ended"] = at
                if rng.random() < RATED_SHARE:
                    value = _rating(rng)
                    events.append(("rated", at + rng.randint(5, 60), window.id, operator, value))
                    ticket["rating"] = value
            ticket["state"] = "done"
        free_at[window.id] = at
        ticket["events"] = events
        made.append(ticket)
    return _write(session, office, day, made)


def _write(session, office, day, made):
    """Insert the tickets (parents before the transfers' new tickets) and then their events, in batches."""
    opens = office.opens_at
    ids = [None] * len(made)
    first = [i for i, t in enumerate(made) if t["parent"] is None]
    second = [i for i, t in enumerate(made) if t["parent"] is not None]

    def row(t):
        def at(key):
            return _local(day, opens, t[key]) if t.get(key) is not None else None
        return {"office_id": t["office_id"], "service_id": t["service_id"], "day": t["day"], "number": t["number"],
                "priority": t["priority"], "state": t["state"], "issued_at": at("issued"), "called_at": at("called"),
                "started_at": at("started"), "ended_at": at("ended"), "window_id": t["window_id"],
                "operator_id": t["operator_id"], "language": t["language"], "rating": t.get("rating"),
                "transferred_from_id": ids[t["parent"]] if t["parent"] is not None else None}

    for group in (first, second):
        for start in range(0, len(group), BATCH):
            chunk = group[start:start + BATCH]
            # Core inserts of the tables (the ORM's bulk insert would split the rows by their empty columns)
            table = ScTicket.__table__
            result = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                                     [row(made[i]) for i in chunk])
            for i, ticket_id in zip(chunk, result.scalars()):
                ids[i] = ticket_id
    events = [{"ticket_id": ids[i], "office_id": t["office_id"], "service_id": t["service_id"],
               "at": _local(day, opens, offset), "event": name, "window_id": window, "operator_id": operator,
               "value": value}
              for i, t in enumerate(made) for name, offset, window, operator, value in t["events"]]
    for start in range(0, len(events), BATCH):
        session.execute(insert(ScTicketEvent.__table__), events[start:start + BATCH])
    return {"tickets": len(made), "events": len(events)}


# --- complaints ---------------------------------------------------------------------------------------------------
COMPLAINTS = (
    # (days ago received, final state or None, subject, decision)
    (2, None, "Долгое ожидание в очереди", None),
    (6, "reviewing", "Отказ в приёме документов", None),
    (40, "reviewing", "Нарушен срок выдачи результата", None),
    (25, "upheld", "Нарушен срок выдачи результата", "Жалоба удовлетворена: результат выдан, сотруднику указано "
                                                      "на нарушение срока."),
    (18, "rejected", "Требование лишних документов", "В удовлетворении отказано: документ предусмотрен "
                                                      "регламентом услуги."),
)
NAMES = ("Асанов Бакыт", "Исмаилова Айгүл", "Токтогулов Нурлан", "Садыкова Жылдыз", "Мамытов Эрлан")


def seed_complaints(session, offices, now):
    """Complaints of every office in each state of the workflow; the open ones allow a step (start the review,
    decide), one is past its due date. Returns the complaints made."""
    from app.services import service_centre_complaints as complaints
    from models.service_centre import ScComplaint

    made = []
    today = clock.local_today(now)
    for office in offices:
        for n, (ago, state, subject, decision) in enumerate(COMPLAINTS):
            received = today - datetime.timedelta(days=ago)
            complaint = ScComplaint(office=office, applicant_name=NAMES[n % len(NAMES)], contact="+996 555 0000"
                                    f"{n:02d}", received_on=received, subject=subject,
                                    text=f"{subject}. Прошу рассмотреть жалобу.")
            session.add(complaint)
            complaints.register(session, complaint, now - datetime.timedelta(days=ago))
            if state is not None:
                complaints.WORKFLOW.take(session, complaint, "review", {}, now=now - datetime.timedelta(days=ago))
            if state in ("upheld", "rejected"):
                step = "uphold" if state == "upheld" else "reject"
                complaints.WORKFLOW.take(session, complaint, step, {"decision": decision},
                                         now=now - datetime.timedelta(days=max(ago - 10, 0)))
            made.append(complaint)
    session.flush()
    return made


def seed_activity(session, offices, now, tickets=400, seed=2026):
    """The demo's activity: for each office a queue day on the last working day before today and the morning of
    today (if a working day), and the complaints (`seed_complaints`). Call it after the offices have their
    services, windows and staff."""
    import random

    from app.workdays import is_working_day

    rng = random.Random(seed)
    today = clock.local_today(now)
    day = today - datetime.timedelta(days=1)
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    for office in offices:
        simulate_queue_day(session, office, day, tickets, rng)
    seed_complaints(session, offices, now)
