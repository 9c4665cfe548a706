"""Account rules: validity period, lockout, password."""
import datetime
import math

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


def check_account(user):
    """Before an account is saved: the validity period is ordered; the access request's PIN and organisation
    INN, when given, are well formed."""
    from app.identifiers import parse_inn, parse_pin

    if user.valid_from and user.valid_until and user.valid_until < user.valid_from:
        raise DomainError(_l("'Valid until' must not be before 'Valid from'."), field="valid_until")
    if user.pin:
        parse_pin(user.pin)
    if user.organisation_inn:
        parse_inn(user.organisation_inn, "organisation_inn")
