"""Base views every module uses: scoped, translated, exporting, importing, audited.

`SanaripModelView` and `SanaripModelRestApi` apply the current user's scope (app/scope.py) to list, show, edit,
delete, add, relation dropdowns, the API and exports whenever their model is scoped; a module view only declares
columns and labels."""
import datetime
import decimal

from flask import Response, abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import ModelRestApi, ModelView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.models.sqla.filters import FilterContains, SQLAFilterConverter, get_field_setup_query
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_babel import format_date, format_datetime, format_decimal, gettext, lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, Numeric, Time
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, SelectField
from wtforms.validators import DataRequired, Optional

from app import audit, clock, edges, search, tabular
from app.catalogue import classifiers, custom, dictionary
from app.pdf import render_pdf
from app.errors import DomainError
from app.scope import SCOPE_FILTER, current_scope, is_scoped
from app.transaction import transaction
from views import custom_fields
from views.lookup import LookupField, search as lookup_search, uses_lookup


class LabelMap(dict):
    """label_columns that also answer for custom fields added after start-up."""

    def __init__(self, model, data):
        super().__init__(data)
        self.model = model

    def get(self, key, default=None):
        if key in self:
            return self[key]
        if isinstance(key, str) and custom.is_custom_key(self.model.__tablename__, key):
            return dictionary.lazy_label(self.model, key)
        return default


def _declares(cls, attr):
    """Whether the view itself (or a view of the same dataset it extends) names the columns: a generic base (a
    classifier view shared by several datasets) does not count against the dataset's own layout."""
    mro = cls.__mro__
    bound = max((i for i, k in enumerate(mro) if k.__dict__.get("datamodel") is not None), default=0)
    return any(attr in k.__dict__ for k in mro[:bound + 1])


def dictionary_columns(view):
    """Labels, help texts and choice lists of the view's model from the field dictionary (app/catalogue): a view
    declares only what differs for it."""
    model = view.datamodel.obj
    info = dictionary.of_model(model)
    if info is not None:  # the titles: the dataset's names unless the view is a narrower list of it
        view.entity = view.entity or info.spec.entity
        view.entity_plural = view.entity_plural or info.spec.title
    for screen, attr in dictionary.SCREEN_ATTRIBUTES.items():
        columns = dictionary.screen_columns(model, screen)
        if columns is not None and not _declares(type(view), attr):
            setattr(view, attr, columns)
    view.label_columns = LabelMap(model, {**dictionary.labels(model), **(view.label_columns or {})})
    view.description_columns = {**dictionary.descriptions(model), **(view.description_columns or {})}
    coded = {col: classifiers.ClassifierChoices(code) for col, code in dictionary.classifier_columns(model).items()}
    view.choice_columns = {**dictionary.state_columns(model), **coded, **(getattr(view, "choice_columns", None) or {})}


def check_dictionary_values(session, item):
    """Every write path: coded columns hold items of their classifiers (a stored value whose item was switched
    off may stay), and required custom fields have a value."""
    from sqlalchemy import inspect as sa_inspect

    state = sa_inspect(item)
    for col, code in dictionary.classifier_columns(type(item)).items():
        history = state.attrs[col].history
        old = history.deleted[0] if history.deleted else (history.unchanged[0] if history.unchanged else None)
        if state.persistent and not history.has_changes():
            continue
        classifiers.check(code, getattr(item, col), field=col, old=old if state.persistent else None)
    if custom.is_extensible(type(item)):
        custom.check_required(item)


def _scoped_rel_filters(datamodel, columns, declared):
    """Relation dropdowns list only rows inside the user's scope (FAB lists every row otherwise)."""
    result = dict(declared or {})
    for col in columns or []:
        if isinstance(col, str) and datamodel.is_relation(col):
            related = datamodel.get_related_model(col)
            if is_scoped(related):
                filters = list(result.get(col, []))
                if SCOPE_FILTER not in filters:
                    filters.append(SCOPE_FILTER)
                result[col] = filters
    return result


def _format_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):  # one unambiguous form per language ("5/12/26" was not)
        local = clock.to_local(value) if value.tzinfo is not None else value
        return f"{format_date(local, 'medium')} {local:%H:%M}"
    if isinstance(value, datetime.date):
        return format_date(value, "medium")
    if isinstance(value, decimal.Decimal):
        return format_decimal(value)
    return value


def _format_time(value):
    return value.strftime("%H:%M") if value is not None else ""


def _yes_no(value):
    return gettext("Yes") if value else gettext("No")


def _blank_if_none(value):
    return "" if value is None else value


def _babel_formatters(datamodel, declared):
    """Dates and numbers through Babel in the current language, yes/no for flags (FAB would print Python's
    "True"); every other shown column gets an empty cell for None once the choices are in (SanaripModelView)."""
    result = dict(declared or {})
    for col in datamodel.obj.__table__.columns:
        if col.key in result:
            continue
        kind = getattr(col.type, "impl", col.type)  # a TypeDecorator (UTCDateTime) formats as what it stores
        kind = kind() if isinstance(kind, type) else kind
        if isinstance(kind, Time):
            result[col.key] = _format_time
        elif isinstance(kind, (Date, DateTime, Numeric)):
            result[col.key] = _format_value
        elif isinstance(col.type, Boolean):
            result[col.key] = _yes_no
    return result


class Titled:
    """Titles from translated patterns (`entity`, `entity_plural`), never FAB's English "List " + class name."""

    entity = None
    entity_plural = None

    def _init_titles(self):
        if self.entity_plural is not None and not self.list_title:
            self.list_title = self.entity_plural
        if self.entity is not None:
            self.show_title = self.show_title or _l("%(entity)s: details", entity=self.entity)
            self.add_title = self.add_title or _l("%(entity)s: new record", entity=self.entity)
            self.edit_title = self.edit_title or _l("%(entity)s: edit", entity=self.entity)
        super()._init_titles()


