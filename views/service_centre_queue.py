"""The electronic queue's pages (issue 12, item 6; the rating of item 8): the kiosk, the printable ticket, check-in
of an appointment, public booking and the one-tap rating (public, rate limited), the display board with its
small JSON endpoint (public, polled every second, cheap with an ETag), and the operator's window page (login).
Every rule is in app/services/service_centre_queue.py; here only the pages."""
from flask import Blueprint, abort, current_app, flash, g, jsonify, make_response, redirect, render_template, \
    request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import format_date, format_time, gettext, lazy_gettext as _l

from app import clock
from app.catalogue import classifiers
from app.errors import DomainError
from app.extensions import db
from app.i18n import current_language
from app.registry import SERVICE_CENTRE_CATEGORY, MenuItem, ModulePart
from app.scope import current_scope, deny_outside, scoped_select
from app.seed.roles import grant
from app.services import service_centre_queue as queue
from app.transaction import transaction
from models.service_centre import PRIORITIES, TICKET_STATES, ScOffice, ScTicket, ScWindow
from views.certificates import qr_data_uri

public = Blueprint("sc_queue", __name__, url_prefix="/queue")
public.rate_limit = lambda: current_app.config.get("SC_QUEUE_RATE_LIMIT", "120 per minute")
# the board polls once a second: its own, looser limit
board_pages = Blueprint("sc_queue_board", __name__, url_prefix="/queue")
board_pages.rate_limit = lambda: current_app.config.get("SC_QUEUE_BOARD_RATE_LIMIT", "600 per minute")

KIOSK_RETURN_SECONDS = 30  # the printed ticket's page goes back to the kiosk's start


def _office(code):
    office = queue.office_by_code(db.session, code)
    if office is None:
        abort(404)
    return office


def _public(template, office, status=200, **context):
    context.setdefault("error", None)
    return render_template(f"sanarip/{template}", office=office, office_name=office.name,
                           languages=(("ky", "Кыргызча"), ("ru", "Русский"), ("en", "English")),
                           lang=current_language(), **context), status


def _local(instant):
    local = clock.to_local(instant)
    return f"{format_date(local, 'medium')} {format_time(local, 'short')}"


# --- kiosk --------------------------------------------------------------------------------------------------------
@public.route("/<office_code>/kiosk")
def kiosk(office_code):
    office = _office(office_code)
    return _public("sc_queue_kiosk.html", office, step="groups", groups=queue.offered_groups(db.session, office),
                   title=gettext("Take a ticket"))


@public.route("/<office_code>/kiosk/group/<group_id>")
def kiosk_group(office_code, group_id):
    office = _office(office_code)
    services = queue.offered_services(db.session, office, int(group_id)) if group_id.isdigit() else []
    if not services:
        return _public("sc_queue_kiosk.html", office, 404, step="groups",
                       groups=queue.offered_groups(db.session, office), title=gettext("Take a ticket"),
                       error=gettext("This group has no services at this office."))
    return _public("sc_queue_kiosk.html", office, step="services", services=services, group=services[0].group,
                   title=gettext("Choose a service"))


@public.route("/<office_code>/kiosk/service/<service_id>")
def kiosk_service(office_code, service_id):
    office = _office(office_code)
    try:
        service = queue.offered_service(db.session, office, service_id)
    except DomainError as refusal:
        return _public("sc_queue_kiosk.html", office, 404, step="groups",
                       groups=queue.offered_groups(db.session, office), title=gettext("Take a ticket"),
                       error=str(refusal))
    return _public("sc_queue_kiosk.html", office, step="priority", service=service,
                   priorities=queue.priority_choices(), title=gettext("Choose the queue"))


@public.route("/<office_code>/kiosk/issue", methods=["POST"])
def kiosk_issue(office_code):
    office = _office(office_code)
    t, ticket = queue.issuing(db.session, lambda: queue.issue(
        db.session, office, request.form.get("service", ""), clock.now(),
        priority=request.form.get("priority", "none")[:12], language=current_language()))
    if not t.ok:
        return _public("sc_queue_kiosk.html", office, 400, step="groups",
                       groups=queue.offered_groups(db.session, office), title=gettext("Take a ticket"),
                       error=str(t.error))
    return redirect(url_for("sc_queue.ticket", office_code=office.code, number=ticket.number, printed=1))


