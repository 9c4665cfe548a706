"""The audit trail. Rows are only ever inserted (app/audit.py); no view or API changes them."""
import datetime

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, Integer, String, Text


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class AuditEvent(Model):
    __tablename__ = "core_audit_event"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, default=utcnow, nullable=False, index=True)
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
