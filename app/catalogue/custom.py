"""Custom fields: fields administrators add to a dataset in the UI or the API, without code or restart.

A field is a row of `core_custom_field`; its values live in the rows' `custom` JSON column under its key
(models/extensible.py). This module validates and converts values (one rule for forms, imports and the API),
builds the form fields and search filters, and erases personal values when a record's retention ends. The views
and APIs of every extensible dataset pick the active fields up on each request (views/base.py)."""
import datetime
import decimal
import re
from dataclasses import dataclass

from flask import has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.catalogue import state
from app.errors import DomainError
from app.i18n import LOCALES, choose_name, current_language

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
KINDS = ("text", "integer", "decimal", "date", "boolean", "choice", "reference")
TEXT_MAX = 1000


@dataclass(frozen=True)
class CustomFieldData:
    """What a request needs of a custom field (a detached copy, safe to cache across requests)."""

    id: int
    dataset: str
    key: str
    kind: str
    labels: tuple  # (ky, ru, en)
    descriptions: tuple
    required: bool
    min_value: object
    max_value: object
    pattern: str
    classifier_code: str
    reference_dataset: str
    personal: str
    searchable: bool
    in_list: bool
    status: str
    legal_regulation: str
    legal_clause: str

    @classmethod
    def of(cls, row):
        return cls(row.id, row.dataset, row.key, row.kind, (row.label_ky, row.label_ru, row.label_en),
                   (row.description_ky, row.description_ru, row.description_en), bool(row.required),
                   row.min_value, row.max_value, row.pattern, row.classifier_code, row.reference_dataset,
                   row.personal or "none", bool(row.searchable), bool(row.in_list), row.status, row.legal_regulation,
                   row.legal_clause)

    def label_in(self, language):
        return choose_name(dict(zip(LOCALES, self.labels)), language, mark_missing=False) or self.key

    def description_in(self, language):
        return choose_name(dict(zip(LOCALES, self.descriptions)), language, mark_missing=False)

    @property
    def label(self):
        return self.label_in(current_language())

    @property
    def description(self):
        return self.description_in(current_language())

    @property
    def active(self):
        return self.status == "active"


def fields(dataset, statuses=("active",)):
    """Custom fields of a dataset (table name) in their order; active only by default."""
    if not has_app_context():
        return []
    return [f for f in state.current().custom_fields.get(dataset, []) if f.status in statuses]


def field(dataset, key, statuses=("active",)):
    return next((f for f in fields(dataset, statuses) if f.key == key), None)


def is_custom_key(dataset, key):
    """Is `key` an active custom field of `dataset`? (Extensible.__getattr__ asks on every attribute miss.)"""
    if not has_app_context():
        return False
    return any(f.key == key for f in state.current().custom_fields.get(dataset, []) if f.status == "active")


def is_extensible(model):
    spec = getattr(model, "__dataset__", None)
    return bool(spec is not None and spec.extensible and hasattr(model, "custom"))


# --- values -----------------------------------------------------------------------------------------------------
def _reference_model(dataset_key):
    from app.catalogue import dictionary

    info = dictionary.datasets().get(dataset_key)
    return info.model if info is not None else None


