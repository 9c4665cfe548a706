"""Security manager: user scope, validity dates, lockout, idle timeout, password rules, login audit.

Flask-AppBuilder counts failed logins but never locks, has no account expiry and no idle timeout; those rules
are added here, in the one class FAB lets us replace (FAB_SECURITY_MANAGER_CLASS)."""
import datetime
import re
import time

from flask import current_app, flash, g, has_request_context, jsonify, request, session, url_for
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget
from wtforms import PasswordField, validators
from wtforms.validators import EqualTo
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import assoc_permissionview_role
from flask_appbuilder.security.views import AuthDBView, UserDBModelView, UserGroupModelView
from flask_appbuilder.utils.limit import Limit
from flask_appbuilder import expose
from flask_appbuilder.actions import action
from flask_appbuilder.api import safe
from flask_appbuilder.security.decorators import no_cache
from flask_babel import gettext, lazy_gettext as _l
from flask_jwt_extended import create_access_token, create_refresh_token, get_jwt, get_jwt_identity, jwt_required
from flask_limiter.util import get_remote_address
from flask_login import logout_user
from sqlalchemy import and_, func, or_, select

from app import audit, clock
from app.scope import SCOPE_FILTER
from models.audit import AuditEvent, utcnow
from models.user import SanaripUser
from app.clock import local_today

PASSWORD_MIN_LENGTH = 10


def password_complexity(password: str) -> None:
    """The password rule for every path (UI forms, CLI, import): at least 10 characters with a lower-case letter,
    an upper-case letter and a digit (any alphabet, Cyrillic included)."""
    password = password or ""
    if (
        len(password) < PASSWORD_MIN_LENGTH
        or not re.search(r"\d", password)
        or not any(c.islower() for c in password)
        or not any(c.isupper() for c in password)
    ):
        raise PasswordComplexityValidationError(
            gettext("The password needs at least 10 characters, with upper- and lower-case letters and a digit.")
        )


def _optional_complexity(form, field):
    """The platform's password rule, for a password that was typed (an empty one means: activation link)."""
    from wtforms.validators import ValidationError

    if field.data:
        try:
            password_complexity(field.data)
        except PasswordComplexityValidationError as exc:
            raise ValidationError(str(exc)) from None


def today():
    return local_today()


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


class LimitedSecurityApi(SecurityApi):
    """FAB's JWT login, with the same rate limit as the login form; a throttled login answers 429 with the
    reason. The refresh token is rotated on every use: it lives only IDLE_TIMEOUT_MIN (an idle client must log in
    again), and never beyond SESSION_LIFETIME_HOURS after the login (claim `auth_time`)."""

    limits = [Limit(limit_value=_login_limit, key_func=get_remote_address, methods=("POST",))]

    @expose("/login", methods=["POST"])
    @safe
    def login(self):
        response = super().login()
        refusal = g.pop("login_refusal", None)
        if refusal is not None and getattr(refusal, "code", None) == "throttled":
            return self.response(429, message=str(refusal))
        return response

    @expose("/refresh", methods=["POST"])
    @jwt_required(refresh=True)
    @safe
    def refresh(self):
        claims = get_jwt()
        auth_time = claims.get("auth_time")
        lifetime = current_app.config["SESSION_LIFETIME_HOURS"] * 3600
        if not isinstance(auth_time, (int, float)) or clock.now().timestamp() - auth_time > lifetime:
            return self.response_401()
        identity = get_jwt_identity()
        same_login = {"auth_time": auth_time}
        return self.response(200, access_token=create_access_token(identity, fresh=False,
                                                                  additional_claims=same_login),
                             refresh_token=create_refresh_token(identity, additional_claims=same_login))


class SanaripAuthDBView(AuthDBView):
    """The login form; explains a refusal (locked, expired) once the password was right."""

    invalid_login_message = _l("Wrong user name or password.")

    @expose("/login/", methods=["GET", "POST"])
    @no_cache
    def login(self):
        response = super().login()
        refusal = g.pop("login_refusal", None)
        if refusal is not None:
            session.pop("_flashes", None)
            flash(str(refusal), "warning")
        return response


