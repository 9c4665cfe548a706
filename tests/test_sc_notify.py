"""Informing the applicant (issue 12, item 5): messages in the applicant's language by their channel, the outbox
delivered through the pluggable channels (app/notify.py), the log channel's file, a failing channel recorded with
attempts and error and retried up to three attempts, SMTP and the HTTP SMS gateway, delivery after the commit as
a job."""
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tests.sc_dist_rows import MONDAY_10, make_application, make_office, make_service


class Failing:
    """A channel that always fails (configured by its class path)."""

    calls = 0

    def __init__(self, config=None):
        pass

    def send(self, message):
        Failing.calls += 1
        raise ConnectionRefusedError("gateway down\n  at line 1")


@pytest.fixture
def log_path(app, tmp_path):
    path = tmp_path / "notifications.log"
    app.config["NOTIFY_LOG_PATH"] = str(path)
    yield path
    app.config["NOTIFY_LOG_PATH"] = None


@pytest.fixture
def channels(app):
    saved = dict(app.config["NOTIFY_CHANNELS"])
    yield app.config["NOTIFY_CHANNELS"]
    app.config["NOTIFY_CHANNELS"] = saved


@pytest.fixture
def rows(db):
    office = make_office(db.session, head=False)
    return office, make_service(db.session, "Паспорт")


def test_the_message_is_in_the_applicants_language(app, db, rows):
    from app.services import service_centre_notify as notify

    office, service = rows
    with app.test_request_context("/"):
        ky = notify.notify_applicant(db.session, make_application(db.session, office, service, language="ky"),
                                     "received", MONDAY_10)
        ru = notify.notify_applicant(db.session, make_application(db.session, office, service, language="ru",
                                                                  notify_by="email"), "received", MONDAY_10)
        en = notify.notify_applicant(db.session, make_application(db.session, office, service, language="en"),
                                     "ready", MONDAY_10)
    assert (ky.channel, ky.recipient, ky.language, ky.state) == ("sms", "+996555000111", "ky", "queued")
    assert "Паспорт (ky)" in ky.body and "кабыл алынды" in ky.subject and "/status/?number=" in ky.body
    assert ky.application.number in ky.subject and ky.application.code in ky.body
    assert (ru.channel, ru.recipient, ru.language) == ("email", "asan@example.kg", "ru")
    assert "Паспорт (ru)" in ru.body and "принято" in ru.subject and "14 декабря 2026" in ru.body
    from flask_babel import force_locale

    from models.service_centre import APPLICATION_STATES

    with app.test_request_context("/"), force_locale("ru"):
        assert f"Этап: {APPLICATION_STATES['received']}" in ru.body  # the stage, as the catalog translates it
    assert "Паспорт (en)" in en.body and "ready" in en.subject
    db.session.rollback()


def test_no_channel_no_message(app, db, rows):
    from app.services import service_centre_notify as notify

    office, service = rows
    assert notify.notify_applicant(db.session, make_application(db.session, office, service, notify_by="none"),
                                   "received", MONDAY_10) is None
    assert notify.notify_applicant(db.session, make_application(db.session, office, service, applicant_phone=None),
                                   "refused", MONDAY_10) is None
    with pytest.raises(ValueError):
        notify.notify_applicant(db.session, make_application(db.session, office, service), "gossip", MONDAY_10)
    db.session.rollback()


def test_the_log_channel_writes_a_line_per_message(app, db, rows, log_path):
    from app.services import service_centre_notify as notify

    office, service = rows
    messages = [notify.notify_applicant(db.session, make_application(db.session, office, service, language=lang),
                                        "received", MONDAY_10) for lang in ("ky", "ru")]
    db.session.flush()
    sent, failed = notify.deliver_pending(db.session, MONDAY_10, ids=[m.id for m in messages])
    assert (sent, failed) == (2, 0)
    assert all(m.state == "sent" and m.sent_at == MONDAY_10 and m.attempts == 1 for m in messages)
    lines = [json.loads(line) for line in log_path.read_text(encoding="utf-8").splitlines()]
    assert [(line["to"], line["language"], line["subject"]) for line in lines] == [
        (m.recipient, m.language, m.subject) for m in messages]
    db.session.rollback()


def test_a_failing_channel_is_recorded_and_retried_up_to_three_attempts(app, db, rows, channels):
    from app.services import service_centre_notify as notify

    office, service = rows
    channels["sms"] = "tests.test_sc_notify.Failing"
    message = notify.notify_applicant(db.session, make_application(db.session, office, service), "received",
                                      MONDAY_10)
    db.session.flush()
    for attempt in (1, 2, 3):
        assert notify.deliver_pending(db.session, MONDAY_10, ids=[message.id]) == (0, 1)
        assert (message.state, message.attempts) == ("failed", attempt)
    assert message.error == "ConnectionRefusedError: gateway down"  # the message, never the trace
    assert notify.deliver_pending(db.session, MONDAY_10, ids=[message.id]) == (0, 0)  # no fourth attempt
    assert message.attempts == 3
    # a failure that heals before the last attempt is sent then
    second = notify.notify_applicant(db.session, make_application(db.session, office, service), "ready", MONDAY_10)
    db.session.flush()
    notify.deliver_pending(db.session, MONDAY_10, ids=[second.id])
    channels["sms"] = "app.notify.LogChannel"
    app.config["NOTIFY_LOG_PATH"] = str(app.instance_path) + "/test-notifications.log"
    try:
        assert notify.deliver_pending(db.session, MONDAY_10, ids=[second.id]) == (1, 0)
    finally:
        app.config["NOTIFY_LOG_PATH"] = None
    assert (second.state, second.attempts, second.error) == ("sent", 2, None)
    db.session.rollback()


