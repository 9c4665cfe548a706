"""The e-government register's applications on the one workflow (app/services/egov_registry.py WORKFLOW), its
screens and API: each step through the page and the API, permissions (403), the organisation scope (404), the
guard (422, translated), refusal under cl. 23(2) in the applicant's language, resubmission keeping the history,
removal as a status with the impact warning, deadlines with their clause and days left, the xlsx import."""
import datetime
import io
import re
import uuid

import pytest

from tests.conftest import Browser, audit_events

D = datetime.date
UTC = datetime.timezone.utc
APPS = "/egovapplicationview"
API = "/api/v1/egov_application"


def _inn():
    return "0" + str(uuid.uuid4().int)[:13]


@pytest.fixture
def egov(app, make_user):
    """Two subjects, an authorised employee bound to the first, a complete element, an incomplete one and a
    registered one another element uses; users of the four roles."""
    from app.extensions import db
    from models.egov_registry import EgovDocument, EgovElement, EgovElementItem, EgovEmployee, EgovOrganisation, \
        EgovRelation
    from models.user import User

    with app.app_context():
        own = EgovOrganisation(inn=_inn(), name_ru="Министерство цифрового развития", name_ky="Санариптик өнүктүрүү",
                               address="Бишкек")
        other = EgovOrganisation(inn=_inn(), name_ru="Мэрия", address="Ош")
        db.session.add_all([own, other])
        db.session.commit()
        ids = {"own": own.id, "other": other.id}
    employee_user = make_user(("Egov authorised employee",), scope_organisation_id=ids["own"])
    with app.app_context():
        user = db.session.query(User).filter_by(username=employee_user).one()
        employee = EgovEmployee(organisation_id=ids["own"], full_name="Асанов Асан", position="специалист",
                                email="asan@gov.kg", decision_number="12", decision_date=D(2026, 1, 10),
                                valid_from=D(2026, 1, 10), user_id=user.id)

        def element(org_id, name, **kw):
            fields = dict(full_name=name, short_name=name, kind="information_system", purpose="p",
                          legal_acts="a", responsible_unit="u", architecture="x", interactions="t", location="l",
                          location_keeper="k", developer="d", users_count="up_to_100", funding="republican_budget",
                          organisation_id=org_id)
            fields.update(kw)
            e = EgovElement(**fields)
            e.items = [EgovElementItem(kind=k, name=f"{k} 1") for k in ("software", "resource", "service")]
            e.documents = [EgovDocument(kind=k, title=k, file_name="f.pdf", stored_name=uuid.uuid4().hex + ".pdf",
                                        content_type="application/pdf", size_bytes=1)
                           for k in ("technical", "commissioning_act")]
            return e

        complete = element(ids["own"], "Полная система")
        incomplete = element(ids["own"], "Неполная система", developer=None)
        theirs = element(ids["other"], "Чужая система")
        user_of = element(ids["other"], "Зависимая система", status="registered", number=f"T-{_inn()[:8]}")
        db.session.add_all([employee, complete, incomplete, theirs, user_of])
        db.session.flush()
        db.session.add(EgovRelation(element_id=user_of.id, target_id=complete.id, kind="uses"))
        db.session.commit()
        ids.update(employee=employee.id, complete=complete.id, incomplete=incomplete.id, theirs=theirs.id,
                   user_of=user_of.id, employee_user=employee_user)
    ids["operator"] = make_user(("Egov registry operator",))
    ids["body"] = make_user(("Egov authorised body",))
    ids["reader"] = make_user(("Egov public reader",))
    return ids


def _login(app, username, lang=None):
    b = Browser(app.test_client())
    b.login(username)
    if lang:
        b.get(f"/lang/{lang}")
    return b


def _application(app, egov, kind="registration", element="incomplete", language="ru", org="own", **kw):
    """An application submitted through the service (as the form does), with its first history step."""
    from app.extensions import db
    from app.services import egov_registry as service
    from models.egov_registry import EgovApplication, EgovElement, EgovEmployee, EgovOrganisation
    from models.user import User

    with app.app_context():
        user = db.session.query(User).filter_by(username=egov["employee_user"]).one()
        application = EgovApplication(kind=kind, language=language,
                                      organisation=db.session.get(EgovOrganisation, egov[org]),
                                      element=db.session.get(EgovElement, egov[element]) if element else None,
                                      employee=db.session.get(EgovEmployee, egov["employee"]) if org == "own"
                                      else None, **kw)
        service.submit_application(db.session, application, actor=user)
        db.session.commit()
        return application.id


