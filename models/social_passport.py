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
from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, Numeric, String, Table, Text, \
    UniqueConstraint, select
from sqlalchemy.orm import relationship

from models.base import Multilingual, TerritoryScoped, Tracked, parent_scope_territory_id, related_now, Versioned
from models.types import UTCDateTime
from models.dictionary import Dataset, F, Layout, Legal, classifier
from models.extensible import Extensible
from models.workflow import StatusHistory, history_fields
from models.household_book import Household  # the passport describes a household of the book

STATUSES = {
    "draft": _l("Draft"), "submitted": _l("Submitted"), "returned": _l("Returned for correction"),
    "approved": _l("Approved"), "review_due": _l("Due for annual review"),
}
EDITABLE_STATUSES = ("draft", "returned")
TENURES = classifier("housing_tenure", _l("Tenure of the dwelling"), {
    "own": _l("Own dwelling"), "rented": _l("Rented dwelling"), "none": _l("No dwelling of its own")},
    module="social_passport", system=("own", "rented", "none"))
HOUSING_TYPES = classifier("housing_type", _l("Types of dwelling"), {
    "house": _l("Detached house"), "apartment": _l("Apartment"), "dormitory": _l("Dormitory"),
    "temporary": _l("Temporary shelter (yurt, trailer)"), "other": _l("Other"),
}, module="social_passport")
CONDITIONS = classifier("housing_condition", _l("Conditions of the dwelling"), {
    "good": _l("Good"), "satisfactory": _l("Satisfactory"), "poor": _l("Poor"),
    "emergency": _l("Dilapidated (emergency)")}, module="social_passport", system=("poor", "emergency"))
INCOME_SOURCES = {
    "income_wages": _l("Wages"), "income_pensions": _l("Pensions"), "income_benefits": _l("State benefits"),
    "income_agriculture": _l("Agriculture (farm, livestock)"), "income_remittances": _l("Remittances"),
    "income_other": _l("Other income"),
}
LIVESTOCK = {"cattle": _l("Cattle"), "small_ruminants": _l("Sheep and goats"), "horses": _l("Horses"),
             "poultry": _l("Poultry")}
BENEFITS = Legal("benefits_law")
SP_RETENTION = _l("Kept while the household is in the book; a reopened passport keeps its history.")


class PovertyLine(Versioned, Tracked, Model):
    """The poverty line (som per person per month) of a year, for the whole republic (no territory) or for one
    region; a regional line overrides the national one of the same year. Reference data, edited by admins."""

    __tablename__ = "social_passport_poverty_line"
    __dataset__ = Dataset(
        _l("Poverty lines"), _l("Poverty line"),
        _l("The poverty line (som per person per month) and the guaranteed minimum income of each year, for the "
           "republic or a region."), Legal("poverty_methodology"), reference=True,
        fields={"year": _l("Year"),
                "territory": F(_l("Territory"), _l("Empty: the line of the whole republic. A line of an oblast or "
                                                  "rayon overrides it there.")),
                "amount": F(_l("Poverty line, som per person per month"),
                            _l("Som per person per month; passports use the line of their survey year (or the "
                               "latest earlier one).")),
                "guaranteed_minimum_income": F(
                    _l("Guaranteed minimum income, som per member per month"),
                    _l("Families with children under 16 whose income per member is below it are entitled to the "
                       "monthly benefit \"үй-бүлөгө көмөк\"."), legal=BENEFITS),
                "source": F(_l("Source"), _l("Who published the figure, and where."))},
        layout=Layout(
            list=("year", "territory", "amount", "guaranteed_minimum_income", "source"),
            search=("year", "amount"),
            form=("year", "territory", "amount", "guaranteed_minimum_income", "source", "note"),
            show=("year", "territory", "amount", "guaranteed_minimum_income", "source", "note", "changed_by",
                  "changed_on")))
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


