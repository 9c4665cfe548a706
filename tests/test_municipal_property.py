"""Unified register of municipal property: object rules, leases, decommissioning with approval, documents with
files, history, charts recomputed from the data, import/export, API, roles, the object card PDF, demo data.

Everything a test commits stays active or lies outside rayon 41708203000000: test_scope.py later compares the
register's export there with every object of that rayon."""
import datetime

from app.clock import local_today
import io
import json
import os
import re
from decimal import Decimal

import pytest

from app.errors import DomainError
from tests.conftest import Browser, audit_events

RAYON_A = "/41708000000000/41708203000000/"


def TODAY_():
    """The app's today (the configured zone), read when used: a run that crosses midnight stays consistent."""
    return local_today()




# --- helpers --------------------------------------------------------------------------------------------------
def _owner(db, inside_rayon_a=True, offset=0):
    """An aiyl aimak inside (or outside) rayon A that the demo data does not use (the last ones by code)."""
    from models.reference import Territory

    query = db.session.query(Territory).filter(Territory.kind == "aiyl_aimak")
    query = query.filter(Territory.path.startswith(RAYON_A) if inside_rayon_a else
                         ~Territory.path.startswith("/41708000000000/"))
    return query.order_by(Territory.code.desc()).offset(offset).first()


def _object(owner, number, kind="building", **fields):
    from models.municipal_property import PropertyObject

    values = dict(territory=owner, kind=kind, inventory_number=number, name="Сыноо имараты", address="Манас, 1",
                  balance_value=Decimal("1000000"), depreciation=Decimal("0"), acquisition_basis="purchase",
                  acquired_on=datetime.date(2015, 1, 1), condition="good", use_mode="vacant")
    values.update(fields)
    return PropertyObject(**values)


def _lease(obj, contract, start, end, kind="organisation", number="01503200512345", **fields):
    from models.municipal_property import PropertyLease

    return PropertyLease(object=obj, tenant_kind=kind, tenant_name="ЖЧК «Сыноо»", tenant_number=number,
                         contract_number=contract, start_date=start, end_date=end,
                         monthly_rent=fields.pop("rent", Decimal("15000")), **fields)


def _reason(db, code="wear"):
    from models.municipal_property import DecommissionReason

    return db.session.query(DecommissionReason).filter_by(code=code).one()


def _registered(db, owner, number, **fields):
    from app.services import municipal_property as service

    obj = service.register_object(db.session, _object(owner, number, **fields))
    db.session.flush()
    return obj


def _discard(db, collection, row):
    """Forget a refused row that its parent already holds (the views roll the whole session back instead)."""
    collection.remove(row)
    if row in db.session:
        db.session.expunge(row)


def _code(call, *args, **kwargs):
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    return error.value.code


def _admin(app):
    b = Browser(app.test_client())
    b.login("admin")
    return b


# --- identification numbers ----------------------------------------------------------------------------------
def test_tenant_number_follows_the_kind_of_tenant():
    from app.services.municipal_property import check_tenant

    assert check_tenant("person", "21010198011111") == "21010198011111"
    assert check_tenant("organisation", " 01503200512345 ") == "01503200512345"
    assert _code(check_tenant, "person", "01503200512345") == "pin_sex_digit"
    assert _code(check_tenant, "organisation", "21010198011111") == "inn_org_digit"
    assert _code(check_tenant, "bank", "01503200512345") == "tenant_kind"


# --- objects --------------------------------------------------------------------------------------------------
def test_residual_value_is_balance_less_depreciation_and_never_negative(app, db):
    from app.services import municipal_property as service

    owner = _owner(db)
    obj = _registered(db, owner, "T-RV-1", balance_value=Decimal("1200000.50"), depreciation=Decimal("200000.25"))
    assert obj.residual_value == Decimal("1000000.25")
    bad = _object(owner, "T-RV-2", balance_value=Decimal("1000"), depreciation=Decimal("1000.01"))
    assert _code(service.register_object, db.session, bad) == "depreciation_exceeds"
    assert _code(service.register_object, db.session, _object(owner, "T-RV-3", balance_value=Decimal("-1"))) == \
        "balance_negative"
    assert _code(service.register_object, db.session, _object(owner, "T-RV-4", depreciation=Decimal("-5"))) == \
        "depreciation_negative"
    # a full write-down is allowed: residual value 0
    assert _registered(db, owner, "T-RV-5", depreciation=Decimal("1000000")).residual_value == 0
    db.session.rollback()


def test_database_refuses_depreciation_above_balance(app, db):
    from sqlalchemy.exc import IntegrityError

    db.session.add(_object(_owner(db), "T-CK-1", balance_value=Decimal("10"), depreciation=Decimal("11")))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_inventory_number_is_unique_per_territory(app, db):
    from sqlalchemy.exc import IntegrityError

    from app.services import municipal_property as service

    first, second = _owner(db), _owner(db, offset=1)
    _registered(db, first, "T-INV-1")
    assert _code(service.register_object, db.session, _object(first, " T-INV-1 ")) == "duplicate_inventory"
    assert _registered(db, second, "T-INV-1").id  # the same number in another community's register
    db.session.rollback()
    # not yet flushed rows count too, and the database keeps the rule as well
    service.register_object(db.session, _object(first, "T-INV-2"))
    assert _code(service.register_object, db.session, _object(first, "T-INV-2")) == "duplicate_inventory"
    db.session.rollback()
    db.session.add_all([_object(first, "T-INV-3", residual_value=0), _object(first, "T-INV-3", residual_value=0)])
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_owner_is_an_aiyl_aimak_or_a_city(app, db):
    from app.services import municipal_property as service
    from models.reference import Territory

    rayon = db.session.query(Territory).filter_by(code="41708203000000").one()
    village = db.session.query(Territory).filter(Territory.kind == "village").first()
    city = db.session.query(Territory).filter(Territory.kind == "city_oblast").first()
    for place in (rayon, village):
        assert _code(service.register_object, db.session, _object(place, "T-OWN-1")) == "owner_territory"
    assert _registered(db, city, "T-OWN-2").territory is city
    db.session.rollback()


