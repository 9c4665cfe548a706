"""My jobs (/jobs/): the signed-in user's background jobs (app/jobs.py) with their progress, result and error.

Every page and the JSON status show only the user's own jobs; another user's job is 404 and the attempt is in
the audit trail, as a denied download of a document is."""
import json

from flask import abort, g, jsonify, redirect, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import format_datetime, gettext, lazy_gettext as _l
from sqlalchemy import select

from app import audit, clock, jobs
from app.extensions import db
from app.transaction import transaction
from models.jobs import Job

STATE_LABELS = {"queued": _l("Waiting"), "running": _l("Running"), "done": _l("Done"), "failed": _l("Failed")}
LIST_LIMIT = 50


def _own(pk):
    """The user's own job, else 404 with the attempt audited (someone else's job or none)."""
    job = db.session.get(Job, pk)
    if job is None or job.owner_id != g.user.id:
        audit.record_denial({"reason": "not the owner of the job"}, "core_job", str(pk))
        abort(404)
    return job


def status(job):
    """What the page and its polling show of one job."""
    done, total = jobs.live_progress(job)
    percent = 100 if job.state == "done" else (int(done * 100 / total) if total else 0)
    return {"id": job.id, "state": job.state, "state_label": str(STATE_LABELS.get(job.state, job.state)),
            "done": done, "total": total, "percent": min(percent, 100), "error": jobs.message(job),
            "download": url_for("JobsView.download", pk=job.id) if job.state == "done" and job.stored_name
            else None, "result_name": job.result_name,
            "report": [[row, col, msg] for row, col, msg in json.loads(job.report)] if job.report else []}


class JobsView(BaseView):
    route_base = "/jobs"
    default_view = "index"
    base_permissions = ["can_index", "can_daily"]
    # one permission for the page, the status and the download: every signed-in user has it (common());
    # ownership is checked per job
    method_permission_name = {"index": "index", "status": "index", "download": "index", "daily": "daily"}
    title = _l("My jobs")

    @expose("/")
    @has_access
    def index(self):
        rows = db.session.scalars(select(Job).where(Job.owner_id == g.user.id)
                                  .order_by(Job.created_at.desc(), Job.id.desc()).limit(LIST_LIMIT)).all()
        items = [(job, status(job), format_datetime(clock.to_local(job.created_at), "short")) for job in rows]
        return self.render_template("sanarip/jobs.html", items=items, title=self.title, appbuilder=self.appbuilder,
                                    can_daily=self.appbuilder.sm.has_access("can_daily", "JobsView"))

    @expose("/status")
    @has_access
    def status(self):
        """The states of the user's unfinished and latest jobs, polled by the page."""
        rows = db.session.scalars(select(Job).where(Job.owner_id == g.user.id)
                                  .order_by(Job.created_at.desc(), Job.id.desc()).limit(LIST_LIMIT)).all()
        db.session.commit()  # a fresh snapshot at the next poll
        return jsonify([status(job) for job in rows])

    @expose("/download/<int:pk>")
    @has_access
    def download(self, pk):
        job = _own(pk)
        path = jobs.result_path(job) if job.state == "done" else None
        import os

        if path is None or not os.path.exists(path):
            abort(404)
        with transaction(db.session):
            audit.record(db.session, "download", "core_job", str(pk), {"file": job.result_name, "kind": job.kind})
        return send_file(path, mimetype=job.content_type, as_attachment=True, download_name=job.result_name)

    @expose("/daily", methods=["POST"])
    @has_access
    def daily(self):
        """`flask sanarip daily` as a job of the administrator who starts it."""
        jobs.launch("daily", gettext("Daily duties"), {}, g.user)
        return redirect(url_for("JobsView.index"))
