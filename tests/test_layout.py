"""The page layout: the side navigation is FAB's menu as the user's permissions allow it, breadcrumbs and the
page's own translated <title>."""
import re

from tests.conftest import Browser


def _nav_links(page):
    nav = re.search(r'<nav class="sn-sidenav".*?</nav>', page, re.S)
    assert nav, "no side navigation"
    return re.findall(r'<a href="([^"]+)"', nav.group(0))


def _signed_in(app, username, lang="ky"):
    b = Browser(app.test_client())
    b.get(f"/lang/{lang}")
    b.login(username)
    return b


def test_side_nav_lists_only_what_the_role_may_open(app, make_user):
    admin = _signed_in(app, "admin")
    clerk = _signed_in(app, make_user(roles=("LSG clerk",), territory="41702205805010"))
    admin_links = set(_nav_links(admin.get("/").get_data(as_text=True)))
    clerk_links = set(_nav_links(clerk.get("/").get_data(as_text=True)))
    assert "/householdview/list/" in clerk_links and "/householdview/list/" in admin_links
    assert {"/users/list/", "/roles/list/"} <= admin_links
    assert clerk_links < admin_links
    assert not clerk_links & {"/users/list/", "/roles/list/", "/auditeventview/list/"}
    for link in clerk_links:  # every entry the clerk is shown opens for the clerk
        response = clerk.get(link, follow_redirects=True)  # the territory list redirects to its top level
        assert response.status_code == 200 and "/login" not in response.request.path, f"{link}: {response.status_code}"


def test_a_new_module_menu_appears_in_the_side_nav_by_permission(database_url, make_user):
    """A view registered in FAB's menu (as a new module's spec does) shows up for a role granted its menu entry,
    with no template change, and stays hidden from a role without it."""
    from flask_appbuilder import BaseView, expose
    from flask_appbuilder.security.decorators import has_access

    from app.extensions import db
    from tests.conftest import make_app

    class LayoutProbeView(BaseView):
        route_base = "/layoutprobe"
        default_view = "index"

        @expose("/")
        @has_access
        def index(self):
            return self.render_template("sanarip/error.html", code=200, message="probe")

    app = make_app(database_url)
    with app.app_context():
        appbuilder = app.appbuilder
        appbuilder.add_view(LayoutProbeView, "Layout probe", label="Layout probe", icon="fa-flask",
                            category="Layout probe module", category_label="Layout probe module")
        sm = appbuilder.sm
        role = sm.find_role("Layout probe role") or sm.add_role("Layout probe role")
        for permission, view in (("menu_access", "Layout probe"), ("menu_access", "Layout probe module"),
                                 ("can_index", "LayoutProbeView")):
            sm.add_permission_role(role, sm.add_permission_view_menu(permission, view))
        db.session.commit()
    granted = _signed_in(app, make_user(roles=("LSG clerk", "Layout probe role"), territory="41702205805010"), "en")
    other = _signed_in(app, make_user(roles=("LSG clerk",), territory="41702205805010"), "en")
    page = granted.get("/householdview/list/").get_data(as_text=True)
    assert "/layoutprobe/" in _nav_links(page) and "Layout probe module" in page
    assert "/layoutprobe/" not in _nav_links(other.get("/").get_data(as_text=True))
    probe = granted.get("/layoutprobe/").get_data(as_text=True)
    assert 'class="sn-current" aria-current="page"' in probe  # the current page is marked in the nav
    assert "<title>Layout probe · Sanarip</title>" in probe


