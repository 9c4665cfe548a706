"""Unified register of municipal property: objects, leases, documents, decommissioning, event history.

Legal basis: the Law of the Kyrgyz Republic of 15 March 2002 No. 37 "On municipal property" ("О муниципальной
собственности на имущество": the local self-government body keeps the register of the community's property and
decides on its use: lease, operational management, free use, alienation) and the regulation on the procedure of
decommissioning (writing off) municipal property (Муниципалдык менчикти эсептен чыгаруу тартиби жөнүндө жобо).
The rules themselves live in app/services/municipal_property.py."""
import decimal

from flask_appbuilder import Model
from flask_babel import format_decimal, lazy_gettext as _l
from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, Integer, Numeric, String, Text, \
    UniqueConstraint, event, select, text
from sqlalchemy.orm import relationship

from models.base import Multilingual, StoredDocument, TerritoryScoped, Tracked, parent_scope_territory_id, Versioned
from models.dictionary import Dataset, F, Layout, Legal, classifier
from models.extensible import Extensible
from models.workflow import StatusHistory, history_fields
from app.clock import local_today

KINDS = classifier("property_kind", _l("Kinds of municipal property"), {
    "land": _l("Land plot"), "building": _l("Building"), "premises": _l("Premises"),
    "infrastructure": _l("Infrastructure and engineering networks"), "movable": _l("Movable property"),
}, module="municipal_property", open=False, system=("land", "building", "premises", "infrastructure", "movable"))
#: the unit the area of an object of each kind is kept in (movable property has no area)
AREA_UNITS = {"land": "ha", "building": "m2", "premises": "m2", "infrastructure": "m2"}
UNIT_LABELS = {"ha": _l("ha"), "m2": _l("m²")}
IMMOVABLE = ("land", "building", "premises", "infrastructure")  # the kinds that carry a cadastral number
ACQUISITION_BASES = classifier("acquisition_basis", _l("Bases of acquisition"), {
    "purchase": _l("Purchase"), "construction": _l("Construction"),
    "state_transfer": _l("Transfer from state property"), "donation": _l("Donation"), "other": _l("Other basis"),
}, module="municipal_property")
CONDITIONS = classifier("object_condition", _l("Conditions of objects"), {
    "good": _l("Good"), "satisfactory": _l("Satisfactory"), "needs_repair": _l("Needs repair"),
    "emergency": _l("Emergency")})
USE_MODES = classifier("property_use_mode", _l("Uses of municipal property"), {
    "vacant": _l("Not in use (free)"), "lease": _l("Leased"), "operational": _l("Operational management"),
    "free_use": _l("Free use")}, module="municipal_property", open=False,
    system=("vacant", "lease", "operational", "free_use"))
STATUSES = {"active": _l("In the register"), "decommissioned": _l("Decommissioned")}
TENANT_KINDS = classifier("tenant_kind", _l("Kinds of tenants"), {
    "organisation": _l("Organisation"), "person": _l("Individual")}, module="municipal_property", open=False,
    system=("organisation", "person"))
EVENT_KINDS = classifier("property_event_kind", _l("Kinds of property events"), {
    "acquired": _l("Acquired"), "lease_started": _l("Lease started"), "lease_ended": _l("Lease ended"),
    "transferred": _l("Transferred"), "revalued": _l("Revalued"), "decommissioned": _l("Decommissioned"),
}, module="municipal_property", open=False,
    system=("acquired", "lease_started", "lease_ended", "transferred", "revalued", "decommissioned"))
PROPERTY = Legal("property_law")
PROPERTY_RETENTION = _l("Kept permanently: decommissioned objects, ended leases and events stay as the history of "
                        "the register.")
DECOMMISSION_STATUSES = {"pending": _l("Awaiting approval"), "approved": _l("Approved"),
                         "rejected": _l("Rejected")}
