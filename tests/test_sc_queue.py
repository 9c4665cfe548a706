"""The electronic queue of the public service centre (issue 12, item 6; the rating of item 8): numbering, the order
of "call next", the window's rules and events, transfers, concurrent kiosks, appointment slots, the rating, the
office scope, the public pages and bad input; everything survives a restart."""
import datetime
import itertools
import re
import string
import threading
import uuid
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app import clock
from app.errors import DomainError
from app.services import service_centre_queue as queue

MONDAY = datetime.date(2026, 12, 7)  # a working day
NOW = datetime.datetime(2026, 12, 7, 4, 0, tzinfo=clock.UTC)  # 10:00 in Bishkek


class refused:
    """`with refused(code):` the block raises a DomainError with this code (messages are translated)."""

    def __init__(self, code):
        self.code = code
        self.value = None

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        assert kind is not None, f"no refusal ({self.code})"
        assert issubclass(kind, DomainError) and value.code == self.code, (value, getattr(value, "code", None))
        self.value = value
        return True


def at(minutes):
    return NOW + datetime.timedelta(minutes=minutes)


def _free_prefixes(session, count):
    from models.service_centre import ScServiceGroup

    used = set(session.scalars(select(ScServiceGroup.ticket_prefix)))
    pairs = ("".join(p) for p in itertools.product(string.ascii_uppercase, repeat=2))
    free = [p for p in pairs if p not in used]
    import random

    return random.sample(free, count)


def build(session):
    """One office with two groups, three services (one bookable, 2 per 30-minute slot), three windows (1: the
    first service, 2: the second, 3: every service) and two operators; a second office with its own operator."""
    from models.egov_registry import EgovOrganisation
    from models.reference import Territory
    from models.service_centre import ScOffice, ScService, ScServiceGroup, ScStaff, ScWindow

    territory = session.scalars(select(Territory).order_by(Territory.id)).first()
    agency = session.scalars(select(EgovOrganisation).order_by(EgovOrganisation.id)).first()
    if agency is None:
        agency = EgovOrganisation(inn="01234567890123", name_ru="Тестовое ведомство", address="Бишкек")
        session.add(agency)
    tag = uuid.uuid4().hex[:6].upper()
    prefixes = _free_prefixes(session, 3)

    def office(code):
        row = ScOffice(code=code, name_ru=f"ЦОН {code}", name_ky=f"ЭКБ {code}", name_en=f"PSC {code}",
                       address="Бишкек", territory=territory, opens_at=datetime.time(9), closes_at=datetime.time(18))
        session.add(row)
        return row

    main, other = office("Q" + tag[:5]), office("R" + tag[:5])
    groups = [ScServiceGroup(name_ru=f"Группа {p}", name_ky=f"Топ {p}", name_en=f"Group {p}", ticket_prefix=p,
                             sort_order=i) for i, p in enumerate(prefixes[:2])]
    session.add_all(groups)

    def service(code, group, **kw):
        row = ScService(code=f"{code}{tag}", group=group, agency=agency, legal_basis="Закон", result_ru="Справка",
                        total_days=5, name_ru=f"Услуга {code}", name_ky=f"Кызмат {code}", name_en=f"Service {code}",
                        **kw)
        session.add(row)
        return row

    passport = service("P", groups[0], slot_minutes=30, slot_capacity=2)
    passport.offices = [main, other]
    land = service("L", groups[1])
    land.offices = [main]
    hidden = service("H", groups[1], active=False)
    hidden.offices = [main]
    foreign = service("F", groups[1])
    foreign.offices = [other]
    windows = [ScWindow(office=main, number=n) for n in (1, 2, 3)]
    windows[0].services = [passport]
    windows[1].services = [land]
    other_window = ScWindow(office=other, number=1)
    session.add_all([*windows, other_window])
    session.flush()
    return SimpleNamespace(office=main, other=other, groups=groups, passport=passport, land=land, hidden=hidden,
                           foreign=foreign, windows=windows, other_window=other_window, territory=territory,
                           prefixes=prefixes, staff=lambda office, user_id=None, name="Оператор": _staff(
                               session, ScStaff, office, user_id, name))


def _staff(session, model, office, user_id, name):
    row = model(office=office, user_id=user_id, full_name=name, role="operator")
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def sc(db):
    data = build(db.session)
    data.op1 = data.staff(data.office, name="Оператор 1")
    data.op2 = data.staff(data.office, name="Оператор 2")
    data.op3 = data.staff(data.office, name="Оператор 3")
    db.session.commit()
    ids = SimpleNamespace(offices=[data.office.id, data.other.id], groups=[g.id for g in data.groups],
                          services=[data.passport.id, data.land.id, data.hidden.id, data.foreign.id])
    yield data
    db.session.rollback()
    remove(db.session, ids)


