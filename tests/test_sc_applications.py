"""Applications at the public service centre (issue 12, items 2, 3, 7): intake with the checklist (an incomplete
set refused with the missing documents named, a printable signed receipt of refusal), the receipt, the stages on
the shared workflow with their deadlines on the Kyrgyz working-day calendar, an interagency request pausing the
clock, the overdue control list, the office scope and the partner agency's view, the signed result verified by an
independent validator (poppler's pdfsig)."""
import datetime
import uuid

import pytest

from tests.conftest import Browser, audit_events
from tests.test_signing import _nss_database, _pdfsig

D = datetime.date
UTC = datetime.timezone.utc
APPS = "/scapplicationview"
API = "/api/v1/service_centre_application"
PIN = "21203199000123"  # a valid PIN (sex 2, born 12.03.1990)


def _code():
    return uuid.uuid4().hex[:6].upper()


def _inn():
    return "0" + str(uuid.uuid4().int)[:13]


@pytest.fixture
def sc(app, make_user):
    """An agency, two offices in two oblasts, a service (three documents: one optional, one the centre requests
    itself) offered by both, and users: an operator and a back-office specialist of office A, an operator of
    office B, the partner agency's user."""
    from app.extensions import db
    from models.egov_registry import EgovOrganisation
    from models.reference import Territory
    from models.service_centre import ScOffice, ScService, ScServiceDocument, ScServiceGroup, ScServiceStage

    with app.app_context():
        rayons = db.session.query(Territory).filter(Territory.level == 2).order_by(Territory.code).all()
        first, second = rayons[0], next(r for r in rayons if r.path.split("/")[2] != rayons[0].path.split("/")[2])
        agency = EgovOrganisation(inn=_inn(), name_ru="Государственная регистрационная служба",
                                  name_ky="Мамлекеттик каттоо кызматы", address="Бишкек")
        holder = EgovOrganisation(inn=_inn(), name_ru="Айыл окмоту", name_ky="Айыл өкмөтү", address="Айыл")
        group = db.session.query(ScServiceGroup).order_by(ScServiceGroup.id).first() or ScServiceGroup(
            name_ru="Документы", name_ky="Документтер", ticket_prefix="T")  # a prefix is unique: one group will do
        offices = [ScOffice(code=_code()[:5], name_ru=f"ЦОН {i}", name_ky=f"КТБ {i}", address="ул. 1",
                            territory=t, opens_at=datetime.time(8, 30), closes_at=datetime.time(17, 30))
                   for i, t in ((1, first), (2, second))]
        service = ScService(code="S" + _code(), name_ru="Выдача паспорта", name_ky="Паспорт берүү", group=group,
                            agency=agency, legal_basis="Закон", result_ru="Паспорт", result_ky="Паспорт",
                            total_days=10, offices=offices)
        service.documents = [
            ScServiceDocument(name_ru="Заявление", name_ky="Арыз", sort_order=1),
            ScServiceDocument(name_ru="Свидетельство о рождении", name_ky="Туулгандыгы тууралуу күбөлүк",
                              original=True, sort_order=2),
            ScServiceDocument(name_ru="Фото", name_ky="Сүрөт", optional=True, sort_order=3),
            ScServiceDocument(name_ru="Справка о составе семьи", name_ky="Үй-бүлө курамы тууралуу маалымкат",
                              requested_by_centre=True, source_agency=holder, sort_order=4)]
        service.stages = [ScServiceStage(stage="agency", norm_days=7), ScServiceStage(stage="interagency",
                                                                                      norm_days=3),
                          ScServiceStage(stage="handover", norm_days=2)]
        db.session.add_all([agency, holder, group, service, *offices])
        db.session.commit()
        ids = {"a": offices[0].id, "b": offices[1].id, "service": service.id, "agency": agency.id,
               "holder": holder.id, "docs": [d.id for d in service.documents]}
    ids["operator"] = make_user(("Service centre operator",), scope_office_id=ids["a"])
    ids["back"] = make_user(("Service centre back-office specialist",), scope_office_id=ids["a"])
    ids["other"] = make_user(("Service centre operator",), scope_office_id=ids["b"])
    ids["partner"] = make_user(("Service centre partner organisation",), scope_organisation_id=ids["agency"])
    ids["holder_user"] = make_user(("Service centre partner organisation",), scope_organisation_id=ids["holder"])
    ids["head"] = make_user(("Service centre office head",), scope_office_id=ids["a"])
    return ids