def test_an_unknown_channel_class_fails_the_message_not_the_caller(app, db, rows, channels):
    from app.services import service_centre_notify as notify

    office, service = rows
    channels["email"] = "nowhere.Channel"
    message = notify.notify_applicant(db.session, make_application(db.session, office, service, notify_by="email"),
                                      "received", MONDAY_10)
    db.session.flush()
    assert notify.deliver_pending(db.session, MONDAY_10, ids=[message.id]) == (0, 1)
    assert message.state == "failed" and "nowhere" in message.error
    db.session.rollback()


class _Gateway(BaseHTTPRequestHandler):
    received = []
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Gateway.received.append((self.headers["Authorization"], json.loads(body)))
        self.send_response(_Gateway.status)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_sms_through_the_http_gateway(app):
    from app import notify

    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        config = {"NOTIFY_CHANNELS": {"sms": "app.notify.SmsChannel"}, "SMS_GATEWAY_TOKEN": "t0k",
                  "SMS_GATEWAY_URL": f"http://127.0.0.1:{server.server_port}/send"}
        message = type("M", (), dict(channel="sms", recipient="+996555000111", subject="s", body="Текст",
                                     language="ky"))()
        notify.send(message, config)
        assert _Gateway.received[-1] == ("Bearer t0k", {"to": "+996555000111", "text": "Текст",
                                                        "sender": "Sanarip"})
        _Gateway.status = 503
        with pytest.raises(notify.DeliveryError, match="503"):
            notify.send(message, config)
        with pytest.raises(notify.DeliveryError):
            notify.send(message, {**config, "SMS_GATEWAY_URL": None})
    finally:
        _Gateway.status = 200
        server.shutdown()


def test_email_by_smtp(monkeypatch):
    from app import notify

    sent = []

    class FakeSmtp:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            sent.append(("tls",))

        def login(self, user, password):
            sent.append(("login", user, password))

        def send_message(self, mail):
            sent.append(("mail", mail["To"], mail["From"], mail["Subject"], mail.get_content().strip()))

    monkeypatch.setattr(notify.smtplib, "SMTP", FakeSmtp)
    message = type("M", (), dict(channel="email", recipient="asan@example.kg", subject="Арыз", body="Текст",
                                 language="ky"))()
    config = {"NOTIFY_CHANNELS": {"email": "app.notify.SmtpChannel"}, "MAIL_SERVER": "smtp.example.kg",
              "MAIL_PORT": 587, "MAIL_USE_TLS": True, "MAIL_USERNAME": "u", "MAIL_PASSWORD": "p",
              "MAIL_FROM": "cso@example.kg"}
    notify.send(message, config)
    assert sent == [("connect", "smtp.example.kg", 587), ("tls",), ("login", "u", "p"),
                    ("mail", "asan@example.kg", "cso@example.kg", "Арыз", "Текст")]
    with pytest.raises(notify.DeliveryError):
        notify.send(message, {**config, "MAIL_SERVER": None})


def test_a_requests_messages_are_sent_after_its_commit_as_a_job(app, log_path):
    from flask import Response, g
    from flask_login import login_user

    from app.extensions import db
    from app.services import service_centre_notify as notify
    from models.jobs import Job
    from models.service_centre import ScNotification
    from tests.sc_dist_rows import make_account

    with app.app_context():
        office = make_office(db.session, head=False)
        service = make_service(db.session)
        user = make_account(db.session, ["Service centre operator"], office)
        db.session.commit()
        user_id, office_id, service_id = user.id, office.id, service.id
    from models.service_centre import ScOffice, ScService

    with app.test_request_context("/"):
        user = db.session.get(type(user), user_id)
        login_user(user)
        g.user = user
        rolled = notify.notify_applicant(db.session, make_application(db.session, db.session.get(ScOffice, office_id),
                                                                      db.session.get(ScService, service_id)), "received",
                                         MONDAY_10)
        db.session.flush()
        assert rolled.id is not None
        db.session.rollback()  # a refused request: its message is never sent
        message = notify.notify_applicant(db.session, make_application(db.session, db.session.get(ScOffice, office_id),
                                                                       db.session.get(ScService, service_id)), "received",
                                          MONDAY_10)
        db.session.commit()
        message_id = message.id
        app.process_response(Response("ok"))  # the request ends: its after-request work
    with app.app_context():
        sent = db.session.get(ScNotification, message_id)
        assert sent.state == "sent" and sent.attempts == 1
        job = db.session.query(Job).filter_by(owner_id=user_id, kind="sc_notify").one()
        assert job.state == "done"
        assert db.session.query(ScNotification).filter_by(office_id=office_id).count() == 1
    assert log_path.read_text(encoding="utf-8").count("\n") == 1