def convert(spec, raw, session=None, scope=None):
    """A value as typed (form, sheet, JSON) -> the JSON value stored, or DomainError with a translated message.
    None/"" is "no value". Decimals are kept as text so that no digit is lost."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        if spec.required:
            raise DomainError(_l("%(field)s is required.", field=spec.label), field=spec.key, code="required")
        return None
    kind = spec.kind
    if kind == "text":
        value = str(raw).strip()
        low = int(spec.min_value) if spec.min_value is not None else None
        high = int(spec.max_value) if spec.max_value is not None else TEXT_MAX
        if low is not None and len(value) < low:
            raise DomainError(_l("%(field)s needs at least %(n)s characters.", field=spec.label, n=low),
                              field=spec.key, code="too_short")
        if len(value) > high:
            raise DomainError(_l("%(field)s takes at most %(n)s characters.", field=spec.label, n=high),
                              field=spec.key, code="too_long")
        if spec.pattern and not re.fullmatch(spec.pattern, value):
            raise DomainError(_l("%(field)s does not match the required pattern %(pattern)s.", field=spec.label,
                                 pattern=spec.pattern), field=spec.key, code="pattern")
        return value
    if kind in ("integer", "decimal"):
        if isinstance(raw, bool):
            raise DomainError(_l("%(field)s must be a number.", field=spec.label), field=spec.key, code="number")
        text = str(raw).replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            number = decimal.Decimal(text)
        except decimal.InvalidOperation:
            raise DomainError(_l("%(field)s must be a number.", field=spec.label), field=spec.key, code="number")
        if not number.is_finite() or abs(number) >= 10 ** 15:
            raise DomainError(_l("%(field)s must be a number.", field=spec.label), field=spec.key, code="number")
        if kind == "integer" and number != number.to_integral_value():
            raise DomainError(_l("%(field)s must be a whole number.", field=spec.label), field=spec.key,
                              code="integer")
        if spec.min_value is not None and number < decimal.Decimal(spec.min_value):
            raise DomainError(_l("%(field)s must be at least %(n)s.", field=spec.label,
                                 n=_plain(spec.min_value)), field=spec.key, code="minimum")
        if spec.max_value is not None and number > decimal.Decimal(spec.max_value):
            raise DomainError(_l("%(field)s must be at most %(n)s.", field=spec.label,
                                 n=_plain(spec.max_value)), field=spec.key, code="maximum")
        return int(number) if kind == "integer" else format(number.normalize(), "f")
    if kind == "date":
        if isinstance(raw, datetime.datetime):
            raw = raw.date()
        if isinstance(raw, datetime.date):
            return raw.isoformat()
        try:
            return datetime.date.fromisoformat(str(raw).strip()[:10]).isoformat()
        except ValueError:
            raise DomainError(_l("%(field)s must be a date (YYYY-MM-DD).", field=spec.label), field=spec.key,
                              code="date")
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "y", "yes", "on", "да", "ооба", "x"):
            return True
        if text in ("0", "false", "n", "no", "off", "нет", "жок"):
            return False
        raise DomainError(_l("%(field)s must be yes or no.", field=spec.label), field=spec.key, code="boolean")
    if kind == "choice":
        from app.catalogue import classifiers

        value = str(raw).strip()
        if not classifiers.is_valid(spec.classifier_code, value):
            raise DomainError(_l("“%(value)s” is not an item of the classifier “%(classifier)s”.", value=value,
                                 classifier=classifiers.title(spec.classifier_code)), field=spec.key,
                              code="not_a_classifier_item")
        return value
    if kind == "reference":
        text = str(raw).strip()
        model = _reference_model(spec.reference_dataset)
        if not text.isdigit() or model is None:
            raise DomainError(_l("%(field)s must be the number of a record of %(dataset)s.", field=spec.label,
                                 dataset=spec.reference_dataset), field=spec.key, code="reference")
        if session is not None:
            from app.scope import current_scope

            scope = scope or current_scope()
            with session.no_autoflush:
                found = session.scalar(select(model.id).where(model.id == int(text), scope.condition(model)))
            if found is None:  # missing, or outside the user's territory: the same answer
                raise DomainError(_l("%(field)s: no such record in your territory.", field=spec.label),
                                  field=spec.key, code="reference_missing")
        return int(text)
    raise DomainError(_l("Unknown field type."), field=spec.key, code="kind")


def _plain(value):
    number = decimal.Decimal(value)
    return format(number.normalize(), "f") if number == number.to_integral_value() else str(number)


def python_value(spec, stored):
    """A stored JSON value as Python (for forms and formatters)."""
    if stored is None:
        return None
    if spec.kind == "decimal":
        return decimal.Decimal(str(stored))
    if spec.kind == "date":
        try:
            return datetime.date.fromisoformat(stored)
        except (TypeError, ValueError):
            return None
    return stored


def display(spec, stored):
    """A stored value as shown on pages and in exports (names of classifier items and referenced records)."""
    from flask_babel import format_date, format_decimal, gettext

    if stored is None or stored == "":
        return ""
    if spec.kind == "boolean":
        return gettext("Yes") if stored else gettext("No")
    if spec.kind == "date":
        value = python_value(spec, stored)
        return format_date(value, "medium") if value else str(stored)
    if spec.kind == "decimal":
        return format_decimal(decimal.Decimal(str(stored)))
    if spec.kind == "choice":
        from app.catalogue import classifiers

        return classifiers.label(spec.classifier_code, stored)
    if spec.kind == "reference":
        model = _reference_model(spec.reference_dataset)
        if model is not None:
            from app.extensions import db

            row = db.session.get(model, stored)
            return str(row) if row is not None else str(stored)
    return stored


def apply(session, item, values, scope=None):
    """Validate `values` ({key: raw}) against the dataset's active custom fields and write them into the row;
    keys not given keep their value. Every error is raised together as {key: message} (DomainErrors)."""
    errors = {}
    dataset = type(item).__tablename__
    for spec in fields(dataset):
        if spec.key not in values:
            continue
        try:
            item.set_custom(spec.key, convert(spec, values[spec.key], session, scope))
        except DomainError as exc:
            errors[spec.key] = str(exc)
    if errors:
        raise CustomValueErrors(errors)


def check_required(item):
    """Before a row is saved: every required active custom field has a value."""
    for spec in fields(type(item).__tablename__):
        if spec.required and item.custom_value(spec.key) in (None, ""):
            raise DomainError(_l("%(field)s is required.", field=spec.label), field=spec.key, code="required")


class CustomValueErrors(DomainError):
    def __init__(self, errors):
        super().__init__(_l("Check the additional fields."), code="custom_values")
        self.errors = errors


def personal_keys(item):
    """Keys of the personal (and special) custom fields of a row's dataset, retired fields included."""
    if not hasattr(item, "custom"):
        return set()
    return {f.key for f in fields(type(item).__tablename__, ("active", "retired", "promoted"))
            if f.personal in ("personal", "special")}


