"""Automatic distribution of work (issue 12, item 4) and the escalation of overdue stages (item 3): round robin,
least open work, by skill, skipping the absent, those on leave and off shift (the shift's hours in Asia/Bishkek
whatever the process's TZ), the unassigned case alerting the head, manual reassignment with its reason, the
history, and the office scope of the reassignment page."""
import datetime
import os
import time

import pytest
from sqlalchemy import select

from tests.sc_dist_rows import MONDAY, MONDAY_10, make_account, make_application, make_office, make_service, \
    make_staff


@pytest.fixture
def office(db):
    return make_office(db.session)


def _rule(db, office, method, service=None, role="back_office"):
    from models.service_centre import ScAssignmentRule

    rule = ScAssignmentRule(office=office, service=service, method=method, role=role)
    db.session.add(rule)
    db.session.flush()
    return rule


def _assign_new(db, office, service, now=MONDAY_10):
    from app.services import service_centre_distribution as distribution

    application = make_application(db.session, office, service)
    return distribution.assign(db.session, application, now), application


def test_round_robin_goes_in_order_and_continues_after_the_last(db, office):
    service = make_service(db.session)
    a, b, c = (make_staff(db.session, office, n) for n in ("A", "B", "C"))
    rule = _rule(db, office, "round_robin")
    given = [_assign_new(db, office, service)[0] for _ in range(4)]
    assert given == [a, b, c, a]
    assert rule.last_staff == a
    # continues after the last one given, also from another session (the rule remembers it)
    db.session.commit()
    db.session.expire_all()
    assert _assign_new(db, office, service)[0].id == b.id
    # an ineligible one is skipped: C on leave today
    from models.service_centre import ScAbsence

    db.session.add(ScAbsence(staff=c, kind="leave", starts_on=MONDAY, ends_on=MONDAY))
    db.session.flush()
    assert _assign_new(db, office, service)[0] == a
    db.session.rollback()


def test_least_open_work_ties_by_id(db, office):
    service = make_service(db.session)
    a, b = make_staff(db.session, office, "A"), make_staff(db.session, office, "B")
    # A has two open applications and one handed over; B has one open
    for state in ("received", "sent", "handed_over"):
        make_application(db.session, office, service, state=state, assignee=a)
    make_application(db.session, office, service, state="result_received", assignee=b)
    _rule(db, office, "least_open")
    assert _assign_new(db, office, service)[0] == b  # B: 1 open, A: 2
    assert _assign_new(db, office, service)[0] == a  # now 2 each: the lower id
    db.session.rollback()


def test_no_rule_means_least_open_among_back_office(db, office):
    service = make_service(db.session)
    make_staff(db.session, office, "Operator", role="operator")
    back = make_staff(db.session, office, "Back")
    staff, application = _assign_new(db, office, service)
    assert staff == back and application.assignments[-1].method == "least_open"
    db.session.rollback()


def test_by_skill_then_least_open_and_the_service_rule_before_the_office_rule(db, office):
    passport, land = make_service(db.session, "Паспорт"), make_service(db.session, "Жер")
    generalist = make_staff(db.session, office, "Generalist")
    expert = make_staff(db.session, office, "Expert", skills=[passport])
    make_application(db.session, office, passport, assignee=expert)  # the expert already has one open
    _rule(db, office, "least_open")
    _rule(db, office, "skill", service=passport)
    assert _assign_new(db, office, passport)[0] == expert  # only the skilled one, even with more open work
    assert _assign_new(db, office, land)[0] == generalist  # the office's rule for other services
    db.session.rollback()


def test_absent_on_leave_inactive_and_off_shift_are_skipped(db, office):
    from app.services import service_centre_distribution as distribution
    from models.service_centre import ScAbsence

    service = make_service(db.session)
    present = make_staff(db.session, office, "Present")
    sick = make_staff(db.session, office, "Sick")
    db.session.add(ScAbsence(staff=sick, kind="sick", starts_on=MONDAY - datetime.timedelta(days=3),
                             ends_on=MONDAY))  # the last day of the absence counts
    make_staff(db.session, office, "Gone", active=False)
    make_staff(db.session, office, "Tuesday only", shifts=((1, 9, 18),))
    make_staff(db.session, office, "Afternoon", shifts=((0, 14, 18),))
    make_staff(db.session, office, "No shifts at all", shifts=())
    make_staff(db.session, office, "Operator", role="operator")
    returned = make_staff(db.session, office, "Back from leave")
    db.session.add(ScAbsence(staff=returned, kind="leave", starts_on=MONDAY - datetime.timedelta(days=10),
                             ends_on=MONDAY - datetime.timedelta(days=1)))
    db.session.flush()
    eligible = distribution.eligible_staff(db.session, office, service, "back_office", MONDAY_10)
    assert [s.full_name for s in eligible] == ["Present", "Back from leave"]
    afternoon = MONDAY_10 + datetime.timedelta(hours=5)  # 15:00 in Bishkek
    assert "Afternoon" in [s.full_name for s in distribution.eligible_staff(
        db.session, office, service, "back_office", afternoon)]
    db.session.rollback()


