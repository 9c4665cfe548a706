"""Custom fields without code or restart: added through the API and the UI, filled in the form, validated on every
path (form, import, API), listed, searched, exported, imported, in the API bodies, _info and OpenAPI, scoped,
audited old → new, retired with their history, erased by retention, promoted to a column by a migration."""
import io

from app.clock import local_today
import json
import re
import uuid

import pytest

from tests.conftest import Browser, audit_events

RAYON_A = "41708203000000"
HOUSEHOLDS = "household_book_household"


@pytest.fixture(autouse=True)
def _retire_fields_afterwards(app):
    """The suite shares one database: a field a test added (a required one above all) must not reach the
    other modules' tests."""
    yield
    with app.app_context():
        from app.extensions import db
        from models.catalogue import CustomField

        db.session.rollback()
        for field in db.session.query(CustomField).filter_by(status="active"):
            field.status = "retired"
        db.session.commit()


def _admin(app, make_user, lang="en"):
    b = Browser(app.test_client())
    b.get(f"/lang/{lang}")
    b.login(make_user(roles=("Admin",)))
    return b


def _clerk(app, make_user, lang="en"):
    b = Browser(app.test_client())
    b.get(f"/lang/{lang}")
    b.login(make_user(roles=("LSG clerk",), territory=RAYON_A))
    return b


def _key(prefix="f"):
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def _add_field(b, dataset=HOUSEHOLDS, **body):
    response = b.api.post(f"/api/v1/catalogue/datasets/{dataset}/fields", json=body)
    return response


def _household_in_a(db):
    from app.scope import Scope
    from models.household_book import Household
    from models.reference import Territory

    unit = db.session.query(Territory).filter_by(code=RAYON_A).one()
    return db.session.query(Household).filter(Scope(unit.id, unit.path).condition(Household)).order_by(
        Household.id).first()


def _household_outside_a(db):
    from app.scope import Scope
    from models.household_book import Household
    from models.reference import Territory

    unit = db.session.query(Territory).filter_by(code=RAYON_A).one()
    return db.session.query(Household).filter(~Scope(unit.id, unit.path).condition(Household)).first()


def _edit_form(b, view, pk):
    """The edit form's current values as a browser would post them back."""
    import re

    page = b.get(f"/{view}/edit/{pk}").get_data(as_text=True)
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        data.setdefault(name, value)
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[name] = body.strip()
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = [re.search(r'value="([^"]*)"', tag) for tag in re.findall(r"<option[^>]*>", options)
                  if re.search(r"\bselected\b", tag)]
        data[name] = chosen[0].group(1) if chosen and chosen[0] else ""
    data.pop("csrf_token", None)
    return data


def test_admin_adds_a_field_through_the_api_and_a_clerk_fills_it_everywhere(app, make_user, db):
    """The issue's check: a field on households through the API; the clerk's form has it, saving writes it, the
    API returns it, the export has a column for it, the audit has old → new; no restart anywhere."""
    admin = _admin(app, make_user)
    key = _key("water")
    created = _add_field(admin, key=key, kind="integer", label_ky="Суу булагына чейинки аралык, м",
                         label_ru="Расстояние до источника воды, м", label_en="Distance to water, m",
                         min_value=0, max_value=5000, in_list=True)
    assert created.status_code == 201, created.get_json()
    household = _household_in_a(db)
    clerk = _clerk(app, make_user, lang="ru")
    form = clerk.get(f"/householdview/edit/{household.id}").get_data(as_text=True)
    assert f'name="{key}"' in form and "Расстояние до источника воды, м" in form
    data = _edit_form(clerk, "householdview", household.id)
    data[key] = "12000"  # above the maximum: refused at the field, nothing saved
    refused = clerk.post(f"/householdview/edit/{household.id}", data,
                         token_from=f"/householdview/edit/{household.id}").get_data(as_text=True)
    assert "не больше 5000" in refused
    db.session.expire_all()
    assert db.session.get(type(household), household.id).custom.get(key) is None
    data[key] = "350"
    saved = clerk.post(f"/householdview/edit/{household.id}", data, token_from=f"/householdview/edit/{household.id}")
    assert saved.status_code == 302, (data, re.findall(r'class="help-block[^"]*"[^>]*>([^<]*)', saved.get_data(as_text=True)),
                                      re.findall(r'alert-danger[^>]*>(.*?)</div', saved.get_data(as_text=True), re.S))
    db.session.expire_all()
    assert db.session.get(type(household), household.id).custom[key] == 350
    assert "350" in clerk.get(f"/householdview/show/{household.id}").get_data(as_text=True)
    assert "Расстояние до источника воды, м" in clerk.get("/householdview/list/").get_data(as_text=True)
    got = clerk.client.get(f"/api/v1/household/{household.id}").get_json()
    assert got["result"][key] == 350
    listed = clerk.client.get("/api/v1/household/").get_json()
    assert key in listed["result"][0]
    export = clerk.get("/householdview/export/csv").get_data(as_text=True).lstrip("\ufeff")
    header = export.splitlines()[0]
    assert "Расстояние до источника воды, м" in header
    changes = [json.loads(e.changes) for e in audit_events(app, action="update", object_type=HOUSEHOLDS,
                                                               object_id=str(household.id)) if e.changes]
    assert any(c.get(key) == [None, 350] for c in changes)


