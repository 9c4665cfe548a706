"""Informing the applicant (issue 12, item 5; regulation cl. 1.6(14)) and the office heads: the outbox
(`ScNotification`) and its delivery through the platform's channels (app/notify.py).

A message is written in the recipient's language (the applicant's, from the application), queued, and sent
after the request's transaction commits: as a background job (app/jobs.py) when a signed-in user's request made
it, otherwise by the module's daily duty, which also retries failed messages up to MAX_ATTEMPTS attempts in all.
A failure is recorded with the number of attempts and the error's text (never a stack trace)."""
from flask import current_app, has_app_context, has_request_context
from flask_babel import force_locale, format_date, gettext, lazy_gettext as _l
from sqlalchemy import event as sa_event, or_, select

from app import clock, jobs, notify
from app.i18n import LOCALES, localized_name
from models.service_centre import APPLICATION_STATES, ScNotification

APPLICANT_EVENTS = ("received", "ready", "refused")
MAX_ATTEMPTS = 3
JOB_KIND = "sc_notify"


def _config():
    if not has_app_context():
        return {}
    return {**current_app.config, "INSTANCE_PATH": current_app.instance_path}


def status_url(application):
    """The public status page of the application with its number and code filled in: absolute, from
    PUBLIC_BASE_URL when set (a message sent from a job or the daily duty), else from the request's host."""
    from urllib.parse import urlencode

    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/") if has_app_context() else ""
    query = urlencode({"number": application.number or "", "code": application.code or ""})
    if has_request_context() and not base:
        from flask import request

        base = request.host_url.rstrip("/")
    return f"{base}/status/?{query}"


def _language(application):
    language = (application.language or "ky").lower()
    return language if language in LOCALES else "ky"


def applicant_text(application, event, channel):
    """(subject, body) of the applicant's message in the applicant's language: tracking number, service, stage,
    expected date and the public status page."""
    language = _language(application)
    url = status_url(application)
    with force_locale(language):
        number = application.number or ""
        service = localized_name(application.service, language=language, mark_missing=False) \
            if application.service is not None else ""
        stage = str(APPLICATION_STATES.get(application.state, application.state))
        expected = format_date(application.expected_on, "long") if application.expected_on else ""
        subject = {
            "received": gettext("Application %(number)s received", number=number),
            "ready": gettext("Application %(number)s: the result is ready", number=number),
            "refused": gettext("Application %(number)s refused", number=number),
        }[event]
        if channel == "sms":
            body = gettext("%(subject)s. %(service)s. Stage: %(stage)s.", subject=subject, service=service,
                           stage=stage)
            if expected and event == "received":
                body += " " + gettext("Expected: %(date)s.", date=expected)
            body += " " + url
        else:
            lines = [gettext("Service: %(service)s", service=service),
                     gettext("Tracking number: %(number)s", number=number),
                     gettext("Stage: %(stage)s", stage=stage)]
            if expected and event != "refused":
                lines.append(gettext("Expected result date: %(date)s", date=expected))
            if event == "ready":
                lines.append(gettext("Come to the centre with your identity document and the receipt to collect "
                                     "the result."))
            lines.append(gettext("Check the stage at any time: %(url)s (with the verification code of your "
                                 "receipt).", url=url))
            body = "\n".join(lines)
    return subject, body


def queue(session, *, office_id, application, event, channel, recipient, language, subject, body, now,
          recipient_user=None):
    """A queued message in the outbox, to be sent after the transaction commits."""
    row = ScNotification(office_id=office_id, application=application, event=event, channel=channel,
                         recipient=(recipient or None) and str(recipient)[:255], recipient_user=recipient_user,
                         language=language, subject=str(subject)[:255], body=str(body), state="queued",
                         created_at=now, attempts=0)
    if channel == "app":  # read in the application: delivered as it is written
        row.state, row.sent_at = "sent", now
    session.add(row)
    if row.state == "queued":
        _after_commit(session, row)
    return row


def notify_applicant(session, application, event, now):
    """The applicant's message at `event` (received, ready, refused), by their chosen channel (SMS to the phone,
    e-mail to the address); None when they chose none or left no contact for it."""
    if event not in APPLICANT_EVENTS:
        raise ValueError(f"unknown applicant event {event!r}")
    channel = application.notify_by or "none"
    recipient = {"sms": application.applicant_phone, "email": application.applicant_email}.get(channel)
    if channel == "none" or not (recipient or "").strip():
        return None
    subject, body = applicant_text(application, event, channel)
    office_id = application.office_id if application.office_id is not None else application.office.id
    return queue(session, office_id=office_id, application=application, event=event, channel=channel,
                 recipient=recipient.strip(), language=_language(application), subject=subject, body=body, now=now)


