"""Register of the state infrastructure of e-government: subjects of accounting (organisations), their authorised
employees, the elements of the infrastructure (cl. 20 data) with their registered versions, applications, typed
documents and relations between elements.

Legal basis: the Rules for keeping the register of the state infrastructure of e-government (clause numbers count
the rules' paragraphs in order). The rules themselves live in app/services/egov_registry.py.

Scoping: the register is republic-wide (no territory), but a user bound to an organisation (an authorised
employee, cl. 19) sees and writes only that organisation's rows: every model here says how a row reaches its
organisation (`organisation_scope_condition`, `scope_organisation_id`), and app/scope.py applies it."""
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Column, Date, ForeignKey, Integer, String, Text, UniqueConstraint, \
    select
from sqlalchemy.orm import relationship

from models.base import Multilingual, StoredDocument, Tracked, Versioned, related_now
from models.dictionary import Dataset, F, Layout, Legal, classifier
from models.types import UTCDateTime
from models.workflow import StatusHistory, history_fields

MODULE = "egov_registry"


def RULES(clause=None):
    return Legal("egov_registry_rules", clause)


RETENTION = _l("Kept permanently: removed elements, past versions and decided applications stay as the history of "
               "the register (cl. 3).")

ORGANISATION_KINDS = classifier("egov_organisation_kind", _l("Kinds of subjects of accounting"), {
    "state_body": _l("State body"), "lsg_body": _l("Local self-government body"),
    "institution": _l("Subordinate institution"), "enterprise": _l("State or municipal enterprise"),
}, module=MODULE, open=False, system=("state_body", "lsg_body", "institution", "enterprise"))
#: the four types of the annex (cl. 20(2)): exactly one per element
ELEMENT_KINDS = classifier("egov_element_kind", _l("Types of elements of the e-government infrastructure"), {
    "information_system": _l("Information system for state or municipal services or functions"),
    "office_software": _l("Software automating a body's own work"),
    "data_centre": _l("Data-processing centre"),
    "shared_complex": _l("Software-hardware complex with general functions or shared systems"),
}, module=MODULE, open=False, system=("information_system", "office_software", "data_centre", "shared_complex"))
USERS_COUNTS = classifier("egov_users_count", _l("Numbers of users of an element"), {
    "up_to_10": _l("Up to 10"), "up_to_100": _l("11 to 100"), "up_to_1000": _l("101 to 1,000"),
    "up_to_10000": _l("1,001 to 10,000"), "over_10000": _l("Over 10,000"),
}, module=MODULE)
FUNDING_SOURCES = classifier("egov_funding_source", _l("Sources of funding of elements"), {
    "republican_budget": _l("Republican budget"), "local_budget": _l("Local budget"),
    "donor": _l("Donor or international grant"), "own_funds": _l("Own funds of the body"),
    "other": _l("Other source"),
}, module=MODULE)
ITEM_KINDS = {"software": _l("Software used"), "resource": _l("Information resource"),
              "service": _l("Information service")}
DOCUMENT_KINDS = classifier("egov_document_kind", _l("Kinds of documents of elements"), {
    "legal_act": _l("Legal act on creation, modification or commissioning"), "architecture": _l("Architecture"),
    "technical": _l("Technical documentation"), "commissioning_act": _l("Commissioning act"),
    "stop_decision": _l("Decision to stop operation"), "other": _l("Other document"),
}, module=MODULE, open=False,
    system=("legal_act", "architecture", "technical", "commissioning_act", "stop_decision", "other"))
RELATION_KINDS = classifier("egov_relation_kind", _l("Kinds of relations between elements"), {
    "uses": _l("Uses"), "used_by": _l("Used by"), "part_of": _l("Part of"),
    "tunduk": _l("Exchanges data through Tunduk"),
}, module=MODULE, open=False, system=("uses", "used_by", "part_of", "tunduk"))
APPLICATION_KINDS = {"access": _l("Access to enter data"), "registration": _l("Registration of an element"),
                     "modification": _l("Modification of an element"), "removal": _l("Removal of an element"),
                     "information": _l("Request for additional information")}
ELEMENT_STATUSES = {"draft": _l("Not registered yet"), "registered": _l("Registered"),
                    "removed": _l("Removed from the register")}
