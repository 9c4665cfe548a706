"""Mixins shared by every module's models."""
import datetime

from flask import g, has_request_context
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import declared_attr, relationship

from app.i18n import localized_name


def _current_user_id():
    if has_request_context():
        user = getattr(g, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return user.id
    return None  # seeding and commands run as the system


class Tracked:
    """Who created and last changed a row, and when. Unlike FAB's AuditMixin the user may be empty: reference
    data and seeds are written by the system, not by a login. The full history is in the audit trail."""

    created_on = Column(DateTime, default=datetime.datetime.now, nullable=False)
    changed_on = Column(DateTime, default=datetime.datetime.now, onupdate=datetime.datetime.now, nullable=False)

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

    @declared_attr
    def territory_id(cls):
        return Column(Integer, ForeignKey("ref_territory.id"), nullable=False, index=True)

    @declared_attr
    def territory(cls):
        return relationship("Territory", foreign_keys=[cls.territory_id])

    @classmethod
    def scope_condition(cls, territory_ids):
        """SQL condition: the row lies in one of `territory_ids` (a SELECT of territory ids)."""
        return cls.territory_id.in_(territory_ids)

    def scope_territory_id(self):
        # a form sets the relationship; the foreign key is filled only at flush
        if self.territory_id is not None:
            return self.territory_id
        return self.territory.id if self.territory is not None else None


def territory_subtree_ids(path):
    """SELECT of the ids of the territory at `path` and everything below it."""
    from models.reference import Territory

    return select(Territory.id).where(Territory.path.startswith(path, autoescape=True))
