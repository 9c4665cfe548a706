"""Policy parameters as data: score weights and thresholds, terms of validity, review periods, retention ages.

A module declares a parameter once (`define`: key, label, type, the value shipped with the code and its legal
basis); administrators add versions with an effective date and the regulation that set them. A service asks for
the value valid on the date of its decision (`value(session, key, on, record=obj)`) and the version it used is
kept with the decision (`core_policy_use`), so a past decision shows the parameters it was taken with after
the law changed. A version in force that decisions have used is history: it is never edited or deleted."""
import datetime
import decimal
import json
from dataclasses import dataclass, field

from flask import has_app_context
from flask_babel import format_decimal, lazy_gettext as _l
from sqlalchemy import delete, event, insert, inspect, select
from sqlalchemy.orm import Session

from app.errors import DomainError
from models.dictionary import Legal

FIRST_DAY = datetime.date(2000, 1, 1)  # the shipped values apply from here until an administrator's version


@dataclass
class ParameterSpec:
    key: str
    label: object
    description: object
    kind: str  # integer, decimal, weights
    default: object
    legal: Legal
    module: str
    unit: object = None
    minimum: object = None
    maximum: object = None
    weights: dict = field(default_factory=dict)  # for kind "weights": name -> lazy label
    template: object = None  # a lazy pattern with %(value)s describing the value in words (retention terms)


PARAMETERS = {}


def load_all():
    """Import every service module, where the parameters are declared."""
    import importlib
    import pkgutil

    import app.services

    for info in pkgutil.iter_modules(app.services.__path__):
        importlib.import_module(f"app.services.{info.name}")
    return PARAMETERS


def define(key, label, description, kind, default, legal, module, **kwargs):
    PARAMETERS[key] = ParameterSpec(key, label, description, kind, default, legal, module, **kwargs)
    return key


def _decode(spec, raw):
    data = json.loads(raw) if isinstance(raw, str) else raw
    if spec.kind == "weights":
        return {k: decimal.Decimal(str(v)) if not float(v).is_integer() else int(v) for k, v in data.items()}
    if spec.kind == "integer":
        return int(data)
    return decimal.Decimal(str(data))


def parse(spec, raw):
    """A value typed by an administrator (JSON text) -> its canonical JSON text, or DomainError."""
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
    except (TypeError, ValueError):
        raise DomainError(_l("The value must be a number (or, for weights, an object of numbers)."), field="value",
                          code="parameter_value")
    if spec.kind == "weights":
        if not isinstance(data, dict) or set(data) != set(spec.weights):
            raise DomainError(_l("Give every weight, and only them: %(names)s.", names=", ".join(spec.weights)),
                              field="value", code="parameter_weights")
        values = list(data.values())
    else:
        values = [data]
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise DomainError(_l("The value must be a number (or, for weights, an object of numbers)."),
                              field="value", code="parameter_value")
        if spec.kind == "integer" and not float(value).is_integer():
            raise DomainError(_l("The value must be a whole number."), field="value", code="parameter_integer")
        if spec.minimum is not None and value < spec.minimum or spec.maximum is not None and value > spec.maximum:
            raise DomainError(_l("The value must lie between %(low)s and %(high)s.", low=spec.minimum,
                                 high=spec.maximum), field="value", code="parameter_range")
    if spec.kind == "weights":
        return json.dumps({k: data[k] for k in spec.weights})
    return json.dumps(int(data) if spec.kind == "integer" else data)


def version(session, key, on):
    """The version of `key` in force on day `on` (None: the shipped value applies)."""
    from models.catalogue import PolicyParameter

    with session.no_autoflush:
        return session.scalar(select(PolicyParameter).where(PolicyParameter.key == key,
                                                            PolicyParameter.effective_from <= on)
                              .order_by(PolicyParameter.effective_from.desc()).limit(1))


def value(session, key, on, record=None):
    """The value of `key` valid on `on`; with `record`, the version is kept as used by that record's decision."""
    spec = PARAMETERS[key]
    row = version(session, key, on)
    if record is not None and row is not None:
        record_use(session, record, [row], on)
    return _decode(spec, row.value) if row is not None else _decode(spec, json.dumps(spec.default))


def current_value(key):
    if not has_app_context():
        return PARAMETERS[key].default
    from app.clock import local_today
    from app.extensions import db

    return value(db.session, key, local_today())


def describe(key, number):
    """The value in words (e.g. a retention term), in the current language."""
    spec = PARAMETERS[key]
    if spec.template is None:
        return format_value(key, json.dumps(number))
    return str(spec.template) % {"value": number}


def format_value(key, raw):
    spec = PARAMETERS.get(key)
    if spec is None:
        return raw
    data = _decode(spec, raw)
    if spec.kind == "weights":
        return "; ".join(f"{spec.weights[k]}: {format_decimal(v)}" for k, v in data.items())
    unit = f" {spec.unit}" if spec.unit is not None else ""
    return f"{format_decimal(data)}{unit}"


