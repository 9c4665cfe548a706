"""The user guides (issue 13, item 8; the Sanarip Aimak regulation, clause 16(9)): one Markdown file per role and
language under help/<lang>/<role key>.md, served at /help/ (views/help.py). A role's key is its stable English name
in lower case with underscores ("LSG clerk" -> lsg_clerk), as in the demo usernames (demo_lsg_clerk).

Guides show screenshots that the browser tests write to docs/screenshots/ (tests/e2e), referenced in the Markdown
as `screenshots/<file>.png` and served from there as they are, so they never go stale."""
import pathlib
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

from app.seed.roles import role_key

ROOT = pathlib.Path(__file__).resolve().parent.parent
GUIDES = ROOT / "help"
SCREENSHOTS = ROOT / "docs" / "screenshots"
SCREENSHOT_PREFIX = "screenshots/"
#: the language whose guide is shown when the user's language has none (the guides are written in ky and ru)
FALLBACK = ("ru", "ky", "en")
_KEY = re.compile(r"^[a-z0-9_]+$")


@dataclass(frozen=True)
class Guide:
    key: str
    lang: str
    title: str
    path: pathlib.Path

    @property
    def label(self):
        """The title without its common beginning ("User guide: LSG clerk" -> "LSG clerk"), for the lists."""
        label = self.title.split(": ", 1)[-1]
        return label[:1].upper() + label[1:]

    def text(self):
        return self.path.read_text(encoding="utf-8")


def _title(path):
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem


def guides(lang):
    """{key: Guide} in `lang`, a guide missing in it taken from the fallback languages."""
    found = {}
    for code in (lang, *FALLBACK):
        folder = GUIDES / code
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.md")):
            if path.stem not in found and _KEY.match(path.stem):
                found[path.stem] = Guide(path.stem, code, _title(path), path)
    return found


def ordered(lang, role_names):
    """(the guides of the user's own roles, the others), each sorted by title."""
    everything = guides(lang)
    own_keys = {role_key(name) for name in role_names}
    own = sorted((g for k, g in everything.items() if k in own_keys), key=lambda g: g.title)
    rest = sorted((g for k, g in everything.items() if k not in own_keys), key=lambda g: g.title)
    return own, rest


def _parser():
    # raw HTML in a guide is escaped (html=False), tables allowed
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def images(text):
    """The image sources a guide's Markdown references."""
    sources = []
    for token in _parser().parse(text):
        for child in token.children or ():
            if child.type == "image":
                sources.append(child.attrGet("src"))
    return sources


def render(text, screenshot_url):
    """The guide as HTML; `screenshots/<name>` image sources become `screenshot_url(name)`."""
    md = _parser()
    tokens = md.parse(text)
    for token in tokens:
        for child in token.children or ():
            src = child.attrGet("src") if child.type == "image" else None
            if src and src.startswith(SCREENSHOT_PREFIX):
                child.attrSet("src", screenshot_url(src[len(SCREENSHOT_PREFIX):]))
                child.attrSet("loading", "lazy")
    return md.renderer.render(tokens, md.options, {})