class SanaripUserView(UserDBModelView):
    """Users with scope, validity period and lock state, managed by admins."""

    label_columns = {
        **UserDBModelView.label_columns,
        "territory": _l("Territory"),
        "organisation": _l("Organisation"),
        "organisation_inn": _l("INN of the organisation"),
        "organisation_address": _l("Address of the organisation"),
        "pin": _l("PIN"),
        "position": _l("Position"),
        "valid_from": _l("Valid from"),
        "valid_until": _l("Valid until"),
        "locked_at": _l("Locked at"),
        "scope_organisation": _l("Organisation of the scope"),
        "scope_office": _l("Service centre office"),
    }
    description_columns = {
        **UserDBModelView.description_columns,
        "territory": _l("The user sees and edits records of this territory and everything below it. "
                        "Leave empty for national access."),
        "valid_until": _l("The login is refused after this day."),
        "locked_at": _l("Set after too many failed logins. Clear it (or use Unlock) to let the user in."),
        "scope_organisation": _l("An authorised employee of the e-government register or a partner organisation "
                                 "of the service centre sees and writes only this organisation's records."),
        "scope_office": _l("A member of a public service centre office sees and writes only this office's "
                           "records."),
    }
    list_columns = ["username", "first_name", "last_name", "territory", "roles", "active", "valid_until",
                    "locked_at"]
    _account = ["territory", "scope_office", "scope_organisation", "organisation", "organisation_inn",
                "organisation_address", "pin", "position", "valid_from", "valid_until"]
    add_columns = UserDBModelView.add_columns + _account
    # The password is optional: left empty, the account gets a one-time activation link (the only way for a
    # child-protection account: app/services/accounts.py); typed, the account is created the old way.
    add_form_extra_fields = {
        "password": PasswordField(
            _l("Password"), description=_l("Leave empty to send the person a one-time activation link instead "
                                           "(required for child protection roles)."),
            validators=[validators.Optional(), _optional_complexity], widget=BS3PasswordFieldWidget()),
        "conf_password": PasswordField(
            _l("Confirm Password"), validators=[validators.Optional(),
                                                EqualTo("password", message=_l("Passwords must match"))],
            widget=BS3PasswordFieldWidget()),
    }
    edit_columns = UserDBModelView.edit_columns + _account + ["locked_at"]
    search_columns = ["username", "first_name", "last_name", "email", "territory", "active", "roles",
                      "valid_until", "locked_at"]
    show_fieldsets = [
        (_l("User info"), {"fields": ["username", "active", "roles", "login_count", "locked_at"]}),
        (_l("Personal Info"), {"fields": ["first_name", "last_name", "email", "pin", "position"]}),
        (_l("Organisation"), {"fields": ["organisation", "organisation_inn", "organisation_address"]}),
        (_l("Access"), {"fields": ["territory", "scope_office", "scope_organisation", "valid_from", "valid_until"]}),
        (_l("Audit Info"), {"fields": ["last_login", "fail_login_count", "created_on", "created_by", "changed_on",
                                        "changed_by"], "expanded": False}),
    ]
    # the scope's territory, office and organisation are chosen among those inside the admin's own scope
    add_form_query_rel_fields = {"territory": [SCOPE_FILTER], "scope_office": [SCOPE_FILTER],
                                 "scope_organisation": [SCOPE_FILTER]}
    edit_form_query_rel_fields = add_form_query_rel_fields
    page_size = 25

    def pre_add(self, item):
        from app.services.accounts import check_account, check_typed_password

        check_account(item)
        check_typed_password(item, item.password)
        if item.password:
            super().pre_add(item)  # FAB's: hashes the typed password
        else:
            item.password = None  # no password until the person follows the activation link

    def post_add(self, item):
        if item.id is not None and not item.password:  # saved (FAB's add flashes and rolls back a refusal)
            self._issue_links([item])

    def pre_update(self, item):
        from app.services.accounts import check_account, login_refusal

        check_account(item)
        super().pre_update(item)
        if not item.active or login_refusal(item, today()) is not None:
            item.session_version = (item.session_version or 0) + 1  # deactivated, locked or expired: sessions end

    # a refused save shows the form again with the message at its field and nothing saved (views/base.py)
    def _add(self):
        from views.base import SanaripModelView

        return SanaripModelView._add(self)

    def add_defaults(self):
        return {}

    def _refusal(self, exc):
        from views.base import SanaripModelView

        return SanaripModelView._refusal(self, exc)

    def _edit(self, pk):
        from flask import abort
        from views.base import show_refusal

        if request.method != "POST":
            return super()._edit(pk)
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        form = self.edit_form.refresh(request.form)
        exclude_cols = self._filters.get_relation_cols()
        self._fill_form_exclude_cols(exclude_cols, form)
        form._id = self.datamodel.get_pk_value(item)  # FAB's unique checks compare with the row's own key
        if form.validate():
            self.process_form(form, False)
            try:
                form.populate_obj(item)
                self.pre_update(item)
                self.datamodel.edit(item)
            except Exception as exc:
                show_refusal(form, self._refusal(exc))
            else:
                self.post_update(item)
                flash(self.edit_row_message, "success")
                return None
        return self._get_edit_widget(form=form, exclude_cols=exclude_cols)

    def _issue_links(self, users):
        """A new one-time activation link for each of `users` (the old ones stop working): shown once to the
        administrator and sent through the notification channel (app/notify.py) to the user's e-mail."""
        from app.services import accounts

        session = self.datamodel.session
        hours = current_app.config.get("ACTIVATION_LINK_HOURS") or accounts.DEFAULT_ACTIVATION_HOURS
        issued = [(user, accounts.issue_activation(session, user, clock.now(), by=g.user, hours=hours))
                  for user in users]
        session.commit()
        for user, token in issued:
            link = url_for("activation.activate", token=token, _external=True)
            send_activation_link(user, link, hours)
            flash(gettext("One-time activation link for %(user)s (shown only now, valid %(hours)s hours; also sent "
                          "to %(email)s): %(link)s", user=user.username, hours=hours, email=user.email or "-",
                          link=link), "info")

    @action("activation_link", _l("New activation link"), _l("Issue a new one-time activation link to the selected "
                                                             "users? Their earlier links stop working."), "fa-link")
    def activation_link(self, items):
        self._issue_links(items if isinstance(items, list) else [items])
        return self._redirect_back()

    @action("unlock", _l("Unlock"), _l("Unlock the selected accounts?"), "fa-unlock")
    def unlock(self, items):
        from app.services.accounts import unlock

        for item in items if isinstance(items, list) else [items]:
            unlock(self.datamodel.session, item)
        self.datamodel.session.commit()
        flash(gettext("Accounts unlocked."), "success")
        return self._redirect_back()

    @action("end_sessions", _l("End sessions"), _l("End every session of the selected users? They have to log in "
                                                   "again, on every device and API client."), "fa-sign-out")
    def end_sessions(self, items):
        for item in items if isinstance(items, list) else [items]:
            self.appbuilder.sm.end_sessions(item, "admin")
        flash(gettext("Sessions ended."), "success")
        return self._redirect_back()

    def _redirect_back(self):
        from flask import redirect

        return redirect(self.get_redirect())


