"""The layout in a real browser at a 1400 px desktop and a 1024 px laptop: a one-row top bar, the side navigation
(only what the role may open; collapsible; off-canvas on the laptop), translated titles, the plotly toolbar in
Kyrgyz, no console errors. Leaves screenshots of the Kyrgyz pages in docs/screenshots/."""
import os
import re

import pytest

from tests.e2e.catalogs import ROOT
from tests.e2e.test_languages import log_in, switch_language

pytestmark = pytest.mark.browser

SHOTS = os.path.join(ROOT, "docs", "screenshots")
PAGES = {"home": "/", "list": "/householdview/list/", "chart": "/householdcharts/"}


@pytest.fixture
def sized(pw_browser, live_server):
    """A page factory: (width) -> a fresh context of that width whose console errors are collected."""
    contexts = []

    def make(width):
        context = pw_browser.new_context(base_url=live_server.url, locale="en-US",
                                         viewport={"width": width, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        return page

    yield make
    for context in contexts:
        context.close()


def nav_links(page):
    return {a.get_attribute("href") for a in page.locator("#sn-sidenav a[href^='/']").all()}


def nav_visible(page):
    return page.evaluate("() => { const r = document.getElementById('sn-sidenav').getBoundingClientRect();"
                         " return getComputedStyle(document.getElementById('sn-sidenav')).visibility !== 'hidden'"
                         " && getComputedStyle(document.getElementById('sn-sidenav')).display !== 'none'"
                         " && r.right > 0 && r.width > 0; }")


def shoot_in_russian(page, name):
    """The same page in Russian, by the top bar's language switch, as docs/screenshots/<name> (the Russian user
    guides show it)."""
    url = page.url
    page.locator("a[data-lang=ru]").first.click()
    page.wait_for_load_state("load")
    page.goto(url)
    assert page.get_attribute("html", "lang") == "ru"
    page.screenshot(path=os.path.join(SHOTS, name), full_page=False)


@pytest.mark.parametrize("width", [1400, 1024])
def test_kyrgyz_layout_reads_well(sized, live_server, catalogs, width):
    ky = catalogs["ky"]
    page = sized(width)
    switch_language(page, "ky")
    log_in(page, *live_server.admin)
    os.makedirs(SHOTS, exist_ok=True)
    for name, path in PAGES.items():
        page.goto(path)
        page.wait_for_load_state("load")
        bar = page.locator("header.sn-topbar").bounding_box()
        assert bar["height"] < 70, f"{path} at {width} px: the top bar is {bar['height']} px high"
        items = page.locator(".sn-topbar > *").all()
        tops = {round(i.bounding_box()["y"]) for i in items if i.is_visible()}
        assert max(tops) - min(tops) < 20, f"{path} at {width} px: the top bar wraps"
        assert page.title().endswith(" · " + ky.get("Sanarip").string) or path == "/", page.title()
        assert ky.get("Sanarip").string in page.title()
        if name == "chart":
            page.wait_for_selector(".modebar-btn")
            page.locator("#chart-data summary").click()  # the data table unfolds under the chart
            assert page.locator("#chart-table").is_visible()
        page.screenshot(path=os.path.join(SHOTS, f"{name}_ky_{width}.png"), full_page=name != "list")
    assert page.locator("title").inner_text() != "Sanarip"
    assert not page.errors, page.errors


def test_side_nav_shows_only_permitted_entries(sized, live_server):
    admin = sized(1400)
    switch_language(admin, "ky")
    log_in(admin, *live_server.admin)
    clerk = sized(1400)
    switch_language(clerk, "ky")
    log_in(clerk, "demo_lsg_clerk", live_server.demo_password)
    assert "/login" not in clerk.url
    admin_links, clerk_links = nav_links(admin), nav_links(clerk)
    assert "/users/list/" in admin_links and "/householdview/list/" in clerk_links
    assert clerk_links < admin_links and "/users/list/" not in clerk_links
    assert not clerk_links & {"/roles/list/", "/auditeventview/list/"}
    for link in sorted(clerk_links):
        response = clerk.goto(link)
        assert response.ok and "/login" not in clerk.url, link
    assert not clerk.errors and not admin.errors, clerk.errors + admin.errors


def test_side_nav_collapses_and_expands(sized, live_server):
    page = sized(1400)
    switch_language(page, "ky")
    log_in(page, *live_server.admin)
    page.goto("/householdview/list/")
    toggle = page.locator("#sn-menu-toggle")
    assert nav_visible(page) and toggle.get_attribute("aria-expanded") == "true"
    content = page.locator("#sn-main").bounding_box()["width"]
    toggle.click()
    assert not nav_visible(page) and toggle.get_attribute("aria-expanded") == "false"
    assert page.locator("#sn-main").bounding_box()["width"] > content + 200  # the content takes the room
    page.reload()
    assert not nav_visible(page), "the collapsed state is remembered"
    toggle.click()
    assert nav_visible(page)
    # a group opens and closes; the current page's group is open
    current = page.locator("#sn-sidenav .sn-group.sn-active .sn-group-toggle")
    assert current.get_attribute("aria-expanded") == "true"
    other = page.locator("#sn-sidenav .sn-group:not(.sn-active) .sn-group-toggle").first
    other.click()
    assert other.get_attribute("aria-expanded") == "true"
    other.click()
    assert other.get_attribute("aria-expanded") == "false"

    laptop = sized(1024)
    switch_language(laptop, "ky")
    log_in(laptop, *live_server.admin)
    laptop.goto("/householdview/list/")
    assert not nav_visible(laptop), "at 1024 px the side nav is off-canvas until opened"
    laptop.locator("#sn-menu-toggle").click()
    laptop.wait_for_timeout(300)  # the slide-in transition
    assert nav_visible(laptop) and laptop.locator("#sn-backdrop").is_visible()
    laptop.keyboard.press("Escape")
    laptop.wait_for_timeout(300)
    assert not nav_visible(laptop)
    assert not page.errors and not laptop.errors, page.errors + laptop.errors


def test_plotly_toolbar_speaks_kyrgyz(sized, live_server):
    page = sized(1400)
    switch_language(page, "ky")
    log_in(page, *live_server.admin)
    page.goto("/householdcharts/")
    page.wait_for_selector(".modebar-btn")
    titles = [b.get_attribute("data-title") for b in page.locator(".modebar-btn").all()]
    assert "Диаграмманы PNG сүрөтү катары жүктөп алуу" in titles and "Чоңойтуу" in titles, titles
    english = {"Download plot as a PNG", "Zoom in", "Zoom out", "Reset axes", "Autoscale", "Pan", "Zoom"}
    assert not english & set(titles), titles
    assert page.locator(".modebar-btn[data-title*='Chart Studio'], a.modebar-btn[href*='plotly.com']").count() == 0
    ticks = page.locator(".xtick text").all_inner_texts()
    assert ticks and not any((t or "").startswith(("-", "−")) for t in ticks), ticks  # the pyramid's both sides
    assert not page.errors, page.errors


def test_the_global_search_from_the_top_bar_in_kyrgyz(sized, live_server):
    """A clerk types the beginning of a surname in lower case into the top bar and lands on the people found in
    their rayon, each a link to the record (app/search.py)."""
    page = sized(1400)
    switch_language(page, "ky")
    log_in(page, "demo_lsg_clerk", live_server.demo_password)
    page.goto("/memberview/list/")
    page.goto(page.locator("a[href*='/memberview/show/']").first.get_attribute("href"))
    surname = page.locator("th:has-text('Фамилиясы') + td").first.inner_text().strip()
    page.fill("#sn-search-q", surname[:5].lower())
    page.press("#sn-search-q", "Enter")
    page.wait_for_load_state("load")
    assert "/search/" in page.url
    hits = page.locator("#search-MemberView a")
    assert hits.count() >= 1 and all(h.inner_text().startswith(surname[:5]) for h in hits.all())
    assert page.title().startswith("Издөө")
    headings = [h.inner_text().strip() for h in page.locator(".sn-search-group .panel-heading strong").all()]
    assert headings and all(headings), headings
    assert not page.errors, page.errors
    page.screenshot(path=os.path.join(SHOTS, "search-ky.png"), full_page=False)
    shoot_in_russian(page, "search-ru.png")  # for the Russian user guides (help/ru/)


@pytest.mark.parametrize("user,tile", [("demo_lsg_clerk", "HouseholdView"),
                                       ("demo_lsg_head", "SocialPassportView-submitted"),
                                       ("demo_child_protection_case_worker", "CpOverdueView")])
def test_each_role_finds_its_work_on_the_home_page_in_kyrgyz(sized, live_server, user, tile):
    page = sized(1400)
    switch_language(page, "ky")
    log_in(page, user, live_server.demo_password)
    page.goto("/")
    assert page.locator(f"#tile-{tile} strong").inner_text().replace("\u00a0", "").replace(" ", "").isdigit()
    assert not page.errors, page.errors
    page.screenshot(path=os.path.join(SHOTS, f"dashboard-{user.removeprefix('demo_')}-ky.png"), full_page=False)
    shoot_in_russian(page, f"dashboard-{user.removeprefix('demo_')}-ru.png")


def test_the_date_picker_and_the_delete_dialog_speak_kyrgyz(sized, live_server):
    """bootstrap-datepicker has no Kyrgyz: its months and days come from Babel's CLDR data; FAB's confirmation
    dialog had English buttons."""
    page = sized(1400)
    switch_language(page, "ky")
    log_in(page, *live_server.admin)
    page.goto("/memberview/add")
    page.click("#birth_date")
    picker = page.locator(".datepicker-days").first
    picker.wait_for(state="visible")
    header = picker.locator(".datepicker-switch").inner_text()
    days = picker.locator("th.dow").all_inner_texts()
    assert re.match(r"^(Январь|Февраль|Март|Апрель|Май|Июнь|Июль|Август|Сентябрь|Октябрь|Ноябрь|Декабрь) \d{4}$",
                    header), header
    assert days[0] == "дш." and "жш." in days, days  # the week starts on Monday
    page.goto("/householdview/list/")
    page.locator("a[data-text], .confirm, a[href*='/householdview/delete/']").first.click()
    dialog = page.locator("#modal-confirm")
    dialog.wait_for(state="visible")
    assert dialog.locator("button[data-dismiss=modal]").inner_text().strip() == "Жокко чыгаруу"
    assert dialog.locator("#modal-confirm-ok").inner_text().strip() == "Макул"
    assert not page.errors, page.errors


def test_the_clerk_opens_the_guide_of_the_role_from_the_user_menu(sized, live_server):
    page = sized(1400)
    switch_language(page, "ky")
    log_in(page, "demo_lsg_clerk", live_server.demo_password)
    page.goto("/")
    page.click(".sn-user .dropdown-toggle")
    page.click("#sn-help-link")
    page.wait_for_load_state("load")
    assert page.title().startswith("Жардам")
    page.click("#help-own a[data-guide='lsg_clerk']")
    page.wait_for_load_state("load")
    assert page.locator("#help-guide h1").inner_text().startswith("Колдонуучунун колдонмосу")
    images = page.locator("#help-guide img")
    assert images.count() >= 2
    for image in images.all():  # every screenshot of the guide is loaded (served from docs/screenshots)
        image.scroll_into_view_if_needed()
        assert image.evaluate("i => i.complete && i.naturalWidth > 0")
    assert not page.errors, page.errors
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=os.path.join(SHOTS, "help-ky.png"), full_page=False)
