"""Login paths and sessions (issue 7, items 2, 4, 5, 6, 10): one check for every way in (form, JWT, user name,
e-mail, refresh), sessions that really end, the throttle per address and account, the CLI unlock, CSRF on
cookie-authenticated API calls, malformed tokens, same-site language redirects, no-store, trusted proxies."""
import datetime

import pytest

from tests.conftest import PASSWORD, Browser, audit_events, make_app

API = "/api/v1/territory/1"


def _user(app, username):
    from app.extensions import db
    from models.user import SanaripUser

    with app.app_context():
        user = db.session.query(SanaripUser).filter_by(username=username).one()
        db.session.expunge(user)
        return user


def _update(app, username, **fields):
    from app.extensions import db
    from models.user import SanaripUser

    with app.app_context():
        user = db.session.query(SanaripUser).filter_by(username=username).one()
        for key, value in fields.items():
            setattr(user, key, value)
        db.session.commit()


def _jwt(client, login, password=PASSWORD, address=None):
    kwargs = {"environ_base": {"REMOTE_ADDR": address}} if address else {}
    return client.post("/api/v1/security/login", json={"username": login, "password": password, "provider": "db",
                                                       "refresh": True}, **kwargs)


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def _logged_in(browser):
    return browser.get("/users/userinfo/").status_code == 200


def _form_login(app, login, password=PASSWORD):
    browser = Browser(app.test_client())
    browser.login(login, password)
    return browser


# --- item 2: users added in the form log in ------------------------------------------------------------------
def test_user_added_through_the_form_logs_in_by_form_and_jwt(app, browser):
    browser.login("admin")
    with app.app_context():
        role_id = app.appbuilder.sm.find_role("Auditor").id
    data = {"first_name": "Форма", "last_name": "Колдонуучу", "username": "formuser", "email": "formuser@x.kg",
            "active": "y", "roles": str(role_id), "password": "Formpass1234", "conf_password": "Formpass1234"}
    assert browser.post("/users/add", data, token_from="/users/add").status_code == 302
    stored = _user(app, "formuser").password
    assert stored != "Formpass1234" and stored.startswith(("scrypt:", "pbkdf2:"))
    assert _logged_in(_form_login(app, "formuser", "Formpass1234"))
    response = _jwt(app.test_client(), "formuser", "Formpass1234")
    assert response.status_code == 200 and response.get_json()["access_token"]


# --- item 4: every login path, the same rules --------------------------------------------------------------
REFUSED = {"locked": {"locked_at": datetime.datetime(2026, 1, 1)},
           "expired": {"valid_until": datetime.date(2001, 1, 1)}}


@pytest.mark.parametrize("state", sorted(REFUSED))
@pytest.mark.parametrize("by", ["username", "email"])
@pytest.mark.parametrize("path", ["form", "jwt"])
def test_locked_and_expired_accounts_are_refused_on_every_login_path(app, make_user, state, by, path):
    name = make_user(**REFUSED[state], fail_login_count=3)
    login = name if by == "username" else _user(app, name).email
    if path == "form":
        assert not _logged_in(_form_login(app, login))
    else:
        response = _jwt(app.test_client(), login)
        assert response.status_code == 401 and "access_token" not in (response.get_json() or {})
    user = _user(app, name)
    assert user.fail_login_count == 3 and user.login_count in (None, 0)  # nothing reset, no login counted
    assert "login_refused" in [e.action for e in audit_events(app, username=name)]


@pytest.mark.parametrize("state", sorted(REFUSED))
def test_tokens_of_an_account_locked_or_expired_later_stop_working(app, make_user, state):
    name = make_user()
    client = app.test_client()
    tokens = _jwt(client, _user(app, name).email).get_json()  # e-mail login works for a good account
    assert client.get(API, headers=_bearer(tokens["access_token"])).status_code == 200
    _update(app, name, **REFUSED[state])
    assert client.get(API, headers=_bearer(tokens["access_token"])).status_code == 401
    assert client.post("/api/v1/security/refresh", headers=_bearer(tokens["refresh_token"])).status_code == 401
    # an unlock or extension does not bring the old session back
    _update(app, name, locked_at=None, valid_until=None)
    assert client.post("/api/v1/security/refresh", headers=_bearer(tokens["refresh_token"])).status_code == 401


