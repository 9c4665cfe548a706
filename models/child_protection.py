"""AIS on children and families in difficult life situations (автоматизированная информационная система по учёту
детей и семей, находящихся в трудной жизненной ситуации).

Legal basis: Regulation of the Cabinet of Ministers of the Kyrgyz Republic of 22 March 2023 No. 156 (identification,
registration and case management of children and families in difficult life situations: the child's data, the
comprehensive assessment, the individual child-protection plan and the family work plan, monitoring, closure);
the Children's Code of the Kyrgyz Republic (10 July 2012 No. 100). A child's record is the child's case: its status
moves through the lifecycle by the services only (app/services/child_protection.py)."""
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint, \
    event, select
from sqlalchemy.orm import relationship

from models.base import Multilingual, TerritoryScoped, Tracked

SEXES = {"F": _l("Female"), "M": _l("Male")}
STATUSES = {
    "identified": _l("Identified"), "assessment": _l("Assessment"), "plan": _l("Plan"),
    "activities": _l("Activities"), "monitoring": _l("Monitoring"),
    "closed": _l("Closed: out of the difficult situation"),
    "suspended": _l("Suspended"), "reopened": _l("Reopened"),
}
LEGAL_STATUSES = {
    "parental_care": _l("In the care of parents"), "guardianship": _l("Under guardianship or trusteeship"),
    "orphan": _l("Orphan"), "without_care": _l("Left without parental care"),
    "institution": _l("In a residential institution"), "unknown": _l("Not established"),
}
RELATIONS = {
    "mother": _l("Mother"), "father": _l("Father"), "grandparent": _l("Grandparent"),
    "sibling": _l("Brother or sister"), "aunt_uncle": _l("Aunt or uncle"), "guardian": _l("Guardian"),
    "other_relative": _l("Other relative"),
}
RISKS = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}
#: domains of the comprehensive assessment (Regulation No. 156: needs of the child and the family)
DOMAINS = {
    "health": _l("Health"), "education": _l("Education"), "family": _l("Family environment"),
    "housing": _l("Housing"), "income": _l("Income"), "safety": _l("Safety"),
}
PLANS = {"child": _l("Individual child-protection plan"), "family": _l("Family work plan")}
ACTIVITY_STATUSES = {"planned": _l("Planned"), "in_progress": _l("In progress"), "done": _l("Done"),
                     "cancelled": _l("Cancelled")}
BODIES = {
    "social_protection": _l("Social protection body"), "health": _l("Health care organisation"),
    "education": _l("Education organisation"), "lsg": _l("Local self-government body"),
    "police": _l("Internal affairs body"), "registry": _l("Civil registry body"),
    "child_protection": _l("Child protection body"), "ngo": _l("Non-governmental organisation"),
}
VISIT_OUTCOMES = {"improved": _l("Situation improved"), "unchanged": _l("No change"),
                  "worse": _l("Situation worsened"), "not_found": _l("Family not found at the address")}
#: fields a plan rule may test (a safe structured condition: no code is ever evaluated)
RULE_FIELDS = {
    "disability": _l("Child has a disability"), "survivor_pension": _l("Receives a survivor's pension"),
    "monthly_benefit": _l("Receives the monthly social benefit"), "fixed_housing": _l("Has fixed housing"),
    "migrant_parents": _l("Child of migrant parents"), "pin_unknown": _l("PIN unknown"),
    "legal_status": _l("Legal status"), "age": _l("Age (years)"), "reason": _l("Reason (code)"),
    **{f"{d}_risk": _l("Risk: %(domain)s", domain=label) for d, label in DOMAINS.items()},
}
RULE_OPERATORS = {"eq": _l("equals"), "ne": _l("does not equal"), "gte": _l("at least"),
                  "lte": _l("at most"), "has": _l("includes")}


class CpReason(Multilingual, Tracked, Model):
    """A reason for the difficult life situation (editable classifier; several per case)."""

    __tablename__ = "child_protection_reason"

    id = Column(Integer, primary_key=True)
    code = Column(String(32), unique=True, nullable=False)
    active = Column(Boolean, nullable=False, default=True)


child_reason = Table(
    "child_protection_child_reason", Model.metadata,
    Column("child_id", Integer, ForeignKey("child_protection_child.id"), primary_key=True),
    Column("reason_id", Integer, ForeignKey("child_protection_reason.id"), primary_key=True),
)


