"""Access for a fixed term, by request (issue 15, item 7; children's regulation cl. 13(3), 24, 26, 27): a
child-protection account needs the whole access request and a validity period of at most
CHILD_PROTECTION_ACCESS_MAX_DAYS; a new account gets a one-time activation link instead of a typed password."""
import datetime
import difflib
import hashlib
import html
import re
import secrets
import uuid

import pytest

from app.clock import local_today
from tests.conftest import PASSWORD, audit_events

RAYON = "41708203000000"  # the demo rayon
STRONG = "Newpass-2026x"
PREFIX = "Child protection "
MISSING = "Required for an account with a child protection role (the access request)."


_APP = []


@pytest.fixture(autouse=True)
def _generous_limit(app):
    """The activation page's own rate limit (tested below) must not refuse the many requests of these tests."""
    _APP[:] = [app]
    before = app.config.get("ACTIVATION_RATE_LIMIT")
    app.config["ACTIVATION_RATE_LIMIT"] = "10000 per minute"
    yield
    app.config["ACTIVATION_RATE_LIMIT"] = before


def _child_protection_roles(app):
    from app.cli import _templates

    with app.app_context():
        return [t.name for t in _templates() if t.name.startswith(PREFIX)]


def _ids(app, role):
    from app.extensions import db
    from models.reference import Territory

    with app.app_context():
        return app.appbuilder.sm.find_role(role).id, db.session.query(Territory).filter_by(code=RAYON).one().id


def _form(app, role, **over):
    role_id, territory_id = _ids(app, role)
    today = local_today()
    name = f"ar_{uuid.uuid4().hex[:10]}"
    data = {"first_name": "Айгүл", "last_name": "Асанова", "username": name, "email": f"{name}@x.kg",
            "active": "y", "roles": str(role_id), "organisation": "Райондук балдарды коргоо бөлүмү",
            "organisation_inn": "01203200510012", "organisation_address": "Аламүдүн, Ленин көч., 1",
            "territory": str(territory_id), "pin": "11505198000123", "position": "Адис",
            "valid_from": today.isoformat(), "valid_until": (today + datetime.timedelta(days=180)).isoformat()}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def _user(app, username):
    from app.extensions import db
    from models.user import SanaripUser

    with app.app_context():
        user = db.session.query(SanaripUser).filter_by(username=username).one_or_none()
        if user is not None:
            db.session.expunge(user)
        return user


def _error_at(page, field, message):
    """The message is shown in the form group of `field` (not only flashed above the form)."""
    at = page.find(f'id="{field}"')
    assert at != -1, f"no field {field} on the form"
    group_start = page.rfind('<div class="form-group', 0, at)
    start = page.rfind("<tr", 0, at)
    start = max(start, group_start)
    end = page.find("</tr>", at)
    chunk = html.unescape(page[start:end if end != -1 else at + 3000])
    assert "alert-danger" in chunk or "has-error" in chunk, f"no error at {field}: {chunk[:1500]}"
    if message:
        assert _ky(message) in chunk, f"{message!r} not at {field}: {chunk[:1500]}"


def _ky(text):
    """`text` as the (Kyrgyz, the default language) page shows it."""
    from flask_babel import force_locale, gettext

    with _APP[0].test_request_context("/"), force_locale("ky"):
        return gettext(text)


def _fields(app, role):
    from app.services.accounts import ACCESS_REQUEST_FIELDS, territory_required
    from types import SimpleNamespace

    with app.app_context():
        needs_territory = territory_required(SimpleNamespace(roles=[SimpleNamespace(name=role)]))
    return [f for f in ACCESS_REQUEST_FIELDS if f != "territory" or needs_territory]


def _activation_token(page):
    match = re.search(r"/activate/([A-Za-z0-9_-]{32,64})", page)
    assert match, "no activation link shown"
    return match.group(1)


# --- 1. the access request is mandatory for every child-protection role, on every path ---------------------------
def test_child_protection_roles_are_those_of_the_module(app):
    roles = _child_protection_roles(app)
    assert {"Child protection case worker", "Child protection territorial reader",
            "Child protection responsible person", "Child protection central reader"} <= set(roles)