def _get(app, model, pk):
    from app.extensions import db

    with app.app_context():
        item = db.session.get(model, pk)
        db.session.expunge_all()
        return item


def _status(app, pk):
    from app.extensions import db
    from models.egov_registry import EgovApplication

    with app.app_context():
        return db.session.get(EgovApplication, pk).status


def test_the_employee_submits_through_the_form_and_it_starts_its_history(app, egov):
    employee = _login(app, egov["employee_user"])
    answer = employee.post(f"{APPS}/add", data={
        "kind": "registration", "organisation": egov["own"], "element": egov["incomplete"],
        "employee": egov["employee"], "language": "ky"}, token_from=f"{APPS}/add")
    if answer.status_code != 302:
        open("/tmp/egov_page.html", "w").write(answer.get_data(as_text=True))
    assert answer.status_code == 302
    from app.extensions import db
    from models.egov_registry import EgovApplication

    with app.app_context():
        application = db.session.query(EgovApplication).order_by(EgovApplication.id.desc()).first()
        assert application.status == "submitted" and application.number
        assert [s.to_status for s in application.history] == ["submitted"]
        assert application.submitted_by.username == egov["employee_user"]


def test_refused_under_23_2_in_the_applicants_language_resubmitted_and_registered(app, egov):
    """The browser scenario of the issue: an element with a missing item is refused citing it, completed,
    resubmitted, registered, and the history of both applications is kept."""
    from app.extensions import db
    from models.egov_registry import EgovApplication, EgovElement

    pk = _application(app, egov, language="ky")
    operator = _login(app, egov["operator"], "ky")
    # the guard refuses the registration while an item is missing: not offered, 422 in the API, translated
    show = operator.get(f"{APPS}/show/{pk}").get_data(as_text=True)
    assert 'id="step-refuse"' in show and 'id="step-register"' not in show
    answer = operator.api.post(f"{API}/{pk}/transitions/register", json={})
    assert answer.status_code == 422
    message = str(answer.get_json())
    assert "20(14)" in message and "It cannot be registered" not in message  # in Kyrgyz, with the item
    # the refusal page suggests 23(2) and lists the missing item
    page = operator.get(f"{APPS}/refuse/{pk}").get_data(as_text=True)
    assert '<option selected value="23(2)">' in page
    assert "20(14)" in page
    answer = operator.post(f"{APPS}/refuse/{pk}", data={"ground": "23(2)"}, token_from=f"{APPS}/refuse/{pk}")
    assert answer.status_code == 302
    with app.app_context():
        application = db.session.get(EgovApplication, pk)
        assert application.status == "refused" and application.refusal_ground == "23(2)"
        assert application.missing_items == ["20(14)"]
        text = application.refusal_text
        assert "23(2)" in text and "20(14)" in text
        assert "The application is refused" not in text  # written in Kyrgyz, the applicant's language
        assert "20-пункттун жетишпеген пунктчалары:" in text and "иштеп чыгуучу же жеткирүүчү" in text
        element = db.session.get(EgovElement, egov["incomplete"])
        element.developer = "ОсОО Разработчик"
        db.session.commit()
    # the employee resubmits: a new application linked to the refused one; the refusal stays
    employee = _login(app, egov["employee_user"])
    answer = employee.api.post(f"{API}/{pk}/transitions/resubmit", json={"note": "developer added"})
    assert answer.status_code == 200, answer.get_json()
    assert employee.api.post(f"{API}/{pk}/transitions/resubmit", json={}).status_code == 422  # once
    with app.app_context():
        again = db.session.query(EgovApplication).filter_by(resubmission_of_id=pk).one()
        new_pk, old = again.id, db.session.get(EgovApplication, pk)
        assert again.status == "submitted" and old.status == "refused"
        assert [s.to_status for s in old.history] == ["submitted", "refused", "refused"]
        assert again.number in old.history[-1].note
    # the operator registers the resubmission through the page: a version, the element registered
    show = operator.get(f"{APPS}/show/{new_pk}").get_data(as_text=True)
    assert 'id="step-register"' in show
    answer = operator.post(f"{APPS}/register/{new_pk}", data={}, token_from=f"{APPS}/register/{new_pk}")
    assert answer.status_code == 302
    with app.app_context():
        element = db.session.get(EgovElement, egov["incomplete"])
        assert element.status == "registered" and element.number and len(element.versions) == 1
        assert element.versions[0].application_id == new_pk
    assert any('"register"' in (e.changes or "") for e in audit_events(app, action="transition")
               if e.object_id == str(new_pk))
    # the refused one keeps its refusal on its page, with its steps
    assert "20(14)" in operator.get(f"{APPS}/show/{pk}").get_data(as_text=True)
    # and the element page: nothing changed since registration, then a change shows
    page = operator.get(f"/egovelementview/show/{egov['incomplete']}").get_data(as_text=True)
    assert 'id="egov-changes-empty"' in page
    with app.app_context():
        db.session.get(EgovElement, egov["incomplete"]).purpose = "новая цель"
        db.session.commit()
    page = operator.get(f"/egovelementview/show/{egov['incomplete']}").get_data(as_text=True)
    assert 'id="egov-changes"' in page and "новая цель" in page


