"""One-stop public service centre (issue 12): the service catalogue, offices and their staff, applications by
stages with their checklists, scans and interagency requests, the distribution of work, notifications to
applicants, the electronic queue (windows, tickets with their raw events, appointments), ratings and complaints.

Legal basis: the regulation on the automated system of multifunctional public service centres (resolution No. 296
of 2015, clauses 1.5–1.6 and 2–4), adapted to the Kyrgyz public service centres. The rules live in
app/services/service_centre*.py.

Scoping: by office. An office lies in a territory, so a territorial user sees the offices of their territory and
everything of those offices; a user bound to one office (`SanaripUser.scope_office_id`) sees that office's rows
only (app/scope.py, the office part of the scope); a partner-organisation user (`scope_organisation_id`: the
agency that provides the service) sees the applications routed to it and the interagency requests sent to it.
The catalogue (groups, services, their documents and stages) is reference data for every office."""
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, Column, Date, ForeignKey, Index, Integer, Numeric, String, Table, \
    Text, Time, UniqueConstraint, select
from sqlalchemy.orm import relationship

from models.base import Multilingual, StoredDocument, Tracked, Versioned, related_now
from models.dictionary import Dataset, F, Layout, Legal, classifier
from models.types import UTCDateTime
from models.workflow import StatusHistory, history_fields

MODULE = "service_centre"


def MFC(clause=None):
    return Legal("mfc_regulation", clause)


RETENTION = _l("Kept for five years after the application is completed (the centre's archive); queue events for "
               "the statistics of the same period.")

APPLICANT_KINDS = {"person": _l("Person (PIN)"), "organisation": _l("Organisation (INN)")}
APPLICANT_CATEGORIES = classifier("sc_applicant_category", _l("Categories of applicants of public services"), {
    "citizen": _l("Citizens of the Kyrgyz Republic"), "foreigner": _l("Foreign citizens and stateless persons"),
    "entrepreneur": _l("Individual entrepreneurs"), "legal_entity": _l("Legal entities"),
}, module=MODULE)
STAGES = {"agency": _l("Processing by the agency"), "interagency": _l("Interagency request"),
          "handover": _l("Handing over the result")}
APPLICATION_STATES = {
    "intake": _l("Documents being checked"), "received": _l("Received at the centre"), "sent": _l("Sent to the agency"),
    "result_received": _l("Result received"), "handed_over": _l("Handed over"),
    "refused": _l("Refused by the agency"), "refused_intake": _l("Refused at intake"),
}
INTERAGENCY_CHANNELS = {"tunduk": _l("Tunduk (electronic interaction)"), "email": _l("E-mail"),
                        "paper": _l("On paper")}
INTERAGENCY_STATES = {"pending": _l("Awaiting the answer"), "answered": _l("Answered")}
STAFF_ROLES = {"operator": _l("Centre operator"), "back_office": _l("Back-office specialist"),
               "head": _l("Office head")}
ABSENCE_KINDS = {"absent": _l("Absent"), "leave": _l("On leave"), "sick": _l("Sick leave"),
                 "training": _l("Training or business trip")}
ASSIGNMENT_METHODS = {"round_robin": _l("Round robin"), "least_open": _l("Least open work"),
                      "skill": _l("By skill, then least open work")}
REFUSAL_REASONS = classifier("sc_refusal_reason", _l("Grounds of refusal to accept documents"), {
    "incomplete": _l("Incomplete set of documents"), "invalid": _l("Documents invalid or expired"),
    "not_competent": _l("The service is not provided by this centre"),
    "no_authority": _l("The representative's authority is not confirmed"),
}, module=MODULE)
TICKET_STATES = {"waiting": _l("Waiting"), "called": _l("Called"), "serving": _l("Being served"),
                 "done": _l("Served"), "no_show": _l("Did not come"), "cancelled": _l("Cancelled")}
TICKET_EVENTS = {"issued": _l("Issued"), "called": _l("Called"), "recalled": _l("Called again"),
                 "started": _l("Service started"), "ended": _l("Service ended"), "no_show": _l("Did not come"),
                 "transferred": _l("Transferred"), "rated": _l("Rated"), "cancelled": _l("Cancelled")}
PRIORITIES = classifier("sc_priority", _l("Priority categories of the queue"), {
    "none": _l("General queue"), "disability": _l("Persons with disabilities"),
    "veteran": _l("War and labour veterans"), "pregnant": _l("Pregnant women and parents with infants"),
    "elderly": _l("Persons over 70"),
}, module=MODULE, open=False, system=("none", "disability", "veteran", "pregnant", "elderly"))
APPOINTMENT_STATES = {"booked": _l("Booked"), "checked_in": _l("Checked in"), "cancelled": _l("Cancelled"),
                      "missed": _l("Missed")}
NOTIFICATION_EVENTS = {"received": _l("Application received"), "ready": _l("Result ready"),
                       "refused": _l("Refused"), "escalation": _l("Overdue stage escalated"),
                       "unassigned": _l("Nobody to assign the application to")}
NOTIFICATION_STATES = {"queued": _l("Queued"), "sent": _l("Sent"), "failed": _l("Failed")}
COMPLAINT_STATES = {"received": _l("Complaint received"), "reviewing": _l("Under review"),
                    "upheld": _l("Upheld"), "rejected": _l("Rejected")}
LANGUAGES = {"ky": _l("Kyrgyz"), "ru": _l("Russian"), "en": _l("English")}


class _OfOffice:
    """A row of an office (`office_id`): in the territory of its office, and of that office for an office user."""

    @classmethod
    def scope_condition(cls, territory_ids):
        return cls.office_id.in_(select(ScOffice.id).where(ScOffice.territory_id.in_(territory_ids)))

    def scope_territory_id(self):
        office = related_now(self, "office")
        return office.territory_id if office is not None else None

    @classmethod
    def office_scope_condition(cls, office_id):
        return cls.office_id == office_id

    def scope_office_id(self):
        office = related_now(self, "office")
        return office.id if office is not None else None


class _OfApplication:
    """A row of an application: scoped as the application is (office, territory, the partner agency)."""

    @classmethod
    def scope_condition(cls, territory_ids):
        return cls.application_id.in_(select(ScApplication.id).where(ScApplication.scope_condition(territory_ids)))

    def scope_territory_id(self):
        application = related_now(self, "application")
        return application.scope_territory_id() if application is not None else None

    @classmethod
    def office_scope_condition(cls, office_id):
        return cls.application_id.in_(select(ScApplication.id).where(ScApplication.office_id == office_id))

    def scope_office_id(self):
        application = related_now(self, "application")
        return application.scope_office_id() if application is not None else None

    @classmethod
    def organisation_scope_condition(cls, organisation_id):
        return cls.application_id.in_(select(ScApplication.id).where(
            ScApplication.organisation_scope_condition(organisation_id)))

    def scope_organisation_id(self):
        application = related_now(self, "application")
        return application.scope_organisation_id() if application is not None else None


# --- offices and the catalogue ------------------------------------------------------------------------------------
sc_service_office = Table(
    "sc_service_office", Model.metadata,
    Column("service_id", Integer, ForeignKey("sc_service.id", ondelete="CASCADE"), primary_key=True),
    Column("office_id", Integer, ForeignKey("sc_office.id", ondelete="CASCADE"), primary_key=True, index=True))