class Need(Multilingual, Versioned, Tracked, Model):
    """A kind of need of a family (food, fuel, clothing …): classifier edited by admins."""

    __tablename__ = "social_passport_need"
    __dataset__ = Dataset(_l("Needs of families"), _l("Need"),
                          _l("Classifier of the needs of families: food, fuel, clothing and others."), BENEFITS,
                          reference=True)

    id = Column(Integer, primary_key=True)
    code = Column(String(40), unique=True, nullable=False)
    sort_order = Column(Integer, nullable=False, default=100)
    active = Column(Boolean, nullable=False, default=True)


class Reason(Multilingual, Versioned, Tracked, Model):
    """A reason of low income (unemployment, disability, many children …): classifier edited by admins."""

    __tablename__ = "social_passport_reason"
    __dataset__ = Dataset(_l("Reasons of low income"), _l("Reason of low income"),
                          _l("Classifier of the reasons of low income: unemployment, disability, many children and "
                             "others."), BENEFITS, reference=True)

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


class SocialPassport(Extensible, TerritoryScoped, Versioned, Tracked, Model):
    """The social passport of one household (at most one per household; the annual review reopens it).

    Composition, income per member, poverty line, score and need are computed by the services and stored, so that
    lists, reports and charts filter and count them in SQL. Its territory is the household's."""

    __tablename__ = "social_passport_passport"
    __dataset__ = Dataset(
        _l("Social passports"), _l("Social passport"),
        _l("Questionnaires of low-income families: composition copied from the household book, incomes, housing, "
           "land and livestock, access to services, welfare score and need of state support, approval."),
        BENEFITS, personal="special", retention=SP_RETENTION, extensible=True,
        fields={
            "household": F(_l("Household"), _l("Search by household number or address. The composition is copied "
                                               "from the household book when the passport is saved.")),
            "household_number": _l("Household number"), "address": _l("Address"),
            "head_name": _l("Head of household"),
            "surveyed_on": F(_l("Survey date"), _l("The date the family was interviewed; its year chooses the "
                                                  "poverty line.")),
            "status": F(_l("Status"), states=STATUSES), "snapshot_on": _l("Composition as of"), "members_count": _l("Members"),
            "children_under_18": _l("Children under 18"), "children_under_16": _l("Children under 16"),
            "disabled_count": _l("Persons with disabilities"), "pensioners_count": _l("Pensioners"),
            "unemployed_count": _l("Working-age unemployed"), "dependants_count": _l("Dependants"),
            "members": _l("Household composition"),
            **{k: F(v, _l("Declared monthly income of the whole household, som.")) for k, v in INCOME_SOURCES.items()},
            "income_total": _l("Income of the household per month"),
            "income_per_member": _l("Income per member per month"), "poverty_line_amount": _l("Poverty line"),
            "poverty_line": _l("Poverty line"),
            "housing_tenure": F(_l("Dwelling"), classifier="housing_tenure"),
            "housing_type": F(_l("Type of dwelling"), classifier="housing_type"),
            "housing_condition": F(_l("Condition of the dwelling"), classifier="housing_condition"),
            "has_water": _l("Water supply"), "has_electricity": _l("Electricity"), "has_heating": _l("Heating"),
            "has_sanitation": _l("Sanitation"), "land_ha": _l("Land, ha"), **LIVESTOCK,
            "children_out_of_school": F(_l("Children not attending school"),
                                        _l("Children of school age who do not attend school.")),
            "no_health_access": _l("No access to health care"),
            "receives_family_benefit": _l("Receives the monthly benefit \"үй-бүлөгө көмөк\""),
            "needs": _l("Needs"), "reasons": _l("Reasons of low income"), "welfare_score": _l("Welfare score"),
            "score_details": _l("Score by criterion"), "needs_support": _l("Needs state support"),
            "submitted_on": _l("Submitted on"), "approved_on": _l("Approved on"), "approved_by": _l("Approved by"),
            "approved_by_fk": _l("Approved by"), "review_due_on": _l("Annual review due on"),
            "history": _l("Status history"), "policy": _l("Parameters of the decision")},
        layout=Layout(
            list=("household_number", "head_name", "territory", "members_count", "income_per_member", "welfare_score",
                  "needs_support", "status", "review_due_on"),
            search=("household_number", "head_name", "address", "territory", "status", "needs_support",
                    "welfare_score", "income_per_member", "members_count", "surveyed_on", "approved_on",
                    "review_due_on", "needs", "reasons"),
            form=("household", "surveyed_on", "income_wages", "income_pensions", "income_benefits",
                  "income_agriculture", "income_remittances", "income_other", "housing_tenure", "housing_type",
                  "housing_condition", "has_water", "has_electricity", "has_heating", "has_sanitation", "land_ha",
                  "cattle", "small_ruminants", "horses", "poultry", "children_out_of_school", "no_health_access",
                  "receives_family_benefit", "needs", "reasons", "note"),
            edit=("surveyed_on", "income_wages", "income_pensions", "income_benefits", "income_agriculture",
                  "income_remittances", "income_other", "housing_tenure", "housing_type", "housing_condition",
                  "has_water", "has_electricity", "has_heating", "has_sanitation", "land_ha", "cattle",
                  "small_ruminants", "horses", "poultry", "children_out_of_school", "no_health_access",
                  "receives_family_benefit", "needs", "reasons", "note")))
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
        territory = related_now(self, "territory")
        if territory is not None:
            return territory.id
        return parent_scope_territory_id(self, "household")

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
        return parent_scope_territory_id(self, "passport")


