"""Shared capabilities: audit trail, PDF, charts, export/import, working days, bad input, registry."""
import datetime
import io

import pytest

from tests.conftest import Browser, audit_events


@pytest.fixture
def admin(app):
    b = Browser(app.test_client())
    b.login("admin")
    return b


# --- audit ----------------------------------------------------------------------------------------------
def test_update_is_audited_with_old_and_new_values(app, admin, db):
    import json

    from models.reference import Territory

    unit = db.session.query(Territory).filter_by(level=4).order_by(Territory.id.desc()).first()
    old = unit.name_ky
    response = admin.post(f"/territoryview/edit/{unit.id}",
                          {"name_ky": "Жаңы аты", "name_ru": unit.name_ru, "name_en": "New name"},
                          token_from=f"/territoryview/edit/{unit.id}")
    assert response.status_code == 302
    event = [e for e in audit_events(app, action="update", object_type="ref_territory", object_id=str(unit.id))][-1]
    changes = json.loads(event.changes)
    assert changes["name_ky"] == [old, "Жаңы аты"] and event.username == "admin"
    assert "name_ru" not in changes  # unchanged fields are not listed


def test_create_and_delete_are_audited(app, db):
    from sqlalchemy import func

    from models.audit import AuditEvent
    from models.reference import Territory

    # SQLite gives a deleted last row's id to the next row: only this test's events count
    first = (db.session.query(func.max(AuditEvent.id)).scalar() or 0) + 1
    with app.test_request_context():
        parent = db.session.query(Territory).filter_by(code="41708203000000").one()
        unit = Territory(code="41708203999999", kind="village", name_ru="Тестовое", parent=parent)
        db.session.add(unit)
        db.session.commit()
        pk = unit.id
        db.session.delete(unit)
        db.session.commit()
    actions = [e.action for e in audit_events(app, object_type="ref_territory", object_id=str(pk)) if e.id >= first]
    assert actions == ["create", "delete"]


def test_audit_trail_is_read_only(app, admin):
    from models.audit import AuditEvent

    with app.app_context():
        pk = audit_events(app)[0].id
    view = next(v for v in app.appbuilder.baseviews if getattr(v, "datamodel", None) is not None
                and v.datamodel.obj is AuditEvent)
    assert set(view.base_permissions) == {"can_list", "can_show", "can_export"}
    assert admin.get(f"/auditeventview/edit/{pk}").status_code in (403, 404, 405)
    admin.post(f"/auditeventview/delete/{pk}")
    assert any(e.id == pk for e in audit_events(app))
    assert admin.get("/auditeventview/list/?_flt_0_action=login").status_code == 200
    exported = admin.get("/auditeventview/export/xlsx?_flt_0_action=login")
    assert exported.status_code == 200 and exported.data[:2] == b"PK"


def test_permission_denial_is_audited(app, make_user):
    name = make_user(("Auditor",))
    b = Browser(app.test_client())
    b.login(name)
    assert b.get("/users/list/").status_code == 403
    denied = [e for e in audit_events(app, action="denied") if e.username == name]
    assert denied and "/users/list/" in denied[-1].path


def test_unknown_username_failure_is_audited(app, browser):
    browser.login("nobody-at-all", "Whatever12345")
    assert audit_events(app, action="login_failed", username="nobody-at-all")


# --- PDF ------------------------------------------------------------------------------------------------
def test_pdf_keeps_kyrgyz_letters(app):
    from pypdf import PdfReader

    from app.pdf import render_pdf

    with app.test_request_context("/?_l_=ky"):
        data = render_pdf("pdf/base.html", title="Маалымкат", paragraphs=["Үй-бүлөнүн курамы: Төлөгөнова Айгүл, "
                                                                              "Жеңиш айылы, Өзгөн району"])
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for word in ("Маалымкат", "Үй-бүлөнүн", "Төлөгөнова", "Жеңиш", "Өзгөн"):
        assert word in text
    assert all(letter in text for letter in "ңөүҢӨҮ".lower())


