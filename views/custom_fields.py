"""Custom fields in forms, lists, filters and the REST API of every extensible dataset (used by views/base.py).

Forms are rebuilt when the catalogue's revision moves, so a field an administrator adds appears at the next page
load in every worker; values go through app/catalogue/custom.py, the one validation of forms, imports and API."""
from flask import request
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget, DatePickerWidget, Select2Widget
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import LazyString, gettext
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import ValidationError

from app.catalogue import custom, state
from app.errors import DomainError

PREFIX = "cf_"  # list and API filters: ?cf_<key>=value


def _label(spec):
    return LazyString(lambda: (custom.field(spec.dataset, spec.key) or spec).label)


def _description(spec):
    return LazyString(lambda: (custom.field(spec.dataset, spec.key) or spec).description)


class _CustomMixin:
    """A form field whose value is a custom value: read from and written to the row's JSON."""

    spec = None

    def process_data(self, value):
        self.data = custom.python_value(self.spec, value) if value is not None else None

    def pre_validate(self, form):
        from app.extensions import db

        raw = self.data
        try:
            self.converted = custom.convert(self.spec, raw, db.session)
        except DomainError as exc:
            raise ValidationError(str(exc))

    def populate_obj(self, obj, name):
        obj.set_custom(self.spec.key, getattr(self, "converted", custom.convert(self.spec, self.data)))


class CustomText(_CustomMixin, StringField):
    pass


class CustomDate(_CustomMixin, StringField):
    def _value(self):
        return self.data.isoformat() if hasattr(self.data, "isoformat") else (self.data or "")


class CustomBoolean(_CustomMixin, BooleanField):
    def process_data(self, value):
        self.data = bool(value)

    def pre_validate(self, form):
        self.converted = bool(self.data)


class CustomSelect(_CustomMixin, SelectField):
    def pre_validate(self, form):
        _CustomMixin.pre_validate(self, form)

    def process_data(self, value):
        self.data = None if value is None else str(value)


def _reference_choices(spec, session_func):
    from sqlalchemy import select

    from app.catalogue import dictionary
    from app.scope import current_scope

    info = dictionary.dataset(spec.reference_dataset)
    if info is None:
        return []
    model = info.model
    rows = session_func().scalars(select(model).where(current_scope().condition(model)).order_by(model.id)
                                  .limit(500)).all()
    return [("", "—")] + [(str(r.id), str(r)) for r in rows]


def form_field(spec, session_func):
    """An unbound WTForms field for a custom field."""
    kwargs = dict(label=_label(spec), description=_description(spec))

    def bound(base):
        return type(f"{base.__name__}_{spec.key}", (base,), {"spec": spec})

    if spec.kind == "boolean":
        return bound(CustomBoolean)(**kwargs)
    if spec.kind == "date":
        return bound(CustomDate)(widget=DatePickerWidget(), **kwargs)
    if spec.kind == "choice":
        from app.catalogue import classifiers

        return bound(CustomSelect)(choices=lambda s=spec: [("", "—")] + classifiers.choices(s.classifier_code),
                                   widget=Select2Widget(), validate_choice=False, **kwargs)
    if spec.kind == "reference":
        return bound(CustomSelect)(choices=lambda s=spec: _reference_choices(s, session_func),
                                   widget=Select2Widget(), validate_choice=False, **kwargs)
    return bound(CustomText)(widget=BS3TextFieldWidget(), **kwargs)


def extend_form(base, specs, session_func):
    """A subclass of `base` with one field per custom field (key = the field's key)."""
    attrs = {spec.key: form_field(spec, session_func) for spec in specs}
    if not attrs:
        return base
    return type(base.__name__, (base,), attrs)


class FormCache:
    """One extended form class per (base form, catalogue revision)."""

    def __init__(self):
        self._cache = {}

    def get(self, base, dataset, session_func):
        revision = state.current().revision
        key = (id(base), revision)
        found = self._cache.get(key)
        if found is None:
            self._cache = {k: v for k, v in self._cache.items() if k[1] == revision}
            found = self._cache[key] = extend_form(base, custom.fields(dataset), session_func)
        return found


class CustomValueFilter(BaseFilter):
    """A list filter on a custom value (equality; on PostgreSQL served by the GIN index of `custom`)."""

    name = "="
    arg_name = "eq"

    def apply(self, query, value):
        spec = custom.field(self.model.__tablename__, self.column_name)
        if spec is None:
            return query
        try:
            converted = custom.convert(spec, value)
        except DomainError:
            return query.filter(False)
        if converted is None:
            return query
        return query.filter(custom.equals_condition(self.model, spec, converted))


def request_filters(dataset, args=None):
    """[(key, value)] of the custom-field filters in the request (`cf_<key>=value`) that name searchable fields."""
    args = request.args if args is None else args
    out = []
    for spec in custom.fields(dataset):
        value = args.get(PREFIX + spec.key)
        if spec.searchable and value not in (None, ""):
            out.append((spec.key, value))
    return out


def add_request_filters(filters, datamodel):
    """The joined FAB filters plus the request's custom-field filters."""
    for key, value in request_filters(datamodel.obj.__tablename__):
        filters.add_filter(key, CustomValueFilter, value)
    return filters


def formatter(spec):
    return lambda value, s=spec: custom.display(s, value)


def api_field_info(spec):
    """The `_info` entry of a custom field, shaped like FAB's own."""
    info = {"name": spec.key, "label": spec.label, "description": spec.description, "required": spec.required,
            "type": {"text": "String", "integer": "Integer", "decimal": "Decimal", "date": "Date",
                     "boolean": "Boolean", "choice": "String", "reference": "Integer"}[spec.kind],
            "custom": True}
    if spec.kind == "choice":
        from app.catalogue import classifiers

        info["values"] = [{"id": c, "value": name} for c, name in classifiers.choices(spec.classifier_code)]
    if spec.kind == "reference":
        info["reference"] = spec.reference_dataset
    if spec.min_value is not None:
        info["minimum" if spec.kind != "text" else "min_length"] = float(spec.min_value)
    if spec.max_value is not None:
        info["maximum" if spec.kind != "text" else "max_length"] = float(spec.max_value)
    if spec.pattern:
        info["pattern"] = spec.pattern
    return info


def openapi_property(spec):
    """The JSON-schema property of a custom field for the OpenAPI document."""
    prop = {"text": {"type": "string", "maxLength": custom.TEXT_MAX}, "integer": {"type": "integer"},
            "decimal": {"type": "string", "format": "decimal"}, "date": {"type": "string", "format": "date"},
            "boolean": {"type": "boolean"}, "choice": {"type": "string"},
            "reference": {"type": "integer"}}[spec.kind]
    prop = dict(prop, description=f"{spec.label}. {spec.description}".strip(". ") or spec.key, nullable=True)
    if spec.kind == "choice":
        from app.catalogue import classifiers

        prop["enum"] = [c for c, _ in classifiers.choices(spec.classifier_code)]
    if spec.kind in ("integer",) and spec.min_value is not None:
        prop["minimum"] = float(spec.min_value)
    if spec.kind in ("integer",) and spec.max_value is not None:
        prop["maximum"] = float(spec.max_value)
    if spec.kind == "text" and spec.pattern:
        prop["pattern"] = spec.pattern
    return prop


def missing_message():
    return gettext("Check the additional fields.")