# --- item 5: sessions end for real -------------------------------------------------------------------------
def test_session_cookie_replayed_after_logout_is_refused_also_after_a_restart(app, database_url, make_user):
    name = make_user()
    browser = _form_login(app, name)
    assert _logged_in(browser)
    cookie = browser.client.get_cookie("session").value
    browser.logout()
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/users/list/").status_code != 200
    restarted = make_app(database_url).test_client()
    restarted.set_cookie("session", cookie)
    assert restarted.get("/users/list/").status_code != 200
    # and logging in again works
    assert _logged_in(_form_login(app, name))


def test_logout_revokes_tokens(app, make_user):
    name = make_user()
    client = app.test_client()
    tokens = _jwt(client, name).get_json()
    browser = _form_login(app, name)
    browser.logout()
    assert client.get(API, headers=_bearer(tokens["access_token"])).status_code == 401
    assert client.post("/api/v1/security/refresh", headers=_bearer(tokens["refresh_token"])).status_code == 401


def test_admin_end_sessions_action(app, browser, make_user):
    name = make_user()
    user_browser = _form_login(app, name)
    tokens = _jwt(app.test_client(), name).get_json()
    browser.login("admin")
    response = browser.post(f"/users/action/end_sessions/{_user(app, name).id}", token_from="/users/list/")
    assert response.status_code == 302
    assert not _logged_in(user_browser)
    client = app.test_client()
    assert client.get(API, headers=_bearer(tokens["access_token"])).status_code == 401
    assert client.post("/api/v1/security/refresh", headers=_bearer(tokens["refresh_token"])).status_code == 401
    assert "end_sessions" in [e.action for e in audit_events(app, object_type="ab_user")]
    assert _logged_in(_form_login(app, name))


def test_password_change_ends_the_other_sessions(app, browser, make_user):
    name = make_user()
    other_device = _form_login(app, name)
    tokens = _jwt(app.test_client(), name).get_json()
    me = _form_login(app, name)
    new = "Changed12345"
    response = me.post("/resetmypassword/form", {"password": new, "conf_password": new},
                       token_from="/resetmypassword/form")
    assert response.status_code == 302
    assert _logged_in(me)  # the session that changed it goes on
    assert not _logged_in(other_device)
    assert app.test_client().get(API, headers=_bearer(tokens["access_token"])).status_code == 401
    # an admin's reset ends the user's own session too
    browser.login("admin")
    reset = "Resetpass123"
    response = browser.post(f"/resetpassword/form?pk={_user(app, name).id}",
                            {"password": reset, "conf_password": reset},
                            token_from=f"/resetpassword/form?pk={_user(app, name).id}")
    assert response.status_code == 302
    assert not _logged_in(me)
    assert _logged_in(_form_login(app, name, reset))


def test_lock_ends_sessions_and_unlock_does_not_revive_them(app, make_user):
    name = make_user()
    browser = _form_login(app, name)
    tokens = _jwt(app.test_client(), name).get_json()
    for address in ["10.1.0.1"] * 4 + ["10.1.0.2"]:  # locked from two addresses
        assert _jwt(app.test_client(), name, "Wrongpass123", address=address).status_code == 401
    assert _user(app, name).locked_at is not None
    result = app.test_cli_runner().invoke(args=["sanarip", "unlock", name])
    assert result.exit_code == 0, result.output
    assert not _logged_in(browser)
    assert app.test_client().get(API, headers=_bearer(tokens["access_token"])).status_code == 401
    assert _logged_in(_form_login(app, name))


