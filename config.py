"""Sanarip configuration: every setting comes from an environment variable with a documented default.

| variable              | default                                   | meaning                                        |
|-----------------------|-------------------------------------------|------------------------------------------------|
| DATABASE_URL          | sqlite:///<instance>/sanarip.db           | SQLAlchemy URL; postgresql+psycopg://… in prod |
| SECRET_KEY            | generated once into instance/secret_key   | signs sessions and CSRF tokens                 |
| SANARIP_MODULES       | all                                       | comma-separated module keys to enable          |
| RATELIMIT_STORAGE_URI | memory://                                 | redis://127.0.0.1:6379 with several workers    |
| LOGIN_RATE_LIMIT      | 10 per minute                             | login form and JWT login, per client address   |
| LOCKOUT_ATTEMPTS      | 5                                         | failed logins that lock an account …           |
| LOCKOUT_WINDOW_MIN    | 15                                        | … within this many minutes                     |
| IDLE_TIMEOUT_MIN      | 30                                        | a session idle this long is logged out         |
| ACCESS_TOKEN_MIN      | 15                                        | lifetime of a JWT access token                 |
| SESSION_LIFETIME_HOURS | 12                                       | refresh tokens stop this long after the login  |
| ACTIVATION_LINK_HOURS | 72                                        | a new account's one-time activation link lives |
| ACTIVATION_RATE_LIMIT | 20 per minute                             | the activation page, per client address        |
| CHILD_PROTECTION_ACCESS_MAX_DAYS | 365                            | longest validity of a child-protection account |
| LOGIN_THROTTLE_FREE   | 3                                         | failed logins per address and account …        |
| LOGIN_THROTTLE_DELAY_SEC | 5                                      | … then a wait doubling from this per failure   |
| LOGIN_THROTTLE_HOURS  | 24                                        | how far back the throttle counts failures      |
| TRUSTED_PROXIES       | 0                                         | reverse proxies in front (nginx: 1); 0 = none  |
| MAX_PAGE_SIZE         | 100                                       | cap for list and API page sizes                |
| LIST_COUNT_CAP        | 10000                                     | lists, the REST list (`count_capped`) and exports count rows up to this, then say "more than" |
| SESSION_COOKIE_SECURE | 0                                         | set 1 behind HTTPS (see README)                |
| DEFAULT_LOCALE        | ky                                        | ky, ru or en                                   |
| LAND_QUEUE_CHECK_RATE_LIMIT | 10 per minute                       | public queue-position checks per address       |
| SIGNING_KEY_PASSPHRASE | generated once into instance/signing     | encrypts the PKCS#12 key files (set it in prod) |
| SIGNING_DEMO_CA       | 1                                         | demo CA signs for every LSG body; 0 in prod    |
| SIGNING_TRUST_ROOTS   | (none)                                    | PEM files of trusted root CAs, comma-separated |
| SIGNATURE_CHECK_RATE_LIMIT | 10 per minute                        | public PDF-signature checks per address        |
| SIGNATURE_CHECK_MAX_MB | 10                                       | largest PDF the public check accepts           |
| SANARIP_JOBS_URL      | (none: SqliteHuey in <instance>/jobs.sqlite) | redis://127.0.0.1:6379/0: RedisHuey (prod)  |
| SANARIP_JOBS_QUEUE    | sanarip                                   | the queue's name (one per installation)        |
| SANARIP_JOBS_THREAD   | 0                                         | 1: a consumer thread in this process (make run) |
| JOBS_EXPORT_ROWS      | 5000                                      | exports above this many rows run as jobs       |
| JOBS_IMPORT_ROWS      | 500                                       | imports above this many rows run as jobs       |
| JOBS_PDF_ROWS         | 100                                       | PDF lists above this many rows run as jobs     |
| NOTIFY_SMS_CHANNEL    | app.notify.LogChannel                     | class sending SMS (app.notify.SmsChannel: gateway) |
| NOTIFY_EMAIL_CHANNEL  | app.notify.LogChannel                     | class sending e-mail (app.notify.SmtpChannel)  |
| NOTIFY_LOG_PATH       | <instance>/notifications.log              | the log channel's file (one JSON line a message) |
| MAIL_SERVER           | (none)                                    | SMTP server of SmtpChannel                     |
| MAIL_PORT             | 25                                        | its port (587 with MAIL_USE_TLS)               |
| MAIL_USE_TLS          | 0                                         | 1: STARTTLS before logging in                  |
| MAIL_USERNAME         | (none)                                    | SMTP login (none: no login)                    |
| MAIL_PASSWORD         | (none)                                    | SMTP password                                  |
| MAIL_FROM             | sanarip@localhost                         | sender address of the e-mails                  |
| SMS_GATEWAY_CLASS     | app.notify.HttpSmsGateway                 | the SmsChannel's gateway (SmsGateway subclass) |
| SMS_GATEWAY_URL       | (none)                                    | HttpSmsGateway posts {to, text, sender} here   |
| SMS_GATEWAY_TOKEN     | (none)                                    | … with Authorization: Bearer <token>           |
| SMS_SENDER            | Sanarip                                   | sender name passed to the gateway              |
| PUBLIC_BASE_URL       | (none: the request's host)                | https://… of the public pages, for links in messages |
| SC_STATUS_RATE_LIMIT  | 30 per minute                             | public application-status checks per address   |
"""
import os

