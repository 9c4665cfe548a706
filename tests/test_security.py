"""Accounts: lockout, validity period, idle timeout, password rules, rate limits, CSRF, security headers."""
import datetime

from app import clock
from app.clock import local_today

from tests.conftest import PASSWORD, audit_events, make_app


def _user(app, username):
    from app.extensions import db
    from models.user import SanaripUser

    with app.app_context():
        user = db.session.query(SanaripUser).filter_by(username=username).one()
        db.session.expunge(user)
        return user


def test_login_logout_are_audited(app, browser, make_user):
    name = make_user()
    assert browser.login(name).status_code == 302
    assert browser.get("/users/list/").status_code == 200
    browser.logout()
    actions = [e.action for e in audit_events(app, username=name)]
    assert "login" in actions and "logout" in actions


def test_five_failures_within_window_lock_the_account(app, browser, make_user):
    """From two addresses: one address alone counts at most four (tests/test_sessions.py)."""
    name = make_user()
    for address in ["10.0.0.1"] * 4 + ["10.0.0.2"]:
        browser.client.environ_base["REMOTE_ADDR"] = address
        response = browser.login(name, "Wrongpass123")
        assert response.status_code == 302
    assert _user(app, name).locked_at is not None
    # the right password no longer helps, and the user is told why
    browser.login(name)
    page = browser.get("/login/").get_data(as_text=True)
    assert _locked_message_in("ky", app) in page
    assert browser.get("/users/list/").status_code in (302, 401, 403)
    actions = [e.action for e in audit_events(app, username=name)]
    assert actions.count("login_failed") == 5 and "lockout" in actions and "login_refused" in actions


def _locked_message_in(lang, app):
    from flask_babel import force_locale

    from app.services.accounts import login_refusal
    from models.user import SanaripUser

    with app.test_request_context(), force_locale(lang):
        message = str(login_refusal(SanaripUser(locked_at=clock.now()), local_today()))
    assert "locked" not in message  # really translated
    return message


def test_four_failures_do_not_lock(app, browser, make_user):
    name = make_user()
    for _ in range(4):
        browser.login(name, "Wrongpass123")
    assert _user(app, name).locked_at is None
    assert browser.login(name).headers["Location"].endswith("/")


def test_admin_unlocks(app, browser, make_user):
    from app.extensions import db
    from models.user import SanaripUser

    name = make_user(locked_at=datetime.datetime(2026, 1, 1))
    browser.login(name)
    assert browser.get("/users/list/").status_code != 200
    with app.app_context():
        uid = db.session.query(SanaripUser.id).filter_by(username=name).scalar()
    admin = browser.__class__(app.test_client())
    admin.login("admin")
    response = admin.post(f"/users/action/unlock/{uid}", token_from="/users/list/")
    assert response.status_code == 302
    assert _user(app, name).locked_at is None
    other = browser.__class__(app.test_client())
    assert other.login(name).headers["Location"].endswith("/")


def test_expired_and_future_accounts_are_refused(app, browser, make_user):
    today = local_today()
    expired = make_user(valid_until=today - datetime.timedelta(days=1))
    future = make_user(valid_from=today + datetime.timedelta(days=1))
    for name in (expired, future):
        b = browser.__class__(app.test_client())
        b.login(name)
        assert b.get("/users/list/").status_code != 200
        assert "login_refused" in [e.action for e in audit_events(app, username=name)]


def test_account_expiring_during_a_session_stops_working(app, browser, make_user):
    from app.extensions import db
    from models.user import SanaripUser

    name = make_user()
    browser.login(name)
    assert browser.get("/users/list/").status_code == 200
    with app.app_context():
        user = db.session.query(SanaripUser).filter_by(username=name).one()
        user.valid_until = local_today() - datetime.timedelta(days=1)
        db.session.commit()
    assert browser.get("/users/list/").status_code != 200


