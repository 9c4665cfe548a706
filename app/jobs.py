"""Background jobs: the one mechanism for work too long for a request (imports, large exports, PDF lists, the
daily duties).

The queue is Huey. `make run` (SQLite) uses SqliteHuey in the instance folder (`<instance>/jobs.sqlite`) and a
consumer thread inside the dev server (SANARIP_JOBS_THREAD=1, set by the Makefile); production sets
SANARIP_JOBS_URL=redis://host:6379/0 (RedisHuey) and runs `huey_consumer app.jobs.huey -w 2` beside gunicorn.
Tests run jobs at once in the request that starts them (immediate mode, TESTING), except the tests of the real
consumer.

A job is a `models.jobs.Job` row (owner, state queued/running/done/failed, done/total, the result file, the
error as a message id translated when shown) and one Huey task that runs a registered handler (`@handler(kind)`)
inside a request context rebuilt for the job's owner: the same view code, scope, audit and language as the
request that started it. Progress while running lives in the queue's key-value store, not in the row: an import
holds its all-or-nothing transaction open to the end, and on SQLite a second writer would wait for it.

Which paths become jobs is decided by size (config): an export of more than JOBS_EXPORT_ROWS rows, an import of
more than JOBS_IMPORT_ROWS rows, a PDF list of more than JOBS_PDF_ROWS rows; smaller ones stay inline, where the
answer is faster than a round trip through the queue. The daily duties are always a job when started from the
screen.
"""
import json
import os
import uuid

from flask_babel import lazy_gettext as _l
from huey import RedisHuey, SqliteHuey

from app import clock

STATES = ("queued", "running", "done", "failed")
STORED_NAME_LENGTH = 32
HANDLERS = {}
FAILED = _l("The job failed. The administrator can find the details in the server log.")


def msgid(text):
    """The English message id of a lazy string (stored, and translated again whenever it is shown)."""
    args = getattr(text, "_args", None)
    return str(args[0]) if args else str(text)


def handler(kind):
    """Register the function that runs jobs of `kind`: fn(job, payload, progress) -> Result | None."""

    def register(fn):
        HANDLERS[kind] = fn
        return fn

    return register


class JobError(Exception):
    """A job's own refusal: an English message id and its parameters, translated when the owner reads it."""

    def __init__(self, message, report=None, **params):
        super().__init__(msgid(message))
        self.message, self.params, self.report = msgid(message), params, report


class Result:
    """A job's file: its download name, content type and the bytes as chunks (written as they come)."""

    def __init__(self, name, content_type, chunks):
        self.name, self.content_type, self.chunks = name, content_type, chunks


def table_result(stem, fmt, headers, rows, progress):
    """A table export as a job's file (`<stem>-<local date>.<fmt>`), the bar moving one step per row written."""
    from app import tabular

    def counted():
        for n, row in enumerate(rows, 1):
            yield row
            progress.step(n)

    return Result(f"{stem}-{clock.local_today().isoformat()}.{fmt}", tabular.FORMATS[fmt],
                  tabular.chunks(headers, counted(), fmt))


# --- the queue ----------------------------------------------------------------------------------------------
def make_huey(url=None, name="sanarip", path=None, immediate=False):
    """RedisHuey for a redis:// URL, otherwise SqliteHuey in `path`; the job task registered on it."""
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        queue = RedisHuey(name, url=url, immediate=immediate)
    else:
        path = path or os.path.join(_instance(), "jobs.sqlite")
        os.makedirs(os.path.dirname(path), exist_ok=True)  # SqliteHuey opens its file at once
        queue = SqliteHuey(name, filename=path, immediate=immediate)
    holder = {"app": None}
    queue.sanarip_app = holder

    @queue.task(name="sanarip.run_job")
    def run_job(job_id):
        app = holder["app"]
        if app is None:  # a separate huey_consumer process: the app is made once, from the environment
            from app import create_app

            app = holder["app"] = create_app()
        execute(app, job_id)

    queue.sanarip_run = run_job
    return queue


def _instance():
    import config

    return config.INSTANCE_DIR