def send_activation_link(user, link, hours):
    """The link through the platform's notification channel ("email", app/notify.py: a log file by default); a
    failed delivery is logged, the administrator still has the link on screen."""
    from types import SimpleNamespace

    from app import notify

    message = SimpleNamespace(
        channel="email", recipient=user.email, language=None,
        subject=gettext("Sanarip: activate your account"),
        body=gettext("An account %(user)s was created for you. Set your password within %(hours)s hours with this "
                     "one-time link: %(link)s", user=user.username, hours=hours, link=link))
    try:
        notify.send(message, current_app.config)
    except Exception as exc:  # noqa: BLE001 - any channel failure: logged, never a 500
        current_app.logger.warning("activation link for %s not delivered: %s", user.username, notify.error_text(exc))


class SanaripGroupView(UserGroupModelView):
    """FAB's group view has no labels of its own: its columns would show as English column names."""

    label_columns = {"name": _l("Name"), "label": _l("Label"), "description": _l("Description"),
                     "users": _l("Users"), "roles": _l("Roles")}


class SanaripSecurityManager(SecurityManager):
    user_model = SanaripUser
    userdbmodelview = SanaripUserView
    groupmodelview = SanaripGroupView
    authdbview = SanaripAuthDBView
    security_api = LimitedSecurityApi
    userstatschartview = None  # FAB's user chart draws with Google Charts from the internet

    def _audit(self, action, object_type=None, object_id=None, details=None, user=None, username=None):
        """Login events go through the request's own session and commit at once: on SQLite a second connection
        would not be seen by this transaction's snapshot, and the lockout rule counts these rows."""
        audit.record(self.session, action, object_type, object_id, details, user=user, username=username)
        self.session.commit()

    # --- permissions -----------------------------------------------------------------------------------
    def exist_permission_on_roles(self, view_name, permission_name, role_ids):
        """FAB asks the database once per check (a page's menu, buttons and related lists make dozens); within a
        request the roles' (permission, view) pairs are read once and every check looks them up. The request's
        WSGI environ holds them, so a grant or a revocation counts from the next request on."""
        if not has_request_context() or not role_ids:
            return super().exist_permission_on_roles(view_name, permission_name, role_ids)
        cache = request.environ.setdefault("sanarip.role_permissions", {})
        key = tuple(sorted(role_ids))
        if key not in cache:
            pv, link = self.permissionview_model, assoc_permissionview_role
            rows = (self.session.query(self.permission_model.name, self.viewmenu_model.name)
                    .select_from(pv).join(pv.permission).join(pv.view_menu)
                    .join(link, link.c.permission_view_id == pv.id)
                    .filter(link.c.role_id.in_(key)).distinct())
            cache[key] = set(rows)
        return (permission_name, view_name) in cache[key]

    # --- login -----------------------------------------------------------------------------------------
    def find_login_user(self, login):
        """The account a login name means, as FAB's auth_user_db resolves it: the user name, else the e-mail."""
        if not login:
            return None
        return self.find_user(username=login) or self.find_user(email=login)

    def auth_user_db(self, username, password):
        """Every password login (form, JWT; by user name or e-mail) passes here: throttle, lock, validity."""
        from app.services import accounts

        user = self.find_login_user(username)
        if user is not None and not user.password and user.locked_at is None:
            # not activated yet: no password can match (counted as a failure, like a wrong password)
            self._audit("login_failed", "ab_user", user.id, {"reason": "not_activated"}, user=user)
            return None
        wait = accounts.throttle_wait(self._pair_failures(user, username), clock.now(),
                                      current_app.config["LOGIN_THROTTLE_FREE"],
                                      current_app.config["LOGIN_THROTTLE_DELAY_SEC"])
        if wait:
            g.login_refusal = accounts.throttle_refusal(wait)  # the password is not even checked
            self._audit("login_throttled", "ab_user", getattr(user, "id", None), {"wait_seconds": wait},
                        user=user, username=None if user else str(username)[:64])
            return None
        if user is not None:
            refusal = accounts.login_refusal(user, today())
            if refusal is not None:
                from werkzeug.security import check_password_hash

                if password and user.password and check_password_hash(user.password, password):
                    g.login_refusal = refusal  # say why only to someone who knows the password
                self._audit("login_refused", "ab_user", user.id, {"reason": refusal.code}, user=user)
                return None
        result = super().auth_user_db(username, password)
        if result is None and user is None and username:
            self._audit("login_failed", "ab_user", None, {"username": str(username)[:64]},
                        username=str(username)[:64])
        return result

    def _since_last_login(self, user, horizon):
        """Failures count from the last successful login or unlock of the account, at most `horizon` back."""
        since = clock.now() - horizon
        if user is not None:
            last = self.session.scalar(select(func.max(AuditEvent.at)).where(or_(
                and_(AuditEvent.user_id == user.id, AuditEvent.action == "login"),
                and_(AuditEvent.action == "unlock", AuditEvent.object_type == "ab_user",
                     AuditEvent.object_id == str(user.id)))))
            if last is not None and last > since:
                since = last
        return since

    def _pair_failures(self, user, login):
        """Times of the failed logins of this (client address, account) pair, for the throttle."""
        since = self._since_last_login(user, datetime.timedelta(hours=current_app.config["LOGIN_THROTTLE_HOURS"]))
        query = select(AuditEvent.at).where(AuditEvent.action == "login_failed", AuditEvent.at >= since,
                                            AuditEvent.ip == request.remote_addr)
        if user is not None:
            query = query.where(AuditEvent.user_id == user.id)
        else:
            query = query.where(AuditEvent.user_id.is_(None), AuditEvent.username == str(login)[:64])
        return list(self.session.scalars(query))

    def on_user_login(self, user):
        self._audit("login", "ab_user", user.id, user=user)
        if not request.path.startswith("/api/"):  # a browser session: remember which sessions of the user count
            session["_last_seen"] = time.time()
            session["_sv"] = user.session_version or 0

    def on_user_login_failed(self, user):
        from app.services import accounts

        self._audit("login_failed", "ab_user", user.id, user=user)
        since = self._since_last_login(user, datetime.timedelta(minutes=current_app.config["LOCKOUT_WINDOW_MIN"]))
        by_address = dict(self.session.execute(
            select(AuditEvent.ip, func.count(AuditEvent.id)).where(
                AuditEvent.user_id == user.id, AuditEvent.action == "login_failed", AuditEvent.at >= since)
            .group_by(AuditEvent.ip)).all())
        if user.locked_at is None and accounts.should_lock(by_address, current_app.config["LOCKOUT_ATTEMPTS"]):
            user.locked_at = utcnow()
            self.session.commit()
            self._audit("lockout", "ab_user", user.id, user=user)
            self.end_sessions(user, "lockout")

    def on_user_logout(self, user):
        self._audit("logout", "ab_user", user.id, user=user)
        self.end_sessions(user, None)

    # --- sessions -------------------------------------------------------------------------------------------
    def end_sessions(self, user, reason):
        """End every browser session and token of `user`: they carry the session version they were issued
        with, and only the current one is accepted (load_user, load_user_jwt)."""
        user.session_version = (user.session_version or 0) + 1
        self.session.commit()
        if reason is not None:
            self._audit("end_sessions", "ab_user", user.id, {"reason": reason})

    def reset_password(self, userid, password):
        """Own password change and an admin's reset end the other sessions; the user's own one goes on."""
        super().reset_password(userid, password)
        user = self.get_user_by_id(userid)
        self.end_sessions(user, "password")
        if session.get("_user_id") is not None and str(session.get("_user_id")) == str(userid):
            session["_sv"] = user.session_version

    def create_jwt_manager(self, app):
        jwt_manager = super().create_jwt_manager(app)
        jwt_manager.additional_claims_loader(self._token_claims)
        # a malformed, forged or wrong-type token is "not authenticated" (401, audited as denied), not 422
        jwt_manager.invalid_token_loader(self._token_refused)
        jwt_manager.unauthorized_loader(self._token_refused)
        return jwt_manager

    def _token_claims(self, identity):
        user = self.get_user_by_id(int(identity))
        version = user.session_version or 0 if user is not None else None
        return {"sv": version, "auth_time": int(clock.now().timestamp())}

    @staticmethod
    def _token_refused(reason):
        return jsonify(message=gettext("Not authenticated: log in again.")), 401

    # --- every request ------------------------------------------------------------------------------------
    def _accepted(self, user, version):
        """The one check of every request and token use: an active account, neither locked nor outside its
        validity period, and a session (or token) of its current session version."""
        from app.services import accounts

        if user is None or not user.is_active or version != (user.session_version or 0):
            return False
        if accounts.login_refusal(user, today()) is not None:
            self.end_sessions(user, None)  # also after an unlock or extension, these sessions stay ended
            return False
        return True

    def load_user(self, pk):
        """Called by Flask-Login on every request with a session cookie."""
        user = super().load_user(pk)
        return user if self._accepted(user, session.get("_sv")) else None

    def load_user_jwt(self, _jwt_header, jwt_data):
        """Called for every access and refresh token."""
        try:
            user = self.get_user_by_id(int(jwt_data["sub"]))
        except (KeyError, TypeError, ValueError):
            user = None
        if not self._accepted(user, jwt_data.get("sv")):
            g.user = None
            return None
        g.user = user
        return user


