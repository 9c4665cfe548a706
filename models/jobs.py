"""Background jobs (app/jobs.py): one row per import, large export, PDF list or run of the daily duties."""
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Integer, String, Text

from app import clock
from models.dictionary import Dataset, Legal
from models.types import UTCDateTime


class Job(Model):
    """A piece of work run by the queue's consumer instead of inside a request. Progress while it runs lives in
    the queue's own store (app/jobs.py: the import holds its transaction open, so the row is written only at the
    start and the end); the result file lies in the instance's job folder under a generated name."""

    __tablename__ = "core_job"
    __dataset__ = Dataset(
        _l("Background jobs"), _l("Background job"),
        _l("Imports, large exports, PDF lists and the daily duties run by the job queue, with their progress and "
           "result file; each job is seen and downloaded only by the user who started it."),
        Legal("personal_data_law"), personal="personal",
        retention=_l("Kept with their result files until an administrator removes them."),
        fields={"kind": _l("Kind"), "owner_id": _l("User"), "state": _l("State"), "done": _l("Done"),
                "total": _l("Total"), "title": _l("Title"), "payload": _l("Parameters"),
                "result_name": _l("Result file"), "stored_name": _l("Stored file name"),
                "content_type": _l("File type"), "size_bytes": _l("Size (bytes)"), "report": _l("Report"),
                "error": _l("Error"), "error_params": _l("Error details"), "created_at": _l("Created"),
                "started_at": _l("Started"), "finished_at": _l("Finished")})

    id = Column(Integer, primary_key=True)
    kind = Column(String(32), nullable=False)
    owner_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    state = Column(String(16), nullable=False, default="queued")  # queued, running, done, failed
    done = Column(Integer, nullable=False, default=0)
    total = Column(Integer)
    title = Column(String(255), nullable=False)
    payload = Column(Text)  # JSON: what the job needs to run (path, query, format, locale, upload)
    result_name = Column(String(255))
    stored_name = Column(String(64))
    content_type = Column(String(100))
    size_bytes = Column(Integer)
    report = Column(Text)  # JSON: an import's rows refused ([row, column, message]) or the duties' lines
    error = Column(Text)  # the English message id, translated when shown
    error_params = Column(Text)  # JSON of the message's parameters
    created_at = Column(UTCDateTime, nullable=False, default=clock.now, index=True)
    started_at = Column(UTCDateTime)
    finished_at = Column(UTCDateTime)
