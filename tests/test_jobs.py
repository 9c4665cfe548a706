"""Background jobs (app/jobs.py, views/jobs.py): progress and result, the owner-only download, an import through a
job (all-or-nothing, per-row report), a failed job's translated error, the daily duties as a job, the real
consumer on the SQLite queue and on Redis."""
import contextlib
import csv
import io
import json
import time
import uuid

import pytest

from tests.conftest import Browser


@contextlib.contextmanager
def settings(app, **values):
    old = {k: app.config[k] for k in values}
    app.config.update(values)
    try:
        yield
    finally:
        app.config.update(old)


def _login(app, username="admin", lang=None):
    b = Browser(app.test_client())
    if lang:
        b.get(f"/lang/{lang}")
    b.login(username)
    return b


def _latest(db, username="admin"):
    from app.extensions import db as _db
    from models.jobs import Job

    _db.session.rollback()
    user = _db.session.execute(_db.text("select id from ab_user where username = :u"), {"u": username}).scalar()
    return _db.session.query(Job).filter_by(owner_id=user).order_by(Job.id.desc()).first()


def test_a_large_export_is_a_job_with_progress_and_a_result_to_download(app, db):
    from models.household_book import HouseholdMember

    b = _login(app)
    total = db.session.query(HouseholdMember).count()
    assert total > 3
    with settings(app, JOBS_EXPORT_ROWS=total + 1):  # at or below the threshold: streamed in the request
        inline = b.get("/memberview/export/csv")
        assert inline.status_code == 200 and inline.mimetype == "text/csv"
    with settings(app, JOBS_EXPORT_ROWS=3):
        answer = b.get("/memberview/export/csv")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/jobs/")
    job = _latest(db)
    assert job.kind == "export" and job.state == "done" and job.done == job.total == total
    assert job.created_at.tzinfo is not None and job.finished_at >= job.created_at
    status = next(s for s in b.get("/jobs/status").get_json() if s["id"] == job.id)
    assert status["percent"] == 100 and status["download"]
    page = b.get("/jobs/").get_data(as_text=True)
    assert f'data-job="{job.id}"' in page and "100 %" in page
    got = b.get(status["download"])
    assert got.status_code == 200 and "attachment" in got.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(got.get_data().decode("utf-8-sig"))))
    assert len(rows) == total + 1  # the header and every member
    assert rows == list(csv.reader(io.StringIO(inline.get_data().decode("utf-8-sig"))))


def test_progress_is_read_from_the_queue_while_a_job_runs(app, db):
    from app import jobs
    from models.jobs import Job

    job = Job(id=None, kind="export", owner_id=1, state="running", done=0, total=400, title="t",
              created_at=__import__("app.clock", fromlist=["now"]).now())
    db.session.add(job)
    db.session.flush()
    progress = jobs.Progress(jobs.queue_of(app), job.id, 400)
    progress.step(1)
    assert jobs.live_progress(job, app) == (1, 400)
    progress.step(2)  # less than 1 % further: not written again
    assert jobs.live_progress(job, app) == (1, 400)
    progress.step(200)
    assert jobs.live_progress(job, app) == (200, 400)
    job.state, job.done = "done", 400
    assert jobs.live_progress(job, app) == (400, 400)
    db.session.rollback()


def test_only_the_owner_downloads_a_result_and_another_users_attempt_is_audited(app, db, make_user):
    from models.audit import AuditEvent

    owner = _login(app)
    with settings(app, JOBS_EXPORT_ROWS=1):
        owner.get("/memberview/export/xlsx")
    job = _latest(db)
    assert job.state == "done" and job.result_name.endswith(".xlsx")
    url = f"/jobs/download/{job.id}"
    assert owner.get(url).status_code == 200
    other = _login(app, make_user(["LSG clerk"], territory="41708203000000"))
    before = db.session.query(AuditEvent).filter_by(action="denied", object_type="core_job",
                                                    object_id=str(job.id)).count()
    assert other.get(url).status_code == 404
    assert f'data-job="{job.id}"' not in other.get("/jobs/").get_data(as_text=True)
    assert all(s["id"] != job.id for s in other.get("/jobs/status").get_json())
    db.session.rollback()
    denials = db.session.query(AuditEvent).filter_by(action="denied", object_type="core_job",
                                                     object_id=str(job.id)).count()
    assert denials == before + 1
    downloads = db.session.query(AuditEvent).filter_by(action="download", object_type="core_job",
                                                       object_id=str(job.id)).count()
    assert downloads == 1


