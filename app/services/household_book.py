"""Rules of the electronic household book.

Legal basis: the Law "On local self-government" (2021, art. 34: the executive body keeps the household book) and
the instruction on keeping household books of aiyl okmotus (National Statistical Committee)."""
import calendar
import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.errors import DomainError
from app.pin import check_person
from models.household_book import HouseholdMember, Movement


def check_member(session, member: HouseholdMember):
    """Before a member is saved: the PIN is valid and agrees with sex and date of birth; the person is not an
    active member of another household; a household has one head. Rows not yet flushed count too."""
    check_person(member.pin, member.sex, member.birth_date)
    if member.is_active is None:
        member.is_active = True
    if not member.is_active:
        return
    with session.no_autoflush:  # the member itself must not reach the database before it is checked
        others = [o for o in session.new if isinstance(o, HouseholdMember) and o is not member and o.is_active]
        twin = next((o for o in others if o.pin == member.pin), None) or session.scalar(
            select(HouseholdMember).where(HouseholdMember.pin == member.pin, HouseholdMember.is_active.is_(True),
                                          HouseholdMember.id != (member.id or -1)))
        if twin is not None:
            raise DomainError(_l("This person (PIN %(pin)s) is already an active member of household №%(number)s.",
                                 pin=member.pin, number=twin.household.number), field="pin",
                              code="double_membership")
        if member.relation != "head" or member.household is None:
            return
        household = member.household
        head = next((o for o in others if o.relation == "head" and o.household is household), None)
        if head is None and household.id is not None:
            head = session.scalar(
                select(HouseholdMember).where(HouseholdMember.household_id == household.id,
                                              HouseholdMember.relation == "head", HouseholdMember.is_active.is_(True),
                                              HouseholdMember.id != (member.id or -1)))
        if head is not None:
            raise DomainError(_l("The household already has a head: %(name)s.", name=head.full_name or head.pin),
                              field="relation", code="second_head")


def register_member(session, member: HouseholdMember, how="arrival", on_date=None, place=None):
    """Add a person to a household; a birth or an arrival is recorded as a movement (history)."""
    member.joined_on = member.joined_on or on_date or datetime.date.today()
    check_member(session, member)
    session.add(member)
    if how in ("birth", "arrival"):
        session.add(Movement(member=member, kind=how, on_date=member.joined_on, place=place))
    return member


def record_movement(session, movement: Movement):
    """Apply a movement to the person: departure and death end the membership (the row stays as history);
    an arrival or birth is recorded when the person is added to a household."""
    member = movement.member
    if movement.kind not in ("departure", "death"):
        raise DomainError(_l("Births and arrivals are recorded by adding the person to a household."),
                          field="kind", code="movement_kind")
    if not member.is_active:
        raise DomainError(_l("%(name)s has already left the household.", name=member.full_name),
                          field="member", code="already_left")
    if movement.on_date < member.birth_date or movement.on_date > datetime.date.today():
        raise DomainError(_l("The date of the movement is impossible."), field="on_date", code="movement_date")
    member.is_active = False
    member.left_on = movement.on_date
    session.add(movement)
    return movement


def voters(session, scope, territory_ids, election_date: datetime.date):
    """Citizens of the Kyrgyz Republic aged 18 or more on the election day (Constitution art. 2: citizens who have
    reached 18 take part in elections), active members of households in the given territories, by name."""
    latest_birth = coming_of_age_cutoff(election_date, 18)
    query = (select(HouseholdMember).join(HouseholdMember.household)
             .where(HouseholdMember.is_active.is_(True), HouseholdMember.citizenship == "KG",
                    HouseholdMember.birth_date <= latest_birth,
                    HouseholdMember.scope_condition(territory_ids), scope.condition(HouseholdMember))
             .order_by(HouseholdMember.full_name))
    return session.scalars(query).all()


def coming_of_age_cutoff(day: datetime.date, years: int) -> datetime.date:
    """The latest date of birth of someone who is `years` old on `day`. A term counted in years that ends in a
    month without the starting date ends on that month's last day (Civil Code, computation of terms), so a person
    born on 29 February comes of age on 28 February of a common year."""
    year = day.year - years
    if (day.month, day.day) == (2, 28) and calendar.isleap(year):
        return datetime.date(year, 2, 29)
    if (day.month, day.day) == (2, 29) and not calendar.isleap(year):
        return datetime.date(year, 2, 28)
    return day.replace(year=year)
