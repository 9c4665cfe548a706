"""Write the audit trail: logins, data changes (old → new), personal reads, exports, PDFs, denied attempts.

Data changes are captured once for every model by a SQLAlchemy flush hook, so no view or service can forget
them. Rows are inserted through the flushing connection: they commit or roll back with the change itself."""
import datetime
import decimal
import enum
import json

from flask import after_this_request, g, has_request_context, request
from sqlalchemy import event, insert, inspect, or_, select
from sqlalchemy.orm import Session

from app import clock

# Bookkeeping columns that change on every login or save and say nothing about the data.
IGNORED_FIELDS = {"changed_on", "changed_by_fk", "created_on", "created_by_fk", "last_login", "login_count",
                  "fail_login_count", "session_version"}
MASKED_FIELDS = {"password"}
UNAUDITED_TABLES = {"core_audit_event"}


def _jsonable(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    return str(value)


def _actor():
    if not has_request_context():
        return None, "system", None, None
    user = getattr(g, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        uid, uname = user.id, user.username
    else:
        uid, uname = None, None
    # remote_addr, never a client-supplied X-Forwarded-For: behind trusted proxies ProxyFix sets it (app/__init__)
    return uid, uname, request.remote_addr, request.full_path[:512]


def _row(action, object_type=None, object_id=None, changes=None, user=None, username=None):
    uid, uname, ip, path = _actor()
    if user is not None:
        uid, uname = user.id, user.username
    if username is not None:
        uname = username
    return {
        "at": clock.now(), "user_id": uid, "username": uname, "action": action,
        "object_type": object_type, "object_id": None if object_id is None else str(object_id)[:64],
        "changes": json.dumps(changes, ensure_ascii=False, default=str) if changes else None,
        "ip": ip, "path": path,
    }


def record(session, action, object_type=None, object_id=None, details=None, user=None, username=None):
    """Add one audit event to `session` (the caller commits)."""
    from models.audit import AuditEvent  # models import app (the clock); app.audit is imported by app

    session.execute(insert(AuditEvent), [_row(action, object_type, object_id, details, user, username)])


def personal_dataset(model) -> bool:
    """Whether rows of `model` are personal data: the field dictionary's class of the dataset or of any of its
    fields (models/dictionary.py), or the model's own `personal` flag."""
    from app.catalogue import dictionary

    info = dictionary.of_model(model)
    flag = getattr(model, "personal", False)  # a class flag; the custom-field table has a column of that name
    return flag is True or (info is not None and info.personal != "none")


def record_bulk_read(session, model, filters, count, rows=None, action="list", **details):
    """One entry for one bulk read of a personal-data dataset (a list page, an API list call, a lookup, a report
    screen): who (the request's user), which dataset, the filters as asked, how many rows matched and how many
    were sent. Committed when the response is ready (committing now would expire the rows the page is about to
    render); outside a request at once."""
    if not personal_dataset(model):
        return
    record(session, action, object_type_of(model), None,
           {"filters": filters, "count": count, "rows": count if rows is None else rows, **details})
    if not has_request_context():
        session.commit()
        return

    @after_this_request
    def _commit(response):
        try:
            session.commit()
        except Exception:  # pragma: no cover - the database went away; the read must not be served unrecorded
            session.rollback()
            raise
        return response


def record_denial(details, object_type=None, object_id=None):
    """A denied request: whatever it may have started is rolled back, the denial itself is committed."""
    from app.extensions import db

    db.session.rollback()
    record(db.session, "denied", object_type, object_id, details)
    db.session.commit()


def object_type_of(obj_or_class):
    cls = obj_or_class if isinstance(obj_or_class, type) else type(obj_or_class)
    return cls.__tablename__


def _pk(obj):
    # In after_flush a new row has its key values but not yet its identity: read the key columns.
    values = inspect(obj).mapper.primary_key_from_instance(obj)
    return "-".join(str(v) for v in values) if all(v is not None for v in values) else None


def _changes(obj, only_changed):
    state = inspect(obj)
    out = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in IGNORED_FIELDS:
            continue
        hist = state.attrs[key].history
        if only_changed and not hist.has_changes():
            continue
        if key == "custom":  # custom field values: one entry per key (app/catalogue/custom.py)
            old = hist.deleted[0] if hist.deleted else (None if only_changed else
                                                         hist.unchanged[0] if hist.unchanged else None)
            new = hist.added[0] if hist.added else (hist.unchanged[0] if hist.unchanged else None)
            out[key] = [old, new]
            continue
        old = hist.deleted[0] if hist.deleted else (None if only_changed else hist.unchanged[0] if hist.unchanged else None)
        new = hist.added[0] if hist.added else (hist.unchanged[0] if hist.unchanged else None)
        if only_changed and _jsonable(old) == _jsonable(new):
            continue
        if key in MASKED_FIELDS:
            old, new = ("***" if old else None), "***"
        out[key] = [_jsonable(old), _jsonable(new)]
    for rel in state.mapper.relationships:
        if rel.secondary is None:  # many-to-one is seen through its foreign-key column above
            continue
        hist = state.attrs[rel.key].history
        if hist.has_changes():  # e.g. a user's roles: the rows before and after
            before = [str(v) for v in list(hist.unchanged) + list(hist.deleted)]
            after = [str(v) for v in list(hist.unchanged) + list(hist.added)]
            out[rel.key] = [sorted(before), sorted(after)]
    if "custom" in out:
        from app.catalogue.custom import audit_changes

        out = audit_changes(obj, out)
    return out


def _after_flush(session, _flush_context):
    rows = []
    for action, objs in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objs:
            table = getattr(obj, "__tablename__", None)
            if table is None or table in UNAUDITED_TABLES:
                continue
            if action == "update":
                if not session.is_modified(obj, include_collections=True):
                    continue
                changes = _changes(obj, only_changed=True)
                if not changes:
                    continue
            elif action == "create":
                changes = {k: v[1] for k, v in _changes(obj, only_changed=False).items() if v[1] is not None}
            else:
                changes = {k: v[1] for k, v in _changes(obj, only_changed=False).items() if v[1] is not None}
            rows.append(_row(action, table, _pk(obj), changes))
    if rows:
        from models.audit import AuditEvent

        session.connection().execute(insert(AuditEvent), rows)


def install():
    """Capture every create/update/delete flushed by any session."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


# --- erasure (retention) ----------------------------------------------------------------------------------------
ERASED = "***"


def _scrub(value, fields, needles):
    """`value` (decoded JSON of an event) with the values of `fields` replaced and every string containing one of
    `needles` cut out."""
    if isinstance(value, dict):
        return {k: (_erase_value(v) if k in fields else _scrub(v, fields, needles)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, fields, needles) for v in value]
    if isinstance(value, str):
        for needle in needles:
            if needle and needle in value:
                value = value.replace(needle, ERASED)
    return value


def _erase_value(value):
    if isinstance(value, list) and len(value) == 2:  # an update's [old, new]
        return [None if v is None else ERASED for v in value]
    return None if value is None else ERASED


def erase(session, objects, fields, needles, everywhere=()):
    """Retention reaches the audit trail: in the events about `objects` ({table: ids}) the values of the erased
    `fields` ({table: names}) become "***" and every text containing one of `needles` (names, dates, addresses)
    is cut; in every event, the strings `everywhere` (what identifies the person alone: the PIN, the full name)
    are cut from the details and the address (a PIN in a search URL). Who did what and when (user, action, time,
    object) stays. Returns the number of events changed.

    The only place that rewrites audit rows: it runs inside the retention's own transaction."""
    def longest_first(strings):
        return sorted({n for n in strings if n and len(n) >= 4}, key=len, reverse=True)

    from models.audit import AuditEvent

    everywhere = longest_first(everywhere)
    needles = longest_first(list(needles) + everywhere)
    table = AuditEvent.__table__
    changed = {}
    for object_type, ids in objects.items():
        ids = [str(i) for i in ids]
        for start in range(0, len(ids), 500):
            for row in session.execute(select(table.c.id, table.c.changes, table.c.path).where(
                    table.c.object_type == object_type, table.c.object_id.in_(ids[start:start + 500]))):
                changed[row.id] = (row, set(fields.get(object_type, ())))
    if everywhere:
        matches = or_(*[column.contains(n, autoescape=True) for n in everywhere for column in (table.c.changes,
                                                                                              table.c.path)])
        for row in session.execute(select(table.c.id, table.c.changes, table.c.path).where(matches)):
            changed.setdefault(row.id, (row, None))
    count = 0
    for pk, (row, erased_fields) in changed.items():
        own = erased_fields is not None  # an event about one of the objects: every needle, else only `everywhere`
        erased_fields, cut = (erased_fields, needles) if own else (set(), everywhere)
        changes = row.changes
        if changes:
            try:
                changes = json.dumps(_scrub(json.loads(changes), erased_fields, cut), ensure_ascii=False)
            except ValueError:
                changes = _scrub(changes, set(), cut)
        path = _scrub(row.path, set(), cut) if row.path else row.path
        if (changes, path) != (row.changes, row.path):
            session.execute(table.update().where(table.c.id == pk).values(changes=changes, path=path))
            count += 1
    return count