def enforce_idle_timeout():
    """before_request: log out a browser session idle for longer than IDLE_TIMEOUT_MIN."""
    user = getattr(g, "user", None)
    if user is None or not getattr(user, "is_authenticated", False) or "_user_id" not in session:
        return None
    now = time.time()
    last = session.get("_last_seen")
    limit = current_app.config["IDLE_TIMEOUT_MIN"] * 60
    if last is not None and now - last > limit:
        current_app.appbuilder.sm._audit("logout", "ab_user", user.id, {"reason": "idle"}, user=user)
        logout_user()
        session.pop("_last_seen", None)
        flash(gettext("You were logged out after a period of inactivity."), "info")
        from flask import redirect, request, url_for

        return redirect(url_for("SanaripAuthDBView.login", next=request.full_path))
    session["_last_seen"] = now
    return None


UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def require_csrf_for_cookie_api():
    """before_request: the REST API is exempt from the form CSRF check because bearer tokens cannot be sent by
    another site; a call authenticated by the browser's session cookie can, so its unsafe methods need the
    X-CSRFToken header (the page's csrf-token meta tag)."""
    if (request.method in UNSAFE_METHODS and request.path.startswith("/api/")
            and "Authorization" not in request.headers and session.get("_user_id") is not None):
        from app.extensions import csrf

        csrf.protect()


def no_store(response):
    """after_request: pages of a logged-in user, PDFs and exports are personal; no browser or proxy cache may
    keep them (the back button after logout, a shared computer)."""
    user = getattr(g, "user", None)
    personal = user is not None and getattr(user, "is_authenticated", False)
    download = response.mimetype == "application/pdf" or "attachment" in response.headers.get(
        "Content-Disposition", "")
    static = (request.endpoint or "").endswith("static") or request.endpoint == "plotly_js"
    if download or (personal and not static):
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
        response.headers["Pragma"] = "no-cache"
    return response
