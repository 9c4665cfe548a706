"""Land-plot queue (очередь на земельный участок): applications of citizens for a municipal land plot for individual
housing construction (ИЖС) or for lease, kept by the aiyl okmotu or the city mayor's office.

Legal basis: the Land Code of the Kyrgyz Republic (2 June 1999 No. 45: land of settlements is provided by the
executive bodies of local self-government); the Regulation on the procedure for providing land plots for individual
housing construction, approved by Government Resolution of 6 May 2005 No. 177 (as amended up to the Cabinet of
Ministers' resolution of 31 May 2022): plots are provided in the order of the list of citizens who applied, lists
are kept by the local body and published. Rules that touch several rows (positions, numbers, transitions) live in
app/services/land_queue.py."""
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, Numeric, String, Text, \
    UniqueConstraint, event, select, text
from sqlalchemy.orm import relationship

from models.base import Multilingual, TerritoryScoped, Tracked, parent_scope_territory_id, Versioned
from models.types import UTCDateTime
from models.dictionary import Dataset, F, Layout, Legal, classifier
from models.extensible import Extensible
from models.workflow import StatusHistory, history_fields

KINDS = classifier("land_queue_kind", _l("Kinds of land-plot queues"), {
    "housing": _l("Individual housing construction"), "lease": _l("Lease")}, module="land_queue", open=False,
    system=("housing", "lease"))
STATUSES = {"queue": _l("In queue"), "allocated": _l("Plot allocated"), "removed": _l("Removed from the queue")}
#: Grounds for taking an application off the list, modelled on Regulation No. 177 (a citizen's own request, the right
#: exercised or lost, false documents) and on the general rules for registers of citizens.
REMOVAL_REASONS = classifier("land_removal_reason", _l("Grounds for removal from the land-plot queue"), {
    "own_request": _l("At the applicant's request"),
    "plot_received": _l("Received a plot or housing elsewhere"),
    "moved_away": _l("Moved to another place of residence"),
    "not_eligible": _l("No longer eligible"),
    "false_documents": _l("Documents with false information"),
    "death": _l("Death of the applicant"),
    "duplicate": _l("Duplicate application"),
}, module="land_queue")
FAMILY_RELATIONS = classifier("family_relation", _l("Relations to the applicant"), {
    "spouse": _l("Spouse"), "child": _l("Child"), "parent": _l("Parent"), "sibling": _l("Brother or sister"),
    "other_relative": _l("Other relative")}, module="land_queue")
LAND = Legal("land_regulation")
LAND_RETENTION = _l("Kept as the published list of the LSG body; allocated and removed applications stay as "
                    "history.")


class LandCategory(Multilingual, Versioned, Tracked, Model):
    """A priority category of the queue (editable classifier). Applications are ordered by the category's `rank`
    (smaller first), then by the time received; categories of equal rank are served by time received.

    The seeded categories (app/seed/land_queue.py) follow the Land Code, Regulation No. 177 and the laws that give
    groups of citizens a priority right (Children's Code: orphans and graduates of children's homes; the Law on the
    rights and guarantees of persons with disabilities; the Law on the status of servicemen); an LSG body adjusts
    ranks to the edition of the rules in force."""

    __tablename__ = "land_queue_category"
    __dataset__ = Dataset(
        _l("Land queue priority categories"), _l("Priority category"),
        _l("Priority categories of the land-plot queue with their rank, minimum age and legal basis."), LAND,
        reference=True,
        fields={"rank": F(_l("Priority rank"), _l("Smaller is served first; categories of equal rank are served by "
                                                  "the time received.")),
                "min_age": _l("Minimum age of the applicant"), "legal_basis": _l("Legal basis"),
                "active": F(_l("In use"), _l("Categories no longer in use stay on old applications but are not "
                                             "offered for new ones."))},
        layout=Layout(
            list=("rank", "code", "name", "min_age", "active"),
            search=("code", "name_ky", "name_ru", "name_en", "rank", "active"),
            form=("code", "name_ky", "name_ru", "name_en", "rank", "min_age", "legal_basis", "active"),
            show=("code", "name_ky", "name_ru", "name_en", "rank", "min_age", "legal_basis", "active", "changed_by",
                  "changed_on")))

    id = Column(Integer, primary_key=True)
    code = Column(String(32), unique=True, nullable=False)
    rank = Column(Integer, nullable=False, default=100)
    min_age = Column(Integer, nullable=False, default=18)  # youngest applicant of this category (years)
    legal_basis = Column(String(500))
    active = Column(Boolean, nullable=False, default=True)  # inactive: kept for old applications, not offered


