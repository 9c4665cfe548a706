"""The one mechanism that limits every query to what the current user may see.

A user's scope is a territory subtree (or national, when the user has no territory). Scoped models declare
`scope_condition(territory_ids)` (models/base.py: TerritoryScoped); this module turns the current user into a
Scope and applies it: FAB filters for list/show/edit/delete/API/dropdowns (`ScopeFilter`), and `Scope.permits`
for writes. Views, APIs, exports, charts and PDFs all go through here.

A scope may also carry an organisation (an authorised employee of the e-government register, cl. 19 of its
rules): models that declare `organisation_scope_condition(organisation_id)` and `scope_organisation_id()` are then
limited to that organisation's rows on every same path (reads, the flush guard, lookups), on top of the territory.
An office works the same way (a service-centre user bound to one office: `office_scope_condition(office_id)` and
`scope_office_id()`, models/service_centre.py).

Writes are also checked once for every session by flush hooks (`install`), whatever path made them: before the
flush every changed or deleted row must lie inside the writer's scope as stored, after it every new or changed row
must lie inside it as written (the same SQL condition the reads use, so a moved parent, a changed foreign key or a
relationship set by a form are all seen as the database will hold them)."""
from dataclasses import dataclass

from flask import g, has_request_context
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, event, inspect, select, true
from sqlalchemy.orm import Session, object_session

from app.errors import DomainError

from models.base import territory_subtree_ids


def is_scoped(model) -> bool:
    return hasattr(model, "scope_condition") or hasattr(model, "organisation_scope_condition") or \
        hasattr(model, "office_scope_condition")


def _territorial(model) -> bool:
    return hasattr(model, "scope_condition")


def _organisational(model) -> bool:
    return hasattr(model, "organisation_scope_condition")


def _of_office(model) -> bool:
    return hasattr(model, "office_scope_condition")


@dataclass(frozen=True)
class Scope:
    territory_id: int | None = None
    territory_path: str | None = None
    territory_level: int | None = None
    organisation_id: int | None = None  # bound to one organisation's rows (models with an organisation scope)
    office_id: int | None = None  # bound to one service-centre office's rows (models with an office scope)

    @property
    def national(self):
        """No territory limit (the organisation part, if any, still applies: see `unlimited`)."""
        return self.territory_path is None

    @property
    def unlimited(self):
        return self.national and self.organisation_id is None and self.office_id is None

    def territory_ids(self):
        return territory_subtree_ids(self.territory_path)

    def condition(self, model):
        """SQL condition limiting `model` to this scope."""
        parts = []
        if not self.national and _territorial(model):
            parts.append(model.scope_condition(self.territory_ids()))
        if self.organisation_id is not None and _organisational(model):
            parts.append(model.organisation_scope_condition(self.organisation_id))
        if self.office_id is not None and _of_office(model):
            parts.append(model.office_scope_condition(self.office_id))
        return and_(*parts) if parts else true()

    def limits(self, model) -> bool:
        return (not self.national and _territorial(model)) or (
            self.organisation_id is not None and _organisational(model)) or (
            self.office_id is not None and _of_office(model))

    def apply(self, query, model):
        return query.filter(self.condition(model)) if self.limits(model) else query

    def permits_territory(self, session, territory_id) -> bool:
        if self.national:
            return True
        if territory_id is None:
            return False
        from models.reference import Territory

        with session.no_autoflush:  # the row being checked is not in the session yet: do not flush around it
            path = session.scalar(select(Territory.path).where(Territory.id == territory_id))
        return path is not None and path.startswith(self.territory_path)

    def permits(self, session, item) -> bool:
        """Does a (possibly unsaved) row lie inside the scope? Used before every write."""
        if not self.limits(type(item)):
            return True
        if self.organisation_id is not None and _organisational(item):
            with session.no_autoflush:
                if item.scope_organisation_id() != self.organisation_id:
                    return False
        if self.office_id is not None and _of_office(item):
            with session.no_autoflush:
                if item.scope_office_id() != self.office_id:
                    return False
        if not self.national and _territorial(item):
            return self.permits_territory(session, item.scope_territory_id())
        return True


