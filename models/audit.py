"""The audit trail. Rows are only ever inserted (app/audit.py); no view or API changes them."""
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Integer, String, Text

from app import clock
from models.dictionary import Dataset, Layout, Legal
from models.types import UTCDateTime


def utcnow():
    """The one clock (app/clock.py); the name is kept for the callers that import it from here."""
    return clock.now()


class AuditEvent(Model):
    __tablename__ = "core_audit_event"
    __dataset__ = Dataset(
        _l("Audit trail"), _l("Audit event"),
        _l("Logins, changes with old and new values, reads of personal records, exports, PDFs and denied "
           "attempts; rows are only ever added."), Legal("personal_data_law"), personal="personal",
        retention=_l("Kept permanently: nobody edits or deletes the audit trail."),
        fields={"at": _l("Time"), "username": _l("User"), "user_id": _l("User ID"), "action": _l("Action"),
                "object_type": _l("Object"), "object_id": _l("Object ID"), "changes": _l("Details"),
                "ip": _l("IP address"), "path": _l("Address")},
        layout=Layout(
            list=("at", "username", "action", "object_type", "object_id", "ip"),
            search=("at", "username", "action", "object_type", "object_id", "ip"),
            show=("at", "username", "user_id", "action", "object_type", "object_id", "changes", "ip", "path")))

    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime, default=utcnow, nullable=False, index=True)
    user_id = Column(Integer, index=True)  # no foreign key: the trail outlives deleted users
    username = Column(String(128), index=True)
    action = Column(String(32), nullable=False, index=True)
    object_type = Column(String(64), index=True)
    object_id = Column(String(64), index=True)
    changes = Column(Text)  # JSON: {field: [old, new]} for updates, details for other actions
    ip = Column(String(64))
    path = Column(String(512))

    def __repr__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or '-'} {self.action} {self.object_type or ''}"