@public.route("/<office_code>/kiosk/check-in", methods=["GET", "POST"])
def kiosk_check_in(office_code):
    office = _office(office_code)
    code, error = "", None
    if request.method == "POST":
        code = request.form.get("code", "")[:20]
        t, ticket = queue.issuing(db.session, lambda: queue.check_in(db.session, office, code, clock.now(),
                                                                    language=current_language()))
        if t.ok:
            return redirect(url_for("sc_queue.ticket", office_code=office.code, number=ticket.number, printed=1))
        error = str(t.error)
    return _public("sc_queue_kiosk.html", office, 400 if error else 200, step="check_in", code=code, error=error,
                   title=gettext("I have an appointment"))


@public.route("/<office_code>/ticket/<number>")
def ticket(office_code, number):
    """The printable ticket: number, service, people ahead, time; nothing personal."""
    office = _office(office_code)
    now = clock.now()
    found = queue.ticket_by_number(db.session, office, number, now)
    if found is None:
        abort(404)
    rate_url = url_for("sc_queue.rate", office_code=office.code, number=found.number, _external=True)
    return _public("sc_queue_ticket.html", office, ticket=found, service_name=found.service.name,
                   ahead=queue.people_ahead(db.session, found, now), issued=_local(found.issued_at),
                   priority=classifiers.label(PRIORITIES.code, found.priority) if found.priority != "none" else "",
                   appointment=found.appointment_id is not None, printed=request.args.get("printed") == "1",
                   return_seconds=KIOSK_RETURN_SECONDS, title=gettext("Ticket %(number)s", number=found.number),
                   rate_url=rate_url, rate_qr=qr_data_uri(rate_url))


# --- rating -------------------------------------------------------------------------------------------------------
@public.route("/<office_code>/rate/<number>", methods=["GET", "POST"])
def rate(office_code, number):
    office = _office(office_code)
    now = clock.now()
    found = queue.ticket_by_number(db.session, office, number, now)
    if found is None:
        abort(404)
    error, thanks = None, False
    if request.method == "POST":
        with transaction(db.session) as t:
            queue.rate(db.session, office, found.number, request.form.get("value", ""), now)
        thanks, error = t.ok, (None if t.ok else str(t.error))
    elif found.rating is not None:
        error = gettext("This ticket has already been rated. Thank you!")
    elif not queue.can_rate(db.session, found):
        error = gettext("You can rate the service when it has ended.")
    return _public("sc_queue_rate.html", office, 400 if error and request.method == "POST" else 200,
                   number=found.number, error=error, thanks=thanks,
                   open=not thanks and found.rating is None and queue.can_rate(db.session, found),
                   title=gettext("Rate the service"))


# --- booking ------------------------------------------------------------------------------------------------------
BOOKING_DAYS = 10  # working days offered ahead


def _booking_days(now):
    import datetime

    from app import workdays

    day, days = clock.local_today(now), []
    while len(days) < BOOKING_DAYS:
        if workdays.is_working_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


