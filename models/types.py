"""Column types shared by every model."""
import datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

from app.clock import UTC, as_utc


class UTCDateTime(TypeDecorator):
    """An instant: `timestamptz` on PostgreSQL, UTC text on SQLite; always read back aware in UTC.

    Binding accepts aware values (converted to UTC) and naive ones (taken as UTC), so no local wall-clock time can
    reach the database by way of the server's TZ."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, datetime.datetime):
            raise TypeError(f"UTCDateTime needs a datetime, got {type(value).__name__}")
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
