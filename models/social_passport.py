"""Social passport of a low-income family (социальный паспорт малообеспеченной семьи): a questionnaire on a household
of the household book, its welfare score and its approval workflow.

The passport keeps its own snapshot of the household's composition (`PassportMember`): a social-protection
specialist reads passports without any access to the household book.

Welfare score (rule and legal sources in app/services/social_passport.py, `welfare_score`): points for the income
deficit against the poverty line (up to 40), the share of dependants (up to 15), disability (5 a person, up to 10),
working-age unemployment (3 a person, up to 6), housing (tenure, condition, missing utilities: up to 20), no land (3),
no livestock (3), and lack of access to services (school, health care, the ҮМКЖ benefit: 5 each). The family needs
state support when its income per member is below the poverty line of its survey year and territory, or the score
is 35 or more.

Workflow: draft → submitted → approved (head) or returned (to draft-like editing) → due for annual review 12 months
after approval (a daily command marks it) → reopened as a draft for the review. Every step is a service function
and a row of `StatusChange`; only a draft or a returned passport can be edited."""
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, Numeric, String, Table, Text, \
    UniqueConstraint, select
from sqlalchemy.orm import relationship

from models.base import Multilingual, TerritoryScoped, Tracked
from models.household_book import Household  # the passport describes a household of the book

STATUSES = {
    "draft": _l("Draft"), "submitted": _l("Submitted"), "returned": _l("Returned for correction"),
    "approved": _l("Approved"), "review_due": _l("Due for annual review"),
}
EDITABLE_STATUSES = ("draft", "returned")
TENURES = {"own": _l("Own dwelling"), "rented": _l("Rented dwelling"), "none": _l("No dwelling of its own")}
HOUSING_TYPES = {
    "house": _l("Detached house"), "apartment": _l("Apartment"), "dormitory": _l("Dormitory"),
    "temporary": _l("Temporary shelter (yurt, trailer)"), "other": _l("Other"),
}
CONDITIONS = {"good": _l("Good"), "satisfactory": _l("Satisfactory"), "poor": _l("Poor"),
              "emergency": _l("Dilapidated (emergency)")}
INCOME_SOURCES = {
    "income_wages": _l("Wages"), "income_pensions": _l("Pensions"), "income_benefits": _l("State benefits"),
    "income_agriculture": _l("Agriculture (farm, livestock)"), "income_remittances": _l("Remittances"),
    "income_other": _l("Other income"),
}
LIVESTOCK = {"cattle": _l("Cattle"), "small_ruminants": _l("Sheep and goats"), "horses": _l("Horses"),
             "poultry": _l("Poultry")}


class PovertyLine(Tracked, Model):
    """The poverty line (som per person per month) of a year, for the whole republic (no territory) or for one
    region; a regional line overrides the national one of the same year. Reference data, edited by admins."""

    __tablename__ = "social_passport_poverty_line"
    __table_args__ = (UniqueConstraint("year", "territory_id", name="uq_social_passport_poverty_line"),)

    id = Column(Integer, primary_key=True)
    year = Column(Integer, nullable=False, index=True)
    territory_id = Column(Integer, ForeignKey("ref_territory.id"))
    territory = relationship("Territory")
    amount = Column(Numeric(12, 2), nullable=False)  # som per person per month
    #: the guaranteed minimum income (ГМД) of the year: families with children under 16 below it are entitled to
    #: the monthly benefit "үй-бүлөгө көмөк" (ҮМКЖ)
    guaranteed_minimum_income = Column(Numeric(12, 2))
    source = Column(String(500), nullable=False)
    note = Column(Text)

    def __repr__(self):
        return f"{self.year}: {self.amount}"


class Need(Multilingual, Tracked, Model):
    """A kind of need of a family (food, fuel, clothing …): classifier edited by admins."""

    __tablename__ = "social_passport_need"

    id = Column(Integer, primary_key=True)
    code = Column(String(40), unique=True, nullable=False)
    sort_order = Column(Integer, nullable=False, default=100)
    active = Column(Boolean, nullable=False, default=True)


