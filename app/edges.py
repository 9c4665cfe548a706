"""Bad input is refused at the edges, once, before any view or query sees it.

Two checkpoints cover every path:

* `check_request` (a before_request hook): every query argument, form value, path argument and JSON value of every
  request, logged in or not. NUL bytes and text that is not valid Unicode are refused (PostgreSQL cannot store a
  NUL; a lone surrogate cannot be encoded), numbers too large for the database, dates outside `DATE_RANGE`, a JSON
  body that is not an object. For the list pages and the REST API it also checks what FAB would turn into SQL:
  page numbers, order columns, filter columns, operators and values, by the column's type.
* `check_row` (a before_flush hook, `install`): every new or changed row, whichever path wrote it (form, API,
  import, service): strings within their column's length, numbers within the column's range, dates in range. A
  refusal is a `DomainError` naming the field, so a form shows it beside the field and the API answers 422.

Database errors that still happen (a unique value taken) are translated by `integrity_message` into the rule
they break, never SQL text."""
import datetime
import decimal
import math
import re

from flask import abort, current_app, g, jsonify, request
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import BigInteger, Date, DateTime, Float, Integer, Numeric, SmallInteger, String, Text, event, inspect
from werkzeug.exceptions import HTTPException

from app.errors import DomainError

INT4 = 2 ** 31 - 1
INT8 = 2 ** 63 - 1
DATE_RANGE = (datetime.date(1800, 1, 1), datetime.date(2199, 12, 31))
MAX_ARG_LENGTH = 2000  # a query argument longer than this is no search term
MAX_PAGE = 10 ** 6
_ISO_DAY = re.compile(r"^(\d{4,})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_FILTER_ARG = re.compile(r"^_flt_(\d+)_(.+)$")


class EdgeError(HTTPException):
    """400/404/422 with a translated message: JSON for the API, the error page otherwise (app/__init__.py)."""

    def __init__(self, code, message):
        super().__init__(description=str(message))
        self.code = code


def refuse(message, code=400):
    raise EdgeError(code, message)


# --- values -------------------------------------------------------------------------------------------------
def bad_text(value):
    """A reason why `value` cannot be stored as text, or None."""
    if "\x00" in value:
        return _l("The text contains a NUL character, which cannot be stored.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _l("The text is not valid Unicode.")
    return None


def bad_day(value):
    """A reason why an ISO date (or date-time) string is refused, or None when it is no ISO date at all."""
    match = _ISO_DAY.match(value)
    if not match:
        return None
    try:
        day = datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except (ValueError, OverflowError):
        return _l("This is not a real date.")
    if not DATE_RANGE[0] <= day <= DATE_RANGE[1]:
        return _date_range_message()
    return None


def _date_range_message():
    return _l("Dates must lie between %(first)s and %(last)s.", first=DATE_RANGE[0].year, last=DATE_RANGE[1].year)


def bad_scalar(value):
    if isinstance(value, str):
        return bad_text(value) or bad_day(value) or (_l("The number is too large.") if _INTEGER.match(value)
                                                      and len(value.lstrip("+-")) > 18 else None)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int) and abs(value) > INT8:
        return _l("The number is too large.")
    if isinstance(value, float) and not math.isfinite(value):
        return _l("The number is too large.")
    return None


def _walk_json(value, depth=0):
    if depth > 20:
        return _l("The request is nested too deeply.")
    if isinstance(value, dict):
        for key, item in value.items():
            reason = bad_scalar(key) or _walk_json(item, depth + 1)
            if reason:
                return reason
        return None
    if isinstance(value, list):
        for item in value:
            reason = _walk_json(item, depth + 1)
            if reason:
                return reason
        return None
    return bad_scalar(value)


# --- requests -----------------------------------------------------------------------------------------------
def check_request():
    """before_request: see the module's docstring."""
    if request.endpoint == "static":
        return
    api = request.path.startswith("/api/")
    for key, value in (request.view_args or {}).items():
        if isinstance(value, int) and not isinstance(value, bool):
            if abs(value) > INT4:
                abort(404)
        elif isinstance(value, str):
            if bad_text(value):
                abort(404)
            if key in ("pk", "id") or key.endswith("_id"):
                if not re.fullmatch(r"\d{1,10}", value) or int(value) > INT4:
                    abort(404)
    for source in (request.args, request.form):
        for key, values in source.lists():
            for value in [key, *values]:
                reason = bad_scalar(value)
                if reason is None and len(value) > MAX_ARG_LENGTH and source is request.args:
                    reason = _l("An argument of the address is too long.")
                if reason:
                    refuse(reason, 422 if api and source is request.form else 400)
    if request.method in ("POST", "PUT", "PATCH") and request.is_json and request.content_length != 0:
        body = request.get_json(silent=True)
        if body is None and request.get_data():
            refuse(_l("The body is not valid JSON."))
        if api and not isinstance(body, dict):
            refuse(_l("The body must be a JSON object."))
        reason = _walk_json(body)
        if reason:
            refuse(reason, 422 if api else 400)
    view = _view_of_request()
    if view is not None:
        _check_list_args(view)
        if api and request.method in ("POST", "PUT", "PATCH") and request.is_json:
            _check_references(view, request.get_json(silent=True))


def _check_references(view, body):
    """A reference in an API body is the id of the record (FAB's schema would try to build a record from an
    object, and crash)."""
    model = getattr(getattr(view, "datamodel", None), "obj", None)
    if model is None or not isinstance(body, dict):
        return
    relations = inspect(model).relationships
    for key, value in body.items():
        rel = relations.get(key) if isinstance(key, str) else None
        if rel is None:
            continue
        values = value if rel.uselist and isinstance(value, list) else [value]
        if rel.uselist and not isinstance(value, list) or not all(
                v is None or (isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= INT4) or
                (isinstance(v, str) and v.isdigit() and len(v) <= 10) for v in values):
            refuse(_l("%(field)s: give the id of an existing record.", field=key), 422)


def _views_by_name():
    views = current_app.extensions.get("sanarip_views_by_name")
    if views is None:
        views = {}
        for view in current_app.appbuilder.baseviews:
            views[view.__class__.__name__] = view
            views[getattr(view, "endpoint", None) or view.__class__.__name__] = view
        current_app.extensions["sanarip_views_by_name"] = views
    return views


def _view_of_request():
    endpoint = request.endpoint or ""
    return _views_by_name().get(endpoint.split(".")[0]) if "." in endpoint else None


def _column(model, name):
    """The table column behind `name` (a column or a relation's foreign key), or None."""
    table = getattr(model, "__table__", None)
    if table is None or "." in name:
        return None
    if name in table.columns:
        return table.columns[name]
    rel = inspect(model).relationships.get(name)
    if rel is not None and len(rel.local_columns) == 1:
        return next(iter(rel.local_columns))
    return None


def check_filter_value(model, column, value):
    """A reason why `value` cannot be compared with `column` of `model`, or None."""
    if isinstance(value, (list, dict)):
        return _l("A filter takes one value.")
    if value is None or value == "":
        return None
    reason = bad_scalar(value)
    if reason:
        return reason
    col = _column(model, column)
    if col is None:
        return None
    text = str(value).strip()
    kind = col.type
    if isinstance(kind, (Integer, SmallInteger, BigInteger)) and not isinstance(value, bool):
        if not _INTEGER.match(text) or abs(int(text)) > (INT8 if isinstance(kind, BigInteger) else INT4):
            return _l("Enter a whole number.")
    elif isinstance(kind, (Numeric, Float)) and not isinstance(value, bool):
        try:
            number = decimal.Decimal(text)
        except decimal.InvalidOperation:
            return _l("Enter a number.")
        if not number.is_finite() or abs(number) > 10 ** 15:
            return _l("The number is too large.")
    elif isinstance(kind, (Date, DateTime)):
        if not _ISO_DAY.match(text):
            return _l("Enter a date as YYYY-MM-DD.")
        return bad_day(text)
    elif isinstance(kind, String) and kind.length and len(text) > max(kind.length, 255):
        return _l("The search text is too long.")
    return None


def _check_list_args(view):
    """The list arguments of FAB's views (`_oc_`, `_od_`, `page_`, `psize_`, `_flt_`) and the API's Rison `q`."""
    from flask_appbuilder import ModelRestApi

    views = _views_by_name()
    for key, value in request.args.items():
        for prefix in ("_oc_", "_od_", "page_", "psize_"):
            if key.startswith(prefix):
                target = views.get(key[len(prefix):])
                if target is None or not hasattr(target, "datamodel"):
                    refuse(_l("The list argument %(name)s is unknown.", name=key))
                if prefix == "_oc_" and value not in _order_columns(target):
                    refuse(_l("The list cannot be sorted by this column."))
                if prefix == "_od_" and value not in ("asc", "desc"):
                    refuse(_l("The sort direction is asc or desc."))
                if prefix in ("page_", "psize_") and (not value.isdigit() or int(value) > MAX_PAGE):
                    refuse(_l("Page numbers and page sizes must be whole numbers."))
        match = _FILTER_ARG.match(key)
        if match and hasattr(view, "datamodel"):
            index, column = int(match.group(1)), match.group(2)
            filters = view._filters._search_filters.get(column)
            # add forms of related views take `_flt_0_<relation>` of a column that is not searched
            if (filters is None and _column(view.datamodel.obj, column) is None) or \
                    (filters is not None and index >= len(filters)):
                refuse(_l("The list cannot be filtered like this."))
            reason = check_filter_value(view.datamodel.obj, column, value)
            if reason:
                refuse(reason)
    if isinstance(view, ModelRestApi) and "q" in request.args:
        _check_rison(view)


def _order_columns(view):
    columns = getattr(view, "order_columns", None)
    if columns:
        return set(columns)
    return set(view.datamodel.get_order_columns_list(list_columns=getattr(view, "list_columns", None)))


def _check_rison(view):
    import prison

    try:
        query = prison.loads(request.args["q"])
    except Exception:
        refuse(_l("The query parameter q is not valid Rison."))
    if not isinstance(query, dict):
        refuse(_l("The query parameter q must be an object."))
    for key in ("page", "page_size"):
        if key in query and (not isinstance(query[key], int) or isinstance(query[key], bool)
                             or not 0 <= query[key] <= MAX_PAGE):
            refuse(_l("Page numbers and page sizes must be whole numbers."))
    if "order_column" in query and query["order_column"] not in _order_columns(view):
        refuse(_l("The list cannot be sorted by this column."))
    if "order_direction" in query and query["order_direction"] not in ("asc", "desc"):
        refuse(_l("The sort direction is asc or desc."))
    for key in ("columns", "keys", "select_columns"):
        if key in query and (not isinstance(query[key], list) or not all(isinstance(c, str) for c in query[key])):
            refuse(_l("The query parameter q is not valid."))
    filters = query.get("filters", [])
    if not isinstance(filters, list):
        refuse(_l("The list cannot be filtered like this."))
    for spec in filters:
        if not isinstance(spec, dict) or not isinstance(spec.get("col"), str) or \
                not isinstance(spec.get("opr"), str):
            refuse(_l("The list cannot be filtered like this."))
        allowed = view._filters._search_filters.get(spec["col"])
        if allowed is None or spec["opr"] not in {f.arg_name for f in allowed}:
            refuse(_l("The list cannot be filtered like this."))
        reason = check_filter_value(view.datamodel.obj, spec["col"], spec.get("value"))
        if reason:
            refuse(reason)


# --- rows ---------------------------------------------------------------------------------------------------
def check_row(item):
    """Every column value of a new or changed row fits its column (raises DomainError naming the field)."""
    from sqlalchemy import Column

    state = inspect(item)
    for attr in state.mapper.column_attrs:
        col = attr.columns[0] if len(attr.columns) == 1 else None
        if not isinstance(col, Column) or attr.key not in state.dict:
            continue
        if state.persistent and not state.attrs[attr.key].history.added:
            continue
        value = state.dict[attr.key]
        if value is None:
            continue
        reason = _bad_for_column(col, value)
        if reason:
            raise DomainError(reason, field=attr.key, code="value_out_of_range")


def _bad_for_column(col, value):
    kind = col.type
    if isinstance(value, str):
        reason = bad_text(value)
        if reason:
            return reason
        length = getattr(kind, "length", None)
        if isinstance(kind, String) and length and len(value) > length:
            return _l("At most %(count)s characters.", count=length)
        if isinstance(kind, Text) and len(value) > 1_000_000:
            return _l("At most %(count)s characters.", count=1_000_000)
    elif isinstance(value, bool):
        return None
    elif isinstance(value, int):
        limit = INT8 if isinstance(kind, BigInteger) else INT4 if isinstance(kind, (Integer, SmallInteger)) else INT8
        if abs(value) > limit:
            return _l("The number is too large.")
    elif isinstance(value, float):
        if not math.isfinite(value) or abs(value) > 1e15:
            return _l("The number is too large.")
    elif isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return _l("The number is too large.")
        precision, scale = getattr(kind, "precision", None), getattr(kind, "scale", None) or 0
        if precision and abs(value) >= decimal.Decimal(10) ** (precision - scale):
            return _l("The number is too large.")
    elif isinstance(value, datetime.date):
        day = value.date() if isinstance(value, datetime.datetime) else value
        if not DATE_RANGE[0] <= day <= DATE_RANGE[1]:
            return _date_range_message()
    return None


def _before_flush(session, _context, _instances):
    for item in list(session.new) + list(session.dirty):
        if hasattr(item, "__table__"):
            check_row(item)


# --- database errors -----------------------------------------------------------------------------------------
#: constraint or unique index name -> the rule it enforces; modules add theirs with `rule(name, message, field)`
RULES = {}


def rule(name, message, field=None):
    RULES[name] = (message, field)


def integrity_message(exc, model=None):
    """(translated message, field) for an IntegrityError: the rule it breaks, never the database's text."""
    from flask_appbuilder import Model

    orig = getattr(exc, "orig", exc)
    name = getattr(getattr(orig, "diag", None), "constraint_name", None)
    text = str(orig)
    if name is None:
        match = re.search(r"UNIQUE constraint failed: ([\w., ]+)", text)
        if match:
            columns = [c.strip() for c in match.group(1).split(",")]
            name = _unique_name(Model.metadata, columns)
        match = re.search(r"NOT NULL constraint failed: (\w+)\.(\w+)", text)
        if match:
            return _l("This field is required."), match.group(2)
    else:
        match = re.search(r'null value in column "(\w+)"', text)
        if match:
            return _l("This field is required."), match.group(1)
    if name in RULES:
        return RULES[name]
    if "FOREIGN KEY" in text or "foreign key" in text:
        return _l("The record refers to something that does not exist, or other records still refer to it."), None
    if "UNIQUE" in text or "unique" in text or "duplicate key" in text:
        field = _unique_field(Model.metadata, name) if name else None
        return _l("A record with this value already exists."), field
    return _l("The record breaks a rule of the database and was not saved."), None


def _unique_name(metadata, qualified):
    table = qualified[0].split(".")[0] if qualified else None
    columns = {c.split(".")[-1] for c in qualified}
    t = metadata.tables.get(table)
    if t is None:
        return None
    for constraint in t.constraints:
        if {c.name for c in getattr(constraint, "columns", [])} == columns and constraint.name:
            return constraint.name
    for index in t.indexes:
        if index.unique and {c.name for c in index.columns} == columns:
            return index.name
    return f"{table}.{'.'.join(sorted(columns))}"


def _unique_field(metadata, name):
    for table in metadata.tables.values():
        for item in list(table.constraints) + list(table.indexes):
            if getattr(item, "name", None) == name:
                columns = [c.name for c in item.columns if c.name != "territory_id"]
                return columns[-1] if columns else None
    return None


def install(app):
    from sqlalchemy.orm import Session

    app.before_request_funcs.setdefault(None, []).insert(0, check_request)
    if not app.config.get("UPLOAD_FOLDER"):
        # FAB's own views (users, roles, groups) serve files from UPLOAD_FOLDER, which Sanarip does not use
        from flask_appbuilder.views import ModelView

        for view in app.appbuilder.baseviews:
            endpoint = f"{view.endpoint}.download"
            if isinstance(view, ModelView) and type(view).download is ModelView.download and \
                    endpoint in app.view_functions:
                app.view_functions[endpoint] = lambda **_: abort(404)
    if not event.contains(Session, "before_flush", _before_flush):  # once per process, like the audit hook
        event.listen(Session, "before_flush", _before_flush)