def test_breadcrumbs_and_translated_titles(app):
    from flask_babel import force_locale, gettext

    admin = _signed_in(app, "admin", "ky")
    page = admin.get("/householdview/list/").get_data(as_text=True)
    with app.test_request_context(), force_locale("ky"):
        households, book, home, name = (gettext(s) for s in ("Households", "Household book", "Home", "Sanarip"))
    assert f"<title>{households} · {name}</title>" in page
    crumbs = re.search(r'<ol class="breadcrumb sn-breadcrumb">(.*?)</ol>', page, re.S).group(1)
    assert [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<li.*?</li>", crumbs, re.S)] == [
        home, book, households]
    assert name == "Санарип" and home == "Башкы бет"
    chart = admin.get("/householdcharts/").get_data(as_text=True)
    with app.test_request_context(), force_locale("ky"):
        assert f"<title>{gettext('Household book charts')} · {name}</title>" in chart
    # a record's page: its menu entry, then its own title
    show = admin.get("/householdview/show/1").get_data(as_text=True)
    assert re.search(r"<title>[^<]+ · Санарип</title>", show) and "<title>Санарип</title>" not in show


def test_login_page_has_no_side_nav_and_a_favicon(app):
    b = Browser(app.test_client())
    page = b.get("/login/").get_data(as_text=True)
    assert 'class="sn-sidenav"' not in page and 'class="lang-switch"' in page
    assert 'rel="icon" href="/static/sanarip-mark.svg"' in page
    assert b.get("/static/sanarip-mark.svg").status_code == 200


# --- charts that read well --------------------------------------------------------------------------------
def test_chart_page_has_a_kyrgyz_toolbar_without_logo_or_cloud(app):
    admin = _signed_in(app, "admin", "ky")
    page = admin.get("/householdcharts/").get_data(as_text=True)
    assert '/static/plotly/locale-ky.js' in page and '"locale": "ky"' in page
    assert '"displaylogo": false' in page and '"sendDataToCloud"' in page  # in modeBarButtonsToRemove
    assert '<details class="sn-data-table" id="chart-data">' in page  # the table folded under the chart
    locale = admin.get("/static/plotly/locale-ky.js").get_data(as_text=True)
    assert 'name: "ky"' in locale and '"Download plot as a PNG": "Диаграмманы PNG' in locale
    english = _signed_in(app, "admin", "en").get("/householdcharts/").get_data(as_text=True)
    assert "locale-" not in english and '"locale"' not in english


def test_plotly_js_is_gzipped_and_cached_under_a_versioned_url(app):
    import gzip

    from charts.base import PLOTLY_JS, PLOTLY_VERSION

    admin = _signed_in(app, "admin", "ky")
    page = admin.get("/householdcharts/").get_data(as_text=True)
    url = f"/static/vendor/plotly.min.js?v={PLOTLY_VERSION}"
    assert url in page
    with open(PLOTLY_JS, "rb") as fh:
        original = fh.read()
    zipped = admin.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    assert zipped.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert len(zipped.data) < len(original) / 3 and gzip.decompress(zipped.data) == original
    plain = admin.get(url)  # a client without gzip gets the file itself
    assert "Content-Encoding" not in plain.headers and plain.data == original
    unversioned = admin.get("/static/vendor/plotly.min.js", headers={"Accept-Encoding": "gzip"})
    assert "immutable" not in unversioned.headers["Cache-Control"]  # an old URL is not cached for a year
    again = admin.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304


def test_pyramid_ticks_are_positive_on_both_sides_and_long_labels_get_room(app):
    import pandas as pd
    import plotly.graph_objects as go

    from charts.base import present
    from charts.household_book import pyramid_figure

    frame = pd.DataFrame({"age_group": ["0–4", "0–4", "5–9", "5–9"], "sex": ["M", "F", "M", "F"],
                          "people": [1400, 1300, 900, 1250]})
    with app.test_request_context():
        figure = present(pyramid_figure(frame))
        layout = figure.layout.xaxis
        assert min(layout.tickvals) < 0 < max(layout.tickvals)
        assert all(not t.startswith(("-", "−")) for t in layout.ticktext)
        assert max(layout.tickvals) >= 1400 and "1\u202f000" in layout.ticktext
        short = present(go.Figure(go.Bar(x=["A", "B"], y=[1, 2])))
        long = present(go.Figure(go.Bar(x=["Ичүүчү суу менен камсыздоо системасы", "B"], y=[1, 2])))
        assert long.layout.height > short.layout.height and long.layout.xaxis.tickangle == -35
        assert long.layout.xaxis.automargin and long.layout.yaxis.automargin
