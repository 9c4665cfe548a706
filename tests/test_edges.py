"""Bad input at the edges (app/edges.py): every GET page of the app (lists, show pages, charts, reports, the API)
with hostile path and query arguments, hostile JSON bodies and form posts: never a 5xx, never SQL text."""
import re
from urllib.parse import quote

import pytest

from tests.conftest import Browser

HUGE = str(2 ** 70)
NUL = "\x00"
SQL_TEXT = re.compile(r"\[SQL:|sqlite3\.|psycopg|IntegrityError|DataError|OperationalError|Traceback|"
                      r"\bSELECT\b.*\bFROM\b|\bINSERT INTO\b|\bUPDATE\b \w+ SET\b", re.S)
# every name a page reads from its query string, with values that break naive code
GENERIC = ["date", "year", "days", "territory", "parent", "indicator", "chart", "number", "code", "page", "dataset",
           "group1", "group2", "measure", "measure_field", "f0_field", "f0_op", "f0_value", "kind", "on", "from",
           "to", "election", "holder", "next", "_l_"]


@pytest.fixture
def admin(app):
    b = Browser(app.test_client())
    b.login("admin")
    return b


def _views(app):
    from flask_appbuilder import ModelRestApi, ModelView

    return [v for v in app.appbuilder.baseviews if isinstance(v, (ModelView, ModelRestApi))]


def _search_columns(view):
    cols = getattr(view, "search_columns", None) or []
    return [c for c in cols if isinstance(c, str)][:3]


def _urls(app):
    """Hostile URLs for every GET rule, every list and every API. Each kind of hostile value is tried on every
    kind of page, rotating between pages so that the walk stays a few hundred requests."""
    from flask_appbuilder import ModelView

    path_values = (HUGE, quote(NUL), "%ED%A0%80")
    query_values = ((quote(NUL), "%ED%A0%80"), ("0001-01-01", HUGE), (HUGE, "9999-12-31T23:59:59"))
    urls = []
    for n, rule in enumerate(sorted(app.url_map.iter_rules(), key=lambda r: r.rule)):
        if "GET" not in rule.methods or rule.rule.startswith(("/static", "/logout", "/lang/")):
            continue
        if rule.endpoint.endswith(("_openapi", "swagger")):
            continue
        if rule.arguments:
            path = rule.rule
            for arg in rule.arguments:
                path = re.sub(r"<(?:[^:<>]+:)?%s>" % arg, path_values[n % 3], path)
            urls.append(path)
        else:
            # a page reading any one of these names breaks on it, whatever the others hold
            values = query_values[n % 3]
            urls.append(rule.rule + "?" + "&".join(f"{name}={values[i % 2]}" for i, name in enumerate(GENERIC)))
    for n, view in enumerate(_views(app)):
        name = view.__class__.__name__
        cols = _search_columns(view) or ["id"]
        col = cols[n % len(cols)]
        if isinstance(view, ModelView):
            base = f"{view.route_base}/list/"
            urls += [f"{base}?_oc_{name}=territory.path&_od_{name}=asc", f"{base}?page_{name}={HUGE}",
                     f"{base}?_flt_0_{col}=" + (quote(NUL), HUGE, "0001-01-01", "x" * 5000)[n % 4],
                     f"{base}?_flt_99_{col}=1"]
        else:
            base = f"/api/v1/{view.resource_name}/"
            queries = (f"(page:{HUGE},page_size:10)", "(order_column:territory.path,order_direction:asc)",
                       f"(filters:!((col:{col},opr:eq,value:!(1,2))))", f"(filters:!((col:{col},opr:ct,value:'a\x00b')))",
                       f"(filters:!((col:{col},opr:eq,value:{HUGE})))", f"(filters:!((col:{col},opr:gt,value:'0001-01-01')))",
                       "(filters:!((col:nope,opr:eq,value:1)))", "(filters:!(1,2))", "(columns:!(nope))")
            urls += [base + "?q=" + quote(queries[(n + i) % len(queries)]) for i in range(3)]
            urls += [f"{base}{HUGE}"]
    urls += [f"/chartbuilder/?dataset=household_book_member&group1=birth_date&f0_field=birth_date&f0_op={op}"
             f"&f0_value={value}" for op, value in (("eq", "0001-01-01"), ("gt", "9999-12-31"), ("lt", quote(NUL)),
                                                    ("nope", HUGE))]
    return urls


class Failures(list):
    """Every broken answer of a walk, reported together."""

    def check(self, response, what):
        body = response.get_data().decode("utf-8", "replace") if response.mimetype.startswith(
            ("text/", "application/json")) else ""
        if response.status_code >= 500:
            self.append((what, response.status_code, body[:300]))
        elif SQL_TEXT.search(body):
            self.append((what, SQL_TEXT.search(body).group(0), body[:300]))

    def assert_none(self):
        assert not self, f"{len(self)} failures:\n" + "\n".join(map(repr, self[:40]))


