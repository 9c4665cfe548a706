"""The app factory: create_app(config=None, **overrides)."""
import logging
import os
import secrets
from urllib.parse import urlencode, urlparse

from flask import Flask, abort, current_app, g, jsonify, redirect, render_template, request, session
from flask_babel import gettext, refresh
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

import config as config_module

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _secret_key(instance_path):
    """SECRET_KEY from the environment, else one generated once into instance/secret_key."""
    path = os.path.join(instance_path, "secret_key")
    if os.path.exists(path):
        with open(path) as fh:
            return fh.read().strip()
    key = secrets.token_hex(32)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:
        fh.write(key)
    return key


def create_app(config=None, **overrides):
    # Flask-AppBuilder, the database extension and the audit hooks are imported here, not at the top: every
    # `app.<module>` import runs this file first, and the core (errors, i18n, clock, identifiers, ages, territory
    # kinds) must stay importable by models and scripts without them (tests/test_core.py).
    from flask_appbuilder import AppBuilder

    from app import audit
    from app.extensions import csrf, db, migrate

    instance = overrides.pop("INSTANCE_PATH", None) or config_module.INSTANCE_DIR
    os.makedirs(instance, exist_ok=True)
    app = Flask(__name__, instance_path=instance, template_folder="templates", static_folder="static")
    app.config.from_object(config or config_module.Config)
    app.config.update(overrides)
    app.config["AUTH_RATE_LIMIT"] = app.config["LOGIN_RATE_LIMIT"]  # FAB's login form reads this name
    _tokens(app.config)
    _trust_proxies(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
    # FAB must neither create tables (migrations do) nor touch permissions at import; `flask sanarip setup`
    # syncs roles and permissions after `db upgrade`.
    app.config["FAB_CREATE_DB"] = False
    app.config.setdefault("FAB_UPDATE_PERMS", False)
    from app.security import password_complexity

    app.config["FAB_PASSWORD_COMPLEXITY_VALIDATOR"] = password_complexity
    logging.getLogger("flask_appbuilder").setLevel(logging.WARNING)

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _sqlite_like_a_server(db.engine, app.config.get("SQLITE_BUSY_TIMEOUT_MS", 30000))
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"))
    csrf.init_app(app)
    _wtforms_translations()
    audit.install()
    from app import scope as scope_guard

    scope_guard.install()
    from app import catalogue

    catalogue.install()

    with app.app_context():
        import models
        from app import registry

        models.import_all()  # every table on the shared metadata, whichever modules are switched on

        app.extensions["sanarip_modules"] = specs = registry.load_modules(app.config["ENABLED_MODULES"])
        appbuilder = AppBuilder()
        appbuilder.init_app(app, db.session)
        registry.register(appbuilder, specs)
        app.view_functions["LocaleView.index"] = _switch_language
        for spec in specs:
            for blueprint in spec.public_blueprints:  # pages without login: each with its own rate limit
                app.register_blueprint(blueprint)
                if getattr(blueprint, "rate_limit", None):
                    appbuilder.sm.limiter.limit(blueprint.rate_limit)(blueprint)
        from views.activation import activation  # the one-time activation links of new accounts

        app.register_blueprint(activation)
        appbuilder.sm.limiter.limit(activation.rate_limit)(activation)
        # The JSON API authenticates with a bearer token (JWT), not the session cookie: no CSRF token there.
        from flask_appbuilder.api import BaseApi

        for view in appbuilder.baseviews:
            if isinstance(view, BaseApi):
                csrf.exempt(view.blueprint)

    @app.context_processor
    def _language():
        from app.i18n import current_language, datepicker_locale

        return {"current_language": current_language(), "datepicker_locale": datepicker_locale}

    from app import layout

    layout.install(app)
    _register_request_hooks(app)
    from app import edges

    edges.install(app)  # first of the request hooks: nothing reads a request before it is checked
    _register_error_handlers(app)
    from app.cli import register_cli

    register_cli(app)
    from app import jobs

    jobs.init_app(app)  # after the views: their job handlers are registered
    return app


def _tokens(settings):
    """Access tokens are short-lived; a refresh token lives as long as the idle timeout and is rotated on every
    use (app/security.py), so an API client idle for longer has to log in again, as a browser has."""
    import datetime

    settings.setdefault("JWT_ACCESS_TOKEN_EXPIRES", datetime.timedelta(minutes=settings["ACCESS_TOKEN_MIN"]))
    settings.setdefault("JWT_REFRESH_TOKEN_EXPIRES", datetime.timedelta(minutes=settings["IDLE_TIMEOUT_MIN"]))


def _trust_proxies(app):
    """Behind TRUSTED_PROXIES reverse proxies (nginx: 1) the client's address, scheme and host come from their
    X-Forwarded-* headers (Werkzeug's ProxyFix, as Superset's ENABLE_PROXY_FIX); with 0 such headers are never
    believed. The audit trail and every rate limit then use request.remote_addr: the real client."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count,
                                x_prefix=count)


def same_site_path(target, host):
    """`target` (a Referer) as a path on this site, or "/": never another host, also not through `//host`,
    `/\\host` or a scheme such as javascript:."""
    parsed = urlparse(target or "/")
    if parsed.scheme not in ("", "http", "https") or (parsed.netloc and parsed.netloc != host):
        return "/"
    path = parsed.path or "/"
    if not path.startswith("/") or path.startswith("//") or "\\" in path or any(ord(c) < 32 for c in path):
        return "/"
    return path + (f"?{parsed.query}" if parsed.query else "")


def _switch_language(locale):
    """/lang/<code>: remember the language and return to the page the user was on (FAB's own view returns to the
    last list page, which sends a user on the login page to the start page)."""
    if locale not in current_app.config["LANGUAGES"]:
        abort(404)
    session["locale"] = locale
    refresh()
    return redirect(same_site_path(request.referrer, request.host))


def _sqlite_like_a_server(engine, busy_timeout_ms=30000):
    """SQLite with enforced foreign keys, WAL (readers never wait for the writer), a busy timeout, and Unicode
    lower()/upper() so that case-insensitive search (ILIKE) works for Cyrillic as it does on PostgreSQL.

    pysqlite's own transaction handling stays: it begins a transaction at the first write, so a request that only
    reads holds no snapshot that a later write could find stale. Code must therefore not rely on SAVEPOINTs here
    (a RELEASE outside a transaction commits)."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.create_function("lower", 1, lambda v: v.lower() if isinstance(v, str) else v,
                                         deterministic=True)
        dbapi_connection.create_function("upper", 1, lambda v: v.upper() if isinstance(v, str) else v,
                                         deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # writers queue (one at a time) instead of failing: parallel registrations wait their turn
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA secure_delete=ON")  # erased values (retention) do not linger in free pages
        cursor.close()


def _wtforms_translations():
    """WTForms' own messages ("This field is required.") come from its catalog, which has no Kyrgyz: point
    Flask-WTF at our translations/ folder, whose wtforms.po files cover ky, ru and en."""
    import flask_wtf.i18n

    flask_wtf.i18n.messages_path = lambda: os.path.join(ROOT, "translations")


def _register_request_hooks(app):
    from app.security import enforce_idle_timeout, no_store, require_csrf_for_cookie_api
    from charts.base import PLOTLY_LOCALES, plotly_js, plotly_url

    app.add_url_rule("/static/vendor/plotly.min.js", "plotly_js", plotly_js)
    app.jinja_env.globals.update(plotly_url=plotly_url, plotly_locales=PLOTLY_LOCALES)

    @app.before_request
    def _check_list_args():
        """Paging arguments must be whole numbers; page sizes are capped (FAB would run int() and crash, or load
        a hundred thousand rows); an API query must be valid Rison."""
        cap = app.config["MAX_PAGE_SIZE"]
        capped = None
        if request.path.startswith("/api/") and "q" in request.args:
            import prison

            try:
                prison.loads(request.args["q"])
            except Exception:
                abort(400, description=gettext("The query parameter q is not valid Rison."))
        for arg, value in request.args.items():
            if arg.startswith(("psize_", "page_")):
                if not value.isdigit():
                    abort(400, description=gettext("Page numbers and page sizes must be whole numbers."))
                if arg.startswith("psize_") and (int(value) > cap or int(value) == 0):
                    capped = capped or request.args.to_dict(flat=False)
                    capped[arg] = [str(min(max(int(value), 1), cap))]
        if capped is not None:
            return redirect(request.path + "?" + urlencode(capped, doseq=True))
        return None

    app.before_request(enforce_idle_timeout)
    app.before_request(require_csrf_for_cookie_api)
    app.after_request(no_store)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self' 'unsafe-inline' 'unsafe-eval'; font-src 'self' data:; frame-ancestors 'self'")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    from app import audit

    @app.after_request
    def _audit_denials(response):
        """Every denied attempt: no permission (401/403), or a record outside the user's scope (g.audit_denied,
        set by the scope guard, answered 404)."""
        denied = g.pop("audit_denied", None)
        if denied is not None:
            audit.record_denial({"method": request.method, "status": 404}, denied[0], denied[1])
        elif response.status_code in (401, 403) and request.endpoint != "static":
            audit.record_denial({"method": request.method, "status": response.status_code})
        return response


def _register_error_handlers(app):
    def _wants_json():
        if not hasattr(g, "user"):  # the error came before FAB's before_request set it (e.g. CSRF)
            from flask_login import current_user

            g.user = current_user
        return request.path.startswith("/api/") or request.is_json

    @app.errorhandler(CSRFError)
    def _csrf(error):
        message = gettext("The form was missing its security token or it expired. Reload the page and try again.")
        if _wants_json():
            return jsonify(message=message), 400
        return render_template("sanarip/error.html", code=400, message=message,
                               base_template=app.appbuilder.base_template, appbuilder=app.appbuilder), 400

    @app.errorhandler(HTTPException)
    def _http(error):
        messages = {
            400: gettext("The request was not understood."),
            403: gettext("You have no permission for this page."),
            404: gettext("Not found."),
            405: gettext("This method is not allowed here."),
            413: gettext("The file is too large."),
            429: gettext("Too many attempts. Wait a minute and try again."),
        }
        from app.edges import EdgeError

        message = messages.get(error.code, error.name)
        if isinstance(error, EdgeError) or (
                error.code == 400 and error.description and not error.description.startswith("The browser")):
            message = error.description
        if _wants_json():
            return jsonify(message=message), error.code
        return render_template("sanarip/error.html", code=error.code, message=message,
                               base_template=app.appbuilder.base_template, appbuilder=app.appbuilder), error.code

    @app.errorhandler(Exception)
    def _unexpected(error):
        from app.extensions import db

        app.logger.exception("unhandled error")
        db.session.rollback()
        message = gettext("Something went wrong. The error was logged; nothing was saved.")
        if _wants_json():
            return jsonify(message=message), 500
        return render_template("sanarip/error.html", code=500, message=message,
                               base_template=app.appbuilder.base_template, appbuilder=app.appbuilder), 500