class LandApplication(Extensible, TerritoryScoped, Versioned, Tracked, Model):
    """An application for a land plot. `position` is computed by the services (never entered) and is set only while
    the application is in the queue; `number` is issued at registration (<year>-<territory code tail>-<seq>)."""

    __tablename__ = "land_queue_application"
    __table_args__ = (
        UniqueConstraint("territory_id", "year", "seq", name="uq_land_queue_seq"),
        # positions are unique within one queue (a territory and a kind); NULL (not in the queue) never clashes
        Index("uq_land_queue_position", "territory_id", "kind", "position", unique=True),
        # a person is in the queue of one kind at most once (services check it first, with a message)
        Index("uq_land_queue_active_pin", "pin", "kind", unique=True, sqlite_where=text("status = 'queue'"),
              postgresql_where=text("status = 'queue'")),
        Index("ix_land_queue_queue", "territory_id", "kind", "status"),
    )
    __dataset__ = Dataset(
        _l("Land plot applications"), _l("Land plot application"),
        _l("Applications of citizens for a municipal land plot, ordered into gap-free queues by priority category "
           "and time received; allocation and removal with their decisions."), LAND, personal="personal",
        retention=LAND_RETENTION, extensible=True,
        fields={
            "number": _l("Application number"), "year": _l("Year"), "seq": _l("Sequence number"),
            "kind": F(_l("Kind"), classifier="land_queue_kind", personal="none"),
            "category": F(_l("Priority category"), _l("Applications are ordered by the category's priority, then "
                                                      "by the time received.")),
            "territory": F(_l("Territory"), _l("The aiyl aimak or city whose queue the application joins."),
                           personal="none"),
            "received_at": F(_l("Time received"), _l("Leave empty to register it now; give the time for an "
                                                     "application received on paper.")),
            "last_name": _l("Last name"), "first_name": _l("First name"), "patronymic": _l("Patronymic"),
            "full_name": _l("Applicant"),
            "pin": F(_l("PIN"), _l("14 digits: 1 (female) or 2 (male), the date of birth DDMMYYYY, a serial.")),
            "address": _l("Address"), "phone": _l("Phone"),
            "family_size": F(_l("Number of family members"), _l("All members of the family, the applicant "
                                                                "included.")),
            "status": F(_l("Status"), states=STATUSES), "position": _l("Position in the queue"),
            "plot_cadastral_number": _l("Cadastral number of the plot"), "plot_address": _l("Address of the plot"),
            "plot_area": _l("Area of the plot, m²"), "decision_number": _l("Decision number"),
            "decision_date": _l("Decision date"),
            "removal_reason": F(_l("Reason for removal"), classifier="land_removal_reason"),
            "removed_on": _l("Removed on"), "family": _l("Family members"), "history": _l("Status history")},
        layout=Layout(
            list=("number", "territory", "kind", "category", "position", "status", "full_name", "received_at"),
            search=("number", "full_name", "pin", "territory", "kind", "category", "status", "position",
                    "received_at", "decision_date"),
            form=("territory", "kind", "category", "received_at", "last_name", "first_name", "patronymic", "pin",
                  "address", "phone", "family_size", "note"),
            # edited: data fields only; the territory, kind and time received place the application in its queue,
            # and the position is computed (app/services/land_queue.py)
            edit=("category", "last_name", "first_name", "patronymic", "pin", "address", "phone", "family_size",
                  "note")))
    personal = True
    lookup_fields = ("number", "full_name", "pin")

    id = Column(Integer, primary_key=True)
    number = Column(String(40), unique=True, nullable=False)
    year = Column(Integer, nullable=False)
    seq = Column(Integer, nullable=False)
    kind = Column(String(10), nullable=False, default="housing")
    category_id = Column(Integer, ForeignKey("land_queue_category.id"), nullable=False, index=True)
    category = relationship(LandCategory)
    received_at = Column(UTCDateTime, nullable=False)
    # applicant
    last_name = Column(String(100), nullable=False)
    first_name = Column(String(100), nullable=False)
    patronymic = Column(String(100))
    full_name = Column(String(310), nullable=False, index=True)  # kept by the model, searched by name
    pin = Column(String(14), nullable=False, index=True)
    address = Column(String(255), nullable=False)
    phone = Column(String(32))
    family_size = Column(Integer, nullable=False, default=1)  # members of the family, the applicant included
    # queue
    status = Column(String(12), nullable=False, default="queue")
    position = Column(Integer)
    # plot allocated
    plot_cadastral_number = Column(String(32), unique=True)
    plot_address = Column(String(255))
    plot_area = Column(Numeric(12, 2))  # square metres
    decision_number = Column(String(64))
    decision_date = Column(Date)
    # removed
    removal_reason = Column(String(32))
    removed_on = Column(Date)
    note = Column(Text)

    family = relationship("LandFamilyMember", back_populates="application", order_by="LandFamilyMember.id")
    history = relationship("LandStatusChange", back_populates="application", order_by="LandStatusChange.id")

    def __repr__(self):
        return f"№{self.number} {self.full_name}" if self.number else (self.full_name or "")


