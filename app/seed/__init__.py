"""Reference data and deterministic demo data. Both go through the services, so they obey the same rules as
real data; every loader is idempotent (running it again adds nothing)."""

DEMO_RAYON = "41708203000000"  # Alamudun rayon, Chuy oblast: demo users work here and demo households exist here


def demo_city(session):
    """The first city of oblast significance (a town's registers and queues differ from a village's)."""
    from sqlalchemy import select

    from app.territory_kinds import CITY_OBLAST
    from models.reference import Territory

    return session.scalars(select(Territory).where(Territory.kind == CITY_OBLAST).order_by(Territory.code)).first()
