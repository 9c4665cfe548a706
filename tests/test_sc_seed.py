"""Issue 12, item 10: the demo data of the public service centre (app/seed/service_centre.py): the agencies, the
catalogue of twenty services with their documents and stage norms in three languages, two offices with windows,
staff with skills, shifts and absences (one today), distribution rules; deterministic and idempotent."""
import datetime

from sqlalchemy import func, select


def _services(db):
    from app.seed.service_centre import SERVICES
    from models.service_centre import ScService

    return db.session.scalars(select(ScService).where(ScService.code.in_(list(SERVICES))).order_by(ScService.code)
                              ).all()


def _offices(db):
    from app.seed.service_centre import OFFICES
    from models.service_centre import ScOffice

    return db.session.scalars(select(ScOffice).where(ScOffice.code.in_([o["code"] for o in OFFICES]))
                              .order_by(ScOffice.id)).all()


def _filled(row, *fields):
    return all((getattr(row, f"{field}_{lang}") or "").strip() for field in fields for lang in ("ky", "ru", "en"))


def test_the_seed_runs_twice_without_duplicates(app, db):
    from app.seed import service_centre as seed
    from models.egov_registry import EgovOrganisation
    from models.service_centre import (ScAbsence, ScAssignmentRule, ScOffice, ScService, ScServiceDocument,
                                       ScServiceGroup, ScServiceStage, ScShift, ScStaff, ScWindow)

    models = (EgovOrganisation, ScServiceGroup, ScService, ScServiceDocument, ScServiceStage, ScOffice, ScWindow,
              ScStaff, ScShift, ScAbsence, ScAssignmentRule)

    def counts():
        return [db.session.scalar(select(func.count()).select_from(m)) for m in models]

    before = counts()
    said = []
    seed.seed(db.session, echo=said.append)
    db.session.flush()
    assert counts() == before
    assert not any("services," in line for line in said)  # the catalogue was not made again


def test_twenty_services_with_documents_and_stage_norms(db):
    from app.identifiers import parse_inn
    from models.service_centre import APPLICANT_CATEGORIES, STAGES

    services = _services(db)
    assert len(services) == 20
    for service in services:
        assert 2 <= len(service.documents) <= 6, service.code
        assert any(not d.optional for d in service.documents), service.code
        stages = {s.stage: s.norm_days for s in service.stages}
        assert "agency" in stages and set(stages) <= set(STAGES), service.code
        assert sum(stages.values()) == service.total_days > 0, service.code
        assert service.legal_basis and service.agency is not None and service.group is not None
        assert service.applicant_kind in ("person", "organisation", "any")
        assert service.applicant_categories in APPLICANT_CATEGORIES, service.code  # one classifier code
        assert service.fee is not None and service.fee >= 0
        parse_inn(service.agency.inn)
        assert service.offices, service.code
        for document in service.documents:
            assert document.requested_by_centre == (document.source_agency is not None), (service.code, document)
    documents = [d for s in services for d in s.documents]
    assert any(d.optional for d in documents) and any(d.original for d in documents)
    requested = [d for d in documents if d.requested_by_centre]
    assert len({d.source_agency_id for d in requested}) >= 3  # the aiyl okmotu, the Social Fund, the cadastre...
    assert {s.stage for service in services for s in service.stages} == set(STAGES)
    assert any(s.slot_minutes for s in services) and any(not s.slot_minutes for s in services)
    assert len({s.agency_id for s in services}) >= 8
    assert {s.applicant_kind for s in services} >= {"person", "any"}


