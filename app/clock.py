"""The one clock: aware UTC inside (database, services, audit), the configured zone only on the way out.

Services take `now` as an argument (callers pass `clock.now()`), so a rule can be tested at any instant; pages
and documents show times with `to_local` in TIMEZONE (default Asia/Bishkek). Importable without an app."""
import datetime
import os
import zoneinfo

UTC = datetime.timezone.utc
DEFAULT_ZONE = "Asia/Bishkek"


def now() -> datetime.datetime:
    """The current instant, aware, in UTC."""
    return datetime.datetime.now(UTC)


def zone_name() -> str:
    try:
        from flask import current_app, has_app_context

        if has_app_context():
            return current_app.config.get("TIMEZONE") or DEFAULT_ZONE
    except ImportError:  # pragma: no cover - flask is always installed, kept for scripts
        pass
    return os.environ.get("TIMEZONE") or DEFAULT_ZONE


def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(zone_name())


def as_utc(value: datetime.datetime | None) -> datetime.datetime | None:
    """An aware UTC instant; a naive value is taken as UTC (what the database stores)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def from_local(value: datetime.datetime | None) -> datetime.datetime | None:
    """An instant entered as wall-clock time (a form, an import, a seed: naive, in the configured zone) as aware
    UTC; an aware value is only converted."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_zone())
    return value.astimezone(UTC)


def to_local(value: datetime.datetime | None) -> datetime.datetime | None:
    """The instant in the configured zone, for display."""
    value = as_utc(value)
    return None if value is None else value.astimezone(local_zone())


def local_today(at: datetime.datetime | None = None) -> datetime.date:
    """The calendar day in the configured zone at instant `at` (default: now): the day deadlines, ages and
    validity dates are counted on."""
    return to_local(at or now()).date()