#: the decommissioning reasons classifier (seeded in three languages by app/seed/municipal_property.py)
DECOMMISSION_REASONS = [
    ("wear", "Физический и моральный износ", "Физикалык жана моралдык эскирүү", "Wear and obsolescence"),
    ("destruction", "Уничтожение (авария, стихийное бедствие, пожар)",
     "Жок болуу (авария, табигый кырсык, өрт)", "Destruction (accident, natural disaster, fire)"),
    ("sale", "Продажа, приватизация", "Сатуу, менчиктештирүү", "Sale or privatisation"),
    ("transfer", "Передача в иную собственность", "Башка менчикке өткөрүп берүү", "Transfer to another owner"),
    ("other", "Иное", "Башка", "Other"),
]


class PropertyObject(Extensible, TerritoryScoped, Versioned, Tracked, Model):
    """An object of municipal property in the register of the aiyl aimak or city that owns it (the territory).

    A decommissioned object leaves the active register (status) but its row, leases, documents and events stay."""

    __tablename__ = "municipal_property_object"
    __table_args__ = (
        UniqueConstraint("territory_id", "inventory_number", name="uq_mp_object_inventory"),
        CheckConstraint("balance_value >= 0", name="ck_mp_object_balance"),
        CheckConstraint("depreciation >= 0 AND depreciation <= balance_value", name="ck_mp_object_depreciation"),
    )
    lookup_fields = ("inventory_number", "name")  # a city has thousands of objects: forms search them
    __dataset__ = Dataset(
        _l("Register of municipal property"), _l("Municipal property object"),
        _l("Objects of municipal property of each aiyl aimak or city: kind, inventory and cadastral numbers, value "
           "and depreciation, acquisition, condition and use."), PROPERTY, retention=PROPERTY_RETENTION,
        extensible=True,
        fields={
            "territory": F(_l("Owner (aiyl aimak or city)"), _l("The aiyl aimak or city whose community owns the "
                                                                "object.")),
            "kind": F(_l("Type"), classifier="property_kind"),
            "inventory_number": F(_l("Inventory number"), _l("Unique within the owner's register.")),
            "cadastral_number": F(_l("Cadastral number"), _l("Identification code of immovable property, e.g. "
                                                             "1-02-05-0001-0234 (land, buildings, premises, "
                                                             "networks).")),
            "address": _l("Address"),
            "area": F(_l("Area"), _l("Hectares for a land plot, square metres for buildings, premises and "
                                     "networks; empty for movable property.")),
            "area_label": _l("Area"), "balance_value": _l("Balance value, som"),
            "depreciation": F(_l("Accumulated depreciation, som"), _l("0 for land. The residual value is the "
                                                                      "balance value less this.")),
            "residual_value": _l("Residual value, som"),
            "acquisition_basis": F(_l("Basis of acquisition"), classifier="acquisition_basis"),
            "basis_doc_number": _l("Basis document number"), "basis_doc_date": _l("Basis document date"),
            "acquired_on": _l("Date of acquisition"), "condition": F(_l("Condition"), classifier="object_condition"),
            "use_mode": F(_l("Use"), _l("A lease is recorded by adding its contract under Leases."),
                          classifier="property_use_mode"),
            "holder_name": F(_l("Holding organisation"), _l("For operational management or free use: the "
                                                            "organisation that holds the object.")),
            "holder_inn": F(_l("INN of the holding organisation"), _l("14 digits: 0, the registration date "
                                                                      "DDMMYYYY, a serial.")),
            "status": F(_l("Status"), states=STATUSES), "decommissioned_on": _l("Decommissioned on"),
            "tenant": _l("Tenant"),
            "leases": _l("Leases"), "documents": _l("Property documents"), "events": _l("Property history"),
            "decommissions": _l("Decommissioning acts")},
        layout=Layout(
            list=("inventory_number", "name", "kind", "territory", "area_label", "balance_value", "residual_value",
                  "condition", "use_mode"),
            search=("inventory_number", "name", "kind", "territory", "cadastral_number", "address", "condition",
                    "use_mode", "acquisition_basis", "acquired_on", "balance_value"),
            form=("territory", "kind", "inventory_number", "cadastral_number", "name", "address", "area", "condition",
                  "balance_value", "depreciation", "acquisition_basis", "basis_doc_number", "basis_doc_date",
                  "acquired_on", "use_mode", "holder_name", "holder_inn", "note")))

    id = Column(Integer, primary_key=True)
    kind = Column(String(16), nullable=False, index=True)
    inventory_number = Column(String(50), nullable=False)
    cadastral_number = Column(String(40), index=True)
    name = Column(String(255), nullable=False, index=True)
    address = Column(String(255))
    area = Column(Numeric(14, 4))  # hectares for land, square metres otherwise (AREA_UNITS)
    balance_value = Column(Numeric(16, 2), nullable=False)  # som
    depreciation = Column(Numeric(16, 2), nullable=False, default=decimal.Decimal("0"))  # accumulated, som
    residual_value = Column(Numeric(16, 2), nullable=False)  # balance value − depreciation, kept by the model
    acquisition_basis = Column(String(16), nullable=False)
    basis_doc_number = Column(String(50))
    basis_doc_date = Column(Date)
    acquired_on = Column(Date, nullable=False)
    condition = Column(String(16), nullable=False, default="good")
    use_mode = Column(String(12), nullable=False, default="vacant")
    holder_name = Column(String(255))  # the organisation holding it in operational management or free use
    holder_inn = Column(String(14))
    status = Column(String(16), nullable=False, default="active", index=True)
    decommissioned_on = Column(Date)
    note = Column(Text)

    leases = relationship("PropertyLease", back_populates="object", order_by="PropertyLease.start_date")
    documents = relationship("PropertyDocument", back_populates="object", order_by="PropertyDocument.id")
    events = relationship("PropertyEvent", back_populates="object",
                          order_by="(PropertyEvent.on_date, PropertyEvent.id)")
    decommissions = relationship("PropertyDecommission", back_populates="object",
                                 order_by="PropertyDecommission.id")

    @property
    def area_unit(self):
        return AREA_UNITS.get(self.kind)

    @property
    def area_label(self):
        """The area with its unit in the current language ("1,25 ha")."""
        if self.area is None or self.area_unit is None:
            return ""
        return f"{format_decimal(self.area)} {UNIT_LABELS[self.area_unit]}"

    @property
    def is_active(self):
        return self.status == "active"

    def current_lease(self, day=None):
        day = day or local_today()
        return next((lease for lease in self.leases if lease.covers(day)), None)

    @property
    def tenant(self):
        lease = self.current_lease()
        return lease.tenant_name if lease is not None else ""

    def __repr__(self):
        return f"{self.inventory_number} — {self.name}"


