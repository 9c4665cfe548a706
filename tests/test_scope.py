"""The scope matrix: walks every registered scoped view and API (no per-module code here) and proves that a user
of territory A can neither read, change, delete nor create a record of territory B by any URL. The probe is also
bound to an organisation of the e-government register (the organisation part of the scope, app/scope.py), so the
register's rows of other organisations are walked the same way."""
import datetime
import decimal
import re
import warnings
from contextlib import contextmanager

import pytest

from tests.conftest import PASSWORD, Browser, audit_events

TERRITORY_A = "41708203000000"  # a rayon of Chuy oblast
PROBE_ROLE = "Scope probe"


def _probe_organisation(app):
    """The organisation the probe is bound to: one with a row of every model of the e-government register."""
    from app.scope import is_scoped

    if not any(hasattr(v, "datamodel") and is_scoped(v.datamodel.obj) and
               hasattr(v.datamodel.obj, "organisation_scope_condition") for v in app.appbuilder.baseviews):
        return None
    from tests.egov_rows import ensure_egov_rows

    return ensure_egov_rows(app)


def _probe_scope(app, db):
    from app.scope import Scope
    from models.reference import Territory

    a = db.session.query(Territory).filter_by(code=TERRITORY_A).one()
    return Scope(a.id, a.path, organisation_id=_probe_organisation(app))


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
        organisation_id = _probe_organisation(app)
        if organisation_id is not None:
            from models.user import SanaripUser

            db.session.query(SanaripUser).filter_by(username="scope_probe").update(
                {"scope_organisation_id": organisation_id})
            db.session.commit()
    browser = Browser(app.test_client())
    browser.login("scope_probe")
    return browser


def _outside_row(app, model):
    from app.extensions import db

    with app.app_context():
        scope = _probe_scope(app, db)
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


# --- moving a record out of the scope, or creating one under a parent outside it (issue 7) ----------------------
def _own_row(app, model, scope):
    from app.extensions import db

    with app.app_context():
        row = db.session.query(model).filter(scope.condition(model)).order_by(model.id).first()
        return row.id if row is not None else None


def _scope_relations(datamodel, columns):
    """Relation columns of `columns` that lead to a scoped model: the values that decide where a row lies."""
    from app.scope import is_scoped

    return [c for c in columns or [] if isinstance(c, str) and datamodel.is_relation(c)
            and not datamodel.is_relation_many_to_many(c) and not datamodel.is_relation_one_to_many(c)
            and is_scoped(datamodel.get_related_model(c))]


def _still_inside(app, model, pk, scope, col):
    """The row is where it was: inside the scope, its relation `col` unchanged."""
    from app.extensions import db

    with app.app_context():
        inside = db.session.query(model).filter(model.id == pk, scope.condition(model)).first()
        return inside is not None and (getattr(inside, col).id if getattr(inside, col) is not None else None)


def _values(app, view, pk, columns, unique=False):
    from app.extensions import db

    with app.app_context():
        model = view.datamodel.obj
        row = db.session.get(model, pk)
        data = {col: _form_value(getattr(row, col)) for col in columns if hasattr(row, col)}
        data = {k: v for k, v in data.items() if v != [] and v != ""}
        if unique:
            for col in columns:
                if col in _unique_columns(model.__table__) and isinstance(data.get(col), str) and \
                        not model.__table__.columns[col].foreign_keys:
                    data[col] = _unique_variant(db.session, getattr(model, col), data[col])
        return data


def _jwt(app):
    client = app.test_client()
    answer = client.post("/api/v1/security/login",
                         json={"username": "scope_probe", "password": PASSWORD, "provider": "db"})
    assert answer.status_code == 200, answer.get_data(as_text=True)[:200]
    return client, {"Authorization": f"Bearer {answer.get_json()['access_token']}"}


