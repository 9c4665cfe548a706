"""Locale helpers: the current language and names of multilingual reference data."""
from flask import has_request_context
from flask_babel import get_locale, lazy_gettext as _l

LOCALES = ("ky", "ru", "en")


def current_language():
    if has_request_context():
        try:
            locale = get_locale()
        except Exception:  # babel not initialised (e.g. a bare script)
            locale = None
        if locale is not None and locale.language in LOCALES:
            return locale.language
    return "ru"


def localized_name(obj, field="name", language=None):
    """The name in `language` (default: current), else the Russian one marked as such, so a reader knows the
    translation is missing."""
    language = language or current_language()
    value = getattr(obj, f"{field}_{language}", None)
    if value:
        return value
    fallback = getattr(obj, f"{field}_ru", None) or ""
    if language == "ru" or not fallback:
        return fallback
    return f"{fallback} {MISSING_MARK}"


MISSING_MARK = "[ru]"

LANGUAGE_LABELS = {"ky": _l("Kyrgyz"), "ru": _l("Russian"), "en": _l("English")}