def scoped_select(model, scope, *columns):
    """The one way a chart or a report starts its query: SELECT `columns` (the model's rows when none are given)
    FROM `model`, already limited to `scope`. Joins and further conditions are added to it; a query built from
    here cannot forget the scope, and the walker (tests/test_scope.py) checks every chart and report anyway."""
    statement = select(*columns).select_from(model) if columns else select(model)
    if scope.unlimited or not is_scoped(model):
        return statement
    return statement.where(scope.condition(model))


NATIONAL = Scope()
NOBODY = Scope(territory_id=-1, territory_path="\x00")  # anonymous: matches no territory


def scope_of(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False):
        return NOBODY
    session = object_session(user)
    if session is not None:
        with session.no_autoflush:  # reading who the user is must not flush a half-built row of the request
            territory = getattr(user, "territory", None)
    else:
        territory = getattr(user, "territory", None)
    organisation_id = getattr(user, "scope_organisation_id", None)
    office_id = getattr(user, "scope_office_id", None)
    if territory is None:
        if organisation_id is None and office_id is None:
            return NATIONAL
        return Scope(organisation_id=organisation_id, office_id=office_id)
    return Scope(territory_id=territory.id, territory_path=territory.path, territory_level=territory.level,
                 organisation_id=organisation_id, office_id=office_id)


def current_scope() -> Scope:
    if not has_request_context():
        return NATIONAL  # CLI, seeding, migrations: the operator runs with full rights
    return scope_of(getattr(g, "user", None))


class ScopeFilter(BaseFilter):
    """FAB filter that applies the current user's scope; the value is unused. Evaluated per query, so one view
    class serves every user."""

    name = _l("In my territory")
    arg_name = "scope"

    def apply(self, query, value):
        return current_scope().apply(query, self.model)


SCOPE_FILTER = ["id", ScopeFilter, None]


def deny_outside(object_type, object_id):
    """Answer 404 for a record that exists outside the user's scope and audit the attempt as denied (the
    after-request hook in app/__init__.py writes it): report, chart and print views asked for another territory's
    record end here, like the model views (views/base.py ScopeGuard)."""
    from flask import abort

    g.audit_denied = (object_type, object_id)
    abort(404)


def require_territory_code(session, code):
    """The territory of SOATE `code` when it lies inside the user's scope; None for no code or an unknown one;
    a unit outside the scope is denied (404, audited)."""
    from models.reference import Territory

    code = (code or "").strip()
    if not code:
        return None
    territory = session.scalar(select(Territory).where(Territory.code == code))
    if territory is not None and not current_scope().permits_territory(session, territory.id):
        deny_outside("ref_territory", territory.id)
    return territory


# --- lookups and duplicate checks: nothing of another territory leaks through them --------------------------------
OUTSIDE_DUPLICATE = _l("Already registered in another territory; the registrar there can help.")


def lookup_condition(model):
    """Condition for finding rows of `model` by an identifier (a PIN) on behalf of the current user: inside their
    scope, and only in a dataset they may read (a module they have no access to is not searched at all)."""
    from sqlalchemy import false

    scope = _writer_scope()  # lookups run on saving: the writer's scope, as for the flush guard
    if scope is None and not (has_request_context() and getattr(getattr(g, "user", None), "is_authenticated",
                                                                 False)):
        return true()  # CLI, seeding
    from flask import current_app

    from app.catalogue.charts import may_read

    if not may_read(current_app.appbuilder, model):
        return false()
    return true() if scope is None else scope.condition(model)


