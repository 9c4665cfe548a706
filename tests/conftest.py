"""Fixtures: one migrated database per test session (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
set up by the same code as `flask sanarip setup`."""
import os
import re
import shutil
import tempfile
import uuid

import pytest
from sqlalchemy import create_engine, text

os.environ.setdefault("SANARIP_INSTANCE", tempfile.mkdtemp(prefix="sanarip-test-instance-"))


def _compile_catalogs():
    """Tests run against the catalogs as they are in the tree (make test compiles them too)."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (Path(__file__).resolve().parent.parent / "translations").glob("*/LC_MESSAGES/*.po"):
        with open(po, "rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        with open(po.with_suffix(".mo"), "wb") as fh:
            write_mo(fh, catalog)


_compile_catalogs()
# every model on the metadata before any test imports one module's models (a half-imported set fails to map)
__import__("models").import_all()
PASSWORD = "Testpass123"


def _database_url(tmpdir):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        engine = create_engine(url)
        with engine.begin() as conn:  # a clean schema: the migrations create everything
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        return url
    return "sqlite:///" + os.path.join(tmpdir, "test.db")


@pytest.fixture(scope="session")
def database_url():
    tmpdir = tempfile.mkdtemp(prefix="sanarip-test-")
    yield _database_url(tmpdir)
    shutil.rmtree(tmpdir, ignore_errors=True)


def make_app(database_url, **overrides):
    from app import create_app

    settings = dict(SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY="test-secret-key-of-at-least-32-bytes!", TESTING=True,
                    LOGIN_RATE_LIMIT="10000 per minute", LOGIN_THROTTLE_DELAY_SEC=0, SERVER_NAME=None)
    settings.update(overrides)
    app = create_app(**settings)

    def forget_previous_user():
        # Requests made while a test holds an app context share its `g`: drop the last request's user so that
        # each test client is only who (and in which language) its own cookie says (as in production, where every request has its own).
        from flask import g
        from flask_babel import refresh

        g.pop("_login_user", None)
        g.pop("user", None)
        g.pop("csrf_token", None)  # Flask-WTF caches the session's token in `g`: each client has its own
        refresh()  # and its language

    app.before_request_funcs.setdefault(None, []).insert(0, forget_previous_user)
    return app


@pytest.fixture(scope="session")
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        from app.cli import create_user, prepare_database, seed_demo_data

        prepare_database(echo=lambda message: None)
        create_user("admin", PASSWORD, [app.config["AUTH_ROLE_ADMIN"]])
        seed_demo_data(echo=lambda message: None)  # demo data spans several oblasts: scope tests need it
    yield app


@pytest.fixture
def db(app):
    from app.extensions import db

    with app.app_context():
        yield db
        db.session.rollback()


class _CookieApi:
    """REST calls with the session cookie, as a page's script makes them: unsafe methods carry the X-CSRFToken
    header (the API refuses them without it)."""

    def __init__(self, browser):
        self.browser = browser
        self._token = (None, None)

    def _csrf(self):
        with self.browser.client.session_transaction() as session:
            raw = session.get("csrf_token")
        if raw is None or raw != self._token[0]:
            token = self.browser.token("/")
            with self.browser.client.session_transaction() as session:
                self._token = (session.get("csrf_token"), token)
        return self._token[1]

    def _call(self, method, url, **kw):
        headers = dict(kw.pop("headers", None) or {})
        headers.setdefault("X-CSRFToken", self._csrf())
        return getattr(self.browser.client, method)(url, headers=headers, **kw)

    def post(self, url, **kw):
        return self._call("post", url, **kw)

    def put(self, url, **kw):
        return self._call("put", url, **kw)

    def patch(self, url, **kw):
        return self._call("patch", url, **kw)

    def delete(self, url, **kw):
        return self._call("delete", url, **kw)


class Browser:
    """A test client that logs in and fills CSRF tokens like a browser does (`api` for REST calls by cookie)."""

    def __init__(self, client):
        self.client = client
        self.api = _CookieApi(self)

    def token(self, url="/"):
        page = self.client.get(url).get_data(as_text=True)
        match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
        assert match, f"no CSRF token on {url}"
        return match.group(1)

    def login(self, username, password=PASSWORD):
        return self.client.post("/login/", data={"username": username, "password": password,
                                                 "csrf_token": self.token("/login/")})

    def logout(self):
        return self.client.get("/logout/")

    def get(self, *a, **kw):
        return self.client.get(*a, **kw)

    def post(self, url, data=None, token_from=None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token(token_from or "/"))
        return self.client.post(url, data=data, **kw)


@pytest.fixture
def browser(app):
    return Browser(app.test_client())


@pytest.fixture
def make_user(app):
    """Create a login with the given roles (and territory code); returns its username."""

    def factory(roles=("Admin",), territory=None, **fields):
        from types import SimpleNamespace

        from app.cli import create_user, demo_access_request
        from app.extensions import db
        from app.services.accounts import needs_access_request
        from models.reference import Territory

        username = fields.pop("username", None) or f"u_{uuid.uuid4().hex[:10]}"
        with app.app_context():
            place = db.session.query(Territory).filter_by(code=territory).one() if territory else None
            # a child-protection account needs its access request (app/services/accounts.check_account)
            access = demo_access_request() if needs_access_request(
                SimpleNamespace(roles=[SimpleNamespace(name=r) for r in roles])) else None
            user = create_user(username, PASSWORD, list(roles), territory=place, access=access)
            for key, value in fields.items():
                setattr(user, key, value)
            db.session.commit()
        return username

    return factory


def audit_events(app, **filters):
    from app.extensions import db
    from models.audit import AuditEvent

    with app.app_context():
        query = db.session.query(AuditEvent)
        for key, value in filters.items():
            query = query.filter(getattr(AuditEvent, key) == value)
        return query.order_by(AuditEvent.id).all()


@pytest.fixture
def statements(app):
    """SQL statements the app runs while the test runs (clear the list before the part that counts)."""
    from sqlalchemy import event

    from app.extensions import db

    with app.app_context():
        engine = db.engine
    seen = []

    def spy(_conn, _cursor, statement, _params, _context, _many):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", spy)
    yield seen
    event.remove(engine, "before_cursor_execute", spy)