@event.listens_for(PropertyObject, "before_insert")
@event.listens_for(PropertyObject, "before_update")
def _residual_value(_mapper, _connection, obj):
    if obj.depreciation is None:
        obj.depreciation = decimal.Decimal("0")
    if obj.balance_value is not None:
        obj.residual_value = decimal.Decimal(obj.balance_value) - decimal.Decimal(obj.depreciation)


class _OfObject:
    """A row that belongs to one object: its territory (scope) is the object's."""

    @classmethod
    def scope_condition(cls, territory_ids):
        return cls.object_id.in_(select(PropertyObject.id).where(PropertyObject.territory_id.in_(territory_ids)))

    def scope_territory_id(self):
        return parent_scope_territory_id(self, "object")


class PropertyLease(Extensible, _OfObject, Versioned, Tracked, Model):
    """A lease contract of an object: tenant (organisation by INN or individual by PIN), contract number, term and
    monthly rent. Ending a lease early fills `terminated_on`; the row stays as history."""

    __tablename__ = "municipal_property_lease"
    __table_args__ = (
        CheckConstraint("start_date <= end_date", name="ck_mp_lease_dates"),
        CheckConstraint("monthly_rent > 0", name="ck_mp_lease_rent"),
    )
    personal = True  # the tenant may be an individual (name and PIN)
    __dataset__ = Dataset(
        _l("Leases"), _l("Lease"),
        _l("Lease contracts of municipal property: tenant (organisation or individual), contract, term and monthly "
           "rent."), PROPERTY, personal="personal", retention=PROPERTY_RETENTION, extensible=True,
        fields={"object": _l("Object"), "tenant_kind": F(_l("Type of tenant"), classifier="tenant_kind",
                                                        personal="none"),
                "tenant_name": _l("Tenant"),
                "tenant_number": F(_l("INN or PIN of the tenant"), _l("An organisation: its INN (14 digits starting "
                                                                     "with 0). An individual: the PIN.")),
                "contract_number": _l("Contract number"), "start_date": _l("Lease from"),
                "end_date": _l("Lease until"),
                "terminated_on": F(_l("Ended early on"), _l("Fill in to end the lease before its term; the object "
                                                            "becomes free.")),
                "monthly_rent": _l("Monthly rent, som"), "state": _l("Lease status")},
        layout=Layout(
            list=("object", "contract_number", "tenant_name", "start_date", "end_date", "terminated_on",
                  "monthly_rent", "state"),
            search=("contract_number", "tenant_name", "tenant_number", "start_date", "end_date", "terminated_on",
                    "object"),
            form=("object", "tenant_kind", "tenant_name", "tenant_number", "contract_number", "start_date",
                  "end_date", "monthly_rent", "note"),
            edit=("tenant_kind", "tenant_name", "tenant_number", "contract_number", "start_date", "end_date",
                  "monthly_rent", "terminated_on", "note")))

    id = Column(Integer, primary_key=True)
    object_id = Column(Integer, ForeignKey("municipal_property_object.id"), nullable=False, index=True)
    object = relationship(PropertyObject, back_populates="leases")
    tenant_kind = Column(String(12), nullable=False, default="organisation")
    tenant_name = Column(String(255), nullable=False)
    tenant_number = Column(String(14), nullable=False, index=True)  # organisation INN or the person's PIN
    contract_number = Column(String(50), nullable=False)
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=False, index=True)
    monthly_rent = Column(Numeric(14, 2), nullable=False)  # som
    terminated_on = Column(Date)
    note = Column(Text)

    @property
    def effective_end(self):
        """The last day of the lease: the contract's end date, or the earlier day it was ended."""
        if self.terminated_on is not None and self.terminated_on < self.end_date:
            return self.terminated_on
        return self.end_date

    @property
    def is_open(self):
        return self.terminated_on is None

    def covers(self, day):
        return self.start_date <= day <= self.effective_end

    @property
    def state(self):
        today = local_today()
        if self.effective_end < self.start_date or (self.terminated_on is not None and self.terminated_on <= today):
            return "ended"
        if self.start_date > today:
            return "future"
        return "current" if today <= self.end_date else "overdue"

    @property
    def days_left(self):
        return (self.effective_end - local_today()).days

    def __repr__(self):
        return f"№{self.contract_number} ({self.tenant_name}, {self.start_date:%d.%m.%Y}–{self.end_date:%d.%m.%Y})"