def test_every_multilingual_name_is_filled(db):
    services = _services(db)
    groups = {s.group for s in services} | {s.group.parent for s in services if s.group.parent is not None}
    assert len(groups) >= 5 and any(g.parent is not None for g in groups)
    assert len({g.ticket_prefix for g in groups}) == len(groups)
    rows = [*services, *groups, *(d for s in services for d in s.documents), *_offices(db),
            *{s.agency for s in services}]
    for row in rows:
        assert _filled(row, "name"), row
    for service in services:
        assert _filled(service, "result", "knowledge"), service.code
        for lang in ("ky", "ru", "en"):
            sentences = getattr(service, f"knowledge_{lang}").count(". ") + 1
            assert 2 <= sentences <= 4, (service.code, lang)
    # Kyrgyz, not Russian: the Kyrgyz letters appear in the Kyrgyz texts
    kyrgyz = " ".join(s.knowledge_ky + s.name_ky for s in services)
    assert all(letter in kyrgyz for letter in "өүң")


def test_two_offices_with_windows_staff_shifts_and_rules(db):
    from app.seed import DEMO_RAYON

    offices = _offices(db)
    assert len(offices) == 2
    from models.reference import Territory

    rayon = db.session.scalar(select(Territory).where(Territory.code == DEMO_RAYON))
    assert offices[0].territory.path.startswith(rayon.path)
    assert not offices[1].territory.path.startswith(rayon.path)
    assert {s.code for s in offices[0].services} != {s.code for s in offices[1].services}
    assert len({s.code for s in offices[0].services} & {s.code for s in offices[1].services}) >= 14
    for office in offices:
        assert office.opens_at == datetime.time(8, 30) and office.closes_at == datetime.time(17, 30)
        assert 4 <= len(office.windows) <= 5
        offered = set(office.services)
        for window in office.windows:
            assert window.services and set(window.services) <= offered, (office.code, window.number)
        assert set().union(*(set(w.services) for w in office.windows)) == offered  # every service has a window
        roles = [s.role for s in office.staff]
        assert roles.count("head") == 1 and roles.count("operator") >= 4 and roles.count("back_office") >= 2
        for staff in office.staff:
            assert staff.shifts, staff.full_name
            assert all(0 <= shift.weekday <= 4 for shift in staff.shifts)
            assert set(staff.skills) <= offered
        assert all(s.skills for s in office.staff if s.role != "head")
        methods = {r.method: r for r in _rules(db, office)}
        assert methods["least_open"].service is None
    shifts = [staff.shifts for office in offices for staff in office.staff]
    assert any(len(s) < 5 for s in shifts)  # part-time
    assert any(s[0].starts_at >= datetime.time(12) for s in shifts)  # an afternoon shift
    assert {r.method for r in _rules(db, offices[0])} == {"round_robin", "skill", "least_open"}
    assert all(r.service is not None for r in _rules(db, offices[0]) if r.method != "least_open")


def _rules(db, office):
    from models.service_centre import ScAssignmentRule

    return db.session.scalars(select(ScAssignmentRule).where(ScAssignmentRule.office_id == office.id)).all()


def test_a_back_office_specialist_is_on_leave_today_and_another_was_away(db):
    from app.clock import local_today

    today = local_today()
    absences = [a for office in _offices(db) for s in office.staff for a in s.absences]
    now = [a for a in absences if a.starts_on <= today <= a.ends_on]
    assert len(now) == 1 and now[0].staff.role == "back_office" and now[0].kind == "leave"
    assert any(a.ends_on < today for a in absences)
    on_leave = now[0].staff
    # the skill rule's service can still be given to another back-office specialist of the office
    skill_rule = next(r for r in _rules(db, on_leave.office) if r.method == "skill")
    assert skill_rule.service in on_leave.skills
    assert any(skill_rule.service in s.skills for s in on_leave.office.staff
               if s.role == "back_office" and s is not on_leave)


def test_the_agencies_reuse_the_e_government_subjects(db):
    from app.seed.egov_registry import ORGANISATIONS
    from app.seed.service_centre import EGOV_AGENCIES
    from models.egov_registry import EgovOrganisation

    egov = {o[0]: o[1] for o in ORGANISATIONS}
    for key, inn in EGOV_AGENCIES.items():
        assert egov[key] == inn
        assert db.session.scalar(select(func.count(EgovOrganisation.id)).where(EgovOrganisation.inn == inn)) == 1
    used = {s.agency.inn for s in _services(db)}
    assert set(EGOV_AGENCIES.values()) <= used


