"""Rules of the unified register of municipal property.

Legal basis:
- the Law of the Kyrgyz Republic of 15 March 2002 No. 37 "On municipal property" ("О муниципальной собственности
  на имущество"): municipal property belongs to the local community of an aiyl aimak or a city; its local
  self-government bodies keep the register (account) of it and decide on its use (lease, operational management,
  free use) and its alienation;
- the Law of the Kyrgyz Republic "On local self-government" (2021): the executive body of local self-government
  manages municipal property on behalf of the community;
- the Civil Code of the Kyrgyz Republic: the property lease contract (a term and a rent; the same thing cannot be
  let to two tenants for the same time) and the right of operational management;
- the regulation on the procedure of decommissioning (writing off) municipal property (Муниципалдык менчикти
  эсептен чыгаруу тартиби жөнүндө жобо) adopted by the local kenesh: an object is written off by an act of the
  commission with a number, a date and a reason, approved by the head of the executive body; a written-off object
  leaves the register of property in use but its record is kept;
- the State Registration Service's identification numbers: a legal entity's INN is 14 digits `0 DDMMYYYY NNNNN`
  (0, the date of state registration, a serial), an individual is identified by the PIN (both in
  app/identifiers.py, with the cadastral number).

Every function takes explicit arguments, never commits and raises DomainError with a stable `code`."""
import decimal
import os
import re
import uuid
import zipfile
from io import BytesIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select

from app import clock, workflow
from app.errors import DomainError
from app.identifiers import parse_cadastral, parse_inn, parse_pin
from models.municipal_property import (ACQUISITION_BASES, CONDITIONS, DECOMMISSION_STATUSES, IMMOVABLE, KINDS,
                                       TENANT_KINDS, USE_MODES, PropertyDecommission, PropertyDecommissionStep,
                                       PropertyDocument, PropertyEvent, PropertyLease, PropertyObject)
from models.reference import Territory
from app.clock import local_today
from app.territory_kinds import PROPERTY_OWNER_KINDS as OWNER_KINDS  # (views filter owners by service.OWNER_KINDS)

HELD_BY_OTHERS = ("operational", "free_use")
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
ZIP = (b"PK\x03\x04",)
#: extension -> (content type, leading bytes the content must start with)
FILE_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", ZIP),
}
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.[a-z]{3,4}$")


def _today(today):
    return today or local_today()


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _strip(value):
    return value.strip() if isinstance(value, str) and value.strip() else None


def _changes(row):
    """{attribute: (old, new)} of the columns really changed on `row` since it was loaded (an empty string and
    None count as the same; equal numbers written differently too)."""
    state = inspect(row)
    out = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if _blank(old) and _blank(new) or old == new:
            continue
        out[attr.key] = (old, new)
    return out


def _old(row, key, changes):
    return changes[key][0] if key in changes else getattr(row, key)


def _event(session, obj, kind, on_date, note=None):
    event = PropertyEvent(object=obj, kind=kind, on_date=on_date, note=note)
    session.add(event)
    return event


def _doc(number, day):
    parts = [f"№{number}" if number else None, f"{day:%d.%m.%Y}" if day else None]
    return ", ".join(p for p in parts if p) or None


# --- identification numbers -----------------------------------------------------------------------------------
def check_tenant(kind, number, field="tenant_number", today=None):
    """A tenant is an organisation (INN `0 DDMMYYYY NNNNN`) or an individual (PIN `S DDMMYYYY NNNNN`)."""
    if kind == "organisation":
        return parse_inn(number, field, today).inn
    if kind == "person":
        return parse_pin(number, field).pin
    raise DomainError(_l("Choose whether the tenant is an organisation or an individual."), field="tenant_kind",
                      code="tenant_kind")