# --- what a decision used --------------------------------------------------------------------------------------
def record_use(session, record, versions, decided_on):
    """Keep `versions` as the parameters of `record`'s decision (replacing what an earlier evaluation of the
    same parameters recorded). A record not yet flushed is written when it gets its key."""
    pending = session.info.setdefault("sanarip_policy_uses", [])
    pending.append((record, [v.id for v in versions], [v.key for v in versions], decided_on))
    if inspect(record).persistent:
        _write(session.connection(), session)


def _write(connection, session):
    from models.catalogue import PolicyParameter, PolicyUse

    pending = session.info.get("sanarip_policy_uses") or []
    left = []
    for record, ids, keys, decided_on in pending:
        pk = getattr(record, "id", None)
        if pk is None:
            left.append((record, ids, keys, decided_on))
            continue
        table = record.__tablename__
        connection.execute(delete(PolicyUse.__table__).where(
            PolicyUse.__table__.c.object_type == table, PolicyUse.__table__.c.object_id == pk,
            PolicyUse.__table__.c.parameter_id.in_(select(PolicyParameter.__table__.c.id)
                                                   .where(PolicyParameter.__table__.c.key.in_(keys)))))
        connection.execute(insert(PolicyUse.__table__), [
            {"object_type": table, "object_id": pk, "parameter_id": i, "decided_on": decided_on} for i in ids])
    session.info["sanarip_policy_uses"] = left


def _after_flush(session, _context):
    if session.info.get("sanarip_policy_uses"):
        _write(session.connection(), session)


def _after_rollback(session):
    session.info.pop("sanarip_policy_uses", None)


def install():
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_rollback", _after_rollback)


def msgid(lazy):
    """The English source of a lazy string (stored, then shown through the catalogs in the reader's language)."""
    if lazy is None:
        return None
    args = getattr(lazy, "_args", None)
    return str(args[0]) if args else str(lazy)


def clause_text(clause):
    """A stored clause in the reader's language: a shipped one ("art. 34") is translated, an administrator's
    own wording is shown as written."""
    from flask_babel import gettext

    return gettext(clause) if clause else clause


def used_by(session, record):
    """[(parameter label, value in words, effective from, legal basis)] of the parameters a decision used."""
    from app.catalogue.dictionary import regulation_text
    from models.catalogue import PolicyParameter, PolicyUse

    if getattr(record, "id", None) is None:
        return []
    rows = session.execute(select(PolicyParameter, PolicyUse.decided_on).join(PolicyUse.parameter).where(
        PolicyUse.object_type == record.__tablename__, PolicyUse.object_id == record.id)
        .order_by(PolicyParameter.key)).all()
    return [(PARAMETERS[p.key].label if p.key in PARAMETERS else p.key, format_value(p.key, p.value),
             p.effective_from, regulation_text(p.regulation, clause_text(p.clause)), decided_on)
            for p, decided_on in rows]


# --- administration --------------------------------------------------------------------------------------------
def seed(session, echo=print):
    """The shipped value of every declared parameter as its first version (from 2000), where none exists."""
    from models.catalogue import PolicyParameter

    load_all()
    known = set(session.scalars(select(PolicyParameter.key).distinct()))
    added = 0
    for key, spec in PARAMETERS.items():
        if key in known:
            continue
        session.add(PolicyParameter(key=key, value=json.dumps(spec.default), effective_from=FIRST_DAY,
                                    regulation=spec.legal.regulation, clause=msgid(spec.legal.clause)))
        added += 1
    session.flush()
    if added:
        echo(f"  policy parameters: {added} added")


def check_version(session, row, today):
    """Before a version is saved: a declared parameter, a valid value, a legal basis; a new version takes effect
    today or later (the past is what decisions were taken on); a version already in force is not changed."""
    from models.catalogue import PolicyParameter

    spec = PARAMETERS.get(row.key)
    if spec is None:
        raise DomainError(_l("Unknown parameter."), field="key", code="parameter_unknown")
    if row.effective_from is None:
        raise DomainError(_l("Give the date the value takes effect."), field="effective_from",
                          code="effective_required")
    row.value = parse(spec, row.value)
    if not row.regulation:
        raise DomainError(_l("Give the regulation that sets the value."), field="regulation",
                          code="regulation_required")
    state = inspect(row)
    if row.id is None:
        if row.effective_from < today:
            raise DomainError(_l("A new version takes effect today or later: decisions already taken keep the "
                                 "values they used."), field="effective_from", code="effective_past")
    else:
        before = {attr: state.attrs[attr].history for attr in ("value", "effective_from", "key")}
        old_from = before["effective_from"].deleted[0] if before["effective_from"].deleted else row.effective_from
        changed = any(h.has_changes() for h in before.values())
        if changed and (old_from <= today or row.effective_from < today):
            raise DomainError(_l("This version is in force or past: add a new version instead of changing it."),
                              field="value", code="version_in_force")
    with session.no_autoflush:
        twin = session.scalar(select(PolicyParameter.id).where(
            PolicyParameter.key == row.key, PolicyParameter.effective_from == row.effective_from,
            PolicyParameter.id != (row.id or -1)))
    if twin is not None:
        raise DomainError(_l("The parameter already has a version from this date."), field="effective_from",
                          code="version_exists")


def check_version_delete(row, today):
    if row.effective_from <= today:
        raise DomainError(_l("This version is in force or past: it is kept as the history of decisions."),
                          code="version_in_force")