def _api_body(app, api, pk, columns):
    from app.extensions import db

    with app.app_context():
        model = api.datamodel.obj
        row = db.session.get(model, pk)
        body = {}
        for c in columns:
            if not isinstance(c, str) or not hasattr(row, c):
                continue
            value = getattr(row, c)
            if api.datamodel.is_relation(c):
                if api.datamodel.is_relation_many_to_many(c) or api.datamodel.is_relation_one_to_many(c):
                    continue
                body[c] = value.id if value is not None else None
            elif value is not None:
                body[c] = value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else \
                    str(value) if isinstance(value, decimal.Decimal) else value
        for c in columns:
            if c in _unique_columns(model.__table__) and isinstance(body.get(c), str):
                body[c] = _unique_variant(db.session, getattr(model, c), body[c])
        return body


def test_scope_walker_moves_and_foreign_parents_views(app, probe):
    """Every scoped view: an own record moved out of the scope by the edit form, a new one created under a parent
    outside it by the add form and by the import, is refused; the database is checked, not only the answer."""
    views, _ = _scoped_views(app)
    tried = []
    for view in views:
        model, base, perms = view.datamodel.obj, view.route_base, view.base_permissions
        _, scope = _outside_row(app, model)
        pk = _own_row(app, model, scope)
        if pk is None:
            continue
        if "can_edit" in perms:
            for col in _scope_relations(view.datamodel, view.edit_columns):
                before = _still_inside(app, model, pk, scope, col)
                data = _values(app, view, pk, view.edit_columns)
                data[col] = str(_outside_row(app, view.datamodel.get_related_model(col))[0])
                probe.post(f"{base}/edit/{pk}", data)
                assert _still_inside(app, model, pk, scope, col) == before, f"{base}: edit moved {col} out"
                tried.append((base, "edit", col))
        if "can_add" in perms:
            for col in _scope_relations(view.datamodel, view.add_columns):
                count = _count(app, model)
                data = _values(app, view, pk, view.add_columns, unique=True)
                data[col] = str(_outside_row(app, view.datamodel.get_related_model(col))[0])
                probe.post(f"{base}/add", data)
                assert _count(app, model) == count, f"{base}: add created a record under {col} outside"
                tried.append((base, "add", col))
        if view.import_columns and "can_import" in perms:
            for col in _scope_relations(view.datamodel, view.import_columns):
                count = _count(app, model)
                assert _import_foreign(app, probe, view, pk, col) != 302, f"{base}: import accepted {col}"
                assert _count(app, model) == count, f"{base}: import created a record under {col} outside"
                tried.append((base, "import", col))
    kinds = {k for _, k, _ in tried}
    assert {"edit", "add", "import"} <= kinds, tried


def _import_foreign(app, probe, view, pk, col):
    import io

    import pandas as pd

    from app.extensions import db

    columns = view.all_import_columns()
    with app.app_context():
        row = db.session.get(view.datamodel.obj, pk)
        record = {}
        for c in columns:
            value = getattr(row, c, None)
            if view.datamodel.is_relation(c):
                key = view.import_keys.get(c, "id")
                value = getattr(value, key) if value is not None else ""
            record[c] = _form_value(value) if not isinstance(value, str) else value
        related = view.datamodel.get_related_model(col)
        outside = db.session.get(related, _outside_row(app, related)[0])
        record[col] = str(getattr(outside, view.import_keys.get(col, "id")))
        for c in columns:
            if c in _unique_columns(view.datamodel.obj.__table__) and isinstance(record.get(c), str):
                record[c] = _unique_variant(db.session, getattr(view.datamodel.obj, c), record[c])
    payload = pd.DataFrame([record]).to_csv(index=False).encode()
    answer = probe.post(f"{view.route_base}/import/", {"file": (io.BytesIO(payload), "rows.csv")},
                        token_from=f"{view.route_base}/import/", content_type="multipart/form-data")
    return answer.status_code