@pytest.mark.parametrize("kind,fields,code", [
    ("movable", {"cadastral_number": "1-02-05-0001-0234"}, "cadastral_movable"),
    ("land", {"cadastral_number": "A-02-05-0001"}, "cadastral_format"),
    ("land", {"cadastral_number": "1-02-05"}, "cadastral_format"),
    ("land", {"cadastral_number": "12-1-1-1-1"}, "cadastral_format"),  # the register's old pattern took it
    ("movable", {"area": Decimal("12")}, "area_movable"),
    ("premises", {"area": Decimal("0")}, "area_positive"),
    ("building", {"acquired_on": local_today() + datetime.timedelta(days=1)}, "acquired_future"),
    ("building", {"basis_doc_date": local_today() + datetime.timedelta(days=1)}, "basis_date_future"),
    ("building", {"use_mode": "operational"}, "holder_required"),
    ("building", {"use_mode": "free_use", "holder_name": "Мектеп", "holder_inn": "11503200512345"},
     "inn_org_digit"),
    ("building", {"use_mode": "lease"}, "lease_by_contract"),
])
def test_object_rules(app, db, kind, fields, code):
    from app.services import municipal_property as service

    obj = _object(_owner(db), "T-RULE", kind=kind, **fields)
    assert _code(service.register_object, db.session, obj) == code
    db.session.rollback()


def test_valid_cadastral_numbers_and_areas(app, db):
    owner = _owner(db)
    land = _registered(db, owner, "T-CAD-1", kind="land", cadastral_number=" 1-02-05-0001-0234 ",
                       area=Decimal("1.25"))
    premises = _registered(db, owner, "T-CAD-2", kind="premises", cadastral_number="1-02-05-0001-0234-01-002",
                           area=Decimal("45.5"))
    assert land.cadastral_number == "1-02-05-0001-0234" and land.area_unit == "ha" and premises.area_unit == "m2"
    db.session.rollback()


def test_acquisition_and_transfer_enter_the_history(app, db):
    obj = _registered(db, _owner(db), "T-HIS-1", use_mode="operational", holder_name="№1 орто мектеби",
                      holder_inn="01503200512345", basis_doc_number="12", basis_doc_date=datetime.date(2015, 1, 1))
    assert [(e.kind, e.on_date) for e in obj.events] == [("acquired", obj.acquired_on),
                                                          ("transferred", obj.acquired_on)]
    assert obj.events[0].note == "№12, 01.01.2015" and obj.events[1].note == "№1 орто мектеби"
    db.session.rollback()


def test_revaluation_and_transfer_on_update(app, db):
    from app.services import municipal_property as service

    obj = _registered(db, _owner(db), "T-REV-1")
    obj.balance_value = Decimal("1500000")
    obj.use_mode, obj.holder_name = "free_use", "«Нур» коомдук фонду"
    service.update_object(db.session, obj)
    db.session.flush()
    kinds = {e.kind: e for e in obj.events}
    assert kinds["revalued"].note == "1000000.00 → 1500000.00" and kinds["revalued"].on_date == local_today()
    assert kinds["transferred"].note == "«Нур» коомдук фонду"
    assert obj.residual_value == Decimal("1500000")
    # holders are kept only while someone holds the object
    obj.use_mode = "vacant"
    service.update_object(db.session, obj)
    assert obj.holder_name is None
    db.session.rollback()


# --- leases ---------------------------------------------------------------------------------------------------
def test_lease_dates_are_ordered_and_rent_positive(app, db):
    from app.services import municipal_property as service

    obj = _registered(db, _owner(db), "T-LD-1", kind="premises")
    late = _lease(obj, "L-1", datetime.date(2025, 6, 1), datetime.date(2025, 5, 31))
    assert _code(service.register_lease, db.session, late) == "lease_dates"
    free = _lease(obj, "L-2", datetime.date(2025, 6, 1), datetime.date(2026, 5, 31), rent=Decimal("0"))
    assert _code(service.register_lease, db.session, free) == "lease_rent"
    early = _lease(obj, "L-3", datetime.date(2014, 12, 1), datetime.date(2015, 5, 31))  # acquired 01.01.2015
    assert _code(service.register_lease, db.session, early) == "lease_before_acquisition"
    db.session.rollback()


def test_leases_of_one_object_never_overlap(app, db):
    from app.services import municipal_property as service

    obj = _registered(db, _owner(db), "T-OV-1", kind="premises")
    first = service.register_lease(db.session, _lease(obj, "L-1", datetime.date(2024, 1, 1),
                                                      datetime.date(2024, 12, 31),
                                                      terminated_on=datetime.date(2024, 6, 30)))
    db.session.flush()
    clash = _lease(obj, "L-2", datetime.date(2024, 6, 1), datetime.date(2025, 5, 31))
    error = pytest.raises(DomainError, service.register_lease, db.session, clash)
    assert error.value.code == "lease_overlap" and "L-1" in str(error.value)
    _discard(db, obj.leases, clash)
    # the day after the first lease ended early, the object may be let again
    second = service.register_lease(db.session, _lease(obj, "L-3", datetime.date(2024, 7, 1),
                                                       local_today() + datetime.timedelta(days=400)))
    db.session.flush()
    inner = _lease(obj, "L-4", local_today() + datetime.timedelta(days=100), local_today() + datetime.timedelta(days=200))
    assert _code(service.register_lease, db.session, inner) == "lease_overlap"
    _discard(db, obj.leases, inner)
    assert first.effective_end == datetime.date(2024, 6, 30) and second.covers(local_today())
    db.session.rollback()


def test_a_lease_makes_the_object_leased_until_it_ends(app, db):
    from app.services import municipal_property as service

    obj = _registered(db, _owner(db), "T-LU-1", kind="premises")
    lease = service.register_lease(db.session, _lease(obj, "L-1", local_today() - datetime.timedelta(days=30),
                                                      local_today() + datetime.timedelta(days=335)))
    db.session.flush()
    assert obj.use_mode == "lease" and obj.tenant == "ЖЧК «Сыноо»" and lease.state == "current"
    obj.use_mode = "vacant"  # not by hand while the contract binds it
    assert _code(service.update_object, db.session, obj) == "lease_open"
    obj.use_mode = "lease"
    service.end_lease(db.session, lease, local_today())
    db.session.flush()
    assert obj.use_mode == "vacant" and lease.state == "ended"
    assert [e.kind for e in obj.events] == ["acquired", "lease_started", "lease_ended"]
    assert _code(service.end_lease, db.session, lease, local_today()) == "lease_already_ended"
    obj.use_mode = "lease"
    assert _code(service.update_object, db.session, obj) == "lease_by_contract"
    db.session.rollback()