class Reason(Multilingual, Tracked, Model):
    """A reason of low income (unemployment, disability, many children …): classifier edited by admins."""

    __tablename__ = "social_passport_reason"

    id = Column(Integer, primary_key=True)
    code = Column(String(40), unique=True, nullable=False)
    sort_order = Column(Integer, nullable=False, default=100)
    active = Column(Boolean, nullable=False, default=True)


passport_need = Table(
    "social_passport_passport_need", Model.metadata,
    Column("passport_id", Integer, ForeignKey("social_passport_passport.id", ondelete="CASCADE"), primary_key=True),
    Column("need_id", Integer, ForeignKey("social_passport_need.id"), primary_key=True),
)
passport_reason = Table(
    "social_passport_passport_reason", Model.metadata,
    Column("passport_id", Integer, ForeignKey("social_passport_passport.id", ondelete="CASCADE"), primary_key=True),
    Column("reason_id", Integer, ForeignKey("social_passport_reason.id"), primary_key=True),
)


class SocialPassport(TerritoryScoped, Tracked, Model):
    """The social passport of one household (at most one per household; the annual review reopens it).

    Composition, income per member, poverty line, score and need are computed by the services and stored, so that
    lists, reports and charts filter and count them in SQL. Its territory is the household's."""

    __tablename__ = "social_passport_passport"
    personal = True

    id = Column(Integer, primary_key=True)
    household_id = Column(Integer, ForeignKey("household_book_household.id"), nullable=False, unique=True)
    household = relationship(Household)
    surveyed_on = Column(Date, nullable=False)
    status = Column(String(12), nullable=False, default="draft", index=True)

    # composition snapshot, from the household book's active members on `snapshot_on`
    snapshot_on = Column(Date)
    household_number = Column(String(20))
    address = Column(String(255))
    head_name = Column(String(310))
    members_count = Column(Integer, nullable=False, default=0)
    children_under_18 = Column(Integer, nullable=False, default=0)
    children_under_16 = Column(Integer, nullable=False, default=0)
    disabled_count = Column(Integer, nullable=False, default=0)
    pensioners_count = Column(Integer, nullable=False, default=0)
    unemployed_count = Column(Integer, nullable=False, default=0)  # of working age
    dependants_count = Column(Integer, nullable=False, default=0)

    # declared monthly incomes of the whole household, som
    income_wages = Column(Numeric(12, 2), nullable=False, default=0)
    income_pensions = Column(Numeric(12, 2), nullable=False, default=0)
    income_benefits = Column(Numeric(12, 2), nullable=False, default=0)
    income_agriculture = Column(Numeric(12, 2), nullable=False, default=0)
    income_remittances = Column(Numeric(12, 2), nullable=False, default=0)
    income_other = Column(Numeric(12, 2), nullable=False, default=0)

    # housing
    housing_tenure = Column(String(12), nullable=False, default="own")
    housing_type = Column(String(12), nullable=False, default="house")
    housing_condition = Column(String(12), nullable=False, default="satisfactory")
    has_water = Column(Boolean, nullable=False, default=True)
    has_electricity = Column(Boolean, nullable=False, default=True)
    has_heating = Column(Boolean, nullable=False, default=True)
    has_sanitation = Column(Boolean, nullable=False, default=False)

    # land and livestock
    land_ha = Column(Numeric(8, 2), nullable=False, default=0)
    cattle = Column(Integer, nullable=False, default=0)
    small_ruminants = Column(Integer, nullable=False, default=0)
    horses = Column(Integer, nullable=False, default=0)
    poultry = Column(Integer, nullable=False, default=0)

    # access to social services
    children_out_of_school = Column(Integer, nullable=False, default=0)
    no_health_access = Column(Boolean, nullable=False, default=False)
    receives_family_benefit = Column(Boolean, nullable=False, default=False)  # ҮМКЖ, "үй-бүлөгө көмөк"

    needs = relationship("Need", secondary=passport_need, order_by="Need.sort_order")
    reasons = relationship("Reason", secondary=passport_reason, order_by="Reason.sort_order")
    note = Column(Text)

    # computed by the services
    income_total = Column(Numeric(12, 2), nullable=False, default=0)
    income_per_member = Column(Numeric(12, 2), nullable=False, default=0)
    poverty_line_id = Column(Integer, ForeignKey("social_passport_poverty_line.id"))
    poverty_line = relationship("PovertyLine")
    poverty_line_amount = Column(Numeric(12, 2))
    welfare_score = Column(Integer, nullable=False, default=0)
    score_details = Column(Text)  # JSON {criterion: points}, see services.social_passport.welfare_score
    needs_support = Column(Boolean, nullable=False, default=False, index=True)

    # workflow
    submitted_on = Column(Date)
    approved_on = Column(Date)
    approved_by_fk = Column(Integer, ForeignKey("ab_user.id"))
    approved_by = relationship("User", foreign_keys=[approved_by_fk], enable_typechecks=False)
    review_due_on = Column(Date, index=True)

    members = relationship("PassportMember", back_populates="passport", order_by="PassportMember.id",
                           cascade="all, delete-orphan")
    history = relationship("StatusChange", back_populates="passport", order_by="StatusChange.id",
                           cascade="all, delete-orphan")

    def scope_territory_id(self):
        # a new passport lies where its household does (the service copies the territory on creation)
        if self.territory_id is not None:
            return self.territory_id
        if self.territory is not None:
            return self.territory.id
        return self.household.scope_territory_id() if self.household is not None else None

    @property
    def editable(self):
        return self.status in EDITABLE_STATUSES

    @property
    def livestock_total(self):
        return sum(getattr(self, k) or 0 for k in LIVESTOCK)

    def __repr__(self):
        return f"№{self.household_number or self.household_id}" + (f" ({self.head_name})" if self.head_name else "")


