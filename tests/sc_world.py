"""A small world of the public service centre for the statistics' and complaints' tests: two offices in two
territories (A: the scope walker's rayon, B: a rayon of another oblast), services, windows, operators, an office
head, and queue days simulated with a fixed seed. Created once per test session (get or create by code)."""
import datetime
import random

TERRITORY_A = "41708203000000"
DAY = datetime.date(2026, 11, 17)  # a Tuesday
TICKETS = 300


def ensure_world(app):
    """{"offices": [office_a_id, office_b_id], "day": DAY}: creates the rows on the first call."""
    from sqlalchemy import select

    from app.extensions import db
    from app.seed.service_centre_activity import simulate_queue_day
    from models.egov_registry import EgovOrganisation
    from models.reference import Territory
    from models.service_centre import ScOffice, ScService, ScServiceGroup, ScStaff, ScWindow

    with app.app_context():
        session = db.session
        existing = session.scalars(select(ScOffice).where(ScOffice.code.in_(("STA", "STB")))
                                   .order_by(ScOffice.code)).all()
        if len(existing) == 2:
            return {"offices": [o.id for o in existing], "day": DAY}
        a = session.scalar(select(Territory).where(Territory.code == TERRITORY_A))
        b = session.scalar(select(Territory).where(Territory.level == a.level, ~Territory.path.startswith(
            a.path[:len(a.path) // 2])).order_by(Territory.id))
        agency = session.scalar(select(EgovOrganisation).order_by(EgovOrganisation.id))
        if agency is None:
            agency = EgovOrganisation(inn="01234567890123", address="Бишкек", name_ru="Тестовое ведомство")
            session.add(agency)
        groups = [ScServiceGroup(name_ru=f"Группа {p}", ticket_prefix=f"S{p}") for p in "AB"]
        services = [ScService(code=f"ST-{n}", name_ru=f"Услуга {n}", name_ky=f"Кызмат {n}", group=groups[n % 2],
                              agency=agency, legal_basis="Закон", result_ru="Справка", total_days=5)
                    for n in range(1, 5)]
        session.add_all([*groups, *services])
        offices = []
        for code, territory in (("STA", a), ("STB", b)):
            office = ScOffice(code=code, name_ru=f"ЦОН {code}", address="ул. Тестовая, 1", territory=territory,
                              opens_at=datetime.time(9), closes_at=datetime.time(18), services=services)
            session.add(office)
            staff = [ScStaff(office=office, full_name=f"Оператор {code} {n}", role="operator") for n in range(1, 5)]
            session.add_all(staff)
            for n in range(1, 5):
                session.add(ScWindow(office=office, number=n, services=services if n > 1 else services[:2]))
            offices.append(office)
        session.flush()
        for n, office in enumerate(offices):
            session.refresh(office)
            simulate_queue_day(session, office, DAY, TICKETS, random.Random(12 + n))
            simulate_queue_day(session, office, DAY + datetime.timedelta(days=1), TICKETS // 3,
                               random.Random(99 + n))
        session.commit()
        return {"offices": [o.id for o in offices], "day": DAY}