def test_api_bodies_info_openapi_and_validation_of_a_custom_field(app, make_user, db):
    admin = _admin(app, make_user)
    key = _key("code")
    assert _add_field(admin, key=key, kind="text", label_ru="Код ЕНИ", label_ky="ЕНИ коду", label_en="EGI code",
                      pattern="[0-9]{6}", required=False).status_code == 201
    clerk = _clerk(app, make_user)
    household = _household_in_a(db)
    bad = clerk.api.put(f"/api/v1/household/{household.id}", json={key: "12a"})
    assert bad.status_code == 422 and key in bad.get_json()["message"]
    good = clerk.api.put(f"/api/v1/household/{household.id}", json={key: "123456", "phone": "0555 123 456"})
    assert good.status_code == 200 and good.get_json()["result"][key] == "123456"
    territory = household.territory_id
    posted = clerk.api.post("/api/v1/household/", json={"territory": territory, "number": f"X-{uuid.uuid4().hex[:6]}",
                                                           "address": "Test street 1", key: "654321"})
    assert posted.status_code == 201, posted.get_json()
    assert posted.get_json()["result"][key] == "654321"
    info = clerk.client.get("/api/v1/household/_info").get_json()
    assert any(c["name"] == key and c["pattern"] == "[0-9]{6}" for c in info["add_columns"])
    spec = admin.client.get("/api/v1/_openapi").get_json()
    schema = spec["components"]["schemas"]["HouseholdApi.post"]["properties"]
    assert schema[key]["pattern"] == "[0-9]{6}"
    assert schema["number"]["description"].startswith("Household number")  # the API docs read the dictionary
    # searched in the list and the API by value (the GIN index serves it on PostgreSQL)
    page = clerk.get(f"/householdview/list/?cf_{key}=654321").get_data(as_text=True)
    assert "Test street 1" in page
    assert clerk.client.get(f"/api/v1/household/?cf_{key}=654321").get_json()["count"] == 1


def test_custom_values_obey_the_scope(app, make_user, db):
    """A reference custom field offers and accepts only records inside the user's territory."""
    admin = _admin(app, make_user)
    key = _key("ref")
    assert _add_field(admin, key=key, kind="reference", reference_dataset=HOUSEHOLDS, label_ru="Соседнее хозяйство",
                      label_ky="Коңшу чарба", label_en="Neighbour household").status_code == 201
    clerk = _clerk(app, make_user)
    household, outside = _household_in_a(db), _household_outside_a(db)
    refused = clerk.api.put(f"/api/v1/household/{household.id}", json={key: outside.id})
    assert refused.status_code == 422
    assert clerk.api.put(f"/api/v1/household/{household.id}", json={key: household.id}).status_code == 200
    form = clerk.get(f"/householdview/edit/{household.id}").get_data(as_text=True)
    assert f'value="{outside.id}"' not in form.split(f'name="{key}"')[1].split("</select>")[0]
    # the other territory's row stays out of reach through the custom values too
    assert clerk.api.put(f"/api/v1/household/{outside.id}", json={key: household.id}).status_code == 404