def test_scope_walker_moves_and_foreign_parents_apis(app, probe):
    """Every scoped API: PUT of an own record with a scope-determining value outside the scope, POST of a new one
    under a parent outside it: refused (400/404/422), nothing saved."""
    _, apis = _scoped_views(app)
    client, headers = _jwt(app)
    tried = []
    for api in apis:
        model = api.datamodel.obj
        base = f"/api/v1/{api.resource_name}"
        perms = api.base_permissions or []
        _, scope = _outside_row(app, model)
        pk = _own_row(app, model, scope)
        if pk is None:
            continue
        if not perms or "can_put" in perms:
            for col in _scope_relations(api.datamodel, api.edit_columns):
                before = _still_inside(app, model, pk, scope, col)
                target = _outside_row(app, api.datamodel.get_related_model(col))[0]
                for method in (client.put, client.patch):
                    answer = method(f"{base}/{pk}", json={col: target}, headers=headers)
                    assert answer.status_code != 500, (base, col, answer.get_data(as_text=True)[:200])
                    assert _still_inside(app, model, pk, scope, col) == before, f"PUT {base}: moved {col} out"
                tried.append((base, "put", col))
        if not perms or "can_post" in perms:
            for col in _scope_relations(api.datamodel, api.add_columns):
                count = _count(app, model)
                body = _api_body(app, api, pk, api.add_columns)
                body[col] = _outside_row(app, api.datamodel.get_related_model(col))[0]
                answer = client.post(f"{base}/", json=body, headers=headers)
                assert answer.status_code in (400, 404, 422), (base, col, answer.status_code)
                assert _count(app, model) == count, f"POST {base}: created a record under {col} outside"
                tried.append((base, "post", col))
    assert {"put", "post"} <= {k for _, k, _ in tried}, tried
    assert any(b.endswith("/household") and c == "territory" for b, k, c in tried if k == "put"), tried


def _condition_columns(model):
    from sqlalchemy import select
    from sqlalchemy.sql.visitors import iterate

    conditions = [model.scope_condition(select(1).scalar_subquery())] if hasattr(model, "scope_condition") else []
    if hasattr(model, "organisation_scope_condition"):
        conditions.append(model.organisation_scope_condition(-1))
    return {c for condition in conditions for c in iterate(condition) if getattr(c, "table", None) is model.__table__}


def test_session_guard_refuses_every_path(app, probe):
    """Services, actions and workflow steps write through the session: the flush guard refuses, for every scoped
    model, a row moved under an out-of-scope parent and a change of a row stored outside the scope."""
    from flask import g
    from sqlalchemy import inspect as sa_inspect

    from app.extensions import db
    from app.scope import Scope, ScopeViolation, is_scoped
    from models.reference import Territory

    tried = 0
    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username="scope_probe")
        scope = _probe_scope(app, db)
        territorial = Scope(scope.territory_id, scope.territory_path, scope.territory_level)
        models = {v.datamodel.obj for v in app.appbuilder.baseviews
                  if hasattr(v, "datamodel") and is_scoped(v.datamodel.obj)}
        for model in sorted(models, key=lambda m: m.__name__):
            own = db.session.query(model).filter(scope.condition(model)).order_by(model.id).first()
            for rel in sa_inspect(model).relationships:
                if own is None or rel.uselist or not is_scoped(rel.mapper.class_) or rel.viewonly:
                    continue
                if not (rel.key == "parent" if model is Territory else
                        set(rel.local_columns) & _condition_columns(model)):
                    continue  # a link that does not decide where the row lies (a child's family)
                # a parent outside the territory first: a row whose organisation part does not come from this
                # parent (an interagency request is its requested body's) may lawfully move under a parent of
                # another organisation in the same territory
                parent = rel.mapper.class_
                outside = db.session.query(parent).filter(~territorial.condition(parent)).first() \
                    if territorial.limits(parent) else None
                outside = outside or db.session.query(parent).filter(~scope.condition(parent)).first()
                if outside is None:
                    continue
                setattr(own, rel.key, outside)
                with pytest.raises(ScopeViolation):
                    db.session.flush()
                db.session.rollback()
                own = db.session.get(model, own.id)
                assert db.session.query(model).filter(model.id == own.id, scope.condition(model)).count() == 1
                tried += 1
            foreign = db.session.query(model).filter(~scope.condition(model)).first()
            column = next((c for c in sa_inspect(model).column_attrs
                           if c.key in ("note", "notes", "name_ky", "comment", "address")), None)
            if foreign is not None and column is not None:
                setattr(foreign, column.key, "changed from another territory")
                with pytest.raises(ScopeViolation):
                    db.session.flush()
                db.session.rollback()
                tried += 1
    assert tried > 5