def _login(app, username):
    browser = Browser(app.test_client())
    assert browser.login(username).status_code == 302
    return browser


def _open(app, sc, **fields):
    """An application in intake through the add form of office A's operator; returns (browser, id)."""
    from app.extensions import db
    from models.service_centre import ScApplication

    browser = _login(app, sc["operator"])
    data = {"office": sc["a"], "service": sc["service"], "applicant_kind": "person", "applicant_pin": PIN,
            "applicant_name": "Асанова Айгүл", "applicant_phone": "+996700123456", "language": "ky",
            "notify_by": "sms", **fields}
    response = browser.post(f"{APPS}/add", data=data, token_from=f"{APPS}/add")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        row = db.session.query(ScApplication).order_by(ScApplication.id.desc()).first()
        assert response.headers["Location"].endswith(f"{APPS}/show/{row.id}")
        return browser, row.id


def _lines(app, pk):
    from app.extensions import db
    from models.service_centre import ScApplication

    with app.app_context():
        row = db.session.get(ScApplication, pk)
        return {line.document.name_ru: line.id for line in row.documents}


def _row(app, pk):
    from app.extensions import db
    from models.service_centre import ScApplication

    with app.app_context():
        row = db.session.get(ScApplication, pk)
        db.session.expunge(row)
        return row


def test_intake_opens_a_checklist_of_the_documents_the_applicant_brings(app, sc):
    browser, pk = _open(app, sc)
    row = _row(app, pk)
    assert row.state == "intake" and row.number.startswith(row.number.split("-")[0] + "-") and len(row.code) == 6
    # the document the centre requests itself is not on the applicant's checklist
    assert set(_lines(app, pk)) == {"Заявление", "Свидетельство о рождении", "Фото"}
    page = browser.get(f"{APPS}/show/{pk}").get_data(as_text=True)
    assert 'id="step-accept"' in page and 'id="step-refuse_intake"' in page


@pytest.mark.parametrize("field,value", [("applicant_pin", "12345"), ("applicant_pin", "<script>x</script>"),
                                         ("applicant_name", "   ")])
def test_a_bad_applicant_is_refused_at_its_field_and_nothing_is_saved(app, sc, field, value):
    from app.extensions import db
    from models.service_centre import ScApplication

    with app.app_context():
        before = db.session.query(ScApplication).count()
    browser = _login(app, sc["operator"])
    data = {"office": sc["a"], "service": sc["service"], "applicant_kind": "person", "applicant_pin": PIN,
            "applicant_name": "Асанова", "applicant_phone": "+996700", "language": "ru", "notify_by": "sms",
            field: value}
    response = browser.post(f"{APPS}/add", data=data, token_from=f"{APPS}/add")
    assert response.status_code == 200
    assert "has-error" in response.get_data(as_text=True) or "alert-danger" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(ScApplication).count() == before