def test_ui_adds_a_field_and_retiring_keeps_the_history(app, make_user, db):
    from models.catalogue import CustomField

    admin = _admin(app, make_user)
    key = _key("roof")
    page = admin.get(f"/customfieldview/add?dataset={HOUSEHOLDS}").get_data(as_text=True)
    assert 'name="key"' in page
    response = admin.post("/customfieldview/add", {
        "dataset": HOUSEHOLDS, "key": key, "kind": "boolean", "label_ru": "Крыша требует ремонта",
        "label_ky": "Чатыры оңдоону талап кылат", "label_en": "Roof needs repair", "personal": "none",
        "sort_order": "10", "searchable": "y"}, token_from="/customfieldview/add")
    assert response.status_code == 302
    field = db.session.query(CustomField).filter_by(key=key).one()
    household = _household_in_a(db)
    clerk = _clerk(app, make_user)
    assert clerk.api.put(f"/api/v1/household/{household.id}", json={key: True}).status_code == 200
    # a bad key is refused with the reason next to the field, and nothing is created
    bad = admin.post("/customfieldview/add", {"dataset": HOUSEHOLDS, "key": "Bad Key", "kind": "text",
                                              "label_ru": "x", "personal": "none", "sort_order": "1"},
                     token_from="/customfieldview/add", follow_redirects=True).get_data(as_text=True)
    assert "Latin lowercase" in bad
    assert db.session.query(CustomField).filter_by(key="Bad Key").count() == 0
    duplicate = _add_field(admin, key="number", kind="text", label_ru="Номер")
    assert duplicate.status_code == 422
    admin.post("/customfieldview/action_post", {"action": "retire", "rowid": str(field.id)},
               token_from="/customfieldview/list/")
    db.session.expire_all()
    assert db.session.get(CustomField, field.id).status == "retired"
    assert f'name="{key}"' not in clerk.get(f"/householdview/edit/{household.id}").get_data(as_text=True)
    assert key not in clerk.client.get(f"/api/v1/household/{household.id}").get_json()["result"]
    db.session.expire_all()
    assert db.session.get(type(household), household.id).custom.get(key) is True  # the value is kept
    assert "retired" in admin.get(f"/catalogue/dataset/{HOUSEHOLDS}").get_data(as_text=True)


def test_import_template_and_import_take_custom_fields(app, make_user, db):
    import openpyxl

    admin = _admin(app, make_user)
    key = _key("wells")
    assert _add_field(admin, key=key, kind="integer", label_ru="Колодцы", label_ky="Кудуктар",
                      label_en="Wells", required=True).status_code == 201
    clerk = _clerk(app, make_user)
    assert "Wells" in clerk.get("/householdview/import/").get_data(as_text=True)
    village = _household_in_a(db).territory.code

    def sheet(wells):
        book = openpyxl.Workbook()
        book.active.append(["territory", "number", "address", "phone", "Wells"])
        book.active.append([village, f"I-{uuid.uuid4().hex[:6]}", "Import street 5", "", wells])
        buffer = io.BytesIO()
        book.save(buffer)
        buffer.seek(0)
        return buffer

    refused = clerk.post("/householdview/import/", {"file": (sheet(""), "h.xlsx")}, token_from="/householdview/import/",
                         content_type="multipart/form-data").get_data(as_text=True)
    assert "Wells is required" in refused
    clerk.post("/householdview/import/", {"file": (sheet("3"), "h.xlsx")}, token_from="/householdview/import/",
               content_type="multipart/form-data")
    from models.household_book import Household

    db.session.expire_all()
    row = db.session.query(Household).filter_by(address="Import street 5").one()
    assert row.custom[key] == 3


def test_retention_erases_personal_custom_values(app, make_user, db):

    from app.catalogue import custom
    from app.services import child_protection
    from models.child_protection import CpChild

    admin = _admin(app, make_user)
    personal, plain = _key("nick"), _key("score")
    assert _add_field(admin, "child_protection_child", key=personal, kind="text", label_ru="Прозвище",
                      personal="personal").status_code == 201
    assert _add_field(admin, "child_protection_child", key=plain, kind="integer", label_ru="Балл").status_code == 201
    child = db.session.query(CpChild).filter(CpChild.anonymised_on.is_(None)).first()
    child.custom = {personal: "Bakyt", plain: 3}
    db.session.flush()
    custom.erase_personal(child)
    assert child.custom == {plain: 3}
    db.session.rollback()
    due = child_protection.past_retention(db.session, local_today())
    for row in due:
        row.custom = {personal: "secret", plain: 1}
    child_protection.anonymise(db.session, local_today())
    assert all(personal not in (row.custom or {}) for row in due)
    db.session.rollback()


