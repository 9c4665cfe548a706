"""Browser fixtures: the real app served by `flask run` in a subprocess on a fresh SQLite database (set up by
`flask sanarip setup --demo`), driven by Debian's Chromium through Playwright. Skipped without Chromium."""
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import pytest

from tests.e2e.catalogs import ROOT, compile_catalogs

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ADMIN = ("admin", "E2eAdmin12345")
DEMO_PASSWORD = "E2eDemo12345"
SCREENSHOT = "/tmp/e2e_ky.png"


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed")
    pytest.importorskip("playwright.sync_api")
    return CHROMIUM


@pytest.fixture(scope="session")
def catalogs():
    """Compiled catalogs (the server loads the .mo files), parsed: {lang: Catalog}."""
    return compile_catalogs()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path, lines=40):
    try:
        with open(path, errors="replace") as fh:
            return "".join(fh.readlines()[-lines:])
    except OSError:
        return ""


def _user_data(db_path):
    """Stored values (names, usernames, codes, roles, territories) a page may show verbatim: user data, never
    judged as untranslated text."""
    queries = ["SELECT username, first_name, last_name, email FROM ab_user", "SELECT name FROM ab_role",
               # a notification as it was sent, in its recipient's language
               "SELECT subject, body FROM sc_notification",
               "SELECT name FROM ab_group", "SELECT DISTINCT username FROM core_audit_event"]
    values = set()
    with sqlite3.connect(db_path) as conn:
        # every classifier's codes and names, in whichever language a page shows them
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            columns = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
            # and every text kept in three languages (a service's result and knowledge base: the record page
            # shows all three to the people who keep them)
            stored = sorted(columns & {"code", "name", "number", "label"} |
                            {c for c in columns if c.endswith(("_ky", "_ru", "_en"))})
            if stored:
                queries.append(f'SELECT {", ".join(stored)} FROM "{table}"')
        for query in queries:
            try:
                rows = conn.execute(query).fetchall()
            except sqlite3.Error:
                continue
            values.update(str(v) for row in rows for v in row if v)
    return values


class LiveServer:
    def __init__(self, url, db_path):
        self.url = url
        self.db_path = db_path
        self.admin = ADMIN
        self.demo_password = DEMO_PASSWORD

    def user_data(self):
        return _user_data(self.db_path)


@pytest.fixture(scope="session")
def live_server(chromium, catalogs):
    tmpdir = tempfile.mkdtemp(prefix="sanarip-e2e-")
    db_path = os.path.join(tmpdir, "e2e.db")
    env = dict(os.environ, SANARIP_INSTANCE=tmpdir, DATABASE_URL="sqlite:///" + db_path,
               ADMIN_USERNAME=ADMIN[0], ADMIN_PASSWORD=ADMIN[1], DEMO_PASSWORD=DEMO_PASSWORD,
               LOGIN_RATE_LIMIT="1000 per minute", FLASK_DEBUG="0", PYTHONUNBUFFERED="1",
               # the jobs' consumer in a thread of the server, as under `make run`; exports of more than 20 rows
               # are jobs (tests/e2e/test_jobs.py)
               SANARIP_JOBS_THREAD="1", JOBS_EXPORT_ROWS="20")
    for name in ("FLASK_APP", "FLASK_RUN_PORT", "FLASK_RUN_HOST", "DEFAULT_LOCALE", "SANARIP_MODULES",
                 "SANARIP_JOBS_URL"):
        env.pop(name, None)
    flask = [sys.executable, "-m", "flask", "--app", "run"]
    setup = subprocess.run(flask + ["sanarip", "setup", "--demo"], cwd=ROOT, env=dict(env, SANARIP_JOBS_THREAD="0"),
                           capture_output=True, text=True, timeout=900)
    if setup.returncode != 0:
        shutil.rmtree(tmpdir, ignore_errors=True)
        pytest.fail(f"flask sanarip setup --demo failed:\n{setup.stdout[-3000:]}\n{setup.stderr[-3000:]}")

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = os.path.join(tmpdir, "server.log")
    log = open(log_path, "w")
    server = subprocess.Popen(flask + ["run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"the server exited with {server.returncode}:\n{_tail(log_path)}")
            try:
                with urllib.request.urlopen(url + "/login/", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer on {url} within 30 s:\n{_tail(log_path)}")
            time.sleep(0.2)
        yield LiveServer(url, db_path)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        shutil.rmtree(tmpdir, ignore_errors=True)


@pytest.fixture(scope="session")
def pw_browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(pw_browser, live_server):
    """A fresh browser context (no cookies) per test, relative URLs resolved against the live server."""
    context = pw_browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