class PassportMember(_PassportChild, Model):
    """One person of the household as the book showed them when the composition was taken (a copy, not a link)."""

    __tablename__ = "social_passport_member"
    __dataset__ = Dataset(
        _l("Composition of social passports"), _l("Person of a social passport"),
        _l("The household's people as the household book showed them when the passport's composition was taken "
           "(a copy, so that its readers need no access to the book)."), BENEFITS, personal="special",
        retention=SP_RETENTION,
        fields={"passport": _l("Social passport"), "pin": _l("PIN"), "full_name": _l("Full name"),
                "sex": F(_l("Sex"), classifier="sex"), "birth_date": _l("Date of birth"),
                "relation": F(_l("Relation to the head"), classifier="household_relation"),
                "employment": F(_l("Employment"), classifier="employment"), "age": _l("Age"),
                "disabled": _l("Person with a disability"), "pensioner": _l("Pensioner"),
                "unemployed": _l("Working-age unemployed")})
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


class StatusChange(StatusHistory, _PassportChild, Model):
    """One step of a passport's workflow (app/workflow.py's StatusHistory: when, from → to, who, why)."""

    __tablename__ = "social_passport_status_change"
    __history_parent__ = "passport"
    __dataset__ = Dataset(
        _l("Status history of social passports"), _l("Status change"),
        _l("Each step of a passport's approval: who, when, from which status to which, and why."), BENEFITS,
        personal="personal", retention=SP_RETENTION,
        fields={"passport": _l("Social passport"), **history_fields()})
    personal = True

    id = Column(Integer, primary_key=True)
    passport_id = Column(Integer, ForeignKey("social_passport_passport.id", ondelete="CASCADE"), nullable=False,
                         index=True)
    passport = relationship(SocialPassport, back_populates="history")

    def __repr__(self):
        return f"{self.from_status or ''} → {self.to_status}"


# --- proposals of the social-protection body (Sanarip Aimak regulation, cl. 23; cl. 4(13)) -----------------------
PROPOSAL_STATES = {"proposed": _l("Proposed"), "passport_formed": _l("Passport formed"),
                   "rejected": _l("Proposal rejected")}