BASE_DIR = os.path.abspath(os.path.dirname(__file__))
INSTANCE_DIR = os.environ.get("SANARIP_INSTANCE", os.path.join(BASE_DIR, "instance"))


def _bool(name, default=False):
    return os.environ.get(name, "1" if default else "0").lower() in ("1", "true", "yes", "on")


def _int(name, default):
    return int(os.environ.get(name, default))


class Config:
    APP_NAME = "Sanarip"
    APP_THEME = ""
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", "sqlite:///" + os.path.join(INSTANCE_DIR, "sanarip.db")
    )
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SECRET_KEY = os.environ.get("SECRET_KEY")  # None: create_app reads/creates instance/secret_key

    ENABLED_MODULES = [m.strip() for m in os.environ.get("SANARIP_MODULES", "all").split(",") if m.strip()]

    # Flask-AppBuilder
    FAB_SECURITY_MANAGER_CLASS = "app.security.SanaripSecurityManager"
    FAB_INDEX_VIEW = "views.home.HomeView"
    FAB_API_SWAGGER_UI = True
    FAB_ADD_SECURITY_API = False  # user/role REST APIs would bypass the account rules of the UI
    FAB_API_MAX_PAGE_SIZE = _int("MAX_PAGE_SIZE", 100)
    MAX_PAGE_SIZE = _int("MAX_PAGE_SIZE", 100)
    # an exact count(*) of a national list is most of the page's time (issue 14): count up to the cap, then
    # "more than"; the pages up to the cap stay reachable by the pager
    LIST_COUNT_CAP = _int("LIST_COUNT_CAP", 10000)
    AUTH_TYPE = 1  # AUTH_DB
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"
    AUTH_USER_REGISTRATION = False
    FAB_PASSWORD_COMPLEXITY_ENABLED = True
    FAB_PASSWORD_COMPLEXITY_VALIDATOR = "app.security.password_complexity"

    # Account rules
    LOCKOUT_ATTEMPTS = _int("LOCKOUT_ATTEMPTS", 5)
    LOCKOUT_WINDOW_MIN = _int("LOCKOUT_WINDOW_MIN", 15)
    IDLE_TIMEOUT_MIN = _int("IDLE_TIMEOUT_MIN", 30)
    ACCESS_TOKEN_MIN = _int("ACCESS_TOKEN_MIN", 15)
    SESSION_LIFETIME_HOURS = _int("SESSION_LIFETIME_HOURS", 12)
    # a new account's one-time activation link (app/services/accounts.py): hours valid, page rate per address
    ACTIVATION_LINK_HOURS = _int("ACTIVATION_LINK_HOURS", 72)
    ACTIVATION_RATE_LIMIT = os.environ.get("ACTIVATION_RATE_LIMIT", "20 per minute")
    # a child-protection account is valid for a fixed term of at most this many days (cl. 13(3), 24)
    CHILD_PROTECTION_ACCESS_MAX_DAYS = _int("CHILD_PROTECTION_ACCESS_MAX_DAYS", 365)
    # per (client address, account): LOGIN_THROTTLE_FREE failures, then waits of DELAY, 2×DELAY, 4×DELAY, …
    LOGIN_THROTTLE_FREE = _int("LOGIN_THROTTLE_FREE", 3)
    LOGIN_THROTTLE_DELAY_SEC = _int("LOGIN_THROTTLE_DELAY_SEC", 5)
    LOGIN_THROTTLE_HOURS = _int("LOGIN_THROTTLE_HOURS", 24)
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)

    # Rate limits (Flask-Limiter, created by Flask-AppBuilder's security manager)
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    AUTH_RATE_LIMITED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")

    # CSRF everywhere (Flask-WTF); the JSON API authenticates with a bearer token instead
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None

    # Cookies: secure ones need HTTPS in front (README, "Production")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    PREFERRED_URL_SCHEME = "https" if SESSION_COOKIE_SECURE else "http"

    # Languages: Kyrgyz first
    BABEL_DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "ky")
    BABEL_TRANSLATION_DIRECTORIES = os.path.join(BASE_DIR, "translations")
    # The one clock (app/clock.py): instants are stored in UTC and shown in this zone, by Babel too
    TIMEZONE = os.environ.get("TIMEZONE", "Asia/Bishkek")
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    LANGUAGES = {
        "ky": {"flag": "kg", "name": "Кыргызча"},
        "ru": {"flag": "ru", "name": "Русский"},
        "en": {"flag": "gb", "name": "English"},
    }

    LAND_QUEUE_CHECK_RATE_LIMIT = os.environ.get("LAND_QUEUE_CHECK_RATE_LIMIT", "10 per minute")
    UPLOAD_MAX_ROWS = _int("UPLOAD_MAX_ROWS", 50000)
    UPLOAD_MAX_COLUMNS = _int("UPLOAD_MAX_COLUMNS", 100)  # a sheet wider than this is refused before it is read
    UPLOAD_MAX_UNPACKED_MB = _int("UPLOAD_MAX_UNPACKED_MB", 256)  # xlsx: the sheets and strings once unzipped
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024

    # background jobs (app/jobs.py): the queue, and the sizes above which a path runs as a job instead of inline
    # (below them the answer in the request is quicker than a round trip through the queue)
    JOBS_URL = os.environ.get("SANARIP_JOBS_URL") or None
    JOBS_QUEUE = os.environ.get("SANARIP_JOBS_QUEUE", "sanarip")
    JOBS_THREAD = _bool("SANARIP_JOBS_THREAD")
    JOBS_IMMEDIATE = None  # None: immediate (run inside the request) exactly when TESTING
    JOBS_EXPORT_ROWS = _int("JOBS_EXPORT_ROWS", 5000)
    JOBS_IMPORT_ROWS = _int("JOBS_IMPORT_ROWS", 500)
    JOBS_PDF_ROWS = _int("JOBS_PDF_ROWS", 100)
    JOBS_PDF_MAX_ROWS = _int("JOBS_PDF_MAX_ROWS", 20000)  # a job renders up to this many rows into one PDF

    # PDF signatures (app/signing.py): keys in <instance>/signing, encrypted with this passphrase (generated into
    # that folder when empty); the demo CA signs for every LSG body until real PKCS#12 files are loaded
    SIGNING_KEY_PASSPHRASE = os.environ.get("SIGNING_KEY_PASSPHRASE") or None
    SIGNING_DEMO_CA = _bool("SIGNING_DEMO_CA", True)
    SIGNING_TRUST_ROOTS = os.environ.get("SIGNING_TRUST_ROOTS", "")
    SIGNATURE_CHECK_RATE_LIMIT = os.environ.get("SIGNATURE_CHECK_RATE_LIMIT", "10 per minute")
    SIGNATURE_CHECK_MAX_BYTES = _int("SIGNATURE_CHECK_MAX_MB", 10) * 1024 * 1024

    # notifications (app/notify.py): channel name -> class; both default to the log file in the instance folder
    NOTIFY_CHANNELS = {"sms": os.environ.get("NOTIFY_SMS_CHANNEL", "app.notify.LogChannel"),
                       "email": os.environ.get("NOTIFY_EMAIL_CHANNEL", "app.notify.LogChannel")}
    NOTIFY_LOG_PATH = os.environ.get("NOTIFY_LOG_PATH") or None
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_FROM = os.environ.get("MAIL_FROM", "sanarip@localhost")
    SMS_GATEWAY_CLASS = os.environ.get("SMS_GATEWAY_CLASS", "app.notify.HttpSmsGateway")
    SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL") or None
    SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN") or None
    SMS_SENDER = os.environ.get("SMS_SENDER", "Sanarip")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    SC_STATUS_RATE_LIMIT = os.environ.get("SC_STATUS_RATE_LIMIT", "30 per minute")