def _registered(app, base):
    """The instances of every view of `base` the modules' specs register (app/registry.py), not a list kept here:
    a new module's chart or report is walked without editing this file."""
    from app.registry import views_of

    classes = views_of(app.extensions["sanarip_modules"], base)
    return [v for v in app.appbuilder.baseviews if type(v) in classes]


def _report_args(app, report, territory_code):
    """Query arguments that run `report` for territory A: its code for a required territory, today for a date,
    the first option of a choice; an optional territory is left out (the whole scope)."""
    from app.clock import local_today
    from app.extensions import db

    args = {}
    for param in report.params:
        if param.kind == "territory" and param.required:
            args[param.name] = territory_code
        elif param.kind == "date":
            args[param.name] = local_today().isoformat()
        elif param.kind == "choice":  # the first option the territory's user is offered (an office of theirs)
            with app.app_context():
                from app.scope import Scope
                from models.reference import Territory

                unit = db.session.query(Territory).filter_by(code=territory_code).one()
                args[param.name] = str(param.choices(db.session, Scope(unit.id, unit.path, unit.level))[0][0])
    return args


def test_the_walker_finds_every_chart_and_report(app):
    from app.reports import ReportView
    from charts.base import ChartView

    charts, reports = _registered(app, ChartView), _registered(app, ReportView)
    assert {type(v) for v in app.appbuilder.baseviews if isinstance(v, ChartView)} == {type(v) for v in charts}
    assert {type(v) for v in app.appbuilder.baseviews if isinstance(v, ReportView)} == {type(v) for v in reports}
    assert {v.report.key for v in reports} >= {"voter_list", "support_list", "overdue"}
    assert sum(len(v.charts) for v in charts) >= 20


def test_reports_charts_and_prints_deny_other_territories(app, probe):
    """Report, chart and print views asked for a record or unit of another territory answer 404 and audit the
    attempt as denied (issue 7, item 10): every chart's territory filter (screen and export), every report's
    territory parameter (screen and every export format)."""
    from app.reports import ReportView
    from app.scope import is_scoped
    from charts.base import ChartView
    from models.reference import Territory

    outside_id, _ = _outside_row(app, Territory)
    with app.app_context():
        from app.extensions import db

        code = db.session.get(Territory, outside_id).code

    def denied_for(object_type, object_id):
        return [e for e in audit_events(app, action="denied", object_type=object_type, object_id=str(object_id))
                if e.username == "scope_probe"]

    def refused(url):
        before = len(denied_for("ref_territory", outside_id))
        assert probe.get(url).status_code == 404, url
        assert len(denied_for("ref_territory", outside_id)) == before + 1, f"{url}: not audited"
        tried.append(url)

    tried = []
    for view in _registered(app, ChartView):
        for chart in view.charts:
            for name in view.territory_filters:
                if name in chart.filters:
                    refused(f"{view.route_base}/?chart={chart.key}&{name}={code}")
                    refused(f"{view.route_base}/export/{chart.key}/xlsx?{name}={code}")
    for view in _registered(app, ReportView):
        from urllib.parse import urlencode

        for param in view.report.params:
            if param.kind != "territory":
                continue
            query = urlencode({**_report_args(app, view.report, TERRITORY_A), param.name: code})
            for path in ("/", "/export/xlsx", "/export/csv", "/pdf"):
                refused(f"{view.route_base}{path}?{query}")
    for view in app.appbuilder.baseviews:
        if getattr(view, "printable", False) and hasattr(view, "print_record") and is_scoped(view.datamodel.obj):
            pk, _ = _outside_row(app, view.datamodel.obj)
            url = f"{view.route_base}/print/{pk}"
            status = probe.get(url).status_code
            if status == 403:  # the view does not print (no permission is registered for it)
                continue
            assert status == 404, url
            assert denied_for(view.datamodel.obj.__tablename__, pk), f"{url}: not audited"
            tried.append(url)
    assert any("/print/" in u for u in tried) and any("chart=" in u for u in tried), tried
    assert any("/voterlist/pdf" in u for u in tried) and any("/socialsupportlist/export/csv" in u for u in tried)