def test_promotion_generates_a_migration_that_moves_the_values(app, db, tmp_path):
    """`flask sanarip promote-field` writes an Alembic migration for review; run on a database it makes the field
    a column with every value, and the JSON no longer holds it."""
    import sqlalchemy as sa
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    from app.catalogue import admin
    from models.catalogue import CustomField

    field = CustomField(dataset=HOUSEHOLDS, key="stove", kind="integer", label_ru="Печи")
    text = admin.promotion_migration(field, "0099_promote_stove", "0041_official_statistics")
    assert 'down_revision = "0041_official_statistics"' in text
    compile(text, "promotion.py", "exec")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE TABLE {HOUSEHOLDS} (id INTEGER PRIMARY KEY, custom JSON NOT NULL)"))
        connection.execute(sa.text("CREATE TABLE core_custom_field (id INTEGER PRIMARY KEY, dataset TEXT, key TEXT, "
                                   "status TEXT)"))
        connection.execute(sa.text("CREATE TABLE core_catalogue_revision (id INTEGER PRIMARY KEY, revision INTEGER)"))
        connection.execute(sa.text(f"INSERT INTO {HOUSEHOLDS} VALUES (1, '{{\"stove\": 2, \"other\": 1}}'), "
                                   "(2, '{}')"))
        connection.execute(sa.text(f"INSERT INTO core_custom_field VALUES (1, '{HOUSEHOLDS}', 'stove', 'active')"))
        namespace = {}
        exec(text, namespace)
        import alembic.op as op_module

        with Operations.context(MigrationContext.configure(connection)):
            namespace["op"] = op_module
            namespace["upgrade"]()
        rows = connection.execute(sa.text(f"SELECT id, stove, custom FROM {HOUSEHOLDS} ORDER BY id")).all()
        assert rows[0][1] == 2 and json.loads(rows[0][2]) == {"other": 1}
        assert rows[1][1] is None
        assert connection.execute(sa.text("SELECT status FROM core_custom_field")).scalar() == "promoted"
    path, revision = admin.write_promotion(field, str(_versions_copy(tmp_path)))
    assert path.endswith(f"{revision}.py") and revision.endswith("_promote_stove")
    assert "Печи" in admin.model_line(field) and "Integer" in admin.model_line(field)


def _versions_copy(tmp_path):
    """A copy of the project's migrations folder (the command reads the heads from it)."""
    import shutil
    from pathlib import Path

    source = Path(__file__).resolve().parent.parent / "migrations"
    target = tmp_path / "migrations"
    shutil.copytree(source, target)
    return target / "versions"


def test_catalogue_snapshot_moves_the_configuration_between_installations(app, make_user, db):
    """A snapshot of this installation applied again changes nothing; a snapshot with a new field, a renamed item
    and a new parameter version lists exactly those in a dry run, and applied makes them."""
    import datetime

    from app import clock
    from app.catalogue import snapshot
    from models.catalogue import ClassifierItem, CustomField

    taken = snapshot.take(db.session)
    assert snapshot.apply(db.session, taken, local_today(), clock.now(), dry_run=True) == []
    key = _key("snap")
    taken["custom_fields"].append({"dataset": HOUSEHOLDS, "key": key, "kind": "text", "label_ru": "Из снимка",
                                   "personal": "none"})
    item = next(i for i in taken["classifier_items"] if i["classifier"] == "registration" and i["code"] == "none")
    item["name_en"] = "Without registration"
    future = (local_today() + datetime.timedelta(days=10)).isoformat()
    taken["parameters"].append({"key": "household_book.certificate_validity_days", "effective_from": future,
                                "value": "45", "regulation": "lsg_law", "clause": None, "note": None})
    planned = snapshot.apply(db.session, taken, local_today(), clock.now(), dry_run=True)
    assert planned == [f"+ custom field {HOUSEHOLDS}.{key}",
                       "~ item registration/none name_en: 'Not registered' → 'Without registration'",
                       f"+ parameter household_book.certificate_validity_days from {future}: 45"]
    assert db.session.query(CustomField).filter_by(key=key).count() == 0
    snapshot.apply(db.session, taken, local_today(), clock.now())
    db.session.commit()
    assert db.session.query(CustomField).filter_by(key=key).one().label_ru == "Из снимка"
    assert db.session.query(ClassifierItem).filter_by(code="none").filter(
        ClassifierItem.name_en == "Without registration").count() == 1
    item["name_en"] = "Not registered"
    snapshot.apply(db.session, taken, local_today(), clock.now())
    db.session.commit()