def test_an_ended_lease_is_history(app, db):
    from app.services import municipal_property as service

    obj = _registered(db, _owner(db), "T-EL-1", kind="premises")
    lease = service.register_lease(db.session, _lease(obj, "L-1", datetime.date(2023, 1, 1),
                                                      datetime.date(2023, 12, 31),
                                                      terminated_on=datetime.date(2023, 12, 31)))
    db.session.flush()
    assert obj.use_mode == "vacant" and [e.kind for e in obj.events][-2:] == ["lease_started", "lease_ended"]
    lease.note = "Ижарачы мүлктү кайтарып берди"
    service.update_lease(db.session, lease)  # the note may change
    lease.monthly_rent = Decimal("1")
    assert _code(service.update_lease, db.session, lease) == "lease_closed"
    db.session.rollback()


def test_ending_a_lease_early_through_an_edit(app, db):
    from app.services import municipal_property as service

    obj = _registered(db, _owner(db), "T-EE-1", kind="premises")
    lease = service.register_lease(db.session, _lease(obj, "L-1", local_today() - datetime.timedelta(days=60),
                                                      local_today() + datetime.timedelta(days=300)))
    db.session.flush()
    lease.terminated_on = lease.start_date - datetime.timedelta(days=1)
    assert _code(service.update_lease, db.session, lease) == "lease_end_date"
    lease.terminated_on = local_today()
    service.update_lease(db.session, lease)
    db.session.flush()
    assert obj.use_mode == "vacant" and obj.events[-1].kind == "lease_ended" and obj.events[-1].on_date == local_today()
    db.session.rollback()


def test_objects_held_by_an_organisation_cannot_be_leased(app, db):
    from app.services import municipal_property as service

    obj = _registered(db, _owner(db), "T-HO-1", use_mode="operational", holder_name="Бала бакча")
    lease = _lease(obj, "L-1", local_today(), local_today() + datetime.timedelta(days=30))
    assert _code(service.register_lease, db.session, lease) == "object_in_use"
    db.session.rollback()


# --- decommissioning ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("number,day,code", [
    ("", local_today(), "act_required"),
    ("5-С", None, "act_required"),
    ("5-С", local_today() + datetime.timedelta(days=1), "act_date_future"),
    ("5-С", datetime.date(2014, 12, 31), "act_before_acquisition"),
])
def test_decommissioning_requires_a_valid_act(app, db, number, day, code):
    from app.services import municipal_property as service
    from models.municipal_property import PropertyDecommission

    obj = _registered(db, _owner(db), "T-ACT-1")
    act = PropertyDecommission(object=obj, reason=_reason(db), act_number=number, act_date=day)
    assert _code(service.request_decommission, db.session, act) == code
    assert _code(service.decommission_object, db.session, obj, number, day) == code
    db.session.rollback()


def test_approved_decommissioning_ends_the_lease_and_keeps_history(app, db):
    from app.services import municipal_property as service
    from models.municipal_property import PropertyDecommission

    obj = _registered(db, _owner(db), "T-DEC-1", kind="premises")
    lease = service.register_lease(db.session, _lease(obj, "L-1", local_today() - datetime.timedelta(days=100),
                                                      local_today() + datetime.timedelta(days=265)))
    future = service.register_lease(db.session, _lease(obj, "L-2", local_today() + datetime.timedelta(days=266),
                                                       local_today() + datetime.timedelta(days=600)))
    db.session.flush()
    act_day = local_today() - datetime.timedelta(days=2)
    act = service.request_decommission(db.session, PropertyDecommission(
        object=obj, reason=_reason(db, "destruction"), act_number="9-С", act_date=act_day))
    db.session.flush()
    assert obj.status == "active" and act.status == "pending"  # nothing happens before the head approves
    second = PropertyDecommission(object=obj, reason=_reason(db), act_number="10-С", act_date=local_today())
    assert _code(service.request_decommission, db.session, second) == "decommission_pending"
    _discard(db, obj.decommissions, second)
    service.approve_decommission(db.session, act, decided_by=None)
    db.session.flush()
    assert (obj.status, obj.decommissioned_on, obj.use_mode) == ("decommissioned", act_day, "vacant")
    assert lease.terminated_on == act_day and lease.effective_end == act_day and future.terminated_on == act_day
    assert [e.kind for e in obj.events] == ["acquired", "lease_started", "lease_started", "lease_ended",
                                            "lease_ended", "decommissioned"]
    assert act.status == "approved" and act.decided_on == local_today()
    assert [(h.from_status, h.to_status) for h in act.history] == [(None, "pending"), ("pending", "approved")]
    assert _code(service.approve_decommission, db.session, act) == "decommission_decided"
    again = PropertyDecommission(object=obj, reason=_reason(db), act_number="11-С", act_date=local_today())
    assert _code(service.request_decommission, db.session, again) == "already_decommissioned"
    db.session.rollback()


def test_decommissioned_object_cannot_be_leased_or_changed_except_its_note(app, db):
    from app.services import municipal_property as service

    obj = _registered(db, _owner(db), "T-LOCK-1")
    service.decommission_object(db.session, obj, "3-С", local_today())
    db.session.flush()
    obj.note = "Имарат бузулду"
    service.update_object(db.session, obj)
    obj.name = "Башка ат"
    assert _code(service.update_object, db.session, obj) == "decommissioned_locked"
    obj.name = "Сыноо имараты"
    lease = _lease(obj, "L-1", local_today(), local_today() + datetime.timedelta(days=30))
    assert _code(service.register_lease, db.session, lease) == "decommissioned_no_lease"
    db.session.rollback()