@public.route("/<office_code>/book", methods=["GET", "POST"])
def book(office_code):
    """Public booking: a service, a working day, a free slot, a name; the answer is the booking code."""
    import datetime

    office = _office(office_code)
    now = clock.now()
    bookable = [s for s in queue.offered_services(db.session, office) if s.slot_minutes]
    source = request.form if request.method == "POST" else request.args
    service = next((s for s in bookable if str(s.id) == source.get("service", "")), None)
    days = _booking_days(now)
    try:
        day = datetime.date.fromisoformat(source.get("day", "")[:10])
    except ValueError:
        day = None
    day = day if day in days else days[0]
    error, appointment = None, None
    if request.method == "POST":
        if service is None:
            error = gettext("Choose a service that can be booked.")
        else:
            try:
                slot = datetime.datetime.fromisoformat(request.form.get("slot", "")[:40])
                slot = clock.as_utc(slot)
            except ValueError:
                slot = None
            with transaction(db.session) as t:
                if slot is None:
                    raise DomainError(_l("Choose a time slot from the list: within the office's hours, on a "
                                               "working day, not in the past."), field="slot_start")
                appointment = queue.book(db.session, office, service.id, slot, request.form.get("name", "")[:255],
                                         now, phone=request.form.get("phone", "")[:50])
            if not t.ok:
                error, appointment = str(t.error), None
    slots = [(s.isoformat(), format_time(clock.to_local(s), "short"), free)
             for s, free in queue.slots(db.session, office, service, day, now)] if service else []
    return _public("sc_queue_book.html", office, 400 if error else 200, services=bookable, service=service,
                   days=[(d.isoformat(), format_date(d, "full")) for d in days], day=day.isoformat(), slots=slots,
                   error=error, appointment=appointment,
                   appointment_time=_local(appointment.slot_start) if appointment else "",
                   form=request.form if request.method == "POST" else {}, title=gettext("Book a visit"))


@public.route("/<office_code>/book/cancel", methods=["POST"])
def cancel_booking(office_code):
    office = _office(office_code)
    with transaction(db.session) as t:
        queue.cancel_by_code(db.session, office, request.form.get("code", "")[:20], clock.now())
    return _public("sc_queue_book.html", office, 200 if t.ok else 400, services=[], service=None, days=[], day="",
                   slots=[], error=None if t.ok else str(t.error), appointment=None, appointment_time="", form={},
                   cancelled=t.ok, title=gettext("Cancel a booking"))


# --- the display board --------------------------------------------------------------------------------------------
@board_pages.route("/<office_code>/board")
def board(office_code):
    office = _office(office_code)
    return _public("sc_queue_board.html", office, title=gettext("Electronic queue"),
                   data_url=url_for("sc_queue_board.board_data", office_code=office.code))


@board_pages.route("/<office_code>/board.json")
def board_data(office_code):
    """The board's state, with an ETag: an idle poll costs one indexed max() and answers 304."""
    office = _office(office_code)
    version = f"{queue.board_version(db.session, office)}-{current_language()}-{clock.local_today()}"
    if request.if_none_match.contains(version):
        response = make_response("", 304)
    else:
        response = jsonify({"version": version, **queue.board(db.session, office, clock.now())})
    response.set_etag(version)
    response.headers["Cache-Control"] = "no-cache"
    db.session.commit()  # a fresh snapshot at the next poll
    return response


# --- the operator's window ----------------------------------------------------------------------------------------
ACTIONS = {"call": queue.call_next, "recall": queue.recall, "start": queue.start, "end": queue.end,
           "no_show": queue.no_show}
DONE_MESSAGES = {"open": _l("The window is open."), "close": _l("The window is closed."),
                 "recall": _l("Called again."), "start": _l("Service started."), "end": _l("Service ended."),
                 "no_show": _l("Marked as not come.")}


NEXT_SHOWN = 10  # the next tickets listed on the window page