# The consumer's entry point (`huey_consumer app.jobs.huey`): the queue the environment configures.
huey = make_huey(os.environ.get("SANARIP_JOBS_URL"), os.environ.get("SANARIP_JOBS_QUEUE", "sanarip"))


def init_app(app):
    """The app's queue: the module's when the settings are the environment's, else one of its own (tests, a
    second instance folder); in immediate mode jobs run inside the request that starts them."""
    url, name = app.config.get("JOBS_URL"), app.config.get("JOBS_QUEUE") or "sanarip"
    immediate = app.config.get("JOBS_IMMEDIATE")
    if immediate is None:
        immediate = bool(app.testing)
    path = os.path.join(app.instance_path, "jobs.sqlite")
    same = (url == os.environ.get("SANARIP_JOBS_URL") and name == os.environ.get("SANARIP_JOBS_QUEUE", "sanarip")
            and (url or path == os.path.join(_instance(), "jobs.sqlite")) and not immediate)
    queue = huey if same and huey.sanarip_app["app"] is None else make_huey(url, name, path, immediate)
    queue.sanarip_app["app"] = app
    app.extensions["jobs"] = queue
    if app.config.get("JOBS_THREAD"):
        start_consumer(app)
    return queue


def queue_of(app=None):
    from flask import current_app

    return (app or current_app).extensions["jobs"]


def start_consumer(app, workers=1):
    """A consumer in threads of this process (the dev server; a test of the real path). Returns it; stop()."""
    consumer = queue_of(app).create_consumer(workers=workers, worker_type="thread", periodic=False,
                                             check_worker_health=False)
    # Consumer.start() ends by installing signal handlers, which only the main thread may (and which belong to
    # the server here): it starts the worker threads and returns, without them. run() would also loop for
    # health checks, which threads inside this process do not need.
    consumer._set_signal_handlers = lambda: None
    consumer.start()
    app.extensions["jobs_consumer"] = consumer
    return consumer


# --- starting a job -----------------------------------------------------------------------------------------
def launch(kind, title, payload, user, total=None):
    """Record a job for `user` and queue it; the row is committed first, so the consumer (or the immediate
    run) finds it. Returns the Job."""
    from flask import request

    from app.extensions import db
    from app.i18n import current_language
    from models.jobs import Job

    if kind not in HANDLERS:
        raise KeyError(kind)
    payload = dict(payload)
    payload.setdefault("locale", current_language())
    if request:
        payload.setdefault("path", request.path)
        payload.setdefault("query", request.query_string.decode())
    job = Job(kind=kind, title=str(title)[:255], owner_id=user.id, state="queued", done=0, total=total,
              payload=json.dumps(payload), created_at=clock.now())
    db.session.add(job)
    db.session.commit()
    queue_of().sanarip_run(job.id)
    return job


class Progress:
    """done/total of a running job in the queue's store (written at most every 1 % and at the end)."""

    def __init__(self, queue, job_id, total=None):
        self.queue, self.key, self.total, self.done, self._shown = queue, f"progress:{job_id}", total, 0, -1

    def set_total(self, total):
        self.total = total
        self._write()

    def step(self, done):
        self.done = done
        if self._shown >= 0 and self.total and (done - self._shown) * 100 < self.total and done < self.total:
            return
        self._write()

    def _write(self):
        self._shown = self.done
        self.queue.put(self.key, (self.done, self.total))


def live_progress(job, app=None):
    """(done, total) of a job: the running job's from the queue's store, a finished one's from its row."""
    if job.state == "running":
        try:
            found = queue_of(app).get(f"progress:{job.id}", peek=True)
        except Exception:  # the store is down: the page shows the last known numbers
            found = None
        if found:
            return tuple(found)
    return job.done, job.total


# --- running a job ------------------------------------------------------------------------------------------
def folder(app=None):
    from flask import current_app

    return os.path.join((app or current_app).instance_path, "jobs")


def result_path(job, app=None):
    """The result file's path, or None when the row names none this module generated."""
    name = job.stored_name or ""
    stem, _, ext = name.partition(".")
    if len(stem) != STORED_NAME_LENGTH or not all(c in "0123456789abcdef" for c in stem) or not ext.isalnum():
        return None
    return os.path.join(folder(app), name)


