"""The scope matrix: walks every registered scoped view and API (no per-module code here) and proves that a user
of territory A can neither read, change, delete nor create a record of territory B by any URL."""
import datetime
import decimal
import re

import pytest

from tests.conftest import PASSWORD, Browser, audit_events

TERRITORY_A = "41708203000000"  # a rayon of Chuy oblast
PROBE_ROLE = "Scope probe"


def _scoped_views(app):
    from app.scope import is_scoped
    from views.base import SanaripModelRestApi, SanaripModelView

    views = [v for v in app.appbuilder.baseviews
             if isinstance(v, SanaripModelView) and is_scoped(v.datamodel.obj)]
    apis = [v for v in app.appbuilder.baseviews
            if isinstance(v, SanaripModelRestApi) and is_scoped(v.datamodel.obj)]
    return views, apis


@pytest.fixture(scope="module")
def probe(app):
    """A user scoped to territory A holding every permission there is."""
    from flask_appbuilder.security.sqla.models import PermissionView

    from app.cli import create_user
    from app.extensions import db
    from models.reference import Territory

    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.find_role(PROBE_ROLE) or sm.add_role(PROBE_ROLE)
        role.permissions = db.session.query(PermissionView).all()
        db.session.commit()
        territory = db.session.query(Territory).filter_by(code=TERRITORY_A).one()
        if sm.find_user(username="scope_probe") is None:
            create_user("scope_probe", PASSWORD, [PROBE_ROLE], territory=territory)
    browser = Browser(app.test_client())
    browser.login("scope_probe")
    return browser


def _outside_row(app, model):
    from app.extensions import db
    from app.scope import Scope
    from models.reference import Territory

    with app.app_context():
        a = db.session.query(Territory).filter_by(code=TERRITORY_A).one()
        scope = Scope(a.id, a.path)
        row = db.session.query(model).filter(~scope.condition(model)).first()
        assert row is not None, f"no {model.__name__} outside territory A: seed one in the module's demo data"
        return row.id, scope


def _count(app, model, scope=None):
    from app.extensions import db

    with app.app_context():
        query = db.session.query(model)
        if scope is not None:
            query = query.filter(scope.condition(model))
        return query.count()


def _form_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "y" if value else ""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, decimal.Decimal):
        return str(value)
    if hasattr(value, "id"):
        return str(value.id)
    if isinstance(value, list):
        return [str(v.id) for v in value]
    return str(value)


def _unique_variant(session, column, value):
    """A value of the same shape that no row has yet."""
    try:
        python_type = column.type.python_type
    except NotImplementedError:  # a custom column type: compare as text
        python_type = str
    for step in range(1, 1000):
        candidate = str(int(value) + step).zfill(len(value)) if value.isdigit() else f"{value}-{step}"
        if not session.query(column).filter(column == python_type(candidate)).first():
            return candidate
    raise AssertionError(f"no free variant of {value}")


def _unique_columns(table):
    from sqlalchemy import UniqueConstraint

    names = {c.name for c in table.columns if c.unique}
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            names.update(c.name for c in constraint.columns)
    for index in table.indexes:
        if index.unique:
            names.update(c.name for c in index.columns)
    return names


def _copy_of(app, view, pk):
    """Form data that recreates row `pk` (a record of territory B) through the add form, with unique columns
    changed so that only the scope can refuse it."""
    from app.extensions import db

    with app.app_context():
        model = view.datamodel.obj
        row = db.session.get(model, pk)
        data = {col: _form_value(getattr(row, col)) for col in view.add_columns if hasattr(row, col)}
        for col in view.add_columns:
            if col in _unique_columns(model.__table__) and isinstance(data.get(col), str) and \
                    not model.__table__.columns[col].foreign_keys:
                data[col] = _unique_variant(db.session, getattr(model, col), data[col])
        return data


def test_every_scoped_view_is_covered(app):
    views, apis = _scoped_views(app)
    assert views and apis, "the walker found nothing to walk"
    names = {v.__class__.__name__ for v in views}
    assert "TerritoryView" in names