def test_without_the_permission_403_other_organisation_404(app, egov):
    pk = _application(app, egov, element="complete")
    theirs = _application(app, egov, element="theirs", org="other")
    # the employee may not register (the operator's step)
    employee = _login(app, egov["employee_user"])
    assert employee.api.post(f"{API}/{pk}/transitions/register", json={}).status_code == 403
    assert employee.get(f"{APPS}/register/{pk}").status_code == 403
    # another organisation's application does not exist for them, audited as denied
    before = len(audit_events(app, action="denied"))
    assert employee.get(f"{APPS}/show/{theirs}").status_code == 404
    assert employee.get(f"{API}/{theirs}/transitions").status_code == 404
    assert employee.api.post(f"{API}/{theirs}/transitions/withdraw", json={}).status_code == 404
    assert len(audit_events(app, action="denied")) >= before + 2
    assert employee.get(f"/egovelementview/show/{egov['theirs']}").status_code == 404
    # the public reader sees the charts only
    reader = _login(app, egov["reader"])
    assert reader.get(f"{APPS}/list/").status_code in (302, 403)
    assert reader.get(f"{API}/{pk}/transitions").status_code in (401, 403)


def test_registration_of_a_complete_element_through_the_api(app, egov):
    from models.egov_registry import EgovElement

    pk = _application(app, egov, element="complete")
    operator = _login(app, egov["operator"])
    listed = operator.get(f"{API}/{pk}/transitions").get_json()
    assert sorted(t["name"] for t in listed["transitions"]) == ["refuse", "register"]
    assert listed["deadlines"][0]["clause"] == "21"
    answer = operator.api.post(f"{API}/{pk}/transitions/register", json={"note": "ok"})
    assert answer.status_code == 200 and answer.get_json()["state"] == "registered"
    assert _get(app, EgovElement, egov["complete"]).status == "registered"
    # refusing a complete one under 23(2) is refused itself (only the two grounds, only when they hold)
    pk2 = _application(app, egov, element="complete", kind="modification")
    answer = operator.api.post(f"{API}/{pk2}/transitions/refuse", json={"ground": "23(2)"})
    assert answer.status_code == 422


def test_access_forwarded_by_the_body_and_granted_by_the_operator(app, egov):
    from app.extensions import db
    from models.egov_registry import EgovEmployee
    from models.user import SanaripUser as User

    pk = _application(app, egov, kind="access", element=None, element_full_name="Новая система",
                      element_kind="office_software")
    operator = _login(app, egov["operator"])
    assert operator.get(f"{API}/{pk}/transitions").get_json()["transitions"][0]["name"] == "refuse"
    body = _login(app, egov["body"])
    names = [t["name"] for t in body.get(f"{API}/{pk}/transitions").get_json()["transitions"]]
    assert names == ["forward"]  # the registration steps do not fit an access application
    assert body.post(f"{APPS}/forward/{pk}", data={}, token_from=f"{APPS}/forward/{pk}").status_code == 302
    assert _status(app, pk) == "forwarded"
    with app.app_context():
        db.session.query(User).filter_by(username=egov["employee_user"]).one().scope_organisation_id = None
        db.session.commit()
    answer = operator.api.post(f"{API}/{pk}/transitions/grant", json={"valid_until": "2027-12-31"})
    assert answer.status_code == 200, answer.get_json()
    with app.app_context():
        employee = db.session.get(EgovEmployee, egov["employee"])
        assert employee.valid_until == D(2027, 12, 31)
        user = db.session.query(User).filter_by(username=egov["employee_user"]).one()
        assert user.scope_organisation_id == egov["own"]  # bound to its organisation again (cl. 19)
        assert user.valid_until == D(2027, 12, 31)  # the login lasts as long as the appointment


