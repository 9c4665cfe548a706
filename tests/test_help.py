"""The user guides (issue 13, item 8; Sanarip Aimak regulation, clause 16(9)): a guide per role in Kyrgyz and
Russian at /help/, the user's own first, in the language of the menus they see, with the screenshots the browser
tests write (served as they are, nothing outside docs/screenshots/); `flask sanarip demo-users` lists the logins."""
import re

import pytest

from app import help as guides
from tests.conftest import Browser

RAYON = "41708203000000"  # the demo rayon
#: each demo role with a guide: (role name, territorial)
ROLES = [("LSG clerk", True), ("LSG head", True), ("Social protection specialist", True),
         ("Child protection case worker", True), ("Child protection territorial reader", True),
         ("Child protection central reader", False), ("Auditor", False), ("Statistician", False),
         ("LSG policy specialist", False), ("Reference editor", False), ("Admin", False),
         ("Service centre operator", False), ("Service centre back-office specialist", False),
         ("Service centre office head", False), ("Service centre administrator", False),
         ("Service centre partner organisation", False), ("Service centre analyst", False)]
#: Latin words a ky/ru guide may contain (names of file formats and of the system's address)
LATIN_ALLOWED = {"PDF", "XLSX", "CSV", "Excel", "PNG"}


def _signed_in(app, make_user, role, territorial, lang):
    b = Browser(app.test_client())
    b.login(make_user((role,), territory=RAYON if territorial else None))
    b.get(f"/lang/{lang}")
    return b


def _menu_labels(app, role):
    """(English msgid, translated label in ky, in ru) of the menu items the role's templates grant."""
    from flask_babel import force_locale

    from app.cli import _templates

    specs = app.extensions["sanarip_modules"]
    menus = {item.view: item for spec in specs for item in spec.menu}
    if role == "Admin":
        items = [m for m in menus.values()]
    else:
        (template,) = [t for t in _templates() if t.name == role]
        items = [menus[g.target] for g in template.permissions if g.menu]
    out = []
    for item in items:
        labels = [str(item.label)]
        for lang in ("ky", "ru"):
            with force_locale(lang):
                labels.append(str(item.label))
        out.append(tuple(labels))
    return out


def _article(page):
    match = re.search(r'<article[^>]*id="help-guide"[^>]*>(.*?)</article>', page, re.S)
    assert match, "no guide on the page"
    return match.group(1)


@pytest.mark.parametrize("lang", ["ky", "ru"])
@pytest.mark.parametrize("role, territorial", ROLES, ids=[r for r, _ in ROLES])
def test_the_guide_of_the_role_comes_first_in_the_users_language(app, make_user, role, territorial, lang):
    key = guides.role_key(role)
    assert (guides.GUIDES / lang / f"{key}.md").is_file(), f"no {lang} guide for {role}"
    b = _signed_in(app, make_user, role, territorial, lang)
    index = b.get("/help/")
    assert index.status_code == 200
    listed = re.findall(r'data-guide="([a-z0-9_]+)"', index.get_data(as_text=True))
    assert listed[0] == key and len(listed) == len(set(listed)) >= len(ROLES)
    page = b.get(f"/help/{key}")
    assert page.status_code == 200
    article = _article(page.get_data(as_text=True))
    text = re.sub(r"<[^>]+>", " ", article)
    with app.app_context(), app.test_request_context():
        labels = _menu_labels(app, role)
    translated = [ky if lang == "ky" else ru for _, ky, ru in labels]
    assert any(label in text for label in translated), f"{role}/{lang}: no menu label of the role in its guide"
    for english, ky, ru in labels:
        if english not in (ky, ru):
            assert not re.search(rf"\b{re.escape(english)}\b", text), f"{role}/{lang}: English menu label {english!r}"
    latin = set(re.findall(r"\b[A-Za-z]{3,}\b", text)) - LATIN_ALLOWED
    assert not latin, f"{role}/{lang}: Latin words in the guide: {sorted(latin)[:10]}"