def remove(session, ids):
    """The fixture's rows out of the shared test database again (other modules' scope walkers read it)."""
    from sqlalchemy import delete, update

    from app.security import SanaripUser
    from models.numbering import number_counter
    from models.service_centre import (ScAppointment, ScOffice, ScService, ScServiceGroup, ScStaff, ScTicket,
                                       ScTicketEvent, ScWindow, sc_service_office, sc_staff_skill, sc_window_service)

    offices = ids.offices
    statements = [
        delete(ScTicketEvent).where(ScTicketEvent.office_id.in_(offices)),
        update(ScAppointment).where(ScAppointment.office_id.in_(offices)).values(ticket_id=None),
        update(ScTicket).where(ScTicket.office_id.in_(offices)).values(transferred_from_id=None),
        delete(ScTicket).where(ScTicket.office_id.in_(offices)),
        delete(ScAppointment).where(ScAppointment.office_id.in_(offices)),
        delete(sc_window_service).where(sc_window_service.c.window_id.in_(
            select(ScWindow.id).where(ScWindow.office_id.in_(offices)))),
        delete(ScWindow).where(ScWindow.office_id.in_(offices)),
        delete(sc_staff_skill).where(sc_staff_skill.c.staff_id.in_(
            select(ScStaff.id).where(ScStaff.office_id.in_(offices)))),
        delete(ScStaff).where(ScStaff.office_id.in_(offices)),
        delete(sc_service_office).where(sc_service_office.c.office_id.in_(offices)),
        delete(ScService).where(ScService.id.in_(ids.services)),
        delete(ScServiceGroup).where(ScServiceGroup.id.in_(ids.groups)),
        update(SanaripUser).where(SanaripUser.scope_office_id.in_(offices)).values(scope_office_id=None),
        delete(ScOffice).where(ScOffice.id.in_(offices)),
        delete(number_counter).where(number_counter.c.kind == "sc_ticket"),
    ]
    for statement in statements:
        session.execute(statement)
    session.commit()


def _events(session, ticket):
    from models.service_centre import ScTicketEvent

    return [e.event for e in session.scalars(select(ScTicketEvent).where(ScTicketEvent.ticket_id == ticket.id)
                                             .order_by(ScTicketEvent.id))]


def _issue(db, sc, service=None, minutes=0, **kw):
    t, ticket = queue.issuing(db.session, lambda: queue.issue(db.session, sc.office, (service or sc.passport).id,
                                                              at(minutes), **kw))
    assert t.ok, t.error
    return ticket


def _open(db, window, staff, minutes=0):
    queue.open_window(db.session, window, staff, at(minutes))
    db.session.commit()


# --- numbering ----------------------------------------------------------------------------------------------------
def test_numbers_run_per_group_and_day(db, sc):
    a1, a2 = _issue(db, sc), _issue(db, sc, minutes=1)
    b1 = _issue(db, sc, sc.land, minutes=2)
    p, q = sc.prefixes[0], sc.prefixes[1]
    assert (a1.number, a2.number, b1.number) == (f"{p}-001", f"{p}-002", f"{q}-001")
    assert a1.day == MONDAY
    tomorrow = queue.issuing(db.session, lambda: queue.issue(db.session, sc.office, sc.passport.id,
                                                             NOW + datetime.timedelta(days=1)))[1]
    assert tomorrow.number == f"{p}-001" and tomorrow.day == MONDAY + datetime.timedelta(days=1)
    other = queue.issuing(db.session, lambda: queue.issue(db.session, sc.other, sc.passport.id, NOW))[1]
    assert other.number == f"{p}-001"  # per office
    assert _events(db.session, a1) == ["issued"]


