"""Account rules: validity period, lockout, password."""
import datetime

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


def should_lock(session, user, now: datetime.datetime, attempts: int, window_minutes: int) -> bool:
    """Lock after `attempts` failed logins within `window_minutes`, counting only failures after the last
    successful login (the audit trail is the record of attempts)."""
    from app.security import failed_logins_since

    since = now - datetime.timedelta(minutes=window_minutes)
    if user.last_login is not None and user.last_login > since:
        since = user.last_login
    return user.locked_at is None and failed_logins_since(session, user.id, since) >= attempts


def unlock(user):
    user.locked_at = None
    user.fail_login_count = 0


def check_account(user):
    """Before an account is saved: the validity period is ordered; the access request's PIN and organisation
    INN, when given, are well formed."""
    from app.pin import parse_inn, parse_pin

    if user.valid_from and user.valid_until and user.valid_until < user.valid_from:
        raise DomainError(_l("'Valid until' must not be before 'Valid from'."), field="valid_until")
    if user.pin:
        parse_pin(user.pin)
    if user.organisation_inn:
        parse_inn(user.organisation_inn)