# --- every chart and every report, with the data of other territories gone ----------------------------------------
@contextmanager
def _only_inside(session, scope):
    """Inside the block the session sees no row of any scoped model outside `scope` (the territory tree itself
    stays: it is reference data); everything is rolled back afterwards and a commit in between fails the test."""
    from flask_appbuilder import Model
    from sqlalchemy import delete, event, false, select, text

    from app.scope import is_scoped
    from models.reference import Territory

    def no_commit(_session):
        raise AssertionError("a chart or report committed while the other territories were deleted")

    models = {m.class_.__table__: m.class_ for m in Model.registry.mappers
              if is_scoped(m.class_) and m.class_ is not Territory}
    with warnings.catch_warnings():  # ab_user and ref_territory refer to each other; neither is deleted
        warnings.simplefilter("ignore")
        tables = [t for t in reversed(Model.metadata.sorted_tables) if t in models]  # children before parents
    postgres = session.get_bind().dialect.name == "postgresql"
    event.listen(session, "before_commit", no_commit)
    try:
        session.execute(delete(tables[0]).where(false()))  # pysqlite opens its transaction at the first write
        # foreign keys wait for a commit that never comes (a parent outside may hold children inside an optional
        # link, which the charts must not count either)
        session.execute(text("SET LOCAL session_replication_role = replica" if postgres else
                             "PRAGMA defer_foreign_keys = ON"))
        deleted = 0
        for table in tables:
            model = models[table]
            (pk,) = table.primary_key.columns
            inside = select(pk).where(scope.condition(model))
            deleted += session.execute(delete(table).where(pk.not_in(inside))).rowcount
        assert deleted > 0
        yield
    finally:
        session.rollback()
        event.remove(session, "before_commit", no_commit)


def _probe_request(app, url):
    """A request of the territory-A user on the test's own session (the deleted rows are visible only there)."""
    from flask import g
    from flask_login import login_user

    context = app.test_request_context(url)
    context.push()
    g.user = app.appbuilder.sm.find_user(username="scope_probe")
    login_user(g.user)
    return context