APPLICATION_STATUSES = {
    # "received", not the social passport's "Submitted" (which reads "sent for approval" in ky and ru)
    "submitted": _l("Application received"), "forwarded": _l("Forwarded to the operator"),
    "granted": _l("Access granted"),
    "registered": _l("Registered"), "refused": _l("Refused"), "agreed": _l("Removal agreed"),
    "removed": _l("Removal recorded"), "requested": _l("Information requested"), "answered": _l("Answered"),
    "withdrawn": _l("Withdrawn"),
}
LANGUAGES = {"ky": _l("Kyrgyz"), "ru": _l("Russian"), "en": _l("English")}


class _OfOrganisation:
    """A row that belongs to an organisation directly (its `organisation_id`)."""

    @classmethod
    def organisation_scope_condition(cls, organisation_id):
        return cls.organisation_id == organisation_id

    def scope_organisation_id(self):
        organisation = related_now(self, "organisation")
        return organisation.id if organisation is not None else None


class _OfElement:
    """A row that belongs to an element: its organisation is the element's owner."""

    @classmethod
    def organisation_scope_condition(cls, organisation_id):
        return cls.element_id.in_(select(EgovElement.id).where(EgovElement.organisation_id == organisation_id))

    def scope_organisation_id(self):
        element = related_now(self, "element")
        return element.scope_organisation_id() if element is not None else None


class EgovOrganisation(Multilingual, Versioned, Tracked, Model):
    """A subject of accounting (cl. 5, 8): a state body, LSG body, subordinate institution or enterprise."""

    __tablename__ = "egov_organisation"
    __table_args__ = (UniqueConstraint("inn", name="uq_egov_organisation_inn"),)
    lookup_fields = ("inn", "name_ru", "name_ky")
    __dataset__ = Dataset(
        _l("Subjects of accounting"), _l("Subject of accounting"),
        _l("State bodies, local self-government bodies, their institutions and enterprises that run elements of "
           "the e-government infrastructure: INN, names in three languages, address and territory."),
        RULES(_l("cl. 5, 8")), reference=True, retention=RETENTION,
        fields={"inn": F(_l("INN"), _l("14 digits: 0, the registration date DDMMYYYY, a serial.")),
                "kind": F(_l("Kind of subject"), classifier="egov_organisation_kind"),
                "short_name": _l("Short name"), "address": _l("Address"),
                "territory": F(_l("Territory"), _l("Where the subject is located (SOATE).")),
                "head_name": F(_l("Head"), _l("The head answers for the accuracy of the data (cl. 31)."),
                               legal=RULES(_l("cl. 31"))),
                "elements": _l("Elements"), "employees": _l("Authorised employees")},
        layout=Layout(
            list=("inn", "name", "short_name", "kind", "territory"),
            search=("inn", "name_ru", "name_ky", "kind", "territory"),
            form=("inn", "name_ky", "name_ru", "name_en", "short_name", "kind", "address", "territory", "head_name"),
            show=("inn", "name_ky", "name_ru", "name_en", "short_name", "kind", "address", "territory", "head_name",
                  "created_by", "created_on", "changed_by", "changed_on"),
            api=("id", "inn", "name_ky", "name_ru", "name_en", "short_name", "kind", "address", "territory_id",
                 "head_name")))

    id = Column(Integer, primary_key=True)
    inn = Column(String(14), nullable=False)
    kind = Column(String(16), nullable=False, default="state_body")
    short_name = Column(String(100))
    address = Column(String(255), nullable=False)
    territory_id = Column(Integer, ForeignKey("ref_territory.id"), index=True)
    territory = relationship("Territory", foreign_keys=[territory_id])
    head_name = Column(String(255))

    elements = relationship("EgovElement", back_populates="organisation", order_by="EgovElement.id")
    employees = relationship("EgovEmployee", back_populates="organisation", order_by="EgovEmployee.id")

    @classmethod
    def organisation_scope_condition(cls, organisation_id):
        return cls.id == organisation_id

    def scope_organisation_id(self):
        return self.id


