"""Security manager: user scope, validity dates, lockout, idle timeout, password rules, login audit.

Flask-AppBuilder counts failed logins but never locks, has no account expiry and no idle timeout; those rules
are added here, in the one class FAB lets us replace (FAB_SECURITY_MANAGER_CLASS)."""
import datetime
import re
import time

from flask import current_app, flash, g, session
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import AuthDBView, UserDBModelView, UserGroupModelView
from flask_appbuilder.utils.limit import Limit
from flask_appbuilder import expose
from flask_appbuilder.actions import action
from flask_appbuilder.security.decorators import no_cache
from flask_babel import gettext, lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import logout_user
from sqlalchemy import func, select

from app import audit
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


def today():
    return local_today()


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


class LimitedSecurityApi(SecurityApi):
    """FAB's JWT login, with the same rate limit as the login form."""

    limits = [Limit(limit_value=_login_limit, key_func=get_remote_address, methods=("POST",))]


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
    }
    description_columns = {
        **UserDBModelView.description_columns,
        "territory": _l("The user sees and edits records of this territory and everything below it. "
                        "Leave empty for national access."),
        "valid_until": _l("The login is refused after this day."),
        "locked_at": _l("Set after too many failed logins. Clear it (or use Unlock) to let the user in."),
    }
    list_columns = ["username", "first_name", "last_name", "territory", "roles", "active", "valid_until",
                    "locked_at"]
    _account = ["territory", "organisation", "organisation_inn", "organisation_address", "pin", "position",
                "valid_from", "valid_until"]
    add_columns = UserDBModelView.add_columns + _account
    edit_columns = UserDBModelView.edit_columns + _account + ["locked_at"]
    search_columns = ["username", "first_name", "last_name", "email", "territory", "active", "roles",
                      "valid_until", "locked_at"]
    show_fieldsets = [
        (_l("User info"), {"fields": ["username", "active", "roles", "login_count", "locked_at"]}),
        (_l("Personal Info"), {"fields": ["first_name", "last_name", "email", "pin", "position"]}),
        (_l("Organisation"), {"fields": ["organisation", "organisation_inn", "organisation_address"]}),
        (_l("Access"), {"fields": ["territory", "valid_from", "valid_until"]}),
        (_l("Audit Info"), {"fields": ["last_login", "fail_login_count", "created_on", "created_by", "changed_on",
                                        "changed_by"], "expanded": False}),
    ]
    add_form_query_rel_fields = {"territory": [SCOPE_FILTER]}
    edit_form_query_rel_fields = {"territory": [SCOPE_FILTER]}
    page_size = 25

    def pre_add(self, item):
        from app.services.accounts import check_account

        check_account(item)

    pre_update = pre_add

    @action("unlock", _l("Unlock"), _l("Unlock the selected accounts?"), "fa-unlock")
    def unlock(self, items):
        from app.services.accounts import unlock

        for item in items if isinstance(items, list) else [items]:
            unlock(item)
        self.datamodel.session.commit()
        flash(gettext("Accounts unlocked."), "success")
        return self._redirect_back()

    def _redirect_back(self):
        from flask import redirect

        return redirect(self.get_redirect())


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

    # --- login -----------------------------------------------------------------------------------------
    def auth_user_db(self, username, password):
        from app.services import accounts

        user = self.find_user(username=username) if username else None
        if user is not None:
            refusal = accounts.login_refusal(user, today())
            if refusal is not None:
                from werkzeug.security import check_password_hash

                if password and user.password and check_password_hash(user.password, password):
                    g.login_refusal = refusal  # say why only to someone who knows the password
                self._audit("login_refused", "ab_user", user.id, {"reason": refusal.code},
                                 user=user)
                return None
        result = super().auth_user_db(username, password)
        if result is None and user is None and username:
            self._audit("login_failed", "ab_user", None, {"username": str(username)[:64]},
                             username=str(username)[:64])
        return result

    def on_user_login(self, user):
        self._audit("login", "ab_user", user.id, user=user)
        session["_last_seen"] = time.time()

    def on_user_login_failed(self, user):
        from app.services import accounts

        self._audit("login_failed", "ab_user", user.id, user=user)
        if accounts.should_lock(self.session, user, utcnow(), current_app.config["LOCKOUT_ATTEMPTS"],
                                current_app.config["LOCKOUT_WINDOW_MIN"]):
            user.locked_at = utcnow()
            self.session.commit()
            self._audit("lockout", "ab_user", user.id, user=user)

    def on_user_logout(self, user):
        self._audit("logout", "ab_user", user.id, user=user)

    # --- every request ------------------------------------------------------------------------------------
    def load_user(self, pk):
        """Called by Flask-Login on every request: an expired or locked account stops working at once."""
        from app.services import accounts

        user = super().load_user(pk)
        if user is not None and accounts.login_refusal(user, today()) is not None:
            return None
        return user

    def load_user_jwt(self, _jwt_header, jwt_data):
        from app.services import accounts

        user = super().load_user_jwt(_jwt_header, jwt_data)
        if user is not None and accounts.login_refusal(user, today()) is not None:
            g.user = None
            return None
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


def failed_logins_since(db_session, user_id, since):
    return db_session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.user_id == user_id, AuditEvent.action == "login_failed", AuditEvent.at >= since
        )
    )
