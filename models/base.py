"""Mixins shared by every module's models."""

from flask import g, has_request_context
from sqlalchemy import Column, Date, ForeignKey, Integer, String, select
from sqlalchemy.orm import declared_attr, relationship

from app import clock
from app.i18n import localized_name
from models.types import UTCDateTime


def _current_user_id():
    if has_request_context():
        user = getattr(g, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return user.id
    return None  # seeding and commands run as the system


class Tracked:
    """Who created and last changed a row, and when. Unlike FAB's AuditMixin the user may be empty: reference
    data and seeds are written by the system, not by a login. The full history is in the audit trail."""

    created_on = Column(UTCDateTime, default=clock.now, nullable=False)
    changed_on = Column(UTCDateTime, default=clock.now, onupdate=clock.now, nullable=False)

    @declared_attr
    def created_by_fk(cls):
        return Column(Integer, ForeignKey("ab_user.id"), default=_current_user_id)

    @declared_attr
    def changed_by_fk(cls):
        return Column(Integer, ForeignKey("ab_user.id"), default=_current_user_id, onupdate=_current_user_id)

    @declared_attr
    def created_by(cls):
        return relationship("User", primaryjoin=f"{cls.__name__}.created_by_fk == User.id", enable_typechecks=False)

    @declared_attr
    def changed_by(cls):
        return relationship("User", primaryjoin=f"{cls.__name__}.changed_by_fk == User.id", enable_typechecks=False)


class Versioned:
    """A record edited by people: `version` rises with every change (SQLAlchemy's version_id_col), so a save
    based on an older reading is refused instead of silently overwriting someone else's edit. Forms carry it in
    a hidden field, the API as the ETag / If-Match (views/base.py)."""

    version = Column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}


class Multilingual:
    """Reference data named in all three languages; `name` answers in the current locale.

    Russian is the one name every source has, so it is required and is the fallback for a missing ky/en name."""

    name_ky = Column(String(255))
    name_ru = Column(String(255), nullable=False)
    name_en = Column(String(255))

    @property
    def name(self):
        return localized_name(self)

    def __repr__(self):
        return self.name or ""


class TerritoryScoped:
    """A row that belongs to a territory: users see and change only rows in their territory subtree.

    Models whose territory is reached through a parent row override `scope_condition` and `scope_territory_id`
    (see app/scope.py, the one place that applies them)."""

    personal = False  # True: reads of a row are personal-data reads and are audited
    #: how the territory is loaded: "selectin" where the row's name is its territory's (a passport), so a page of
    #: rows, or a select listing them, reads the territories in one query instead of one per row
    territory_loading = "select"

    @declared_attr
    def territory_id(cls):
        return Column(Integer, ForeignKey("ref_territory.id"), nullable=False, index=True)

    @declared_attr
    def territory(cls):
        return relationship("Territory", foreign_keys=[cls.territory_id], lazy=cls.territory_loading)

    @classmethod
    def scope_condition(cls, territory_ids):
        """SQL condition: the row lies in one of `territory_ids` (a SELECT of territory ids)."""
        return cls.territory_id.in_(territory_ids)

    def scope_territory_id(self):
        territory = related_now(self, "territory")
        return territory.id if territory is not None else None


def related_now(obj, rel):
    """The row `obj.<rel>` will point at once pending changes are flushed, for the scope check before a write.

    A form or the API assigns the relationship while the foreign key keeps the old value until the flush; a
    service may set the foreign key instead. Reading either one alone let a write check see the territory still
    on the row (issue 7): whichever of the two was changed wins, else the current relationship."""
    from sqlalchemy import inspect
    from sqlalchemy.orm import object_session

    state = inspect(obj)
    prop = state.mapper.relationships[rel]
    rel_history = state.attrs[rel].history
    if rel_history.added:
        return rel_history.added[0]
    columns = list(prop.local_columns)
    if len(columns) == 1:
        fk_key = state.mapper.get_property_by_column(columns[0]).key
        fk_history = state.attrs[fk_key].history
        if fk_history.added:
            value = fk_history.added[0]
            session = object_session(obj)
            if value is None or session is None:
                return None
            with session.no_autoflush:
                return session.get(prop.mapper.class_, value)
    session = object_session(obj)
    if session is None:
        return getattr(obj, rel)
    with session.no_autoflush:  # a check before the write must not flush the half-built row it checks
        return getattr(obj, rel)


def parent_scope_territory_id(obj, rel):
    """Territory of a row scoped through its parent `rel`: the parent it will have, and where that parent will
    lie (a parent moved in the same request counts with its new territory)."""
    parent = related_now(obj, rel)
    return parent.scope_territory_id() if parent is not None else None


def territory_subtree_ids(path):
    """SELECT of the ids of the territory at `path` and everything below it."""
    from models.reference import Territory

    return select(Territory.id).where(Territory.path.startswith(path, autoescape=True))


class StoredDocument:
    """An uploaded file kept in the instance's document store (the property register's documents, the
    e-government register's): its title, number and date, the name the user gave it, the random name it is stored
    under, its type and size. A subclass names the view that serves it in `__download_view__`."""

    __download_view__ = None

    title = Column(String(255), nullable=False)
    number = Column(String(50))
    doc_date = Column(Date)
    file_name = Column(String(255), nullable=False)
    stored_name = Column(String(64), nullable=False)
    content_type = Column(String(100), nullable=False)
    size_bytes = Column(Integer, nullable=False)

    @property
    def file_link(self):
        from flask import url_for
        from markupsafe import Markup, escape

        if self.id is None:
            return self.file_name
        return Markup(f'<a href="{url_for(self.__download_view__ + ".download", pk=self.id)}">'
                      f'<i class="fa fa-download"></i> {escape(self.file_name)}</a>')

    @property
    def size_label(self):
        from flask_babel import format_decimal, gettext

        if self.size_bytes is None:
            return ""
        return gettext("%(size)s KB", size=format_decimal(round(self.size_bytes / 1024, 1)))

    def __repr__(self):
        return self.title + (f" №{self.number}" if self.number else "")
