"""Edits never overwrite each other silently (record versions), and a refused form keeps what was typed with the
error beside its field (views/base.py: _add, _edit; app/edges.py: integrity_message)."""
import re
import uuid

from tests.conftest import Browser

SQL_TEXT = re.compile(r"\[SQL:|sqlite3\.|psycopg|IntegrityError|UNIQUE constraint|INSERT INTO")


def _admin(app):
    b = Browser(app.test_client())
    b.login("admin")
    return b


def _household(app):
    from app.extensions import db
    from models.household_book import Household

    with app.app_context():
        item = db.session.query(Household).order_by(Household.id).first()
        return item.id, item.territory_id, item.number


def _form(browser, url):
    page = browser.get(url).get_data(as_text=True)
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    fields.update({name: value for name, value in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', page)})
    fields.update({name: value for name, value in re.findall(
        r'<select[^>]*name="([^"]+)"[^>]*>.*?<option[^>]*selected[^>]*value="([^"]*)"', page, re.S)})
    return page, fields


def test_every_edited_model_has_a_version(app):
    from flask_appbuilder import ModelRestApi, ModelView

    from views.base import is_versioned

    missing = []
    for view in app.appbuilder.baseviews:
        model = getattr(getattr(view, "datamodel", None), "obj", None)
        if model is None or model.__module__.startswith("flask_appbuilder") or model.__tablename__ == "ab_user":
            continue
        editable = (isinstance(view, ModelView) and view.edit_columns and
                    "can_edit" in (view.base_permissions or ["can_edit"])) or \
            (isinstance(view, ModelRestApi) and "can_put" in (view.base_permissions or ["can_put"]))
        if editable and not is_versioned(model):
            missing.append(model.__name__)
    assert not missing, missing


def test_two_sessions_editing_one_household_do_not_overwrite_each_other(app):
    from app.extensions import db
    from models.household_book import Household

    pk, _, _ = _household(app)
    first, second = _admin(app), _admin(app)
    url = f"/householdview/edit/{pk}"
    _, form1 = _form(first, url)
    _, form2 = _form(second, url)
    assert form1["version"] == form2["version"]
    form1["phone"] = "+996 555 111 222"
    assert first.post(url, data=form1, token_from=url).status_code == 302
    form2["note"] = "second clerk's note"  # read before the first save: its phone is the old one
    response = second.post(url, data=form2, token_from=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, "a stale save must not be accepted"
    assert "+996 555 111 222" in page  # the form shows the record as it is now
    with app.app_context():
        item = db.session.get(Household, pk)
        assert item.phone == "+996 555 111 222" and item.note != "second clerk's note"
        assert str(item.version) in page


def test_stale_form_message_is_translated(app):
    pk, _, _ = _household(app)
    first, second = _admin(app), _admin(app)
    second.get("/lang/ru")
    url = f"/householdview/edit/{pk}"
    _, form1 = _form(first, url)
    _, form2 = _form(second, url)
    form1["note"] = uuid.uuid4().hex
    first.post(url, data=form1, token_from=url)
    page = second.post(url, data=form2, token_from=url).get_data(as_text=True)
    assert "Someone else changed this record" not in page
    assert "изменил" in page or "изменен" in page


def test_api_etag_and_if_match(app):
    pk, _, _ = _household(app)
    admin = _admin(app)
    client = admin.client
    response = client.get(f"/api/v1/household/{pk}")
    etag = response.headers.get("ETag")
    assert response.status_code == 200 and etag
    ok = admin.api.put(f"/api/v1/household/{pk}", json={"phone": "+996 700 000 001"}, headers={"If-Match": etag})
    assert ok.status_code == 200, ok.get_json()
    assert ok.headers.get("ETag") and ok.headers["ETag"] != etag
    stale = admin.api.put(f"/api/v1/household/{pk}", json={"phone": "+996 700 000 002"}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.get_json()["message"]
    assert client.get(f"/api/v1/household/{pk}").get_json()["result"]["phone"] == "+996 700 000 001"


def test_duplicate_household_number_is_a_translated_rule_at_the_field(app):
    _, territory, number = _household(app)
    b = _admin(app)
    b.get("/lang/ru")
    url = "/householdview/add"
    response = b.post(url, data={"territory": str(territory), "number": number, "address": "typed address 42",
                                 "phone": "+996 555 000 999"}, token_from=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, "the form is shown again"
    assert not SQL_TEXT.search(page), SQL_TEXT.search(page).group(0)
    assert "typed address 42" in page and "+996 555 000 999" in page  # what was typed is kept
    assert "уже записано" in page  # the rule it breaks, in the reader's language


def test_refused_pin_is_shown_at_the_pin_with_the_typed_values(app):
    from app.extensions import db
    from models.household_book import Household

    with app.app_context():
        household = db.session.query(Household).order_by(Household.id.desc()).first().id
    b = _admin(app)
    url = "/memberview/add"
    data = {"household": str(household), "last_name": "Typedova", "first_name": "Aida", "pin": "12345",
            "sex": "F", "birth_date": "1990-05-01", "relation": "other_relative", "citizenship": "KG",
            "registration": "permanent", "joined_by": "record"}
    response = b.post(url, data=data, token_from=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Typedova" in page and 'value="12345"' in page
    assert "14" in page  # "A PIN has exactly 14 digits." beside the field
    error = page.find("exactly 14") if "exactly 14" in page else page.find("14 ")
    assert error > page.find('name="pin"') > 0, "the PIN's error is shown at the PIN field"
    # sex and birth date disagreeing with a valid PIN: the form stays, the error is at the date
    data.update(pin="10105199000011", birth_date="1990-05-02")
    page = b.post(url, data=data, token_from=url).get_data(as_text=True)
    assert "Typedova" in page and "10105199000011" in page
