"""AIS on children and families in difficult life situations (автоматизированная информационная система по учёту
детей и семей, находящихся в трудной жизненной ситуации).

Legal basis: Regulation of the Cabinet of Ministers of the Kyrgyz Republic of 22 March 2023 No. 156 (identification,
registration and case management of children and families in difficult life situations: the child's data, the
comprehensive assessment, the individual child-protection plan and the family work plan, monitoring, closure);
the Children's Code of the Kyrgyz Republic (10 July 2012 No. 100). A child's record is the child's case: its status
moves through the lifecycle by the services only (app/services/child_protection.py)."""
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint, \
    event, select
from sqlalchemy.orm import relationship

from models.base import Multilingual, TerritoryScoped, Tracked, parent_scope_territory_id, Versioned
from models.dictionary import Dataset, F, Layout, Legal, classifier
from models.extensible import Extensible
from models.types import UTCDateTime
from models.workflow import StatusHistory, history_fields
from models.household_book import SEXES  # noqa: F401  (one classifier of sexes: the codes of the PIN layout)

STATUSES = {
    "identified": _l("Identified"), "assessment": _l("Assessment"), "plan": _l("Plan"),
    "activities": _l("Activities"), "monitoring": _l("Monitoring"),
    "closed": _l("Closed: out of the difficult situation"),
    "suspended": _l("Suspended"), "reopened": _l("Reopened"),
}
#: grounds of suspending a case (cl. 20): the case worker names one when asking for the suspension
SUSPENSION_GROUNDS = classifier("cp_suspension_ground", _l("Grounds of suspending a case"), {
    "no_need_now": _l("No assessment or activity is needed at present"),
    "moved_away": _l("The child's family moved out of the territory"),
    "institution": _l("The child was placed in a residential institution"),
    "abroad": _l("The child left the country for a time"),
    "not_reachable": _l("The family cannot be reached"),
    "other": _l("Another ground (explained in the note)"),
}, module="child_protection")
LEGAL_STATUSES = classifier("child_legal_status", _l("Legal statuses of children"), {
    "parental_care": _l("In the care of parents"), "guardianship": _l("Under guardianship or trusteeship"),
    "orphan": _l("Orphan"), "without_care": _l("Left without parental care"),
    "institution": _l("In a residential institution"), "unknown": _l("Not established"),
}, module="child_protection")
RELATIONS = classifier("child_relative", _l("Relatives of a child"), {
    "mother": _l("Mother"), "father": _l("Father"), "grandparent": _l("Grandparent"),
    "sibling": _l("Brother or sister"), "aunt_uncle": _l("Aunt or uncle"), "guardian": _l("Guardian"),
    "other_relative": _l("Other relative"),
}, module="child_protection")
RISKS = classifier("risk_level", _l("Risk levels"), {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")},
                   module="child_protection", open=False, system=("low", "medium", "high"))
#: domains of the comprehensive assessment (Regulation No. 156: needs of the child and the family)
DOMAINS = {
    "health": _l("Health"), "education": _l("Education"), "family": _l("Family environment"),
    "housing": _l("Housing"), "income": _l("Income"), "safety": _l("Safety"),
}
PLANS = classifier("cp_plan", _l("Plans of a case"), {
    "child": _l("Individual child-protection plan"), "family": _l("Family work plan")}, module="child_protection",
    open=False, system=("child", "family"))
ACTIVITY_STATUSES = {"planned": _l("Planned"), "in_progress": _l("In progress"), "done": _l("Done"),
                     "cancelled": _l("Cancelled")}
BODIES = classifier("responsible_body", _l("Responsible bodies"), {
    "social_protection": _l("Social protection body"), "health": _l("Health care organisation"),
    "education": _l("Education organisation"), "lsg": _l("Local self-government body"),
    "police": _l("Internal affairs body"), "registry": _l("Civil registry body"),
    "child_protection": _l("Child protection body"), "ngo": _l("Non-governmental organisation"),
}, module="child_protection")
VISIT_OUTCOMES = classifier("visit_outcome", _l("Outcomes of monitoring visits"), {
    "improved": _l("Situation improved"), "unchanged": _l("No change"), "worse": _l("Situation worsened"),
    "not_found": _l("Family not found at the address")}, module="child_protection")
#: fields a plan rule may test (a safe structured condition: no code is ever evaluated)
RULE_FIELDS = classifier("cp_rule_field", _l("Fields tested by plan rules"), {
    "disability": _l("Child has a disability"), "survivor_pension": _l("Receives a survivor's pension"),
    "monthly_benefit": _l("Receives the monthly social benefit"), "fixed_housing": _l("Has fixed housing"),
    "migrant_parents": _l("Child of migrant parents"), "pin_unknown": _l("PIN unknown"),
    "legal_status": _l("Legal status"), "age": _l("Age (years)"), "reason": _l("Reason (code)"),
    **{f"{d}_risk": _l("Risk: %(domain)s", domain=label) for d, label in DOMAINS.items()},
}, module="child_protection", open=False)
RULE_OPERATORS = classifier("cp_rule_operator", _l("Operators of plan rules"), {
    "eq": _l("equals"), "ne": _l("does not equal"), "gte": _l("at least"), "lte": _l("at most"),
    "has": _l("includes")}, module="child_protection", open=False, system=("eq", "ne", "gte", "lte", "has"))
CP = Legal("cabinet_156")
CP_RETENTION = _l("Personal data are kept until the child turns %(value)s, then removed; what statistics use stays.")
CP_CHILD = dict(retention_parameter="child_protection.retention_age")


class CpReason(Multilingual, Versioned, Tracked, Model):
    """A reason for the difficult life situation (editable classifier; several per case)."""

    __tablename__ = "child_protection_reason"
    __dataset__ = Dataset(_l("Reasons for the difficult situation"), _l("Reason for the difficult situation"),
                          _l("Classifier of the reasons for a difficult life situation (several per case)."), CP,
                          reference=True,
        layout=Layout(
            list=("code", "name", "active"),
            search=("code", "name_ky", "name_ru", "name_en", "active"),
            form=("code", "name_ky", "name_ru", "name_en", "active"),
            show=("code", "name_ky", "name_ru", "name_en", "active", "changed_by", "changed_on")))

    id = Column(Integer, primary_key=True)
    code = Column(String(32), unique=True, nullable=False)
    active = Column(Boolean, nullable=False, default=True)


child_reason = Table(
    "child_protection_child_reason", Model.metadata,
    Column("child_id", Integer, ForeignKey("child_protection_child.id"), primary_key=True),
    Column("reason_id", Integer, ForeignKey("child_protection_reason.id"), primary_key=True),
)


class CpFamily(Extensible, TerritoryScoped, Versioned, Tracked, Model):
    """A family in a difficult life situation: links its children (child records) and adults (relatives)."""

    __tablename__ = "child_protection_family"
    __dataset__ = Dataset(
        _l("Families in difficult life situations"), _l("Family in a difficult life situation"),
        _l("Families in difficult life situations: they link the child records and the adults of a family."), CP,
        personal="special", extensible=True, **CP_CHILD,
        fields={"name": F(_l("Family"), _l("E.g. the family name of the parents or the guardian.")),
                "address": _l("Address"), "adults": _l("Adults (parents and relatives of the children)"),
                "anonymised_on": F(_l("Anonymised on"), personal="none"), "children": _l("Children")},
        layout=Layout(
            list=("name", "territory", "address"),
            search=("name", "territory", "address"),
            form=("territory", "name", "address", "note"),
            show=("name", "territory", "address", "adults", "note", "anonymised_on", "created_by", "created_on")))
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


class CpChild(Extensible, TerritoryScoped, Versioned, Tracked, Model):
    """A child identified as being in a difficult life situation, and the child's case. `territory` is the place
    of identification (Regulation No. 156: date and place of identification)."""

    __tablename__ = "child_protection_child"
    __dataset__ = Dataset(
        _l("Children in difficult life situations"), _l("Child in a difficult life situation"),
        _l("Children identified as being in a difficult life situation and their cases: identification, "
           "circumstances, legal status, reasons and the status of the case."), CP, personal="special",
        extensible=True, **CP_CHILD,
        fields={
            "last_name": _l("Last name"), "first_name": _l("First name"), "patronymic": _l("Patronymic"),
            "full_name": _l("Full name"), "sex": F(_l("Sex"), classifier="sex"), "birth_date": _l("Date of birth"),
            "pin": F(_l("PIN"), _l("14 digits: 1 (female) or 2 (male), the date of birth DDMMYYYY, a serial. Leave empty "
                                   "when unknown: the record is then flagged \"PIN unknown\".")),
            "pin_unknown": _l("PIN unknown"), "identified_on": _l("Date of identification"),
            "territory": F(_l("Place of identification"), _l("The village, aiyl aimak or town where the child was "
                                                             "identified.")),
            "identification_address": _l("Address where identified"), "residence_address": _l("Place of residence"),
            "family": _l("Family"), "disability": _l("Disability"), "survivor_pension": _l("Survivor's pension"),
            "monthly_benefit": _l("Monthly social benefit"), "fixed_housing": _l("Fixed housing"),
            "property_inventory": _l("Inventory of other property"),
            "legal_status": F(_l("Legal status"), classifier="child_legal_status"),
            "migrant_parents": _l("Child of migrant parents"), "other_needs": _l("Other needs"),
            "status": F(_l("Case status"), states=STATUSES), "anonymised_on": F(_l("Anonymised on"), personal="none"),
            "suspension_ground": F(_l("Ground of suspension"), classifier="cp_suspension_ground", personal="none",
                                   legal=Legal("cabinet_156", _l("cl. 20"))),
            "suspension_requested_at": F(_l("Suspension requested at"), _l("Waiting for the agreement of the "
                                                                           "territorial unit's responsible "
                                                                           "person."), personal="none"),
            "suspension_requested_by": F(_l("Suspension requested by"), personal="none"),
            "suspension_requested_by_fk": F(_l("Suspension requested by"), personal="none"),
            "info_received_on": F(_l("Information received on"), _l("When the information in the last change of "
                                                                    "the child's data was received (cl. 20)."),
                                  personal="none", legal=Legal("cabinet_156", _l("cl. 20"))),
            "reasons": F(_l("Reasons for the difficult situation"), _l("One or several reasons of the classifier.")),
            "relatives": _l("Parents and relatives"), "assessments": _l("Assessments"),
            "activities": _l("Activities"), "visits": _l("Monitoring visits"), "transitions": _l("Case history"),
            "latest_assessment": _l("Latest assessment")},
        layout=Layout(
            list=("full_name", "sex", "birth_date", "territory", "identified_on", "status", "disability",
                  "migrant_parents"),
            search=("full_name", "pin", "sex", "birth_date", "territory", "identified_on", "status", "legal_status",
                    "disability", "migrant_parents", "pin_unknown", "reasons", "family"),
            form=("territory", "identified_on", "identification_address", "last_name", "first_name", "patronymic",
                  "sex", "birth_date", "pin", "residence_address", "family", "reasons", "legal_status", "disability",
                  "survivor_pension", "monthly_benefit", "fixed_housing", "property_inventory", "migrant_parents",
                  "other_needs"),
            edit=("identification_address", "last_name", "first_name", "patronymic", "sex", "birth_date", "pin",
                  "residence_address", "family", "reasons", "legal_status", "disability", "survivor_pension",
                  "monthly_benefit", "fixed_housing", "property_inventory", "migrant_parents", "other_needs",
                  "info_received_on")))
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
    # suspension by agreement (cl. 20): the case worker asks with a ground, a second person agrees or refuses
    suspension_ground = Column(String(20))
    suspension_requested_at = Column(UTCDateTime)
    suspension_requested_by_fk = Column(Integer, ForeignKey("ab_user.id"))
    suspension_requested_by = relationship("User", foreign_keys=[suspension_requested_by_fk],
                                           enable_typechecks=False)
    info_received_on = Column(Date)

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
        return parent_scope_territory_id(self, "child")


class CpRelative(_ThroughChild, Versioned, Tracked, Model):
    """A parent or close relative of the child: present or not; linked to the household-book person of the same
    PIN where one exists."""

    __tablename__ = "child_protection_relative"
    __dataset__ = Dataset(
        _l("Parents and relatives of children"), _l("Parent or relative"),
        _l("Parents and close relatives of the children, present or not, linked to the household book where the "
           "PIN is known."), CP, personal="special", **CP_CHILD,
        fields={"child": _l("Child"), "relation": F(_l("Relation to the child"), classifier="child_relative"),
                "present": _l("Present (lives with the child)"), "last_name": _l("Last name"), "first_name": _l("First name"),
                "patronymic": _l("Patronymic"),
                "pin": F(_l("PIN"), _l("When the PIN is known the relative is linked to the person of the household "
                                       "book with the same PIN.")),
                "full_name": _l("Full name"), "household_member": _l("Person in the household book")},
        layout=Layout(
            list=("relation", "full_name", "pin", "present", "household_member", "child"),
            search=("relation", "present", "last_name", "pin"),
            form=("child", "relation", "present", "last_name", "first_name", "patronymic", "pin", "note"),
            edit=("relation", "present", "last_name", "first_name", "patronymic", "pin", "note"),
            show=("child", "relation", "present", "last_name", "first_name", "patronymic", "pin", "household_member",
                  "note", "created_by", "created_on")))
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


class CpTransition(_ThroughChild, StatusHistory, Tracked, Model):
    """One step of a case (app/workflow.py's StatusHistory: when, from → to, who, the note saying why). Written only
    by the services, never edited."""

    __tablename__ = "child_protection_transition"
    __history_parent__ = "child"
    __dataset__ = Dataset(
        _l("Case history"), _l("Status change"),
        _l("Each step of a case: who, when, from which status to which and why."), CP, personal="special", **CP_CHILD,
        fields={"child": _l("Child"), **history_fields("cp_suspension_ground"), "note": _l("Why")},
        layout=Layout(
            list=("at", "child", "from_status", "to_status", "reason", "note", "created_by"),
            search=("at", "to_status"),
            show=("child", "at", "from_status", "to_status", "reason", "note", "created_by")))

    id = Column(Integer, primary_key=True)
    child_id = Column(Integer, ForeignKey("child_protection_child.id"), nullable=False, index=True)
    child = relationship(CpChild, back_populates="transitions")

    def __repr__(self):
        return f"{STATUSES.get(self.from_status, self.from_status or '—')} → {STATUSES.get(self.to_status)}"


class CpAssessment(_ThroughChild, Versioned, Tracked, Model):
    """The comprehensive assessment of the child's and the family's needs: a risk level and findings per domain."""

    __tablename__ = "child_protection_assessment"
    __dataset__ = Dataset(
        _l("Assessments"), _l("Assessment"),
        _l("Comprehensive assessments of the needs of a child and the family: a risk level and findings per "
           "domain."), CP, personal="special", **CP_CHILD,
        fields={"child": _l("Child"), "assessed_on": _l("Date of the assessment"),
                **{f"{d}_risk": F(_l("%(domain)s: risk", domain=label), classifier="risk_level")
                   for d, label in DOMAINS.items()},
                **{f"{d}_note": _l("%(domain)s: findings", domain=label) for d, label in DOMAINS.items()}},
        # one risk and one findings field per domain, in the order of DOMAINS
        layout=Layout(
            list=("assessed_on", "child", *(f"{d}_risk" for d in DOMAINS)),
            search=("assessed_on", *(f"{d}_risk" for d in DOMAINS)),
            form=("child", "assessed_on", *(f for d in DOMAINS for f in (f"{d}_risk", f"{d}_note"))),
            edit=("assessed_on", *(f for d in DOMAINS for f in (f"{d}_risk", f"{d}_note")))))
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


class CpPlanRule(Multilingual, Versioned, Tracked, Model):
    """A rule that puts an activity into a generated plan when its condition holds (kept as data, edited by an
    administrator). The condition is one or two tests `field operator value` (RULE_FIELDS, RULE_OPERATORS),
    all of which must hold; the activity's title is the rule's name in three languages."""

    __tablename__ = "child_protection_plan_rule"
    __dataset__ = Dataset(
        _l("Rules of the child-protection plans"), _l("Plan rule"),
        _l("Rules that put an activity into a generated plan when their condition holds."), CP, reference=True,
        fields={"plan": F(_l("Plan"), classifier="cp_plan"), "field1": F(_l("Field"), classifier="cp_rule_field"),
                "operator1": F(_l("Operator"), classifier="cp_rule_operator"),
                "value1": F(_l("Value"), _l("For yes/no fields: true or false; for risks: low, medium or high; for "
                                            "a reason: its code.")),
                "field2": F(_l("And field"), classifier="cp_rule_field"),
                "operator2": F(_l("Operator"), classifier="cp_rule_operator"), "value2": _l("Value"),
                "name": _l("Activity"), "name_ky": _l("Activity (Kyrgyz)"), "name_ru": _l("Activity (Russian)"),
                "name_en": _l("Activity (English)"),
                "responsible": F(_l("Responsible body"), classifier="responsible_body"),
                "working_days": F(_l("Deadline, working days"), _l("Counted from the day the plan is generated, on "
                                                                   "the Kyrgyz working-day calendar."))},
        layout=Layout(
            list=("code", "plan", "field1", "operator1", "value1", "field2", "operator2", "value2", "name",
                  "responsible", "working_days", "active"),
            search=("code", "plan", "field1", "responsible", "active"),
            form=("code", "plan", "field1", "operator1", "value1", "field2", "operator2", "value2", "name_ky",
                  "name_ru", "name_en", "responsible", "working_days", "active"),
            show=("code", "plan", "field1", "operator1", "value1", "field2", "operator2", "value2", "name_ky",
                  "name_ru", "name_en", "responsible", "working_days", "active", "changed_by", "changed_on")))

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


class CpActivity(_ThroughChild, Versioned, Tracked, Model):
    """An activity of the child's plan or the family's work plan, with the responsible body and a deadline.
    `rule` marks an activity generated by a rule; `edited` one changed by hand (regeneration never touches it)."""

    __tablename__ = "child_protection_activity"
    __table_args__ = (UniqueConstraint("child_id", "rule_id", name="uq_cp_activity_rule"),)
    __dataset__ = Dataset(
        _l("Activities of the plans"), _l("Activity"),
        _l("Activities of the child-protection and family work plans with the responsible body and the deadline."),
        CP, personal="special", **CP_CHILD,
        fields={"child": _l("Child"), "plan": F(_l("Plan"), classifier="cp_plan"), "title": _l("Activity"),
                "responsible": F(_l("Responsible body"), classifier="responsible_body"),
                "deadline": _l("Deadline"), "status": F(_l("Status"), states=ACTIVITY_STATUSES),
                "done_on": _l("Done on"),
                "outcome": _l("Outcome"), "rule": _l("Generated by the rule"), "edited": _l("Changed by hand"),
                "title_shown": F(_l("Activity"), _l("A generated activity reads in the reader's language (the "
                                                    "rule's name); one changed by hand as it was written."))},
        layout=Layout(
            list=("deadline", "title_shown", "plan", "responsible", "status", "child"),
            search=("deadline", "plan", "responsible", "status", "title"),
            form=("child", "plan", "title", "responsible", "deadline", "status"),
            edit=("title", "responsible", "deadline", "status", "done_on", "outcome"),
            show=("child", "plan", "title_shown", "responsible", "deadline", "status", "done_on", "outcome", "rule",
                  "edited", "created_by", "created_on", "changed_by", "changed_on")))
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

    @property
    def title_shown(self):
        """The rule's text in the reader's language while the activity is as generated (issue 13, item 6: it was
        stored in the language of whoever pressed "Generate"); the stored title once edited by hand."""
        if self.rule is not None and not self.edited:
            return self.rule.name or self.title
        return self.title

    def __repr__(self):
        return self.title_shown or ""


class CpVisit(_ThroughChild, Versioned, Tracked, Model):
    """A monitoring visit to the child and the family, with its outcome."""

    __tablename__ = "child_protection_visit"
    __dataset__ = Dataset(
        _l("Monitoring visits"), _l("Monitoring visit"),
        _l("Monitoring visits to the child and the family, with their outcome."), CP, personal="special",
        **CP_CHILD,
        fields={"child": _l("Child"), "visited_on": _l("Date of the visit"),
                "outcome": F(_l("Outcome"), classifier="visit_outcome")},
        layout=Layout(
            list=("visited_on", "child", "outcome", "note", "created_by"),
            search=("visited_on", "outcome"),
            form=("child", "visited_on", "outcome", "note"),
            edit=("visited_on", "outcome", "note"),
            show=("child", "visited_on", "outcome", "note", "created_by", "created_on")))
    personal = True

    id = Column(Integer, primary_key=True)
    child_id = Column(Integer, ForeignKey("child_protection_child.id"), nullable=False, index=True)
    child = relationship(CpChild, back_populates="visits")
    visited_on = Column(Date, nullable=False)
    outcome = Column(String(12), nullable=False, default="unchanged")
    note = Column(Text)

    def __repr__(self):
        return f"{self.visited_on:%d.%m.%Y}" if self.visited_on else ""