LEASE_STATES = {"future": _l("Not started yet"), "current": _l("In force"),
                "overdue": _l("Term passed, not ended"), "ended": _l("Ended")}


class PropertyDocument(_OfObject, StoredDocument, Versioned, Tracked, Model):
    __download_view__ = "PropertyDocumentView"
    """A document of an object (title deed, contract, act) with its uploaded file, stored under the instance
    folder by a generated name; the original file name is kept for the download."""

    __tablename__ = "municipal_property_document"
    __dataset__ = Dataset(
        _l("Property documents"), _l("Property document"),
        _l("Documents of the objects (title deeds, contracts, acts) with their uploaded files."), PROPERTY,
        retention=PROPERTY_RETENTION,
        fields={"object": _l("Object"), "title": _l("Document"), "number": _l("Number"), "doc_date": _l("Date"),
                "file": F(_l("File"), _l("PDF, JPEG, PNG, DOCX, XLSX or ODT, up to 10 MB.")),
                "file_link": _l("File"), "file_name": _l("File name"), "stored_name": _l("Stored file"),
                "content_type": _l("File type"), "size_bytes": _l("Size, bytes"), "size_label": _l("Size")},
        layout=Layout(
            list=("object", "title", "number", "doc_date", "file_link", "size_label"),
            search=("title", "number", "doc_date", "file_name", "object"),
            form=("object", "title", "number", "doc_date", "file"),
            edit=("title", "number", "doc_date"),
            show=("object", "title", "number", "doc_date", "file_link", "content_type", "size_label", "created_by",
                  "created_on")))
    __table_args__ = (UniqueConstraint("stored_name", name="uq_mp_document_stored_name"),)

    id = Column(Integer, primary_key=True)
    object_id = Column(Integer, ForeignKey("municipal_property_object.id"), nullable=False, index=True)
    object = relationship(PropertyObject, back_populates="documents")