class TestAccessRequestIsMandatory:
    """Every child-protection role, each mandatory field left out (empty or missing): refused at that field, nothing
    saved."""

    def test_add_without_each_field(self, app, browser):
        browser.login("admin")
        for number, role in enumerate(_child_protection_roles(app)):
            for field in _fields(app, role):
                for absent in ("", None) if number == 0 else ("",):  # left empty, or not sent at all
                    data = _form(app, role, **{field: absent})
                    response = browser.post("/users/add", data, token_from="/users/add")
                    page = response.get_data(as_text=True)
                    assert response.status_code == 200, (role, field)
                    assert _user(app, data["username"]) is None, (role, field, absent)
                    if field in ("first_name", "last_name") and absent is None:
                        _error_at(page, field, "This field is required.")  # FAB's own required field
                    elif field not in ("first_name", "last_name"):
                        _error_at(page, field, MISSING)

    def test_edit_without_each_field(self, app, browser, make_user):
        browser.login("admin")
        for role in _child_protection_roles(app):
            name = make_user((role,), territory=RAYON)
            user = _user(app, name)
            for field in _fields(app, role):
                if field in ("first_name", "last_name"):
                    continue  # FAB's own required fields
                data = _form(app, role, username=name, email=user.email, **{field: ""})
                page = browser.post(f"/users/edit/{user.id}", data,
                                    token_from=f"/users/edit/{user.id}").get_data(as_text=True)
                _error_at(page, field, MISSING)
                after = _user(app, name)
                assert getattr(after, field if field != "territory" else "territory_id") is not None, (role, field)
                assert after.organisation == user.organisation and after.valid_until == user.valid_until

    def test_complete_request_is_saved_and_valid_until_is_capped(self, app, browser):
        browser.login("admin")
        role = "Child protection case worker"
        today = local_today()
        limit = app.config["CHILD_PROTECTION_ACCESS_MAX_DAYS"]
        too_long = _form(app, role, valid_until=(today + datetime.timedelta(days=limit + 1)).isoformat())
        page = browser.post("/users/add", too_long, token_from="/users/add").get_data(as_text=True)
        _error_at(page, "valid_until", None)
        assert str(limit) in page
        assert _user(app, too_long["username"]) is None
        longest = _form(app, role, valid_until=(today + datetime.timedelta(days=limit)).isoformat())
        browser.post("/users/add", longest, token_from="/users/add")
        saved = _user(app, longest["username"])
        assert saved is not None and saved.password is None  # no password: an activation link
        assert (saved.pin, saved.organisation_inn, saved.position) == ("11505198000123", "01203200510012", "Адис")

    @pytest.mark.parametrize("field,value", [("organisation_inn", "11501201012345"), ("organisation_inn", "0150"),
                                             ("pin", "31505198000123"), ("pin", "21599198000123"),
                                             ("pin", "abc")])
    def test_bad_inn_or_pin_is_refused_at_its_field(self, app, browser, field, value):
        browser.login("admin")
        data = _form(app, "Child protection case worker", **{field: value})
        response = browser.post("/users/add", data, token_from="/users/add")
        assert response.status_code == 200
        assert _user(app, data["username"]) is None
        page = response.get_data(as_text=True)
        at = page.find(f'id="{field}"')
        assert 'help-block' in page[at:at + 2000] or "text-danger" in page[at:at + 2000]

    def test_a_typed_password_is_refused_for_child_protection(self, app, browser):
        browser.login("admin")
        data = _form(app, "Child protection territorial reader", password=STRONG, conf_password=STRONG)
        page = browser.post("/users/add", data, token_from="/users/add").get_data(as_text=True)
        _error_at(page, "password", "Leave the password empty: an account with a child protection role sets its own "
                                     "password with a one-time activation link.")
        assert _user(app, data["username"]) is None

    def test_central_reader_needs_no_territory(self, app, browser):
        browser.login("admin")
        data = _form(app, "Child protection central reader", territory="")
        browser.post("/users/add", data, token_from="/users/add")
        saved = _user(app, data["username"])
        assert saved is not None and saved.territory_id is None