# --- charts ---------------------------------------------------------------------------------------------
def test_chart_aggregates_in_sql_and_serves_plotly_locally(app, admin, db):
    from sqlalchemy import func

    from app.scope import NATIONAL
    from charts.audit import events_by_day
    from models.audit import AuditEvent

    frame = events_by_day(db.session, NATIONAL, {"days": "30"})
    assert frame["events"].sum() == db.session.query(func.count(AuditEvent.id)).scalar()
    page = admin.get("/auditcharts/").get_data(as_text=True)
    assert "/static/vendor/plotly.min.js" in page and "plotly-graph-div" in page
    assert "cdn.plot.ly" not in page
    js = admin.get("/static/vendor/plotly.min.js")
    assert js.status_code == 200 and len(js.data) > 1_000_000
    exported = admin.get("/auditcharts/export/events_by_day/csv")
    assert exported.status_code == 200 and exported.get_data(as_text=True).count("\n") == len(frame) + 1


# --- export / import ------------------------------------------------------------------------------------
def test_export_honours_filters(app, admin, db):
    import openpyxl

    from models.reference import Territory

    response = admin.get("/territoryview/export/xlsx?_flt_0_level=1")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) - 1 == db.session.query(Territory).filter_by(level=1).count() == 9
    assert "41711000000000" in {r[0] for r in rows}