# --- objects --------------------------------------------------------------------------------------------------
def check_object(session, obj: PropertyObject, today=None):
    """Row rules of an object of the register (Law "On municipal property": the register records each object of
    the community's property with its identification, value and use):
    - the owner is an aiyl aimak or a city (the local community), never a rayon, oblast or village;
    - the inventory number is unique within the owner's register;
    - a cadastral number (identification code of immovable property) only for immovable kinds, in its layout;
    - area is positive and is not given for movable property (hectares for land, m² otherwise);
    - balance value ≥ 0, 0 ≤ accumulated depreciation ≤ balance value, so the residual value is never negative;
    - acquisition and basis document dates are not in the future;
    - operational management and free use name the holding organisation (INN checked when given)."""
    today = _today(today)
    with session.no_autoflush:  # nothing of the object may reach the database before it is checked
        territory = obj.territory or (session.get(Territory, obj.territory_id) if obj.territory_id else None)
        if territory is None or territory.kind not in OWNER_KINDS:
            raise DomainError(_l("Municipal property belongs to an aiyl aimak or a city: choose one as the owner."),
                              field="territory", code="owner_territory")
        if obj.kind not in KINDS:
            raise DomainError(_l("Choose the type of the object."), field="kind", code="kind")
        obj.inventory_number = _strip(obj.inventory_number)
        if obj.inventory_number is None:
            raise DomainError(_l("The inventory number is required."), field="inventory_number",
                              code="inventory_required")
        twin = next((o for o in session.new if isinstance(o, PropertyObject) and o is not obj
                     and o.inventory_number == obj.inventory_number
                     and (o.territory or session.get(Territory, o.territory_id)) is territory), None)
        twin = twin or session.scalar(
            select(PropertyObject).where(PropertyObject.territory_id == territory.id,
                                         PropertyObject.inventory_number == obj.inventory_number,
                                         PropertyObject.id != (obj.id or -1)))
        if twin is not None:
            raise DomainError(_l("Inventory number %(number)s is already used in this register (%(name)s).",
                                 number=obj.inventory_number, name=twin.name), field="inventory_number",
                              code="duplicate_inventory")
        obj.cadastral_number = _strip(obj.cadastral_number)
        if obj.cadastral_number is not None:
            if obj.kind not in IMMOVABLE:
                raise DomainError(_l("Movable property has no cadastral number."), field="cadastral_number",
                                  code="cadastral_movable")
            parse_cadastral(obj.cadastral_number)
        if obj.area is not None:
            if obj.kind == "movable":
                raise DomainError(_l("Movable property has no area."), field="area", code="area_movable")
            if obj.area <= 0:
                raise DomainError(_l("The area must be more than zero."), field="area", code="area_positive")
        check_values(obj.balance_value, obj.depreciation)
        obj.depreciation = decimal.Decimal(obj.depreciation or 0)
        obj.residual_value = decimal.Decimal(obj.balance_value) - obj.depreciation
        if obj.acquisition_basis not in ACQUISITION_BASES:
            raise DomainError(_l("Choose the basis of acquisition."), field="acquisition_basis", code="basis")
        if obj.acquired_on is None:
            raise DomainError(_l("The date of acquisition is required."), field="acquired_on", code="acquired_on")
        if obj.acquired_on > today:
            raise DomainError(_l("The date of acquisition cannot be in the future."), field="acquired_on",
                              code="acquired_future")
        if obj.basis_doc_date is not None and obj.basis_doc_date > today:
            raise DomainError(_l("The date of the basis document cannot be in the future."),
                              field="basis_doc_date", code="basis_date_future")
        if obj.condition not in CONDITIONS:
            raise DomainError(_l("Choose the condition of the object."), field="condition", code="condition")
        if obj.use_mode not in USE_MODES:
            raise DomainError(_l("Choose how the object is used."), field="use_mode", code="use_mode")
        obj.holder_name, obj.holder_inn = _strip(obj.holder_name), _strip(obj.holder_inn)
        if obj.use_mode in HELD_BY_OTHERS:
            if obj.holder_name is None:
                raise DomainError(_l("Name the organisation that holds the object in operational management or "
                                     "free use."), field="holder_name", code="holder_required")
            if obj.holder_inn is not None:
                parse_inn(obj.holder_inn, "holder_inn", today)
        else:
            obj.holder_name = obj.holder_inn = None
    return obj


