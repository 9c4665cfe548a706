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
from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, \
    UniqueConstraint, event, select, text
from sqlalchemy.orm import relationship

from models.base import Multilingual, TerritoryScoped, Tracked

KINDS = {"housing": _l("Individual housing construction"), "lease": _l("Lease")}
STATUSES = {"queue": _l("In queue"), "allocated": _l("Plot allocated"), "removed": _l("Removed from the queue")}
#: Grounds for taking an application off the list, modelled on Regulation No. 177 (a citizen's own request, the right
#: exercised or lost, false documents) and on the general rules for registers of citizens.
REMOVAL_REASONS = {
    "own_request": _l("At the applicant's request"),
    "plot_received": _l("Received a plot or housing elsewhere"),
    "moved_away": _l("Moved to another place of residence"),
    "not_eligible": _l("No longer eligible"),
    "false_documents": _l("Documents with false information"),
    "death": _l("Death of the applicant"),
    "duplicate": _l("Duplicate application"),
}
FAMILY_RELATIONS = {"spouse": _l("Spouse"), "child": _l("Child"), "parent": _l("Parent"),
                    "sibling": _l("Brother or sister"), "other_relative": _l("Other relative")}


class LandCategory(Multilingual, Tracked, Model):
    """A priority category of the queue (editable classifier). Applications are ordered by the category's `rank`
    (smaller first), then by the time received; categories of equal rank are served by time received.

    The seeded categories (app/seed/land_queue.py) follow the Land Code, Regulation No. 177 and the laws that give
    groups of citizens a priority right (Children's Code: orphans and graduates of children's homes; the Law on the
    rights and guarantees of persons with disabilities; the Law on the status of servicemen); an LSG body adjusts
    ranks to the edition of the rules in force."""

    __tablename__ = "land_queue_category"

    id = Column(Integer, primary_key=True)
    code = Column(String(32), unique=True, nullable=False)
    rank = Column(Integer, nullable=False, default=100)
    min_age = Column(Integer, nullable=False, default=18)  # youngest applicant of this category (years)
    legal_basis = Column(String(500))
    active = Column(Boolean, nullable=False, default=True)  # inactive: kept for old applications, not offered


class LandApplication(TerritoryScoped, Tracked, Model):
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
    personal = True
    lookup_fields = ("number", "full_name", "pin")

    id = Column(Integer, primary_key=True)
    number = Column(String(40), unique=True, nullable=False)
    year = Column(Integer, nullable=False)
    seq = Column(Integer, nullable=False)
    kind = Column(String(10), nullable=False, default="housing")
    category_id = Column(Integer, ForeignKey("land_queue_category.id"), nullable=False, index=True)
    category = relationship(LandCategory)
    received_at = Column(DateTime, nullable=False)
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


class LandFamilyMember(Tracked, Model):
    """A member of the applicant's family, with a PIN (optional list; the family size is on the application)."""

    __tablename__ = "land_queue_family_member"
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
        return self.application.territory_id if self.application is not None else None

    def __repr__(self):
        return f"{self.full_name} ({self.pin})"


class LandStatusChange(Tracked, Model):
    """One step of an application's history: who (created_by), when (`at`), from → to, and why. Written only by
    the services, never edited."""

    __tablename__ = "land_queue_status_change"

    id = Column(Integer, primary_key=True)
    application_id = Column(Integer, ForeignKey("land_queue_application.id"), nullable=False, index=True)
    application = relationship(LandApplication, back_populates="history")
    at = Column(DateTime, nullable=False)
    from_status = Column(String(12))  # empty for the registration
    to_status = Column(String(12), nullable=False)
    reason = Column(String(32))  # a REMOVAL_REASONS code for a removal
    note = Column(String(500))

    @classmethod
    def scope_condition(cls, territory_ids):
        return cls.application_id.in_(select(LandApplication.id).where(LandApplication.territory_id.in_(territory_ids)))

    def scope_territory_id(self):
        return self.application.territory_id if self.application is not None else None

    def __repr__(self):
        before = STATUSES.get(self.from_status, self.from_status or "—")
        return f"{before} → {STATUSES.get(self.to_status, self.to_status)}"
