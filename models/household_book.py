"""Electronic household book (похозяйственная книга): households, their members and movements."""
import datetime

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event, \
    select, text
from sqlalchemy.orm import relationship

from app.ages import age_on
from models.base import TerritoryScoped, Tracked, parent_scope_territory_id, Versioned
from models.dictionary import Dataset, F, Layout, Legal, classifier
from models.extensible import Extensible

SEXES = classifier("sex", _l("Sex"), {"F": _l("Female"), "M": _l("Male")}, open=False, system=("F", "M"))
RELATIONS = classifier("household_relation", _l("Relations to the head of household"), {
    "head": _l("Head of household"), "spouse": _l("Spouse"), "child": _l("Child"), "parent": _l("Parent"),
    "sibling": _l("Brother or sister"), "grandchild": _l("Grandchild"), "grandparent": _l("Grandparent"),
    "in_law": _l("Relative by marriage"), "other_relative": _l("Other relative"), "non_relative": _l("Not related"),
}, module="household_book", system=("head",))
CITIZENSHIPS = classifier("citizenship", _l("Citizenship"), {
    "KG": _l("Kyrgyz Republic"), "foreign": _l("Foreign citizen"), "stateless": _l("Stateless")},
    module="household_book", system=("KG",))
REGISTRATIONS = classifier("registration", _l("Kinds of registration"), {
    "permanent": _l("Permanent"), "temporary": _l("Temporary"), "none": _l("Not registered")},
    module="household_book")
EMPLOYMENTS = classifier("employment", _l("Employment"), {
    "employed": _l("Employed"), "self_employed": _l("Self-employed"), "farmer": _l("Farmer"),
    "unemployed": _l("Unemployed"), "pensioner": _l("Pensioner"), "student": _l("Student"),
    "preschool": _l("Preschool child"), "schoolchild": _l("Schoolchild"), "migrant": _l("Labour migrant"),
    "disabled": _l("Not working (disability)"), "homemaker": _l("Homemaker"),
}, module="household_book", system=("disabled", "pensioner", "unemployed"))
MOVEMENTS = classifier("movement_kind", _l("Kinds of movement"), {
    "birth": _l("Birth"), "arrival": _l("Arrival"), "departure": _l("Departure"), "death": _l("Death")},
    module="household_book", open=False, system=("birth", "arrival", "departure", "death"))
BOOK = Legal("lsg_law", _l("art. 34"))
BOOK_RETENTION = _l("Kept as long as the household book, a permanent record of the LSG body; people who left and "
                    "past movements stay as history.")


class Household(Extensible, TerritoryScoped, Versioned, Tracked, Model):
    """A household (үй чарбасы) of the book: one dwelling and the people who run it together."""

    __dataset__ = Dataset(
        _l("Households"), _l("Household"),
        _l("Households of the household book kept by the aiyl okmotu: one dwelling and the people who run it "
           "together, with the account number, address and phone."), BOOK, personal="personal",
        retention=BOOK_RETENTION, extensible=True,
        fields={"number": F(_l("Household number"), _l("The household's account number in the book of the aiyl "
                                                      "okmotu.")),
                "territory": F(_l("Territory"), _l("The village (or aiyl aimak, town) where the household "
                                                  "lives."), personal="none"),
                "address": _l("Address"), "phone": _l("Phone"), "head": _l("Head of household"),
                "size": F(_l("Members"), personal="none"), "members": _l("Household members")},
        layout=Layout(
            list=("number", "territory", "address", "head", "size"),
            search=("number", "territory", "address"),
            form=("territory", "number", "address", "phone", "note"),
            show=("number", "territory", "address", "phone", "head", "size", "note", "created_by", "created_on",
                  "changed_by", "changed_on")))

    __tablename__ = "household_book_household"
    __table_args__ = (UniqueConstraint("territory_id", "number", name="uq_household_number"),)
    personal = True
    lookup_fields = ("number", "address")  # too many to list: forms search them (views/lookup.py)
    lookup_loads = ("members",)  # the label names the head

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