@pytest.fixture
def process_in_new_york():
    old = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_shift_boundaries_are_in_bishkek_time_whatever_the_process_zone(db, office, process_in_new_york):
    from app.services import service_centre_distribution as distribution

    service = make_service(db.session)
    make_staff(db.session, office, "Nine to six")
    assert datetime.datetime.now().astimezone().utcoffset() != datetime.timedelta(hours=6)
    nine = datetime.datetime(2026, 12, 7, 3, 0, tzinfo=datetime.timezone.utc)  # Monday 09:00 in Bishkek
    # (in New York it is still Sunday evening: a rule on the process's wall clock would see nobody)
    names = lambda at: [s.full_name for s in distribution.eligible_staff(db.session, office, service,  # noqa: E731
                                                                          "back_office", at)]
    assert names(nine - datetime.timedelta(minutes=1)) == []
    assert names(nine) == ["Nine to six"]
    six = nine + datetime.timedelta(hours=9)  # 18:00: the shift has ended
    assert names(six - datetime.timedelta(minutes=1)) == ["Nine to six"]
    assert names(six) == []
    db.session.rollback()


def test_nobody_eligible_leaves_it_unassigned_and_alerts_the_head(db, office):
    from models.service_centre import ScNotification

    service = make_service(db.session)
    make_staff(db.session, office, "Tuesday only", shifts=((1, 9, 18),))
    staff, application = _assign_new(db, office, service)
    assert staff is None and application.assignee is None and application.unassigned is True
    history = application.assignments
    assert len(history) == 1 and history[0].staff is None and history[0].reason
    alerts = db.session.scalars(select(ScNotification).where(ScNotification.application_id == application.id)).all()
    assert [(a.event, a.recipient_user_id, a.language) for a in alerts] == [("unassigned", office.head_id, "ky")]
    assert application.number in alerts[0].subject
    db.session.rollback()


def test_manual_reassignment_needs_a_reason_and_a_member_of_the_office(db, office):
    from app.errors import DomainError
    from app.services import service_centre_distribution as distribution

    service = make_service(db.session)
    a, b = make_staff(db.session, office, "A"), make_staff(db.session, office, "B")
    gone = make_staff(db.session, office, "Gone", active=False)
    elsewhere = make_staff(db.session, make_office(db.session, head=False), "Elsewhere")
    staff, application = _assign_new(db, office, service)
    assert staff == a
    with pytest.raises(DomainError) as refused:
        distribution.reassign(db.session, application, b, "   ", MONDAY_10, office.head)
    assert refused.value.field == "reason"
    for wrong in (gone, elsewhere, None):
        with pytest.raises(DomainError) as refused:
            distribution.reassign(db.session, application, wrong, "Отпуск", MONDAY_10, office.head)
        assert refused.value.field == "staff"
    distribution.reassign(db.session, application, b, "A уходит в отпуск", MONDAY_10, office.head)
    assert application.assignee == b and not application.unassigned
    finished = make_application(db.session, office, service, state="handed_over", assignee=a)
    with pytest.raises(DomainError) as refused:
        distribution.reassign(db.session, finished, b, "Поздно", MONDAY_10, office.head)
    assert refused.value.code == "application_finished" and finished.assignee == a
    assert [(h.staff, h.method, h.reason, h.actor_id) for h in application.assignments] == [
        (a, "least_open", None, None), (b, "manual", "A уходит в отпуск", office.head_id)]
    db.session.rollback()


