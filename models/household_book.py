"""Electronic household book (похозяйственная книга): households, their members and movements."""
import datetime

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event, \
    select, text
from sqlalchemy.orm import relationship

from models.base import TerritoryScoped, Tracked

SEXES = {"F": _l("Female"), "M": _l("Male")}
RELATIONS = {
    "head": _l("Head of household"), "spouse": _l("Spouse"), "child": _l("Child"), "parent": _l("Parent"),
    "sibling": _l("Brother or sister"), "grandchild": _l("Grandchild"), "grandparent": _l("Grandparent"),
    "in_law": _l("Relative by marriage"), "other_relative": _l("Other relative"), "non_relative": _l("Not related"),
}
CITIZENSHIPS = {"KG": _l("Kyrgyz Republic"), "foreign": _l("Foreign citizen"), "stateless": _l("Stateless")}
REGISTRATIONS = {"permanent": _l("Permanent"), "temporary": _l("Temporary"), "none": _l("Not registered")}
EMPLOYMENTS = {
    "employed": _l("Employed"), "self_employed": _l("Self-employed"), "farmer": _l("Farmer"),
    "unemployed": _l("Unemployed"), "pensioner": _l("Pensioner"), "student": _l("Student"),
    "preschool": _l("Preschool child"), "schoolchild": _l("Schoolchild"), "migrant": _l("Labour migrant"),
    "disabled": _l("Not working (disability)"), "homemaker": _l("Homemaker"),
}
MOVEMENTS = {"birth": _l("Birth"), "arrival": _l("Arrival"), "departure": _l("Departure"), "death": _l("Death")}


class Household(TerritoryScoped, Tracked, Model):
    """A household (үй чарбасы) of the book: one dwelling and the people who run it together."""

    __tablename__ = "household_book_household"
    __table_args__ = (UniqueConstraint("territory_id", "number", name="uq_household_number"),)
    personal = True
    lookup_fields = ("number", "address")  # too many to list: forms search them (views/lookup.py)

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False)  # account number in the book of the aiyl okmotu
    address = Column(String(255), nullable=False)
    phone = Column(String(32))
    note = Column(Text)

    members = relationship("HouseholdMember", back_populates="household", order_by="HouseholdMember.id")

    @property
    def active_members(self):
        return [m for m in self.members if m.is_active]

    @property
    def head(self):
        return next((m for m in self.active_members if m.relation == "head"), None)

    @property
    def size(self):
        return len(self.active_members)

    def __repr__(self):
        head = self.head
        return f"№{self.number}, {self.address}" + (f" ({head.full_name})" if head else "")


class HouseholdMember(Tracked, Model):
    """A person living in a household. A person (PIN) is an active member of at most one household; leaving
    (departure, death) keeps the row as history."""

    __tablename__ = "household_book_member"
    __table_args__ = (
        # the database guarantees what services.household_book checks: one active membership per PIN
        Index("uq_member_active_pin", "pin", unique=True, sqlite_where=text("is_active"),
              postgresql_where=text("is_active")),
    )
    personal = True
    lookup_fields = ("full_name", "pin")

    id = Column(Integer, primary_key=True)
    household_id = Column(Integer, ForeignKey("household_book_household.id"), nullable=False, index=True)
    household = relationship(Household, back_populates="members")
    pin = Column(String(14), nullable=False, index=True)
    last_name = Column(String(100), nullable=False)
    first_name = Column(String(100), nullable=False)
    patronymic = Column(String(100))
    full_name = Column(String(310), nullable=False, index=True)  # kept by the model, searched by name
    sex = Column(String(1), nullable=False)
    birth_date = Column(Date, nullable=False)
    relation = Column(String(20), nullable=False, default="head")
    citizenship = Column(String(12), nullable=False, default="KG")
    registration = Column(String(12), nullable=False, default="permanent")
    employment = Column(String(20))
    is_active = Column(Boolean, nullable=False, default=True)
    joined_on = Column(Date)
    left_on = Column(Date)

    movements = relationship("Movement", back_populates="member", order_by="Movement.on_date")

    @classmethod
    def scope_condition(cls, territory_ids):
        return cls.household_id.in_(select(Household.id).where(Household.territory_id.in_(territory_ids)))

    def scope_territory_id(self):
        return self.household.territory_id if self.household is not None else None

    def age_on(self, day: datetime.date) -> int:
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    def __repr__(self):
        return f"{self.full_name} ({self.pin})"


@event.listens_for(HouseholdMember, "before_insert")
@event.listens_for(HouseholdMember, "before_update")
def _full_name(_mapper, _connection, member):
    member.full_name = " ".join(p for p in (member.last_name, member.first_name, member.patronymic) if p)


class OfMember:
    """A row that belongs to a household member: in a user's scope when the member's household is."""

    @classmethod
    def scope_condition(cls, territory_ids):
        return cls.member_id.in_(select(HouseholdMember.id).where(HouseholdMember.scope_condition(territory_ids)))

    def scope_territory_id(self):
        return self.member.scope_territory_id() if self.member is not None else None


class Movement(OfMember, Tracked, Model):
    """A registered movement of a person: birth, arrival, departure or death, with its date (never deleted)."""

    __tablename__ = "household_book_movement"
    personal = True

    id = Column(Integer, primary_key=True)
    member_id = Column(Integer, ForeignKey("household_book_member.id"), nullable=False, index=True)
    member = relationship(HouseholdMember, back_populates="movements")
    kind = Column(String(12), nullable=False)
    on_date = Column(Date, nullable=False)
    place = Column(String(255))  # where from (arrival) or where to (departure)
    note = Column(Text)

    def __repr__(self):
        return f"{MOVEMENTS.get(self.kind, self.kind)} {self.on_date}"


CERTIFICATE_KINDS = {"household_composition": _l("Household composition certificate"),
                     "residence": _l("Residence certificate")}
CERTIFICATE_LANGUAGES = {"ky": _l("Kyrgyz"), "ru": _l("Russian"), "en": _l("English")}


class Certificate(OfMember, Tracked, Model):
    """A certificate (маалымкат / справка) issued to a citizen from the household book. Its content is kept as it
    was on the day of issue, so a reprint or a verification shows the same facts."""

    __tablename__ = "household_book_certificate"
    personal = True

    id = Column(Integer, primary_key=True)
    number = Column(String(32), nullable=False, unique=True)
    verification_code = Column(String(16), nullable=False, unique=True)
    kind = Column(String(32), nullable=False)
    language = Column(String(2), nullable=False, default="ky")
    member_id = Column(Integer, ForeignKey("household_book_member.id"), nullable=False, index=True)
    member = relationship(HouseholdMember)
    issued_on = Column(Date, nullable=False)
    valid_until = Column(Date, nullable=False)
    issuing_body = Column(String(255), nullable=False)
    signer_name = Column(String(255), nullable=False)
    signer_position = Column(String(255), nullable=False)
    content = Column(Text, nullable=False)  # JSON: the facts certified, as of the day of issue
    revoked_on = Column(Date)
    revoked_reason = Column(String(255))
    # the issuing body's signing certificate at issue (app/signing.py); every printed copy is signed with it, or
    # with the body's current one once it is renewed
    signer_id = Column(Integer, ForeignKey("signing_certificate.id"))
    signer = relationship("SigningCertificate")

    def __repr__(self):
        return f"№{self.number}"