def test_tokens_are_short_lived_and_refresh_is_bounded(app, make_user):
    import jwt as pyjwt
    from flask_jwt_extended import create_refresh_token

    name = make_user()
    client = app.test_client()
    tokens = _jwt(client, name).get_json()
    access = pyjwt.decode(tokens["access_token"], options={"verify_signature": False})
    refresh = pyjwt.decode(tokens["refresh_token"], options={"verify_signature": False})
    assert access["exp"] - access["iat"] == app.config["ACCESS_TOKEN_MIN"] * 60 == 15 * 60
    assert refresh["exp"] - refresh["iat"] == app.config["IDLE_TIMEOUT_MIN"] * 60  # idle: not 30 days
    # refreshing rotates the refresh token and keeps the login time
    renewed = client.post("/api/v1/security/refresh", headers=_bearer(tokens["refresh_token"])).get_json()
    assert renewed["access_token"] and renewed["refresh_token"]
    assert pyjwt.decode(renewed["refresh_token"], options={"verify_signature": False})["auth_time"] == \
        refresh["auth_time"]
    # never beyond the session lifetime after the login
    user = _user(app, name)
    with app.test_request_context():
        old = create_refresh_token(str(user.id), additional_claims={
            "auth_time": int(refresh["auth_time"] - app.config["SESSION_LIFETIME_HOURS"] * 3600 - 60)})
    assert client.post("/api/v1/security/refresh", headers=_bearer(old)).status_code == 401
    # a token without the session version (issued before the version existed, or forged claims) is refused
    with app.test_request_context():
        from flask_jwt_extended import create_access_token

        app.extensions["flask-jwt-extended"]._user_claims_callback, saved = (
            lambda identity: {}), app.extensions["flask-jwt-extended"]._user_claims_callback
        try:
            bare = create_access_token(str(user.id))
        finally:
            app.extensions["flask-jwt-extended"]._user_claims_callback = saved
    assert client.get(API, headers=_bearer(bare)).status_code == 401


# --- item 6: throttle per address and account, unlock ------------------------------------------------------
def test_anonymous_jwt_failures_from_one_address_do_not_lock_the_admin(app, make_user):
    name = make_user(roles=("Admin",))
    client = app.test_client()
    for _ in range(8):
        assert _jwt(client, name, "Wrongpass123").status_code == 401
    assert _user(app, name).locked_at is None
    assert _jwt(client, name).status_code == 200


def test_throttle_per_address_and_account(app, database_url, make_user):
    from app.extensions import db
    from models.audit import AuditEvent

    slow = make_app(database_url, LOGIN_THROTTLE_DELAY_SEC=60)
    name = make_user()
    client = slow.test_client()
    for _ in range(3):
        assert _jwt(client, name, "Wrongpass123").status_code == 401
    refused = _jwt(client, name)  # even the right password waits: it is not checked
    assert refused.status_code == 429 and "60" in refused.get_json()["message"]
    assert "login_throttled" in [e.action for e in audit_events(app, username=name)]
    # the form login is throttled the same way and says why, in the user's language
    browser = Browser(slow.test_client())
    browser.login(name)
    assert not _logged_in(browser)
    with slow.test_request_context():
        from flask_babel import force_locale

        from app.services.accounts import throttle_refusal

        with force_locale("ky"):
            message = str(throttle_refusal(60))
    assert "Too many" not in message
    assert message.split("60")[0] in browser.get("/login/").get_data(as_text=True)
    # another account from this address is not slowed down
    assert _jwt(client, make_user()).status_code == 200
    # the waits double: once the wait has passed, one more try, then twice as long
    with app.app_context():
        for event in db.session.query(AuditEvent).filter_by(username=name, action="login_failed"):
            event.at -= datetime.timedelta(seconds=61)
        db.session.commit()
    assert _jwt(client, name, "Wrongpass123").status_code == 401
    again = _jwt(client, name)
    assert again.status_code == 429 and "120" in again.get_json()["message"]
    # the owner from another address logs in; that starts the count afresh for every address
    assert _jwt(client, name, address="10.2.0.1").status_code == 200
    assert _jwt(client, name).status_code == 200


def test_throttle_also_for_unknown_accounts(app, database_url):
    slow = make_app(database_url, LOGIN_THROTTLE_DELAY_SEC=60)
    client = slow.test_client()
    codes = [_jwt(client, "nobody-here", "Wrongpass123").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]  # the same answer as for a real account: names are not revealed


def test_cli_unlock_resets_the_failures(app, make_user):
    name = make_user(locked_at=datetime.datetime(2026, 1, 1), fail_login_count=7)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["sanarip", "unlock", name])
    assert result.exit_code == 0 and name in result.output
    user = _user(app, name)
    assert user.locked_at is None and user.fail_login_count == 0
    assert "unlock" in [e.action for e in audit_events(app, object_type="ab_user")]
    assert _jwt(app.test_client(), name).status_code == 200
    assert runner.invoke(args=["sanarip", "unlock", "no-such-user"]).exit_code != 0