class EgovEmployee(_OfOrganisation, Versioned, Tracked, Model):
    """An authorised employee of a subject (cl. 9, 15–17): responsible for the element and the accuracy of its
    data; appointed by a decision, valid for a period; their account (`user`) is bound to the organisation."""

    __tablename__ = "egov_employee"
    __table_args__ = (CheckConstraint("valid_until IS NULL OR valid_from <= valid_until",
                                      name="ck_egov_employee_validity"),)
    personal = True
    __dataset__ = Dataset(
        _l("Authorised employees"), _l("Authorised employee"),
        _l("Employees appointed by the subjects to enter and keep the data of their elements: name, position, "
           "departmental e-mail, appointing decision and validity."), RULES(_l("cl. 9, 15–17")),
        personal="personal", retention=RETENTION,
        fields={"organisation": F(_l("Subject of accounting"), personal="none"), "full_name": _l("Full name"),
                "position": _l("Position"),
                "email": F(_l("Departmental e-mail"), _l("The personal departmental e-mail the operator grants the "
                                                          "online entry rights to (cl. 19)."),
                           legal=RULES(_l("cl. 19"))),
                "decision_number": F(_l("Appointing decision number"), personal="none"),
                "decision_date": F(_l("Appointing decision date"), personal="none"),
                "valid_from": F(_l("Valid from"), personal="none"),
                "valid_until": F(_l("Valid until"), personal="none"),
                "user": F(_l("Account"), personal="none")},
        layout=Layout(
            list=("full_name", "position", "organisation", "email", "valid_from", "valid_until"),
            search=("full_name", "email", "organisation", "valid_until"),
            form=("organisation", "full_name", "position", "email", "decision_number", "decision_date", "valid_from",
                  "valid_until", "user"),
            show=("organisation", "full_name", "position", "email", "decision_number", "decision_date", "valid_from",
                  "valid_until", "user", "created_by", "created_on", "changed_by", "changed_on")))

    id = Column(Integer, primary_key=True)
    organisation_id = Column(Integer, ForeignKey("egov_organisation.id"), nullable=False, index=True)
    organisation = relationship(EgovOrganisation, back_populates="employees")
    full_name = Column(String(255), nullable=False)
    position = Column(String(255), nullable=False)
    email = Column(String(255), nullable=False)
    decision_number = Column(String(50), nullable=False)
    decision_date = Column(Date, nullable=False)
    valid_from = Column(Date, nullable=False)
    valid_until = Column(Date)
    user_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    user = relationship("User", foreign_keys=[user_id], enable_typechecks=False)

    def valid_on(self, day):
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def __repr__(self):
        return f"{self.full_name} ({self.position})"