def check_values(balance, depreciation):
    """Residual value = balance value − accumulated depreciation, and it is never negative (accounting of
    fixed assets of the public sector)."""
    if balance is None:
        raise DomainError(_l("The balance value is required."), field="balance_value", code="balance_required")
    depreciation = decimal.Decimal(depreciation or 0)
    if balance < 0:
        raise DomainError(_l("The balance value cannot be negative."), field="balance_value",
                          code="balance_negative")
    if depreciation < 0:
        raise DomainError(_l("The accumulated depreciation cannot be negative."), field="depreciation",
                          code="depreciation_negative")
    if depreciation > balance:
        raise DomainError(_l("The accumulated depreciation (%(depreciation)s) exceeds the balance value "
                             "(%(balance)s): the residual value cannot be negative.",
                             depreciation=f"{depreciation:.2f}", balance=f"{decimal.Decimal(balance):.2f}"),
                          field="depreciation", code="depreciation_exceeds")
    return decimal.Decimal(balance) - depreciation


def register_object(session, obj: PropertyObject, today=None):
    """Enter an object in the register (Law "On municipal property": acquisition by purchase, construction,
    transfer from the state, donation or another basis). The acquisition is the first event of its history; an
    object handed to an organisation at once also gets a transfer event. A lease is registered separately."""
    obj.status, obj.decommissioned_on = "active", None
    obj.use_mode = obj.use_mode or "vacant"
    if obj.use_mode == "lease":
        raise DomainError(_l("An object becomes leased by registering its lease contract."), field="use_mode",
                          code="lease_by_contract")
    check_object(session, obj, today)
    session.add(obj)
    _event(session, obj, "acquired", obj.acquired_on, _doc(obj.basis_doc_number, obj.basis_doc_date))
    if obj.use_mode in HELD_BY_OTHERS:
        _event(session, obj, "transferred", obj.acquired_on, obj.holder_name)
    return obj


def update_object(session, obj: PropertyObject, today=None):
    """Change an object's record. A decommissioned object is closed: only its note may change (regulation on
    decommissioning: the record is kept as it was written off). The use changes to and from "lease" only through
    lease contracts. A new balance value is a revaluation and a new holder a transfer: both enter the history."""
    today = _today(today)
    changes = _changes(obj)
    if _old(obj, "status", changes) != "active":
        if set(changes) - {"note"}:
            raise DomainError(_l("A decommissioned object cannot be changed; only its note can."),
                              code="decommissioned_locked")
        return obj
    if {"status", "decommissioned_on"} & set(changes):
        raise DomainError(_l("An object leaves the register only by an approved decommissioning act."),
                          field="status", code="status_by_decommission")
    old_use = _old(obj, "use_mode", changes)
    if obj.use_mode == "lease" and old_use != "lease":
        raise DomainError(_l("An object becomes leased by registering its lease contract."), field="use_mode",
                          code="lease_by_contract")
    if old_use == "lease" and obj.use_mode != "lease":
        with session.no_autoflush:
            held = next((lease for lease in obj.leases if holds(lease, today)), None)
        if held is not None:
            raise DomainError(_l("The object is leased under contract №%(number)s: end the lease first.",
                                 number=held.contract_number), field="use_mode", code="lease_open")
    check_object(session, obj, today)
    if "balance_value" in changes:
        old, new = changes["balance_value"]
        _event(session, obj, "revalued", today, f"{decimal.Decimal(old or 0):.2f} → {decimal.Decimal(new):.2f}")
    if obj.use_mode in HELD_BY_OTHERS and {"use_mode", "holder_name"} & set(changes):
        _event(session, obj, "transferred", today, obj.holder_name)
    return obj


# --- leases ---------------------------------------------------------------------------------------------------
def holds(lease: PropertyLease, day):
    """Does the lease still bind the object on `day` (in force, not yet started, or past its term while the tenant
    keeps the property: the Civil Code renews such a lease for an indefinite term until it is ended)?"""
    return lease.terminated_on is None or lease.terminated_on > day