def test_escalation_once_per_stage_to_the_head(db, office):
    from app.services import service_centre_distribution as distribution
    from models.service_centre import ScNotification

    service = make_service(db.session)
    today = MONDAY
    overdue = make_application(db.session, office, service, state="sent",
                               stage_due_on=today - datetime.timedelta(days=1))
    due_today = make_application(db.session, office, service, state="sent", stage_due_on=today)
    done = make_application(db.session, office, service, state="handed_over",
                            stage_due_on=today - datetime.timedelta(days=5))
    from models.service_centre import ScInteragencyRequest

    paused = make_application(db.session, office, service, state="sent",
                              stage_due_on=today - datetime.timedelta(days=2))
    db.session.add(ScInteragencyRequest(application=paused, agency=service.agency, channel="tunduk",
                                        sent_on=today - datetime.timedelta(days=4), due_on=today, state="pending"))
    db.session.flush()
    assert distribution.escalate_overdue(db.session, MONDAY_10) >= 1
    assert overdue.escalated_at == MONDAY_10 and due_today.escalated_at is None and done.escalated_at is None
    assert paused.escalated_at is None  # waiting for an interagency answer: its clock is stopped
    alerts = db.session.scalars(select(ScNotification).where(ScNotification.application_id == overdue.id)).all()
    assert [(a.event, a.recipient_user_id) for a in alerts] == [("escalation", office.head_id)]
    # the next day's duty does not escalate it again
    distribution.escalate_overdue(db.session, MONDAY_10 + datetime.timedelta(days=1))
    assert db.session.query(ScNotification).filter_by(application_id=overdue.id).count() == 1
    # a new stage (the stages' rules clear escalated_at) is escalated once more when it is overdue in turn
    overdue.state, overdue.escalated_at = "result_received", None
    overdue.stage_due_on = today
    distribution.escalate_overdue(db.session, MONDAY_10 + datetime.timedelta(days=1))
    assert db.session.query(ScNotification).filter_by(application_id=overdue.id, event="escalation").count() == 2
    lines = distribution.daily(db.session, MONDAY_10 + datetime.timedelta(days=1))
    assert any("escalated" in line for line in lines)
    db.session.rollback()


# --- the screens: reassignment in the office's scope, My alerts ---------------------------------------------------
@pytest.fixture
def two_offices(app):
    from app.extensions import db
    from app.services import service_centre_distribution as distribution

    with app.app_context():
        ours, theirs = make_office(db.session), make_office(db.session)
        service = make_service(db.session)
        a, b = make_staff(db.session, ours, "Ours A"), make_staff(db.session, ours, "Ours B")
        make_staff(db.session, theirs, "Theirs A")
        mine = make_application(db.session, ours, service)
        other = make_application(db.session, theirs, service)
        distribution.assign(db.session, mine, MONDAY_10)
        distribution.assign(db.session, other, MONDAY_10)
        data = dict(ours=ours.id, theirs=theirs.id, head=ours.head.username, mine=mine.id, other=other.id,
                    a=a.id, b=b.id, operator=make_account(db.session, ["Service centre operator"], ours).username)
        db.session.commit()
        return data


def test_the_head_reassigns_with_a_reason_on_the_page(app, browser, two_offices):
    from app.extensions import db
    from models.service_centre import ScApplication

    browser.login(two_offices["head"])
    url = f"/scapplicationview/reassign/{two_offices['mine']}"  # the workflow's step (app/services/service_centre.py)
    page = browser.get(url)
    assert page.status_code == 200 and "Ours B" in page.get_data(as_text=True)
    refused = browser.post(url, {"staff": two_offices["b"], "reason": ""}, token_from=url)
    assert refused.status_code == 200 and 'id="step-form"' in refused.get_data(as_text=True)
    moved = browser.post(url, {"staff": two_offices["b"], "reason": "Больничный"}, token_from=url)
    assert moved.status_code == 302
    with app.app_context():
        application = db.session.get(ScApplication, two_offices["mine"])
        assert application.assignee_id == two_offices["b"]
        assert [h.method for h in application.assignments] == ["least_open", "manual"]
    history = browser.get(f"/scapplicationview/show/{two_offices['mine']}").get_data(as_text=True)
    assert "Больничный" in history


def test_another_offices_application_is_not_found_for_an_office_user(app, browser, two_offices):
    from app.extensions import db
    from models.service_centre import ScApplication

    browser.login(two_offices["head"])
    url = f"/scapplicationview/reassign/{two_offices['other']}"
    assert browser.get(url).status_code == 404
    assert browser.post(url, {"staff": two_offices["b"], "reason": "x"}, token_from="/").status_code == 404
    # a member of another office for our application is refused at the field
    page = browser.post(f"/scapplicationview/reassign/{two_offices['mine']}", {"staff": 10 ** 6, "reason": "x"},
                        token_from="/")
    assert page.status_code == 200
    with app.app_context():
        assert db.session.get(ScApplication, two_offices["other"]).assignments[-1].method != "manual"
    # an operator has no reassignment at all
    browser.logout()
    browser.login(two_offices["operator"])
    assert browser.get(f"/scapplicationview/reassign/{two_offices['mine']}").status_code in (302, 403)