def test_every_screenshot_a_guide_shows_exists_and_is_served(app, make_user):
    b = _signed_in(app, make_user, "LSG clerk", True, "ky")
    shown = set()
    for lang_dir in sorted(p for p in guides.GUIDES.iterdir() if p.is_dir()):
        for path in lang_dir.glob("*.md"):
            for src in guides.images(path.read_text(encoding="utf-8")):
                assert src.startswith(guides.SCREENSHOT_PREFIX), f"{path}: {src} is not a test screenshot"
                name = src[len(guides.SCREENSHOT_PREFIX):]
                assert (guides.SCREENSHOTS / name).is_file(), f"{path}: {name} is not in docs/screenshots"
                suffix = re.search(r"[-_](ky|ru|en)(?:[-_.]|$)", name)
                assert suffix is None or suffix.group(1) == lang_dir.name, f"{path}: {name} is another language's"
                shown.add(name)
    assert shown, "the guides show no screenshot"
    for name in sorted(shown):
        reply = b.get(f"/help/screenshots/{name}")
        assert reply.status_code == 200 and reply.mimetype == "image/png", name
        assert reply.get_data() == (guides.SCREENSHOTS / name).read_bytes()  # the test's file, as it is
    page = b.get("/help/lsg_clerk").get_data(as_text=True)
    assert re.search(r'<img src="/help/screenshots/[^"]+\.png"', page)


@pytest.mark.parametrize("url", ["/help/screenshots/../../config.py", "/help/screenshots/..%2F..%2Fconfig.py",
                                 "/help/screenshots/%2e%2e/%2e%2e/README.md", "/help/screenshots/../help.py",
                                 "/help/screenshots/%2Fetc%2Fpasswd", "/help/screenshots/nothing.png",
                                 "/help/..%2Fconfig", "/help/no_such_role", "/help/LSG%20clerk"])
def test_paths_outside_the_guides_and_screenshots_are_refused(app, make_user, url):
    b = _signed_in(app, make_user, "LSG clerk", True, "ru")
    assert b.get(url, follow_redirects=True).status_code == 404  # (a doubled slash is merged first)


@pytest.mark.parametrize("url", ["/help/", "/help/lsg_clerk", "/help/screenshots/search-ky.png"])
def test_anonymous_is_sent_to_the_login(app, url):
    reply = app.test_client().get(url)
    assert reply.status_code == 302 and "/login" in reply.headers["Location"]


def test_help_is_linked_from_the_user_menu_and_the_home_page(app, make_user):
    page = _signed_in(app, make_user, "Auditor", False, "ky").get("/").get_data(as_text=True)
    assert 'id="sn-help-link"' in page and 'id="home-help"' in page


def test_demo_users_lists_the_demo_logins(app, monkeypatch):
    from app.cli import _needs_access_request, _templates, create_user, demo_access_request, demo_username
    from app.extensions import db
    from models.reference import Territory

    with app.app_context():
        rayon = db.session.query(Territory).filter_by(code=RAYON).one()
        for template in _templates():
            create_user(demo_username(template), "Demo-pass-2026!", [template.name],
                        territory=rayon if template.territorial else None,
                        access=demo_access_request() if _needs_access_request(template) else None)
        db.session.commit()
        names = [(demo_username(t), t.name) for t in _templates()]
    runner = app.test_cli_runner()
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    result = runner.invoke(args=["sanarip", "demo-users"])
    assert result.exit_code == 0, result.output
    for username, role in names:
        assert f"{username}: {role}" in result.output
    assert "Demo-pass-2026!" not in result.output
    monkeypatch.setenv("DEMO_PASSWORD", "Demo-pass-2026!")
    assert "password Demo-pass-2026!" in runner.invoke(args=["sanarip", "demo-users"]).output
    monkeypatch.setenv("DEMO_PASSWORD", "not-theirs")
    assert "not-theirs" not in runner.invoke(args=["sanarip", "demo-users"]).output


def test_every_role_template_has_a_guide_in_kyrgyz_and_russian(app):
    from app.cli import _templates

    with app.app_context():
        names = {t.name for t in _templates()} | {app.config["AUTH_ROLE_ADMIN"]}
    missing = [(lang, name) for name in sorted(names) for lang in ("ky", "ru")
               if not (guides.GUIDES / lang / f"{guides.role_key(name)}.md").is_file()]
    assert not missing