def test_appointments_ahead_a_cancelled_and_a_missed_one(db):
    from app.clock import local_today, to_local
    from models.service_centre import ScAppointment

    today = local_today()
    for office in _offices(db):
        rows = db.session.scalars(select(ScAppointment).where(ScAppointment.office_id == office.id)).all()
        assert {a.state for a in rows} == {"booked", "cancelled", "missed"}, office.code
        for appointment in rows:
            local = to_local(appointment.slot_start)
            assert appointment.service.slot_minutes and appointment.service in office.services
            assert office.opens_at <= local.time() < office.closes_at
            minutes = (local.hour * 60 + local.minute) - (office.opens_at.hour * 60 + office.opens_at.minute)
            assert minutes % appointment.service.slot_minutes == 0
            assert (local.date() > today) == (appointment.state != "missed")


def test_the_demo_helpers(db):
    from app.seed.service_centre import SERVICES, demo_partner_agency, first_office

    assert first_office(db.session) is _offices(db)[0]
    first = next(s for s in _services(db) if s.code == next(iter(SERVICES)))
    assert demo_partner_agency(db.session) is first.agency


def test_the_activity_is_skipped_or_made_without_failing(db):
    """Each part of the activity is made through its own service when there is one, else skipped with a line."""
    from app.clock import now
    from app.seed.service_centre import _seed_activity

    said = []
    _seed_activity(db.session, _offices(db), now(), said.append)
    db.session.flush()
    for line in said:
        assert "service centre" in line


def test_the_office_bound_demo_users_work_in_the_first_office(app):
    """`seed-demo`: the operator, back-office specialist and head are bound to the first demo office and are the
    accounts of its staff; the head's account heads the office; the partner is bound to the agency of the first
    demo service (not to an e-government employee's organisation)."""
    from app.cli import _templates, demo_username, office_demo_user, organisation_demo_user
    from app.extensions import db
    from app.seed.service_centre import DEMO_STAFF, demo_partner_agency, first_office
    from models.service_centre import ScStaff
    from models.user import SanaripUser

    with app.app_context():
        templates = {t.name: t for t in _templates()}
        office_templates = [t for t in templates.values() if t.office]
        assert {t.name for t in office_templates} == set(DEMO_STAFF)
        partner = templates["Service centre partner organisation"]
        assert partner.organisation and not partner.office and not partner.territorial
        names = [demo_username(t) for t in (*office_templates, partner)]
        for left in db.session.query(SanaripUser).filter(SanaripUser.username.in_(names)):
            db.session.query(ScStaff).filter_by(user_id=left.id).update({"user_id": None})
            db.session.delete(left)  # made by another test as a plain login
        db.session.commit()
        office = first_office(db.session)
        head_before = office.head_id
        created = []
        for template in office_templates:
            office_demo_user(template, "Testpass123", lambda *a, **k: created.append(a))
        organisation_demo_user(partner, "Testpass123", lambda *a, **k: created.append(a))
        try:
            assert len(created) == 4
            users = {t.name: db.session.query(SanaripUser).filter_by(username=demo_username(t)).one()
                     for t in (*office_templates, partner)}
            for name, full_name in DEMO_STAFF.items():
                user = users[name]
                assert user.scope_office_id == office.id and user.territory is None
                staff = db.session.query(ScStaff).filter_by(user_id=user.id).one()
                assert staff.full_name == full_name and staff.office_id == office.id
            assert office.head_id == users["Service centre office head"].id
            agency = demo_partner_agency(db.session)
            bound = users[partner.name]
            assert bound.scope_organisation_id == agency.id and bound.scope_office_id is None
            result = app.test_cli_runner().invoke(args=["sanarip", "demo-users"])
            assert f"{demo_username(office_templates[0])}: {office_templates[0].name} at {office.code}" in result.output
        finally:  # leave no demo login behind (other tests create the demo logins themselves)
            office.head_id = head_before
            for user in db.session.query(SanaripUser).filter(SanaripUser.username.in_(names)):
                db.session.query(ScStaff).filter_by(user_id=user.id).update({"user_id": None})
                db.session.delete(user)
            db.session.commit()