def test_a_rejected_act_leaves_the_object_in_the_register(app, db):
    from app.services import municipal_property as service
    from models.municipal_property import PropertyDecommission

    obj = _registered(db, _owner(db), "T-REJ-1")
    act = service.request_decommission(db.session, PropertyDecommission(
        object=obj, reason=_reason(db), act_number="1-С", act_date=local_today()))
    db.session.flush()
    assert _code(service.reject_decommission, db.session, act, note=" ") == "refusal_reason"  # a refusal says why
    service.reject_decommission(db.session, act, note="Объект дагы колдонулат")
    db.session.flush()
    assert obj.status == "active" and act.status == "rejected"
    assert [(h.from_status, h.to_status, h.note) for h in act.history] == [
        (None, "pending", None), ("pending", "rejected", "Объект дагы колдонулат")]
    act.note = "changed"
    assert _code(service.update_decommission, db.session, act) == "decommission_decided"
    # after a rejection a new act may be drawn up
    service.request_decommission(db.session, PropertyDecommission(object=obj, reason=_reason(db),
                                                                  act_number="2-С", act_date=local_today()))
    db.session.flush()
    db.session.rollback()


def test_database_keeps_one_open_act_per_object(app, db):
    from sqlalchemy.exc import IntegrityError

    from models.municipal_property import PropertyDecommission

    obj, reason = _registered(db, _owner(db), "T-ONE-1"), _reason(db)
    db.session.add_all([PropertyDecommission(object=obj, reason=reason, act_number=n, act_date=local_today(),
                                             status="pending") for n in ("1", "2")])
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- the register in the browser ------------------------------------------------------------------------------
def test_decommissioned_object_leaves_the_active_register_but_stays_in_history(app, db):
    from models.municipal_property import PropertyObject

    gone = db.session.query(PropertyObject).filter_by(status="decommissioned").first()
    active = db.session.query(PropertyObject).filter_by(status="active").first()
    b = _admin(app)
    assert b.get(f"/propertyobjectview/show/{gone.id}").status_code == 404
    assert b.get(f"/propertyobjectview/show/{active.id}").status_code == 200
    listing = b.get(f"/propertyobjectview/list/?_flt_0_inventory_number={gone.inventory_number}")
    assert f"/propertyobjectview/show/{gone.id}\"" not in listing.get_data(as_text=True)
    archive = b.get("/propertyarchiveview/list/").get_data(as_text=True)
    assert f"/propertyarchiveview/show/{gone.id}\"" in archive
    assert f"/propertyarchiveview/show/{active.id}\"" not in archive
    page = b.get(f"/propertyarchiveview/show/{gone.id}").get_data(as_text=True)
    assert gone.inventory_number in page and "/propertyeventview/" in page  # its history is shown with it
    # only the note can still be edited
    response = b.post(f"/propertyarchiveview/edit/{gone.id}", {"note": "Архивге өттү"},
                      token_from=f"/propertyarchiveview/edit/{gone.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PropertyObject, gone.id).note == "Архивге өттү"
    # and the API refuses any other change
    body = {"name": "Башка ат"}
    answer = b.api.put(f"/api/v1/municipal_property_object/{gone.id}", json=body)
    assert answer.status_code == 422
    assert db.session.get(PropertyObject, gone.id).name == gone.name


def test_adding_an_object_through_the_form_records_its_acquisition(app, db):
    from models.municipal_property import PropertyObject

    owner = _owner(db)
    b = _admin(app)
    data = {"territory": owner.id, "kind": "land", "inventory_number": "F-LAND-1",
            "cadastral_number": "1-02-05-0001-0777",
            "name": "Сыноо жер участогу", "address": "Манас, 5", "area": "2.5", "condition": "good",
            "balance_value": "450000", "depreciation": "0", "acquisition_basis": "state_transfer",
            "basis_doc_number": "77", "basis_doc_date": "2020-03-01", "acquired_on": "2020-03-01", "use_mode": "vacant"}
    assert b.post("/propertyobjectview/add", data, token_from="/propertyobjectview/add").status_code == 302
    obj = db.session.query(PropertyObject).filter_by(inventory_number="F-LAND-1").one()
    assert obj.residual_value == Decimal("450000") and [e.kind for e in obj.events] == ["acquired"]
    assert "2,5" in b.get(f"/propertyobjectview/show/{obj.id}").get_data(as_text=True)  # area with its unit
    # the same inventory number again: refused with the rule's message, nothing saved
    b.get("/lang/en")
    page = b.post("/propertyobjectview/add", data, token_from="/propertyobjectview/add", follow_redirects=True)
    assert "already used in this register" in page.get_data(as_text=True)
    assert db.session.query(PropertyObject).filter_by(inventory_number="F-LAND-1").count() == 1
    # an owner that is not an aiyl aimak or city is not even offered
    rayon = db.session.query(type(owner)).filter_by(code="41708203000000").one()
    page = b.get("/propertyobjectview/add").get_data(as_text=True)
    assert f'value="{owner.id}"' in page and f'value="{rayon.id}"' not in page


def test_revaluation_through_the_edit_form(app, db):
    from models.municipal_property import PropertyObject

    b = _admin(app)
    b.post("/propertyobjectview/add", {
        "territory": _owner(db).id, "kind": "building", "inventory_number": "F-REV-1", "name": "Клуб",
        "condition": "satisfactory", "balance_value": "900000", "depreciation": "100000",
        "acquisition_basis": "construction", "acquired_on": "2010-05-01", "use_mode": "vacant"},
        token_from="/propertyobjectview/add")
    obj = db.session.query(PropertyObject).filter_by(inventory_number="F-REV-1").one()
    form = {"territory": obj.territory_id, "kind": "building", "inventory_number": "F-REV-1", "name": "Клуб",
            "condition": "satisfactory", "balance_value": "1200000", "depreciation": "100000",
            "acquisition_basis": "construction", "acquired_on": "2010-05-01", "use_mode": "vacant"}
    assert b.post(f"/propertyobjectview/edit/{obj.id}", form,
                  token_from=f"/propertyobjectview/edit/{obj.id}").status_code == 302
    db.session.expire_all()
    obj = db.session.get(PropertyObject, obj.id)
    assert obj.residual_value == Decimal("1100000")
    assert [(e.kind, e.note) for e in obj.events][-1] == ("revalued", "900000.00 → 1200000.00")
    changes = json.loads(audit_events(app, action="update", object_type="municipal_property_object",
                                      object_id=str(obj.id))[-1].changes)
    assert [Decimal(v) for v in changes["balance_value"]] == [900000, 1200000]  # the audit trail has it too


def test_clerk_draws_up_the_act_and_the_head_approves_it(app, make_user):
    # two logins at once: no test-wide app context (requests would share its `g`)
    from app.extensions import db
    from models.municipal_property import PropertyDecommission, PropertyObject

    with app.app_context():
        owner = _owner(db, inside_rayon_a=False)
        owner_id, owner_code, reason_id = owner.id, owner.code, _reason(db).id
    clerk = Browser(app.test_client())
    clerk.login(make_user(("LSG clerk",), territory=owner_code))
    head = Browser(app.test_client())
    head.login(make_user(("LSG head",), territory=owner_code))
    assert clerk.post("/propertyobjectview/add", {
        "territory": owner_id, "kind": "movable", "inventory_number": "F-DEC-1", "name": "ЮМЗ-6 трактору",
        "condition": "emergency", "balance_value": "300000", "depreciation": "300000",
        "acquisition_basis": "purchase", "acquired_on": "2001-04-01", "use_mode": "vacant"},
        token_from="/propertyobjectview/add").status_code == 302
    with app.app_context():
        obj_id = db.session.query(PropertyObject).filter_by(inventory_number="F-DEC-1").one().id
    # the object's "Decommission" action opens the act form for it
    answer = clerk.post(f"/propertyobjectview/action/decommission/{obj_id}")
    assert answer.status_code == 302 and f"_flt_0_object={obj_id}" in answer.headers["Location"]
    form = answer.headers["Location"]
    assert clerk.post(form, {"reason": reason_id, "act_number": "12-С", "act_date": local_today().isoformat(),
                             "note": "Толук эскирген"}, token_from=form).status_code == 302
    with app.app_context():
        act = db.session.query(PropertyDecommission).filter_by(object_id=obj_id).one()
        assert act.status == "pending"
        act_id = act.id
    # the clerk cannot approve (no step offered, the step page 403); the head can, on the act's page
    show = f"/propertydecommissionview/show/{act_id}"
    assert 'id="step-approve"' not in clerk.get(show).get_data(as_text=True)
    assert clerk.post(f"/propertydecommissionview/approve/{act_id}", {},
                      token_from=show).status_code == 403
    with app.app_context():
        assert db.session.get(PropertyDecommission, act_id).status == "pending"
    assert head.get("/propertyobjectview/add").status_code == 403  # the head reads, does not enter
    page = head.get(show).get_data(as_text=True)
    assert 'id="step-approve"' in page and 'id="step-reject"' in page
    step = f"/propertydecommissionview/approve/{act_id}"
    assert head.get(step).status_code == 200
    answer = head.post(step, {}, token_from=step)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(show)
    with app.app_context():
        act = db.session.get(PropertyDecommission, act_id)
        assert act.status == "approved" and act.decided_by is not None and act.decided_on == local_today()
        assert [(h.from_status, h.to_status) for h in act.history] == [(None, "pending"), ("pending", "approved")]
        assert act.history[0].actor.username != act.history[1].actor.username  # the clerk drew up, the head decided
        assert act.history[1].actor_id == act.decided_by_fk
        obj = db.session.get(PropertyObject, obj_id)
        assert obj.status == "decommissioned" and obj.events[-1].kind == "decommissioned"
    # the history on the act's page, and no further step
    page = head.get(show).get_data(as_text=True)
    assert "/propertydecommissionstepview/" in page and 'id="step-' not in page
    events = [e for e in audit_events(app, action="transition", object_type="municipal_property_decommission")
              if e.object_id == str(act_id)]
    assert events and '"approve"' in events[-1].changes


def test_acts_of_another_territory_cannot_be_approved(app, make_user):
    from app.extensions import db
    from models.municipal_property import PropertyDecommission

    with app.app_context():
        act_id = db.session.query(PropertyDecommission).filter_by(status="pending").filter(
            PropertyDecommission.scope_condition(_rayon_a_ids(db))).order_by(PropertyDecommission.id).first().id
        outside = _owner(db, inside_rayon_a=False, offset=3).code
    head = Browser(app.test_client())
    head.login(make_user(("LSG head",), territory=outside))
    step = f"/propertydecommissionview/approve/{act_id}"
    assert head.post(step, {}, token_from="/propertydecommissionview/list/").status_code == 404
    assert head.get(f"/propertydecommissionview/show/{act_id}").status_code == 404
    assert head.api.post(f"/api/v1/municipal_property_decommission/{act_id}/transitions/approve",
                         json={}).status_code == 404
    with app.app_context():
        assert db.session.get(PropertyDecommission, act_id).status == "pending"


def _rayon_a_ids(db):
    from models.reference import Territory

    return db.session.query(Territory.id).filter(Territory.path.startswith(RAYON_A)).scalar_subquery()


def _pending_act(app, number, offset=5):
    """An object with an act awaiting approval outside rayon A (committed), and the owner's code."""
    from app.extensions import db
    from app.services import municipal_property as service
    from models.municipal_property import PropertyDecommission

    with app.app_context():
        owner = _owner(db, inside_rayon_a=False, offset=offset)
        obj = _registered(db, owner, number, kind="movable")
        act = service.request_decommission(db.session, PropertyDecommission(
            object=obj, reason=_reason(db), act_number=f"{number}-С", act_date=local_today()))
        db.session.commit()
        return act.id, obj.id, owner.code


def _api(pk, name=None):
    base = f"/api/v1/municipal_property_decommission/{pk}/transitions"
    return base if name is None else f"{base}/{name}"


def test_the_head_decides_acts_through_the_api(app, make_user):
    from app.extensions import db
    from app.services import municipal_property as service
    from models.municipal_property import PropertyDecommission, PropertyObject

    approve_id, obj_id, code = _pending_act(app, "F-API-1")
    reject_id, kept_id, _ = _pending_act(app, "F-API-2")
    clerk = Browser(app.test_client())
    clerk.login(make_user(("LSG clerk",), territory=code))
    head = Browser(app.test_client())
    head.login(make_user(("LSG head",), territory=code))
    # the clerk reads the act but may not decide: nothing listed, 403
    assert clerk.get(_api(approve_id)).get_json()["transitions"] == []
    assert clerk.api.post(_api(approve_id, "approve"), json={}).status_code == 403
    listed = head.get(_api(approve_id)).get_json()
    assert listed["state"] == "pending" and sorted(t["name"] for t in listed["transitions"]) == ["approve", "reject"]
    reject = next(t for t in listed["transitions"] if t["name"] == "reject")
    assert [(f["name"], f["required"]) for f in reject["fields"]] == [("note", True)]
    # a refusal states why: without the reason 422 at the note
    head.get("/lang/ru")
    answer = head.api.post(_api(reject_id, "reject"), json={})
    assert answer.status_code == 422 and "note" in answer.get_json()["message"]
    answer = head.api.post(_api(reject_id, "reject"), json={"note": "Объект оңдолот"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json()["state"] == "rejected" and answer.get_json()["transitions"] == []
    answer = head.api.post(_api(approve_id, "approve"), json={})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json()["state"] == "approved"
    with app.app_context():
        act = db.session.get(PropertyDecommission, approve_id)
        assert act.status == "approved" and act.decided_on == local_today() and act.decided_by_fk is not None
        assert [(h.from_status, h.to_status) for h in act.history] == [(None, "pending"), ("pending", "approved")]
        assert act.history[-1].actor_id == act.decided_by_fk
        obj = db.session.get(PropertyObject, obj_id)
        assert (obj.status, obj.decommissioned_on) == ("decommissioned", act.act_date)  # as of the act date
        rejected = db.session.get(PropertyDecommission, reject_id)
        assert rejected.status == "rejected" and rejected.history[-1].note == "Объект оңдолот"
        assert db.session.get(PropertyObject, kept_id).status == "active"
    for pk, name in ((approve_id, "approve"), (reject_id, "reject")):
        events = [e for e in audit_events(app, action="transition") if e.object_id == str(pk)
                  and e.object_type == "municipal_property_decommission"]
        assert events and f'"{name}"' in events[-1].changes
    # already decided: 422 with the translated reason at the status
    answer = head.api.post(_api(approve_id, "reject"), json={"note": "Кеч"})
    assert answer.status_code == 422 and answer.get_json()["field"] == "status"
    assert re.search("[а-яА-Я]", answer.get_json()["message"])
    # the guard: an object that left the register meanwhile cannot be written off again
    guarded_id, guarded_obj, _ = _pending_act(app, "F-API-3")
    with app.app_context():
        obj = db.session.get(PropertyObject, guarded_obj)
        service.decommission_object(db.session, obj, "F-API-3-X", local_today())
        db.session.commit()
    assert [t["name"] for t in head.get(_api(guarded_id)).get_json()["transitions"]] == ["reject"]
    answer = head.api.post(_api(guarded_id, "approve"), json={})
    assert answer.status_code == 422 and answer.get_json()["field"] == "object"
    assert re.search("[а-яА-Я]", answer.get_json()["message"])
    with app.app_context():
        assert db.session.get(PropertyDecommission, guarded_id).status == "pending"


def test_the_head_rejects_on_the_page_stating_why(app, make_user):
    from app.extensions import db
    from models.municipal_property import PropertyDecommission

    act_id, _, code = _pending_act(app, "F-PAGE-1")
    head = Browser(app.test_client())
    head.login(make_user(("LSG head",), territory=code))
    head.get("/lang/ky")
    step = f"/propertydecommissionview/reject/{act_id}"
    page = head.get(step).get_data(as_text=True)
    assert 'name="note"' in page and "Баш тартуунун себеби" in page  # the field, in Kyrgyz
    assert head.post(step, {"note": ""}, token_from=step).status_code == 200  # refused: the form again
    with app.app_context():
        assert db.session.get(PropertyDecommission, act_id).status == "pending"
    answer = head.post(step, {"note": "Оңдоого болот"}, token_from=step)
    assert answer.status_code == 302
    with app.app_context():
        act = db.session.get(PropertyDecommission, act_id)
        assert act.status == "rejected" and act.history[-1].note == "Оңдоого болот"
        assert act.object.status == "active"
    page = head.get(f"/propertydecommissionview/show/{act_id}").get_data(as_text=True)
    assert "Оңдоого болот" in page  # the reason in the act's history


def test_the_act_api_is_read_only_and_scoped(app, make_user):
    act_id, _, code = _pending_act(app, "F-API-4")
    head = Browser(app.test_client())
    head.login(make_user(("LSG head",), territory=code))
    answer = head.get(f"/api/v1/municipal_property_decommission/{act_id}")
    assert answer.status_code == 200 and answer.get_json()["result"]["status"] == "pending"
    assert head.api.put(f"/api/v1/municipal_property_decommission/{act_id}",
                        json={"status": "approved"}).status_code in (403, 405)
    other = Browser(app.test_client())
    other.login(make_user(("LSG head",), territory="41708203000000"))
    assert other.get(f"/api/v1/municipal_property_decommission/{act_id}").status_code == 404
    assert other.get(_api(act_id)).status_code == 404


# --- documents ------------------------------------------------------------------------------------------------
def _pdf_bytes():
    from app.seed.municipal_property import demo_pdf

    return demo_pdf("Сыноо", ["test document"])


def test_documents_are_uploaded_checked_downloaded_and_audited(app, db):
    from models.municipal_property import PropertyDocument, PropertyObject
    from views.municipal_property import documents_folder

    obj = db.session.query(PropertyObject).filter_by(status="active").order_by(PropertyObject.id).first()
    b = _admin(app)
    b.get("/lang/en")
    data = _pdf_bytes()
    url = f"/propertydocumentview/add?_flt_0_object={obj.id}"
    response = b.post(url, {"title": "Мамлекеттик каттоо күбөлүгү", "number": "A-15", "doc_date": "2020-02-02",
                            "file": (io.BytesIO(data), "Күбөлүк 2020.pdf")}, token_from=url,
                      content_type="multipart/form-data")
    assert response.status_code == 302
    doc = db.session.query(PropertyDocument).filter_by(number="A-15").one()
    with app.app_context():
        path = os.path.join(documents_folder(), doc.stored_name)
        assert path.startswith(app.instance_path)
    assert open(path, "rb").read() == data and doc.file_name == "Күбөлүк 2020.pdf" and doc.size_bytes == len(data)
    download = b.get(f"/propertydocumentview/download/{doc.id}")
    assert download.status_code == 200 and download.data == data and download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    event = audit_events(app, action="download", object_type="municipal_property_document", object_id=str(doc.id))
    assert event and event[-1].username == "admin"
    # wrong type, content that is not what the name says, an empty file: refused, nothing stored
    before = db.session.query(PropertyDocument).count()
    for name, content, message in (("virus.exe", b"MZ\x90\x00", "Only these files can be attached"),
                                   ("scan.pdf", b"\x89PNG\r\n\x1a\n0000", "is not a .pdf document"),
                                   ("scan.png", b"", "The file is empty")):
        page = b.post(url, {"title": "Жаман файл", "file": (io.BytesIO(content), name)}, token_from=url,
                      content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
        assert message in page, name
    assert db.session.query(PropertyDocument).count() == before
    # deleting the document removes its file
    assert b.post(f"/propertydocumentview/delete/{doc.id}").status_code == 302
    assert not os.path.exists(path)


def test_file_size_and_names_are_checked():
    from app.services import municipal_property as service

    pdf = b"%PDF-1.4\n" + b"0" * 100
    assert service.check_file("a.PDF", pdf) == ("pdf", "application/pdf")
    assert _code(service.check_file, "a.pdf", pdf, max_bytes=50) == "file_size"
    assert _code(service.check_file, "a.docx", b"PK\x03\x04 not really a zip") == "file_content"
    assert _code(service.check_file, "noextension", pdf) == "file_type"
    assert service.clean_file_name("..\\..\\etc/passwd") == "passwd"
    assert service.clean_file_name('C:\\scans\\акт "1".pdf') == "акт 1.pdf"
    assert service.document_path("/tmp", type("D", (), {"stored_name": "../../etc/passwd"})()) is None


def test_downloads_are_scoped(app, make_user):
    from app.extensions import db
    from models.municipal_property import PropertyDocument, PropertyObject
    from models.reference import Territory

    with app.app_context():
        doc_id = (db.session.query(PropertyDocument).join(PropertyObject).join(Territory)
                  .filter(~Territory.path.startswith("/41708000000000/")).first().id)
    user = make_user(("LSG clerk",), territory="41708203000000")
    b = Browser(app.test_client())
    b.login(user)
    assert b.get(f"/propertydocumentview/download/{doc_id}").status_code == 404
    assert [e for e in audit_events(app, action="denied") if e.username == user
            and e.object_type == "municipal_property_document"]
    policy = Browser(app.test_client())
    policy.login(make_user(("LSG policy specialist",)))
    assert policy.get(f"/propertydocumentview/download/{doc_id}").status_code == 403


# --- charts ---------------------------------------------------------------------------------------------------
def test_objects_and_value_by_type_match_the_register(app, db):
    from app.scope import NATIONAL, Scope
    from charts.municipal_property import objects_by_kind
    from models.municipal_property import PropertyObject
    from models.reference import Territory

    objects = db.session.query(PropertyObject).all()
    chuy = db.session.query(Territory).filter_by(code="41708000000000").one()
    for scope, inside in ((NATIONAL, lambda o: True),
                          (Scope(chuy.id, chuy.path, chuy.level), lambda o: o.territory.path.startswith(chuy.path))):
        frame = objects_by_kind(db.session, scope, {})
        expected = {}
        for o in objects:
            if o.status == "active" and inside(o):
                count, balance, residual = expected.get(o.kind, (0, Decimal(0), Decimal(0)))
                expected[o.kind] = (count + 1, balance + o.balance_value, residual + o.residual_value)
        got = {r.kind: (r.objects, r.balance_value, r.residual_value) for r in frame.itertuples()}
        assert set(got) == set(expected)
        for kind, (count, balance, residual) in expected.items():
            assert got[kind][0] == count
            assert got[kind][1] == pytest.approx(float(balance)) and got[kind][2] == pytest.approx(float(residual))
    assert set(objects_by_kind(db.session, NATIONAL, {})["kind"]) == {"land", "building", "premises",
                                                                      "infrastructure", "movable"}


def test_leases_ending_soon_lists_the_next_90_days(app, db):
    from app.scope import NATIONAL
    from charts.municipal_property import leases_ending_soon
    from models.municipal_property import PropertyLease

    frame = leases_ending_soon(db.session, NATIONAL, {})
    expected = {}
    for lease in db.session.query(PropertyLease).all():
        end = lease.effective_end
        if lease.object.status == "active" and local_today() <= end <= local_today() + datetime.timedelta(days=90) and \
                (lease.terminated_on is None or lease.terminated_on >= local_today()):
            expected[(lease.object.inventory_number, lease.contract_number)] = (end - local_today()).days
    got = {(r.inventory_number, r.contract_number): r.days_left for r in frame.itertuples()}
    assert got == expected and expected, "the demo data has a lease ending within 90 days"
    assert list(frame["days_left"]) == sorted(frame["days_left"])
    assert "tenant_name" not in frame.columns  # the chart is for planning, not a list of tenants
    wider = leases_ending_soon(db.session, NATIONAL, {"days": "366"})
    assert len(wider) >= len(frame)


def test_chart_pages_render_and_export(app):
    import openpyxl

    b = Browser(app.test_client())
    b.get("/lang/en")
    b.login("admin")
    for key in ("value_by_kind", "leases_ending", "condition"):
        page = b.get(f"/propertycharts/?chart={key}").get_data(as_text=True)
        assert "plotly-graph-div" in page and 'id="chart-table"' in page, key
    exported = b.get("/propertycharts/export/value_by_kind/xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(exported.data)).active
    assert [c.value for c in sheet[1]] == ["Type", "Objects", "Balance value, som", "Residual value, som"]
    assert sheet.max_row == 6 and sheet["A2"].value == "Land plot"  # one row per type, labelled


# --- import / export / API ------------------------------------------------------------------------------------
def _sheet(rows):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    header = ["territory", "kind", "inventory_number", "cadastral_number", "name", "address", "area",
              "balance_value", "depreciation", "acquisition_basis", "basis_doc_number", "basis_doc_date",
              "acquired_on", "condition", "use_mode", "holder_name", "holder_inn", "note"]
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(c, "") for c in header])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_import_is_all_or_nothing_with_row_errors(app, db):
    from models.municipal_property import PropertyObject, PropertyEvent

    owner = _owner(db)
    good = dict(territory=owner.code, kind="building", name="Импорт имараты", balance_value="500000",
                depreciation="100000", acquisition_basis="purchase", acquired_on="2012-01-01", condition="good",
                use_mode="vacant")
    rows = [dict(good, inventory_number="IMP-1"), dict(good, inventory_number="IMP-2", kind="land",
                                                        cadastral_number="1-02-05-0001-0999", area="3.5"),
            dict(good, inventory_number="IMP-3", depreciation="600000")]
    b = _admin(app)
    b.get("/lang/en")
    page = b.post("/propertyobjectview/import/", {"file": (_sheet(rows), "objects.xlsx")},
                  token_from="/propertyobjectview/import/", content_type="multipart/form-data")
    text = page.get_data(as_text=True)
    assert 'id="import-errors"' in text and "<td>4</td>" in text and "exceeds the balance value" in text
    assert db.session.query(PropertyObject).filter(PropertyObject.inventory_number.like("IMP-%")).count() == 0
    rows[2]["depreciation"] = "0"
    answer = b.post("/propertyobjectview/import/", {"file": (_sheet(rows), "objects.xlsx")},
                    token_from="/propertyobjectview/import/", content_type="multipart/form-data")
    assert answer.status_code == 302
    imported = db.session.query(PropertyObject).filter(PropertyObject.inventory_number.like("IMP-%")).all()
    assert len(imported) == 3 and {o.residual_value for o in imported} == {Decimal("400000"), Decimal("500000")}
    assert db.session.query(PropertyEvent).filter(PropertyEvent.object_id.in_([o.id for o in imported]),
                                                  PropertyEvent.kind == "acquired").count() == 3


def test_export_reads_back(app, db):
    import openpyxl

    from models.municipal_property import PropertyObject

    b = _admin(app)
    b.get("/lang/en")
    response = b.get("/propertyobjectview/export/xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Inventory number", "Name", "Type"]
    assert sheet.max_row - 1 == db.session.query(PropertyObject).filter_by(status="active").count()
    column = header.index("Balance value, som")
    exported = sum(Decimal(str(row[column].value)) for row in sheet.iter_rows(min_row=2))
    assert exported == sum(o.balance_value for o in db.session.query(PropertyObject).filter_by(status="active"))


def test_api_creates_objects_through_the_rules(app, db):
    from models.municipal_property import PropertyObject

    owner = _owner(db)
    b = _admin(app)
    body = {"territory": owner.id, "kind": "infrastructure", "inventory_number": "API-1", "name": "Суу түтүгү",
            "balance_value": "2500000", "depreciation": "500000", "acquisition_basis": "construction",
            "acquired_on": "2018-09-01", "condition": "good", "use_mode": "vacant"}
    created = b.api.post("/api/v1/municipal_property_object/", json=body)
    assert created.status_code == 201, created.get_data(as_text=True)
    obj = db.session.get(PropertyObject, created.get_json()["id"])
    assert obj.residual_value == Decimal("2000000") and obj.events[0].kind == "acquired"
    shown = b.get(f"/api/v1/municipal_property_object/{obj.id}").get_json()["result"]
    assert shown["inventory_number"] == "API-1" and shown["status"] == "active"
    refused = b.api.post("/api/v1/municipal_property_object/?_l_=en",
                            json=dict(body, inventory_number="API-2", depreciation="2500000.01"))
    assert refused.status_code == 422 and "residual value" in refused.get_json()["message"]
    assert b.api.put(f"/api/v1/municipal_property_object/{obj.id}", json={"status": "decommissioned"}).status_code \
        in (400, 422)
    assert b.api.delete(f"/api/v1/municipal_property_object/{obj.id}").status_code in (403, 404, 405)
    db.session.expire_all()
    assert db.session.get(PropertyObject, obj.id).status == "active"


# --- roles, PDF, demo data ------------------------------------------------------------------------------------
def test_role_templates(app, make_user):
    policy = Browser(app.test_client())
    policy.login(make_user(("LSG policy specialist",)))
    assert policy.get("/propertycharts/?chart=leases_ending").status_code == 200
    for url in ("/propertyobjectview/list/", "/propertyleaseview/list/", "/propertydocumentview/list/",
                "/api/v1/municipal_property_object/"):
        assert policy.get(url).status_code in (401, 403), url
    clerk = Browser(app.test_client())
    clerk.login(make_user(("LSG clerk",), territory="41708203000000"))
    for url in ("/propertyobjectview/add", "/propertyleaseview/add", "/propertydocumentview/add",
                "/propertydecommissionview/add", "/propertyobjectview/import/", "/propertycharts/"):
        assert clerk.get(url).status_code == 200, url


def test_object_card_is_printed_and_audited(app, db):
    from pypdf import PdfReader

    from models.municipal_property import PropertyObject

    obj = db.session.query(PropertyObject).filter_by(status="active", kind="building").first()
    b = Browser(app.test_client())
    b.get("/lang/ky")
    b.login("admin")
    assert 'id="print-record"' in b.get(f"/propertyobjectview/show/{obj.id}").get_data(as_text=True)
    response = b.get(f"/propertyobjectview/print/{obj.id}")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert obj.inventory_number in text and obj.name in text
    assert audit_events(app, action="pdf", object_type="municipal_property_object", object_id=str(obj.id))


def test_demo_data_spans_oblasts_and_is_idempotent(app, db):
    from app.seed import municipal_property as seed
    from models.municipal_property import PropertyDecommission, PropertyDocument, PropertyLease, PropertyObject

    owners = [t.id for t in seed.demo_owners(db.session)]
    objects = db.session.query(PropertyObject).filter(PropertyObject.territory_id.in_(owners)).all()
    by_kind = {}
    for o in objects:
        by_kind.setdefault(o.kind, set()).add(o.territory.path.split("/")[1])
    assert set(by_kind) == {"land", "building", "premises", "infrastructure", "movable"}
    assert all(len(oblasts) >= 5 for oblasts in by_kind.values()), by_kind
    gone = [o for o in objects if o.status == "decommissioned"]
    assert gone and not any(o.territory.path.startswith(RAYON_A) for o in gone)
    assert any(lease.tenant_kind == "person" for lease in db.session.query(PropertyLease))
    assert db.session.query(PropertyDocument).count() >= 8
    assert db.session.query(PropertyDecommission).filter_by(status="pending").count() >= 1
    assert seed.seed(db.session, echo=lambda m: None) == 0
    db.session.rollback()