def test_an_incomplete_set_is_not_accepted_and_the_missing_documents_are_named(app, sc):
    browser, pk = _open(app, sc)
    lines = _lines(app, pk)
    response = browser.post(f"{APPS}/accept/{pk}", data={"presented": [lines["Заявление"]]},
                            token_from=f"{APPS}/accept/{pk}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Жетишпейт: Туулгандыгы тууралуу күбөлүк" in text and "alert-danger" in text  # named in the page's language
    assert _row(app, pk).state == "intake"
    # refused at intake: the receipt of refusal names the missing document and is signed by the office
    response = browser.post(f"{APPS}/refuse_intake/{pk}", data={"presented": [lines["Заявление"]],
                                                                "reason": "incomplete"},
                            token_from=f"{APPS}/refuse_intake/{pk}")
    assert response.status_code == 302
    row = _row(app, pk)
    assert row.state == "refused_intake" and row.missing_documents == "Свидетельство о рождении"
    pdf = browser.get(f"{APPS}/print/{pk}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    from app import signing

    with app.app_context():
        result = signing.verify_pdf(pdf.data, signing.trust_roots())
    assert result.status == "valid" and result.document_keys["document"] == "sc_refusal"
    assert result.document_keys["number"] == row.number


def test_a_complete_set_is_received_with_its_deadlines_and_the_centre_requests_its_document(app, sc):
    from app.extensions import db
    from models.service_centre import ScApplication

    browser, pk = _open(app, sc)
    lines = _lines(app, pk)
    response = browser.post(f"{APPS}/accept/{pk}", data={
        "presented": [lines["Заявление"], lines["Свидетельство о рождении"]],
        "originals": [lines["Свидетельство о рождении"]]}, token_from=f"{APPS}/accept/{pk}")
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(ScApplication, pk)
        assert row.state == "received" and row.received_at is not None
        assert [(r.document.name_ru, r.state, r.agency_id) for r in row.requests] == [
            ("Справка о составе семьи", "pending", sc["holder"])]
        assert [line.original_seen for line in row.documents] == [False, True, False]
        assert [s.to_status for s in row.history] == ["received"]
    assert "sc_application" in {e.object_type for e in audit_events(app, action="transition", object_id=str(pk))}
    receipt = browser.get(f"{APPS}/print/{pk}")
    assert receipt.status_code == 200 and receipt.mimetype == "application/pdf"


def _service_row(db, sc):
    from models.service_centre import ScService

    return db.session.get(ScService, sc["service"])


def _step(db, application, name, data, now, actor=None):
    from app.services import service_centre as service

    service.WORKFLOW.take(db.session, application, name, data, actor, now)
    db.session.flush()


def _received(db, sc, now):
    """An application received at `now` (office A) through the service functions."""
    from app.services import service_centre as service
    from models.service_centre import ScApplication, ScOffice

    application = ScApplication(office=db.session.get(ScOffice, sc["a"]), service=_service_row(db, sc),
                                applicant_kind="person", applicant_pin=PIN, applicant_name="Токтогулов Бакыт",
                                language="ru", notify_by="none")
    service.open_application(db.session, application, now)
    db.session.flush()
    required = [str(line.id) for line in application.documents if not line.document.optional]
    _step(db, application, "accept", {"presented": required}, now)
    return application


def test_deadlines_count_kyrgyz_working_days_over_the_new_year(app, db, sc):
    now = datetime.datetime(2026, 12, 30, 5, 0, tzinfo=UTC)  # Wednesday 30 December, 11:00 in Bishkek
    application = _received(db, sc, now)
    # received: one working day to send; 31 Dec is a working day
    assert application.stage_due_on == D(2026, 12, 31)
    # the whole term: 10 working days, 1 and 2 January (and the weekend) are not counted... nor 7 January
    from app.workdays import add_working_days

    assert application.expected_on == add_working_days(D(2026, 12, 30), 10 + application.paused_days)
    _step(db, application, "send", {}, now + datetime.timedelta(days=1))
    assert application.state == "sent"
    # the stage started on 31 December; the request pending since the day before pauses it from the 31st on
    assert application.stage_due_on == add_working_days(D(2026, 12, 31), 7)
    assert D(2027, 1, 1) < application.stage_due_on
    db.session.rollback()


def test_an_interagency_request_stops_the_clock_while_pending(app, db, sc):
    from app.services import service_centre as service
    from app.workdays import working_days_between, add_working_days
    from models.service_centre import ScApplication

    start = datetime.datetime(2026, 11, 2, 4, 0, tzinfo=UTC)  # Monday
    application = _received(db, sc, start)
    request = application.requests[0]  # the centre's own request, sent at intake
    _step(db, application, "send", {}, start)
    assert application.stage_due_on == add_working_days(D(2026, 11, 2), 7)  # nothing paused yet (same day)
    # ten days later the request is still pending: the stage is past its norm but not overdue
    later = start + datetime.timedelta(days=14)
    today = D(2026, 11, 16)
    service.recompute_deadlines(application, today)
    assert application.stage_due_on > today
    overdue = db.session.scalars(db.session.query(ScApplication.id).filter(
        service.overdue_condition(D(2026, 12, 31))).statement).all()
    assert application.id not in overdue  # a pending request: never overdue
    # the result cannot be recorded while the request is pending
    with pytest.raises(Exception) as refused:
        _step(db, application, "record_result", {"result_note": "готово"}, later)
    assert "interagency" in str(refused.value).lower() or "межведомствен" in str(refused.value).lower() or \
        refused.value.code == "request_pending"
    service.REQUEST_WORKFLOW.take(db.session, request, "answer", {"answer": "получено", "answered_on": today},
                                  None, later)
    paused = working_days_between(D(2026, 11, 2), today)
    assert application.paused_days == paused
    assert application.stage_due_on == add_working_days(D(2026, 11, 2), 7 + paused)
    assert application.expected_on == add_working_days(D(2026, 11, 2), 10 + paused)
    # the day after the new due date it is overdue
    assert application.id in db.session.scalars(db.session.query(ScApplication.id).filter(
        service.overdue_condition(application.stage_due_on + datetime.timedelta(days=1))).statement).all()
    _step(db, application, "record_result", {"result_note": "паспорт готов"}, later)
    assert application.state == "result_received"
    _step(db, application, "hand_over", {}, later)
    assert application.state == "handed_over" and application.stage_due_on is None
    assert [s.to_status for s in application.history] == ["received", "sent", "sent", "result_received",
                                                          "handed_over"]
    db.session.rollback()


def test_two_overlapping_requests_pause_once(app, db, sc):
    from app.services import service_centre as service
    from app.workdays import working_days_between

    start = datetime.datetime(2026, 11, 2, 4, 0, tzinfo=UTC)
    application = _received(db, sc, start)
    _step(db, application, "send", {}, start)
    _step(db, application, "request", {"document": str(sc["docs"][1]), "agency": str(sc["holder"]),
                                       "channel": "email"}, start + datetime.timedelta(days=2))
    first, second = application.requests
    later = start + datetime.timedelta(days=10)
    service.REQUEST_WORKFLOW.take(db.session, first, "answer", {"answer": "a", "answered_on": D(2026, 11, 9)},
                                  None, later)
    service.REQUEST_WORKFLOW.take(db.session, second, "answer", {"answer": "b", "answered_on": D(2026, 11, 11)},
                                  None, later)
    assert application.paused_days == working_days_between(D(2026, 11, 2), D(2026, 11, 11))
    db.session.rollback()


def test_the_office_scope_hides_another_offices_applications(app, sc):
    browser, pk = _open(app, sc)
    other = _login(app, sc["other"])
    assert other.get(f"{APPS}/show/{pk}").status_code == 404
    assert other.get(f"{APPS}/accept/{pk}").status_code == 404
    assert other.get(f"{APPS}/print/{pk}").status_code == 404
    assert other.get(f"{API}/{pk}").status_code == 404
    assert str(pk) not in [str(r["id"]) for r in other.get(f"{API}/").get_json()["result"]] if other.get(
        f"{API}/").status_code == 200 else True
    assert audit_events(app, action="denied", object_id=str(pk))
    # another office's ticket cannot be attached to an application
    with app.app_context():
        from app.extensions import db
        from models.service_centre import ScOffice, ScTicket

        ticket = ScTicket(office=db.session.get(ScOffice, sc["b"]), service_id=sc["service"], day=D(2026, 12, 4),
                          number="Z-" + _code()[:3], issued_at=datetime.datetime.now(UTC))
        db.session.add(ticket)
        db.session.commit()
        ticket_id = ticket.id
    data = {"office": sc["a"], "service": sc["service"], "applicant_kind": "person", "applicant_pin": PIN,
            "applicant_name": "Асанова", "applicant_phone": "+996700", "language": "ru", "notify_by": "sms"}
    response = browser.post(f"{APPS}/add?ticket={ticket_id}", data=data, token_from=f"{APPS}/add")
    assert response.status_code == 200 and "has-error" in response.get_data(as_text=True) or \
        "alert-danger" in response.get_data(as_text=True)


def test_an_office_user_cannot_create_an_application_of_another_office(app, sc):
    from app.extensions import db
    from models.service_centre import ScApplication

    with app.app_context():
        before = db.session.query(ScApplication).count()
    browser = _login(app, sc["operator"])
    response = browser.api.post(f"{API}/", json={
        "office": sc["b"], "service": sc["service"], "applicant_kind": "person", "applicant_pin": PIN,
        "applicant_name": "Асанова", "language": "ru", "notify_by": "none"})
    assert response.status_code in (400, 404, 422), response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(ScApplication).count() == before


def test_the_partner_agency_sees_only_what_is_routed_to_it_and_records_the_result(app, sc, tmp_path):
    browser, pk = _open(app, sc)
    partner = _login(app, sc["partner"])
    assert partner.get(f"{APPS}/show/{pk}").status_code == 404  # still at intake: not routed yet
    lines = _lines(app, pk)
    browser.post(f"{APPS}/accept/{pk}", data={"presented": [lines["Заявление"], lines["Свидетельство о рождении"]]},
                 token_from=f"{APPS}/accept/{pk}")
    back = _login(app, sc["back"])
    assert back.post(f"{APPS}/send/{pk}", data={}, token_from=f"{APPS}/send/{pk}").status_code == 302
    assert partner.get(f"{APPS}/show/{pk}").status_code == 200
    # the interagency request went to another body: that body sees the request, not the application
    from app.extensions import db
    from models.service_centre import ScApplication

    with app.app_context():
        request_id = db.session.get(ScApplication, pk).requests[0].id
    holder = _login(app, sc["holder_user"])
    assert holder.get(f"/scinteragencyrequestview/show/{request_id}").status_code == 200
    assert holder.get(f"{APPS}/show/{pk}").status_code == 404
    # its result cannot be recorded before the request is answered: the API says why
    steps = partner.get(f"{API}/{pk}/transitions").get_json()
    assert "record_result" not in [t["name"] for t in steps["transitions"]]
    refused = partner.api.post(f"{API}/{pk}/transitions/record_result", json={"result_note": "готово"})
    assert refused.status_code == 422
    answered = back.post(f"/scinteragencyrequestview/answer/{request_id}", data={"answer": "справка получена"},
                         token_from=f"/scinteragencyrequestview/answer/{request_id}")
    assert answered.status_code == 302
    done = partner.api.post(f"{API}/{pk}/transitions/record_result", json={"result_note": "паспорт готов"})
    assert done.status_code == 200 and done.get_json()["state"] == "result_received"
    # the operator hands it over and prints the signed result: verified by poppler, not by pyHanko
    operator = _login(app, sc["operator"])
    assert operator.post(f"{APPS}/hand_over/{pk}", data={}, token_from=f"{APPS}/hand_over/{pk}").status_code == 302
    result = operator.get(f"{APPS}/result/{pk}")
    assert result.status_code == 200 and result.mimetype == "application/pdf"
    report = _pdfsig(result.data, _nss_database(app, str(tmp_path)))
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report


def test_the_api_takes_the_checklist_as_a_list(app, sc):
    browser, pk = _open(app, sc)
    lines = _lines(app, pk)
    steps = browser.get(f"{API}/{pk}/transitions").get_json()
    accept = next(t for t in steps["transitions"] if t["name"] == "accept")
    presented = next(f for f in accept["fields"] if f["name"] == "presented")
    assert presented["type"] == "multichoice" and {c["value"] for c in presented["choices"]} == {
        str(v) for v in lines.values()}
    refused = browser.api.post(f"{API}/{pk}/transitions/accept", json={"presented": [str(lines["Заявление"])]})
    assert refused.status_code == 422 and "Туулгандыгы" in refused.get_data(as_text=True)
    bad = browser.api.post(f"{API}/{pk}/transitions/accept", json={"presented": ["999999999"]})
    assert bad.status_code == 422
    ok = browser.api.post(f"{API}/{pk}/transitions/accept", json={
        "presented": [str(lines["Заявление"]), str(lines["Свидетельство о рождении"])]})
    assert ok.status_code == 200 and ok.get_json()["state"] == "received"


def test_the_overdue_report_lists_only_stages_past_due_without_a_pending_request(app, db, sc):
    from app.services import service_centre as service

    start = datetime.datetime(2026, 10, 1, 4, 0, tzinfo=UTC)
    application = _received(db, sc, start)
    for request in application.requests:
        service.REQUEST_WORKFLOW.take(db.session, request, "answer", {"answer": "ok", "answered_on": D(2026, 10, 1)},
                                      None, start)
    _step(db, application, "send", {}, start)
    db.session.commit()
    head = _login(app, sc["head"])
    page = head.get("/scoverdue/")
    assert page.status_code == 200 and application.number in page.get_data(as_text=True)
    other = _login(app, sc["other"])
    assert application.number not in other.get("/scoverdue/").get_data(as_text=True)


def test_the_add_form_starts_from_the_ticket_and_the_show_page_has_the_applicants_history(app, sc):
    from app.extensions import db
    from models.service_centre import ScOffice, ScTicket

    with app.app_context():
        ticket = ScTicket(office=db.session.get(ScOffice, sc["a"]), service_id=sc["service"], day=D(2026, 12, 4),
                          number="T-" + _code()[:3], issued_at=datetime.datetime.now(UTC), language="ru")
        db.session.add(ticket)
        db.session.commit()
        ticket_id = ticket.id
    browser = _login(app, sc["operator"])
    page = browser.get(f"{APPS}/add?ticket={ticket_id}").get_data(as_text=True)
    assert f'value="{sc["service"]}" selected' in page or f'selected value="{sc["service"]}"' in page
    first = _open(app, sc)[1]
    browser, second = _open(app, sc)
    page = browser.get(f"{APPS}/show/{second}").get_data(as_text=True)
    assert 'id="applicant-history"' in page and _row(app, first).number in page


def test_office_hours_are_edited_as_times(app, make_user):
    """Time-of-day columns (FAB's forms have none): the office's hours are in its form and saved."""
    import datetime as dt

    from app.extensions import db
    from models.reference import Territory
    from models.service_centre import ScOffice

    browser = Browser(app.test_client())
    browser.login("admin")
    form = browser.get("/scofficeview/add").get_data(as_text=True)
    assert 'type="time"' in form and 'name="opens_at"' in form
    with app.app_context():
        territory = db.session.query(Territory).filter(Territory.level == 2).first().id
    code = _code()[:5]
    response = browser.post("/scofficeview/add", data={
        "code": code, "name_ru": "ЦОН тест", "name_ky": "КТБ тест", "territory": territory, "address": "ул. 2",
        "opens_at": "08:30", "closes_at": "17:45", "wait_norm_minutes": "15"}, token_from="/scofficeview/add")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        office = db.session.query(ScOffice).filter_by(code=code).one()
        assert (office.opens_at, office.closes_at) == (dt.time(8, 30), dt.time(17, 45))
        pk = office.id
    assert "08:30" in browser.get(f"/scofficeview/show/{pk}").get_data(as_text=True)


def test_the_daily_duty_runs_every_part_of_the_module(app, db):
    from app.services import service_centre as service

    with app.test_request_context():
        lines = service.daily(db.session, datetime.datetime.now(UTC))
    text = " ".join(str(line) for line in lines)
    assert "escalated" in text and "notification" in text and "appointment" in text
    db.session.rollback()
