"""The message catalogs as the browser tests see them: compile translations/*/LC_MESSAGES/*.po to .mo (what
`make i18n-compile` does), and decide which text on a page is an untranslated English source string.

A page "leaks" a string when a whole text node, attribute text or line of the page's visible text equals
- an English msgid whose translation in the page's language differs from it (missing, fuzzy or a real
  translation) — the user sees English where the catalog says it should read otherwise; or
- (with --foreign) a translation from another language that the page's language renders differently.
Whole-text comparison (never substrings) keeps words inside user data ("Admin Sanarip") from matching "Admin"."""
import glob
import importlib.util
import os
import re
import time
from io import BytesIO

from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRANSLATIONS = os.path.join(ROOT, "translations")
SOURCE_LANGUAGE = "en"

# Text that is the same in every language on purpose. Keep it short, and say why.
ALLOWED = {
    "Sanarip",  # the product's name
    "Кыргызча", "Русский", "English",  # each language's self-name in the language switch
}

_PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{[^{}]*\}")


def normalize(text):
    """Whitespace collapsed, outer brackets and trailing ':'/'*' (labels, required marks) dropped."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if len(text) > 2 and text[0] == "[" and text[-1] == "]":
        text = text[1:-1].strip()
    return text.rstrip(" :*").strip()


def _read(path, lang, attempts=3):
    # Another process may be rewriting the catalog right now: a half-written file fails to parse; retry.
    for attempt in range(attempts):
        try:
            with open(path, "rb") as fh:
                return read_po(fh, locale=lang)
        except Exception:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)


def compile_catalogs():
    """Every translations/<lang>/LC_MESSAGES/<domain>.po -> .mo next to it, fuzzy entries left out, exactly as
    `make i18n-compile` (pybabel compile -i … -o … -l <lang>) does. Returns {lang: messages Catalog}."""
    catalogs = {}
    for po in sorted(glob.glob(os.path.join(TRANSLATIONS, "*", "LC_MESSAGES", "*.po"))):
        lang = os.path.relpath(po, TRANSLATIONS).split(os.sep)[0]
        catalog = _read(po, lang)
        buffer = BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        target = po[:-3] + ".mo"
        with open(target + ".tmp", "wb") as fh:  # replace atomically: a running server may be reading it
            fh.write(buffer.getvalue())
        os.replace(target + ".tmp", target)
        if os.path.basename(po) == "messages.po":
            catalogs[lang] = catalog
    return catalogs


def source_msgids():
    """The project's strings plus Flask-AppBuilder's (translations/update.py's template(), and the catalogs FAB
    ships); a string that was never merged into our catalog is shown in English (in Kyrgyz at least), so it counts
    as untranslated."""
    path = os.path.join(TRANSLATIONS, "update.py")
    spec = importlib.util.spec_from_file_location("sanarip_translations_update", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    ids = {m.id for m in module.template() if m.id}
    return ids | flask_appbuilder_msgids()


def flask_appbuilder_msgids():
    """Flask-AppBuilder's own strings, from the catalogs it ships: translations/fab.pot is a selection, and a FAB
    string missing from it (e.g. a form field's description) is shown in English in Kyrgyz."""
    spec = importlib.util.find_spec("flask_appbuilder")
    if spec is None or not spec.submodule_search_locations:
        return set()
    ids = set()
    for location in spec.submodule_search_locations:
        # The compiled catalogs: some of FAB's .po files have headers babel refuses to parse.
        for mo in glob.glob(os.path.join(location, "translations", "*", "LC_MESSAGES", "messages.mo")):
            with open(mo, "rb") as fh:
                ids.update(m.id for m in read_mo(fh) if m.id)
    return ids


def _forms(msgid):
    return list(msgid) if isinstance(msgid, (tuple, list)) else [msgid]


def _rendered(message):
    """What gettext shows for this entry: its translation(s), or None when it falls back to the msgid."""
    if message is None or message.fuzzy:
        return None
    strings = [s for s in _forms(message.string) if s]
    return strings or None


def _pattern(msgid):
    """A whole-text matcher for one msgid: a plain normalized string, or a regex where it has placeholders.
    None for strings too short or without letters (numbers, punctuation, bare placeholders)."""
    literal = _PLACEHOLDER.sub("", msgid)
    if len(literal.strip()) < 4 or not re.search(r"[^\W\d_]", literal):
        return None
    if not _PLACEHOLDER.search(msgid):
        return normalize(msgid)
    parts = _PLACEHOLDER.split(normalize(msgid))
    return re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)


class Matcher:
    """Whole-text lookup of a set of strings (plain ones in a dict, placeholder ones as regexes)."""

    def __init__(self):
        self.plain = {}
        self.regexes = []

    def add(self, text, label):
        pattern = _pattern(text)
        if pattern is None:
            return
        if isinstance(pattern, str):
            self.plain.setdefault(pattern, label)
        else:
            self.regexes.append((pattern, label))

    def find(self, text):
        key = normalize(text)
        if key in self.plain:
            return self.plain[key]
        for regex, label in self.regexes:
            if regex.fullmatch(key):
                return label
        return None


class Checker:
    """For one language: which texts on a page are untranslated English, or another language's translation."""

    def __init__(self, lang, catalogs, extra_msgids=(), ignore=()):
        self.lang = lang
        own = catalogs.get(lang)
        ids = {m.id for m in own if m.id} if own is not None else set()
        ids |= set(extra_msgids)
        self.ignore = {normalize(t) for t in set(ignore) | ALLOWED if t}
        # What this language shows for each msgid: strings that are *correct* here, never reported.
        shown_here = set()
        self.untranslated = Matcher()
        for msgid in ids:
            message = own[msgid] if own is not None and msgid in own else None
            rendered = _rendered(message)
            shown_here.update(normalize(s) for s in (rendered or _forms(msgid)))
            if lang == SOURCE_LANGUAGE and rendered is None:
                continue  # English falls back to the msgid, which is English
            singular = _forms(msgid)[0]
            if rendered is None or normalize(rendered[0]) != normalize(singular):
                for form in _forms(msgid):
                    self.untranslated.add(form, form)
        self.foreign = Matcher()
        for other, catalog in catalogs.items():
            if other == lang:
                continue
            for message in catalog:
                for string in _rendered(message) or []:
                    if normalize(string) not in shown_here:
                        self.foreign.add(string, f"{string}  [{other}]")

    def check(self, texts):
        """(untranslated, foreign): sorted lists of what `texts` contains."""
        untranslated, foreign = set(), set()
        for text in texts:
            key = normalize(text)
            if not key or key in self.ignore:
                continue
            hit = self.untranslated.find(key)
            if hit is not None:
                untranslated.add(hit)
                continue
            hit = self.foreign.find(key)
            if hit is not None:
                foreign.add(hit)
        return sorted(untranslated), sorted(foreign)
