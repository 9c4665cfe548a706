"""Refresh the catalogs: extract the project's strings, add Flask-AppBuilder's own (fab.pot, which FAB does not
ship for ky), merge into translations/<lang>/LC_MESSAGES/messages.po keeping existing translations, and report
what is left to translate.  Run: `make i18n-extract` (or `python translations/update.py`)."""
import os
import sys
from io import BytesIO

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LANGUAGES = ("ky", "ru", "en")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def extract_project() -> Catalog:
    with open(os.path.join(HERE, "babel.cfg")) as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    catalog = Catalog(project="Sanarip", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        if filename.startswith((".venv", "tests")):
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def template() -> Catalog:
    catalog = extract_project()
    with open(os.path.join(HERE, "fab.pot"), "rb") as fh:
        for message in read_po(fh):
            if message.id and message.id not in catalog:
                catalog.add(message.id, None, [("flask_appbuilder", 0)])
    return catalog


def po_path(lang):
    return os.path.join(HERE, lang, "LC_MESSAGES", "messages.po")


def update(check_only=False):
    pot = template()
    missing = {}
    for lang in LANGUAGES:
        path = po_path(lang)
        if os.path.exists(path):
            with open(path, "rb") as fh:
                catalog = read_po(fh, locale=lang)
        else:
            catalog = Catalog(locale=lang, charset="utf-8", project="Sanarip")
        catalog.update(pot, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False  # a fuzzy header makes pybabel skip the whole catalog
        if not check_only:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            buffer = BytesIO()
            write_po(buffer, catalog, omit_header=False, no_location=True, width=120, sort_output=True)
            with open(path, "wb") as fh:
                fh.write(buffer.getvalue())
        missing[lang] = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    return missing


if __name__ == "__main__":
    # --check: change nothing, only report; --json FILE: write the msgids ky lacks to FILE (for translators)
    result = update(check_only="--check" in sys.argv)
    for lang, ids in result.items():
        print(f"{lang}: {len(ids)} untranslated")
    if "--json" in sys.argv:
        import json

        with open(sys.argv[sys.argv.index("--json") + 1], "w", encoding="utf-8") as fh:
            json.dump(sorted(set(result["ky"]) | set(result["ru"])), fh, ensure_ascii=False, indent=1)