class CpFamily(TerritoryScoped, Tracked, Model):
    """A family in a difficult life situation: links its children (child records) and adults (relatives)."""

    __tablename__ = "child_protection_family"
    personal = True

    id = Column(Integer, primary_key=True)
    name = Column(String(255), nullable=False)  # e.g. "Asanovs' family"
    address = Column(String(255))
    note = Column(Text)
    anonymised_on = Column(Date)

    children = relationship("CpChild", back_populates="family", order_by="CpChild.id")

    @property
    def adults(self):
        """The family's adults: the parents and relatives recorded for its children (each person once)."""
        seen, names = set(), []
        for relative in (r for c in self.children for r in c.relatives):
            key = relative.pin or relative.full_name
            if key and key not in seen:
                seen.add(key)
                names.append(str(relative))
        return "; ".join(names)

    def __repr__(self):
        return self.name or ""


class CpChild(TerritoryScoped, Tracked, Model):
    """A child identified as being in a difficult life situation, and the child's case. `territory` is the place
    of identification (Regulation No. 156: date and place of identification)."""

    __tablename__ = "child_protection_child"
    personal = True

    id = Column(Integer, primary_key=True)
    last_name = Column(String(100), nullable=False)
    first_name = Column(String(100), nullable=False)
    patronymic = Column(String(100))
    full_name = Column(String(310), nullable=False, index=True)
    sex = Column(String(1), nullable=False)
    birth_date = Column(Date, nullable=False)
    pin = Column(String(14), index=True)
    pin_unknown = Column(Boolean, nullable=False, default=False)
    identified_on = Column(Date, nullable=False)
    identification_address = Column(String(255))
    residence_address = Column(String(255))
    family_id = Column(Integer, ForeignKey("child_protection_family.id"), index=True)
    family = relationship(CpFamily, back_populates="children")
    disability = Column(Boolean, nullable=False, default=False)
    survivor_pension = Column(Boolean, nullable=False, default=False)
    monthly_benefit = Column(Boolean, nullable=False, default=False)
    fixed_housing = Column(Boolean, nullable=False, default=True)
    property_inventory = Column(Text)
    legal_status = Column(String(20), nullable=False, default="parental_care")
    migrant_parents = Column(Boolean, nullable=False, default=False)
    other_needs = Column(Text)
    status = Column(String(12), nullable=False, default="identified", index=True)
    anonymised_on = Column(Date)  # personal data removed after the retention period

    reasons = relationship(CpReason, secondary=child_reason)
    relatives = relationship("CpRelative", back_populates="child", order_by="CpRelative.id")
    assessments = relationship("CpAssessment", back_populates="child", order_by="CpAssessment.assessed_on")
    activities = relationship("CpActivity", back_populates="child", order_by="CpActivity.deadline")
    visits = relationship("CpVisit", back_populates="child", order_by="CpVisit.visited_on")
    transitions = relationship("CpTransition", back_populates="child", order_by="CpTransition.id")

    @property
    def latest_assessment(self):
        return self.assessments[-1] if self.assessments else None

    def __repr__(self):
        return f"{self.full_name} ({self.birth_date:%d.%m.%Y})" if self.birth_date else (self.full_name or "")


@event.listens_for(CpChild, "before_insert")
@event.listens_for(CpChild, "before_update")
def _full_name(_mapper, _connection, child):
    child.full_name = " ".join(p for p in (child.last_name, child.first_name, child.patronymic) if p)


class _ThroughChild:
    """Rows scoped through their child (the place of identification)."""

    @classmethod
    def scope_condition(cls, territory_ids):
        return cls.child_id.in_(select(CpChild.id).where(CpChild.territory_id.in_(territory_ids)))

    def scope_territory_id(self):
        return self.child.scope_territory_id() if self.child is not None else None


class CpRelative(_ThroughChild, Tracked, Model):
    """A parent or close relative of the child: present or not; linked to the household-book person of the same
    PIN where one exists."""

    __tablename__ = "child_protection_relative"
    personal = True

    id = Column(Integer, primary_key=True)
    child_id = Column(Integer, ForeignKey("child_protection_child.id"), nullable=False, index=True)
    child = relationship(CpChild, back_populates="relatives")
    relation = Column(String(20), nullable=False, default="mother")
    present = Column(Boolean, nullable=False, default=True)  # lives with the child / is alive and known
    last_name = Column(String(100))
    first_name = Column(String(100))
    patronymic = Column(String(100))
    pin = Column(String(14), index=True)
    household_member_id = Column(Integer, ForeignKey("household_book_member.id"), index=True)
    household_member = relationship("HouseholdMember")
    note = Column(String(500))

    @property
    def full_name(self):
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    def __repr__(self):
        return f"{RELATIONS.get(self.relation, self.relation)}: {self.full_name}"


