"""Column types shared by every model."""
import datetime

from sqlalchemy import DateTime, event
from sqlalchemy.orm import Mapper
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


def from_server_clock(value):
    """A value Flask-AppBuilder wrote with `datetime.now()` (naive, the server's wall clock) as aware UTC;
    aware values are only converted."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(UTC)  # a naive value is taken as the system's local time
    return value


_SERVER_CLOCK_TABLES = set()


@event.listens_for(Mapper, "mapper_configured")
def _instants_enter_as_utc(mapper, cls):
    """Every instant attribute of our models holds aware UTC from the moment it is assigned, so services compare
    it with `clock.now()` before any flush; a naive value assigned (a form field, an import cell, a seed) is
    wall-clock time in the configured zone."""
    if getattr(mapper.local_table, "name", None) in _SERVER_CLOCK_TABLES and mapper.inherits is None:
        return
    for prop in mapper.column_attrs:
        if prop.parent is not mapper or len(prop.columns) != 1 or not isinstance(prop.columns[0].type, UTCDateTime):
            continue
        if (getattr(prop.columns[0].table, "name", None) in _SERVER_CLOCK_TABLES
                and not getattr(prop.columns[0], "_sanarip_own", False)):
            continue
        event.listen(getattr(cls, prop.key), "set", _from_local, retval=True)


def _from_local(target, value, old, initiator):
    from app.clock import from_local

    return from_local(value) if isinstance(value, datetime.datetime) else value


def utc_columns(*classes):
    """Make the DateTime columns of Flask-AppBuilder's own models (which we cannot declare) instants like ours:
    UTCDateTime, defaults from the one clock, and every value FAB assigns (`user.last_login =
    datetime.now()`, local wall-clock time) converted to UTC when it is set."""
    from sqlalchemy.schema import ColumnDefault

    from app import clock

    for cls in classes:
        _SERVER_CLOCK_TABLES.add(cls.__table__.name)
        for column in cls.__table__.columns:
            if not isinstance(column.type, DateTime) or isinstance(column.type, UTCDateTime):
                if isinstance(column.type, UTCDateTime):
                    column._sanarip_own = True  # declared by us (e.g. ab_user.locked_at): wall clock of the zone
                continue
            column.type = UTCDateTime()
            if column.default is not None and column.default.is_callable:
                ColumnDefault(clock.now)._set_parent(column)
            if column.onupdate is not None and column.onupdate.is_callable:
                ColumnDefault(clock.now, for_update=True)._set_parent(column)
            attribute = getattr(cls, column.key, None)
            if attribute is not None:
                event.listen(attribute, "set", lambda target, value, old, initiator: from_server_clock(value),
                             retval=True, propagate=True)
