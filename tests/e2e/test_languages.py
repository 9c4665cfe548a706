"""Every language in a real browser: switch on the login page, log in, walk the main pages, and look for text the
catalogs say should be translated but is shown in English (or in another language)."""
import re

import pytest

from tests.e2e.catalogs import Checker, source_msgids
from tests.e2e.conftest import SCREENSHOT

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "ky", "ru")  # English first: it is the baseline that must pass

# Visible text nodes (also inside <select> and form controls) and the texts of visible elements' attributes.
VISIBLE_TEXTS = r"""() => {
  const out = [document.title];
  const visible = el => {
    for (let e = el; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.display === 'none' || style.visibility === 'hidden') return false;
    }
    return el.getClientRects().length > 0;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!parent || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(parent.tagName)) continue;
    const text = node.textContent.trim();
    if (text && (parent.tagName === 'OPTION' ? visible(parent.closest('select') || parent) : visible(parent)))
      out.push(text);
  }
  const selector = '[placeholder], [title], [aria-label], [data-original-title], input[type=submit], ' +
                   'input[type=button], input[type=reset]';
  for (const el of document.body.querySelectorAll(selector)) {
    if (!visible(el)) continue;
    for (const name of ['placeholder', 'title', 'aria-label', 'data-original-title']) {
      const value = el.getAttribute(name);
      if (value && value.trim()) out.push(value);
    }
    if (el.tagName === 'INPUT' && el.value) out.push(el.value);
  }
  return out;
}"""


def visible_texts(page):
    texts = page.evaluate(VISIBLE_TEXTS)
    # The rendered text as a reader sees it, line by line and table cell by table cell.
    texts += [part for line in page.inner_text("body").splitlines() for part in line.split("\t")]
    return texts


@pytest.fixture(scope="module")
def msgids():
    return source_msgids()


@pytest.fixture(scope="module")
def checkers(catalogs, msgids, live_server):
    data = live_server.user_data()
    return {lang: Checker(lang, catalogs, msgids, ignore=data) for lang in LANGUAGES}


def switch_language(page, code):
    """On the login page, choose `code` with the language links (first another one if `code` is current)."""
    page.goto("/login/")
    if page.locator(f"a[data-lang={code}]").count() == 0:
        page.locator("a[data-lang]").first.click()
        page.wait_for_load_state()
        page.goto("/login/")
    page.locator(f"a[data-lang={code}]").click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == code, f"after choosing {code} on {page.url}"
    page.goto("/login/")
    assert page.get_attribute("html", "lang") == code, "the language did not stick on /login/"


def log_in(page, username, password):
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form[name=login] input[type=submit]").click()


def visit(page, path):
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: HTTP {response.status if response else '-'}"
    return page.url


def flash_texts(page):
    return [re.sub(r"\s+", " ", t.replace("×", "")).strip() for t in page.locator(".alert").all_inner_texts()]


def translation(catalog, msgid):
    message = catalog.get(msgid)
    return message.string if message is not None and not message.fuzzy else ""


def normalize_label(text):
    return text.strip().rstrip(":").strip()


def test_kyrgyz_login_page_is_kyrgyz(page, catalogs):
    switch_language(page, "ky")
    ky = catalogs["ky"]
    button = page.locator("form[name=login] input[type=submit]").get_attribute("value")
    assert button != "Sign In", "the login button is in English"
    assert button == translation(ky, "Sign In") or ky.get("Sign In") is None
    for msgid in ("Username", "Password"):
        label = normalize_label(page.locator(f"label[for={msgid.lower()}]").inner_text())
        assert label != msgid, f"the {msgid} label is in English"
        if translation(ky, msgid):
            assert label == translation(ky, msgid)
    assert page.locator(".lang-current").inner_text().strip() == "Кыргызча"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_are_translated(page, live_server, checkers, lang):
    checker = checkers[lang]
    problems = {}

    def check(label=None):
        assert page.get_attribute("html", "lang") == lang, f"<html lang> on {page.url}"
        untranslated, foreign = checker.check(visible_texts(page))
        found = [f"untranslated: {s!r}" for s in untranslated] + [f"other language: {s!r}" for s in foreign]
        if found:
            problems[label or page.url.replace(live_server.url, "")] = found

    switch_language(page, lang)
    check()
    log_in(page, *live_server.admin)
    assert "/login" not in page.url, f"login as admin failed: {flash_texts(page)}"
    check()

    visit(page, "/territoryview/list/")  # redirects to the top level of the tree
    check()
    if lang == "ky":
        page.screenshot(path=SCREENSHOT, full_page=True)
    # every page of the menu, and for each list its first record's show and edit pages and its add form
    menu = [a.get_attribute("href") for a in page.locator("#sn-sidenav a[href^='/']").all()]
    menu = [m for m in dict.fromkeys(menu) if not m.startswith(("/lang/", "/logout", "/users/userinfo"))]
    assert len(menu) >= 8, menu
    for path in menu:
        visit(page, path)
        check()
        base = path.split("/list")[0] if "/list" in path else None
        if base is None:
            continue
        for pattern in ("/show/", "/edit/"):
            link = page.locator(f"a[href^='{base}{pattern}']").first
            if link.count():
                visit(page, link.get_attribute("href"))
                check()
        if page.locator(f"a[href^='{base}/add']").count() or base in ("/users",):
            visit(page, f"{base}/add")
            check()
    if problems:
        report = "\n".join(f"{url}\n" + "\n".join(f"    {p}" for p in found) for url, found in problems.items())
        total = len({p for found in problems.values() for p in found})
        pytest.fail(f"{lang}: {total} distinct strings not in {lang} on {len(problems)} pages:\n{report}",
                    pytrace=False)


def test_wrong_password_flashes_in_kyrgyz(page, catalogs, live_server):
    from app.security import SanaripAuthDBView

    msgid = str(SanaripAuthDBView.invalid_login_message)  # outside a request: the English source string
    switch_language(page, "ky")
    # A demo account, so that the admin used by the other tests collects no failed login.
    log_in(page, "demo_auditor", live_server.demo_password + "x")
    assert page.get_attribute("html", "lang") == "ky"
    flashes = flash_texts(page)
    assert flashes, f"no flash message after a wrong password on {page.url}"
    assert msgid not in flashes, f"the wrong-password message is in English: {flashes}"
    expected = translation(catalogs["ky"], msgid)
    assert expected, f"{msgid!r} has no Kyrgyz translation in translations/ky/LC_MESSAGES/messages.po"
    assert expected in flashes