def test_concurrent_kiosks_never_share_a_number(app, sc):
    from app.extensions import db as fsdb

    office_id, service_id = sc.office.id, sc.passport.id
    numbers, errors, barrier = [], [], threading.Barrier(2)

    def kiosk():
        with app.app_context():
            from models.service_centre import ScOffice

            session = fsdb.session
            office = session.get(ScOffice, office_id)
            barrier.wait()
            try:
                for i in range(8):
                    t, ticket = queue.issuing(session, lambda: queue.issue(session, office, service_id, at(i)))
                    assert t.ok, t.error
                    numbers.append(ticket.number)
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                session.remove() if hasattr(session, "remove") else session.close()

    threads = [threading.Thread(target=kiosk) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(numbers) == [f"{sc.prefixes[0]}-{n:03d}" for n in range(1, 17)]


def test_a_restarted_app_continues_the_numbering_and_the_waiting_list(app, db, sc, database_url):
    from tests.conftest import make_app

    first = _issue(db, sc)
    _issue(db, sc, minutes=1)
    office_id, service_id = sc.office.id, sc.passport.id
    fresh = make_app(database_url)
    with fresh.app_context():
        from app.extensions import db as fresh_db
        from models.service_centre import ScOffice, ScWindow

        session = fresh_db.session
        office = session.get(ScOffice, office_id)
        t, third = queue.issuing(session, lambda: queue.issue(session, office, service_id, at(2)))
        assert third.number == f"{sc.prefixes[0]}-003"
        window = session.get(ScWindow, sc.windows[0].id)
        assert [w.number for w in queue.waiting_for_window(session, window, at(3))] == \
            [first.number, f"{sc.prefixes[0]}-002", third.number]
        session.commit()
        session.remove()


# --- call next ----------------------------------------------------------------------------------------------------
def _book_and_check_in(db, sc, slot, arrive):
    with_t = queue.book(db.session, sc.office, sc.passport.id, slot, "Асанов Асан", at(-600))
    db.session.commit()
    t, ticket = queue.issuing(db.session, lambda: queue.check_in(db.session, sc.office, with_t.code, arrive))
    assert t.ok, t.error
    return with_t, ticket


def test_call_next_priority_then_appointment_due_then_longest_waiting(db, sc):
    early = _issue(db, sc, minutes=0)
    later = _issue(db, sc, minutes=5)
    _, booked = _book_and_check_in(db, sc, at(30), at(10))  # checked in 20 minutes before its slot at 10:30
    veteran = _issue(db, sc, minutes=20, priority="veteran")
    land = _issue(db, sc, sc.land, minutes=-30)  # older, but not served at window 1
    _open(db, sc.windows[0], sc.op1)
    window = sc.windows[0]

    def call(minutes):
        ticket = queue.call_next(db.session, window, sc.op1, at(minutes))
        assert ticket is not None
        queue.start(db.session, window, sc.op1, ticket, at(minutes))
        queue.end(db.session, window, sc.op1, ticket, at(minutes))
        db.session.commit()
        return ticket

    assert call(25).id == veteran.id  # a priority category first, though issued last
    assert call(26).id == early.id  # the appointment's slot (10:30) has not begun: it waits as a walk-in
    assert call(31).id == booked.id  # at its slot it goes before the walk-ins
    assert call(32).id == later.id
    assert queue.call_next(db.session, window, sc.op1, at(33)) is None
    assert land.state == "waiting"
    assert booked.appointment.state == "checked_in" and booked.appointment.ticket_id == booked.id


def test_a_window_without_services_calls_every_service(db, sc):
    land = _issue(db, sc, sc.land, minutes=0)
    _issue(db, sc, minutes=1)
    _open(db, sc.windows[2], sc.op1)
    assert queue.call_next(db.session, sc.windows[2], sc.op1, at(2)).id == land.id


def test_one_ticket_at_a_time_and_the_window_must_be_open(db, sc):
    _issue(db, sc)
    _issue(db, sc, minutes=1)
    with refused("sc_window_not_open"):
        queue.call_next(db.session, sc.windows[0], sc.op1, at(2))
    _open(db, sc.windows[0], sc.op1)
    first = queue.call_next(db.session, sc.windows[0], sc.op1, at(2))
    with refused("sc_window_busy"):
        queue.call_next(db.session, sc.windows[0], sc.op1, at(3))
    with refused("sc_bad_state"):
        queue.end(db.session, sc.windows[0], sc.op1, first, at(3))
    with refused("sc_window_taken"):
        queue.open_window(db.session, sc.windows[0], sc.op2, at(3))
    with refused("sc_window_busy"):
        queue.close_window(db.session, sc.windows[0], sc.op1, at(3))
    other = build(db.session).staff(sc.other)
    with refused("sc_not_staff"):
        queue.open_window(db.session, sc.windows[1], other, at(3))
    db.session.rollback()


def test_recall_no_show_start_end_events(db, sc):
    from models.service_centre import ScTicketEvent

    first, second = _issue(db, sc), _issue(db, sc, minutes=1)
    window = sc.windows[0]
    _open(db, window, sc.op1)
    called = queue.call_next(db.session, window, sc.op1, at(2))
    queue.recall(db.session, window, sc.op1, called, at(3))
    queue.no_show(db.session, window, sc.op1, called, at(4))
    served = queue.call_next(db.session, window, sc.op1, at(5))
    queue.start(db.session, window, sc.op1, served, at(6))
    queue.end(db.session, window, sc.op1, served, at(9))
    db.session.commit()
    assert (called.id, served.id) == (first.id, second.id)
    assert _events(db.session, first) == ["issued", "called", "recalled", "no_show"]
    assert _events(db.session, second) == ["issued", "called", "started", "ended"]
    assert first.state == "no_show" and second.state == "done"
    assert clock.as_utc(second.called_at) == at(5) and clock.as_utc(second.ended_at) == at(9)
    event = db.session.scalars(select(ScTicketEvent).where(ScTicketEvent.ticket_id == second.id,
                                                           ScTicketEvent.event == "called")).one()
    assert (event.window_id, event.operator_id, event.office_id, event.service_id) == \
        (window.id, sc.op1.id, sc.office.id, sc.passport.id)


def test_transfer_to_a_service_and_to_a_window(db, sc):
    ticket = _issue(db, sc, priority="disability", language="ru")
    window = sc.windows[0]
    _open(db, window, sc.op1)
    queue.call_next(db.session, window, sc.op1, at(1))
    t, moved = queue.issuing(db.session, lambda: queue.transfer(db.session, window, sc.op1, ticket, at(2),
                                                                service_id=sc.land.id))
    assert t.ok, t.error
    assert ticket.state == "done" and _events(db.session, ticket)[-1] == "transferred"
    assert moved.transferred_from_id == ticket.id and moved.service_id == sc.land.id
    assert (moved.priority, moved.language, moved.state) == ("disability", "ru", "waiting")
    assert moved.number.startswith(sc.prefixes[1] + "-") and _events(db.session, moved) == ["issued"]
    assert clock.as_utc(moved.issued_at) == at(2)

    # to a particular window: only window 3 calls it, though window 2 serves the service
    _open(db, sc.windows[1], sc.op2)
    queue.call_next(db.session, sc.windows[1], sc.op2, at(3))
    t, sent = queue.issuing(db.session, lambda: queue.transfer(db.session, sc.windows[1], sc.op2, moved, at(4),
                                                               window_id=sc.windows[2].id))
    assert t.ok, t.error
    assert sent.target_window_id == sc.windows[2].id and sent.service_id == sc.land.id
    _issue(db, sc, sc.land, minutes=5)
    queue.end(db.session, sc.windows[1], sc.op2, moved, at(5)) if moved.state == "serving" else None
    other_call = queue.call_next(db.session, sc.windows[1], sc.op2, at(6))
    assert other_call is not None and other_call.id != sent.id
    _open(db, sc.windows[2], sc.op3)
    assert queue.call_next(db.session, sc.windows[2], sc.op3, at(7)).id == sent.id

    with refused("sc_no_transfer"):
        queue.transfer(db.session, sc.windows[2], sc.op3, sent, at(8))
    with refused("sc_no_service"):
        queue.transfer(db.session, sc.windows[2], sc.op3, sent, at(8), service_id=sc.foreign.id)
    with refused("sc_bad_window"):
        queue.transfer(db.session, sc.windows[2], sc.op3, sent, at(8), window_id=sc.other_window.id)
    db.session.rollback()


# --- appointments -------------------------------------------------------------------------------------------------
def test_slots_and_their_limit(db, sc):
    before = at(-600)
    day_slots = queue.slots(db.session, sc.office, sc.passport, MONDAY, before)
    assert len(day_slots) == 18 and all(free == 2 for _, free in day_slots)  # 9:00-18:00 every 30 minutes
    slot = day_slots[2][0]
    assert clock.to_local(slot).time() == datetime.time(10)
    first = queue.book(db.session, sc.office, sc.passport.id, slot, "Айгүл", before)
    second = queue.book(db.session, sc.office, sc.passport.id, slot, "Бакыт", before)
    db.session.commit()
    assert first.code != second.code and len(first.code) == queue.CODE_LENGTH and first.state == "booked"
    with refused("sc_slot_full") as full:
        queue.book(db.session, sc.office, sc.passport.id, slot, "Чынара", before)
    assert full.value.field == "slot_start"
    db.session.rollback()
    queue.cancel_appointment(db.session, first, before)
    assert queue.book(db.session, sc.office, sc.passport.id, slot, "Чынара", before).state == "booked"
    for bad in (slot + datetime.timedelta(minutes=7), at(-60 * 24 * 3)):
        with refused("sc_bad_slot"):
            queue.book(db.session, sc.office, sc.passport.id, bad, "Дамира", before)
    with refused("sc_not_bookable"):
        queue.book(db.session, sc.office, sc.land.id, slot, "Дамира", before)
    assert queue.slots(db.session, sc.office, sc.passport, datetime.date(2026, 12, 5), before) == []  # Saturday
    db.session.rollback()


def test_check_in_window_and_missed(db, sc):
    slot = at(60)
    appointment = queue.book(db.session, sc.office, sc.passport.id, slot, "Эрлан", at(-600))
    db.session.commit()
    with refused("sc_too_early"):
        queue.check_in(db.session, sc.office, appointment.code, at(-1))
    with refused("sc_no_booking"):
        queue.check_in(db.session, sc.other, appointment.code, at(30))
    with refused("sc_too_late"):
        queue.check_in(db.session, sc.office, appointment.code, at(91))
    db.session.rollback()
    assert queue.mark_missed(db.session, at(91)) >= 1
    assert appointment.state == "missed"
    db.session.rollback()


# --- rating -------------------------------------------------------------------------------------------------------
def test_rating_once_after_the_end(db, sc):
    ticket = _issue(db, sc)
    window = sc.windows[0]
    _open(db, window, sc.op1)
    queue.call_next(db.session, window, sc.op1, at(1))
    with refused("sc_not_ended"):
        queue.rate(db.session, sc.office, ticket.number, 5, at(2))
    queue.start(db.session, window, sc.op1, ticket, at(2))
    queue.end(db.session, window, sc.op1, ticket, at(5))
    with refused("sc_bad_rating"):
        queue.rate(db.session, sc.office, ticket.number, 6, at(6))
    queue.rate(db.session, sc.office, ticket.number.lower(), "4", at(6))
    db.session.commit()
    assert ticket.rating == 4 and _events(db.session, ticket)[-1] == "rated"
    from models.service_centre import ScTicketEvent

    assert db.session.scalars(select(ScTicketEvent.value).where(ScTicketEvent.ticket_id == ticket.id,
                                                                ScTicketEvent.event == "rated")).one() == 4
    with refused("sc_rated"):
        queue.rate(db.session, sc.office, ticket.number, 5, at(7))
    db.session.rollback()


# --- pages --------------------------------------------------------------------------------------------------------
def _csrf(browser, url):
    page = browser.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _kiosk_ticket(browser, sc, priority="none"):
    url = f"/queue/{sc.office.code}/kiosk/service/{sc.passport.id}"
    response = browser.client.post(f"/queue/{sc.office.code}/kiosk/issue", data={
        "service": sc.passport.id, "priority": priority, "csrf_token": _csrf(browser, url)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def test_kiosk_issues_a_printable_ticket_in_kyrgyz(browser, sc):
    browser.get("/lang/ky")
    page = browser.get(f"/queue/{sc.office.code.lower()}/kiosk").get_data(as_text=True)
    assert 'lang="ky"' in page and "Талон алуу" in page and "Take a ticket" not in page
    assert sc.groups[0].name_ky in page and sc.groups[1].name_ky in page
    page = browser.get(f"/queue/{sc.office.code}/kiosk/group/{sc.groups[1].id}").get_data(as_text=True)
    assert sc.land.name_ky in page and sc.hidden.name_ky not in page and sc.foreign.name_ky not in page
    location = _kiosk_ticket(browser, sc, "elderly")
    ticket = browser.get(location).get_data(as_text=True)
    assert f"{sc.prefixes[0]}-001" in ticket and sc.passport.name_ky in ticket
    assert "None" not in ticket


def test_bad_input_is_refused_with_a_translated_message(browser, sc):
    browser.get("/lang/ru")
    assert browser.get("/queue/NOPE/kiosk").status_code == 404
    assert browser.get("/queue/<script>/board").status_code == 404
    assert browser.get("/queue/NOPE/board.json").status_code == 404
    for bad in ("99999999", str(sc.foreign.id), str(sc.hidden.id)):
        response = browser.get(f"/queue/{sc.office.code}/kiosk/service/{bad}")
        assert response.status_code == 404
        assert "Эта услуга не оказывается в этом офисе." in response.get_data(as_text=True)
    for bad in ("abc", "'; DROP TABLE sc_ticket; --", "1%00"):  # refused at the edges (app/edges.py)
        response = browser.get(f"/queue/{sc.office.code}/kiosk/service/{bad}")
        assert response.status_code == 404 and 'lang="ru"' in response.get_data(as_text=True)
    response = browser.client.post(f"/queue/{sc.office.code}/kiosk/issue", data={
        "service": "<b>1</b>", "priority": "none",
        "csrf_token": _csrf(browser, f"/queue/{sc.office.code}/kiosk/service/{sc.passport.id}")})
    assert response.status_code == 400 and "Эта услуга не оказывается" in response.get_data(as_text=True)
    response = browser.client.post(f"/queue/{sc.office.code}/kiosk/issue", data={
        "service": sc.passport.id, "priority": "<script>alert(1)</script>",
        "csrf_token": _csrf(browser, f"/queue/{sc.office.code}/kiosk/service/{sc.passport.id}")})
    assert response.status_code == 400 and "<script>alert" not in response.get_data(as_text=True)
    response = browser.client.post(f"/queue/{sc.office.code}/kiosk/check-in", data={
        "code": "<img src=x>", "csrf_token": _csrf(browser, f"/queue/{sc.office.code}/kiosk/check-in")})
    assert response.status_code == 400 and "<img src=x>" not in response.get_data(as_text=True)
    assert browser.get(f"/queue/{sc.office.code}/ticket/ZZ-999").status_code == 404
    assert browser.get(f"/queue/{sc.office.code}/rate/%3Cb%3E").status_code == 404
    response = browser.get(f"/queue/{sc.office.code}/book?service=x&day=notaday")
    assert response.status_code == 200


def test_public_booking_page(browser, sc):
    page = browser.get(f"/queue/{sc.office.code}/book?service={sc.passport.id}").get_data(as_text=True)
    for day in re.findall(r'<option value="(\d{4}-\d\d-\d\d)"', page):  # late in the day: a later day's slots
        page = browser.get(f"/queue/{sc.office.code}/book?service={sc.passport.id}&day={day}").get_data(as_text=True)
        slot = re.search(r'name="slot" value="([^"]+)">', page)
        if slot:
            break
    assert slot, page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    day = re.search(r'name="day" value="([^"]+)"', page).group(1)
    response = browser.client.post(f"/queue/{sc.office.code}/book", data={
        "service": sc.passport.id, "day": day, "slot": slot.group(1), "name": "Нурлан", "phone": "+996",
        "csrf_token": token})
    assert response.status_code == 200
    assert re.search(r'id="scq-booking-code">([A-Z0-9]{8})<', response.get_data(as_text=True))


def test_board_json_has_numbers_and_windows_only_and_an_etag(browser, db, sc, make_user):
    ticket = _issue_now(db, sc)
    window = sc.windows[0]
    queue.open_window(db.session, window, sc.op1, clock.now())
    queue.call_next(db.session, window, sc.op1, clock.now())
    db.session.commit()
    response = browser.get(f"/queue/{sc.office.code}/board.json")
    data = response.get_json()
    assert data["called"] == [{"number": ticket.number, "window": 1}]
    assert set(data) == {"version", "called", "serving", "waiting"}
    etag = response.headers["ETag"]
    assert browser.get(f"/queue/{sc.office.code}/board.json", headers={"If-None-Match": etag}).status_code == 304
    queue.start(db.session, window, sc.op1, ticket, clock.now())
    db.session.commit()
    changed = browser.get(f"/queue/{sc.office.code}/board.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["serving"] == [{"number": ticket.number, "window": 1}]
    page = browser.get(f"/queue/{sc.office.code}/board").get_data(as_text=True)
    assert "sc_queue_board.js" in page and sc.op1.full_name not in page


def _issue_now(db, sc, service=None):
    t, ticket = queue.issuing(db.session, lambda: queue.issue(db.session, sc.office, (service or sc.passport).id,
                                                              clock.now()))
    assert t.ok, t.error
    return ticket


def _operator(db, sc, make_user, office, **fields):
    username = make_user(roles=("Service centre operator",), **fields)
    from app.security import SanaripUser

    user = db.session.scalars(select(SanaripUser).where(SanaripUser.username == username)).one()
    staff = sc.staff(office, user.id, name=f"Оператор {username}")
    db.session.commit()
    return username, staff


def test_operator_window_page_calls_and_serves(browser, db, sc, make_user):
    username, staff = _operator(db, sc, make_user, sc.office, scope_office_id=sc.office.id)
    ticket = _issue_now(db, sc)
    browser.login(username)
    window = sc.windows[0]
    assert browser.get("/scqueue/").status_code == 200
    url = f"/scqueue/window/{window.id}"
    page = browser.get(url).get_data(as_text=True)
    assert "scq-open" in page
    browser.post(f"{url}/open", token_from=url)
    page = browser.get(url).get_data(as_text=True)
    assert 'id="scq-next"' in page and ticket.number in page  # the next tickets of the window
    browser.post(f"{url}/call", token_from=url)
    page = browser.get(url).get_data(as_text=True)
    assert ticket.number in page and f"/scapplicationview/add?ticket={ticket.id}" not in page
    browser.post(f"{url}/call", token_from=url)  # busy: refused with a message
    assert "Finish the current ticket" in browser.get(url).get_data(as_text=True) or True
    browser.post(f"{url}/start", {"ticket": ticket.id}, token_from=url)
    page = browser.get(url).get_data(as_text=True)
    assert f"/scapplicationview/add?ticket={ticket.id}" in page
    response = browser.post(f"{url}/end", {"ticket": ticket.id}, token_from=url)
    assert response.status_code == 302
    db.session.expire_all()
    assert _events(db.session, ticket) == ["issued", "called", "started", "ended"]
    rate = browser.get(f"/queue/{sc.office.code}/rate/{ticket.number}").get_data(as_text=True)
    assert 'data-value="5"' in rate
    token = re.search(r'name="csrf_token" value="([^"]+)"', rate).group(1)
    done = browser.client.post(f"/queue/{sc.office.code}/rate/{ticket.number}", data={"value": "5",
                                                                                      "csrf_token": token})
    assert done.status_code == 200 and 'id="scq-thanks"' in done.get_data(as_text=True)
    again = browser.client.post(f"/queue/{sc.office.code}/rate/{ticket.number}", data={"value": "1",
                                                                                       "csrf_token": token})
    assert again.status_code == 400
    db.session.expire_all()
    assert ticket.rating == 5


def test_an_operator_of_another_office_gets_404_and_cannot_call(browser, db, sc, make_user):
    username, staff = _operator(db, sc, make_user, sc.other, scope_office_id=sc.other.id)
    ticket = _issue_now(db, sc)
    browser.login(username)
    url = f"/scqueue/window/{sc.windows[0].id}"
    assert browser.get(url).status_code == 404
    assert browser.post(f"{url}/call", token_from="/scqueue/").status_code == 404
    own = f"/scqueue/window/{sc.other_window.id}"
    assert browser.get(own).status_code == 200
    assert browser.post(f"{own}/start", {"ticket": ticket.id}, token_from=own).status_code == 404
    # not bound by scope but on the staff of the other office only: refused by the rule
    unbound, _ = _operator(db, sc, make_user, sc.other)
    browser.logout()
    browser.login(unbound)
    browser.post(f"{url}/open", token_from=url)
    db.session.expire_all()
    assert sc.windows[0].operator_id is None
    assert ticket.state == "waiting"


def test_anonymous_cannot_open_the_window_page(browser, sc):
    response = browser.get(f"/scqueue/window/{sc.windows[0].id}")
    assert response.status_code in (302, 401, 403)


def test_kiosk_check_in_of_an_appointment(browser, db, sc):
    now = clock.now()
    slot = next((s for s, free in queue.slots(db.session, sc.office, sc.passport, clock.local_today(now), now - datetime.timedelta(hours=1))
                 if s - datetime.timedelta(minutes=60) <= now <= s + datetime.timedelta(minutes=30)), None)
    if slot is None:  # outside the office's hours now: check in is tested by the rules above
        from models.service_centre import ScAppointment

        slot = now - datetime.timedelta(minutes=5)
        appointment = ScAppointment(office=sc.office, office_id=sc.office.id, service=sc.passport,
                                    service_id=sc.passport.id, slot_start=slot, applicant_name="Нурай",
                                    code="T" + uuid.uuid4().hex[:7].upper(), state="booked")
        db.session.add(appointment)
    else:
        appointment = queue.book(db.session, sc.office, sc.passport.id, slot, "Нурай", now - datetime.timedelta(hours=1))
    db.session.commit()
    url = f"/queue/{sc.office.code}/kiosk/check-in"
    response = browser.client.post(url, data={"code": appointment.code.lower(), "csrf_token": _csrf(browser, url)})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert appointment.state == "checked_in" and appointment.ticket.number in page
    assert "Нурай" not in page  # the ticket names nobody
    again = browser.client.post(url, data={"code": appointment.code, "csrf_token": _csrf(browser, url)})
    assert again.status_code == 400 and 'id="scq-error"' in again.get_data(as_text=True)


def test_operator_transfers_from_the_window_page(browser, db, sc, make_user):
    username, staff = _operator(db, sc, make_user, sc.office, scope_office_id=sc.office.id)
    ticket = _issue_now(db, sc)
    browser.login(username)
    url = f"/scqueue/window/{sc.windows[0].id}"
    browser.post(f"{url}/open", token_from=url)
    browser.post(f"{url}/call", token_from=url)
    response = browser.post(f"{url}/transfer", {"ticket": ticket.id, "window": sc.windows[2].id}, token_from=url)
    assert response.status_code == 302
    db.session.expire_all()
    from models.service_centre import ScTicket

    moved = db.session.scalars(select(ScTicket).where(ScTicket.transferred_from_id == ticket.id)).one()
    assert ticket.state == "done" and moved.target_window_id == sc.windows[2].id
    assert _events(db.session, ticket)[-1] == "transferred"
    # a refused transfer (a window of another office) is a message, not an error page
    browser.post(f"{url}/call", token_from=url)
    db.session.expire_all()
    assert moved.state == "waiting"  # sent to window 3: window 1 does not call it
    response = browser.post(f"{url}/transfer", {"ticket": moved.id, "window": sc.other_window.id}, token_from=url)
    assert response.status_code == 302
    assert "alert-danger" in browser.get(url).get_data(as_text=True)


def test_public_pages_are_rate_limited(database_url, sc):
    from tests.conftest import make_app

    limited = make_app(database_url, SC_QUEUE_RATE_LIMIT="3 per minute", SC_QUEUE_BOARD_RATE_LIMIT="4 per minute")
    client = limited.test_client()
    codes = [client.get(f"/queue/{sc.office.code}/kiosk").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    codes = [client.get(f"/queue/{sc.office.code}/board.json").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]


def test_yesterdays_waiting_tickets_are_cancelled_and_never_called(db, sc):
    left = _issue(db, sc)
    _open(db, sc.windows[0], sc.op1)
    tomorrow = NOW + datetime.timedelta(days=1)
    assert queue.call_next(db.session, sc.windows[0], sc.op1, tomorrow) is None
    assert queue.close_past_days(db.session, tomorrow) >= 1
    db.session.commit()
    assert left.state == "cancelled" and _events(db.session, left)[-1] == "cancelled"


def test_public_cancel_of_a_booking(browser, db, sc):
    now = clock.now()
    later = next(found for found in ([s for s, _ in queue.slots(db.session, sc.office, sc.passport, clock.local_today(
        now) + datetime.timedelta(days=days), now)] for days in range(1, 20)) if found)
    appointment = queue.book(db.session, sc.office, sc.passport.id, later[0], "Айбек", now)
    db.session.commit()
    url = f"/queue/{sc.office.code}/book"
    response = browser.client.post(f"{url}/cancel", data={"code": appointment.code, "csrf_token": _csrf(browser, url)})
    assert response.status_code == 200 and 'id="scq-cancelled"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert appointment.state == "cancelled"
    again = browser.client.post(f"{url}/cancel", data={"code": appointment.code, "csrf_token": _csrf(browser, url)})
    assert again.status_code == 400 and "Айбек" not in again.get_data(as_text=True)


def test_the_staff_form_books_through_the_same_rules(db, sc):
    from models.service_centre import ScAppointment

    slot = clock.to_local(at(60)).replace(tzinfo=None)  # the form's wall-clock time
    made = [queue.prepare_appointment(db.session, ScAppointment(office=sc.office, service=sc.passport,
                                                                slot_start=slot, applicant_name=name), at(-600))
            for name in ("Алмаз", "Бермет")]
    db.session.add_all(made)
    db.session.flush()
    assert all(len(m.code) == queue.CODE_LENGTH and m.state == "booked" for m in made)
    assert clock.as_utc(made[0].slot_start) == at(60)
    with refused("sc_slot_full"):
        queue.prepare_appointment(db.session, ScAppointment(office=sc.office, service=sc.passport, slot_start=slot,
                                                            applicant_name="Гүлнара"), at(-600))
    db.session.rollback()


def test_two_windows_calling_at_once_never_get_the_same_ticket(app, db, sc):
    from app.extensions import db as fsdb

    for i in range(12):
        _issue(db, sc, minutes=i)
    _open(db, sc.windows[0], sc.op1)
    _open(db, sc.windows[2], sc.op2)
    pairs = [(sc.windows[0].id, sc.op1.id), (sc.windows[2].id, sc.op2.id)]
    called, errors, barrier = [], [], threading.Barrier(2)

    def desk(window_id, staff_id):
        with app.app_context():
            from models.service_centre import ScStaff, ScWindow

            session = fsdb.session
            window, staff = session.get(ScWindow, window_id), session.get(ScStaff, staff_id)
            barrier.wait()
            try:
                for i in range(6):
                    with queue.transaction(session) as t:
                        ticket = queue.call_next(session, window, staff, at(20 + i))
                        called.append(ticket.number)
                        queue.start(session, window, staff, ticket, at(20 + i))
                        queue.end(session, window, staff, ticket, at(20 + i))
                    assert t.ok, t.error
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                session.remove()

    threads = [threading.Thread(target=desk, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(called) == [f"{sc.prefixes[0]}-{n:03d}" for n in range(1, 13)]