def test_other_users_are_still_created_the_old_way(app, browser):
    browser.login("admin")
    role_id, _ = _ids(app, "Auditor")
    name = f"old_{uuid.uuid4().hex[:8]}"
    browser.post("/users/add", {"first_name": "A", "last_name": "B", "username": name, "email": f"{name}@x.kg",
                                "active": "y", "roles": str(role_id), "password": STRONG, "conf_password": STRONG},
                 token_from="/users/add")
    assert _user(app, name) is not None and _user(app, name).password
    other = browser.__class__(app.test_client())
    other.login(name, STRONG)
    assert other.get("/users/userinfo/").status_code == 200
    weak = f"weak_{uuid.uuid4().hex[:8]}"
    browser.post("/users/add", {"first_name": "A", "last_name": "B", "username": weak, "email": f"{weak}@x.kg",
                                "active": "y", "roles": str(role_id), "password": "short", "conf_password": "short"},
                 token_from="/users/add")
    assert _user(app, weak) is None  # the password rule still applies to a typed password


def test_cli_refuses_a_child_protection_user_without_the_request(app):
    runner = app.test_cli_runner()
    name = f"cli_{uuid.uuid4().hex[:8]}"
    refused = runner.invoke(args=["sanarip", "create-user", name, "--role", "Child protection case worker",
                                  "--password", STRONG, "--territory", RAYON])
    assert refused.exit_code != 0 and "organisation" in refused.output
    assert _user(app, name) is None
    today = local_today()
    created = runner.invoke(args=["sanarip", "create-user", name, "--role", "Child protection case worker",
                                  "--password", STRONG, "--territory", RAYON, "--organisation", "Бөлүм",
                                  "--organisation-inn", "01203200510012", "--organisation-address", "Бишкек",
                                  "--pin", "21505198000123", "--position", "Адис",
                                  "--valid-from", today.isoformat(),
                                  "--valid-until", (today + datetime.timedelta(days=30)).isoformat()])
    assert created.exit_code == 0, created.output
    assert _user(app, name).organisation == "Бөлүм"


def test_demo_child_protection_users_carry_a_demo_request(app):
    from app.cli import demo_access_request
    from app.services.accounts import check_account
    from types import SimpleNamespace

    with app.app_context():
        values = demo_access_request()
        check_account(SimpleNamespace(roles=[SimpleNamespace(name="Child protection case worker")],
                                      first_name="Демо", last_name="Демо", territory=object(),
                                      **values))


# --- 2. the one-time activation link --------------------------------------------------------------------------
def _new_account(app, browser, role="Child protection case worker"):
    browser.login("admin")
    data = _form(app, role)
    page = browser.post("/users/add", data, token_from="/users/add", follow_redirects=True).get_data(as_text=True)
    return data["username"], _activation_token(page)


def _activate(app, token, password=STRONG, confirmation=None):
    client = app.test_client()
    from tests.conftest import Browser

    b = Browser(client)
    return b.post(f"/activate/{token}", {"password": password,
                                          "conf_password": password if confirmation is None else confirmation},
                  token_from="/login/")