def _periods_overlap(a_start, a_end, b_start, b_end):
    return a_start <= a_end and b_start <= b_end and a_start <= b_end and b_start <= a_end


def check_lease(session, lease: PropertyLease, today=None):
    """Lease rules (Law "On municipal property"; Civil Code, property lease):
    - only an object of the active register is leased; not one held by an organisation in operational
      management or free use;
    - the tenant is an organisation with a valid INN or an individual with a valid PIN;
    - the term is ordered (start ≤ end), starts no earlier than the object was acquired (only an owner lets
      property), and the monthly rent is positive;
    - no two leases of the same object overlap in time (an ended lease counts up to the day it ended)."""
    obj = lease.object
    if obj is None:
        raise DomainError(_l("Choose the object."), field="object", code="object_required")
    if obj.status != "active":
        raise DomainError(_l("A decommissioned object cannot be leased."), field="object",
                          code="decommissioned_no_lease")
    if obj.use_mode in HELD_BY_OTHERS:
        raise DomainError(_l("The object is held by %(holder)s (operational management or free use) and cannot be "
                             "leased.", holder=obj.holder_name or "—"), field="object", code="object_in_use")
    lease.tenant_name = _strip(lease.tenant_name)
    if lease.tenant_name is None:
        raise DomainError(_l("Name the tenant."), field="tenant_name", code="tenant_required")
    if lease.tenant_kind not in TENANT_KINDS:
        raise DomainError(_l("Choose whether the tenant is an organisation or an individual."), field="tenant_kind",
                          code="tenant_kind")
    lease.tenant_number = check_tenant(lease.tenant_kind, lease.tenant_number, today=today)
    lease.contract_number = _strip(lease.contract_number)
    if lease.contract_number is None:
        raise DomainError(_l("The contract number is required."), field="contract_number", code="contract_required")
    if lease.start_date is None or lease.end_date is None:
        raise DomainError(_l("The lease needs a start and an end date."), field="start_date", code="lease_dates")
    if lease.start_date > lease.end_date:
        raise DomainError(_l("The lease cannot end before it starts."), field="end_date", code="lease_dates")
    if obj.acquired_on is not None and lease.start_date < obj.acquired_on:
        raise DomainError(_l("The lease cannot start before the object was acquired (%(date)s).",
                             date=f"{obj.acquired_on:%d.%m.%Y}"), field="start_date",
                          code="lease_before_acquisition")
    if lease.terminated_on is not None and lease.terminated_on < lease.start_date:
        raise DomainError(_l("A lease cannot be ended before it starts."), field="terminated_on",
                          code="lease_end_date")
    if lease.monthly_rent is None or lease.monthly_rent <= 0:
        raise DomainError(_l("The monthly rent must be more than zero."), field="monthly_rent", code="lease_rent")
    with session.no_autoflush:
        others = [o for o in obj.leases if o is not lease and (o.id is None or o.id != lease.id)]
        for other in others:
            if _periods_overlap(lease.start_date, lease.effective_end, other.start_date, other.effective_end):
                raise DomainError(
                    _l("The object is already leased for these dates under contract №%(number)s (%(start)s – "
                       "%(end)s).", number=other.contract_number, start=f"{other.start_date:%d.%m.%Y}",
                       end=f"{other.effective_end:%d.%m.%Y}"), field="start_date", code="lease_overlap")
    return lease


def _refresh_use(obj, today):
    """The object is "leased" while a lease binds it, and free again when none does."""
    bound = any(holds(lease, today) for lease in obj.leases)
    if bound:
        obj.use_mode = "lease"
    elif obj.use_mode == "lease":
        obj.use_mode = "vacant"


def _contract(lease):
    return f"№{lease.contract_number} — {lease.tenant_name}"


