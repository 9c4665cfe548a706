"""The one mechanism that limits every query to what the current user may see.

A user's scope is a territory subtree (or national, when the user has no territory). Scoped models declare
`scope_condition(territory_ids)` (models/base.py: TerritoryScoped); this module turns the current user into a
Scope and applies it: FAB filters for list/show/edit/delete/API/dropdowns (`ScopeFilter`), and `Scope.permits`
for writes. Views, APIs, exports, charts and PDFs all go through here."""
from dataclasses import dataclass

from flask import g, has_request_context
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, true
from sqlalchemy.orm import object_session

from models.base import territory_subtree_ids


def is_scoped(model) -> bool:
    return hasattr(model, "scope_condition")


@dataclass(frozen=True)
class Scope:
    territory_id: int | None = None
    territory_path: str | None = None
    territory_level: int | None = None

    @property
    def national(self):
        return self.territory_path is None

    def territory_ids(self):
        return territory_subtree_ids(self.territory_path)

    def condition(self, model):
        """SQL condition limiting `model` to this scope."""
        if self.national or not is_scoped(model):
            return true()
        return model.scope_condition(self.territory_ids())

    def apply(self, query, model):
        return query if self.national or not is_scoped(model) else query.filter(self.condition(model))

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
        if self.national or not is_scoped(item):
            return True
        return self.permits_territory(session, item.scope_territory_id())


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
    if territory is None:
        return NATIONAL
    return Scope(territory_id=territory.id, territory_path=territory.path, territory_level=territory.level)


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
