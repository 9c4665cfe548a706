"""The one shape of a status history (app/workflow.py): every workflow's history table is a `StatusHistory`.

Kept free of the app (only models.types and the clock), so a module's models import it without starting Flask."""
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declared_attr, relationship

from app import clock
from models.base import _current_user_id
from models.types import UTCDateTime


def history_fields(reason=None):
    """The field dictionary entries of the common columns (the catalogue labels every column)."""
    from flask_babel import lazy_gettext as _l

    from models.dictionary import F

    fields = {"at": _l("When"), "from_status": _l("From"), "to_status": _l("To"), "actor": _l("Who"),
              "actor_id": _l("Who"), "note": _l("Note"), "reason": F(_l("Reason"), classifier=reason) if reason
              else _l("Reason")}
    return fields


class StatusHistory:
    """One step of a record's workflow: when (`at`, aware UTC), from which state to which, who took it (`actor`,
    empty for the system), a coded `reason` where the rules list reasons, and a free `note`. Written only by the
    services (through `record`), never edited.

    A subclass names its parent relationship in `__history_parent__` (e.g. "application")."""

    __history_parent__ = None

    at = Column(UTCDateTime, nullable=False, default=clock.now)
    from_status = Column(String(20))  # empty for the first step (registration)
    to_status = Column(String(20), nullable=False)
    reason = Column(String(32))
    note = Column(Text)

    @declared_attr
    def actor_id(cls):
        return Column(Integer, ForeignKey("ab_user.id"), default=_current_user_id)

    @declared_attr
    def actor(cls):
        return relationship("User", primaryjoin=f"{cls.__name__}.actor_id == User.id", viewonly=True)

    @classmethod
    def record(cls, session, parent, to_status, at=None, from_status=None, reason=None, note=None, **actor):
        """Add a step of `parent` to the session. `actor_id=` names who took it (None: the system); without it
        the logged-in user of the request is the actor."""
        note = (note or "").strip() or None
        step = cls(**{cls.__history_parent__: parent}, at=at or clock.now(), from_status=from_status,
                   to_status=to_status, reason=reason, note=note, **actor)
        session.add(step)
        return step