def test_every_get_page_survives_hostile_arguments(app, admin):
    failures = Failures()
    urls = _urls(app)
    assert len(urls) > 400
    for url in urls:
        failures.check(admin.get(url), url)
    failures.assert_none()


def _post_raw(browser, url, data, token_from=None):
    """A form post whose values may hold a lone surrogate: sent as the bytes a broken client would send (the test
    client itself cannot encode one)."""
    data = dict(data)
    data.setdefault("csrf_token", browser.token(token_from or "/"))
    body = "&".join(f"{quote(k)}={quote(str(v).encode('utf-8', 'surrogatepass'))}" for k, v in data.items())
    return browser.client.post(url, data=body, content_type="application/x-www-form-urlencoded")


def test_unauthenticated_edges_survive_hostile_input(app):
    failures = Failures()
    client = app.test_client()
    anonymous = Browser(client)
    for url in ("/check/?number=%00&code=%00", "/check/?number=%ED%A0%80", f"/check/?number={HUGE}",
                "/login/?next=%00", "/open/%00.csv", f"/api/v1/territory/{HUGE}"):
        failures.check(client.get(url), url)
    for data in ({"username": NUL, "password": NUL}, {"username": "admin\x00", "password": "x"},
                 {"username": "\ud800", "password": "\ud800"}, {"username": "x" * 100000, "password": "y"}):
        failures.check(_post_raw(anonymous, "/login/", data, "/login/"), data)
    for body in ({"username": NUL, "password": NUL, "provider": "db"}, {"username": "\ud800", "password": "x",
                                                                       "provider": "db"},
                 [None, None], {"username": ["a"], "password": {"b": 1}, "provider": "db"}, "x", 12):
        failures.check(client.post("/api/v1/security/login", json=body), body)
    failures.check(client.post("/api/v1/security/login", data=b'{"username": "\\ud800", "password": "a"}',
                              content_type="application/json"), "escaped surrogate")
    failures.assert_none()


def _first_id(app, model):
    from app.extensions import db

    with app.app_context():
        return db.session.query(model.id).order_by(model.id).limit(1).scalar()


def test_api_writes_survive_hostile_bodies(app, admin):
    failures = Failures()
    from flask_appbuilder import ModelRestApi

    apis = [v for v in _views(app) if isinstance(v, ModelRestApi)]
    bodies = [[None, None], "text", 12, {"id": HUGE}, {"nope": 1}]
    for api in apis:
        base = f"/api/v1/{api.resource_name}/"
        pk = _first_id(app, api.datamodel.obj)
        columns = [c for c in (api.edit_columns or []) if c in api.datamodel.obj.__table__.columns]
        # values refused whatever the column, so that nothing is created or changed
        hostile = [{c: value for c in columns} for value in (NUL, "\ud800", 2 ** 70, "x" * 100000, [1, 2], {"a": 1},
                                                              -(2 ** 70), 1e308)]
        dates = [c for c in columns if str(api.datamodel.obj.__table__.columns[c].type) in ("DATE", "DATETIME")]
        hostile += [{c: day for c in dates} for day in ("0001-01-01", "9999-12-31")] if dates else []
        for body in bodies + hostile:
            failures.check(admin.api.post(base, json=body), (base, "POST", body if len(str(body)) < 200 else "…"))
            if pk is not None:
                failures.check(admin.api.put(f"{base}{pk}", json=body), (base, "PUT", str(body)[:200]))
        for bad in (HUGE, quote(NUL), "-1"):
            failures.check(admin.api.put(f"{base}{bad}", json={}), (base, "PUT", bad))
            failures.check(admin.api.delete(f"{base}{bad}"), (base, "DELETE", bad))
        failures.check(admin.api.put(f"{base}{pk}", data=b"[1,", content_type="application/json"),
                      (base, "broken json"))
    failures.assert_none()


def test_form_posts_survive_hostile_values(app, admin):
    failures = Failures()
    from flask_appbuilder import ModelView

    for view in [v for v in _views(app) if isinstance(v, ModelView)]:
        if "can_add" not in (view.base_permissions or ["can_add"]):
            continue
        columns = [c for c in (view.add_columns or []) if isinstance(c, str)]
        url = f"{view.route_base}/add"
        for value in (NUL, "x" * 100000, "\ud800"):  # refused whatever the column: nothing is created
            response = _post_raw(admin, url, {c: value for c in columns})
            failures.check(response, (url, value[:20]))
        pk = _first_id(app, view.datamodel.obj)
        if pk is not None and "can_edit" in (view.base_permissions or ["can_edit"]):
            url = f"{view.route_base}/edit/{pk}"
            for value in (NUL, "x" * 100000):
                failures.check(admin.post(url, data={c: value for c in (view.edit_columns or columns)
                                                    if isinstance(c, str)}), (url, value[:20]))
    failures.assert_none()