class EgovElement(_OfOrganisation, Versioned, Tracked, Model):
    """An element of the e-government infrastructure with its cl. 20 data. The row is the working copy the
    authorised employee edits; each registered state is kept as an EgovElementVersion (append-only). Removal is a
    status, never a deletion (cl. 3)."""

    __tablename__ = "egov_element"
    __table_args__ = (UniqueConstraint("number", name="uq_egov_element_number"),)
    lookup_fields = ("number", "short_name", "full_name")
    __dataset__ = Dataset(
        _l("Elements of the e-government infrastructure"), _l("Element of the infrastructure"),
        _l("Information systems, software, data-processing centres and shared software-hardware complexes of state "
           "and LSG bodies with the data of cl. 20 of the rules."), RULES(_l("cl. 20")), retention=RETENTION,
        fields={
            "number": F(_l("Register number"), _l("Given on the first registration.")),
            "organisation": F(_l("Owner (subject of accounting)"), legal=RULES(_l("cl. 5"))),
            "full_name": F(_l("Full name"), legal=RULES(_l("cl. 20(1)"))),
            "short_name": F(_l("Short name"), legal=RULES(_l("cl. 20(1)"))),
            "kind": F(_l("Type"), _l("Exactly one of the four types of the annex."), classifier="egov_element_kind",
                      legal=RULES(_l("cl. 20(2)"))),
            "operator_name": F(_l("Operator"), _l("The organisation operating the element, where it is not the "
                                                  "owner."), legal=RULES(_l("cl. 20(3)"))),
            "purpose": F(_l("Purpose, direction, main functions and area of use"), legal=RULES(_l("cl. 20(4)"))),
            "legal_acts": F(_l("Legal acts on creation, modification and commissioning"),
                            legal=RULES(_l("cl. 20(5)"))),
            "responsible_unit": F(_l("Structural unit and officials responsible for operation"),
                                  legal=RULES(_l("cl. 20(6)"))),
            "architecture": F(_l("Architecture"), legal=RULES(_l("cl. 20(7)"))),
            "interactions": F(_l("Resources of other systems it interacts with"), legal=RULES(_l("cl. 20(10)"))),
            "location": F(_l("Location"), legal=RULES(_l("cl. 20(13)"))),
            "location_keeper": F(_l("Who keeps the location data up to date"), legal=RULES(_l("cl. 20(13)"))),
            "developer": F(_l("Developer or supplier"), legal=RULES(_l("cl. 20(14)"))),
            "users_count": F(_l("Number of users"), classifier="egov_users_count", legal=RULES(_l("cl. 20(15)"))),
            "funding": F(_l("Source of funding"), classifier="egov_funding_source", legal=RULES(_l("cl. 20(16)"))),
            "commissioned_on": F(_l("Commissioned on"), legal=RULES(_l("cl. 20(17)"))),
            "is_internal": F(_l("Internal (not published)"), _l("Left out of the public register and open data.")),
            "status": F(_l("Status"), states=ELEMENT_STATUSES), "registered_on": _l("Registered on"),
            "removed_on": F(_l("Removed on"), legal=RULES(_l("cl. 28"))),
            "items": _l("Software, information resources and services"), "documents": _l("Documents"),
            "versions": _l("Registered versions"), "relations": _l("Relations"),
            "applications": _l("Applications")},
        layout=Layout(
            list=("number", "short_name", "full_name", "kind", "organisation", "status", "registered_on"),
            search=("number", "full_name", "short_name", "kind", "organisation", "status", "funding", "registered_on"),
            form=("organisation", "full_name", "short_name", "kind", "operator_name", "purpose", "legal_acts",
                  "responsible_unit", "architecture", "interactions", "location", "location_keeper", "developer",
                  "users_count", "funding", "commissioned_on", "is_internal")))

    id = Column(Integer, primary_key=True)
    number = Column(String(20))
    organisation_id = Column(Integer, ForeignKey("egov_organisation.id"), nullable=False, index=True)
    organisation = relationship(EgovOrganisation, back_populates="elements")
    full_name = Column(String(500), nullable=False)
    short_name = Column(String(100))
    kind = Column(String(20), index=True)
    operator_name = Column(String(255))
    purpose = Column(Text)
    legal_acts = Column(Text)
    responsible_unit = Column(Text)
    architecture = Column(Text)
    interactions = Column(Text)
    location = Column(String(500))
    location_keeper = Column(String(255))
    developer = Column(String(255))
    users_count = Column(String(16))
    funding = Column(String(20))
    commissioned_on = Column(Date)
    is_internal = Column(Integer, nullable=False, default=0, server_default="0")
    status = Column(String(12), nullable=False, default="draft", index=True)
    registered_on = Column(Date)
    removed_on = Column(Date)

    items = relationship("EgovElementItem", back_populates="element", order_by="EgovElementItem.id",
                         cascade="all, delete-orphan")
    documents = relationship("EgovDocument", back_populates="element", order_by="EgovDocument.id")
    versions = relationship("EgovElementVersion", back_populates="element", order_by="EgovElementVersion.number")
    relations = relationship("EgovRelation", back_populates="element", foreign_keys="EgovRelation.element_id",
                             order_by="EgovRelation.id")
    applications = relationship("EgovApplication", back_populates="element", order_by="EgovApplication.id")

    def items_of(self, kind):
        return [i for i in self.items if i.kind == kind]

    def __repr__(self):
        return self.short_name or self.full_name or ""