def test_access_is_granted_to_the_account_of_the_departmental_e_mail(app, egov, make_user):
    """cl. 19: the rights go to the employee's departmental e-mail: an account with that e-mail and no link yet is
    found, linked, bound to the organisation and given the appointment's term."""
    from app.extensions import db
    from models.egov_registry import EgovEmployee
    from models.user import SanaripUser as User

    username = make_user(("Egov authorised employee",))
    with app.app_context():
        employee = db.session.get(EgovEmployee, egov["employee"])
        previous = employee.user_id
        employee.user_id = None
        user = db.session.query(User).filter_by(username=username).one()
        user.email, user.scope_organisation_id = employee.email.upper(), None
        db.session.commit()
    try:
        pk = _application(app, egov, kind="access", element=None, element_full_name="Жаңы система",
                          element_kind="office_software")
        body = _login(app, egov["body"])
        assert body.api.post(f"{API}/{pk}/transitions/forward", json={}).status_code == 200
        operator = _login(app, egov["operator"])
        answer = operator.api.post(f"{API}/{pk}/transitions/grant", json={"valid_until": "2028-06-30"})
        assert answer.status_code == 200, answer.get_json()
        with app.app_context():
            user = db.session.query(User).filter_by(username=username).one()
            assert db.session.get(EgovEmployee, egov["employee"]).user_id == user.id
            assert user.scope_organisation_id == egov["own"] and user.valid_until == D(2028, 6, 30)
    finally:
        with app.app_context():
            db.session.get(EgovEmployee, egov["employee"]).user_id = previous
            user = db.session.query(User).filter_by(username=username).one()
            user.email = f"{username}@sanarip.local"
            db.session.commit()


def test_removal_is_agreed_then_recorded_as_a_status_with_the_impact_warning(app, egov):
    from models.egov_registry import EgovElement

    pk = _application(app, egov, kind="removal", element="complete", decision_date=D(2026, 11, 1))
    body = _login(app, egov["body"])
    page = body.get(f"{APPS}/agree/{pk}").get_data(as_text=True)
    assert 'id="workflow-notes"' in page and "Зависимая система" in page  # who still depends on it
    assert body.api.post(f"{API}/{pk}/transitions/agree", json={}).status_code == 200
    operator = _login(app, egov["operator"])
    page = operator.get(f"{APPS}/record_removal/{pk}").get_data(as_text=True)
    assert "Зависимая система" in page
    element_page = operator.get(f"/egovelementview/show/{egov['complete']}").get_data(as_text=True)
    assert 'id="egov-impact"' in element_page
    answer = operator.post(f"{APPS}/record_removal/{pk}", data={}, token_from=f"{APPS}/record_removal/{pk}")
    assert answer.status_code == 302
    assert _status(app, pk) == "removed"
    element = _get(app, EgovElement, egov["complete"])
    assert element.status == "removed" and element.removed_on is not None  # a status, the row stays
    # a removed element's data stay as they were
    employee = _login(app, egov["employee_user"])
    answer = employee.post(f"/egovelementview/edit/{egov['complete']}",
                           data={"full_name": "x", "organisation": egov["own"], "version": element.version},
                           token_from=f"/egovelementview/edit/{egov['complete']}")
    assert _get(app, EgovElement, egov["complete"]).full_name == "Полная система"
    assert answer.status_code == 200