def _options(page, name):
    import re

    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select_html, f"no {name} on the form"
    return set(re.findall(r'<option[^>]*value="(\d+)"', select_html.group(1)))


def test_an_admin_binds_a_user_to_an_office_and_an_organisation_in_the_form(app, browser, make_user):
    """The user form offers the office and the organisation of the scope, among those in the admin's own scope."""
    from app.extensions import db
    from app.seed import DEMO_RAYON
    from app.seed.service_centre import demo_partner_agency
    from models.user import SanaripUser
    from tests.conftest import Browser

    with app.app_context():
        first, second = _offices(db)
        agency = demo_partner_agency(db.session)
        ids = (str(first.id), str(second.id), str(agency.id))
        role_id = app.appbuilder.sm.find_role("Service centre operator").id
    browser.login("admin")
    page = browser.get("/users/add").get_data(as_text=True)
    assert {ids[0], ids[1]} <= _options(page, "scope_office") and ids[2] in _options(page, "scope_organisation")
    data = {"first_name": "Нурбек", "last_name": "Асанов", "username": "sc_bound", "email": "sc_bound@x.kg",
            "active": "y", "roles": str(role_id), "password": "Goodpass1234", "conf_password": "Goodpass1234",
            "scope_office": ids[0], "scope_organisation": ids[2]}
    browser.post("/users/add", data, token_from="/users/add")
    with app.app_context():
        user = db.session.query(SanaripUser).filter_by(username="sc_bound").one()
        assert (user.scope_office_id, user.scope_organisation_id) == (int(ids[0]), int(ids[2]))
        db.session.delete(user)
        db.session.commit()
    # an admin of the demo rayon is offered the rayon's office only
    rayon_admin = Browser(app.test_client())
    rayon_admin.login(make_user(("Admin",), territory=DEMO_RAYON))
    offered = _options(rayon_admin.get("/users/add").get_data(as_text=True), "scope_office")
    assert ids[0] in offered and ids[1] not in offered


def test_the_activity_covers_every_stage_when_the_services_are_there(db):
    """With the intake and stages (app/services/service_centre.py) and the queue simulation
    (app/seed/service_centre_activity.py) present: applications of each office in every stage, some overdue, an
    interagency request pending, a day of queue history and complaints."""
    import pytest

    from app.clock import local_today, now
    from app.seed.service_centre import _module, working_days_before
    from app.workdays import is_working_day
    from models.service_centre import APPLICATION_STATES, ScApplication, ScComplaint, ScTicket

    rules = _module("app.services.service_centre", "open_application", "WORKFLOW")
    activity = _module("app.seed.service_centre_activity", "simulate_queue_day", "seed_complaints")
    if rules is None or activity is None:
        pytest.skip("the intake or the queue simulation is not there yet")
    today = local_today()
    for office in _offices(db):
        applications = db.session.scalars(select(ScApplication).where(ScApplication.office_id == office.id)).all()
        assert {a.state for a in applications} == set(APPLICATION_STATES), office.code
        for application in applications:  # steps in order, none in the future, received on working days
            moments = [step.at for step in application.history]
            assert moments == sorted(moments) and all(at <= now() for at in moments), application.number
            if application.received_at is not None:
                assert is_working_day(local_today(application.received_at)), application.number
        assert any(r.state == "pending" for a in applications for r in a.requests)
        assert any(a.refusal_reason == "incomplete" and a.missing_documents for a in applications)
        if hasattr(rules, "overdue_condition"):
            overdue = db.session.scalars(select(ScApplication.id).where(ScApplication.office_id == office.id,
                                                                        rules.overdue_condition(today))).all()
            assert overdue, office.code
        day = working_days_before(today, 1)
        assert db.session.scalar(select(func.count(ScTicket.id)).where(ScTicket.office_id == office.id,
                                                                       ScTicket.day == day)) >= 100
        assert db.session.scalar(select(func.count(ScComplaint.id)).where(ScComplaint.office_id == office.id))


