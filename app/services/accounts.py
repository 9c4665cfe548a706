"""Account rules: validity period, lockout, password."""
import datetime
import hashlib
import math
import re
import secrets

from flask_babel import lazy_gettext as _l

from app.errors import DomainError


def login_refusal(user, day: datetime.date):
    """Why `user` may not log in on `day`, or None. Locked accounts stay locked until an admin unlocks them;
    logins are valid only within [valid_from, valid_until] (access is granted for a fixed term)."""
    if user.locked_at is not None:
        return DomainError(_l("This account is locked after too many failed logins. Ask an administrator to "
                              "unlock it."), code="locked")
    if not user.is_valid_on(day):
        return DomainError(_l("This account is not valid today. Ask an administrator to extend it."), code="outside_validity")
    return None


def should_lock(failures_by_address, attempts: int) -> bool:
    """Lock after `attempts` failed logins within the lockout window (counted since the last successful login or
    unlock). One address counts at most `attempts - 1`: an attacker cannot lock a known account at will from one
    address (the login throttle slows that address down instead); failures from several addresses still lock."""
    return sum(min(count, attempts - 1) for count in failures_by_address.values()) >= attempts


def throttle_wait(failure_times, now: datetime.datetime, free: int, delay_seconds: float) -> int:
    """Seconds the next login attempt of one (address, account) pair must wait: the first `free` failures cost
    nothing, each further one doubles the wait after the last (delay, 2 × delay, 4 × delay, …)."""
    failures = len(failure_times)
    if failures < free or delay_seconds <= 0:
        return 0
    wait_until = max(failure_times) + datetime.timedelta(seconds=delay_seconds * 2 ** (failures - free))
    return max(0, math.ceil((wait_until - now).total_seconds()))


def throttle_refusal(seconds: int):
    return DomainError(_l("Too many failed logins for this account from your address. Try again in %(seconds)s "
                          "seconds.", seconds=seconds), code="throttled")


def unlock(session, user):
    """Unlock and forget the failures: the lockout and the throttle count only failures after the last login or
    unlock (both audited)."""
    from app import audit

    user.locked_at = None
    user.fail_login_count = 0
    audit.record(session, "unlock", "ab_user", user.id)


#: Roles whose accounts need an access request and a fixed term (children's regulation cl. 13(3), 24, 26, 27): the
#: child-protection module's role templates are all named "Child protection …" (app/registry.py), and so is a role
#: an administrator adds for that work.
CHILD_PROTECTION_ROLE_PREFIX = "Child protection "
#: The access request's fields a child-protection account must have, in the order of the form.
ACCESS_REQUEST_FIELDS = ("first_name", "last_name", "organisation", "organisation_inn", "organisation_address",
                         "territory", "pin", "position", "valid_from", "valid_until")
DEFAULT_ACCESS_MAX_DAYS = 365


def needs_access_request(user) -> bool:
    """Whether `user` holds a child-protection role (by the role's name, see CHILD_PROTECTION_ROLE_PREFIX)."""
    return any((getattr(role, "name", None) or "").startswith(CHILD_PROTECTION_ROLE_PREFIX)
               for role in (getattr(user, "roles", None) or []))


def _national_role_names():
    """Names of role templates that are national (`territorial=False`, e.g. the central reader)."""
    from flask import current_app, has_app_context

    if not has_app_context():
        return set()
    return {t.name for spec in current_app.extensions.get("sanarip_modules", ()) for t in spec.role_templates
            if not t.territorial}


def territory_required(user) -> bool:
    """The territorial unit of the access request is required unless every child-protection role of the user is
    a national one (the central reader works for the whole republic: no territory is its scope)."""
    national = _national_role_names()
    return any((role.name or "").startswith(CHILD_PROTECTION_ROLE_PREFIX) and role.name not in national
               for role in (getattr(user, "roles", None) or []))


def _access_max_days():
    from flask import current_app, has_app_context

    if not has_app_context():
        return DEFAULT_ACCESS_MAX_DAYS
    return int(current_app.config.get("CHILD_PROTECTION_ACCESS_MAX_DAYS") or DEFAULT_ACCESS_MAX_DAYS)


def _given(user, name):
    if name == "territory":
        return getattr(user, "territory", None) is not None  # the relation: a form sets it, not territory_id
    value = getattr(user, name, None)
    return value is not None and (not isinstance(value, str) or value.strip() != "")