class EgovElementItem(_OfElement, Versioned, Tracked, Model):
    """One entry of an element's lists: software used (cl. 20(8)), information resources it contains (cl. 20(9)),
    information services it provides (cl. 20(11))."""

    __tablename__ = "egov_element_item"
    __dataset__ = Dataset(
        _l("Software, information resources and services of elements"), _l("Entry of an element's list"),
        _l("The software an element uses, the information resources it contains and the information services it "
           "provides."), RULES(_l("cl. 20(8), 20(9), 20(11)")), retention=RETENTION,
        fields={"element": _l("Element"), "kind": F(_l("List"), states=ITEM_KINDS), "name": _l("Name"),
                "description": _l("Description")},
        layout=Layout(
            list=("kind", "name", "description"),
            form=("element", "kind", "name", "description"),
            edit=("kind", "name", "description"),
            show=("element", "kind", "name", "description")))

    id = Column(Integer, primary_key=True)
    element_id = Column(Integer, ForeignKey("egov_element.id"), nullable=False, index=True)
    element = relationship(EgovElement, back_populates="items")
    kind = Column(String(10), nullable=False)
    name = Column(String(255), nullable=False)
    description = Column(Text)

    def __repr__(self):
        return self.name or ""


class EgovElementVersion(_OfElement, Model):
    """A registered state of an element (append-only): its cl. 20 data and lists as they were registered by the
    operator (first registration and every modification). Never edited or deleted."""

    __tablename__ = "egov_element_version"
    __table_args__ = (UniqueConstraint("element_id", "number", name="uq_egov_element_version"),)
    __dataset__ = Dataset(
        _l("Registered versions of elements"), _l("Registered version"),
        _l("Each registered state of an element, kept as registered (append-only), to show what changed since "
           "registration."), RULES(_l("cl. 21, 24")), retention=RETENTION,
        fields={"element": _l("Element"), "number": _l("Version"), "registered_at": _l("Registered at"),
                "data": _l("Registered data"), "application": _l("Application"),
                "registered_by": _l("Registered by"), "registered_by_fk": _l("Registered by")},
        layout=Layout(
            list=("element", "number", "registered_at", "application", "registered_by"),
            search=("element", "registered_at"),
            show=("element", "number", "registered_at", "application", "registered_by", "data")))

    id = Column(Integer, primary_key=True)
    element_id = Column(Integer, ForeignKey("egov_element.id"), nullable=False, index=True)
    element = relationship(EgovElement, back_populates="versions")
    number = Column(Integer, nullable=False)
    registered_at = Column(UTCDateTime, nullable=False)
    data = Column(JSON, nullable=False)
    application_id = Column(Integer, ForeignKey("egov_application.id"))
    application = relationship("EgovApplication", foreign_keys=[application_id])
    registered_by_fk = Column(Integer, ForeignKey("ab_user.id"))
    registered_by = relationship("User", foreign_keys=[registered_by_fk], enable_typechecks=False)

    def __repr__(self):
        return f"v{self.number}"


class EgovRelation(_OfElement, Versioned, Tracked, Model):
    """A relation of an element to another one: uses, used by, part of, exchanges through Tunduk (cl. 6–7,
    with the Tunduk service)."""

    __tablename__ = "egov_relation"
    __table_args__ = (
        UniqueConstraint("element_id", "target_id", "kind", name="uq_egov_relation"),
        CheckConstraint("element_id <> target_id", name="ck_egov_relation_self"),
    )
    __dataset__ = Dataset(
        _l("Relations between elements"), _l("Relation between elements"),
        _l("Which elements use, are used by, are part of or exchange data through Tunduk with which, and the "
           "Tunduk service of the exchange."), RULES(_l("cl. 6, 7, 20(10)")), retention=RETENTION,
        fields={"element": _l("Element"), "target": _l("Related element"),
                "kind": F(_l("Relation"), classifier="egov_relation_kind"),
                "service": F(_l("Tunduk service"), _l("The service code or name of the exchange through Tunduk."))},
        layout=Layout(
            list=("element", "kind", "target", "service"),
            form=("element", "kind", "target", "service"),
            edit=("kind", "target", "service"),
            show=("element", "kind", "target", "service")))

    id = Column(Integer, primary_key=True)
    element_id = Column(Integer, ForeignKey("egov_element.id"), nullable=False, index=True)
    element = relationship(EgovElement, back_populates="relations", foreign_keys=[element_id])
    target_id = Column(Integer, ForeignKey("egov_element.id"), nullable=False, index=True)
    target = relationship(EgovElement, foreign_keys=[target_id])
    kind = Column(String(10), nullable=False)
    service = Column(String(255))

    def __repr__(self):
        return f"{self.element} → {self.target}"