class _PassportChild:
    """Rows reached through their passport: same scope as the passport."""

    @classmethod
    def scope_condition(cls, territory_ids):
        return cls.passport_id.in_(select(SocialPassport.id).where(SocialPassport.territory_id.in_(territory_ids)))

    def scope_territory_id(self):
        return self.passport.scope_territory_id() if self.passport is not None else None


class PassportMember(_PassportChild, Model):
    """One person of the household as the book showed them when the composition was taken (a copy, not a link)."""

    __tablename__ = "social_passport_member"
    personal = True

    id = Column(Integer, primary_key=True)
    passport_id = Column(Integer, ForeignKey("social_passport_passport.id", ondelete="CASCADE"), nullable=False,
                         index=True)
    passport = relationship(SocialPassport, back_populates="members")
    pin = Column(String(14))
    full_name = Column(String(310), nullable=False)
    sex = Column(String(1))
    birth_date = Column(Date)
    relation = Column(String(20))
    employment = Column(String(20))
    age = Column(Integer, nullable=False)
    disabled = Column(Boolean, nullable=False, default=False)
    pensioner = Column(Boolean, nullable=False, default=False)
    unemployed = Column(Boolean, nullable=False, default=False)  # of working age and without work

    def __repr__(self):
        return self.full_name


class StatusChange(_PassportChild, Model):
    """One step of a passport's workflow: who, when, from which status to which, and why."""

    __tablename__ = "social_passport_status_change"
    personal = True

    id = Column(Integer, primary_key=True)
    passport_id = Column(Integer, ForeignKey("social_passport_passport.id", ondelete="CASCADE"), nullable=False,
                         index=True)
    passport = relationship(SocialPassport, back_populates="history")
    at = Column(DateTime, nullable=False)
    user_id = Column(Integer, ForeignKey("ab_user.id"))
    user = relationship("User", foreign_keys=[user_id], enable_typechecks=False)
    from_status = Column(String(12))
    to_status = Column(String(12), nullable=False)
    comment = Column(Text)

    def __repr__(self):
        return f"{self.from_status or ''} → {self.to_status}"