def test_activation_link_works_once_and_logs_in(app, browser):
    from app.extensions import db
    from models.user import UserActivation

    name, token = _new_account(app, browser)
    user = _user(app, name)
    with app.app_context():  # only the hash is stored
        rows = db.session.query(UserActivation).filter_by(user_id=user.id).all()
        assert [r.token_hash for r in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    import os
    log = app.config.get("NOTIFY_LOG_PATH") or os.path.join(app.instance_path, "notifications.log")
    from app.notify import LogChannel
    log = LogChannel(app.config).path()
    with open(log, encoding="utf-8") as fh:
        assert token in fh.read()  # sent through the notification channel
    assert "activation_issued" in [e.action for e in audit_events(app, object_type="ab_user",
                                                                   object_id=str(user.id))]
    form = app.test_client().get(f"/activate/{token}")
    assert form.status_code == 200 and name in form.get_data(as_text=True)
    done = _activate(app, token)
    assert done.status_code == 302 and "/login" in done.headers["Location"]
    person = browser.__class__(app.test_client())
    person.login(name, STRONG)
    assert person.get("/users/userinfo/").status_code == 200
    assert _activate(app, token, "Another-pass-2027").status_code == 404  # once only
    actions = [e.action for e in audit_events(app, object_type="ab_user", object_id=str(user.id))]
    assert "activation_used" in actions and "activation_refused" in actions


def test_password_rule_on_activation(app, browser):
    name, token = _new_account(app, browser)
    for weak in ("short1A", "alllowercase123", "NOLOWERCASE123", "NoDigitsAtAllHere"):
        page = _activate(app, token, weak)
        assert page.status_code == 200
        text = html.unescape(page.get_data(as_text=True))
        assert 'id="password-error"' in text and _ky("The password needs at least 10 characters, with upper- and "
                                                     "lower-case letters and a digit.") in text
    mismatch = _activate(app, token, STRONG, STRONG + "x")
    assert 'id="conf-password-error"' in mismatch.get_data(as_text=True)
    assert _user(app, name).password is None  # nothing set, the link still works
    assert _activate(app, token).status_code == 302


def test_an_account_not_yet_activated_cannot_log_in(app, browser):
    name, _token = _new_account(app, browser)
    other = browser.__class__(app.test_client())
    response = other.login(name, "")
    assert response.status_code in (200, 302)
    assert other.get("/users/userinfo/").status_code != 200


def test_expired_unknown_and_reused_tokens_are_refused_alike(app, browser):
    from app import clock
    from app.extensions import db
    from app.services import accounts
    from models.user import SanaripUser

    name, used = _new_account(app, browser)
    assert _activate(app, used).status_code == 302
    with app.app_context():
        user = db.session.query(SanaripUser).filter_by(username=name).one()
        expired = accounts.issue_activation(db.session, user, clock.now() - datetime.timedelta(hours=73), hours=72)
        db.session.commit()
    unknown = secrets.token_urlsafe(32)
    bodies = set()
    for token in (used, expired, unknown):
        for response in (app.test_client().get(f"/activate/{token}"), _activate(app, token)):
            assert response.status_code == 404
            body = response.get_data(as_text=True).replace(token, "TOKEN")
            bodies.add(re.sub(r'(content|nonce|value)="[^"]*"', "", body))  # per-session values
    assert len(bodies) == 1, "\n".join(difflib.unified_diff(*[b.splitlines() for b in list(bodies)[:2]], lineterm=""))
    # nothing tells a used link from an expired or unknown one
    import json

    reasons = [json.loads(e.changes).get("reason") for e in audit_events(app, action="activation_refused")
               if e.changes]
    assert {"used", "expired", "unknown"} <= set(reasons)


def test_reissue_invalidates_the_old_link(app, browser):
    name, old = _new_account(app, browser)
    user = _user(app, name)
    page = browser.post("/users/action_post", {"action": "activation_link", "rowid": str(user.id)},
                        token_from="/users/list/", follow_redirects=True).get_data(as_text=True)
    new = _activation_token(page)
    assert new != old
    assert app.test_client().get(f"/activate/{old}").status_code == 404
    assert app.test_client().get(f"/activate/{new}").status_code == 200
    assert _activate(app, new).status_code == 302


@pytest.mark.parametrize("token", ["a" * 5000, "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fusers%2flist",
                                   "%00" * 40, "<script>alert(1)</script>" + "x" * 30, "A" * 31, "é" * 40,
                                   "x" * 43 + "%0d%0aSet-Cookie:a=b", "'%20OR%201=1--" + "a" * 40])
def test_hostile_tokens_are_not_found(app, token):
    for response in (app.test_client().get(f"/activate/{token}"),
                     app.test_client().post(f"/activate/{token}", data={"password": STRONG})):
        assert response.status_code in (400, 404), (token, response.status_code)
        assert "Set-Cookie: a=b" not in str(response.headers)


def test_activation_page_is_rate_limited(app):
    app.config["ACTIVATION_RATE_LIMIT"] = "3 per minute"
    client = app.test_client()
    codes = [client.get(f"/activate/{secrets.token_urlsafe(32)}", environ_base={"REMOTE_ADDR": "10.9.8.7"})
             .status_code for _ in range(5)]
    assert codes[:3] == [404, 404, 404] and 429 in codes[3:]