def register_lease(session, lease: PropertyLease, today=None):
    """Register a lease contract of an object: the object's use becomes "lease" while the lease binds it, and
    the history gets "lease started" (and "lease ended" for a contract entered after it ended)."""
    today = _today(today)
    check_lease(session, lease, today)
    session.add(lease)
    _event(session, lease.object, "lease_started", lease.start_date, _contract(lease))
    if not holds(lease, today):
        _event(session, lease.object, "lease_ended", lease.effective_end, _contract(lease))
    _refresh_use(lease.object, today)
    return lease


def update_lease(session, lease: PropertyLease, today=None):
    """Correct a lease, or end it early by filling the day it ended. An ended lease is history and stays as it
    is, except for its note."""
    today = _today(today)
    changes = _changes(lease)
    if _old(lease, "terminated_on", changes) is not None:
        if set(changes) - {"note"}:
            raise DomainError(_l("An ended lease cannot be changed."), code="lease_closed")
        return lease
    if "object_id" in changes:
        raise DomainError(_l("A lease cannot be moved to another object."), field="object", code="lease_object")
    check_lease(session, lease, today)
    if "terminated_on" in changes and lease.terminated_on is not None:
        _event(session, lease.object, "lease_ended", lease.effective_end, _contract(lease))
    _refresh_use(lease.object, today)
    return lease


def end_lease(session, lease: PropertyLease, on_date, today=None):
    """End a lease on `on_date` (by agreement, by a court, or at the end of its term when the tenant returns the
    property): the object is free again unless another lease binds it; the history gets "lease ended"."""
    today = _today(today)
    if lease.terminated_on is not None:
        raise DomainError(_l("The lease has already ended."), code="lease_already_ended")
    if on_date < lease.start_date:
        raise DomainError(_l("A lease cannot be ended before it starts."), field="terminated_on",
                          code="lease_end_date")
    lease.terminated_on = on_date
    _event(session, lease.object, "lease_ended", lease.effective_end, _contract(lease))
    _refresh_use(lease.object, today)
    return lease


# --- decommissioning -----------------------------------------------------------------------------------------
def _check_act(obj, act_number, act_date, today):
    """Regulation on decommissioning: the object is written off by an act that has a number and a date; the act
    is not dated in the future nor before the object was acquired."""
    if _blank(act_number) or act_date is None:
        raise DomainError(_l("Decommissioning requires the number and the date of the act."),
                          field="act_number" if _blank(act_number) else "act_date", code="act_required")
    if act_date > today:
        raise DomainError(_l("The act cannot be dated in the future."), field="act_date", code="act_date_future")
    if obj.acquired_on is not None and act_date < obj.acquired_on:
        raise DomainError(_l("The act cannot be dated before the object was acquired (%(date)s).",
                             date=f"{obj.acquired_on:%d.%m.%Y}"), field="act_date", code="act_before_acquisition")


def _check_request(session, act: PropertyDecommission, today):
    """An act names an object of the active register, a reason, a valid number and date; an object has one act in
    force or awaiting approval at a time."""
    obj = act.object
    if obj is None:
        raise DomainError(_l("Choose the object."), field="object", code="object_required")
    if obj.status != "active":
        raise DomainError(_l("The object is already decommissioned."), field="object",
                          code="already_decommissioned")
    if act.reason is None and act.reason_id is None:
        raise DomainError(_l("Choose the reason of decommissioning."), field="reason", code="reason_required")
    act.act_number = _strip(act.act_number)
    _check_act(obj, act.act_number, act.act_date, today)
    with session.no_autoflush:
        open_act = next((o for o in obj.decommissions if o is not act and (o.id is None or o.id != act.id)
                         and o.status != "rejected"), None)
    if open_act is not None:
        raise DomainError(_l("Decommissioning act №%(number)s of this object is already awaiting approval.",
                             number=open_act.act_number), field="object", code="decommission_pending")
    return act


def request_decommission(session, act: PropertyDecommission, today=None, now=None):
    """Draw up a decommissioning act (reason, act number and date) for the head's approval: it awaits approval,
    the first step of its history (None → pending)."""
    now = now or clock.now()
    _check_request(session, act, today or local_today(now))
    act.status = "pending"
    session.add(act)
    PropertyDecommissionStep.record(session, act, "pending", now)
    return act