def test_scope_matrix_views(app, probe):
    from flask_babel import force_locale, gettext

    views, _ = _scoped_views(app)
    with app.test_request_context(), force_locale("ky"):
        refusals = [gettext("Not a valid choice"), gettext("This field is required."),
                    gettext("You can only save records of your own territory.")]
    for view in views:
        model = view.datamodel.obj
        base = view.route_base
        pk, scope = _outside_row(app, model)
        perms = view.base_permissions
        for perm, url in (("can_show", f"{base}/show/{pk}"), ("can_edit", f"{base}/edit/{pk}")):
            expected = 404 if perm in perms else 403
            assert probe.get(url).status_code == expected, url
        if "can_edit" in perms:
            before = _copy_of(app, view, pk) if "can_add" in perms else {}
            assert probe.post(f"{base}/edit/{pk}", before).status_code == 404
        for name in view.actions:  # FAB runs actions on rows it fetched without the view's filters
            assert probe.post(f"{base}/action/{name}/{pk}").status_code == 404, f"{base}: action {name}"
            answer = probe.post(f"{base}/action_post", {"action": name, "rowid": pk})
            assert answer.status_code == 404, f"{base}: action {name} on a list selection"
        if "can_delete" in perms:
            assert probe.post(f"{base}/delete/{pk}").status_code in (302, 404)
            with app.app_context():
                from app.extensions import db

                assert db.session.get(model, pk) is not None, f"{base}: deleted a record of territory B"
        visible = _count(app, model, scope)
        if "can_list" in perms:
            page = probe.get(f"{base}/list/?_flt_1_id=-1").get_data(as_text=True)
            shown = re.search(r"</strong>\s*(\d+)", page.split("Record Count")[-1] if "Record Count" in page else
                              page)
            listed = re.findall(r"(?:Record Count|Жазуулардын саны|Количество записей)[^<]*</strong>\s*(\d+)", page)
            assert f"/show/{pk}\"" not in page, f"{base}: list shows a record of territory B"
            assert not listed or int(listed[0]) <= visible, f"{base}: list counts records of territory B"
            assert shown is not None
        if "can_export" in perms:
            exported = probe.get(f"{base}/export/csv?_flt_1_id=-1")
            assert exported.status_code == 200
            rows = len(exported.get_data(as_text=True).strip().splitlines()) - 1
            # a view may show fewer (its own filters), never more than the user may see
            assert rows <= visible, f"{base}: export has {rows} rows, the user may see {visible}"
        if "can_add" in perms:
            count = _count(app, model)
            answer = probe.post(f"{base}/add", _copy_of(app, view, pk))
            assert _count(app, model) == count, f"{base}: created a record in territory B"
            # refused for the scope: B's related record is no valid choice (FAB then reports the field empty),
            # or the write check said so
            page = probe.get(answer.headers["Location"]) if answer.status_code == 302 else answer
            page = page.get_data(as_text=True)
            assert any(m in page for m in refusals), f"{base}: refused for another reason"
        # relation dropdowns offer only rows of territory A
        if "can_add" in perms or "can_edit" in perms:
            _assert_dropdowns_scoped(app, probe, view, scope)
    denied = [e for e in audit_events(app, action="denied") if e.username == "scope_probe"]
    assert denied, "out-of-scope attempts are not audited"


def _assert_dropdowns_scoped(app, probe, view, scope):
    from app.extensions import db
    from app.scope import is_scoped

    url = f"{view.route_base}/add" if "can_add" in view.base_permissions else None
    if url is None:
        return
    page = probe.get(url).get_data(as_text=True)
    for col in view.add_columns:
        if not view.datamodel.is_relation(col):
            continue
        related = view.datamodel.get_related_model(col)
        if not is_scoped(related):
            continue
        select = re.search(rf'<select[^>]*name="{col}"[^>]*>(.*?)</select>', page, re.S)
        assert select, f"{url}: no dropdown {col}"
        offered = {int(v) for v in re.findall(r'<option[^>]*value="(\d+)"', select.group(1))}
        if col in view._lookup_columns:  # a server-side search box: ask the server what it offers
            found = probe.get(f"{view.route_base}/lookup/{col}?q=").get_json()["results"]
            offered |= {row["id"] for row in found}
        with app.app_context():
            allowed = {r[0] for r in db.session.query(related.id).filter(scope.condition(related))}
        assert offered <= allowed, f"{url}: dropdown {col} offers rows of another territory"


def test_scope_matrix_apis(app, probe):
    _, apis = _scoped_views(app)
    for api in apis:
        model = api.datamodel.obj
        base = f"/api/v1/{api.resource_name}"
        pk, scope = _outside_row(app, model)
        perms = api.base_permissions or []
        assert probe.get(f"{base}/{pk}").status_code == 404, base
        if not perms or "can_put" in perms:
            assert probe.api.put(f"{base}/{pk}", json={}).status_code == 404
        if not perms or "can_delete" in perms:
            assert probe.api.delete(f"{base}/{pk}").status_code == 404
        listed = probe.get(f"{base}/", query_string={"q": "(page_size:100)"})
        assert listed.status_code == 200, (base, listed.get_data(as_text=True)[:200])
        assert listed.get_json()["count"] == _count(app, model, scope), f"{base}: API list leaks"
        assert pk not in listed.get_json()["ids"]
        if not perms or "can_post" in perms:
            count = _count(app, model)
            with app.app_context():
                from app.extensions import db

                row = db.session.get(model, pk)
                body = {c: _form_value(getattr(row, c)) for c in api.add_columns
                        if not api.datamodel.is_relation(c)}
                for c in api.add_columns:
                    if api.datamodel.is_relation(c):
                        body[c] = getattr(row, c).id
            response = probe.api.post(f"{base}/", json=body)
            assert response.status_code in (400, 404, 422), (base, response.status_code)
            assert _count(app, model) == count


def test_national_user_sees_everything(app, make_user):
    from models.reference import Territory

    name = make_user(("Auditor",))
    b = Browser(app.test_client())
    b.login(name)
    pk, _ = _outside_row(app, Territory)
    assert b.get(f"/territoryview/show/{pk}").status_code == 200


def test_scoped_user_lists_own_subtree_only(app, probe):
    """The territory list of a rayon user starts at the rayon, and searching shows nothing outside it."""
    start = probe.get("/territoryview/list/")
    assert "_flt_0_level=2" in start.headers["Location"]
    page = probe.get(start.headers["Location"]).get_data(as_text=True)
    assert page.count("/territoryview/show/") == 1 and TERRITORY_A in page