class EgovApplication(_OfOrganisation, Versioned, Tracked, Model):
    """An application to the register: access (cl. 15–19), registration (cl. 20–23), modification (cl. 24),
    removal (cl. 27–29) or a request for additional information by the authorised body (cl. 10). Its workflow is
    declared in app/services/egov_registry.py; its steps are kept in EgovApplicationStep."""

    __tablename__ = "egov_application"
    __dataset__ = Dataset(
        _l("Applications to the register"), _l("Application to the register"),
        _l("Applications for access, registration, modification and removal of elements and requests for "
           "information, with their deadlines, decisions and refusal grounds."), RULES(_l("cl. 10, 15–29")),
        retention=RETENTION,
        fields={
            "number": _l("Application number"), "organisation": _l("Subject of accounting"),
            "kind": F(_l("Kind of application"), states=APPLICATION_KINDS),
            "status": F(_l("Status"), states=APPLICATION_STATUSES), "element": _l("Element"),
            "received_on": F(_l("Received on"), _l("The day the deadlines are counted from.")),
            "submitted_by": _l("Submitted by"), "submitted_by_fk": _l("Submitted by"),
            "submitter_name": F(_l("Submitter"), personal="personal"),
            "employee": F(_l("Authorised employee"), personal="personal"),
            "language": F(_l("Language of the applicant"), states=LANGUAGES),
            "element_full_name": F(_l("Full name of the element"), legal=RULES(_l("cl. 17"))),
            "element_short_name": F(_l("Short name of the element"), legal=RULES(_l("cl. 17"))),
            "element_kind": F(_l("Type of the element"), classifier="egov_element_kind", legal=RULES(_l("cl. 17"))),
            "decision_date": F(_l("Date of the decision to stop operation"), legal=RULES(_l("cl. 27"))),
            "request_text": F(_l("Information requested"), legal=RULES(_l("cl. 10"))),
            "answer_text": _l("Answer"),
            "missing_items": F(_l("Missing cl. 20 items"), _l("The items of cl. 20 found missing on review.")),
            "refusal_ground": F(_l("Ground of refusal"), legal=RULES(_l("cl. 23"))),
            "refusal_text": F(_l("Refusal"), legal=RULES(_l("cl. 23"))),
            "resubmission_of": _l("Resubmission of"), "decided_on": _l("Decided on"),
            "history": _l("Steps of the application"), "documents": _l("Documents")},
        layout=Layout(
            list=("number", "kind", "organisation", "element", "status", "received_on", "decided_on"),
            search=("number", "kind", "status", "organisation", "element", "received_on"),
            form=("kind", "organisation", "element", "employee", "submitter_name", "language", "element_full_name",
                  "element_short_name", "element_kind", "decision_date", "request_text"),
            edit=("element", "employee", "submitter_name", "language", "element_full_name", "element_short_name",
                  "element_kind", "decision_date", "request_text")))

    id = Column(Integer, primary_key=True)
    number = Column(String(20))
    organisation_id = Column(Integer, ForeignKey("egov_organisation.id"), nullable=False, index=True)
    organisation = relationship(EgovOrganisation)
    kind = Column(String(14), nullable=False, index=True)
    status = Column(String(20), nullable=False, default="submitted", index=True)
    element_id = Column(Integer, ForeignKey("egov_element.id"), index=True)
    element = relationship(EgovElement, back_populates="applications")
    received_on = Column(Date, nullable=False)
    submitted_by_fk = Column(Integer, ForeignKey("ab_user.id"))
    submitted_by = relationship("User", foreign_keys=[submitted_by_fk], enable_typechecks=False)
    submitter_name = Column(String(255))
    employee_id = Column(Integer, ForeignKey("egov_employee.id"))
    employee = relationship(EgovEmployee)
    language = Column(String(2), nullable=False, default="ky")
    element_full_name = Column(String(500))
    element_short_name = Column(String(100))
    element_kind = Column(String(20))
    decision_date = Column(Date)
    request_text = Column(Text)
    answer_text = Column(Text)
    missing_items = Column(JSON)
    refusal_ground = Column(String(10))
    refusal_text = Column(Text)
    resubmission_of_id = Column(Integer, ForeignKey("egov_application.id"))
    resubmission_of = relationship("EgovApplication", remote_side=[id])
    decided_on = Column(Date)
    note = Column(Text)

    history = relationship("EgovApplicationStep", back_populates="application", order_by="EgovApplicationStep.id")
    documents = relationship("EgovDocument", back_populates="application", order_by="EgovDocument.id")

    def __repr__(self):
        return f"№{self.number}" if self.number else str(APPLICATION_KINDS.get(self.kind, self.kind))