def erase_personal(item):
    """Retention: drop the values of personal (and special) custom fields of a row, retired fields included."""
    personal = personal_keys(item)
    if personal and personal & set(item.custom or {}):
        item.custom = {k: v for k, v in (item.custom or {}).items() if k not in personal}


def audit_changes(obj, changes):
    """The audit trail shows custom values per key (old → new), like columns: called by the audit flush hook."""
    pair = changes.pop("custom", None)
    if pair is None:
        return changes
    old, new = (pair[0] or {}), (pair[1] or {})
    if isinstance(old, str) or isinstance(new, str):  # a value the hook already made text: keep it whole
        changes["custom"] = pair
        return changes
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            changes[key] = [old.get(key), new.get(key)]
    return changes


# --- search -----------------------------------------------------------------------------------------------------
def value_expression(model, spec):
    """SQL expression of a custom value as text (portable: ->> on PostgreSQL, json_extract on SQLite)."""
    return model.custom[spec.key].as_string()


def equals_condition(model, spec, value):
    """SQL: the custom value equals `value`; on PostgreSQL a JSONB containment, which the GIN index serves."""
    from app.extensions import db

    if db.engine.dialect.name == "postgresql":
        from sqlalchemy import type_coerce
        from sqlalchemy.dialects.postgresql import JSONB

        # the column's type is a JSON/JSONB variant: coerce it to JSONB so that `contains` is `@>`, not LIKE
        return type_coerce(model.custom, JSONB).contains({spec.key: value})
    if spec.kind == "boolean":
        return model.custom[spec.key].as_boolean() == bool(value)
    if spec.kind in ("integer", "reference"):
        return model.custom[spec.key].as_integer() == int(value)
    return value_expression(model, spec) == str(value)