class CpTransition(_ThroughChild, Tracked, Model):
    """One step of a case: who (created_by), when (`at`), from → to and why. Written only by the services."""

    __tablename__ = "child_protection_transition"

    id = Column(Integer, primary_key=True)
    child_id = Column(Integer, ForeignKey("child_protection_child.id"), nullable=False, index=True)
    child = relationship(CpChild, back_populates="transitions")
    at = Column(DateTime, nullable=False)
    from_status = Column(String(12))
    to_status = Column(String(12), nullable=False)
    note = Column(String(500), nullable=False)

    def __repr__(self):
        return f"{STATUSES.get(self.from_status, self.from_status or '—')} → {STATUSES.get(self.to_status)}"


class CpAssessment(_ThroughChild, Tracked, Model):
    """The comprehensive assessment of the child's and the family's needs: a risk level and findings per domain."""

    __tablename__ = "child_protection_assessment"
    personal = True

    id = Column(Integer, primary_key=True)
    child_id = Column(Integer, ForeignKey("child_protection_child.id"), nullable=False, index=True)
    child = relationship(CpChild, back_populates="assessments")
    assessed_on = Column(Date, nullable=False)
    health_risk = Column(String(6), nullable=False, default="low")
    health_note = Column(Text)
    education_risk = Column(String(6), nullable=False, default="low")
    education_note = Column(Text)
    family_risk = Column(String(6), nullable=False, default="low")
    family_note = Column(Text)
    housing_risk = Column(String(6), nullable=False, default="low")
    housing_note = Column(Text)
    income_risk = Column(String(6), nullable=False, default="low")
    income_note = Column(Text)
    safety_risk = Column(String(6), nullable=False, default="low")
    safety_note = Column(Text)

    def __repr__(self):
        return f"{self.assessed_on:%d.%m.%Y}" if self.assessed_on else ""


class CpPlanRule(Multilingual, Tracked, Model):
    """A rule that puts an activity into a generated plan when its condition holds (kept as data, edited by an
    administrator). The condition is one or two tests `field operator value` (RULE_FIELDS, RULE_OPERATORS),
    all of which must hold; the activity's title is the rule's name in three languages."""

    __tablename__ = "child_protection_plan_rule"

    id = Column(Integer, primary_key=True)
    code = Column(String(32), unique=True, nullable=False)
    plan = Column(String(6), nullable=False, default="child")
    field1 = Column(String(20), nullable=False)
    operator1 = Column(String(4), nullable=False, default="eq")
    value1 = Column(String(40), nullable=False)
    field2 = Column(String(20))
    operator2 = Column(String(4))
    value2 = Column(String(40))
    responsible = Column(String(20), nullable=False, default="social_protection")
    working_days = Column(Integer, nullable=False, default=10)
    active = Column(Boolean, nullable=False, default=True)


class CpActivity(_ThroughChild, Tracked, Model):
    """An activity of the child's plan or the family's work plan, with the responsible body and a deadline.
    `rule` marks an activity generated by a rule; `edited` one changed by hand (regeneration never touches it)."""

    __tablename__ = "child_protection_activity"
    __table_args__ = (UniqueConstraint("child_id", "rule_id", name="uq_cp_activity_rule"),)
    personal = True

    id = Column(Integer, primary_key=True)
    child_id = Column(Integer, ForeignKey("child_protection_child.id"), nullable=False, index=True)
    child = relationship(CpChild, back_populates="activities")
    plan = Column(String(6), nullable=False, default="child")
    title = Column(String(500), nullable=False)
    responsible = Column(String(20), nullable=False, default="social_protection")
    deadline = Column(Date, nullable=False, index=True)
    status = Column(String(12), nullable=False, default="planned")
    done_on = Column(Date)
    outcome = Column(Text)
    rule_id = Column(Integer, ForeignKey("child_protection_plan_rule.id"), index=True)
    rule = relationship(CpPlanRule)
    edited = Column(Boolean, nullable=False, default=False)

    def __repr__(self):
        return self.title or ""


class CpVisit(_ThroughChild, Tracked, Model):
    """A monitoring visit to the child and the family, with its outcome."""

    __tablename__ = "child_protection_visit"
    personal = True

    id = Column(Integer, primary_key=True)
    child_id = Column(Integer, ForeignKey("child_protection_child.id"), nullable=False, index=True)
    child = relationship(CpChild, back_populates="visits")
    visited_on = Column(Date, nullable=False)
    outcome = Column(String(12), nullable=False, default="unchanged")
    note = Column(Text)

    def __repr__(self):
        return f"{self.visited_on:%d.%m.%Y}" if self.visited_on else ""
