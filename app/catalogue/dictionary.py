"""The field dictionary at run time: every dataset (mapped model with `__dataset__`) and field, with the facts the
columns give (type, required, unique, length, reference), the declarations of models/dictionary.py, the custom
fields, and the texts administrators edited laid over them. Views, APIs, imports, exports, the catalogue pages
and the published schemas all read labels and descriptions here, so a label is written once."""
import functools
import re
from dataclasses import dataclass

from flask import has_app_context
from flask_babel import LazyString, force_locale
from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, String, Text
from sqlalchemy.orm import class_mapper

from app.catalogue import custom as custom_fields, state
from app.i18n import LOCALES, current_language
from models.dictionary import BOOKKEEPING, COMMON_LABELS, REGULATIONS, SCREEN_LABELS, F

CORE_PREFIXES = ("ref_", "core_", "ab_")


def in_language(lazy, language):
    """A lazy (or plain) string in `language`."""
    if lazy is None:
        return None
    if not has_app_context() or isinstance(lazy, str) or language == current_language():
        return str(lazy)
    with force_locale(language):
        return str(lazy)


def frictionless_type(column):
    kind = column.type
    if isinstance(kind, Boolean):
        return "boolean"
    if isinstance(kind, Integer):
        return "integer"
    if isinstance(kind, Numeric):
        return "number"
    if isinstance(kind, DateTime) or getattr(kind, "impl", None) is not None and isinstance(kind.impl, DateTime):
        return "datetime"
    if isinstance(kind, Date):
        return "date"
    if isinstance(kind, (String, Text)):
        return "string"
    try:
        python = kind.python_type
    except NotImplementedError:
        return "any"
    return {int: "integer", str: "string", dict: "object", list: "array"}.get(python, "any")


@dataclass
class FieldInfo:
    key: str
    kind: str  # column, relation, computed, custom
    spec: F
    dataset: "DatasetInfo"
    column: object = None
    custom: object = None  # CustomFieldData

    @property
    def type(self):
        if self.custom is not None:
            return {"text": "string", "integer": "integer", "decimal": "number", "date": "date",
                    "boolean": "boolean", "choice": "string", "reference": "integer"}[self.custom.kind]
        if self.column is not None:
            return frictionless_type(self.column)
        return "string"

    @property
    def required(self):
        if self.custom is not None:
            return self.custom.required
        return self.column is not None and not self.column.nullable and not self.column.primary_key and \
            self.key not in BOOKKEEPING and self.column.default is None and self.column.server_default is None

    @property
    def unique(self):
        if self.column is None:
            return False
        if self.column.primary_key or self.column.unique:
            return True
        return any(getattr(c, "columns", None) is not None and list(c.columns) == [self.column]
                   and type(c).__name__ == "UniqueConstraint" for c in self.column.table.constraints)

    @property
    def max_length(self):
        if self.custom is not None and self.custom.kind == "text":
            return int(self.custom.max_value) if self.custom.max_value is not None else custom_fields.TEXT_MAX
        length = getattr(getattr(self.column, "type", None), "length", None)
        return length

    @property
    def refers(self):
        """The dataset a foreign key (or a reference custom field) points to."""
        if self.custom is not None:
            return self.custom.reference_dataset if self.custom.kind == "reference" else None
        if self.column is not None and self.column.foreign_keys:
            return next(iter(self.column.foreign_keys)).column.table.name
        return None

    @property
    def classifier(self):
        if self.custom is not None:
            return self.custom.classifier_code if self.custom.kind == "choice" else None
        return self.spec.classifier

    @property
    def personal(self):
        if self.custom is not None:
            return self.custom.personal
        if self.spec.personal is not None:
            return self.spec.personal
        if self.key in BOOKKEEPING or self.key == "id":
            return "none"
        return self.dataset.spec.personal

    @property
    def is_bookkeeping(self):
        return self.key in BOOKKEEPING

    @property
    def screens(self):
        """The screens that show or take the field (the dataset's Layout; a custom field's own flags)."""
        if self.custom is not None:
            said = {"list": self.custom.in_list, "search": self.custom.searchable, "form": True, "edit": True,
                    "show": True, "api": True}
            return [SCREEN_LABELS[s] for s, on in said.items() if on]
        layout = self.dataset.spec.layout
        if layout is None:
            return []
        names = {self.key, self.key[:-3] if self.key.endswith(("_id", "_fk")) else self.key}
        out = []
        for screen in SCREEN_LABELS:
            columns = layout.edit if screen == "edit" else getattr(layout, screen)
            if screen == "edit" and columns is None:
                columns = layout.form
            if screen == "api" and columns is None:
                columns = record_columns(self.dataset.model)
            if columns and names & {c.split(".")[0] for c in columns}:
                out.append(SCREEN_LABELS[screen])
        return out

    def label(self, language=None):
        return self.dataset.field_label(self.key, language)

    def description(self, language=None):
        return self.dataset.field_description(self.key, language)

    def legal(self, language=None):
        return self.dataset.legal_text(self.key, language)