def update_decommission(session, act: PropertyDecommission, today=None):
    """An act may be corrected while it awaits approval; a decided act is history."""
    changes = _changes(act)
    if _old(act, "status", changes) != "pending":
        raise DomainError(_l("The act has already been decided and cannot be changed."), code="decommission_decided")
    if "object_id" in changes:
        raise DomainError(_l("An act cannot be moved to another object."), field="object", code="act_object")
    return _check_request(session, act, _today(today))


def _check_pending(act):
    if act.status != "pending":
        raise DomainError(_l("Only an act awaiting approval can be approved or rejected."),
                          code="decommission_decided")


def check_approvable(session, act: PropertyDecommission):
    """The head can approve an act only while its object is still in the register (the workflow's guard)."""
    if act.object is not None and act.object.status != "active":
        raise DomainError(_l("The object is already decommissioned."), field="object",
                          code="already_decommissioned")


def approve_decommission(session, act: PropertyDecommission, decided_by=None, today=None, now=None):
    """The head approves the act: the object is decommissioned as of the act date (see decommission_object); the
    decision's day and who took it are kept on the act and in its history."""
    now = now or clock.now()
    today = today or local_today(now)
    _check_pending(act)
    check_approvable(session, act)
    decommission_object(session, act.object, act.act_number, act.act_date, today)
    act.status, act.decided_on, act.decided_by_fk = "approved", today, decided_by
    PropertyDecommissionStep.record(session, act, "approved", now, from_status="pending", actor_id=decided_by)
    return act


def reject_decommission(session, act: PropertyDecommission, note=None, decided_by=None, today=None, now=None):
    """The head refuses the act, stating why (the note of the history step): the object stays in the register
    and a new act may be drawn up."""
    now = now or clock.now()
    _check_pending(act)
    if _blank(note):
        raise DomainError(_l("State the reason of the refusal."), field="note", code="refusal_reason")
    act.status, act.decided_on, act.decided_by_fk = "rejected", today or local_today(now), decided_by
    PropertyDecommissionStep.record(session, act, "rejected", now, from_status="pending", note=note,
                                    actor_id=decided_by)
    return act


def decommission_object(session, obj: PropertyObject, act_number, act_date, today=None):
    """Write an object off (regulation on decommissioning municipal property): it requires the act's number and
    date; the object leaves the active register on the act date but its record and history stay; a lease that
    still binds the object ends on the act date."""
    today = _today(today)
    if obj.status != "active":
        raise DomainError(_l("The object is already decommissioned."), field="object",
                          code="already_decommissioned")
    _check_act(obj, act_number, act_date, today)
    for lease in obj.leases:
        if holds(lease, act_date):
            lease.terminated_on = act_date
            _event(session, obj, "lease_ended", act_date, _contract(lease))
    obj.status, obj.decommissioned_on = "decommissioned", act_date
    if obj.use_mode == "lease":
        obj.use_mode = "vacant"
    _event(session, obj, "decommissioned", act_date, _doc(act_number, act_date))
    return obj


#: the act's workflow (app/workflow.py): drawn up by the clerk, approved or rejected by the head of the executive
#: body (regulation on decommissioning)
WORKFLOW = workflow.Workflow(
    "property_decommission", PropertyDecommission,
    states=[workflow.State("pending", DECOMMISSION_STATUSES["pending"], "warning"),
            workflow.State("approved", DECOMMISSION_STATUSES["approved"], "success", final=True),
            workflow.State("rejected", DECOMMISSION_STATUSES["rejected"], "danger", final=True)],
    transitions=[
        workflow.Transition(
            "approve", _l("Approve decommissioning"), source=("pending",), target="approved", style="success",
            icon="fa-check", guard=check_approvable,
            confirm=_l("Approve the act? The object leaves the register."),
            apply=lambda session, act, step: approve_decommission(session, act, decided_by=step.actor_id,
                                                                  now=step.now),
            done=_l("The act is approved: the object has left the register.")),
        workflow.Transition(
            "reject", _l("Reject the act"), source=("pending",), target="rejected", style="danger",
            icon="fa-times",
            fields=[workflow.Field("note", "text", _l("Reason of the refusal"), required=True, max_length=1000,
                                   description=_l("Why the act is rejected; the object stays in the register."))],
            apply=lambda session, act, step: reject_decommission(session, act, note=step.data.get("note"),
                                                                 decided_by=step.actor_id, now=step.now),
            done=_l("The act is rejected.")),
    ],
    history=PropertyDecommissionStep)