def test_the_seed_adds_a_missing_office_and_keeps_the_rest(app, db):
    """With the first office's code gone (renamed by an administrator), the next run makes that office again with its
    windows, staff, absence and rules, and keeps the catalogue and the other office as they are."""
    from app.seed import service_centre as seed
    from models.service_centre import ScOffice, ScService, ScWindow

    first, second = _offices(db)
    code = first.code
    first.code = "OLD01"
    db.session.flush()
    services = db.session.scalar(select(func.count(ScService.id)))
    windows = db.session.scalar(select(func.count(ScWindow.id)).where(ScWindow.office_id == second.id))
    seed.seed(db.session, echo=lambda line: None)
    db.session.flush()
    again = db.session.scalar(select(ScOffice).where(ScOffice.code == code))
    assert again is not None and again is not first and len(again.windows) == len(first.windows)
    assert any(a for s in again.staff for a in s.absences)
    assert db.session.scalar(select(func.count(ScService.id))) == services
    assert db.session.scalar(select(func.count(ScWindow.id)).where(ScWindow.office_id == second.id)) == windows
    db.session.rollback()


def test_without_the_e_government_seed_its_agencies_are_made_the_same_way(db):
    from app.clock import local_today
    from app.seed.egov_registry import ORGANISATIONS
    from app.seed.service_centre import EGOV_AGENCIES, _Seeder
    from models.egov_registry import EgovOrganisation

    seeder = _Seeder(db.session, local_today(), lambda line: None)
    for key, inn in EGOV_AGENCIES.items():
        seeded = db.session.scalar(select(EgovOrganisation).where(EgovOrganisation.inn == inn))
        with db.session.no_autoflush:
            made = seeder._egov_agency(key)
            place = made.territory.id if made.territory is not None else None
            assert (made.inn, made.kind, made.name_ru, made.name_ky, made.name_en, place) == \
                (seeded.inn, seeded.kind, seeded.name_ru, seeded.name_ky, seeded.name_en, seeded.territory_id)
            db.session.expunge(made)
    assert {o[0] for o in ORGANISATIONS} >= set(EGOV_AGENCIES)


def test_an_office_with_its_hours_is_added_and_edited_in_the_form(app, browser):
    """Times of day (an office's hours, a shift's) are form fields (FAB's converter has none: views/base.py)."""
    from app.extensions import db
    from models.service_centre import ScOffice

    with app.app_context():
        first = _offices(db)[0]
        territory_id, first_id = first.territory_id, first.id
    browser.login("admin")
    edit = browser.get(f"/scofficeview/edit/{first_id}").get_data(as_text=True)
    assert 'type="time"' in edit and 'value="08:30"' in edit
    data = {"code": "TST01", "name_ky": "Сыноо кеңсеси", "name_ru": "Тестовый офис", "name_en": "Test office",
            "territory": str(territory_id), "address": "Сыноо көчөсү, 1", "opens_at": "09:00", "closes_at": "18:00",
            "wait_norm_minutes": "15"}
    browser.post("/scofficeview/add", data, token_from="/scofficeview/add")
    with app.app_context():
        office = db.session.scalar(select(ScOffice).where(ScOffice.code == "TST01"))
        assert office is not None and (office.opens_at, office.closes_at) == (datetime.time(9), datetime.time(18))
        db.session.delete(office)
        db.session.commit()
