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


def names_by_language(obj, field="name"):
    """{language: obj.<field>_<language>} for the three languages, as stored (None where `obj` has no such
    attribute): the one place a multilingual attribute is read by building its name."""
    return {language: getattr(obj, f"{field}_{language}", None) for language in LOCALES}


def choose_name(names, language=None, mark_missing=True):
    """The name in `language` (default: current) from {language: name}, else the Russian one. On screen the
    Russian fallback is marked (`mark_missing`) so a reader knows the translation is missing; an official document
    (a certificate, a notice, a signature stamp) names in Russian without the mark."""
    language = language or current_language()
    value = names.get(language)
    if value:
        return value
    fallback = names.get("ru") or ""
    if language == "ru" or not fallback or not mark_missing:
        return fallback
    return f"{fallback} {MISSING_MARK}"


def localized_name(obj, field="name", language=None, mark_missing=True):
    """`obj`'s <field>_<language> (default: the current language), else the Russian one (see choose_name)."""
    return choose_name(names_by_language(obj, field), language, mark_missing)


MISSING_MARK = "[ru]"

LANGUAGE_LABELS = {"ky": _l("Kyrgyz"), "ru": _l("Russian"), "en": _l("English")}
