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


def datepicker_locale(language=None):
    """The date picker's texts in `language` from the CLDR data Babel ships (months, days, "today"), so FAB's
    bootstrap-datepicker, which has no Kyrgyz of its own, shows "Декабрь 2026" and "жш. дш. …" instead of English."""
    from babel.dates import get_day_names, get_month_names
    from flask_babel import gettext

    language = language or current_language()

    def days(width):
        names = get_day_names(width, "stand-alone", locale=language)
        return [names[(i + 6) % 7] for i in range(7)]  # Babel counts from Monday (0), the picker from Sunday

    months = get_month_names("wide", "stand-alone", locale=language)
    short = get_month_names("abbreviated", "stand-alone", locale=language)
    return {"days": days("wide"), "daysShort": days("abbreviated"), "daysMin": days("short"),
            "months": [months[m] for m in range(1, 13)], "monthsShort": [short[m] for m in range(1, 13)],
            "today": gettext("Today"), "clear": gettext("Clear"), "weekStart": 1, "format": "yyyy-mm-dd",
            "titleFormat": "MM yyyy"}