def test_information_requested_by_the_body_answered_by_the_employee(app, egov):
    body = _login(app, egov["body"])
    answer = body.api.post(f"{API}/", json={"kind": "information", "organisation": egov["own"],
                                      "request_text": "Сведения о пользователях", "language": "ru"})
    assert answer.status_code == 201, answer.get_json()
    pk = answer.get_json()["id"]
    assert _status(app, pk) == "requested"
    employee = _login(app, egov["employee_user"])
    assert employee.api.post(f"{API}/{pk}/transitions/answer", json={}).status_code == 422  # the answer required
    answer = employee.api.post(f"{API}/{pk}/transitions/answer", json={"answer_text": "1200 пользователей"})
    assert answer.status_code == 200 and _status(app, pk) == "answered"


def test_withdrawn_by_the_employee(app, egov):
    pk = _application(app, egov, element="complete")
    employee = _login(app, egov["employee_user"])
    assert employee.post(f"{APPS}/withdraw/{pk}", data={}, token_from=f"{APPS}/withdraw/{pk}").status_code == 302
    assert _status(app, pk) == "withdrawn"


def test_deadlines_over_a_weekend_and_holidays_shown_with_clause_and_days_left(app, egov, monkeypatch):
    from app import clock

    received = datetime.datetime(2026, 12, 4, 6, 0, tzinfo=UTC)  # Friday, 12:00 in Bishkek
    monkeypatch.setattr(clock, "now", lambda: received)
    pk = _application(app, egov, element="complete", received_on=D(2026, 12, 4))
    monkeypatch.setattr(clock, "now", lambda: datetime.datetime(2026, 12, 5, 6, 0, tzinfo=UTC))  # Saturday
    operator = _login(app, egov["operator"], "en")
    page = operator.get(f"{APPS}/show/{pk}").get_data(as_text=True)
    row = re.search(r'<tr class="[^"]*" data-clause="21">(.*?)</tr>', page, re.S).group(1)
    assert "cl. 21" in row and "from the day the application was received" in row
    assert re.search(r'class="days-left">\s*4\s*<', row)  # due Wed 9 Dec: Mon, Tue, Wed are the working days
    clocks = operator.get(f"{API}/{pk}/transitions").get_json()["deadlines"]
    assert clocks == [{"clause": "21", "label": "Review by the operator: 3 working days", "start": "2026-12-04",
                       "due": "2026-12-09", "counted_from": "from the day the application was received",
                       "days_left": 4, "overdue": False}]
    # over the New Year holidays, and overdue once the day has passed
    removal = _application(app, egov, kind="removal", element="theirs", org="other",
                           decision_date=D(2026, 12, 20), received_on=D(2026, 12, 29))
    monkeypatch.setattr(clock, "now", lambda: datetime.datetime(2027, 1, 9, 6, 0, tzinfo=UTC))
    clocks = {c["clause"]: c for c in operator.get(f"{API}/{removal}/transitions").get_json()["deadlines"]}
    assert clocks["28"]["due"] == "2027-01-08" and clocks["28"]["overdue"] and clocks["28"]["days_left"] == -1
    assert clocks["27"]["due"] == "2026-12-27"


def test_an_inventory_is_imported_all_or_nothing_with_errors_by_row(app, egov):
    import openpyxl
    from app.extensions import db
    from models.egov_registry import EgovElement, EgovOrganisation

    with app.app_context():
        inn = db.session.get(EgovOrganisation, egov["own"]).inn
        before = db.session.query(EgovElement).count()
    operator = _login(app, egov["operator"], "en")
    form = operator.get("/egovelementview/import/").get_data(as_text=True)
    labels = re.findall(r'<td class="import-column">([^<]+)</td>', form) or None

    def sheet(rows):
        from views.egov_registry import EgovElementView

        wb = openpyxl.Workbook()
        ws = wb.active
        with app.test_request_context():
            from flask_babel import force_locale

            from app.catalogue import dictionary
            with force_locale("en"):
                ws.append([str(dictionary.lazy_label(EgovElement, c)) for c in EgovElementView.import_columns])
        for r in rows:
            ws.append([r.get(c, "") for c in EgovElementView.import_columns])
        out = io.BytesIO()
        wb.save(out)
        out.seek(0)
        return out

    good = {"organisation": inn, "full_name": "Импортированная система", "short_name": "ИС", "kind": "data_centre"}
    bad = {"organisation": "00000000000000", "full_name": "Ошибочная", "kind": "no_such_kind"}
    answer = operator.post("/egovelementview/import/", data={"file": (sheet([good, bad]), "inventory.xlsx")},
                           token_from="/egovelementview/import/", content_type="multipart/form-data")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "3" in page  # the row number of the bad row is reported
    with app.app_context():
        assert db.session.query(EgovElement).count() == before  # nothing written
    answer = operator.post("/egovelementview/import/", data={"file": (sheet([good]), "inventory.xlsx")},
                           token_from="/egovelementview/import/", content_type="multipart/form-data")
    assert answer.status_code == 302, answer.get_data(as_text=True)[-1500:]
    with app.app_context():
        imported = db.session.query(EgovElement).filter_by(full_name="Импортированная система").one()
        assert imported.status == "draft" and imported.organisation_id == egov["own"]
    assert labels is None or labels