# --- delivery -----------------------------------------------------------------------------------------------------
def pending_condition():
    return or_(ScNotification.state == "queued",
               (ScNotification.state == "failed") & (ScNotification.attempts < MAX_ATTEMPTS))


def deliver(row, now, config=None):
    """One attempt to send `row` through its channel: sent, or failed with the attempt counted and the error."""
    row.attempts = (row.attempts or 0) + 1
    try:
        notify.send(row, config if config is not None else _config())
    except Exception as exc:  # any channel's failure is the row's state, never the caller's error
        row.state, row.error = "failed", notify.error_text(exc)
        return False
    row.state, row.sent_at, row.error = "sent", now, None
    return True


def deliver_pending(session, now, limit=200, ids=None):
    """Send queued messages and retry failed ones (fewer than MAX_ATTEMPTS attempts), oldest first; `ids` limits
    it to those rows. Returns (sent, failed)."""
    query = select(ScNotification).where(pending_condition()).order_by(ScNotification.id).limit(limit)
    if ids is not None:
        query = query.where(ScNotification.id.in_(list(ids)))
    config = _config()
    sent = failed = 0
    for row in session.scalars(query).all():
        if deliver(row, now, config):
            sent += 1
        else:
            failed += 1
    session.flush()
    return sent, failed


# --- after the commit: a job for the request's messages --------------------------------------------------------
def _real(session):
    return session() if hasattr(session, "registry") else session  # a scoped_session's current Session


def _after_commit(session, row):
    """Remember `row` on the session; once its transaction commits, the request sends it (as a job)."""
    real = _real(session)
    info = real.info
    info.setdefault("sc_notify_new", []).append(row)
    if not info.get("sc_notify_hooked"):
        info["sc_notify_hooked"] = True
        sa_event.listen(real, "after_commit", _committed)
        sa_event.listen(real, "after_rollback", _rolled_back)
    if has_request_context() and not info.get("sc_notify_request"):
        from flask import after_this_request

        info["sc_notify_request"] = True

        @after_this_request
        def send_committed(response):
            info["sc_notify_request"] = False
            ids = info.pop("sc_notify_committed", [])
            if ids:
                try:
                    launch(ids)
                except Exception:  # the daily duty sends them; the page is not an error for it
                    current_app.logger.exception("notifications %s not sent now", ids)
            return response


def _committed(session):
    rows = session.info.pop("sc_notify_new", [])
    session.info.setdefault("sc_notify_committed", []).extend(r.id for r in rows if r.id is not None)


def _rolled_back(session):
    session.info.pop("sc_notify_new", None)


def launch(ids):
    """Send the messages `ids` in a job of the signed-in user (in TESTING the job runs at once); without a
    signed-in user, at once in this request."""
    from flask import g

    from app.extensions import db

    user = getattr(g, "user", None) if has_request_context() else None
    if user is not None and getattr(user, "is_authenticated", False):
        return jobs.launch(JOB_KIND, _l("Sending notifications"), {"ids": list(ids)}, user,
                           total=len(ids))
    deliver_pending(db.session, clock.now(), ids=ids)
    db.session.commit()
    return None


@jobs.handler(JOB_KIND)
def _delivery_job(job, payload, progress):
    from app.extensions import db

    sent, failed = deliver_pending(db.session, clock.now(), ids=payload.get("ids") or [])
    db.session.commit()
    progress.step(sent + failed)
    return None


# --- the public status page ---------------------------------------------------------------------------------------
PUBLIC_MAX = 32


def find_application(session, number, code):
    """The application with this tracking number and verification code, or None: a wrong number and a wrong code
    are the same None (nothing tells which was wrong)."""
    import hmac

    from models.service_centre import ScApplication

    number, code = (number or "").strip()[:PUBLIC_MAX], (code or "").strip().upper()[:PUBLIC_MAX]
    if not number or not code:
        return None
    application = session.scalars(select(ScApplication).where(ScApplication.number.in_({number, number.upper()}))
                                  .order_by(ScApplication.id).limit(1)).first()
    stored = (application.code or "").strip().upper() if application is not None else ""
    if application is None or not stored or not hmac.compare_digest(stored.encode(), code.encode()):
        return None
    return application


def public_status(application, language=None):
    """What the public page shows of an application, and nothing else: its stage (translated), the expected
    date, the office's and the service's names."""
    return {"number": application.number,
            "state": application.state,
            "stage": str(APPLICATION_STATES.get(application.state, application.state)),
            "expected_on": format_date(application.expected_on, "long") if application.expected_on else "",
            "office": localized_name(application.office, language=language, mark_missing=False)
            if application.office is not None else "",
            "service": localized_name(application.service, language=language, mark_missing=False)
            if application.service is not None else ""}
