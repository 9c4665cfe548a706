"""Complaints of the public service centre (app/services/service_centre_complaints.py): numbering and the due date
in working days at registration, the workflow's steps and its refusals (a decision is required; a step in the
wrong state), who may take them (the head decides, the operator registers), and their place in the statistics."""
import datetime

import pytest

from tests.conftest import Browser
from tests.sc_world import ensure_world


@pytest.fixture(scope="module")
def world(app):
    return ensure_world(app)


def _complaint(db, office_id, received_on, now):
    from app.services import service_centre_complaints as complaints
    from models.service_centre import ScComplaint, ScOffice

    complaint = ScComplaint(office=db.session.get(ScOffice, office_id), applicant_name="Асанов Бакыт",
                            received_on=received_on, subject="Долгое ожидание", text="Ждал два часа.")
    db.session.add(complaint)
    complaints.register(db.session, complaint, now)
    db.session.flush()
    return complaint


def test_registration_numbers_and_sets_the_due_date_in_working_days(app, db, world):
    from app import clock
    from app.services import service_centre_complaints as complaints
    from app.workdays import add_working_days

    now = datetime.datetime(2026, 12, 25, 6, tzinfo=clock.UTC)
    received = datetime.date(2026, 12, 25)  # a Friday before the New Year holidays
    first = _complaint(db, world["offices"][0], received, now)
    second = _complaint(db, world["offices"][0], received, now)
    assert first.number.startswith("STA-C26-") and first.number != second.number
    assert first.due_on == add_working_days(received, complaints.COMPLAINT_DAYS)
    assert first.due_on > received + datetime.timedelta(days=21)  # 15 working days over the holidays
    assert first.state == "received" and [s.to_status for s in first.history] == ["received"]
    app.config["SC_COMPLAINT_DAYS"] = 10
    try:
        assert complaints.due_date(received) == add_working_days(received, 10)
    finally:
        app.config.pop("SC_COMPLAINT_DAYS")


def test_steps_and_their_refusals(app, db, world):
    from app import clock
    from app.errors import DomainError
    from app.services import service_centre_complaints as complaints

    now = clock.now()
    wf = complaints.WORKFLOW
    complaint = _complaint(db, world["offices"][0], clock.local_today(now), now)
    assert {t.name for t in wf.available(db.session, complaint)} == {"review", "uphold", "reject"}
    with pytest.raises(DomainError) as refused:
        wf.take(db.session, complaint, "reject", {"decision": "  "}, now=now)
    assert refused.value.field == "decision"
    wf.take(db.session, complaint, "review", {}, now=now)
    assert complaint.state == "reviewing"
    with pytest.raises(DomainError) as wrong:
        wf.take(db.session, complaint, "review", {}, now=now)
    assert wrong.value.field == "state"
    wf.take(db.session, complaint, "uphold", {"decision": "Удовлетворить: извиниться перед заявителем."}, now=now)
    assert complaint.state == "upheld" and complaint.decided_on == clock.local_today(now)
    assert complaint.decision.startswith("Удовлетворить")
    assert [s.to_status for s in complaint.history] == ["received", "reviewing", "upheld"]
    assert wf.available(db.session, complaint) == []
    with pytest.raises(DomainError):
        wf.take(db.session, complaint, "reject", {"decision": "нет"}, now=now)
    db.session.rollback()


def test_seed_complaints_give_every_state_and_the_statistics_count_them(app, db, world):
    from app import clock
    from app.scope import NATIONAL
    from app.seed.service_centre_activity import seed_complaints
    from app.services import service_centre_stats as stats
    from models.service_centre import ScOffice

    now = clock.now()
    offices = [db.session.get(ScOffice, i) for i in world["offices"]]
    made = seed_complaints(db.session, offices, now)
    assert {c.state for c in made} == {"received", "reviewing", "upheld", "rejected"}
    today = clock.local_today(now)
    period = stats.Period(today - datetime.timedelta(days=60), today)
    from sqlalchemy import select

    q = stats.complaint_stats(db.session, NATIONAL, period)
    rows = {r.key: r for r in db.session.execute(select(q))}
    mine = [c for c in made if c.office_id == world["offices"][1]]
    row = rows[world["offices"][1]]
    assert row.complaints == len(mine)
    assert row.complaints_decided == sum(c.state in ("upheld", "rejected") for c in mine)
    assert row.complaints_upheld == sum(c.state == "upheld" for c in mine)
    assert row.complaints_overdue == sum(__import__("app.services.service_centre_complaints", fromlist=["x"])
                                         .is_overdue(c, today) for c in mine) >= 1
    db.session.rollback()


def test_the_head_decides_and_the_operator_registers(app, world, make_user):
    from app.extensions import db
    from models.service_centre import ScComplaint

    office = world["offices"][0]
    head = make_user(roles=("Service centre office head",), scope_office_id=office)
    operator = make_user(roles=("Service centre operator",), scope_office_id=office)
    as_operator = Browser(app.test_client())
    as_operator.login(operator)
    page = as_operator.post("/sccomplaintview/add", data={
        "office": str(office), "applicant_name": "Садыкова Жылдыз", "received_on": "2026-11-20",
        "subject": "Грубость сотрудника", "text": "Прошу разобраться."}, token_from="/sccomplaintview/add")
    assert page.status_code == 302, page.get_data(as_text=True)[:3000]
    with app.app_context():
        complaint = db.session.query(ScComplaint).filter_by(subject="Грубость сотрудника").one()
        pk, number = complaint.id, complaint.number
    assert number and number.startswith("STA-C26-")
    assert as_operator.get(f"/sccomplaintview/review/{pk}").status_code == 403
    as_head = Browser(app.test_client())
    as_head.login(head)
    refused = as_head.post(f"/sccomplaintview/reject/{pk}", data={"decision": ""},
                           token_from=f"/sccomplaintview/reject/{pk}")
    assert refused.status_code == 200  # the form again, with the field's message
    done = as_head.post(f"/sccomplaintview/reject/{pk}", data={"decision": "Отказать: нарушение не подтвердилось."},
                        token_from=f"/sccomplaintview/reject/{pk}")
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(ScComplaint, pk).state == "rejected"
    # a head of another office does not see it
    other = make_user(roles=("Service centre office head",), scope_office_id=world["offices"][1])
    as_other = Browser(app.test_client())
    as_other.login(other)
    assert as_other.get(f"/sccomplaintview/show/{pk}").status_code == 404