def check_account(user, max_days=None):
    """Before an account is saved (the user form, the CLI, the demo users): the validity period is ordered; the
    access request's PIN and organisation INN, when given, are well formed. An account with a child-protection role
    needs the whole access request and a validity period of at most CHILD_PROTECTION_ACCESS_MAX_DAYS days (default
    365: access is granted for a fixed term and asked for again)."""
    from app.identifiers import parse_inn, parse_pin

    if needs_access_request(user):
        for name in ACCESS_REQUEST_FIELDS:
            if name == "territory" and not territory_required(user):
                continue
            if not _given(user, name):
                raise DomainError(_l("Required for an account with a child protection role (the access "
                                     "request)."), field=name, code="access_request_missing")
    if user.valid_from and user.valid_until and user.valid_until < user.valid_from:
        raise DomainError(_l("'Valid until' must not be before 'Valid from'."), field="valid_until")
    if user.pin:
        parse_pin(user.pin)
    if user.organisation_inn:
        parse_inn(user.organisation_inn, "organisation_inn")
    if needs_access_request(user):
        limit = max_days or _access_max_days()
        if (user.valid_until - user.valid_from).days > limit:
            raise DomainError(_l("Access with a child protection role is granted for at most %(days)s days: "
                                 "'Valid until' must not be later than %(last)s.", days=limit,
                                 last=(user.valid_from + datetime.timedelta(days=limit)).isoformat()),
                              field="valid_until", code="access_too_long")


def check_typed_password(user, password):
    """A child-protection account gets no password from the administrator: it is activated by a one-time link."""
    if password and needs_access_request(user):
        raise DomainError(_l("Leave the password empty: an account with a child protection role sets its own "
                             "password with a one-time activation link."), field="password",
                          code="password_by_admin")


# --- activation: a one-time link instead of a password typed by the administrator --------------------------------
DEFAULT_ACTIVATION_HOURS = 72
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,64}")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def issue_activation(session, user, now, by=None, hours=None):
    """A new single-use link for `user`: any earlier unused link is revoked. Returns the token (shown once, never
    stored: the row keeps its SHA-256). Audited `activation_issued`; the caller commits."""
    from app import audit
    from models.user import UserActivation

    hours = hours or DEFAULT_ACTIVATION_HOURS
    for old in session.query(UserActivation).filter(UserActivation.user_id == user.id,
                                                    UserActivation.used_at.is_(None),
                                                    UserActivation.revoked_at.is_(None)):
        old.revoked_at = now
    token = secrets.token_urlsafe(32)  # 256 bits, 43 characters
    session.add(UserActivation(user_id=user.id, token_hash=token_hash(token), issued_at=now,
                               expires_at=now + datetime.timedelta(hours=hours),
                               issued_by_id=getattr(by, "id", None)))
    audit.record(session, "activation_issued", "ab_user", user.id, {"hours": hours})
    return token


def _refused():
    return DomainError(_l("This activation link is not valid: it is unknown, was already used, was replaced by a "
                          "newer one or has expired. Ask an administrator for a new link."), code="activation_refused")


def find_activation(session, token, now):
    """The usable activation row of `token`, or None (unknown, malformed, used, revoked, expired: all alike)."""
    from models.user import UserActivation

    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        return None
    row = session.query(UserActivation).filter(UserActivation.token_hash == token_hash(token)).one_or_none()
    if row is None or row.used_at is not None or row.revoked_at is not None or row.expires_at <= now:
        return None
    return row


def refuse_activation(session, token, now):
    """Audit a refused link (without the token: only a prefix of its hash, to tell attempts apart)."""
    from app import audit
    from models.user import UserActivation

    digest = token_hash(token) if isinstance(token, str) and TOKEN_PATTERN.fullmatch(token) else None
    row = session.query(UserActivation).filter(UserActivation.token_hash == digest).one_or_none() if digest else None
    reason = ("malformed" if digest is None else "unknown" if row is None else "used" if row.used_at else
              "revoked" if row.revoked_at else "expired")
    audit.record(session, "activation_refused", "ab_user", row.user_id if row is not None else None,
                 {"reason": reason})
    return _refused()


def activate(session, token, password, confirmation, now, hash_method="scrypt"):
    """Set the password of the account of `token` (the platform's password rule) and spend the link. Raises
    DomainError: the same refusal for every unusable link (audited `activation_refused`), the password rule at the
    field `password`, a mismatch at `conf_password`. Audited `activation_used`; the caller commits."""
    from flask_appbuilder.exceptions import PasswordComplexityValidationError
    from werkzeug.security import generate_password_hash

    from app import audit
    from app.security import password_complexity

    row = find_activation(session, token, now)
    if row is None:
        raise refuse_activation(session, token, now)
    try:
        password_complexity(password)
    except PasswordComplexityValidationError as exc:
        raise DomainError(str(exc), field="password", code="password_rule") from None
    if password != confirmation:
        raise DomainError(_l("The two passwords differ."), field="conf_password", code="password_mismatch")
    user = row.user
    user.password = generate_password_hash(password, method=hash_method)
    user.session_version = (user.session_version or 0) + 1
    row.used_at = now
    audit.record(session, "activation_used", "ab_user", user.id)
    return user