def execute(app, job_id):
    """Run one job in a request context of its owner (scope, audit, language as in the request that started
    it); state, numbers, result file and error are written to the row when it ends."""
    from flask import g
    from flask_babel import refresh
    from flask_login import login_user

    from app.extensions import db
    from models.jobs import Job

    with app.app_context():
        job = db.session.get(Job, job_id)
        if job is None or job.state != "queued":
            return
        payload = json.loads(job.payload or "{}")
        job.state, job.started_at = "running", clock.now()
        db.session.commit()
        user = app.appbuilder.sm.get_user_by_id(job.owner_id)
        queue = queue_of(app)
        progress = Progress(queue, job.id, job.total)
        outcome = {}
        with app.test_request_context(payload.get("path") or "/", query_string=payload.get("query") or ""):
            from flask import session

            session["locale"] = payload.get("locale")
            refresh()
            login_user(user)
            g.user = user
            try:
                result = HANDLERS[job.kind](job, payload, progress)
                if result is not None:
                    outcome.update(_store(app, result))
                outcome["state"] = "done"
            except JobError as exc:
                db.session.rollback()
                outcome.update(state="failed", error=exc.message, error_params=json.dumps(exc.params or {}),
                               report=json.dumps(exc.report) if exc.report else None)
            except Exception:
                db.session.rollback()
                app.logger.exception("job %s (%s) failed", job_id, job.kind)
                outcome.update(state="failed", error=msgid(FAILED))
        db.session.rollback()
        job = db.session.get(Job, job_id)
        report = outcome.pop("report", None) or getattr(progress, "report", None)  # a handler's lines
        for key, value in outcome.items():
            setattr(job, key, value)
        if report is not None:
            job.report = report if isinstance(report, str) else json.dumps(report)
        job.total = progress.total if progress.total is not None else job.total
        job.done = progress.done if outcome["state"] == "failed" else (job.total or progress.done)
        job.finished_at = clock.now()
        db.session.commit()
        try:
            queue.get(f"progress:{job_id}")  # read once more without peeking: the store forgets it
        except Exception:  # pragma: no cover - the row has the numbers now
            pass


def _store(app, result):
    os.makedirs(folder(app), exist_ok=True)
    ext = result.name.rsplit(".", 1)[-1].lower()
    stored = f"{uuid.uuid4().hex}.{ext}"
    path = os.path.join(folder(app), stored)
    size = 0
    with open(path + ".part", "wb") as fh:
        for chunk in result.chunks:
            fh.write(chunk)
            size += len(chunk)
    os.replace(path + ".part", path)
    return {"result_name": result.name, "stored_name": stored, "content_type": result.content_type,
            "size_bytes": size}


def save_upload(upload, app=None):
    """An uploaded file kept for its import job, under a generated name; returns that name."""
    os.makedirs(os.path.join(folder(app), "uploads"), exist_ok=True)
    ext = (upload.filename or "").rsplit(".", 1)[-1].lower()
    stored = f"{uuid.uuid4().hex}.{ext if ext.isalnum() else 'bin'}"
    upload.stream.seek(0)
    with open(os.path.join(folder(app), "uploads", stored), "wb") as fh:
        while chunk := upload.stream.read(1 << 16):
            fh.write(chunk)
    upload.stream.seek(0)
    return stored


def open_upload(stored, filename, app=None):
    from werkzeug.datastructures import FileStorage

    path = os.path.join(folder(app), "uploads", os.path.basename(stored))
    return FileStorage(stream=open(path, "rb"), filename=filename), path


def message(job):
    """The job's error in the reader's language."""
    from flask_babel import gettext

    if not job.error:
        return None
    params = json.loads(job.error_params or "{}")
    return gettext(job.error, **params) if params else gettext(job.error)


def view_named(name):
    from flask import current_app

    for view in current_app.appbuilder.baseviews:
        if view.__class__.__name__ == name:
            return view
    raise LookupError(name)