def test_my_alerts_shows_only_mine_and_marks_them_read(app, browser, two_offices):
    from app.extensions import db
    from models.service_centre import ScApplication, ScNotification, ScOffice
    from app.services import service_centre_distribution as distribution

    with app.app_context():
        application = db.session.get(ScApplication, two_offices["mine"])
        alert = distribution.alert_head(db.session, application, "unassigned", MONDAY_10)
        theirs = db.session.get(ScApplication, two_offices["other"])
        other_alert = distribution.alert_head(db.session, theirs, "unassigned", MONDAY_10)
        db.session.commit()
        alert_id, other_id = alert.id, other_alert.id
        numbers = application.number, theirs.number
        other_head = db.session.get(ScOffice, two_offices["theirs"]).head_id
    browser.login(two_offices["head"])
    listing = browser.get("/sc-alerts/list/")
    assert listing.status_code == 200
    text = listing.get_data(as_text=True)
    assert numbers[0] in text and numbers[1] not in text
    assert browser.get(f"/sc-alerts/show/{other_id}").status_code == 404
    done = browser.post("/sc-alerts/action_post", {"action": "mark_read", "rowid": [alert_id]},
                        token_from="/sc-alerts/list/")
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(ScNotification, alert_id).read_at is not None
        assert db.session.get(ScNotification, other_id).read_at is None
    assert other_head is not None


def test_the_heads_distribution_page_shows_own_office_now(app, browser, two_offices):
    from app.extensions import db
    from app.services import service_centre_distribution as distribution
    from models.service_centre import ScOffice
    from tests.sc_dist_rows import make_service as new_service

    with app.app_context():
        office = db.session.get(ScOffice, two_offices["ours"])
        nobody = make_application(db.session, office, new_service(db.session))
        make_staff(db.session, office, "Ours sick")
        distribution.assign(db.session, nobody, MONDAY_10 + datetime.timedelta(days=1, hours=12))  # Tue 22:00
        db.session.commit()
        nobody_id, nobody_number = nobody.id, nobody.number
    browser.login(two_offices["head"])
    page = browser.get("/sc-distribution/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'data-office="{two_offices["ours"]}"' in html and f'data-office="{two_offices["theirs"]}"' not in html
    assert "Ours A" in html and "Theirs A" not in html
    assert nobody_number in html and f"/scapplicationview/reassign/{nobody_id}" in html
    browser.logout()
    browser.login(two_offices["operator"])
    assert browser.get("/sc-distribution/").status_code in (302, 403)


def test_round_robin_of_two_intakes_at_once_gives_two_people(app):
    """Two requests assign at the same moment (PostgreSQL: real concurrency): the rule's row is held, the second
    continues after the first's choice instead of both taking the same person (or a stale version error)."""
    import threading

    from app.extensions import db
    from app.services import service_centre_distribution as distribution
    from models.service_centre import ScOffice, ScService

    with app.app_context():
        office = make_office(db.session, head=False)
        service = make_service(db.session)
        staff = [make_staff(db.session, office, n).id for n in ("A", "B", "C")]
        _rule(db, office, "round_robin")
        db.session.commit()
        office_id, service_id = office.id, service.id
    barrier, given, errors = threading.Barrier(2), [], []

    def intake():
        try:
            with app.app_context():
                application = make_application(db.session, db.session.get(ScOffice, office_id),
                                               db.session.get(ScService, service_id))
                db.session.commit()
                barrier.wait(timeout=20)
                chosen = distribution.assign(db.session, application, MONDAY_10)
                given.append(chosen.id)
                time.sleep(0.3)  # hold the transaction a while: the other one must wait, not read a stale rule
                db.session.commit()
        except Exception as exc:  # reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=intake) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and sorted(given) == staff[:2]


def test_the_heads_home_page_counts_unread_alerts(app, browser, two_offices):
    from app.extensions import db
    from app.services import service_centre_distribution as distribution
    from models.service_centre import ScApplication

    with app.app_context():
        application = db.session.get(ScApplication, two_offices["mine"])
        distribution.alert_head(db.session, application, "escalation", MONDAY_10)
        db.session.commit()
    browser.login(two_offices["head"])
    browser.get("/lang/en")
    html = browser.get("/").get_data(as_text=True)
    assert "Unread alerts" in html and "/sc-alerts/" in html


def test_the_heads_alert_is_in_the_language_of_the_request(app, db, office):
    from flask_babel import refresh

    from app.services import service_centre_distribution as distribution

    application = make_application(db.session, office, make_service(db.session))
    with app.test_request_context("/", headers={"Accept-Language": "ru"}):
        from flask import session

        session["locale"] = "ru"
        refresh()
        alert = distribution.alert_head(db.session, application, "unassigned", MONDAY_10)
    assert alert.language == "ru" and "некому назначить" in alert.subject and alert.recipient_user == office.head
    assert (alert.channel, alert.recipient, alert.state) == ("email", office.head.email, "queued")
    office.head.email = ""
    in_app = distribution.alert_head(db.session, application, "escalation", MONDAY_10)
    assert (in_app.language, in_app.channel, in_app.state, in_app.sent_at) == ("ky", "app", "sent", MONDAY_10)
    db.session.rollback()