def _answers(app, probe_views):
    """Every chart's data and every report's rows (screen, xlsx, csv, PDF) as the territory-A user sees them."""
    import csv
    import io

    import openpyxl
    from pypdf import PdfReader
    from urllib.parse import urlencode

    from app.extensions import db
    from app.scope import current_scope

    charts, reports, builder = probe_views
    out = {}
    for view in charts:
        for chart in view.charts:
            context = _probe_request(app, f"{view.route_base}/?chart={chart.key}")
            try:
                frame, _ = view._frame(chart)
                out[(view.route_base, chart.key)] = frame.reset_index(drop=True).astype(str).values.tolist()
            finally:
                context.pop()
    if builder:  # the chart builder: every chartable dataset grouped by each of its dimensions
        from app.catalogue import charts as chart_builder, dictionary
        from app.errors import DomainError

        context = _probe_request(app, "/chartbuilder/")
        try:
            for info in dictionary.datasets().values():
                if not chart_builder.chartable(app.appbuilder, info):
                    continue
                for dim in chart_builder.dimensions(info):
                    request = chart_builder.ChartRequest(info.key, dim.key)
                    try:
                        frame, _ = chart_builder.aggregate(db.session, current_scope(), request)
                        answer = frame.astype(str).values.tolist()
                    except DomainError as exc:
                        answer = str(exc)
                    out[("/chartbuilder", f"{info.key}:{dim.key}")] = answer
        finally:
            context.pop()
    for view in reports:
        base = f"{view.route_base}/?{urlencode(_report_args(app, view.report, TERRITORY_A))}"
        context = _probe_request(app, base)
        try:
            scope = current_scope()
            html = view.index()
            ids = [int(pk) for pk in re.findall(rf'class="{view.report.html_id}-row" data-id="(\d+)"', html)]
            total = re.search(rf'id="{view.report.html_id}-total">[^<]*?(\d+)</p>', html)
            model = view.report.model
            inside = db.session.scalar(select_count(model, scope, ids)) if ids else 0
            assert inside == len(ids), f"{view.route_base}: rows of another territory on the screen"
            out[(view.route_base, "screen")] = (ids, total.group(1) if total else None)
            exported = view.export("xlsx")
            assert exported.get_data()[:2] == b"PK", (view.route_base, exported.status_code,
                                                      exported.headers.get("Location"), exported.get_data()[:500])
            xlsx = openpyxl.load_workbook(io.BytesIO(exported.get_data())).active
            out[(view.route_base, "xlsx")] = [list(r) for r in xlsx.iter_rows(values_only=True)]
            text = view.export("csv").get_data().decode("utf-8-sig")
            out[(view.route_base, "csv")] = list(csv.reader(io.StringIO(text)))
            pdf = view.pdf()
            out[(view.route_base, "pdf")] = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_data()))
                                                    .pages) if pdf.status_code == 200 else pdf.headers["Location"]
        finally:
            context.pop()
    return out


def select_count(model, scope, ids):
    from sqlalchemy import func

    from app.scope import scoped_select

    return scoped_select(model, scope, func.count()).where(model.id.in_(ids))


def test_no_chart_and_no_report_shows_another_territory(app, probe, monkeypatch):
    """The walker of charts and reports: with a territorial user, every chart's data and every report (screen,
    xlsx, csv, PDF) is the same whether or not the other territories' rows exist: nothing of them is counted or
    listed. Charts and reports come from the registry (`_registered`)."""
    from app import clock
    from app.extensions import db
    from app.reports import ReportView
    from charts.base import ChartView
    from models.reference import Territory

    fixed = clock.now().replace(microsecond=0)
    monkeypatch.setattr(clock, "now", lambda: fixed)  # the PDFs' "printed on" line
    from views.chart_builder import ChartBuilderView

    views = (_registered(app, ChartView), _registered(app, ReportView), _registered(app, ChartBuilderView))
    with app.app_context():
        a = db.session.query(Territory).filter_by(code=TERRITORY_A).one()
        from app.scope import Scope

        scope = Scope(a.id, a.path, a.level)
        seen = _answers(app, views)
        db.session.rollback()  # the bulk reads it audited: the audit chart counts them
        with _only_inside(db.session, scope):
            alone = _answers(app, views)
    assert seen.keys() == alone.keys()
    differ = [key for key in seen if seen[key] != alone[key]]
    assert not differ, f"data of other territories in: {differ}"
    # the walk means something: territory A has data in most charts and in every report
    assert sum(1 for key, value in seen.items() if key[1] not in ("screen", "xlsx", "csv", "pdf") and value) >= 15
    assert sum(1 for key in seen if key[0] == "/chartbuilder") >= 20
    for view in views[1]:
        assert seen[(view.route_base, "screen")][0], f"{view.route_base}: no rows in territory A to check"