PROPOSAL_GROUNDS = classifier("social_passport_proposal_ground", _l("Grounds of proposals for a social passport"), {
    "low_income": _l("Income below the poverty line"), "many_children": _l("Many children"),
    "disability": _l("Disability of a family member"), "loss_of_breadwinner": _l("Loss of the breadwinner"),
    "single_parent": _l("Single-parent family"), "emergency": _l("Emergency or natural disaster"),
    "other": _l("Other grounds")}, module="social_passport", system=("other",))


class SocialPassportProposal(TerritoryScoped, Versioned, Tracked, Model):
    """A proposal of the social-protection body to draw up the social passport of a family (a household of the
    book): the specialist proposes, the LSG clerk forms the passport from it (services.social_passport
    `form_passport_from_proposal`, through `create_passport`) or rejects it with a reason. Once formed, the
    proposal's page shows the passport's own state (its approval is the passport's workflow). Its territory is the
    household's."""

    __tablename__ = "social_passport_proposal"
    __dataset__ = Dataset(
        _l("Proposals for social passports"), _l("Proposal for a social passport"),
        _l("Families proposed by the social-protection body for a social passport: household, grounds, who "
           "proposed and when, the decision of the aiyl okmotu and the passport formed."),
        Legal("sanarip_aimak", _l("cl. 23; cl. 4(13)")), personal="special", retention=SP_RETENTION,
        fields={
            "household": F(_l("Household"), _l("Search by household number or address.")),
            "ground": F(_l("Grounds"), _l("Why the family is proposed for a social passport."),
                        classifier="social_passport_proposal_ground"),
            "note": F(_l("Note"), _l("Circumstances of the family known to the social-protection body.")),
            "proposed_on": _l("Proposed on"), "proposed_by": _l("Proposed by"),
            "proposed_by_fk": _l("Proposed by"),
            "status": F(_l("Status"), states=PROPOSAL_STATES),
            "rejection_reason": F(_l("Reason of rejection"), _l("Why the aiyl okmotu does not form a passport.")),
            "decided_on": _l("Decided on"), "decided_by": _l("Decided by"), "decided_by_fk": _l("Decided by"),
            "passport": F(_l("Social passport"), _l("The passport formed from the proposal, with its status.")),
            "passport_id": _l("Social passport")},
        layout=Layout(
            list=("household", "territory", "ground", "proposed_on", "proposed_by", "status", "passport"),
            search=("household", "territory", "ground", "status", "proposed_on", "decided_on"),
            form=("household", "ground", "note"),
            edit=("ground", "note"),
            show=("household", "territory", "ground", "note", "proposed_on", "proposed_by", "status",
                  "rejection_reason", "decided_on", "decided_by", "passport", "created_by", "created_on",
                  "changed_by", "changed_on"),
            api=("id", "territory_id", "household_id", "ground", "note", "proposed_on", "status",
                 "rejection_reason", "decided_on", "passport_id")))
    personal = True

    id = Column(Integer, primary_key=True)
    household_id = Column(Integer, ForeignKey("household_book_household.id"), nullable=False, index=True)
    household = relationship(Household)
    ground = Column(String(30), nullable=False)
    note = Column(Text)
    proposed_on = Column(Date, nullable=False)
    proposed_by_fk = Column(Integer, ForeignKey("ab_user.id"))
    proposed_by = relationship("User", foreign_keys=[proposed_by_fk], enable_typechecks=False)
    status = Column(String(16), nullable=False, default="proposed", index=True)
    rejection_reason = Column(Text)
    decided_on = Column(Date)
    decided_by_fk = Column(Integer, ForeignKey("ab_user.id"))
    decided_by = relationship("User", foreign_keys=[decided_by_fk], enable_typechecks=False)
    passport_id = Column(Integer, ForeignKey("social_passport_passport.id"), index=True)
    passport = relationship(SocialPassport)

    def scope_territory_id(self):
        territory = related_now(self, "territory")
        if territory is not None:
            return territory.id
        return parent_scope_territory_id(self, "household")

    def __repr__(self):
        household = self.household
        return f"№{household.number}" if household is not None else f"#{self.id}"