class EgovApplicationStep(StatusHistory, Model):
    __tablename__ = "egov_application_step"
    __history_parent__ = "application"
    __dataset__ = Dataset(_l("Steps of applications"), _l("Step of an application"),
                          _l("Every step of every application: when, from which status to which, who, why."),
                          RULES(_l("cl. 18–29")), retention=RETENTION,
                          fields={"application": _l("Application"), **history_fields()},
        layout=Layout(
            list=("at", "from_status", "to_status", "reason", "note", "actor"),
            search=("at", "to_status"),
            show=("application", "at", "from_status", "to_status", "reason", "note", "actor")))

    id = Column(Integer, primary_key=True)
    application_id = Column(Integer, ForeignKey("egov_application.id"), nullable=False, index=True)
    application = relationship(EgovApplication, back_populates="history")

    @classmethod
    def organisation_scope_condition(cls, organisation_id):
        return cls.application_id.in_(select(EgovApplication.id).where(
            EgovApplication.organisation_id == organisation_id))

    def scope_organisation_id(self):
        application = related_now(self, "application")
        return application.scope_organisation_id() if application is not None else None


class EgovDocument(_OfElement, StoredDocument, Versioned, Tracked, Model):
    __download_view__ = "EgovDocumentView"
    """A typed document of an element (legal act, architecture, technical documentation with scans, commissioning
    act, decision to stop operation), with its file stored by the documents mechanism of
    app/services/municipal_property.py (checked type and size, generated stored name, audited downloads)."""

    __tablename__ = "egov_document"
    __table_args__ = (UniqueConstraint("stored_name", name="uq_egov_document_stored_name"),)
    __dataset__ = Dataset(
        _l("Documents of elements"), _l("Document of an element"),
        _l("Legal acts, architecture, technical documentation, commissioning acts and decisions to stop operation "
           "of the elements, with their files."), RULES(_l("cl. 20(5), 20(7), 20(12), 20(17), 27")),
        retention=RETENTION,
        fields={"element": _l("Element"), "application": _l("Application"),
                "kind": F(_l("Kind of document"), classifier="egov_document_kind"),
                "title": _l("Document"), "number": _l("Number"), "doc_date": _l("Date"),
                "file": F(_l("File"), _l("PDF, JPEG, PNG, DOCX, XLSX or ODT, up to 10 MB.")),
                "file_link": _l("File"), "file_name": _l("File name"), "stored_name": _l("Stored file"),
                "content_type": _l("File type"), "size_bytes": _l("Size, bytes"), "size_label": _l("Size")},
        layout=Layout(
            list=("element", "kind", "title", "number", "doc_date", "file_link", "size_label"),
            search=("title", "number", "doc_date", "kind", "element"),
            form=("element", "application", "kind", "title", "number", "doc_date", "file"),
            edit=("kind", "title", "number", "doc_date"),
            show=("element", "application", "kind", "title", "number", "doc_date", "file_link", "content_type",
                  "size_label", "created_by", "created_on")))

    id = Column(Integer, primary_key=True)
    element_id = Column(Integer, ForeignKey("egov_element.id"), nullable=False, index=True)
    element = relationship(EgovElement, back_populates="documents")
    application_id = Column(Integer, ForeignKey("egov_application.id"), index=True)
    application = relationship(EgovApplication, back_populates="documents")
    kind = Column(String(20), nullable=False)