class ScopeGuard:
    """Shared by the UI view and the REST API: reading a row by primary key through the scope."""

    def scoped_get(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if item is None and is_scoped(self.datamodel.obj):
            raw = self.datamodel.session.get(self.datamodel.obj, pk) if str(pk).isdigit() else None
            if raw is not None:
                # The row exists but lies outside the user's territory: answer 404, record the attempt.
                g.audit_denied = (audit.object_type_of(self.datamodel.obj), pk)
        return item

    def check_write(self, item):
        if not current_scope().permits(self.datamodel.session, item):
            raise DomainError(_l("You can only save records of your own territory."))

    # Modules reach their services through these three hooks, one line each; the scope check comes first.
    def on_add(self, item):
        pass

    def on_update(self, item):
        pass

    def on_delete(self, item):
        pass

    def pre_add(self, item):
        self._guarded(self.on_add, item, flush=True)

    def pre_update(self, item):
        self._guarded(self.on_update, item, flush=True)

    def pre_delete(self, item):
        self._guarded(self.on_delete, item)

    def _guarded(self, hook, item, flush=False):
        """Scope, then the module's rule, then the database's own rules (a flush: unique values, the checks of
        app/edges.py, the record's version); a refusal rolls the session back so the refused row (already linked
        to its parents by the form) cannot linger in it, and it is a DomainError with the field it concerns,
        never the database's text."""
        session = self.datamodel.session
        try:
            self.check_write(item)
            check_dictionary_values(session, item)
            hook(item)
            if flush:
                if item not in session:
                    session.add(item)
                session.flush()
        except Exception as exc:
            session.rollback()
            refusal = database_refusal(exc)
            if refusal is not None:
                raise refusal from exc
            raise

    def audit_read(self, item, action="read"):
        if getattr(self.datamodel.obj, "personal", False):
            audit.record(self.datamodel.session, action, audit.object_type_of(item),
                         self.datamodel.get_pk_value(item))
            self.datamodel.session.commit()


class StaleEdit(DomainError):
    """The record changed since the user read it (its version moved): nothing is saved."""

    def __init__(self):
        super().__init__(_l("Someone else changed this record after you opened it. Your changes were not saved: "
                            "the form shows the record as it is now; make your changes again."), code="stale")


def database_refusal(exc):
    """A DomainError for what the database refused (a unique value taken, a stale version), or None."""
    from flask_appbuilder.exceptions import DatabaseException
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm.exc import StaleDataError

    if isinstance(exc, DatabaseException) and exc.__cause__ is not None:
        exc = exc.__cause__
    if isinstance(exc, StaleDataError):
        return StaleEdit()
    if isinstance(exc, IntegrityError):
        message, field = edges.integrity_message(exc)
        return DomainError(message, field=field, code="integrity")
    return None


def is_versioned(model):
    from models.base import Versioned

    return isinstance(model, type) and issubclass(model, Versioned)


def etag_of(item):
    return f'"{item.version}"'


def show_refusal(form, exc):
    """A refused save on the form: the message beside its field (or above the form), the typed values kept."""
    field = getattr(exc, "field", None)
    if field and field in form:
        form[field].errors = [*form[field].errors, str(exc)]
    else:
        flash(str(exc), "danger")


class _TimeInput:
    """An <input type="time"> styled as FAB's other inputs (FAB's form converter has no time columns)."""

    def __call__(self, field, **kwargs):
        from wtforms.widgets import TimeInput

        kwargs.setdefault("class", "form-control")
        return TimeInput()(field, **kwargs)


def _time_fields(datamodel, labels, declared):
    """Time-of-day columns (office hours, shifts) as time inputs: FAB leaves them out of its forms."""
    from wtforms import TimeField

    result = dict(declared or {})
    for column in datamodel.obj.__table__.columns:
        if column.key in result or not isinstance(column.type, Time):
            continue
        validators = [Optional()] if column.nullable else [DataRequired()]
        result[column.key] = TimeField(labels.get(column.key, column.key), validators=validators,
                                       widget=_TimeInput(), format=["%H:%M", "%H:%M:%S"])
    return result


def _choice_fields(datamodel, choice_columns, labels, declared):
    """Code columns with a fixed list of values become dropdowns of translated labels."""
    result = dict(declared or {})
    for col, choices in (choice_columns or {}).items():
        if col in result:
            continue
        column = datamodel.obj.__table__.columns[col]
        default = column.default.arg if column.default is not None and not callable(column.default.arg) else None
        options = (lambda c=choices: list(c.items())) if isinstance(choices, classifiers.ClassifierChoices) else \
            list(choices.items())  # a classifier is read per form: a new item shows without a restart
        if column.nullable:
            result[col] = SelectField(labels.get(col, col), validators=[Optional()], default=default,
                                      choices=(lambda o=options: [("", "—")] + (o() if callable(o) else o)))
        else:
            result[col] = SelectField(labels.get(col, col), choices=options, validators=[DataRequired()],
                                      default=default)
    return result


def _loader(model, path):
    """selectinload along a dotted path of relations ("household.members")."""
    option, owner = None, model
    for name in path.split("."):
        attribute = getattr(owner, name)
        option = selectinload(attribute) if option is None else option.selectinload(attribute)
        owner = attribute.property.mapper.class_
    return option


EXPORT_BATCH = 1000  # rows read from the database cursor at a time while an export streams


class MoreThan(int):
    """A count that stopped at the cap: the pager computes with it as a number, the page prints "more than N"."""

    def __new__(cls, cap):
        value = super().__new__(cls, cap + 1)
        value.cap = cap
        return value

    def __str__(self):
        return gettext("more than %(count)s", count=format_decimal(self.cap))


def capped_count(session, query, cap):
    """COUNT(*) of `query` reading at most cap + 1 rows (an index range, not the whole table): the exact number
    up to `cap`, else MoreThan(cap)."""
    from sqlalchemy import func, select

    counted = session.scalar(select(func.count()).select_from(
        query.order_by(None).limit(cap + 1).subquery()))
    return counted if counted <= cap else MoreThan(cap)


class Contains(FilterContains):
    """FAB's "contains" (same name, same `ct`, same place in the filter list, so URLs and Rison filters keep
    working) as `app.search.contains`: lower(column) LIKE '%text%', which the trigram indexes on lower(column)
    serve (migration 0310); FAB's ILIKE on the bare column is served by no index we keep."""

    def apply(self, query, value):
        query, field = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(search.contains(field, value))


class FilterConverter(SQLAFilterConverter):
    """FAB's filters per column type, with `Contains` for FAB's FilterContains."""

    conversion_table = tuple((test, [Contains if f is FilterContains else f for f in filters])
                             for test, filters in SQLAFilterConverter.conversion_table)


class SanaripModelView(Titled, ScopeGuard, ModelView):
    """Every module's ModelView. Subclasses set `entity` and `entity_plural` (lazy strings) for the titles, and
    `choice_columns` for code columns shown as translated labels."""

    choice_columns = {}
    page_size = 25
    list_template = "sanarip/list.html"
    show_template = "sanarip/show.html"
    #: columns accepted by the spreadsheet import (None: no import); relations are looked up by `import_keys`
    import_columns = None
    #: relation column -> attribute of the related model used to find it in an imported sheet (default: id)
    import_keys = {}
    #: sheet columns that narrow a relation's lookup: {relation: {sheet column: (label, relation of the related
    #: model, its key)}}, e.g. a member's household by number within the village given by its SOATE code
    import_filters = {}
    #: what the REST API (`ui_view` = this view) accepts when it differs from the form's columns
    api_add_columns = None
    api_edit_columns = None
    #: filters of the module's own beside FAB's, {column: [BaseFilter subclass, ...]}: offered in the search form
    #: and reachable by URL (`filter_url`)
    extra_filters = {}
    #: relations (dotted for a chain) that columns read through properties or a related row's name, loaded with
    #: the rows of an export in one query per batch instead of one per row, e.g. ("members",) for a household's head
    eager_load = ()

    def __init__(self, *args, **kwargs):
        dictionary_columns(self)
        self.datamodel.filter_converter_class = FilterConverter
        self._custom_forms = custom_fields.FormCache()
        if is_scoped(self.datamodel.obj):
            self.base_filters = list(self.base_filters or []) + [SCOPE_FILTER]
        self.add_form_query_rel_fields = _scoped_rel_filters(
            self.datamodel, self.add_columns or self.datamodel.get_user_columns_list(),
            self.add_form_query_rel_fields)
        self.edit_form_query_rel_fields = _scoped_rel_filters(
            self.datamodel, self.edit_columns or self.datamodel.get_user_columns_list(),
            self.edit_form_query_rel_fields)
        self.search_form_query_rel_fields = _scoped_rel_filters(
            self.datamodel, self.search_columns or self.datamodel.get_search_columns_list(),
            self.search_form_query_rel_fields)
        shown = list(self.list_columns or []) + list(self.show_columns or []) + [
            c for _, spec in (self.show_fieldsets or []) for c in spec.get("fields", [])]
        self.formatters_columns = _babel_formatters(self.datamodel, self.formatters_columns)
        for col, choices in self.choice_columns.items():
            self.formatters_columns.setdefault(col, lambda value, c=choices: str(c.get(value, value or "")))
        # an empty value is an empty cell, never FAB's "None" (the table's columns too: FAB shows them all where a
        # view names no show columns)
        for col in [*shown, *self.datamodel.get_columns_list()]:
            if isinstance(col, str):
                self.formatters_columns.setdefault(col, _blank_if_none)
        self.add_form_extra_fields = _choice_fields(self.datamodel, self.choice_columns, self.label_columns,
                                                    self.add_form_extra_fields)
        self.edit_form_extra_fields = _choice_fields(self.datamodel, self.choice_columns, self.label_columns,
                                                     self.edit_form_extra_fields)
        self.add_form_extra_fields = _time_fields(self.datamodel, self.label_columns, self.add_form_extra_fields)
        self.edit_form_extra_fields = _time_fields(self.datamodel, self.label_columns, self.edit_form_extra_fields)
        self._install_flags()
        self._lookup_columns = self._install_lookups()
        if is_versioned(self.datamodel.obj) and self.edit_columns and "version" not in self.edit_columns:
            from wtforms import HiddenField

            # the version the user read travels with the form; a stale one is refused in _edit
            self.edit_columns = [*self.edit_columns, "version"]
            self.edit_form_extra_fields = {**(self.edit_form_extra_fields or {}), "version": HiddenField()}
        super().__init__(*args, **kwargs)

    def _init_properties(self):
        super()._init_properties()
        # FAB's Filters takes extra filters for its search form only; the URL arguments (`_flt_<n>_<col>`) index
        # the list of all filters, so the same instances go there too
        for col, classes in self.extra_filters.items():
            for cls in classes:
                instance = cls(col, self.datamodel)
                self._filters.get_search_filters().setdefault(col, []).append(instance)
                self._filters._all_filters.setdefault(col, []).append(instance)

    def filter_url(self, col, cls, value, endpoint=".list"):
        """The list filtered by `col` with the filter `cls` (FAB's, or one of `extra_filters`)."""
        index = next(i for i, f in enumerate(self._filters._all_filters[col]) if type(f) is cls)
        return url_for(endpoint, **{f"_flt_{index}_{col}": value})

    # --- custom fields: forms, lists and pages follow the catalogue at every request ---------------------------
    @property
    def add_form(self):
        base = self.__dict__.get("_base_add_form")
        return self._custom_forms.get(base, self._dataset_key, lambda: self.datamodel.session) if base else base

    @add_form.setter
    def add_form(self, form):
        self.__dict__["_base_add_form"] = form

    @property
    def edit_form(self):
        base = self.__dict__.get("_base_edit_form")
        return self._custom_forms.get(base, self._dataset_key, lambda: self.datamodel.session) if base else base

    @edit_form.setter
    def edit_form(self, form):
        self.__dict__["_base_edit_form"] = form

    @property
    def _dataset_key(self):
        return self.datamodel.obj.__tablename__

    def custom_specs(self):
        """The dataset's active custom fields (none for a dataset administrators cannot extend)."""
        return custom.fields(self._dataset_key) if custom.is_extensible(self.datamodel.obj) else []

    def _custom_keys(self, cols, only_listed=False):
        keys = [s.key for s in self.custom_specs() if (s.in_list or not only_listed)]
        return list(cols or []) + [k for k in keys if k not in (cols or [])]

    def _custom_fieldsets(self, fieldsets, keys):
        if not fieldsets or not keys:
            return fieldsets
        return [*fieldsets, (_l("Additional fields"), {"fields": keys})]

    def _with_custom_formatters(self):
        formatters = dict(self.formatters_columns)
        for spec in self.custom_specs():
            formatters[spec.key] = custom_fields.formatter(spec)
        return formatters

    def _get_add_widget(self, form, exclude_cols=None, widgets=None):
        keys = [s.key for s in self.custom_specs()]
        if not keys:
            return super()._get_add_widget(form, exclude_cols, widgets)
        widgets = widgets or {}
        widgets["add"] = self.add_widget(form=form, include_cols=self._custom_keys(self.add_columns),
                                         exclude_cols=exclude_cols or [],
                                         fieldsets=self._custom_fieldsets(self.add_fieldsets, keys))
        return widgets

    def _get_edit_widget(self, form, exclude_cols=None, widgets=None):
        keys = [s.key for s in self.custom_specs()]
        if not keys:
            return super()._get_edit_widget(form, exclude_cols, widgets)
        widgets = widgets or {}
        widgets["edit"] = self.edit_widget(form=form, include_cols=self._custom_keys(self.edit_columns),
                                           exclude_cols=exclude_cols or [],
                                           fieldsets=self._custom_fieldsets(self.edit_fieldsets, keys))
        return widgets

    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        specs = self.custom_specs()
        if not specs:
            return super()._get_show_widget(pk, item, widgets, actions, show_fieldsets)
        keys = [s.key for s in specs]
        widgets = widgets or {}
        columns = self._custom_keys(self.show_columns)
        fieldsets = self._custom_fieldsets(show_fieldsets or self.show_fieldsets, keys)
        widgets["show"] = self.show_widget(
            pk=pk, label_columns=self.label_columns, include_columns=columns,
            value_columns=self.datamodel.get_values_item(item, columns),
            formatters_columns=self._with_custom_formatters(), actions=actions or self.actions,
            fieldsets=fieldsets, modelview_name=self.__class__.__name__)
        return widgets

    def _get_list_widget(self, filters, actions=None, order_column="", order_direction="", page=None,
                         page_size=None, widgets=None, **kwargs):
        widgets = self._list_widget_of_page(filters, actions, order_column, order_direction, page, page_size,
                                            widgets, **kwargs)
        args = widgets["list"].template_args
        # the bulk read of this page: the filters asked (FAB's and the custom fields'), the rows matched and shown
        asked = [[f.column_name, f.arg_name, v[0] if isinstance(v, list) and len(v) == 1 else v]
                 for f, v in filters.get_filters_values()] + \
            [[k, "custom", v] for k, v in request.args.items() if k.startswith(custom_fields.PREFIX) and v]
        audit.record_bulk_read(self.datamodel.session, self.datamodel.obj, asked, args.get("count"),
                               len(args.get("pks") or []), page=page or 0)
        return widgets

    def _list_widget_of_page(self, filters, actions=None, order_column="", order_direction="", page=None,
                             page_size=None, widgets=None, **kwargs):
        widgets = widgets or {}
        actions = actions or self.actions
        page_size = page_size or self.page_size
        if not order_column and self.base_order:
            order_column, order_direction = self.base_order
        joined = custom_fields.add_request_filters(filters.get_joined_filters(self._base_filters), self.datamodel)
        count, rows = self._page_rows(joined, order_column, order_direction, page, page_size)
        columns = self._custom_keys(self.list_columns, only_listed=True)
        widgets["list"] = self.list_widget(
            label_columns=self.label_columns, include_columns=columns,
            value_columns=self.datamodel.get_values(rows, columns), order_columns=self.order_columns,
            formatters_columns=self._with_custom_formatters(), page=page, page_size=page_size, count=count,
            pks=[self._serialize_pk_if_composite(pk) for pk in self.datamodel.get_keys(rows)], actions=actions,
            filters=filters, modelview_name=self.__class__.__name__, **kwargs)
        return widgets

    def _page_rows(self, filters, order_column, order_direction, page, page_size):
        """(count, rows) of one list page, as FAB's `datamodel.query`, with the relations the columns show (and
        `eager_load`) read in one query each for the page instead of one per row; the count stops at
        LIST_COUNT_CAP (`capped_count`)."""
        datamodel = self.datamodel
        query = datamodel.session.query(datamodel.obj)
        count = capped_count(datamodel.session, datamodel.apply_all(query, filters),
                             current_app.config["LIST_COUNT_CAP"])
        query = datamodel.apply_all(query, filters, order_column, order_direction, page, page_size)
        return count, query.options(*self._preload_options()).all()

    def _preload_options(self):
        model = self.datamodel.obj
        related = {c.split(".")[0] for c in self.list_columns if isinstance(c, str)
                   and self.datamodel.is_relation(c.split(".")[0])}
        return [_loader(model, path) for path in sorted(related | set(self.eager_load))]

    def custom_filters(self):
        """(spec, value now asked) of the searchable custom fields, for the list page's filter panel."""
        return [(s, request.args.get(custom_fields.PREFIX + s.key, "")) for s in self.custom_specs() if s.searchable]

    def _install_flags(self):
        """Yes/no columns as plain checkboxes: FAB makes a NOT NULL flag a required checkbox, so "no" could never
        be saved (times of day are `_time_fields`)."""
        for extra, cols in ((self.add_form_extra_fields, self.add_columns),
                            (self.edit_form_extra_fields, self.edit_columns)):
            for col in cols or []:
                column = self.datamodel.obj.__table__.columns.get(col) if isinstance(col, str) else None
                if column is not None and isinstance(column.type, Boolean) and col not in extra:
                    extra[col] = BooleanField(self.label_columns.get(col, col),
                                              description=(self.description_columns or {}).get(col, ""),
                                              validators=[Optional()])

    def _install_lookups(self):
        """Relations to large tables (models with `lookup_fields`) are chosen by a server-side search instead of
        a dropdown of every row, and are left out of the search form for the same reason."""
        columns = {}
        for col in set(self.add_columns or []) | set(self.edit_columns or []) | set(self.search_columns or []):
            if isinstance(col, str) and self.datamodel.is_relation_many_to_one(col):
                related = self.datamodel.get_related_model(col)
                if uses_lookup(related):
                    columns[col] = related
        for col, related in columns.items():
            required = not self.datamodel.is_nullable(col)
            for extra, cols in ((self.add_form_extra_fields, self.add_columns),
                                (self.edit_form_extra_fields, self.edit_columns)):
                if cols and col in cols and col not in extra:
                    extra[col] = LookupField(self.label_columns.get(col, col),
                                             [DataRequired()] if required else [Optional()], model=related,
                                             session_func=lambda: self.datamodel.session,
                                             endpoint=self.__class__.__name__, column=col)
        if self.search_columns:
            self.search_columns = [c for c in self.search_columns if c not in columns]
        return columns

    @expose("/lookup/<column>")
    @has_access
    @permission_name("add")
    def lookup(self, column):
        """JSON for the relation search box: rows of the related table inside the user's scope."""
        related = self._lookup_columns.get(column)
        if related is None:
            abort(404)
        rows = lookup_search(self.datamodel.session, related, request.args.get("q", ""), audited=True)
        return jsonify(results=[{"id": row.id, "text": str(row)} for row in rows])

    def render_template(self, template, **kwargs):
        kwargs.setdefault("view", self)
        kwargs.setdefault("this_view", self)  # FAB's show template reuses the name `view` in a loop
        return super().render_template(template, **kwargs)

    def decision_parameters(self, pk):
        """The policy-parameter versions the record's decision was taken with (app/catalogue/policy.py)."""
        from app.catalogue import policy

        item = self.datamodel.get(pk, self._base_filters)
        return policy.used_by(self.datamodel.session, item) if item is not None else []

    @property
    def printable(self):
        return bool(getattr(self.datamodel.obj, "personal", False))

    @expose("/print/<pk>")
    @has_access
    @permission_name("print")
    def print_record(self, pk):
        """The record's show page as a PDF for the paper file; the print is audited with its date."""
        item = self.scoped_get(pk)
        if item is None or not self.printable:
            abort(404)
        data, details = self.render_print(item)
        with transaction(self.datamodel.session):
            audit.record(self.datamodel.session, "pdf", audit.object_type_of(item), pk, details)
        return Response(data, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{self.datamodel.obj.__tablename__}-{pk}.pdf"'})

    def render_print(self, item):
        """PDF bytes and audit details of a printed record: by default its show page as a card."""
        fieldsets = self.show_fieldsets or [("", {"fields": self.show_columns})]
        sections = []
        for heading, spec in fieldsets:
            values = self.datamodel.get_values_item(item, spec["fields"])
            rows = []
            for col, value in zip(spec["fields"], values):
                formatter = self.formatters_columns.get(col)
                rows.append((str(self.label_columns.get(col, col)),
                             "" if value is None else formatter(value) if formatter else value))
            sections.append((str(heading), rows))
        now = clock.now()
        data = render_pdf("pdf/record.html", title=str(self.show_title), sections=sections,
                          tables=self.print_tables(item), printed_on=format_datetime(now, "short"),
                          printed_by=g.user.username)
        return data, {"printed_on": now.isoformat(timespec="seconds")}

    #: the most rows of one related list a record's print carries
    PRINT_RELATED_ROWS = 500

    def print_tables(self, item):
        """The record's related lists (a child's relatives, assessments, activities, visits, history) as tables of
        its print: each related view the user may list, its list columns, the rows of this record inside the
        scope, formatted as the list page formats them."""
        tables = []
        for view in self._related_views or ():
            model = view.datamodel.obj
            relation = view.datamodel.get_related_fk(self.datamodel.obj)
            if relation is None or not self.appbuilder.sm.has_access("can_list", view.class_permission_name):
                continue
            columns = [c for c in view.list_columns if c != relation]
            query = current_scope().apply(self.datamodel.session.query(model).filter(
                getattr(model, relation) == item), model)
            order = view.base_order or ("id", "asc")
            column = getattr(model, order[0], None)
            if column is not None:
                query = query.order_by(column.desc() if order[1] == "desc" else column, model.id)
            rows = []
            for row in query.limit(self.PRINT_RELATED_ROWS):
                values = view.datamodel.get_values_item(row, columns)
                rows.append([_format_value(view.formatters_columns[c](v) if c in view.formatters_columns else v)
                             for c, v in zip(columns, values)])
            tables.append((str(view.entity_plural or view.list_title), [str(view.label_columns.get(c, c))
                                                                         for c in columns], rows))
        return tables

    # --- scope on every path ----------------------------------------------------------------------------
    @expose("/download/<string:filename>")
    def download(self, filename):
        # FAB's file download needs UPLOAD_FOLDER, which Sanarip does not use: modules serve their own files
        abort(404)

    @expose("/action/<string:name>/<pk>", methods=["GET", "POST"])
    def action(self, name, pk):
        # FAB fetches the row without the view's filters: check the scope (and the action) first
        if name not in self.actions or self.scoped_get(pk) is None:
            abort(404)
        return super().action(name, pk)

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        if request.form.get("action") not in self.actions:
            abort(404)
        if any(self.scoped_get(pk) is None for pk in request.form.getlist("rowid")):
            abort(404)
        return super().action_post()

    def _show(self, pk):
        if self.scoped_get(pk) is None:
            abort(404)
        widgets = super()._show(pk)
        self.audit_read(self.datamodel.get(pk, self._base_filters))
        return widgets

    # --- add and edit: a refused save shows the form again, with what was typed and the error at its field ----
    def _add(self):
        from flask_appbuilder.urltools import get_filter_args as filter_args

        filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        form = self.add_form.refresh()
        if request.method == "POST":
            self._fill_form_exclude_cols(exclude_cols, form)
            if form.validate():
                self.process_form(form, True)
                item = self.datamodel.obj()
                try:
                    form.populate_obj(item)
                    self.pre_add(item)
                    self.datamodel.add(item)
                except Exception as exc:
                    show_refusal(form, self._refusal(exc))
                else:
                    self.post_add(item)
                    flash(self.add_row_message, "success")
                    return None
        else:
            self.update_redirect()
            for name, value in self.add_defaults().items():  # what the page was opened for (a queue ticket)
                if name in form and form[name].data in (None, ""):
                    form[name].data = value
        return self._get_add_widget(form=form, exclude_cols=exclude_cols)

    def add_defaults(self):
        """{field: value} the add form starts with (a GET); a module's view says what it was opened for."""
        return {}

    def _refusal(self, exc):
        """The rule a refused save broke (a DomainError, or what the database refused), after rolling the session
        back; anything else is a defect and propagates."""
        self.datamodel.session.rollback()
        refusal = exc if isinstance(exc, DomainError) else database_refusal(exc)
        if refusal is None:
            raise exc
        return refusal

    def _edit(self, pk):
        from flask_appbuilder.urltools import get_page_args, get_page_size_args

        if self.scoped_get(pk) is None:
            abort(404)
        if request.method != "POST":
            return super()._edit(pk)
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        item = self.datamodel.get(pk, self._base_filters)
        pk = self.datamodel.get_pk_value(item)
        form = self.edit_form.refresh(request.form)
        self._fill_form_exclude_cols(exclude_cols, form)
        form._id = pk
        if form.validate():
            self.process_form(form, False)
            version = form._fields.pop("version", None)
            try:
                # a browser always sends the version it read; a hand-made post without one is checked like an
                # API call without If-Match (no precondition), never silently against an empty value
                if version is not None and "version" in request.form and \
                        str(version.data or "") != str(item.version):
                    raise StaleEdit()
                form.populate_obj(item)
                self.pre_update(item)
                self.datamodel.edit(item)
            except Exception as exc:
                refusal = self._refusal(exc)
                if isinstance(refusal, StaleEdit):  # show the record as it is now, with its current version
                    item = self.datamodel.get(pk, self._base_filters)
                    form = self.edit_form(formdata=None, obj=item)  # not the posted (stale) values
                    flash(str(refusal), "danger")
                else:
                    if version is not None:
                        form._fields["version"] = version
                    show_refusal(form, refusal)
            else:
                self.post_update(item)
                flash(self.edit_row_message, "success")
                return None
        widgets = self._get_edit_widget(form=form, exclude_cols=exclude_cols)
        return self._get_related_views_widgets(item, filters={}, orders=get_order_args(), pages=get_page_args(),
                                               page_sizes=get_page_size_args(), widgets=widgets)

    def _delete(self, pk):
        if self.scoped_get(pk) is None:
            abort(404)
        return super()._delete(pk)


    # --- export -------------------------------------------------------------------------------------------
    def _export_columns(self):
        return list(self.list_columns)

    @expose("/export/<string:fmt>")
    @has_access
    @permission_name("export")
    def export(self, fmt):
        """The list as xlsx or csv, with the current filters and order, inside the user's scope; more than
        JOBS_EXPORT_ROWS rows are written by a background job (app/jobs.py) and the user goes to My jobs."""
        if fmt not in tabular.FORMATS:
            abort(404)
        query, count = self._export_query()
        if count > current_app.config["JOBS_EXPORT_ROWS"]:
            from app import jobs

            jobs.launch("export", gettext("Export: %(entity)s", entity=self.entity_plural or ""),
                        {"view": self.__class__.__name__, "fmt": fmt}, g.user, total=count)
            return redirect(url_for("JobsView.index"))
        headers, rows, name = self._export_table(query, count, fmt)
        return tabular.stream_response(headers, rows, fmt, name)

    def _export_query(self, exact=False):
        """The export's query and its count: capped as the list counts (the request only decides whether a job
        writes the file), exact in the job, whose progress bar needs the total."""
        get_filter_args(self._filters)
        order_column, order_direction = get_order_args().get(self.__class__.__name__, ("", ""))
        if not order_column and self.base_order:
            order_column, order_direction = self.base_order
        joined = custom_fields.add_request_filters(self._filters.get_joined_filters(self._base_filters),
                                                   self.datamodel)
        session, model = self.datamodel.session, self.datamodel.obj
        query = self.datamodel.apply_all(session.query(model), joined, order_column, order_direction)
        if exact:
            return query, query.order_by(None).count()
        return query, capped_count(session, query, current_app.config["LIST_COUNT_CAP"])

    def _export_table(self, query, count, fmt):
        """(headers, rows read in batches, file name stem) of the export; the export is audited here."""
        session, model = self.datamodel.session, self.datamodel.obj
        columns = self._custom_keys(self._export_columns())
        # the related rows a column shows come in one query per batch, not one per row
        related = {c.split(".")[0] for c in columns if self.datamodel.is_relation(c.split(".")[0])}
        query = query.options(*[_loader(model, path) for path in sorted(related | set(self.eager_load))])
        headers = [str(self.label_columns.get(c, c)) for c in columns]
        labels = {col: {code: str(label) for code, label in choices.items()}  # translated once, not per cell
                  for col, choices in self.choice_columns.items()}
        if audit.personal_dataset(model):
            # counted as the list counts (up to LIST_COUNT_CAP): an exact count of a national export would read
            # every matching row once more before the first is sent
            rows = capped_count(session, query, current_app.config["LIST_COUNT_CAP"])
            audit.record(session, "export", audit.object_type_of(model), None,
                         {"rows": getattr(rows, "cap", rows), "rows_capped": isinstance(rows, MoreThan),
                          "format": fmt, "filters": request.query_string.decode()[:300]})
            session.commit()
        rows = ([self._export_value(item, c, labels) for c in columns] for item in query.yield_per(EXPORT_BATCH))
        return headers, rows, model.__tablename__

    def _export_value(self, item, column, labels):
        value = self.datamodel.get_values_item(item, [column])[0] if "." not in column else \
            getattr(getattr(item, column.split(".")[0], None), column.split(".")[1], None)
        if column in labels:
            return labels[column].get(value, value)
        spec = custom.field(self._dataset_key, column) if custom.is_extensible(self.datamodel.obj) else None
        if spec is not None:
            return custom.python_value(spec, value) if spec.kind in ("integer", "decimal", "date") else \
                custom.display(spec, value)
        formatter = self.formatters_columns.get(column)
        if formatter is not None and not isinstance(value, (datetime.date, decimal.Decimal)):
            value = formatter(value)
        return value

    # --- import -------------------------------------------------------------------------------------------
    def all_import_columns(self):
        """The declared import columns and the active custom fields (the template lists them all)."""
        return self._custom_keys(self.import_columns) if self.import_columns else []

    @expose("/import/", methods=["GET", "POST"])
    @has_access
    @permission_name("import")
    def import_table(self):
        """All-or-nothing import from xlsx/csv: every row is validated by the add form and the same pre_add
        rules as a manual entry; any error rolls everything back and is reported by row number."""
        if not self.import_columns:
            abort(404)
        report = None
        if request.method == "POST":
            upload = request.files.get("file")
            try:
                frame = tabular.read_table(upload)
                if len(frame) > current_app.config["JOBS_IMPORT_ROWS"]:
                    # a large file is imported by a background job, with the same all-or-nothing rule
                    from app import jobs

                    jobs.launch("import", gettext("Import: %(entity)s", entity=self.entity_plural or ""),
                                {"view": self.__class__.__name__, "upload": jobs.save_upload(upload),
                                 "filename": upload.filename}, g.user, total=len(frame))
                    return redirect(url_for("JobsView.index"))
                report = tabular.import_frame(self, frame)
            except DomainError as exc:
                flash(str(exc), "danger")
            else:
                if report.ok:
                    flash(gettext("%(count)s rows imported.", count=report.imported), "success")
                    return redirect(url_for(f"{self.endpoint}.list"))
        return self.render_template(
            "sanarip/import.html", title=gettext("Import: %(entity)s", entity=self.entity_plural or ""),
            columns=[(c, self.label_columns.get(c, c)) for c in self.all_import_columns()]
            + [(name, label) for narrowing in self.import_filters.values() for name, (label, _, _) in narrowing.items()],
            keys=self.import_keys, report=report, appbuilder=self.appbuilder, view=self)


class CappedCountInterface(SQLAInterface):
    """FAB's datamodel whose `query` (the REST list's count and page) counts as the list pages do: up to
    LIST_COUNT_CAP rows (`capped_count`), a MoreThan past it."""

    def query_count(self, query, filters=None, select_columns=None):
        counted = self._apply_inner_all(query, filters, select_columns=select_columns, aliases_mapping={})
        return capped_count(self.session, counted, current_app.config["LIST_COUNT_CAP"])


COUNT_CAPPED_DOC = ("true when more rows match than the server counts (LIST_COUNT_CAP): `count` is then the cap "
                    "and the real number is larger; the pages past it are still served")


def _register_jobs():
    """The export and import of every SanaripModelView as background jobs (app/jobs.py), run by the view's own
    code in a request context of the job's owner."""
    from app import jobs

    @jobs.handler("export")
    def export_job(job, payload, progress):
        view, fmt = jobs.view_named(payload["view"]), payload["fmt"]
        query, count = view._export_query(exact=True)
        progress.set_total(count)
        headers, rows, name = view._export_table(query, count, fmt)
        return jobs.table_result(name, fmt, headers, rows, progress)

    @jobs.handler("import")
    def import_job(job, payload, progress):
        import os

        view = jobs.view_named(payload["view"])
        upload, path = jobs.open_upload(payload["upload"], payload.get("filename") or "")
        try:
            try:
                frame = tabular.read_table(upload)
            except DomainError as exc:
                raise jobs.JobError(exc.message) from exc
            progress.set_total(len(frame))
            report = tabular.import_frame(view, frame, progress=progress.step)
        finally:
            upload.stream.close()
            os.remove(path)
        if not report.ok:
            # nothing was written; the rows refused are the job's report, as on the import page
            raise jobs.JobError(_l("Nothing was imported: %(count)s errors in the file."),
                                report=[list(e) for e in report.errors], count=len(report.errors))
        progress.report = [[0, "", gettext("%(count)s rows imported.", count=report.imported)]]
        return None


_register_jobs()


class SanaripModelRestApi(Titled, ScopeGuard, ModelRestApi):
    """Every module's REST API: the same scope as the UI, page size capped, personal reads audited."""

    allow_browser_login = True
    #: the UI view whose add/edit columns the API accepts when it declares none (one list per dataset)
    ui_view = None
    #: columns a client may leave out of a POST because the service fills them in (e.g. sex and date of birth,
    #: which follow from a valid PIN); the service's own checks still apply to what it derives
    derived_on_add = ()

    def __init__(self, *args, **kwargs):
        if type(self.datamodel) is SQLAInterface:  # its own instance: the UI view's datamodel is another one
            self.datamodel = CappedCountInterface(self.datamodel.obj, self.datamodel._session)
        self.datamodel.filter_converter_class = FilterConverter
        model = self.datamodel.obj
        if self.ui_view is not None:
            view = self.ui_view
            self.add_columns = self.add_columns or list(
                view.api_add_columns or view.add_columns or dictionary.screen_columns(model, "add") or [])
            self.edit_columns = self.edit_columns or list(
                view.api_edit_columns or view.edit_columns or dictionary.screen_columns(model, "edit") or [])
            self.entity = self.entity or view.entity
            self.entity_plural = self.entity_plural or view.entity_plural
        # what a client reads of a record: the field dictionary's columns, unless the API narrows them
        self.list_columns = self.list_columns or dictionary.screen_columns(model, "api")
        self.show_columns = self.show_columns or list(self.list_columns)
        info = dictionary.of_model(model)
        if info is not None:
            self.entity = self.entity or info.spec.entity
            self.entity_plural = self.entity_plural or info.spec.title
        self.label_columns = {**{k: v for k, v in dictionary.labels(model).items()}, **(self.label_columns or {})}
        self.description_columns = {**dictionary.descriptions(model), **(self.description_columns or {})}
        if is_scoped(self.datamodel.obj):
            self.base_filters = list(self.base_filters or []) + [SCOPE_FILTER]
        self.add_query_rel_fields = _scoped_rel_filters(
            self.datamodel, self.add_columns or self.datamodel.get_user_columns_list(), self.add_query_rel_fields)
        self.edit_query_rel_fields = _scoped_rel_filters(
            self.datamodel, self.edit_columns or self.datamodel.get_user_columns_list(),
            self.edit_query_rel_fields)
        super().__init__(*args, **kwargs)

    def _init_model_schemas(self):
        super()._init_model_schemas()
        for name in self.derived_on_add:
            field = self.add_model_schema.fields.get(name)
            if field is not None:
                field.required, field.allow_none = False, True

    def _get_field_info(self, field, filter_rel_field, page=None, page_size=None):
        # FAB passes the label and description through gettext again; gettext("") answers with the catalog's
        # header ("Project-Id-Version: …"). Ours are translated already (lazy strings of the field dictionary).
        info = super()._get_field_info(field, filter_rel_field, page=page, page_size=page_size)
        info["label"] = str(self.label_columns.get(field.name) or "")
        info["description"] = str(self.description_columns.get(field.name) or "")
        return info

    def _description_columns_json(self, cols=None):
        return {key: str(value or "") for key, value in self.description_columns.items() if key in (cols or [])}

    def get_list_headless(self, **kwargs):
        response = super().get_list_headless(**kwargs)
        if response.status_code == 200:
            body = response.get_json(silent=True) or {}
            args = kwargs.get("rison") or {}
            audit.record_bulk_read(self.datamodel.session, self.datamodel.obj, args.get("filters") or [],
                                   body.get("count"), len(body.get("ids") or []), action="api_list",
                                   page=args.get("page", 0))
        return response

    def get_headless(self, pk, **kwargs):
        item = self.scoped_get(pk)
        if item is None:
            return self.response_404()
        version = item.version if is_versioned(self.datamodel.obj) else None
        response = super().get_headless(pk, **kwargs)
        if response.status_code == 200:
            self.audit_read(self.datamodel.get(pk, self._base_filters))
            if version is not None:
                response.headers["ETag"] = f'"{version}"'
        return response

    def put_headless(self, pk):
        from app.catalogue.custom import CustomValueErrors

        item = self.scoped_get(pk)
        if item is None:
            return self.response_404()
        expected = request.headers.get("If-Match")
        if expected and is_versioned(self.datamodel.obj) and expected.strip() not in ("*", etag_of(item),
                                                                                     f"W/{etag_of(item)}"):
            return self.response(412, message=str(StaleEdit().message))
        g.sanarip_custom_values = self._take_custom_values()
        try:
            response = self._with_custom_result(super().put_headless(pk), pk)
        except CustomValueErrors as exc:
            return self._custom_refused(exc)
        except StaleEdit as exc:
            self.datamodel.session.rollback()
            return self.response(412, message=str(exc))
        except DomainError as exc:
            self.datamodel.session.rollback()
            return self._refused(exc)
        if response.status_code == 200 and is_versioned(self.datamodel.obj):
            current = self.datamodel.session.get(self.datamodel.obj, item.id)
            if current is not None:
                response.headers["ETag"] = etag_of(current)
        return response

    def _refused(self, exc):
        """422 with the translated message, and the field it concerns when it has one."""
        response = self.response_422(message=str(exc))
        if getattr(exc, "field", None):
            data = response.get_json()
            data["field"] = exc.field
            response.set_data(__import__("json").dumps(data, ensure_ascii=False))
        return response

    def post_headless(self):
        from app.catalogue.custom import CustomValueErrors

        g.sanarip_custom_values = self._take_custom_values()
        try:
            response = self._with_custom_result(super().post_headless())
        except CustomValueErrors as exc:
            return self._custom_refused(exc)
        except DomainError as exc:
            self.datamodel.session.rollback()
            return self._refused(exc)
        if response.status_code >= 400:  # refused by the schema: drop the half-built row linked to its parents
            self.datamodel.session.rollback()
        return response

    def delete_headless(self, pk):
        if self.scoped_get(pk) is None:
            return self.response_404()
        try:
            return super().delete_headless(pk)
        except DomainError as exc:
            self.datamodel.session.rollback()
            return self.response_422(message=str(exc))

    # --- custom fields in bodies, responses, _info, filters and the OpenAPI -------------------------------------
    def custom_specs(self):
        model = self.datamodel.obj
        return custom.fields(model.__tablename__) if custom.is_extensible(model) else []

    def _take_custom_values(self):
        """Custom values of the JSON body, removed from it before FAB's schema (which knows only columns) reads it."""
        body = request.get_json(silent=True)
        keys = {s.key for s in self.custom_specs()}
        if not isinstance(body, dict) or not keys:
            return {}
        return {k: body.pop(k) for k in list(body) if k in keys}

    def _apply_custom(self, item):
        values = g.pop("sanarip_custom_values", None)
        if values:
            custom.apply(self.datamodel.session, item, values)

    def pre_add(self, item):
        self._apply_custom(item)
        super().pre_add(item)

    def pre_update(self, item):
        self._apply_custom(item)
        super().pre_update(item)

    def _with_custom_result(self, response, pk=None):
        import json

        if response.status_code >= 300 or not self.custom_specs():
            return response
        data = response.get_json()
        pk = pk if pk is not None else data.get("id")
        item = self.datamodel.session.get(self.datamodel.obj, pk) if pk is not None else None
        if item is not None and isinstance(data.get("result"), dict):
            data["result"].update({s.key: item.custom_value(s.key) for s in self.custom_specs()})
            response.set_data(json.dumps(data, ensure_ascii=False, default=str))
        return response

    def _custom_refused(self, exc):
        self.datamodel.session.rollback()
        return self.response_422(message={k: [v] for k, v in exc.errors.items()})

    def pre_get(self, data):
        item = self.datamodel.session.get(self.datamodel.obj, data.get("id")) if data.get("id") else None
        if item is not None and isinstance(data.get("result"), dict):
            data["result"].update({s.key: item.custom_value(s.key) for s in self.custom_specs()})

    def pre_get_list(self, data):
        # FAB's count is the capped one (CappedCountInterface): past the cap the answer says so instead of a number
        # it did not count
        count = data.get("count")
        data["count_capped"] = isinstance(count, MoreThan)
        if data["count_capped"]:
            data["count"] = count.cap
        specs = self.custom_specs()
        if not specs:
            return
        session, model = self.datamodel.session, self.datamodel.obj
        for pk, row in zip(data.get("ids", []), data.get("result", [])):
            item = session.get(model, pk)
            if item is not None:
                row.update({s.key: item.custom_value(s.key) for s in specs})
        if "list_columns" in data:
            data["list_columns"] = list(data["list_columns"]) + [s.key for s in specs]
        if "label_columns" in data:
            data["label_columns"].update({s.key: s.label for s in specs})

    def _handle_filters_args(self, rison_args):
        from views import custom_fields

        return custom_fields.add_request_filters(super()._handle_filters_args(rison_args), self.datamodel)

    def info_headless(self, **kwargs):
        import json

        from views import custom_fields

        response = super().info_headless(**kwargs)
        specs = self.custom_specs()
        if response.status_code != 200 or not specs:
            return response
        data = response.get_json()
        for key in ("add_columns", "edit_columns"):
            if key in data:
                data[key] = list(data[key]) + [custom_fields.api_field_info(s) for s in specs]
        response.set_data(json.dumps(data, ensure_ascii=False, default=str))
        return response

    def add_api_spec(self, api_spec):
        super().add_api_spec(api_spec)
        listing = api_spec._paths.get(f"{self.route_base}/", {}).get("get")
        schema = (((listing or {}).get("responses", {}).get("200") or {}).get("content", {})
                  .get("application/json", {}).get("schema", {}))
        if "properties" in schema:
            schema["properties"]["count"] = {
                "type": "integer", "description": "rows matching the filters, counted up to the cap; see count_capped"}
            schema["properties"]["count_capped"] = {"type": "boolean", "description": COUNT_CAPPED_DOC}

    def add_apispec_components(self, api_spec):
        from views import custom_fields

        super().add_apispec_components(api_spec)
        specs = self.custom_specs()
        info = dictionary.of_model(self.datamodel.obj)
        for name in (self.list_model_schema_name, self.add_model_schema_name, self.edit_model_schema_name,
                     self.show_model_schema_name):
            schema = api_spec.components.schemas.get(name)
            for key, prop in (schema or {}).get("properties", {}).items():
                if info is not None and isinstance(prop, dict) and "description" not in prop:
                    # the API documentation reads the field dictionary too: label, help text, classifier codes
                    field = info.field(key)
                    text = " — ".join(t for t in (info.field_label(key), info.field_description(key)) if t)
                    prop["description"] = text
                    if field is not None and field.classifier:
                        prop["enum"] = [c for c, _, _, _ in classifiers.items(field.classifier)] + \
                            ([None] if field.column is not None and field.column.nullable else [])
            if schema is not None and specs:
                schema.setdefault("properties", {}).update(
                    {s.key: custom_fields.openapi_property(s) for s in specs})
                if name == self.add_model_schema_name:
                    required = [s.key for s in specs if s.required]
                    if required:
                        schema["required"] = sorted(set(schema.get("required", [])) | set(required))


class StoredDocumentView(SanaripModelView):
    """A view of StoredDocument rows (models/base.py), the one way to keep files: the add form carries the file
    field, `on_add` hands it to the module's rule `attach` (which checks the parent and stores the file through
    the one store, `municipal_property.store_file`: size and type checked, a generated name) under the instance
    folder `documents_subfolder`, and `/download/<pk>` serves it inside the user's scope, every download audited
    with `download_details(item)`."""

    documents_subfolder = ()  # e.g. ("municipal_property", "documents")
    #: staticmethod((session, doc, filename, data, folder) -> doc): the module's service function
    attach = None

    def __init__(self, *args, **kwargs):
        from flask_wtf.file import FileField, FileRequired

        from app.catalogue import dictionary

        model = self.datamodel.obj
        self.add_form_extra_fields = {"file": FileField(dictionary.lazy_label(model, "file"),
                                                        description=dictionary.lazy_description(model, "file"),
                                                        validators=[FileRequired()])}
        super().__init__(*args, **kwargs)

    def documents_folder(self):
        """Uploaded files live under the instance folder, never under the code or a static folder."""
        import os

        return os.path.join(current_app.instance_path, *self.documents_subfolder)

    def store_upload(self, item):
        from app.services.municipal_property import MAX_DOCUMENT_BYTES

        self.attach(self.datamodel.session, item, item.file.filename, item.file.read(MAX_DOCUMENT_BYTES + 1),
                    self.documents_folder())

    def on_add(self, item):
        self.store_upload(item)

    def download_details(self, item):
        return {"file": item.file_name}

    @expose("/download/<int:pk>")
    @has_access
    def download(self, pk):
        """The document's file, inside the user's scope; every download is audited."""
        import os

        from flask import send_file

        from app.services.municipal_property import document_path

        item = self.scoped_get(pk)
        path = document_path(self.documents_folder(), item) if item is not None else None
        if path is None or not os.path.exists(path):
            abort(404)
        with transaction(self.datamodel.session):
            audit.record(self.datamodel.session, "download", audit.object_type_of(item), pk,
                         self.download_details(item))
        return send_file(path, mimetype=item.content_type, as_attachment=True, download_name=item.file_name)
