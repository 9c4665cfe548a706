"""Rows for the tests of the service centre's distribution, notifications and public page: an office of its own
per test (unique codes), its head's account, services, staff with shifts, applications. Independent of the demo
seed."""
import datetime
import uuid

from tests.conftest import PASSWORD

UTC = datetime.timezone.utc
# Monday 7 December 2026, 10:00 in Bishkek (UTC+6)
MONDAY_10 = datetime.datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
MONDAY = MONDAY_10.date()


def _uid(n=6):
    return uuid.uuid4().hex[:n].upper()


def make_account(session, roles=(), office=None, username=None):
    from app.cli import create_user

    user = create_user(username or f"sc_{uuid.uuid4().hex[:10]}", PASSWORD, list(roles))
    if office is not None:
        user.scope_office_id = office.id
    session.flush()
    return user


def _group(session):
    from models.service_centre import ScServiceGroup

    group = session.query(ScServiceGroup).order_by(ScServiceGroup.id).first()
    if group is None:
        group = ScServiceGroup(name_ru="Тестовая группа", ticket_prefix="Z")
        session.add(group)
        session.flush()
    return group


def _agency(session):
    from models.egov_registry import EgovOrganisation

    agency = session.query(EgovOrganisation).order_by(EgovOrganisation.id).first()
    if agency is None:
        agency = EgovOrganisation(inn="01010200019999", name_ru="Тестовое ведомство", address="Бишкек",
                                  kind="state_body")
        session.add(agency)
        session.flush()
    return agency


def make_service(session, name="Справка", **fields):
    from models.service_centre import ScService

    values = dict(code=f"T{_uid(8)}", name_ru=f"{name} (ru)", name_ky=f"{name} (ky)", name_en=f"{name} (en)",
                  group=_group(session), agency=_agency(session), legal_basis="Закон", result_ru="Справка",
                  total_days=5, applicant_kind="person")
    values.update(fields)
    service = ScService(**values)
    session.add(service)
    session.flush()
    return service


def make_office(session, head=True, territory=None):
    from models.reference import Territory
    from models.service_centre import ScOffice

    territory = territory or session.query(Territory).filter(Territory.level >= 2).order_by(Territory.id).first()
    office = ScOffice(code=_uid(8), name_ru="ЦОН тест", name_ky="ЦОН сынак", name_en="Test centre",
                      address="Бишкек, 1", territory=territory, opens_at=datetime.time(8),
                      closes_at=datetime.time(18))
    session.add(office)
    session.flush()
    if head:
        office.head = make_account(session, ["Service centre office head"], office)
        office.head_id = office.head.id
    session.flush()
    return office


def make_staff(session, office, name, role="back_office", shifts=((0, 9, 18),), skills=(), active=True,
               user=False, roles=()):
    from models.service_centre import ScShift, ScStaff

    staff = ScStaff(office=office, full_name=name, role=role, active=active, skills=list(skills))
    if user:
        staff.user = make_account(session, roles, office)
    staff.shifts = [ScShift(weekday=d, starts_at=datetime.time(a), ends_at=datetime.time(b)) for d, a, b in shifts]
    session.add(staff)
    session.flush()
    return staff


def make_application(session, office, service, state="received", language="ky", notify_by="sms", **fields):
    from models.service_centre import ScApplication

    values = dict(office=office, service=service, applicant_kind="person", applicant_pin="21010199000011",
                  applicant_name="Асанов Асан", applicant_phone="+996555000111", applicant_email="asan@example.kg",
                  language=language, notify_by=notify_by, state=state, number=f"T-{_uid(10)}", code=_uid(6),
                  received_at=MONDAY_10, expected_on=datetime.date(2026, 12, 14))
    values.update(fields)
    application = ScApplication(**values)
    session.add(application)
    session.flush()
    return application
