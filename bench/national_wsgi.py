"""The gunicorn entry of the national benchmark (bench/national.py measure): the app as `run.py` builds it (settings
from the environment), wrapped so that every request appends one JSON line to $BENCH_STATS with its SQL statement
count, the time spent in the database, the wall time and the worker's peak memory. Nothing in the app changes:
the counter is a SQLAlchemy engine event attached here, in the benchmark's own worker process.

    BENCH_STATS=/tmp/stats.jsonl DATABASE_URL=… gunicorn --chdir <repo> bench.national_wsgi:app"""
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import event  # noqa: E402

from app import create_app  # noqa: E402

flask_app = create_app()
STATS = os.environ.get("BENCH_STATS")
_now = {"statements": 0, "sql": 0.0}

with flask_app.app_context():
    from app.extensions import db

    _engine = db.engine


@event.listens_for(_engine, "before_cursor_execute")
def _before(conn, _cursor, _statement, _parameters, _context, _executemany):
    _now["statements"] += 1
    conn.info["bench_started"] = time.perf_counter()


@event.listens_for(_engine, "after_cursor_execute")
def _after(conn, _cursor, _statement, _parameters, _context, _executemany):
    started = conn.info.pop("bench_started", None)
    if started is not None:
        _now["sql"] += time.perf_counter() - started


class _Counted:
    """The response body, passed through; the request's line is written when the server closes it (after a
    streamed export's last row)."""

    def __init__(self, body, environ, started):
        self.body, self.environ, self.started = body, environ, started

    def __iter__(self):
        return iter(self.body)

    def close(self):
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            if STATS:
                line = {"id": self.environ.get("HTTP_X_BENCH_ID"), "path": self.environ.get("PATH_INFO"),
                        "statements": _now["statements"], "sql_ms": round(_now["sql"] * 1000, 1),
                        "wall_ms": round((time.perf_counter() - self.started) * 1000, 1), "pid": os.getpid(),
                        "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
                with open(STATS, "a") as fh:
                    fh.write(json.dumps(line) + "\n")


def app(environ, start_response):
    _now["statements"], _now["sql"] = 0, 0.0
    started = time.perf_counter()
    return _Counted(flask_app(environ, start_response), environ, started)