def _csv(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return io.BytesIO(buffer.getvalue().encode("utf-8"))


def _post(b, url, content, name):
    return b.post(url, {"file": (content, name)}, token_from=url, content_type="multipart/form-data")


HEADER = ["parent", "code", "kind", "name_ky", "name_ru", "name_en"]


def test_an_import_through_a_job_is_all_or_nothing_with_a_per_row_report_translated(app, db):
    from models.reference import Territory

    b = _login(app, lang="ru")
    before = db.session.query(Territory).count()
    tag = uuid.uuid4().int % 90 + 10
    good = [["41708203000000", f"4170820399{tag:02d}{i:02d}", "village", "", f"Джоб {i}", ""] for i in range(3)]
    bad = good + [["41708203000000", "not-a-code", "village", "", "Плохая", ""]]
    with settings(app, JOBS_IMPORT_ROWS=1):
        answer = _post(b, "/territoryview/import/", _csv([HEADER, *bad]), "bad.csv")
        assert answer.status_code == 302 and answer.headers["Location"].endswith("/jobs/")
        job = _latest(db)
        assert job.kind == "import" and job.state == "failed" and job.total == 4
        db.session.expire_all()
        assert db.session.query(Territory).count() == before  # nothing written
        report = json.loads(job.report)
        assert [row for row, _, _ in report] == [5]  # the file's line of the bad row
        page = b.get("/jobs/").get_data(as_text=True)
        assert "Ничего не импортировано" in page  # ru: the job's error, translated when shown
        assert "Nothing was imported" not in page
        ky = _login(app, lang="ky").get("/jobs/").get_data(as_text=True)
        assert "Nothing was imported" not in ky and "Ничего не импортировано" not in ky
        answer = _post(b, "/territoryview/import/", _csv([HEADER, *good]), "good.csv")
        job = _latest(db)
        assert job.state == "done" and job.done == job.total == 3
    db.session.expire_all()
    assert db.session.query(Territory).count() == before + 3
    db.session.query(Territory).filter(Territory.code.like(f"4170820399{tag:02d}%")).delete(
        synchronize_session=False)
    db.session.commit()


def test_a_job_that_breaks_shows_the_translated_general_error_and_keeps_the_details_in_the_log(app, db, caplog):
    from app import jobs

    @jobs.handler("test_boom")
    def boom(job, payload, progress):
        raise RuntimeError("secret internal detail")

    b = _login(app, lang="ru")
    with app.test_request_context("/"):
        from flask import g

        from app.extensions import db as _db

        g.user = app.appbuilder.sm.find_user("admin")
        job = jobs.launch("test_boom", "boom", {}, g.user)
        job_id = job.id
        _db.session.remove()
    job = _latest(db)
    assert job.id == job_id and job.state == "failed"
    page = b.get("/jobs/").get_data(as_text=True)
    assert "secret internal detail" not in page
    assert "Задание не выполнено" in page
    assert "secret internal detail" in caplog.text
    del jobs.HANDLERS["test_boom"]


def test_the_daily_duties_run_as_a_job_of_an_admin_only(app, db, make_user):
    b = _login(app)
    answer = b.post("/jobs/daily", {}, token_from="/jobs/")
    assert answer.status_code == 302
    job = _latest(db)
    assert job.kind == "daily" and job.state == "done", job.error
    assert json.loads(job.report)
    clerk = make_user(["LSG clerk"], territory="41708203000000")
    c = _login(app, clerk)
    assert "jobs-daily" not in c.get("/jobs/").get_data(as_text=True)
    assert c.post("/jobs/daily", {}, token_from="/jobs/").status_code in (302, 403)
    assert _latest(db, clerk) is None


def _wait(db, job_id, seconds=60):
    from app.extensions import db as _db
    from models.jobs import Job

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        _db.session.rollback()
        job = _db.session.get(Job, job_id)
        if job.state in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job.state}")


