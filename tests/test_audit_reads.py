"""Bulk reads of personal data leave one audit entry per page or call: who, which dataset, the filters, how many
rows. Walks every personal-data list view, API list and lookup the app registers."""
import json

import prison
import pytest

from tests.conftest import Browser

pytestmark = pytest.mark.filterwarnings("ignore")


def _personal(app, kind):
    from app.audit import personal_dataset

    return [v for v in app.appbuilder.baseviews if isinstance(v, kind) and personal_dataset(v.datamodel.obj)]


def _new_events(app, after, username):
    from app.extensions import db
    from models.audit import AuditEvent

    with app.app_context():
        return db.session.query(AuditEvent).filter(AuditEvent.id > after, AuditEvent.username == username,
                                                   AuditEvent.action.notin_(("login", "logout"))).all()


def _last_id(app):
    from sqlalchemy import func

    from app.extensions import db
    from models.audit import AuditEvent

    with app.app_context():
        return db.session.query(func.max(AuditEvent.id)).scalar() or 0


def _equal_filter(view):
    """(column, index of FAB's "equal to" filter, value of a visible row) for a plain text search column."""
    from sqlalchemy import String

    search = view._filters.get_search_filters()
    for col in view.search_columns or []:
        column = view.datamodel.obj.__table__.columns.get(col) if isinstance(col, str) else None
        if column is None or not isinstance(column.type, String):
            continue
        for i, flt in enumerate(search.get(col, [])):
            if flt.arg_name == "eq":
                return col, i
    return None


def test_every_personal_list_page_and_api_list_is_audited_once(app, db, make_user):
    from views.base import SanaripModelRestApi, SanaripModelView

    views = _personal(app, SanaripModelView)
    apis = {api.datamodel.obj: api for api in _personal(app, SanaripModelRestApi)}
    assert len(views) >= 10 and len(apis) >= 5
    user = make_user()
    b = Browser(app.test_client())
    b.login(user)
    checked_filters = 0
    for view in views:
        model, table = view.datamodel.obj, view.datamodel.obj.__tablename__
        mark = _last_id(app)
        assert b.get(f"{view.route_base}/list/").status_code == 200, view
        events = _new_events(app, mark, user)
        assert [(e.action, e.object_type) for e in events] == [("list", table)], view
        details = json.loads(events[0].changes)
        assert details["filters"] == [] and isinstance(details["count"], int)
        assert details["rows"] == min(details["count"], view.page_size), view
        found = _equal_filter(view)
        row = db.session.query(model).filter(getattr(model, found[0]).isnot(None)).first() if found else None
        if row is None:
            continue
        col, index = found
        value = getattr(row, col)
        mark = _last_id(app)
        assert b.get(f"{view.route_base}/list/", query_string={f"_flt_{index}_{col}": value}).status_code == 200
        events = _new_events(app, mark, user)
        assert len(events) == 1, view
        details = json.loads(events[0].changes)
        assert details["filters"] == [[col, "eq", value]], view
        checked_filters += 1
        api = apis.get(model)
        if api is not None and col in (api.search_columns or api.datamodel.get_search_columns_list()):
            mark = _last_id(app)
            q = prison.dumps({"filters": [{"col": col, "opr": "eq", "value": value}]})
            answer = b.get(f"/api/v1/{api.resource_name}/", query_string={"q": q})
            assert answer.status_code == 200, api
            events = _new_events(app, mark, user)
            assert [(e.action, e.object_type) for e in events] == [("api_list", table)], api
            api_details = json.loads(events[0].changes)
            assert api_details["count"] == answer.get_json()["count"] == details["count"], api  # the same rows
            assert api_details["filters"] == [{"col": col, "opr": "eq", "value": value}]
    assert checked_filters >= 5
    for api in apis.values():
        mark = _last_id(app)
        answer = b.get(f"/api/v1/{api.resource_name}/")
        assert answer.status_code == 200, api
        events = _new_events(app, mark, user)
        assert [(e.action, e.object_type) for e in events] == [("api_list", api.datamodel.obj.__tablename__)]
        details = json.loads(events[0].changes)
        assert details["count"] == answer.get_json()["count"] and details["rows"] == len(answer.get_json()["ids"])


def test_lookups_and_report_screens_are_audited_once(app, db, make_user):
    from app.audit import personal_dataset
    from views.base import SanaripModelView

    user = make_user()
    b = Browser(app.test_client())
    b.login(user)
    lookups = 0
    for view in [v for v in app.appbuilder.baseviews if isinstance(v, SanaripModelView)]:
        for column, related in (getattr(view, "_lookup_columns", None) or {}).items():
            mark = _last_id(app)
            answer = b.get(f"{view.route_base}/lookup/{column}", query_string={"q": "а"})
            if answer.status_code == 403:  # a view nobody adds to (history, events): no lookup to ask
                continue
            assert answer.status_code == 200, (view, column)
            events = _new_events(app, mark, user)
            if not personal_dataset(related):
                assert events == []
                continue
            assert [(e.action, e.object_type) for e in events] == [("lookup", related.__tablename__)]
            details = json.loads(events[0].changes)
            assert details["count"] == len(answer.get_json()["results"])
            assert all(f[2] == "а" for f in details["filters"]) and details["filters"]
            lookups += 1
    assert lookups >= 2
    for url, table in (("/cpoverdue/", "child_protection_activity"),
                       ("/socialsupportlist/", "social_passport_passport")):
        mark = _last_id(app)
        if b.get(url).status_code == 404:
            continue
        events = _new_events(app, mark, user)
        assert [(e.action, e.object_type) for e in events] == [("report", table)], url