class HouseholdMember(Extensible, Versioned, Tracked, Model):
    """A person living in a household. A person (PIN) is an active member of at most one household; leaving
    (departure, death) keeps the row as history."""

    __dataset__ = Dataset(
        _l("Household members"), _l("Household member"),
        _l("People living in the households of the book: name, PIN, sex, date of birth, relation to the head, "
           "citizenship, registration and employment; people who left stay as history."), BOOK,
        personal="personal", retention=BOOK_RETENTION, extensible=True,
        fields={
            "pin": F(_l("PIN"), _l("14 digits: 1 (female) or 2 (male), the date of birth DDMMYYYY, a serial. Sex and "
                                   "date of birth must agree with it.")),
            "last_name": _l("Last name"), "first_name": _l("First name"), "patronymic": _l("Patronymic"),
            "full_name": _l("Full name"), "sex": F(_l("Sex"), classifier="sex"),
            "birth_date": _l("Date of birth"),
            "relation": F(_l("Relation to the head"), classifier="household_relation"),
            "citizenship": F(_l("Citizenship"), classifier="citizenship"),
            "registration": F(_l("Registration"), classifier="registration"),
            "employment": F(_l("Employment"), classifier="employment"),
            "is_active": _l("Lives in the household"), "joined_on": _l("Member since"), "left_on": _l("Left on"),
            "household": _l("Household"), "joined_by": _l("Joined by"), "movements": _l("Movements")},
        layout=Layout(
            list=("full_name", "pin", "sex", "birth_date", "relation", "household", "is_active"),
            search=("full_name", "pin", "sex", "birth_date", "relation", "citizenship", "employment", "is_active",
                    "household"),
            form=("household", "last_name", "first_name", "patronymic", "pin", "sex", "birth_date", "relation",
                  "citizenship", "registration", "employment", "joined_by", "joined_on"),
            edit=("last_name", "first_name", "patronymic", "pin", "sex", "birth_date", "relation", "citizenship",
                  "registration", "employment"),
            api=("id", "household_id", "pin", "last_name", "first_name", "patronymic", "sex", "birth_date",
                 "relation", "citizenship", "registration", "employment", "is_active", "joined_on", "left_on")))

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
        return parent_scope_territory_id(self, "household")

    def age_on(self, day: datetime.date) -> int:
        return age_on(self.birth_date, day)

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
        return parent_scope_territory_id(self, "member")


class Movement(OfMember, Tracked, Model):
    """A registered movement of a person: birth, arrival, departure or death, with its date (never deleted)."""

    __tablename__ = "household_book_movement"
    __dataset__ = Dataset(
        _l("Movements"), _l("Movement"),
        _l("Registered births, arrivals, departures and deaths of household members, with their dates; never "
           "deleted."), BOOK, personal="personal", retention=BOOK_RETENTION,
        fields={"member": _l("Person"), "kind": F(_l("Movement"), _l("Departures and deaths are recorded here; "
                                                                   "births and arrivals by adding the person to a "
                                                                   "household."), classifier="movement_kind"),
                "on_date": _l("Date"), "place": _l("From / to")},
        layout=Layout(
            list=("on_date", "kind", "member", "place", "note"),
            search=("kind", "on_date", "member"),
            form=("member", "kind", "on_date", "place", "note"),
            show=("member", "kind", "on_date", "place", "note", "created_by", "created_on")))
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


CERTIFICATE_KINDS = classifier("certificate_kind", _l("Kinds of certificates"), {
    "household_composition": _l("Household composition certificate"), "residence": _l("Residence certificate")},
    module="household_book", open=False, system=("household_composition", "residence"))
CERTIFICATE_LANGUAGES = classifier("document_language", _l("Languages of documents"), {
    "ky": _l("Kyrgyz"), "ru": _l("Russian"), "en": _l("English")}, open=False, system=("ky", "ru", "en"))


class Certificate(OfMember, Tracked, Model):
    """A certificate (маалымкат / справка) issued to a citizen from the household book. Its content is kept as it
    was on the day of issue, so a reprint or a verification shows the same facts."""

    __tablename__ = "household_book_certificate"
    __dataset__ = Dataset(
        _l("Certificates"), _l("Certificate"),
        _l("Certificates of household composition and of residence issued to citizens from the household book, "
           "with their number, verification code and the facts certified as of the day of issue."), BOOK,
        personal="personal", retention=_l("Kept as the register of issued certificates of the LSG body."),
        fields={"number": _l("Number"), "kind": F(_l("Certificate"), classifier="certificate_kind"),
                "member": _l("Citizen"),
                "language": F(_l("Language"), _l("The language the citizen asked for: the certificate is printed "
                                                 "in it."), classifier="document_language"),
                "issued_on": _l("Issued on"), "valid_until": _l("Valid until"), "issuing_body": _l("Issued by"),
                "signer_name": _l("Signed by"), "signer_position": _l("Position of the signer"),
                "verification_code": _l("Verification code"), "revoked_on": _l("Revoked on"),
                "revoked_reason": _l("Reason of revocation"), "content": _l("Facts certified"),
                "state": _l("Status"),
                "signer": _l("Signing certificate")},
        layout=Layout(
            list=("number", "kind", "member", "issued_on", "valid_until", "language", "created_by"),
            search=("number", "kind", "issued_on", "language"),
            form=("member", "kind", "language", "signer_name", "signer_position"),
            show=("number", "kind", "member", "language", "issued_on", "valid_until", "issuing_body", "signer_name",
                  "signer_position", "verification_code", "revoked_on", "revoked_reason", "created_by", "created_on"),
            # the facts certified stay on the printed (signed) copy; the code only with the citizen
            api=("id", "number", "kind", "member_id", "language", "issued_on", "valid_until", "issuing_body",
                 "revoked_on", "revoked_reason")))
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

    @property
    def state(self):
        """Its workflow state (app/services/household_book.py CERTIFICATE_WORKFLOW): issued until revoked."""
        return "revoked" if self.revoked_on is not None else "issued"

    def __repr__(self):
        return f"№{self.number}"