class ScQueueView(BaseView):
    """The operator's windows and the window page (call next, recall, no-show, start, end, transfer)."""

    route_base = "/scqueue"
    default_view = "index"
    base_permissions = ["can_operate"]
    method_permission_name = {"index": "operate", "window": "operate", "act": "operate"}
    title = _l("Queue: my window")

    def _window(self, pk):
        window = db.session.scalar(scoped_select(ScWindow, current_scope()).where(ScWindow.id == pk))
        if window is None:
            deny_outside(ScWindow.__tablename__, str(pk))
        return window

    def _staff(self, window):
        rows = queue.staff_of(db.session, g.user, window.office_id)
        return rows[0] if rows else None

    @expose("/")
    @has_access
    def index(self):
        staff = queue.staff_of(db.session, g.user)
        office_ids = [s.office_id for s in staff]
        offices = db.session.scalars(scoped_select(ScOffice, current_scope()).where(ScOffice.id.in_(office_ids))
                                     .order_by(ScOffice.code)).all()
        windows = {o.id: db.session.scalars(scoped_select(ScWindow, current_scope()).where(
            ScWindow.office_id == o.id, ScWindow.active.is_(True)).order_by(ScWindow.number)).all() for o in offices}
        return self.render_template("sanarip/sc_queue_operator.html", page="index", offices=offices,
                                    windows=windows, staff_ids={s.id for s in staff}, title=self.title)

    @expose("/window/<int:pk>")
    @has_access
    def window(self, pk):
        window = self._window(pk)
        now = clock.now()
        current = queue.current_ticket(db.session, window)
        office = window.office
        waiting = queue.waiting_for_window(db.session, window, now)
        priorities = dict(classifiers.choices(PRIORITIES.code))
        return self.render_template(
            "sanarip/sc_queue_operator.html", page="window", window=window, office=office, current=current,
            staff=self._staff(window), counts=queue.waiting_counts(db.session, office, now),
            for_window=len(waiting), states=TICKET_STATES,
            next_tickets=[(t.number, t.service.name, priorities.get(t.priority, "") if t.priority != "none" else "",
                           t.appointment_id is not None) for t in waiting[:NEXT_SHOWN]],
            priority=classifiers.label(PRIORITIES.code, current.priority) if current else "",
            issued=_local(current.issued_at) if current else "",
            services=queue.offered_services(db.session, office),
            other_windows=[w for w in office.windows if w.active and w.id != window.id],
            title=gettext("Window %(number)s", number=window.number))

    @expose("/window/<int:pk>/<action>", methods=["POST"])
    @has_access
    def act(self, pk, action):
        window = self._window(pk)
        staff = self._staff(window)
        now = clock.now()
        ticket = None
        if action not in ("open", "close", "call"):
            ticket_id = request.form.get("ticket", "")
            ticket = db.session.scalar(scoped_select(ScTicket, current_scope()).where(
                ScTicket.id == int(ticket_id))) if ticket_id.isdigit() and len(ticket_id) <= 9 else None
            if ticket is None:
                deny_outside(ScTicket.__tablename__, ticket_id[:20])
        if action == "transfer":
            t, result = queue.issuing(db.session, lambda: queue.transfer(
                db.session, window, staff, ticket, now, service_id=request.form.get("service") or None,
                window_id=request.form.get("window") or None))
            message = gettext("Transferred: new ticket %(number)s.", number=result.number) if t.ok else ""
        elif action in ("open", "close"):
            with transaction(db.session) as t:
                (queue.open_window if action == "open" else queue.close_window)(db.session, window, staff, now)
            message = str(DONE_MESSAGES[action])
        elif action in ACTIONS:
            with transaction(db.session) as t:
                result = ACTIONS[action](db.session, window, staff, now) if action == "call" else \
                    ACTIONS[action](db.session, window, staff, ticket, now)
            if action == "call":
                message = gettext("Called: %(number)s.", number=result.number) if result is not None else \
                    gettext("Nobody is waiting for this window.")
            else:
                message = str(DONE_MESSAGES[action])
        else:
            abort(404)
        if t.ok:
            flash(message, "success" if action != "call" or result is not None else "info")
        else:
            flash(str(t.error), "danger")
        return redirect(url_for("ScQueueView.window", pk=window.id))


def _menu(view, name, label, icon):
    return MenuItem(view, name, label, SERVICE_CENTRE_CATEGORY, _l("Public service centre"), icon, "fa-university")


_operate = [grant(ScQueueView, "can_operate", menu=True)]

#: the queue: the operator's window page; the kiosk, ticket, booking, rating and board pages are public
PART = ModulePart(
    menu=[_menu(ScQueueView, "Sc queue window", _l("Queue: my window"), "fa-bullhorn")],
    public_blueprints=[public, board_pages],
    grants={"operator": _operate, "head": _operate, "admin": _operate})