def test_failures_before_an_unlock_do_not_count_again(app, make_user):
    name = make_user()
    for address in ["10.3.0.1"] * 4 + ["10.3.0.2"]:
        _jwt(app.test_client(), name, "Wrongpass123", address=address)
    assert _user(app, name).locked_at is not None
    app.test_cli_runner().invoke(args=["sanarip", "unlock", name])
    _jwt(app.test_client(), name, "Wrongpass123", address="10.3.0.3")
    assert _user(app, name).locked_at is None


# --- item 10 (parts) ---------------------------------------------------------------------------------------
def test_api_refuses_the_session_cookie_without_csrf_token(app, browser):
    browser.login("admin")
    missing = "/api/v1/territory/999999999"
    for method in ("post", "put", "patch", "delete"):
        url = "/api/v1/territory/" if method == "post" else missing
        response = getattr(browser.client, method)(url, json={})
        assert response.status_code == 400, (method, response.status_code)
        assert "token" in response.get_json()["message"].lower() or "токен" in response.get_json()["message"]
    token = browser.token("/users/list/")
    with_token = browser.client.delete(missing, headers={"X-CSRFToken": token})
    bearer = _jwt(app.test_client(), "admin").get_json()["access_token"]
    by_bearer = app.test_client().delete(missing, headers=_bearer(bearer))
    assert with_token.status_code == by_bearer.status_code != 400  # past the CSRF check, as a bearer call
    assert browser.client.get(API).status_code == 200  # reading needs no token


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.x", ""])
def test_malformed_jwt_is_401_and_audited(app, token):
    before = len(audit_events(app, action="denied"))
    response = app.test_client().get(API, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert len(audit_events(app, action="denied")) == before + 1


def test_access_token_is_not_a_refresh_token(app):
    tokens = _jwt(app.test_client(), "admin").get_json()
    assert app.test_client().post("/api/v1/security/refresh",
                                  headers=_bearer(tokens["access_token"])).status_code == 401


@pytest.mark.parametrize("referrer", ["//evil.example/", "http://evil.example/x", "https://evil.example/",
                                      "http://localhost///evil.example/", "/\\evil.example/", "\\\\evil.example",
                                      "javascript:alert(1)", "http://localhost/\\evil.example"])
def test_language_switch_stays_on_the_site(app, referrer):
    response = app.test_client().get("/lang/ru", headers={"Referer": referrer})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_language_switch_returns_to_the_page(app):
    response = app.test_client().get("/lang/ru", headers={"Referer": "http://localhost/users/list/?_flt_0=x"})
    assert response.headers["Location"] == "/users/list/?_flt_0=x"


def test_no_store_on_pages_of_logged_in_users_pdfs_and_exports(app, browser, db):
    from models.household_book import HouseholdMember

    browser.login("admin")
    member = db.session.query(HouseholdMember).first()
    for url in ("/users/list/", "/", "/householdview/export/csv", f"/memberview/print/{member.id}", API):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
    token = _jwt(app.test_client(), "admin").get_json()["access_token"]
    assert app.test_client().get(API, headers=_bearer(token)).headers["Cache-Control"] == "no-store"


def test_audit_and_limits_use_the_real_client_address(app, database_url, make_user):
    name = make_user()
    spoofed = {"X-Forwarded-For": "203.0.113.9"}
    app.test_client().post("/api/v1/security/login", headers=spoofed,
                           json={"username": name, "password": PASSWORD, "provider": "db"})
    assert audit_events(app, username=name, action="login")[-1].ip == "127.0.0.1"  # not believed
    proxied = make_app(database_url, TRUSTED_PROXIES=1, LOGIN_RATE_LIMIT="2 per minute")
    client = proxied.test_client()

    def login(address):
        return client.post("/api/v1/security/login", headers={"X-Forwarded-For": address},
                           json={"username": name, "password": PASSWORD, "provider": "db"}).status_code

    assert login("198.51.100.7") == 200
    assert audit_events(app, username=name, action="login")[-1].ip == "198.51.100.7"
    assert [login("198.51.100.7"), login("198.51.100.7")] == [200, 429]
    assert login("198.51.100.8") == 200  # the limit keys on the client behind the proxy, not on the proxy