def test_documents_are_checked_on_upload_and_their_downloads_audited(app, egov):
    employee = _login(app, egov["employee_user"])
    url = "/egovdocumentview/add"
    pdf = b"%PDF-1.4\n%test\n"
    answer = employee.post(url, data={"element": egov["complete"], "kind": "technical", "title": "Схема",
                                      "file": (io.BytesIO(b"MZ not a pdf"), "scheme.pdf")},
                           token_from=url, content_type="multipart/form-data")
    assert answer.status_code == 200  # refused: the content is not a PDF
    answer = employee.post(url, data={"element": egov["complete"], "kind": "technical", "title": "Схема",
                                      "file": (io.BytesIO(pdf), "scheme.pdf")},
                           token_from=url, content_type="multipart/form-data")
    assert answer.status_code == 302
    from app.extensions import db
    from models.egov_registry import EgovDocument

    with app.app_context():
        doc = db.session.query(EgovDocument).filter_by(title="Схема").one()
        pk, stored = doc.id, doc.stored_name
    assert stored != "scheme.pdf"
    download = employee.get(f"/egovdocumentview/download/{pk}")
    assert download.status_code == 200 and download.data == pdf
    assert any(e.object_id == str(pk) for e in audit_events(app, action="download"))
    # another subject's employee cannot attach to or download from this element
    with app.app_context():
        from models.user import SanaripUser

        db.session.query(SanaripUser).filter_by(username=egov["employee_user"]).update(
            {"scope_organisation_id": egov["other"]})
        db.session.commit()
    other = _login(app, egov["employee_user"])
    assert other.get(f"/egovdocumentview/download/{pk}").status_code == 404


def test_the_demo_authorised_employee_is_bound_to_an_employee_of_the_demo_data(app):
    from app.cli import _templates, organisation_demo_user
    from app.extensions import db
    from models.egov_registry import EgovEmployee
    from models.user import SanaripUser

    created = []
    with app.app_context():
        (template,) = [t for t in _templates() if t.name == "Egov authorised employee"]
        assert template.organisation and template.organisation_of is None
        left = db.session.query(SanaripUser).filter_by(username="demo_egov_authorised_employee").first()
        if left is not None and left.scope_organisation_id is None:  # made by another test as a plain login
            db.session.delete(left)
            db.session.commit()
        organisation_demo_user(template, "Testpass123", lambda *a, **k: created.append(a))
        user = db.session.query(SanaripUser).filter_by(username="demo_egov_authorised_employee").one()
        employee = db.session.query(EgovEmployee).filter_by(user_id=user.id).one()
        assert user.scope_organisation_id == employee.organisation_id and user.territory is None
        employee.user_id = None  # leave no demo login behind (other tests create the demo logins themselves)
        db.session.delete(user)
        db.session.commit()
    assert created


def test_the_dashboard_shows_the_applications_waiting(app, egov):
    _application(app, egov, element="complete")
    operator = _login(app, egov["operator"], "en")
    home = operator.get("/").get_data(as_text=True)
    assert "Applications to the register awaiting a decision" in home
    assert "Overdue applications to the register" in home
    # the employee's tiles count their own subject's applications only
    employee = _login(app, egov["employee_user"], "en")
    assert "Applications to the register awaiting a decision" in employee.get("/").get_data(as_text=True)