def refuse_duplicate(session, twin, message, field=None, code=None):
    """Refuse a write because `twin` already holds the value. `message` (a callable, so that nothing of the twin
    is even formatted otherwise) names the twin only when it lies inside the user's scope; a twin elsewhere is
    told apart by nothing but the fact. Whose scope: the writer's, as for the flush guard (an anonymous request
    writes no scoped rows; the CLI and seeding see everything)."""
    scope = _writer_scope()
    with session.no_autoflush:
        inside = scope is None or scope.permits(session, twin)
    raise DomainError(message() if inside else OUTSIDE_DUPLICATE, field=field,
                      code=code if inside else "duplicate_elsewhere")


# --- the session-level guard -------------------------------------------------------------------------------------
class ScopeViolation(DomainError):
    """A write that would leave (or reach into) another territory. Raised inside the flush: nothing is written."""

    def __init__(self, obj=None):
        super().__init__(_l("You can only save records of your own territory."), code="out_of_scope")
        self.object_type = getattr(obj, "__tablename__", None)
        self.object_id = _pk_text(obj) if obj is not None else None


def _pk_text(obj):
    values = inspect(obj).mapper.primary_key_from_instance(obj)
    return "-".join(str(v) for v in values) if all(v is not None for v in values) else None


def _writer_scope():
    """The scope the current request writes with; None when nothing limits it (CLI, seeding, a national user,
    an anonymous public page, which has no write permission on scoped data)."""
    if not has_request_context():
        return None
    user = getattr(g, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    scope = scope_of(user)
    return None if scope.unlimited else scope


def _outside(session, scope, objs):
    """The first of `objs` (persistent rows of scoped models) that the database does not show inside `scope`."""
    by_model = {}
    for obj in objs:
        by_model.setdefault(type(obj), []).append(obj)
    for model, rows in by_model.items():
        mapper = inspect(model)
        pk_cols = mapper.primary_key
        keys = {tuple(mapper.primary_key_from_instance(o)): o for o in rows}
        keys = {k: o for k, o in keys.items() if all(v is not None for v in k)}
        if not keys:
            continue
        if len(pk_cols) == 1:
            where = pk_cols[0].in_([k[0] for k in keys])
        else:
            from sqlalchemy import or_

            where = or_(*[and_(*[c == v for c, v in zip(pk_cols, k)]) for k in keys])
        inside = {tuple(r) for r in session.execute(select(*pk_cols).where(where, scope.condition(model)))}
        for key, obj in keys.items():
            if key not in inside:
                return obj
    return None


def _changed(session, objs):
    # a row is changed by its own columns or many-to-one links; a collection appended on the other side (a
    # relative linked to a person) does not change the person
    return [o for o in objs if is_scoped(o) and session.is_modified(o, include_collections=False)]


def _kept(objs):
    """Rows that stay after the flush: not an orphan removed from its parent's collection (deleted by the flush
    under delete-orphan; its stored row is still checked as a delete before the flush)."""
    kept = []
    for obj in objs:
        state = inspect(obj)
        if state.deleted or state.was_deleted or state.mapper._is_orphan(state):
            continue
        kept.append(obj)
    return kept


def _before_flush(session, _flush_context, _instances):
    scope = _writer_scope()
    if scope is None:
        return
    changed = _changed(session, session.dirty)
    stored = changed + [o for o in session.deleted if is_scoped(o)]
    with session.no_autoflush:
        bad = _outside(session, scope, stored) if stored else None
        # the values the rows will have, checked in memory first: a refusal then comes before any constraint
        # of the database can answer with something else
        bad = bad or next((o for o in _kept([*session.new, *changed]) if is_scoped(o) and
                           not scope.permits(session, o)), None)
    if bad is not None:
        raise ScopeViolation(bad)


def _after_flush(session, _flush_context):
    scope = _writer_scope()
    if scope is None:
        return
    written = _kept([o for o in session.new if is_scoped(o)] + _changed(session, session.dirty))
    if not written:
        return
    bad = _outside(session, scope, written)
    if bad is not None:
        raise ScopeViolation(bad)  # the flush's transaction is rolled back


def install():
    """Check the scope of every row any session writes (see the module docstring)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
