"""Three languages, always: complete ky and ru catalogs (FAB's strings included), translated view titles,
<html lang>, a language switch on every page."""
import re
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import Browser

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
sys.path.insert(0, str(TRANSLATIONS))


def _catalog(lang, domain="messages"):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / f"{domain}.po", "rb") as fh:
        return read_po(fh, locale=lang)


@pytest.mark.parametrize("lang", ["ky", "ru"])
@pytest.mark.parametrize("domain", ["messages", "wtforms"])
def test_catalog_is_complete_and_not_fuzzy(lang, domain):
    catalog = _catalog(lang, domain)
    untranslated = [m.id for m in catalog if m.id and (not m.string or
                                                     (isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not catalog.fuzzy, f"{lang}/{domain}: the header is fuzzy, so pybabel compiles nothing"
    assert not untranslated, f"{lang}/{domain}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{lang}/{domain}: fuzzy entries {fuzzy[:5]}"


def test_catalogs_cover_every_string_in_the_code():
    """Extract the strings of the code now (and FAB's own) and find each translated in ky and ru."""
    import update

    missing = update.update(check_only=True)
    assert not missing["ky"], f"ky lacks {len(missing['ky'])}: {missing['ky'][:8]} (run make i18n-extract)"
    assert not missing["ru"], f"ru lacks {len(missing['ru'])}: {missing['ru'][:8]}"


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_placeholders_survive_translation(lang):
    pattern = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
    for message in _catalog(lang):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(pattern.findall(ids[0]))
        for string in strings:
            assert set(pattern.findall(string)) == expected, (lang, message.id, string)


def test_every_view_title_is_translated(app):
    from flask_babel import force_locale

    checked = 0
    for view in app.appbuilder.baseviews:
        for attr in ("list_title", "show_title", "add_title", "edit_title", "title"):
            title = getattr(view, attr, None)
            if title is None or not hasattr(view, "datamodel") and attr != "title":
                continue
            with app.test_request_context():
                with force_locale("en"):
                    english = str(title)
                with force_locale("ky"):
                    kyrgyz = str(title)
                with force_locale("ru"):
                    russian = str(title)
            assert kyrgyz != english and russian != english, f"{view.__class__.__name__}.{attr}: {english!r}"
            checked += 1
    assert checked > 20


@pytest.mark.parametrize("lang", ["ky", "ru", "en"])
def test_login_page_has_lang_and_switch(app, lang):
    b = Browser(app.test_client())
    b.get(f"/lang/{lang}")
    page = b.get("/login/").get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    for other in {"ky", "ru", "en"} - {lang}:
        assert f'href="/lang/{other}"' in page


def test_kyrgyz_is_the_default_and_babel_formats_dates(app):
    import datetime

    from flask_babel import format_date

    page = Browser(app.test_client()).get("/login/").get_data(as_text=True)
    assert '<html lang="ky">' in page
    with app.test_request_context("/?_l_=ky"):
        assert "2025" in format_date(datetime.date(2025, 3, 1), "long") and "март" in format_date(
            datetime.date(2025, 3, 1), "long")


def test_validation_messages_are_translated(app):
    """WTForms' own messages come in Kyrgyz too (it ships no ky catalog)."""
    b = Browser(app.test_client())
    b.get("/lang/ky")
    b.login("admin")
    page = b.post("/territoryview/add", {"code": "", "name_ru": "", "kind": "bogus"},
                  token_from="/territoryview/add").get_data(as_text=True)
    assert "Бул талааны толтуруу милдеттүү." in page
    assert "Туура эмес тандоо." in page  # WTForms' "Not a valid choice." from our wtforms catalog


@pytest.mark.parametrize("lang", ["ky", "ru", "en"])
@pytest.mark.parametrize("domain", ["messages", "wtforms"])
def test_catalog_passes_babels_checks(lang, domain):
    """What `pybabel compile` refuses (e.g. a bare '%' read as a placeholder) fails here first."""
    path = TRANSLATIONS / lang / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        pytest.skip(f"no {domain} catalog for {lang}")
    problems = [(message.id, [str(e) for e in errors]) for message, errors in _catalog(lang, domain).check()]
    assert not problems, problems[:5]