def _xlsx(rows):
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_import_is_all_or_nothing_with_row_errors_in_the_users_language(app, db):
    from models.reference import Territory

    b = Browser(app.test_client())
    b.get("/lang/ru")
    b.login("admin")
    header = ["parent", "code", "kind", "name_ky", "name_ru", "name_en"]
    good = ["41708203000000", "41708203990001", "village", "Сынак", "Тестовое-1", "Test-1"]
    bad = ["41708203000000", "12345", "village", "", "Тестовое-2", ""]
    before = db.session.query(Territory).count()
    response = b.post("/territoryview/import/", {"file": (_xlsx([header, good, bad]), "units.xlsx")},
                      token_from="/territoryview/import/", content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="import-errors"' in page
    assert "<td>3</td>" in page  # the bad row is row 3 of the file
    db.session.expire_all()
    assert db.session.query(Territory).count() == before  # the good row was not saved either
    fixed = ["41708203000000", "41708203990002", "village", "", "Тестовое-2", ""]
    response = b.post("/territoryview/import/", {"file": (_xlsx([header, good, fixed]), "units.xlsx")},
                      token_from="/territoryview/import/", content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.query(Territory).count() == before + 2
    added = db.session.query(Territory).filter_by(code="41708203990002").one()
    assert added.level == 3 and added.path.endswith("/41708203000000/41708203990002/")


def test_import_rejects_a_file_that_is_not_a_table(app, admin):
    response = admin.post("/territoryview/import/", {"file": (io.BytesIO(b"\x00\x01garbage"), "x.xlsx")},
                          token_from="/territoryview/import/", content_type="multipart/form-data")
    assert response.status_code == 200 and "alert" in response.get_data(as_text=True)


# --- working days ---------------------------------------------------------------------------------------
def test_working_days_follow_the_kyrgyz_calendar():
    from app.workdays import add_working_days, is_working_day, working_days_between

    assert not is_working_day(datetime.date(2026, 8, 31))  # Independence Day, a Monday
    assert not is_working_day(datetime.date(2026, 3, 21))
    assert add_working_days(datetime.date(2026, 11, 20), 3) == datetime.date(2026, 11, 25)  # Fri + 3 = Wed
    assert add_working_days(datetime.date(2026, 8, 28), 1) == datetime.date(2026, 9, 1)  # skips 31 August
    assert add_working_days(datetime.date(2026, 4, 30), 1) == datetime.date(2026, 5, 11)  # May holidays
    assert working_days_between(datetime.date(2026, 8, 28), datetime.date(2026, 9, 4)) == 4


# --- bad input never gives a server error ------------------------------------------------------------------
@pytest.mark.parametrize("url,expected", [
    ("/territoryview/list/?psize_TerritoryView=100000&_flt_0_level=1", 302),
    ("/territoryview/list/?page_TerritoryView=abc&_flt_0_level=1", 400),
    ("/territoryview/show/abc", 404),
    ("/territoryview/show/99999999", 404),
    ("/lang/xx", 404),
    ("/?_l_=zz", 200),
    ("/territoryview/export/pdf", 404),
    ("/api/v1/territory/?q=(page_size:100000)", 200),
    ("/api/v1/territory/?q=((((", 400),
])
def test_malformed_requests(app, admin, url, expected):
    response = admin.get(url)
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    if expected == 302:
        assert "psize_TerritoryView=100" in response.headers["Location"]


def test_page_size_is_capped_in_the_api(app, admin):
    data = admin.get("/api/v1/territory/?q=(page_size:100000)").get_json()
    assert len(data["result"]) == 100


def test_wrong_types_in_the_api_are_refused(app, admin, db):
    from models.reference import Territory

    unit = db.session.query(Territory).filter_by(level=4).first()
    response = admin.api.put(f"/api/v1/territory/{unit.id}", json={"name_ru": 12})
    assert response.status_code == 422 and "name_ru" in response.get_json()["message"]
    response = admin.api.put(f"/api/v1/territory/{unit.id}", data="not json", content_type="application/json")
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Territory, unit.id).name_ru == unit.name_ru


def test_error_pages_are_translated(app):
    b = Browser(app.test_client())
    b.get("/lang/ru")
    b.login("admin")
    response = b.get("/territoryview/show/abc")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and 'lang="ru"' in page


# --- territories ----------------------------------------------------------------------------------------
def test_territory_tree_is_complete_and_loads_idempotently(app, db):
    from sqlalchemy import func

    from app.seed import territories
    from models.reference import Territory

    counts = dict(db.session.query(Territory.kind, func.count()).group_by(Territory.kind).all())
    assert counts["oblast"] == 7 and counts["city_republican"] == 2 and counts["aiyl_aimak"] == 454
    assert counts["village"] >= 1855
    assert territories.load(db.session, lambda m: None) == 0
    chuy = db.session.query(Territory).filter_by(code="41708000000000").one()
    assert (chuy.name_ky, chuy.name_en) == ("Чүй облусу", "Chui Region")


def test_missing_names_fall_back_to_russian_marked(app, db):
    from models.reference import Territory

    village = db.session.query(Territory).filter(Territory.kind == "village", Territory.name_ky.is_(None)).first()
    from flask_babel import refresh

    with app.test_request_context("/?_l_=ky"):
        refresh()
        assert village.name == f"{village.name_ru} [ru]"
    with app.test_request_context("/?_l_=ru"):
        refresh()
        assert village.name == village.name_ru


def test_role_changes_of_a_user_are_audited(app, admin, make_user):
    import json

    from app.extensions import db
    from models.user import SanaripUser

    name = make_user(("Auditor",))
    with app.app_context():
        user = db.session.query(SanaripUser).filter_by(username=name).one()
        user.roles.append(app.appbuilder.sm.find_role("Reference editor"))
        db.session.commit()
        uid = user.id
    event = [e for e in audit_events(app, action="update", object_type="ab_user", object_id=str(uid))][-1]
    before, after = json.loads(event.changes)["roles"]
    assert before == ["Auditor"] and after == ["Auditor", "Reference editor"]


def test_fab_download_route_answers_404_not_500(app, admin):
    assert admin.get("/territoryview/download/whatever.txt").status_code == 404


def test_an_export_streams_its_rows_with_a_bounded_number_of_statements(app, admin, db, statements):
    """Exports are read from a cursor in batches and sent as they are written (memory does not grow with the
    rows), and the related rows that columns show come per batch, not per row (issue 14)."""
    import csv

    import openpyxl

    from models.household_book import Household, HouseholdMember

    households = db.session.query(Household).count()
    members = db.session.query(HouseholdMember).count()
    assert households > 20 and members > 50, "the demo data gives rows enough to tell per row from per batch"
    for path, rows in (("/householdview/export/csv", households), ("/memberview/export/csv", members)):
        statements.clear()
        response = admin.get(path)
        assert response.status_code == 200 and response.is_streamed
        table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        assert len(table) == rows + 1
        assert len(statements) < 25, f"{path}: {len(statements)} statements for {rows} rows"
    response = admin.get("/householdview/export/xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet.max_row == households + 1
    head = next(m for m in db.session.query(HouseholdMember).filter_by(relation="head", is_active=True))
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == head.household.number
               and r[2] == head.household.address)
    assert head.full_name in str(row[3])


def test_no_list_or_show_page_prints_python_none(app, admin, db):
    """Every model view's list page and the show page of its first record, in Kyrgyz: an empty value is an empty
    cell, never FAB's "None" (the formatters of views/base.py cover every shown column)."""
    import re

    from views.base import SanaripModelView

    admin.get("/lang/ky")
    walked, leaks = 0, []
    for view in app.appbuilder.baseviews:
        if not isinstance(view, SanaripModelView) or "can_list" not in (view.base_permissions or ()):
            continue
        base = view.route_base
        page = admin.get(f"{base}/list/")
        if page.status_code != 200:
            continue
        text = page.get_data(as_text=True)
        urls = [f"{base}/list/"]
        first = re.search(rf'href="{re.escape(base)}/show/(\d+)"', text)
        if first and "can_show" in view.base_permissions:
            shown = admin.get(f"{base}/show/{first.group(1)}")
            assert shown.status_code == 200, base
            text += shown.get_data(as_text=True)
            urls.append(f"{base}/show/{first.group(1)}")
        walked += 1
        if re.search(r">\s*None\s*<", text):
            leaks.append(urls)
    assert walked > 40 and not leaks, leaks


def test_every_list_page_reads_its_rows_in_a_bounded_number_of_statements(app, admin, statements):
    """A list page of 25 rows runs a fixed number of statements, whatever its rows show: the relations its
    columns show come in one query per page (views/base.py `_page_rows`), the permissions in one per request
    (app/security.py) — not one per row or per button (issue 14)."""
    import re

    from views.base import SanaripModelView

    counts, full = {}, 0
    for view in app.appbuilder.baseviews:
        if not isinstance(view, SanaripModelView) or "can_list" not in (view.base_permissions or ()):
            continue
        statements.clear()
        page = admin.get(f"{view.route_base}/list/?psize_{view.__class__.__name__}=25")
        if page.status_code != 200:
            continue
        rows = len(set(re.findall(rf'{re.escape(view.route_base)}/show/(\d+)', page.get_data(as_text=True))))
        full += rows >= 20
        counts[view.__class__.__name__] = (len(statements), rows)
    heavy = {name: n for name, (n, rows) in counts.items() if n > 20}
    assert full >= 10, "the demo data fills enough list pages to tell per-row reads from per-page ones"
    assert not heavy, heavy


def test_permissions_are_read_once_per_request_and_a_revocation_counts_from_the_next(app, make_user, statements):
    from app.extensions import db as database
    from views.household_book import HouseholdView

    name = HouseholdView.__name__
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.find_role("perm cache probe") or sm.add_role("perm cache probe")
        for perm, view in (("can_list", name), ("can_show", name), ("menu_access", "Household book")):
            pv = sm.find_permission_view_menu(perm, view)
            if pv is not None:
                sm.add_permission_role(role, pv)
    user = Browser(app.test_client())
    user.login(make_user(("perm cache probe",)))
    statements.clear()
    assert user.get("/householdview/list/").status_code == 200
    checks = [s for s in statements if "ab_permission_view_role" in s]
    assert len(checks) == 1, len(checks)
    with app.app_context():
        sm = app.appbuilder.sm
        sm.del_permission_role(sm.find_role("perm cache probe"), sm.find_permission_view_menu("can_list", name))
        database.session.commit()
    assert user.get("/householdview/list/").status_code != 200


def test_the_household_lookup_reads_the_heads_with_the_page(app, admin, statements):
    """A household's label names its head: the lookup box loads the members with the households (one query),
    not one query per household (issue 14: 20 of 26 statements at national scale)."""
    statements.clear()
    answer = admin.get("/memberview/lookup/household?q=")
    results = answer.get_json()["results"]
    assert answer.status_code == 200 and len(results) >= 10
    members = [s for s in statements if "FROM household_book_member" in s]
    assert len(members) <= 1, len(members)


def test_a_list_counts_up_to_the_cap_then_says_more_than(app, admin, statements):
    """issue 14: an exact count(*) of a national list is most of its time; past LIST_COUNT_CAP the list says
    "more than N", the pager still pages, and the count reads at most cap + 1 rows."""
    from models.household_book import HouseholdMember

    with app.app_context():
        from app.extensions import db as database

        members = database.session.query(HouseholdMember).count()
    assert members > 30
    cap = app.config["LIST_COUNT_CAP"]
    app.config["LIST_COUNT_CAP"] = 30
    try:
        admin.get("/lang/ru")
        statements.clear()
        page = admin.get("/memberview/list/").get_data(as_text=True)
        assert "более 30" in page and f": {members}" not in page
        assert "page_MemberView=1" in page  # the pager offers the next page
        counted = [s for s in statements if "count(" in s.lower() and "household_book_member" in s]
        assert counted and all("LIMIT" in s for s in counted)
    finally:
        app.config["LIST_COUNT_CAP"] = cap
    page = admin.get("/memberview/list/").get_data(as_text=True)
    assert "более" not in page


def test_the_api_list_counts_up_to_the_cap_and_says_so(app, admin, statements):
    """issue 14: the REST list counts as the list pages do (capped_count): past LIST_COUNT_CAP `count` is the cap
    and `count_capped` is true, the pages past it are still served, and the OpenAPI says what the flag means."""
    from models.household_book import HouseholdMember

    with app.app_context():
        from app.extensions import db as database

        members = database.session.query(HouseholdMember).count()
    assert members > 40
    cap = app.config["LIST_COUNT_CAP"]
    app.config["LIST_COUNT_CAP"] = 30
    try:
        statements.clear()
        body = admin.get("/api/v1/household_member/?q=(page_size:10)").get_json()
        assert body["count"] == 30 and body["count_capped"] is True and len(body["ids"]) == 10
        counted = [s for s in statements if "count(" in s.lower() and "household_book_member" in s]
        assert counted and all("LIMIT" in s for s in counted), counted
        past = admin.get("/api/v1/household_member/?q=(page:3,page_size:10)").get_json()  # rows 31-40
        assert len(past["ids"]) == 10 and past["count_capped"] is True
    finally:
        app.config["LIST_COUNT_CAP"] = cap
    body = admin.get("/api/v1/household_member/?q=(page_size:10)").get_json()
    assert body["count"] == members and body["count_capped"] is False
    spec = admin.get("/api/v1/_openapi").get_json()
    listing = spec["paths"]["/api/v1/household_member/"]["get"]["responses"]["200"]["content"]["application/json"]
    properties = listing["schema"]["properties"]
    assert properties["count_capped"]["type"] == "boolean" and "cap" in properties["count"]["description"]


def test_an_export_counts_its_rows_for_the_audit_up_to_the_cap_and_sends_every_row(app, admin, db, statements):
    """issue 14: an export's audit entry counted every matching row before the first was sent; it counts up to
    LIST_COUNT_CAP (and says so), the file still has every row."""
    import csv
    import json

    from models.household_book import HouseholdMember

    members = db.session.query(HouseholdMember).count()
    cap = app.config["LIST_COUNT_CAP"]
    app.config["LIST_COUNT_CAP"] = 30
    try:
        statements.clear()
        response = admin.get("/memberview/export/csv")
        table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        assert len(table) == members + 1
        counted = [s for s in statements if "count(" in s.lower() and "household_book_member" in s]
        assert counted and all("LIMIT" in s for s in counted), counted
    finally:
        app.config["LIST_COUNT_CAP"] = cap
    details = json.loads(audit_events(app, action="export")[-1].changes)
    assert details["rows"] == 30 and details["rows_capped"] is True
    admin.get("/memberview/export/csv").get_data()
    details = json.loads(audit_events(app, action="export")[-1].changes)
    assert details["rows"] == members and details["rows_capped"] is False