class PropertyEvent(_OfObject, Tracked, Model):
    """The movement history of an object: acquired, lease started/ended, transferred, revalued, decommissioned.
    Written by the services only; never edited."""

    __tablename__ = "municipal_property_event"
    __dataset__ = Dataset(
        _l("Property history"), _l("Property event"),
        _l("The movement history of the objects: acquired, lease started or ended, transferred, revalued, "
           "decommissioned."), PROPERTY, retention=PROPERTY_RETENTION,
        fields={"object": _l("Object"), "kind": F(_l("Event"), classifier="property_event_kind"),
                "on_date": _l("Date")},
        layout=Layout(
            list=("on_date", "kind", "object", "note"),
            search=("kind", "on_date", "note", "object"),
            show=("object", "kind", "on_date", "note", "created_by", "created_on")))

    id = Column(Integer, primary_key=True)
    object_id = Column(Integer, ForeignKey("municipal_property_object.id"), nullable=False, index=True)
    object = relationship(PropertyObject, back_populates="events")
    kind = Column(String(16), nullable=False)
    on_date = Column(Date, nullable=False)
    note = Column(Text)

    def __repr__(self):
        return f"{EVENT_KINDS.get(self.kind, self.kind)} {self.on_date:%d.%m.%Y}"


class DecommissionReason(Multilingual, Versioned, Tracked, Model):
    """Classifier of decommissioning reasons: wear, destruction, sale/privatisation, transfer, other."""

    __tablename__ = "municipal_property_decommission_reason"
    __dataset__ = Dataset(_l("Decommissioning reasons"), _l("Decommissioning reason"),
                          _l("Classifier of the reasons of decommissioning: wear, destruction, sale or "
                             "privatisation, transfer, other."), Legal("decommission_regulation"), reference=True,
        layout=Layout(
            list=("code", "name_ky", "name_ru", "name_en"),
            edit=("name_ky", "name_ru", "name_en"),
            show=("code", "name_ky", "name_ru", "name_en", "changed_by", "changed_on")))
    __table_args__ = (UniqueConstraint("code", name="uq_mp_decommission_reason_code"),)

    id = Column(Integer, primary_key=True)
    code = Column(String(20), nullable=False)