@contextlib.contextmanager
def real_queue(app, queue):
    from app import jobs

    old = app.extensions["jobs"]
    queue.sanarip_app["app"] = app
    app.extensions["jobs"] = queue
    consumer = jobs.start_consumer(app, workers=1)
    try:
        yield queue
    finally:
        consumer.stop(graceful=True)
        app.extensions["jobs"] = old


def _export_through(app, db, queue):
    b = _login(app)
    with real_queue(app, queue), settings(app, JOBS_EXPORT_ROWS=1):
        answer = b.get("/memberview/export/csv")
        assert answer.status_code == 302
        job = _latest(db)
        assert job.state in ("queued", "running", "done")
        job = _wait(db, job.id)
    assert job.state == "done", job.error
    got = b.get(f"/jobs/download/{job.id}")
    assert got.status_code == 200 and got.get_data().decode("utf-8-sig").count("\n") == job.total + 1


def test_a_real_consumer_thread_runs_a_job_from_the_sqlite_queue(app, db, tmp_path):
    from app import jobs

    _export_through(app, db, jobs.make_huey(None, "sanarip-test", str(tmp_path / "jobs.sqlite")))


@pytest.fixture
def real_redis():
    """The machine's Redis (skipped where there is none)."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")


def test_the_redis_backend_runs_a_job_through_the_real_redis(app, db, real_redis):
    from huey import RedisHuey

    from app import jobs

    name = f"sanarip-test-{uuid.uuid4().hex[:8]}"
    queue = jobs.make_huey("redis://127.0.0.1:6379/0", name)
    assert isinstance(queue, RedisHuey)
    try:
        _export_through(app, db, queue)
    finally:
        queue.storage.flush_all()


def test_a_long_pdf_list_and_a_long_report_export_are_jobs(app, db):
    b = _login(app)
    with settings(app, JOBS_PDF_ROWS=-1):
        answer = b.get("/socialsupportlist/pdf")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/jobs/")
    job = _latest(db)
    assert job.kind == "report_pdf" and job.state == "done", job.error
    got = b.get(f"/jobs/download/{job.id}")
    assert got.mimetype == "application/pdf" and got.get_data()[:4] == b"%PDF"
    with settings(app, JOBS_PDF_ROWS=10 ** 6):  # a short list stays inline
        assert b.get("/socialsupportlist/pdf").mimetype == "application/pdf"
    with settings(app, JOBS_EXPORT_ROWS=-1):
        answer = b.get("/socialsupportlist/export/csv")
    assert answer.status_code == 302
    job = _latest(db)
    assert job.kind == "report_export" and job.state == "done", job.error
    inline = b.get("/socialsupportlist/export/csv").get_data().decode("utf-8-sig")
    assert b.get(f"/jobs/download/{job.id}").get_data().decode("utf-8-sig") == inline


def test_a_separate_huey_consumer_process_runs_a_job_from_redis(app, db, database_url, real_redis):
    """The production path: `huey_consumer app.jobs.huey` in its own process, the app made from the environment."""
    import os
    import subprocess
    import sys

    from app import jobs

    name = f"sanarip-test-{uuid.uuid4().hex[:8]}"
    queue = jobs.make_huey("redis://127.0.0.1:6379/0", name)
    env = dict(os.environ, SANARIP_JOBS_URL="redis://127.0.0.1:6379/0", SANARIP_JOBS_QUEUE=name,
               DATABASE_URL=database_url, SANARIP_INSTANCE=app.instance_path, SECRET_KEY=app.config["SECRET_KEY"])
    consumer = os.path.join(os.path.dirname(sys.executable), "huey_consumer")
    process = subprocess.Popen([consumer, "app.jobs.huey", "-w", "1"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, cwd=os.path.dirname(os.path.dirname(__file__)))
    old = app.extensions["jobs"]
    app.extensions["jobs"] = queue
    try:
        b = _login(app)
        with settings(app, JOBS_EXPORT_ROWS=1):
            assert b.get("/memberview/export/csv").status_code == 302
        job = _wait(db, _latest(db).id, seconds=120)
        assert job.state == "done", job.error
        got = b.get(f"/jobs/download/{job.id}")
        assert got.status_code == 200 and got.get_data().decode("utf-8-sig").count("\n") == job.total + 1
    finally:
        app.extensions["jobs"] = old
        process.terminate()
        process.wait(timeout=30)
        queue.storage.flush_all()