def test_idle_session_is_logged_out(app, browser, make_user):
    name = make_user()
    browser.login(name)
    assert browser.get("/users/list/").status_code == 200
    with browser.client.session_transaction() as session:
        session["_last_seen"] -= app.config["IDLE_TIMEOUT_MIN"] * 60 + 5
    response = browser.get("/users/list/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    assert browser.get("/users/list/").status_code != 200


def test_password_complexity_on_cli(app):
    from click.testing import CliRunner

    runner = app.test_cli_runner()
    weak = runner.invoke(args=["sanarip", "create-user", "weakling", "--role", "Admin", "--password", "short1A"])
    assert weak.exit_code != 0 and "10" in weak.output
    strong = runner.invoke(args=["sanarip", "create-user", "strongling", "--role", "Admin", "--password",
                                 "Longenough123"])
    assert strong.exit_code == 0, strong.output
    assert isinstance(CliRunner, type)


def test_password_complexity_in_the_admin_form(app, browser):
    from app.extensions import db
    from models.user import SanaripUser

    browser.login("admin")
    with app.app_context():
        role_id = app.appbuilder.sm.find_role("Auditor").id
    data = {"first_name": "A", "last_name": "B", "username": "weakform", "email": "weak@x.kg", "active": "y",
            "roles": str(role_id), "password": "abc", "conf_password": "abc"}
    page = browser.post("/users/add", data, token_from="/users/add").get_data(as_text=True)
    assert "10" in page
    with app.app_context():
        assert db.session.query(SanaripUser).filter_by(username="weakform").count() == 0


def test_validity_period_must_be_ordered(app, browser):
    from app.extensions import db
    from models.user import SanaripUser

    browser.login("admin")
    with app.app_context():
        role_id = app.appbuilder.sm.find_role("Auditor").id
    data = {"first_name": "A", "last_name": "B", "username": "badperiod", "email": "bp@x.kg", "active": "y",
            "roles": str(role_id), "password": "Goodpass1234", "conf_password": "Goodpass1234",
            "valid_from": "2026-05-01", "valid_until": "2026-04-01"}
    browser.post("/users/add", data, token_from="/users/add")
    with app.app_context():
        assert db.session.query(SanaripUser).filter_by(username="badperiod").count() == 0


def test_login_form_and_jwt_login_are_rate_limited(database_url, app, make_user):
    limited = make_app(database_url, LOGIN_RATE_LIMIT="3 per minute")
    client = limited.test_client()
    name = make_user()
    codes = [client.post("/api/v1/security/login", json={"username": name, "password": "x", "provider": "db"})
             .status_code for _ in range(5)]
    assert codes[:3] == [401, 401, 401] and codes[-1] == 429
    from tests.conftest import Browser

    browser = Browser(limited.test_client())
    form_codes = [browser.login(name, "x").status_code for _ in range(5)]
    assert form_codes[0] == 302 and form_codes[-1] == 429


def test_jwt_login_and_expired_token_user(app, make_user):
    from app.extensions import db
    from models.user import SanaripUser

    name = make_user()
    client = app.test_client()
    token = client.post("/api/v1/security/login",
                        json={"username": name, "password": PASSWORD, "provider": "db"}).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/territory/1", headers=headers).status_code == 200
    with app.app_context():
        db.session.query(SanaripUser).filter_by(username=name).one().valid_until = datetime.date(2000, 1, 1)
        db.session.commit()
    assert client.get("/api/v1/territory/1", headers=headers).status_code in (401, 403)


def test_csrf_missing_token_is_refused_with_a_translated_message(app, browser, make_user):
    name = make_user()
    browser.login(name)
    response = browser.client.post("/territoryview/edit/1", data={"name_ru": "x"})
    assert response.status_code == 400
    assert "token" in response.get_data(as_text=True).lower() or "токен" in response.get_data(as_text=True)


def test_get_never_deletes(app, browser, db):
    from models.reference import Territory

    browser.login("admin")
    victim = db.session.query(Territory).filter_by(level=4).first()
    browser.get(f"/territoryview/delete/{victim.id}")
    db.session.expire_all()
    assert db.session.get(Territory, victim.id) is not None


def test_security_headers(app, browser):
    response = browser.get("/login/")
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_access_request_data_is_validated(app, browser):
    from app.extensions import db
    from models.user import SanaripUser

    browser.login("admin")
    with app.app_context():
        role_id = app.appbuilder.sm.find_role("Auditor").id
    base = {"first_name": "A", "last_name": "B", "email": "inn@x.kg", "active": "y", "roles": str(role_id),
            "password": "Goodpass1234", "conf_password": "Goodpass1234", "organisation": "Айыл өкмөтү",
            "position": "Адис", "pin": "21010199000001"}
    browser.post("/users/add", dict(base, username="badinn", organisation_inn="11501201012345"),
                 token_from="/users/add")
    browser.post("/users/add", dict(base, username="goodinn", email="g@x.kg", organisation_inn="01501201012345"),
                 token_from="/users/add")
    with app.app_context():
        assert db.session.query(SanaripUser).filter_by(username="badinn").count() == 0
        saved = db.session.query(SanaripUser).filter_by(username="goodinn").one()
        assert (saved.organisation_inn, saved.pin) == ("01501201012345", "21010199000001")
