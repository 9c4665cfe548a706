"""The one notification mechanism of the platform: pluggable channels that deliver a message (an outbox row such
as `models.service_centre.ScNotification`: `channel`, `recipient`, `subject`, `body`, `language`).

A channel is a class with `send(message) -> None` that raises on failure (the caller records the attempt, its
error text and retries). Which class serves which channel name is configuration (`NOTIFY_CHANNELS`, config.py):
by default both "sms" and "email" go to `LogChannel`, a file channel that appends one line per message to
`<instance>/notifications.log`, so a demo or an offline installation loses nothing and sends nothing.
Production points "email" at `SmtpChannel` (MAIL_* settings) and "sms" at `SmsChannel`, which hands the text to a
gateway (`SmsGateway.send(phone, text)`; `HttpSmsGateway` posts JSON to SMS_GATEWAY_URL with a bearer token; any
other gateway class by its path in SMS_GATEWAY_CLASS). The in-app channel "app" delivers nothing: the message is
read in the application (a head's "My alerts")."""
import importlib
import json
import os
import smtplib
import threading
import urllib.error
import urllib.request
from email.message import EmailMessage

from app import clock

DEFAULT_CHANNELS = {"sms": "app.notify.LogChannel", "email": "app.notify.LogChannel", "app": "app.notify.InAppChannel"}
_log_lock = threading.Lock()


class DeliveryError(Exception):
    """A channel's refusal: the message (never a stack trace) is stored on the outbox row."""


def load(path):
    """The class (or any attribute) named by a dotted path, e.g. app.notify.SmtpChannel."""
    module, _, name = path.rpartition(".")
    if not module:
        raise DeliveryError(f"not a class path: {path}")
    return getattr(importlib.import_module(module), name)


class Channel:
    """A way to deliver a message. `config` is the app's configuration (a mapping)."""

    def __init__(self, config=None):
        self.config = config or {}

    def send(self, message) -> None:  # pragma: no cover - the interface
        raise NotImplementedError


class InAppChannel(Channel):
    """Read in the application itself (the recipient account's alert list): nothing to send."""

    def send(self, message) -> None:
        return None


class LogChannel(Channel):
    """The file/log channel: one JSON line per message in <instance>/notifications.log (NOTIFY_LOG_PATH)."""

    def path(self):
        path = self.config.get("NOTIFY_LOG_PATH")
        if not path:
            import config as settings

            path = os.path.join(self.config.get("INSTANCE_PATH") or settings.INSTANCE_DIR, "notifications.log")
        return path

    def send(self, message) -> None:
        line = json.dumps({"at": clock.now().isoformat(timespec="seconds"),
                           "channel": message.channel, "to": message.recipient, "language": message.language,
                           "subject": message.subject, "body": message.body}, ensure_ascii=False)
        path = self.path()
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with _log_lock, open(path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


class SmtpChannel(Channel):
    """E-mail by SMTP: MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS (STARTTLS), MAIL_USERNAME, MAIL_PASSWORD, MAIL_FROM."""

    def send(self, message) -> None:
        server = self.config.get("MAIL_SERVER")
        if not server:
            raise DeliveryError("MAIL_SERVER is not set")
        if not message.recipient:
            raise DeliveryError("no e-mail address")
        mail = EmailMessage()
        mail["From"] = self.config.get("MAIL_FROM") or "sanarip@localhost"
        mail["To"] = message.recipient
        mail["Subject"] = message.subject
        mail.set_content(message.body)
        port = int(self.config.get("MAIL_PORT") or 25)
        with smtplib.SMTP(server, port, timeout=int(self.config.get("MAIL_TIMEOUT_SEC") or 20)) as smtp:
            if self.config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if self.config.get("MAIL_USERNAME"):
                smtp.login(self.config["MAIL_USERNAME"], self.config.get("MAIL_PASSWORD") or "")
            smtp.send_message(mail)


class SmsGateway:
    """The interface of an SMS provider: send `text` to `phone` or raise."""

    def __init__(self, config=None):
        self.config = config or {}

    def send(self, phone, text) -> None:  # pragma: no cover - the interface
        raise NotImplementedError


class HttpSmsGateway(SmsGateway):
    """POST {"to": phone, "text": text, "sender": SMS_SENDER} as JSON to SMS_GATEWAY_URL with
    `Authorization: Bearer SMS_GATEWAY_TOKEN`; any answer but 2xx is a failure."""

    def send(self, phone, text) -> None:
        url = self.config.get("SMS_GATEWAY_URL")
        if not url:
            raise DeliveryError("SMS_GATEWAY_URL is not set")
        body = json.dumps({"to": phone, "text": text, "sender": self.config.get("SMS_SENDER") or "Sanarip"})
        request = urllib.request.Request(url, data=body.encode("utf-8"), method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.config.get('SMS_GATEWAY_TOKEN') or ''}"})
        try:
            with urllib.request.urlopen(request, timeout=int(self.config.get("SMS_GATEWAY_TIMEOUT_SEC") or 20)) as r:
                status = r.status
        except urllib.error.HTTPError as error:
            raise DeliveryError(f"SMS gateway answered {error.code}") from None
        except (urllib.error.URLError, OSError) as error:
            raise DeliveryError(f"SMS gateway unreachable: {getattr(error, 'reason', error)}") from None
        if not 200 <= status < 300:
            raise DeliveryError(f"SMS gateway answered {status}")


class SmsChannel(Channel):
    """SMS through the gateway named by SMS_GATEWAY_CLASS (default HttpSmsGateway): the message's body is the
    text."""

    def gateway(self):
        return load(self.config.get("SMS_GATEWAY_CLASS") or "app.notify.HttpSmsGateway")(self.config)

    def send(self, message) -> None:
        if not message.recipient:
            raise DeliveryError("no phone number")
        self.gateway().send(message.recipient, message.body)


def channels(config):
    """{channel name: class path}: the configured ones over the defaults."""
    return {**DEFAULT_CHANNELS, **(config.get("NOTIFY_CHANNELS") or {})}


def channel_for(name, config):
    """An instance of the channel that serves `name` under `config`."""
    path = channels(config).get(name)
    if path is None:
        raise DeliveryError(f"no channel {name!r}")
    return load(path)(config)


def send(message, config):
    """Deliver one message through its channel; raises (DeliveryError or the channel's own error) on failure."""
    channel_for(message.channel, config).send(message)


def error_text(exc):
    """What is stored of a failure: the exception's class and message, one line, never the stack trace."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    name = type(exc).__name__
    return (f"{name}: {text}" if text and name != "DeliveryError" else text or name)[:500]