class DatasetInfo:
    def __init__(self, model, module):
        self.model = model
        self.spec = model.__dataset__
        self.key = model.__tablename__
        self.module = module

    # --- texts (the administrators' first, then the code's) ----------------------------------------------------
    def _override(self, field, kind, language):
        text = state.current().texts.get((self.key, field or "")) if has_app_context() else None
        return (text or {}).get(kind, {}).get(language) or None

    def title(self, language=None):
        language = language or current_language()
        return self._override("", "label", language) or in_language(self.spec.title, language)

    def entity(self, language=None):
        return in_language(self.spec.entity, language or current_language())

    def description(self, language=None):
        language = language or current_language()
        return self._override("", "description", language) or in_language(self.spec.description, language)

    def field_spec(self, key):
        spec = self.spec.fields.get(key)
        if spec is not None:
            return spec
        if key in COMMON_LABELS:
            return F(COMMON_LABELS[key])
        if key.endswith("_id") and key[:-3] in self.spec.fields:  # the foreign key of a described relation
            return self.spec.fields[key[:-3]]
        if key.endswith("_fk") and key[:-3] in self.spec.fields:
            return self.spec.fields[key[:-3]]
        return None

    def field_label(self, key, language=None):
        language = language or current_language()
        override = self._override(key, "label", language)
        if override:
            return override
        spec = self.field_spec(key)
        if spec is not None:
            return in_language(spec.label, language)
        found = custom_fields.field(self.key, key, ("active", "retired", "promoted"))
        if found is not None:
            return found.label_in(language)
        return key.replace("_", " ").capitalize()

    def field_description(self, key, language=None):
        language = language or current_language()
        override = self._override(key, "description", language)
        if override:
            return override
        spec = self.field_spec(key)
        if spec is not None and spec.description is not None:
            return in_language(spec.description, language)
        found = custom_fields.field(self.key, key, ("active", "retired", "promoted"))
        if found is not None:
            return found.description_in(language)
        return ""

    def legal_text(self, key=None, language=None):
        """The legal basis of the dataset (key None) or of a field, as one line: regulation, clause."""
        language = language or current_language()
        override = self._override(key or "", "legal", language)
        if override:
            return override
        legal = None
        if key:
            found = custom_fields.field(self.key, key, ("active", "retired", "promoted"))
            if found is not None and found.legal_regulation:
                return regulation_text(found.legal_regulation, found.legal_clause, language)
            spec = self.field_spec(key)
            legal = spec.legal if spec is not None else None
        legal = legal or self.spec.legal
        return regulation_text(legal.regulation, legal.clause, language)

    def retention(self, language=None):
        from app.catalogue import policy

        language = language or current_language()
        text = in_language(self.spec.retention, language) if self.spec.retention is not None else None
        if self.spec.retention_parameter:
            value = policy.current_value(self.spec.retention_parameter)
            with force_locale(language):
                text = str(policy.describe(self.spec.retention_parameter, value))
        return text or ""

    # --- fields -------------------------------------------------------------------------------------------------
    @functools.cached_property
    def columns(self):
        return list(self.model.__table__.columns)

    @functools.cached_property
    def relations(self):
        return {rel.key: rel for rel in class_mapper(self.model).relationships}

    def fields(self, statuses=("active",)):
        """Columns in table order, then custom fields; relations and properties are reached by `field`."""
        out = [FieldInfo(c.key, "column", self.field_spec(c.key) or F(c.key), self, column=c) for c in self.columns]
        out.extend(FieldInfo(f.key, "custom", F(f.label), self, custom=f)
                   for f in custom_fields.fields(self.key, statuses))
        return out

    def field(self, key):
        for info in self.fields(("active", "retired", "promoted")):
            if info.key == key:
                return info
        spec = self.field_spec(key)
        if spec is None:
            return None
        return FieldInfo(key, "relation" if key in self.relations else "computed", spec, self)

    def labelled_keys(self):
        """Every key with a label: declared fields, columns, relations, custom fields."""
        keys = set(self.spec.fields) | {c.key for c in self.columns} | set(self.relations) | set(COMMON_LABELS)
        keys |= {f.key for f in custom_fields.fields(self.key, ("active", "retired", "promoted"))}
        return keys

    @property
    def personal(self):
        """The dataset's class: the highest of its own and its fields'."""
        order = ["none", "personal", "special"]
        classes = [self.spec.personal] + [f.personal for f in self.fields()]
        return max(classes, key=order.index)

    @property
    def extensible(self):
        return custom_fields.is_extensible(self.model)

    @property
    def open_data(self):
        setting = state.current().settings.get(self.key) if has_app_context() else None
        return bool(setting and setting["open_data"]) and self.personal == "none"

    @property
    def links(self):
        """(field key, dataset key) of every reference to another dataset (bookkeeping users left out)."""
        out = []
        for info in self.fields():
            if info.is_bookkeeping:
                continue
            target = info.refers
            if target and target != self.key:
                out.append((info.key, target))
        return out

    def __repr__(self):
        return f"<dataset {self.key}>"