# --- documents ------------------------------------------------------------------------------------------------
def clean_file_name(filename):
    """The user's file name without any folder part or control characters (kept only to name the download)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?').strip(" .")
    return name[-200:] or "document"


def check_file(filename, data: bytes, max_bytes=MAX_DOCUMENT_BYTES):
    """An attached file is of an accepted type (PDF, JPEG, PNG, DOCX, XLSX, ODT) by both its extension and its
    content, not empty and not larger than the limit. Returns (extension, content type)."""
    name = clean_file_name(filename)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in FILE_TYPES:
        raise DomainError(_l("Only these files can be attached: %(types)s.",
                             types=", ".join(sorted({f".{e}" for e in FILE_TYPES}))), field="file", code="file_type")
    if not data:
        raise DomainError(_l("The file is empty."), field="file", code="file_empty")
    if len(data) > max_bytes:
        raise DomainError(_l("The file is larger than %(mb)s MB.", mb=max_bytes // (1024 * 1024)), field="file",
                          code="file_size")
    content_type, magic = FILE_TYPES[ext]
    if not data.startswith(magic) or (magic == ZIP and not zipfile.is_zipfile(BytesIO(data))):
        raise DomainError(_l("The content of the file is not a .%(ext)s document.", ext=ext), field="file",
                          code="file_content")
    return ext, content_type


def attach_document(session, doc: PropertyDocument, filename, data: bytes, folder, today=None):
    """Attach a document with its file to an object (store_document)."""
    if doc.object is None:
        raise DomainError(_l("Choose the object."), field="object", code="object_required")
    return store_document(session, doc, filename, data, folder, today)


def store_document(session, doc, filename, data: bytes, folder, today=None):
    """The rules of every StoredDocument once its module has checked what it belongs to: a title, a date not in
    the future, and the file checked (check_file) and stored in `folder` under a generated name, so a user's file
    name never decides where it is written."""
    doc.title = _strip(doc.title)
    if doc.title is None:
        raise DomainError(_l("The title of the document is required."), field="title", code="title_required")
    if doc.doc_date is not None and doc.doc_date > _today(today):
        raise DomainError(_l("The date of the document cannot be in the future."), field="doc_date",
                          code="doc_date_future")
    store_file(doc, filename, data, folder)
    session.add(doc)
    return doc


def store_file(doc, filename, data: bytes, folder):
    """Check a document's file (check_file) and write it to `folder` under a generated name; fill the document's
    file name, stored name, type and size. Every StoredDocument's file goes through here (the e-government
    register's documents too)."""
    ext, content_type = check_file(filename, data)
    stored = f"{uuid.uuid4().hex}.{ext}"
    os.makedirs(folder, exist_ok=True)
    partial = os.path.join(folder, stored + ".part")
    with open(partial, "wb") as fh:
        fh.write(data)
    os.replace(partial, os.path.join(folder, stored))
    doc.file_name, doc.stored_name = clean_file_name(filename), stored
    doc.content_type, doc.size_bytes = content_type, len(data)
    return doc


def document_path(folder, doc: PropertyDocument):
    """Where a document's file lies, or None when its stored name is not one this module generated."""
    if not doc.stored_name or not STORED_NAME.match(doc.stored_name):
        return None
    return os.path.join(folder, doc.stored_name)


def remove_document_file(folder, doc: PropertyDocument):
    """Delete a document's file (after its row was deleted)."""
    path = document_path(folder, doc)
    if path is not None and os.path.exists(path):
        os.remove(path)