@event.listens_for(LandApplication, "before_insert")
@event.listens_for(LandApplication, "before_update")
def _full_name(_mapper, _connection, application):
    application.full_name = " ".join(
        p for p in (application.last_name, application.first_name, application.patronymic) if p)


class LandFamilyMember(Versioned, Tracked, Model):
    """A member of the applicant's family, with a PIN (optional list; the family size is on the application)."""

    __tablename__ = "land_queue_family_member"
    __dataset__ = Dataset(
        _l("Family members of applicants"), _l("Family member"),
        _l("Members of an applicant's family with their PINs."), LAND, personal="personal",
        retention=LAND_RETENTION,
        fields={"application": _l("Application"), "full_name": _l("Full name"),
                "pin": F(_l("PIN"), _l("14 digits: 1 (female) or 2 (male), the date of birth DDMMYYYY, a serial.")),
                "relation": F(_l("Relation to the applicant"), classifier="family_relation")},
        layout=Layout(
            list=("full_name", "pin", "relation", "application"),
            search=("full_name", "pin", "relation"),
            form=("application", "full_name", "pin", "relation"),
            edit=("full_name", "pin", "relation"),
            show=("application", "full_name", "pin", "relation", "created_by", "created_on")))
    personal = True

    id = Column(Integer, primary_key=True)
    application_id = Column(Integer, ForeignKey("land_queue_application.id"), nullable=False, index=True)
    application = relationship(LandApplication, back_populates="family")
    pin = Column(String(14), nullable=False)
    full_name = Column(String(310), nullable=False)
    relation = Column(String(20), nullable=False, default="child")

    @classmethod
    def scope_condition(cls, territory_ids):
        return cls.application_id.in_(select(LandApplication.id).where(LandApplication.territory_id.in_(territory_ids)))

    def scope_territory_id(self):
        return parent_scope_territory_id(self, "application")

    def __repr__(self):
        return f"{self.full_name} ({self.pin})"


class LandStatusChange(StatusHistory, Tracked, Model):
    """One step of an application's history (app/workflow.py's StatusHistory: when, from → to, who, the removal
    reason, the note). Written only by the services, never edited."""

    __tablename__ = "land_queue_status_change"
    __history_parent__ = "application"
    __dataset__ = Dataset(
        _l("Status history of land applications"), _l("Status change"),
        _l("Who moved an application from which status to which, when and why."), LAND, personal="personal",
        retention=LAND_RETENTION,
        fields={"application": _l("Application"), **history_fields(reason="land_removal_reason")},
        layout=Layout(
            list=("at", "from_status", "to_status", "reason", "note", "actor"),
            search=("at", "to_status", "reason"),
            show=("application", "at", "from_status", "to_status", "reason", "note", "actor")))

    id = Column(Integer, primary_key=True)
    application_id = Column(Integer, ForeignKey("land_queue_application.id"), nullable=False, index=True)
    application = relationship(LandApplication, back_populates="history")

    @classmethod
    def scope_condition(cls, territory_ids):
        return cls.application_id.in_(select(LandApplication.id).where(LandApplication.territory_id.in_(territory_ids)))

    def scope_territory_id(self):
        return parent_scope_territory_id(self, "application")

    def __repr__(self):
        before = STATUSES.get(self.from_status, self.from_status or "—")
        return f"{before} → {STATUSES.get(self.to_status, self.to_status)}"