sc_staff_skill = Table(
    "sc_staff_skill", Model.metadata,
    Column("staff_id", Integer, ForeignKey("sc_staff.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", Integer, ForeignKey("sc_service.id", ondelete="CASCADE"), primary_key=True, index=True))
sc_window_service = Table(
    "sc_window_service", Model.metadata,
    Column("window_id", Integer, ForeignKey("sc_window.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", Integer, ForeignKey("sc_service.id", ondelete="CASCADE"), primary_key=True, index=True))


class ScOffice(Multilingual, Versioned, Tracked, Model):
    """A public service centre office: where it is, its hours, its head (who receives escalations)."""

    __tablename__ = "sc_office"
    __table_args__ = (UniqueConstraint("code", name="uq_sc_office_code"),)
    __dataset__ = Dataset(
        _l("Public service centre offices"), _l("Service centre office"),
        _l("The offices of the public service centre: code, names, address, territory, working hours and head."),
        MFC(_l("cl. 1.6(1)")), reference=True, retention=RETENTION,
        fields={"code": F(_l("Office code"), _l("Short code printed on tickets and receipts.")),
                "address": _l("Address"), "phone": _l("Phone"),
                "territory": F(_l("Territory"), _l("Where the office is (SOATE); users of this territory see it.")),
                "opens_at": _l("Opens at"), "closes_at": _l("Closes at"),
                "head": F(_l("Office head"), _l("Receives the alerts: unassigned applications, overdue stages.")),
                "head_id": _l("Office head"), "services": _l("Services offered"), "windows": _l("Windows"),
                "staff": _l("Staff"), "wait_norm_minutes": F(_l("Waiting norm, minutes"),
                                                           _l("The share of applicants served within this wait "
                                                              "is reported (15 minutes by default)."))},
        layout=Layout(
            list=("code", "name", "territory", "address", "opens_at", "closes_at", "head"),
            search=("code", "name_ru", "name_ky", "territory"),
            form=("code", "name_ky", "name_ru", "name_en", "territory", "address", "phone", "opens_at", "closes_at",
                  "wait_norm_minutes", "head"),
            show=("code", "name_ky", "name_ru", "name_en", "territory", "address", "phone", "opens_at", "closes_at",
                  "wait_norm_minutes", "head", "services", "windows", "created_on", "changed_on"),
            api=("id", "code", "name_ky", "name_ru", "name_en", "territory_id", "address", "phone", "opens_at",
                 "closes_at", "wait_norm_minutes")))

    id = Column(Integer, primary_key=True)
    code = Column(String(10), nullable=False)
    address = Column(String(255), nullable=False)
    phone = Column(String(50))
    territory_id = Column(Integer, ForeignKey("ref_territory.id"), nullable=False, index=True)
    territory = relationship("Territory", foreign_keys=[territory_id])
    opens_at = Column(Time, nullable=False)
    closes_at = Column(Time, nullable=False)
    wait_norm_minutes = Column(Integer, nullable=False, default=15, server_default="15")
    head_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    head = relationship("User", foreign_keys=[head_id], enable_typechecks=False)

    services = relationship("ScService", secondary=sc_service_office, back_populates="offices",
                            order_by="ScService.code")
    windows = relationship("ScWindow", back_populates="office", order_by="ScWindow.number")
    staff = relationship("ScStaff", back_populates="office", order_by="ScStaff.full_name")

    @classmethod
    def scope_condition(cls, territory_ids):
        return cls.territory_id.in_(territory_ids)

    def scope_territory_id(self):
        territory = related_now(self, "territory")
        return territory.id if territory is not None else None

    @classmethod
    def office_scope_condition(cls, office_id):
        return cls.id == office_id

    def scope_office_id(self):
        return self.id


class ScServiceGroup(Multilingual, Versioned, Tracked, Model):
    """A group of services (a tree); its ticket prefix starts the numbers of the queue's tickets."""

    __tablename__ = "sc_service_group"
    __table_args__ = (UniqueConstraint("ticket_prefix", name="uq_sc_service_group_prefix"),)
    __dataset__ = Dataset(
        _l("Groups of public services"), _l("Group of services"),
        _l("The tree of the service catalogue; each group has its letter for the queue's ticket numbers."),
        MFC(_l("cl. 1.6(3)")), reference=True, retention=RETENTION,
        fields={"parent": F(_l("Parent group"), _l("Empty for a top-level group.")), "parent_id": _l("Parent group"),
                "ticket_prefix": F(_l("Ticket prefix"), _l("One or two Latin letters, e.g. A: tickets A-001, A-002.")),
                "sort_order": _l("Order"), "children": _l("Subgroups"), "services": _l("Services")},
        layout=Layout(
            list=("name", "parent", "ticket_prefix", "sort_order"),
            search=("name_ru", "name_ky", "parent"),
            form=("name_ky", "name_ru", "name_en", "parent", "ticket_prefix", "sort_order"),
            show=("name_ky", "name_ru", "name_en", "parent", "ticket_prefix", "sort_order", "children", "services"),
            api=("id", "name_ky", "name_ru", "name_en", "parent_id", "ticket_prefix", "sort_order")))

    id = Column(Integer, primary_key=True)
    parent_id = Column(Integer, ForeignKey("sc_service_group.id"), index=True)
    parent = relationship("ScServiceGroup", remote_side=[id], back_populates="children")
    children = relationship("ScServiceGroup", back_populates="parent", order_by="ScServiceGroup.sort_order")
    ticket_prefix = Column(String(2), nullable=False)
    sort_order = Column(Integer, nullable=False, default=0, server_default="0")
    services = relationship("ScService", back_populates="group", order_by="ScService.code")

    def prefix(self):
        """The ticket prefix of the group or, for a subgroup without its own, of its ancestors."""
        return self.ticket_prefix


class ScService(Multilingual, Versioned, Tracked, Model):
    """A public service of the catalogue (cl. 1.6(3), (6), (10)): who provides it, on what basis, for whom, what
    it needs, what it costs and yields, how long each stage may take, and what staff and applicants should know."""

    __tablename__ = "sc_service"
    __table_args__ = (UniqueConstraint("code", name="uq_sc_service_code"),
                      CheckConstraint("total_days >= 0", name="ck_sc_service_total_days"))
    lookup_fields = ("code", "name_ru", "name_ky")
    __dataset__ = Dataset(
        _l("Catalogue of public services"), _l("Public service"),
        _l("Services the centre receives applications for: the providing agency, legal basis, applicant "
           "categories, documents, fee, result, term and stage norms in working days, knowledge base."),
        MFC(_l("cl. 1.6(3), 1.6(6), 1.6(10)")), reference=True, retention=RETENTION,
        fields={"code": F(_l("Service code")), "group": _l("Group"), "group_id": _l("Group"),
                "agency": F(_l("Providing agency"), _l("The state or LSG body that provides the service; its users "
                                                       "see the applications routed to it.")),
                "agency_id": _l("Providing agency"),
                "legal_basis": F(_l("Legal basis"), _l("The act that establishes the service.")),
                "applicant_categories": F(_l("Applicant categories"), classifier="sc_applicant_category"),
                "applicant_kind": F(_l("Who applies"), states={**APPLICANT_KINDS, "any": _l("Persons and "
                                                                                           "organisations")}),
                "fee": F(_l("Fee"), unit=_l("som")), "fee_note": _l("Fee details"),
                "result_ky": _l("Result (Kyrgyz)"), "result_ru": _l("Result (Russian)"),
                "result_en": _l("Result (English)"),
                "total_days": F(_l("Term, working days"), _l("The whole term from intake to the result ready for "
                                                             "handing over.")),
                "knowledge_ky": F(_l("Knowledge base (Kyrgyz)"), _l("What staff and applicants should know.")),
                "knowledge_ru": F(_l("Knowledge base (Russian)")), "knowledge_en": F(_l("Knowledge base (English)")),
                "slot_minutes": F(_l("Appointment slot, minutes"), _l("Empty: no pre-booking for this service.")),
                "slot_capacity": F(_l("Appointments per slot")), "active": _l("Offered"),
                "offices": _l("Offices offering it"), "documents": _l("Documents required"),
                "stages": _l("Stages and their norms")},
        layout=Layout(
            list=("code", "name", "group", "agency", "total_days", "fee", "active"),
            search=("code", "name_ru", "name_ky", "group", "agency", "active"),
            form=("code", "name_ky", "name_ru", "name_en", "group", "agency", "legal_basis", "applicant_kind",
                  "applicant_categories", "fee", "fee_note", "result_ky", "result_ru", "result_en", "total_days",
                  "knowledge_ky", "knowledge_ru", "knowledge_en", "slot_minutes", "slot_capacity", "active",
                  "offices"),
            show=("code", "name_ky", "name_ru", "name_en", "group", "agency", "legal_basis", "applicant_kind",
                  "applicant_categories", "fee", "fee_note", "result_ky", "result_ru", "result_en", "total_days",
                  "knowledge_ky", "knowledge_ru", "knowledge_en", "slot_minutes", "slot_capacity", "active",
                  "offices", "documents", "stages"),
            api=("id", "code", "name_ky", "name_ru", "name_en", "group_id", "agency_id", "legal_basis",
                 "applicant_kind", "applicant_categories", "fee", "total_days", "active")))

    id = Column(Integer, primary_key=True)
    code = Column(String(20), nullable=False)
    group_id = Column(Integer, ForeignKey("sc_service_group.id"), nullable=False, index=True)
    group = relationship(ScServiceGroup, back_populates="services")
    agency_id = Column(Integer, ForeignKey("egov_organisation.id"), nullable=False, index=True)
    agency = relationship("EgovOrganisation", foreign_keys=[agency_id])
    legal_basis = Column(String(500), nullable=False)
    applicant_kind = Column(String(12), nullable=False, default="person")
    applicant_categories = Column(String(100))  # classifier codes, comma-separated
    fee = Column(Numeric(12, 2), nullable=False, default=0)
    fee_note = Column(String(255))
    result_ky = Column(String(500))
    result_ru = Column(String(500), nullable=False)
    result_en = Column(String(500))
    total_days = Column(Integer, nullable=False)
    knowledge_ky = Column(Text)
    knowledge_ru = Column(Text)
    knowledge_en = Column(Text)
    slot_minutes = Column(Integer)
    slot_capacity = Column(Integer, nullable=False, default=1, server_default="1")
    active = Column(Boolean, nullable=False, default=True)

    offices = relationship(ScOffice, secondary=sc_service_office, back_populates="services")
    documents = relationship("ScServiceDocument", back_populates="service", order_by="ScServiceDocument.sort_order",
                             cascade="all, delete-orphan")
    stages = relationship("ScServiceStage", back_populates="service", order_by="ScServiceStage.id",
                          cascade="all, delete-orphan")

    @property
    def result(self):
        from app.i18n import localized_name

        return localized_name(self, "result")

    @property
    def knowledge(self):
        from app.i18n import localized_name

        return localized_name(self, "knowledge", mark_missing=False)

    def stage_norm(self, stage):
        for row in self.stages:
            if row.stage == stage:
                return row.norm_days
        return None

    def __repr__(self):
        return f"{self.code} {self.name or ''}".strip()


class ScServiceDocument(Multilingual, Versioned, Tracked, Model):
    """A document a service needs: presented by the applicant (original or copy) or requested by the centre
    itself from another body (an interagency request)."""

    __tablename__ = "sc_service_document"
    __dataset__ = Dataset(
        _l("Documents required for services"), _l("Required document"),
        _l("The documents of each service: which are originals, which the centre requests itself from other "
           "bodies."), MFC(_l("cl. 1.6(7), 1.6(8)")), reference=True, retention=RETENTION,
        fields={"service": _l("Service"), "service_id": _l("Service"),
                "original": F(_l("Original required"), _l("The applicant shows the original; the centre keeps a "
                                                          "copy.")),
                "requested_by_centre": F(_l("Requested by the centre"), _l("The centre obtains it from another body "
                                                                          "by an interagency request; the "
                                                                          "applicant need not bring it.")),
                "source_agency": F(_l("Body that holds it"), _l("Where the interagency request goes.")),
                "source_agency_id": _l("Body that holds it"),
                "optional": F(_l("Optional"), _l("Not required for a complete set.")), "sort_order": _l("Order")},
        layout=Layout(
            list=("sort_order", "name", "original", "requested_by_centre", "source_agency", "optional"),
            search=("service", "name_ru", "requested_by_centre"),
            form=("service", "name_ky", "name_ru", "name_en", "original", "requested_by_centre", "source_agency",
                  "optional", "sort_order"),
            show=("service", "name_ky", "name_ru", "name_en", "original", "requested_by_centre", "source_agency",
                  "optional", "sort_order"),
            api=("id", "service_id", "name_ky", "name_ru", "name_en", "original", "requested_by_centre",
                 "source_agency_id", "optional", "sort_order")))

    id = Column(Integer, primary_key=True)
    service_id = Column(Integer, ForeignKey("sc_service.id"), nullable=False, index=True)
    service = relationship(ScService, back_populates="documents")
    original = Column(Boolean, nullable=False, default=False)
    requested_by_centre = Column(Boolean, nullable=False, default=False)
    source_agency_id = Column(Integer, ForeignKey("egov_organisation.id"), index=True)
    source_agency = relationship("EgovOrganisation", foreign_keys=[source_agency_id])
    optional = Column(Boolean, nullable=False, default=False)
    sort_order = Column(Integer, nullable=False, default=0)


class ScServiceStage(Versioned, Tracked, Model):
    """The norm of one stage of a service in working days (the agency's processing, an interagency request's
    answer, handing over the result)."""

    __tablename__ = "sc_service_stage"
    __table_args__ = (UniqueConstraint("service_id", "stage", name="uq_sc_service_stage"),
                      CheckConstraint("norm_days >= 0", name="ck_sc_service_stage_norm"))
    __dataset__ = Dataset(
        _l("Stage norms of services"), _l("Stage norm"),
        _l("How many working days each stage of a service may take."), MFC(_l("cl. 1.6(9)")), reference=True,
        retention=RETENTION,
        fields={"service": _l("Service"), "service_id": _l("Service"), "stage": F(_l("Stage"), states=STAGES),
                "norm_days": F(_l("Norm, working days"))},
        layout=Layout(list=("stage", "norm_days"), search=("service", "stage"),
                      form=("service", "stage", "norm_days"), show=("service", "stage", "norm_days"),
                      api=("id", "service_id", "stage", "norm_days")))

    id = Column(Integer, primary_key=True)
    service_id = Column(Integer, ForeignKey("sc_service.id"), nullable=False, index=True)
    service = relationship(ScService, back_populates="stages")
    stage = Column(String(12), nullable=False)
    norm_days = Column(Integer, nullable=False)

    def __repr__(self):
        return str(STAGES.get(self.stage, self.stage))


# --- staff and the distribution of work ---------------------------------------------------------------------------
class ScStaff(_OfOffice, Versioned, Tracked, Model):
    """A member of an office's staff: their account, role and skills (the services they can handle)."""

    __tablename__ = "sc_staff"
    __table_args__ = (UniqueConstraint("office_id", "user_id", name="uq_sc_staff_user"),)
    personal = True
    __dataset__ = Dataset(
        _l("Staff of the offices"), _l("Staff member"),
        _l("Operators, back-office specialists and heads of the offices with their skills, shifts and absences."),
        MFC(_l("cl. 1.6(12)")), personal="personal", retention=RETENTION,
        fields={"office": F(_l("Office"), personal="none"), "office_id": _l("Office"), "user": _l("Account"),
                "user_id": _l("Account"), "full_name": _l("Full name"), "position": _l("Position"),
                "role": F(_l("Role in the office"), states=STAFF_ROLES, personal="none"),
                "skills": F(_l("Skills"), _l("The services this person can handle; automatic distribution by "
                                             "skill gives them only these."), personal="none"),
                "active": F(_l("Works in the office"), personal="none"), "shifts": _l("Shifts"),
                "absences": _l("Absences")},
        layout=Layout(
            list=("full_name", "position", "role", "office", "active"),
            search=("full_name", "office", "role", "active"),
            form=("office", "user", "full_name", "position", "role", "skills", "active"),
            show=("office", "user", "full_name", "position", "role", "skills", "active", "shifts", "absences"),
            api=("id", "office_id", "user_id", "full_name", "position", "role", "active")))

    id = Column(Integer, primary_key=True)
    office_id = Column(Integer, ForeignKey("sc_office.id"), nullable=False, index=True)
    office = relationship(ScOffice, back_populates="staff")
    user_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    user = relationship("User", foreign_keys=[user_id], enable_typechecks=False)
    full_name = Column(String(255), nullable=False)
    position = Column(String(255))
    role = Column(String(12), nullable=False, default="operator")
    active = Column(Boolean, nullable=False, default=True)
    skills = relationship(ScService, secondary=sc_staff_skill, order_by=ScService.code)
    shifts = relationship("ScShift", back_populates="staff", order_by="(ScShift.weekday, ScShift.starts_at)",
                          cascade="all, delete-orphan")
    absences = relationship("ScAbsence", back_populates="staff", order_by="ScAbsence.starts_on.desc()",
                            cascade="all, delete-orphan")

    def __repr__(self):
        return self.full_name or ""


class _OfStaff:
    @classmethod
    def scope_condition(cls, territory_ids):
        return cls.staff_id.in_(select(ScStaff.id).where(ScStaff.scope_condition(territory_ids)))

    def scope_territory_id(self):
        staff = related_now(self, "staff")
        return staff.scope_territory_id() if staff is not None else None

    @classmethod
    def office_scope_condition(cls, office_id):
        return cls.staff_id.in_(select(ScStaff.id).where(ScStaff.office_id == office_id))

    def scope_office_id(self):
        staff = related_now(self, "staff")
        return staff.scope_office_id() if staff is not None else None


WEEKDAYS = {0: _l("Monday"), 1: _l("Tuesday"), 2: _l("Wednesday"), 3: _l("Thursday"), 4: _l("Friday"),
            5: _l("Saturday"), 6: _l("Sunday")}


class ScShift(_OfStaff, Versioned, Tracked, Model):
    """A weekly shift of a staff member: the hours they work on a weekday (local time of the office)."""

    __tablename__ = "sc_shift"
    __table_args__ = (CheckConstraint("starts_at < ends_at", name="ck_sc_shift_hours"),
                      CheckConstraint("weekday BETWEEN 0 AND 6", name="ck_sc_shift_weekday"))
    __dataset__ = Dataset(
        _l("Shifts of staff"), _l("Shift"), _l("Weekly working hours of each staff member; outside them nobody is "
                                               "given work automatically."), MFC(_l("cl. 1.6(12)")),
        retention=RETENTION,
        fields={"staff": _l("Staff member"), "staff_id": _l("Staff member"),
                "weekday": F(_l("Weekday"), states=WEEKDAYS), "starts_at": _l("From"), "ends_at": _l("To")},
        layout=Layout(list=("staff", "weekday", "starts_at", "ends_at"), search=("staff", "weekday"),
                      form=("staff", "weekday", "starts_at", "ends_at"), edit=("weekday", "starts_at", "ends_at"),
                      show=("staff", "weekday", "starts_at", "ends_at")))

    id = Column(Integer, primary_key=True)
    staff_id = Column(Integer, ForeignKey("sc_staff.id"), nullable=False, index=True)
    staff = relationship(ScStaff, back_populates="shifts")
    weekday = Column(Integer, nullable=False)
    starts_at = Column(Time, nullable=False)
    ends_at = Column(Time, nullable=False)


class ScAbsence(_OfStaff, Versioned, Tracked, Model):
    """A period a staff member is away (absent, on leave, sick, training): no work is given to them."""

    __tablename__ = "sc_absence"
    __table_args__ = (CheckConstraint("starts_on <= ends_on", name="ck_sc_absence_period"),)
    __dataset__ = Dataset(
        _l("Absences of staff"), _l("Absence"), _l("Leave, sick leave and other absences of staff members."),
        MFC(_l("cl. 1.6(12)")), retention=RETENTION,
        fields={"staff": _l("Staff member"), "staff_id": _l("Staff member"),
                "kind": F(_l("Kind of absence"), states=ABSENCE_KINDS), "starts_on": _l("From"),
                "ends_on": _l("To (inclusive)"), "note": _l("Note")},
        layout=Layout(list=("staff", "kind", "starts_on", "ends_on", "note"), search=("staff", "kind", "starts_on"),
                      form=("staff", "kind", "starts_on", "ends_on", "note"),
                      show=("staff", "kind", "starts_on", "ends_on", "note")))

    id = Column(Integer, primary_key=True)
    staff_id = Column(Integer, ForeignKey("sc_staff.id"), nullable=False, index=True)
    staff = relationship(ScStaff, back_populates="absences")
    kind = Column(String(10), nullable=False, default="leave")
    starts_on = Column(Date, nullable=False)
    ends_on = Column(Date, nullable=False)
    note = Column(String(255))


class ScAssignmentRule(_OfOffice, Versioned, Tracked, Model):
    """How an office distributes new applications: per service, or for every service (empty service)."""

    __tablename__ = "sc_assignment_rule"
    __table_args__ = (UniqueConstraint("office_id", "service_id", name="uq_sc_assignment_rule"),)
    __dataset__ = Dataset(
        _l("Rules of distribution of work"), _l("Distribution rule"),
        _l("Per office and service: round robin, least open work or by skill; the staff who are absent, on leave "
           "or off shift are skipped."), MFC(_l("cl. 1.6(12)")), retention=RETENTION,
        fields={"office": _l("Office"), "office_id": _l("Office"),
                "service": F(_l("Service"), _l("Empty: every service of the office without its own rule.")),
                "service_id": _l("Service"), "method": F(_l("Method"), states=ASSIGNMENT_METHODS),
                "role": F(_l("Given to"), states=STAFF_ROLES), "active": _l("In force"),
                "last_staff": F(_l("Last given to"), _l("Where the round robin continues.")),
                "last_staff_id": _l("Last given to")},
        layout=Layout(list=("office", "service", "method", "role", "active"), search=("office", "service", "method"),
                      form=("office", "service", "method", "role", "active"),
                      show=("office", "service", "method", "role", "active", "last_staff")))

    id = Column(Integer, primary_key=True)
    office_id = Column(Integer, ForeignKey("sc_office.id"), nullable=False, index=True)
    office = relationship(ScOffice)
    service_id = Column(Integer, ForeignKey("sc_service.id"), index=True)
    service = relationship(ScService)
    method = Column(String(12), nullable=False, default="least_open")
    role = Column(String(12), nullable=False, default="back_office")
    active = Column(Boolean, nullable=False, default=True)
    last_staff_id = Column(Integer, ForeignKey("sc_staff.id"))
    last_staff = relationship(ScStaff, foreign_keys=[last_staff_id])


# --- the queue ----------------------------------------------------------------------------------------------------
class ScWindow(_OfOffice, Versioned, Tracked, Model):
    """A service window of an office and the services served at it."""

    __tablename__ = "sc_window"
    __table_args__ = (UniqueConstraint("office_id", "number", name="uq_sc_window_number"),)
    __dataset__ = Dataset(
        _l("Service windows"), _l("Window"), _l("The windows of each office, the services served at each and "
                                                 "who works there now."), MFC(_l("cl. 1.6(5)")),
        retention=RETENTION,
        fields={"office": _l("Office"), "office_id": _l("Office"), "number": _l("Window number"),
                "services": F(_l("Services served"), _l("The operator at this window calls tickets of these.")),
                "active": _l("In use"), "operator": _l("Operator now"), "operator_id": _l("Operator now"),
                "opened_at": _l("Open since")},
        layout=Layout(list=("office", "number", "operator", "opened_at", "active"), search=("office", "active"),
                      form=("office", "number", "services", "active"),
                      show=("office", "number", "services", "operator", "opened_at", "active"),
                      api=("id", "office_id", "number", "active", "operator_id", "opened_at")))

    id = Column(Integer, primary_key=True)
    office_id = Column(Integer, ForeignKey("sc_office.id"), nullable=False, index=True)
    office = relationship(ScOffice, back_populates="windows")
    number = Column(Integer, nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    services = relationship(ScService, secondary=sc_window_service, order_by=ScService.code)
    operator_id = Column(Integer, ForeignKey("sc_staff.id"), index=True)
    operator = relationship(ScStaff, foreign_keys=[operator_id])
    opened_at = Column(UTCDateTime)

    def __repr__(self):
        return str(self.number)


class ScAppointment(_OfOffice, Versioned, Tracked, Model):
    """A pre-booked visit: an office, a service and a time slot; checked in at the kiosk by its code."""

    __tablename__ = "sc_appointment"
    __table_args__ = (UniqueConstraint("code", name="uq_sc_appointment_code"),
                      Index("ix_sc_appointment_slot", "office_id", "service_id", "slot_start"))
    personal = True
    __dataset__ = Dataset(
        _l("Appointments"), _l("Appointment"), _l("Visits booked in advance by time slot, per service and office, "
                                                  "within the slot's limit."), MFC(_l("cl. 1.6(5)")),
        personal="personal", retention=RETENTION,
        fields={"office": F(_l("Office"), personal="none"), "office_id": _l("Office"),
                "service": F(_l("Service"), personal="none"), "service_id": _l("Service"),
                "slot_start": F(_l("Time"), personal="none"), "applicant_name": _l("Applicant"),
                "phone": _l("Phone"), "code": F(_l("Booking code"), personal="none"),
                "state": F(_l("State"), states=APPOINTMENT_STATES, personal="none"),
                "ticket": F(_l("Ticket"), personal="none"), "ticket_id": _l("Ticket")},
        layout=Layout(list=("slot_start", "office", "service", "applicant_name", "code", "state"),
                      search=("office", "service", "slot_start", "state", "code"),
                      form=("office", "service", "slot_start", "applicant_name", "phone"),
                      edit=("applicant_name", "phone"),
                      show=("office", "service", "slot_start", "applicant_name", "phone", "code", "state", "ticket")))

    id = Column(Integer, primary_key=True)
    office_id = Column(Integer, ForeignKey("sc_office.id"), nullable=False, index=True)
    office = relationship(ScOffice)
    service_id = Column(Integer, ForeignKey("sc_service.id"), nullable=False)
    service = relationship(ScService)
    slot_start = Column(UTCDateTime, nullable=False)
    applicant_name = Column(String(255), nullable=False)
    phone = Column(String(50))
    code = Column(String(8), nullable=False)
    state = Column(String(12), nullable=False, default="booked")
    ticket_id = Column(Integer, ForeignKey("sc_ticket.id", use_alter=True, name="fk_sc_appointment_ticket"))
    ticket = relationship("ScTicket", foreign_keys=[ticket_id])


class ScTicket(_OfOffice, Model):
    """A ticket of the electronic queue: issued at the kiosk for a service (or at check-in of an appointment),
    called to a window, served, ended, rated. Its state is kept here for the operator's page; every change is
    also a raw event (ScTicketEvent), from which the statistics are computed."""

    __tablename__ = "sc_ticket"
    __table_args__ = (UniqueConstraint("office_id", "day", "number", name="uq_sc_ticket_number"),
                      Index("ix_sc_ticket_waiting", "office_id", "state", "service_id"),
                      Index("ix_sc_ticket_day", "office_id", "day"),
                      CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="ck_sc_ticket_rating"))
    __dataset__ = Dataset(
        _l("Queue tickets"), _l("Ticket"), _l("Tickets of the electronic queue with their service, priority, "
                                               "window, operator and times."), MFC(_l("cl. 1.6(5), 1.6(19)")),
        retention=RETENTION,
        fields={"office": _l("Office"), "office_id": _l("Office"), "service": _l("Service"),
                "service_id": _l("Service"), "day": F(_l("Day"), _l("Local date of the office.")),
                "number": F(_l("Ticket number"), _l("Prefix of the service group and a serial of the day, e.g. "
                                                    "A-007.")),
                "priority": F(_l("Priority"), classifier="sc_priority"),
                "state": F(_l("State"), states=TICKET_STATES), "issued_at": _l("Issued at"),
                "called_at": _l("Called at"), "started_at": _l("Service started"), "ended_at": _l("Service ended"),
                "window": _l("Window"), "window_id": _l("Window"), "operator": _l("Operator"),
                "operator_id": _l("Operator"), "appointment": _l("Appointment"), "appointment_id": _l("Appointment"),
                "transferred_from": _l("Transferred from"), "transferred_from_id": _l("Transferred from"),
                "target_window": F(_l("Sent to window"), _l("A ticket transferred to a particular window is called "
                                                            "there only.")),
                "target_window_id": _l("Sent to window"), "language": F(_l("Language"), states=LANGUAGES),
                "rating": F(_l("Rating"), _l("1 to 5, given by the applicant after the service.")),
                "events": _l("Events")},
        layout=Layout(list=("number", "day", "office", "service", "priority", "state", "issued_at", "window"),
                      search=("office", "day", "number", "service", "state", "priority", "window"),
                      show=("number", "day", "office", "service", "priority", "state", "issued_at", "called_at",
                            "started_at", "ended_at", "window", "operator", "appointment", "transferred_from",
                            "target_window", "language", "rating", "events"),
                      api=("id", "office_id", "service_id", "day", "number", "priority", "state", "issued_at",
                           "called_at", "started_at", "ended_at", "window_id", "operator_id", "rating")))

    id = Column(Integer, primary_key=True)
    office_id = Column(Integer, ForeignKey("sc_office.id"), nullable=False)
    office = relationship(ScOffice)
    service_id = Column(Integer, ForeignKey("sc_service.id"), nullable=False, index=True)
    service = relationship(ScService)
    day = Column(Date, nullable=False)
    number = Column(String(8), nullable=False)
    priority = Column(String(12), nullable=False, default="none")
    state = Column(String(10), nullable=False, default="waiting")
    issued_at = Column(UTCDateTime, nullable=False)
    called_at = Column(UTCDateTime)
    started_at = Column(UTCDateTime)
    ended_at = Column(UTCDateTime)
    window_id = Column(Integer, ForeignKey("sc_window.id"), index=True)
    window = relationship(ScWindow, foreign_keys=[window_id])
    operator_id = Column(Integer, ForeignKey("sc_staff.id"), index=True)
    operator = relationship(ScStaff, foreign_keys=[operator_id])
    appointment_id = Column(Integer, ForeignKey("sc_appointment.id"))
    appointment = relationship(ScAppointment, foreign_keys=[appointment_id])
    transferred_from_id = Column(Integer, ForeignKey("sc_ticket.id"))
    transferred_from = relationship("ScTicket", remote_side=[id], foreign_keys=[transferred_from_id])
    target_window_id = Column(Integer, ForeignKey("sc_window.id"))
    target_window = relationship(ScWindow, foreign_keys=[target_window_id])
    language = Column(String(2), nullable=False, default="ky")
    rating = Column(Integer)
    events = relationship("ScTicketEvent", back_populates="ticket", order_by="ScTicketEvent.id")

    def __repr__(self):
        return self.number or ""


class ScTicketEvent(_OfOffice, Model):
    """A raw event of a ticket (issued, called, recalled, started, ended, no-show, transferred, rated): the
    statistics are computed from these, never from the ticket's current state alone. Append-only."""

    __tablename__ = "sc_ticket_event"
    __table_args__ = (Index("ix_sc_ticket_event_office_at", "office_id", "at"),)
    __dataset__ = Dataset(
        _l("Queue events"), _l("Queue event"), _l("Every event of every ticket with its time, window and operator: "
                                                   "the source of the queue statistics."),
        MFC(_l("cl. 1.5(c), 1.6(15)")), retention=RETENTION,
        fields={"ticket": _l("Ticket"), "ticket_id": _l("Ticket"), "office": _l("Office"), "office_id": _l("Office"),
                "at": _l("When"), "event": F(_l("Event"), states=TICKET_EVENTS), "window": _l("Window"),
                "window_id": _l("Window"), "operator": _l("Operator"), "operator_id": _l("Operator"),
                "service": _l("Service"), "service_id": _l("Service"), "value": F(_l("Value"), _l("The rating given."))},
        layout=Layout(list=("at", "ticket", "event", "window", "operator"), search=("office", "event", "at"),
                      show=("at", "ticket", "office", "event", "service", "window", "operator", "value")))

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("sc_ticket.id"), nullable=False, index=True)
    ticket = relationship(ScTicket, back_populates="events")
    office_id = Column(Integer, ForeignKey("sc_office.id"), nullable=False)
    office = relationship(ScOffice)
    at = Column(UTCDateTime, nullable=False)
    event = Column(String(12), nullable=False)
    service_id = Column(Integer, ForeignKey("sc_service.id"), nullable=False)
    service = relationship(ScService)
    window_id = Column(Integer, ForeignKey("sc_window.id"))
    window = relationship(ScWindow)
    operator_id = Column(Integer, ForeignKey("sc_staff.id"))
    operator = relationship(ScStaff)
    value = Column(Integer)


# --- applications -------------------------------------------------------------------------------------------------
class ScApplication(_OfOffice, Versioned, Tracked, Model):
    """An application for a service received at an office: the applicant (PIN or INN), the checklist, the stage
    and its deadline, who works on it, the tracking number and verification code for the public status page."""

    __tablename__ = "sc_application"
    __table_args__ = (UniqueConstraint("number", name="uq_sc_application_number"),
                      Index("ix_sc_application_office_state", "office_id", "state"),
                      Index("ix_sc_application_pin", "applicant_pin"),
                      Index("ix_sc_application_inn", "applicant_inn"),
                      Index("ix_sc_application_due", "state", "stage_due_on"),
                      CheckConstraint("(applicant_kind = 'person' AND applicant_pin IS NOT NULL) OR "
                                      "(applicant_kind = 'organisation' AND applicant_inn IS NOT NULL)",
                                      name="ck_sc_application_applicant"))
    personal = True
    lookup_fields = ("number", "applicant_pin", "applicant_inn", "applicant_name")
    __dataset__ = Dataset(
        _l("Applications at the service centre"), _l("Application for a service"),
        _l("Applications received at the offices: applicant, service, documents, stage with its deadline, who "
           "works on it, result."), MFC(_l("cl. 1.5(a), 1.6(7)–1.6(9)")), personal="personal", retention=RETENTION,
        fields={
            "number": F(_l("Tracking number"), personal="none"),
            "code": F(_l("Verification code"), _l("Printed on the receipt; with the number it opens the public "
                                                  "status page."), personal="none"),
            "office": F(_l("Office"), personal="none"), "office_id": _l("Office"),
            "service": F(_l("Service"), personal="none"), "service_id": _l("Service"),
            "ticket": F(_l("Queue ticket"), personal="none"), "ticket_id": _l("Queue ticket"),
            "applicant_kind": F(_l("Applicant"), states=APPLICANT_KINDS, personal="none"),
            "applicant_pin": F(_l("Applicant's PIN"), _l("14 digits.")),
            "applicant_inn": F(_l("Applicant's INN"), _l("INN of the organisation, 14 digits.")),
            "applicant_name": _l("Applicant's name"), "applicant_phone": _l("Phone"),
            "applicant_email": _l("E-mail"),
            "language": F(_l("Language of the applicant"), _l("Notifications and the receipt are in it."),
                          states=LANGUAGES, personal="none"),
            "notify_by": F(_l("Notify by"), states={"sms": _l("SMS"), "email": _l("E-mail"), "none": _l("Do not "
                                                                                                         "notify")},
                           personal="none"),
            "state": F(_l("Stage"), states=APPLICATION_STATES, personal="none"),
            "received_at": F(_l("Received at"), personal="none"),
            "expected_on": F(_l("Expected result date"), personal="none"),
            "stage_started_on": F(_l("Stage started on"), personal="none"),
            "stage_due_on": F(_l("Stage due by"), _l("From the service's norm, in working days, moved by the days "
                                                     "an interagency request was pending."), personal="none"),
            "paused_days": F(_l("Working days paused"), _l("While an interagency request is pending the clock "
                                                           "stops."), personal="none"),
            "escalated_at": F(_l("Escalated to the head at"), personal="none"),
            "assignee": F(_l("Assigned to"), personal="none"), "assignee_id": _l("Assigned to"),
            "unassigned": F(_l("Nobody to assign to"), _l("Nobody was eligible when it came in: the head was "
                                                          "alerted."), personal="none"),
            "refusal_reason": F(_l("Ground of refusal"), classifier="sc_refusal_reason", personal="none"),
            "refusal_note": _l("Refusal details"), "missing_documents": _l("Missing documents"),
            "result_note": _l("Result"), "handed_over_at": F(_l("Handed over at"), personal="none"),
            "documents": _l("Document checklist"), "scans": _l("Scans"), "requests": _l("Interagency requests"),
            "history": _l("History of stages"), "assignments": _l("Assignments")},
        layout=Layout(
            list=("number", "received_at", "service", "applicant_name", "state", "stage_due_on", "assignee",
                  "office"),
            search=("number", "applicant_pin", "applicant_inn", "applicant_name", "service", "state", "office",
                    "assignee", "unassigned", "stage_due_on", "received_at"),
            form=("office", "service", "applicant_kind", "applicant_pin", "applicant_inn", "applicant_name",
                  "applicant_phone", "applicant_email", "language", "notify_by"),
            edit=("applicant_name", "applicant_phone", "applicant_email", "language", "notify_by"),
            show=("number", "code", "office", "service", "ticket", "state", "received_at", "expected_on",
                  "stage_started_on", "stage_due_on", "paused_days", "applicant_kind", "applicant_pin",
                  "applicant_inn", "applicant_name", "applicant_phone", "applicant_email", "language", "notify_by",
                  "assignee", "unassigned", "escalated_at", "refusal_reason", "refusal_note", "missing_documents",
                  "result_note", "handed_over_at"),
            api=("id", "number", "office_id", "service_id", "ticket_id", "applicant_kind", "applicant_pin",
                 "applicant_inn", "applicant_name", "language", "state", "received_at", "expected_on",
                 "stage_due_on", "assignee_id", "unassigned", "refusal_reason")))

    id = Column(Integer, primary_key=True)
    number = Column(String(20))
    code = Column(String(8))
    office_id = Column(Integer, ForeignKey("sc_office.id"), nullable=False)
    office = relationship(ScOffice)
    service_id = Column(Integer, ForeignKey("sc_service.id"), nullable=False, index=True)
    service = relationship(ScService)
    ticket_id = Column(Integer, ForeignKey("sc_ticket.id"), index=True)
    ticket = relationship(ScTicket)
    applicant_kind = Column(String(12), nullable=False, default="person")
    applicant_pin = Column(String(14))
    applicant_inn = Column(String(14))
    applicant_name = Column(String(255), nullable=False)
    applicant_phone = Column(String(50))
    applicant_email = Column(String(255))
    language = Column(String(2), nullable=False, default="ky")
    notify_by = Column(String(6), nullable=False, default="sms")
    state = Column(String(16), nullable=False, default="received")
    received_at = Column(UTCDateTime)
    expected_on = Column(Date)
    stage_started_on = Column(Date)
    stage_due_on = Column(Date)
    paused_days = Column(Integer, nullable=False, default=0, server_default="0")
    escalated_at = Column(UTCDateTime)
    assignee_id = Column(Integer, ForeignKey("sc_staff.id"), index=True)
    assignee = relationship(ScStaff, foreign_keys=[assignee_id])
    unassigned = Column(Boolean, nullable=False, default=False)
    refusal_reason = Column(String(20))
    refusal_note = Column(Text)
    missing_documents = Column(Text)
    result_note = Column(Text)
    handed_over_at = Column(UTCDateTime)

    documents = relationship("ScApplicationDocument", back_populates="application",
                             order_by="ScApplicationDocument.id", cascade="all, delete-orphan")
    scans = relationship("ScApplicationScan", back_populates="application", order_by="ScApplicationScan.id")
    requests = relationship("ScInteragencyRequest", back_populates="application",
                            order_by="ScInteragencyRequest.id")
    history = relationship("ScApplicationStep", back_populates="application", order_by="ScApplicationStep.id")
    assignments = relationship("ScAssignment", back_populates="application", order_by="ScAssignment.id")

    #: the states in which the application is with its partner agency (routed to it)
    ROUTED_STATES = ("sent", "result_received", "handed_over", "refused")

    @classmethod
    def organisation_scope_condition(cls, organisation_id):
        """A partner organisation sees the applications routed to it: for a service it provides, once sent."""
        return cls.state.in_(cls.ROUTED_STATES) & cls.service_id.in_(
            select(ScService.id).where(ScService.agency_id == organisation_id))

    def scope_organisation_id(self):
        service = related_now(self, "service")
        return service.agency_id if service is not None else None

    @property
    def applicant_id(self):
        return self.applicant_pin if self.applicant_kind == "person" else self.applicant_inn

    def __repr__(self):
        return self.number or ""


class ScApplicationDocument(_OfApplication, Model):
    """One line of an application's checklist: a required document of the service, presented or not."""

    __tablename__ = "sc_application_document"
    __table_args__ = (UniqueConstraint("application_id", "document_id", name="uq_sc_application_document"),)
    __dataset__ = Dataset(
        _l("Document checklists of applications"), _l("Checklist line"),
        _l("Which of the service's documents the applicant presented, as original or copy, and which the centre "
           "requests itself."), MFC(_l("cl. 1.6(7), 1.6(8)")), retention=RETENTION,
        fields={"application": _l("Application"), "application_id": _l("Application"),
                "document": _l("Document"), "document_id": _l("Document"), "presented": _l("Presented"),
                "original_seen": F(_l("Original seen"), _l("The operator saw the original and kept a copy.")),
                "note": _l("Note")},
        layout=Layout(list=("document", "presented", "original_seen", "note"), search=("application", "presented"),
                      show=("application", "document", "presented", "original_seen", "note")))

    id = Column(Integer, primary_key=True)
    application_id = Column(Integer, ForeignKey("sc_application.id"), nullable=False, index=True)
    application = relationship(ScApplication, back_populates="documents")
    document_id = Column(Integer, ForeignKey("sc_service_document.id"), nullable=False)
    document = relationship(ScServiceDocument)
    presented = Column(Boolean, nullable=False, default=False)
    original_seen = Column(Boolean, nullable=False, default=False)
    note = Column(String(255))


class ScApplicationScan(_OfApplication, StoredDocument, Versioned, Tracked, Model):
    """A scan attached to an application (a presented document's copy, the agency's result)."""

    __tablename__ = "sc_application_scan"
    __download_view__ = "ScApplicationScanView"
    personal = True
    __dataset__ = Dataset(
        _l("Scans of applications"), _l("Scan"), _l("Scanned copies of the documents presented and of the "
                                                   "results."), MFC(_l("cl. 1.6(8)")), personal="personal",
        retention=RETENTION,
        fields={"application": F(_l("Application"), personal="none"), "application_id": _l("Application"),
                "title": _l("Title"), "number": _l("Document number"), "doc_date": _l("Document date"),
                "file_name": _l("File"), "stored_name": _l("Stored as"), "content_type": _l("Type"),
                "size_bytes": _l("Size")},
        layout=Layout(list=("title", "number", "doc_date", "file_name", "size_bytes"),
                      search=("application", "title"),
                      form=("application", "title", "number", "doc_date"), edit=("title", "number", "doc_date"),
                      show=("application", "title", "number", "doc_date", "file_name", "content_type",
                            "size_bytes", "created_by", "created_on")))

    id = Column(Integer, primary_key=True)
    application_id = Column(Integer, ForeignKey("sc_application.id"), nullable=False, index=True)
    application = relationship(ScApplication, back_populates="scans")


class ScInteragencyRequest(_OfApplication, Versioned, Tracked, Model):
    """A request the centre sends to another body for a document (cl. 1.6(9)): tracked by itself; while it is
    pending the application's clock stops."""

    __tablename__ = "sc_interagency_request"
    __table_args__ = (Index("ix_sc_interagency_pending", "state", "due_on"),)
    __dataset__ = Dataset(
        _l("Interagency requests"), _l("Interagency request"),
        _l("Requests for documents the centre obtains itself from other bodies: to whom, by which channel, sent, "
           "due, answered."), MFC(_l("cl. 1.6(9)")), retention=RETENTION,
        fields={"application": _l("Application"), "application_id": _l("Application"),
                "agency": F(_l("Body requested"), _l("Its users see the request.")), "agency_id": _l("Body requested"),
                "document": _l("Document requested"), "document_id": _l("Document requested"),
                "channel": F(_l("Channel"), states=INTERAGENCY_CHANNELS), "sent_on": _l("Sent on"),
                "due_on": F(_l("Answer due by"), _l("From the service's norm for interagency requests.")),
                "answered_on": _l("Answered on"), "answer": _l("Answer"),
                "state": F(_l("State"), states=INTERAGENCY_STATES), "outgoing_number": _l("Outgoing number")},
        layout=Layout(list=("application", "agency", "document", "channel", "sent_on", "due_on", "answered_on",
                            "state"),
                      search=("agency", "channel", "state", "due_on", "sent_on"),
                      show=("application", "agency", "document", "channel", "outgoing_number", "sent_on", "due_on",
                            "answered_on", "answer", "state")))

    id = Column(Integer, primary_key=True)
    application_id = Column(Integer, ForeignKey("sc_application.id"), nullable=False, index=True)
    application = relationship(ScApplication, back_populates="requests")
    agency_id = Column(Integer, ForeignKey("egov_organisation.id"), nullable=False, index=True)
    agency = relationship("EgovOrganisation", foreign_keys=[agency_id])
    document_id = Column(Integer, ForeignKey("sc_service_document.id"))
    document = relationship(ScServiceDocument)
    channel = Column(String(8), nullable=False, default="tunduk")
    outgoing_number = Column(String(30))
    sent_on = Column(Date, nullable=False)
    due_on = Column(Date, nullable=False)
    answered_on = Column(Date)
    answer = Column(Text)
    state = Column(String(10), nullable=False, default="pending")

    @classmethod
    def organisation_scope_condition(cls, organisation_id):
        """A partner organisation sees the requests sent to it, besides those of applications routed to it."""
        return (cls.agency_id == organisation_id) | super().organisation_scope_condition(organisation_id)

    def scope_organisation_id(self):
        agency = related_now(self, "agency")
        return agency.id if agency is not None else None

    def __repr__(self):
        return self.outgoing_number or str(self.document or "")


class ScApplicationStep(_OfApplication, StatusHistory, Model):
    __tablename__ = "sc_application_step"
    __history_parent__ = "application"
    __dataset__ = Dataset(_l("Stages of applications"), _l("Stage of an application"),
                          _l("Every stage of every application: when, from which to which, who, why."),
                          MFC(_l("cl. 1.6(9)")), retention=RETENTION,
                          fields={"application": _l("Application"), "application_id": _l("Application"),
                                  **history_fields("sc_refusal_reason")},
                          layout=Layout(list=("at", "from_status", "to_status", "reason", "note", "actor"),
                                        search=("at", "to_status"),
                                        show=("application", "at", "from_status", "to_status", "reason", "note",
                                              "actor")))

    id = Column(Integer, primary_key=True)
    application_id = Column(Integer, ForeignKey("sc_application.id"), nullable=False, index=True)
    application = relationship(ScApplication, back_populates="history")


class ScAssignment(_OfApplication, Model):
    """One assignment of an application: automatic (by the rule's method) or manual (with a reason); an empty
    staff member records that nobody was eligible."""

    __tablename__ = "sc_assignment"
    __dataset__ = Dataset(
        _l("Assignments of applications"), _l("Assignment"), _l("Every assignment of every application: to whom, "
                                                               "how, why and by whom."), MFC(_l("cl. 1.6(12)")),
        retention=RETENTION,
        fields={"application": _l("Application"), "application_id": _l("Application"), "at": _l("When"),
                "staff": F(_l("Assigned to"), _l("Empty: nobody was eligible.")), "staff_id": _l("Assigned to"),
                "method": F(_l("How"), states={**ASSIGNMENT_METHODS, "manual": _l("Manually")}),
                "reason": _l("Reason"), "actor": _l("Who"), "actor_id": _l("Who")},
        layout=Layout(list=("at", "staff", "method", "reason", "actor"), search=("application", "staff", "method"),
                      show=("application", "at", "staff", "method", "reason", "actor")))

    id = Column(Integer, primary_key=True)
    application_id = Column(Integer, ForeignKey("sc_application.id"), nullable=False, index=True)
    application = relationship(ScApplication, back_populates="assignments")
    at = Column(UTCDateTime, nullable=False)
    staff_id = Column(Integer, ForeignKey("sc_staff.id"), index=True)
    staff = relationship(ScStaff)
    method = Column(String(12), nullable=False)
    reason = Column(String(500))
    actor_id = Column(Integer, ForeignKey("ab_user.id"))
    actor = relationship("User", foreign_keys=[actor_id], enable_typechecks=False)


class ScNotification(_OfOffice, Model):
    """A message to an applicant (received, result ready, refused) or to an office head (an unassigned
    application, an escalated stage): the outbox the channels send from, in the recipient's language."""

    __tablename__ = "sc_notification"
    __table_args__ = (Index("ix_sc_notification_state", "state", "id"),)
    personal = True
    __dataset__ = Dataset(
        _l("Notifications"), _l("Notification"), _l("Messages to applicants and office heads with their channel, "
                                                    "language and delivery."), MFC(_l("cl. 1.6(14)")),
        personal="personal", retention=RETENTION,
        fields={"office": F(_l("Office"), personal="none"), "office_id": _l("Office"),
                "application": F(_l("Application"), personal="none"), "application_id": _l("Application"),
                "event": F(_l("Event"), states=NOTIFICATION_EVENTS, personal="none"),
                "channel": F(_l("Channel"), personal="none"), "recipient": _l("Recipient"),
                "recipient_user": _l("Recipient account"), "recipient_user_id": _l("Recipient account"),
                "language": F(_l("Language"), states=LANGUAGES, personal="none"), "subject": _l("Subject"),
                "body": _l("Text"), "state": F(_l("Delivery"), states=NOTIFICATION_STATES, personal="none"),
                "created_at": F(_l("Created at"), personal="none"), "sent_at": F(_l("Sent at"), personal="none"),
                "error": F(_l("Delivery error"), personal="none"), "attempts": F(_l("Attempts"), personal="none"),
                "read_at": F(_l("Read at"), personal="none")},
        layout=Layout(list=("created_at", "event", "application", "channel", "recipient", "state", "sent_at"),
                      search=("office", "event", "channel", "state", "created_at"),
                      show=("office", "application", "event", "channel", "recipient", "recipient_user", "language",
                            "subject", "body", "state", "created_at", "sent_at", "attempts", "error", "read_at")))

    id = Column(Integer, primary_key=True)
    office_id = Column(Integer, ForeignKey("sc_office.id"), nullable=False, index=True)
    office = relationship(ScOffice)
    application_id = Column(Integer, ForeignKey("sc_application.id"), index=True)
    application = relationship(ScApplication)
    event = Column(String(12), nullable=False)
    channel = Column(String(10), nullable=False)
    recipient = Column(String(255))
    recipient_user_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    recipient_user = relationship("User", foreign_keys=[recipient_user_id], enable_typechecks=False)
    language = Column(String(2), nullable=False, default="ky")
    subject = Column(String(255), nullable=False)
    body = Column(Text, nullable=False)
    state = Column(String(8), nullable=False, default="queued")
    created_at = Column(UTCDateTime, nullable=False)
    sent_at = Column(UTCDateTime)
    attempts = Column(Integer, nullable=False, default=0)
    error = Column(String(500))
    read_at = Column(UTCDateTime)


class ScComplaint(_OfOffice, Versioned, Tracked, Model):
    """A pre-trial appeal (complaint) about a service or the centre's work, tracked to a decision."""

    __tablename__ = "sc_complaint"
    __table_args__ = (UniqueConstraint("number", name="uq_sc_complaint_number"),)
    personal = True
    __dataset__ = Dataset(
        _l("Complaints (pre-trial appeals)"), _l("Complaint"),
        _l("Appeals of applicants about the services and the centre's work, with their review and decision."),
        MFC(_l("cl. 1.6(16)")), personal="personal", retention=RETENTION,
        fields={"number": F(_l("Complaint number"), personal="none"), "office": F(_l("Office"), personal="none"),
                "office_id": _l("Office"), "application": F(_l("Application"), personal="none"),
                "application_id": _l("Application"), "applicant_name": _l("Applicant"),
                "contact": _l("Contact"), "received_on": F(_l("Received on"), personal="none"),
                "subject": _l("Subject of the complaint"), "text": _l("Text"),
                "state": F(_l("State"), states=COMPLAINT_STATES, personal="none"),
                "due_on": F(_l("Decision due by"), personal="none"), "decision": _l("Decision"),
                "decided_on": F(_l("Decided on"), personal="none"), "history": _l("History")},
        layout=Layout(list=("number", "received_on", "office", "applicant_name", "subject", "state", "due_on"),
                      search=("number", "office", "state", "received_on", "due_on"),
                      form=("office", "application", "applicant_name", "contact", "received_on", "subject", "text"),
                      edit=("applicant_name", "contact", "subject", "text"),
                      show=("number", "office", "application", "applicant_name", "contact", "received_on",
                            "subject", "text", "state", "due_on", "decision", "decided_on")))

    id = Column(Integer, primary_key=True)
    number = Column(String(20))
    office_id = Column(Integer, ForeignKey("sc_office.id"), nullable=False, index=True)
    office = relationship(ScOffice)
    application_id = Column(Integer, ForeignKey("sc_application.id"), index=True)
    application = relationship(ScApplication)
    applicant_name = Column(String(255), nullable=False)
    contact = Column(String(255))
    received_on = Column(Date, nullable=False)
    subject = Column(String(255), nullable=False)
    text = Column(Text, nullable=False)
    state = Column(String(10), nullable=False, default="received")
    due_on = Column(Date)
    decision = Column(Text)
    decided_on = Column(Date)
    history = relationship("ScComplaintStep", back_populates="complaint", order_by="ScComplaintStep.id")

    def __repr__(self):
        return self.number or ""


class ScComplaintStep(StatusHistory, Model):
    __tablename__ = "sc_complaint_step"
    __history_parent__ = "complaint"
    __dataset__ = Dataset(_l("Steps of complaints"), _l("Step of a complaint"),
                          _l("Every step of every complaint: when, from which state to which, who, why."),
                          MFC(_l("cl. 1.6(16)")), retention=RETENTION,
                          fields={"complaint": _l("Complaint"), "complaint_id": _l("Complaint"), **history_fields()},
                          layout=Layout(list=("at", "from_status", "to_status", "note", "actor"),
                                        show=("complaint", "at", "from_status", "to_status", "note", "actor")))

    id = Column(Integer, primary_key=True)
    complaint_id = Column(Integer, ForeignKey("sc_complaint.id"), nullable=False, index=True)
    complaint = relationship(ScComplaint, back_populates="history")

    @classmethod
    def scope_condition(cls, territory_ids):
        return cls.complaint_id.in_(select(ScComplaint.id).where(ScComplaint.scope_condition(territory_ids)))

    def scope_territory_id(self):
        complaint = related_now(self, "complaint")
        return complaint.scope_territory_id() if complaint is not None else None

    @classmethod
    def office_scope_condition(cls, office_id):
        return cls.complaint_id.in_(select(ScComplaint.id).where(ScComplaint.office_id == office_id))

    def scope_office_id(self):
        complaint = related_now(self, "complaint")
        return complaint.scope_office_id() if complaint is not None else None