class PropertyDecommission(_OfObject, Versioned, Tracked, Model):
    """A decommissioning (write-off) act of an object: reason, act number and date. Drawn up by the clerk, it takes
    effect when the head of the local self-government body approves it."""

    __tablename__ = "municipal_property_decommission"
    __dataset__ = Dataset(
        _l("Decommissioning acts"), _l("Decommissioning act"),
        _l("Acts of decommissioning of objects with their reason, number and date; they take effect when the head "
           "approves them."), Legal("decommission_regulation"), retention=PROPERTY_RETENTION,
        fields={"object": _l("Object"), "reason": _l("Reason"),
                "act_number": F(_l("Act number"), _l("The act of the decommissioning commission; the object leaves "
                                                     "the register when the head approves it.")),
                "act_date": _l("Act date"), "status": _l("Status"), "decided_on": _l("Decided on"),
                "decided_by": _l("Decided by"), "decided_by_fk": _l("Decided by"),
                "history": _l("Status history")},
        layout=Layout(
            list=("object", "reason", "act_number", "act_date", "status", "decided_on"),
            search=("act_number", "act_date", "status", "reason", "object"),
            form=("object", "reason", "act_number", "act_date", "note"),
            edit=("reason", "act_number", "act_date", "note"),
            show=("object", "reason", "act_number", "act_date", "note", "status", "decided_on", "decided_by",
                  "created_by", "created_on")))
    __table_args__ = (
        # the database guarantees what the service checks: one act in force or awaiting approval per object
        Index("uq_mp_decommission_open", "object_id", unique=True, sqlite_where=text("status <> 'rejected'"),
              postgresql_where=text("status <> 'rejected'")),
    )

    id = Column(Integer, primary_key=True)
    object_id = Column(Integer, ForeignKey("municipal_property_object.id"), nullable=False, index=True)
    object = relationship(PropertyObject, back_populates="decommissions")
    reason_id = Column(Integer, ForeignKey("municipal_property_decommission_reason.id"), nullable=False)
    reason = relationship(DecommissionReason)
    act_number = Column(String(50), nullable=False)
    act_date = Column(Date, nullable=False)
    note = Column(Text)
    status = Column(String(10), nullable=False, default="pending")
    decided_on = Column(Date)
    decided_by_fk = Column(Integer, ForeignKey("ab_user.id"))
    decided_by = relationship("User", foreign_keys=[decided_by_fk], enable_typechecks=False)
    history = relationship("PropertyDecommissionStep", back_populates="act", order_by="PropertyDecommissionStep.id")

    def __repr__(self):
        return f"№{self.act_number} {self.act_date:%d.%m.%Y}" if self.act_date else f"№{self.act_number}"


class PropertyDecommissionStep(StatusHistory, Tracked, Model):
    """One step of a decommissioning act (app/workflow.py's StatusHistory: when, from → to, who, the note — the
    reason of a refusal). Written only by the services, never edited."""

    __tablename__ = "municipal_property_decommission_step"
    __history_parent__ = "act"
    __dataset__ = Dataset(
        _l("Status history of decommissioning acts"), _l("Step of a decommissioning act"),
        _l("Who drew up, approved or rejected a decommissioning act, when and why."),
        Legal("decommission_regulation"), retention=PROPERTY_RETENTION,
        fields={"act": _l("Decommissioning act"), **history_fields()},
        layout=Layout(
            list=("at", "from_status", "to_status", "note", "actor"),
            search=("at", "to_status"),
            show=("act", "at", "from_status", "to_status", "note", "actor")))

    id = Column(Integer, primary_key=True)
    act_id = Column(Integer, ForeignKey("municipal_property_decommission.id"), nullable=False, index=True)
    act = relationship(PropertyDecommission, back_populates="history")

    @classmethod
    def scope_condition(cls, territory_ids):
        return cls.act_id.in_(select(PropertyDecommission.id).where(
            PropertyDecommission.scope_condition(territory_ids)))

    def scope_territory_id(self):
        return parent_scope_territory_id(self, "act")

    def __repr__(self):
        before = DECOMMISSION_STATUSES.get(self.from_status, self.from_status or "—")
        return f"{before} → {DECOMMISSION_STATUSES.get(self.to_status, self.to_status)}"