def regulation_text(code, clause, language=None):
    from app.catalogue import classifiers

    language = language or current_language()
    name = None
    for item_code, item_name, _, _ in classifiers.items("regulation", language):
        if item_code == code:
            name = item_name
    if name is None:
        name = in_language(REGULATIONS.get(code, code), language)
    clause = in_language(clause, language) if clause is not None else None
    return f"{name}, {clause}" if clause else name


def module_of(table, module_keys):
    if table.startswith(CORE_PREFIXES):
        return "core"
    for key in sorted(module_keys, key=len, reverse=True):
        if table.startswith(f"{key}_"):
            return key
    return "core"


_DATASETS = {}


def datasets():
    """{table name: DatasetInfo} of every described model (all modules' tables: the metadata is whole)."""
    if not _DATASETS:
        from flask_appbuilder import Model

        from app.registry import MODULES

        for mapper in sorted(Model.registry.mappers, key=lambda m: m.class_.__name__):
            model = mapper.class_
            if getattr(model, "__dataset__", None) is None or "__tablename__" not in model.__dict__:
                continue
            _DATASETS[model.__tablename__] = DatasetInfo(model, module_of(model.__tablename__, MODULES))
    return _DATASETS


def dataset(key):
    return datasets().get(key)


def of_model(model):
    return datasets().get(getattr(model, "__tablename__", None))


def label(model, key, language=None):
    info = of_model(model)
    if info is None:
        return COMMON_LABELS.get(key, key)
    return info.field_label(key, language)


def lazy_label(model, key):
    return LazyString(label, model, key)


def lazy_description(model, key):
    info = of_model(model)
    return LazyString(lambda: info.field_description(key) if info is not None else "")


def labels(model):
    """{key: lazy label} of every field of the model, for a view's label_columns."""
    info = of_model(model)
    keys = info.labelled_keys() if info is not None else set(COMMON_LABELS)
    return {key: lazy_label(model, key) for key in keys}


def descriptions(model):
    """{key: lazy description} of the fields that have one."""
    info = of_model(model)
    if info is None:
        return {}
    out = {}
    for key in info.labelled_keys():
        spec = info.field_spec(key)
        if (spec is not None and spec.description is not None) or state.current().texts.get((info.key, key)):
            out[key] = lazy_description(model, key)
    return out


#: a view's column attribute per screen of the dataset's Layout
SCREEN_ATTRIBUTES = {"list": "list_columns", "search": "search_columns", "add": "add_columns",
                     "edit": "edit_columns", "show": "show_columns"}


def screen_columns(model, screen):
    """The columns the field dictionary gives one screen of the model's dataset (a list), or None; "api" falls back
    to the record's columns."""
    spec = getattr(model, "__dataset__", None)
    layout = spec.layout if spec is not None else None
    columns = layout.columns(screen) if layout is not None else None
    if columns is None and screen == "api":
        return record_columns(model)
    return list(columns) if columns is not None else None


def record_columns(model):
    """What the REST API reads of a record when it says nothing else: the id and the table's own columns (foreign
    keys as ids), bookkeeping left out."""
    return [c.key for c in model.__table__.columns if c.key not in BOOKKEEPING or c.key == "version"]


def classifier_columns(model):
    """{column: classifier code} of a model's coded columns."""
    info = of_model(model)
    if info is None:
        return {}
    return {c.key: info.field_spec(c.key).classifier for c in info.columns
            if info.field_spec(c.key) is not None and info.field_spec(c.key).classifier}


def state_columns(model):
    """{column: {code: label}} of a model's columns that hold a workflow's or a fixed list's codes (`F(states=)`):
    shown as their labels, chosen from them in forms."""
    info = of_model(model)
    if info is None:
        return {}
    return {c.key: info.field_spec(c.key).states for c in info.columns
            if info.field_spec(c.key) is not None and info.field_spec(c.key).states}


def languages():
    return LOCALES


def slug_ok(key):
    return bool(re.fullmatch(r"[a-z][a-z0-9_]{1,39}", key or ""))
