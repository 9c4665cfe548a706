"""The report mechanism (app/reports.py): paging and counting in SQL, parameters, the bulk-read audit of every
screen and export, the PDF limit. Scope is walked for every report in tests/test_scope.py."""
import datetime
import io
import json
import re

import pytest

from tests.conftest import Browser
from tests.test_audit_reads import _last_id, _new_events

pytestmark = pytest.mark.filterwarnings("ignore")
RAYON = "41708203000000"


def _view(app, cls):
    return next(v for v in app.appbuilder.baseviews if isinstance(v, cls))


def test_the_screen_pages_and_counts_in_sql(app, db, statements):
    """A national support list is never loaded whole for the screen: one COUNT, one page by LIMIT/OFFSET."""
    from app.scope import NATIONAL
    from app.services import social_passport
    from views.social_passport import SupportListView

    everyone = db.session.scalars(social_passport.support_list_query(NATIONAL)).all()
    assert len(everyone) > 4
    view = _view(app, SupportListView)
    b = Browser(app.test_client())
    b.login("admin")
    view.page_size = 2
    try:
        statements.clear()
        first = b.get("/socialsupportlist/").get_data(as_text=True)
        rows_sql = [s for s in statements if "social_passport_passport" in s and "LIMIT" in s.upper()]
        counts = [s for s in statements if re.search(r"count\(\*\)", s, re.I) and "social_passport_passport" in s]
        second = b.get("/socialsupportlist/?page=1").get_data(as_text=True)
    finally:
        view.page_size = SupportListView.page_size
    assert rows_sql and counts, statements
    ids = [int(i) for i in re.findall(r'class="support-row" data-id="(\d+)"', first)]
    more = [int(i) for i in re.findall(r'class="support-row" data-id="(\d+)"', second)]
    assert ids == [p.id for p in everyone[:2]] and more == [p.id for p in everyone[2:4]]
    assert re.search(rf'id="support-total">[^<]*\b{len(everyone)}\b', first)
    assert 'id="report-pages"' in first
    # a page past the end is empty, a page that is no number is the first
    assert 'class="support-row"' not in b.get("/socialsupportlist/?page=99999").get_data(as_text=True)
    assert b.get("/socialsupportlist/?page=x").status_code == 200


def test_every_screen_and_export_is_one_bulk_read(app, make_user):
    from app.clock import local_today

    user = make_user(("LSG clerk",), territory=RAYON)
    b = Browser(app.test_client())
    b.login(user)
    args = f"territory={RAYON}&date={(local_today() + datetime.timedelta(days=10)).isoformat()}"
    for path, action, fmt in (("/", "report", None), ("/export/xlsx", "export", "xlsx"),
                              ("/export/csv", "export", "csv"), ("/pdf", "pdf", None)):
        mark = _last_id(app)
        answer = b.get(f"/voterlist{path}?{args}")
        assert answer.status_code == 200, path
        events = _new_events(app, mark, user)
        assert [(e.action, e.object_type) for e in events] == [(action, "household_book_member")], path
        details = json.loads(events[0].changes)
        assert details["report"] == "voter_list" and ["territory", "territory", RAYON] in details["filters"]
        assert details["count"] > 0 and details["rows"] <= details["count"]
        if fmt:
            assert details["format"] == fmt


def test_missing_or_bad_parameters_run_nothing(app, make_user):
    user = make_user(("LSG clerk",), territory=RAYON)
    b = Browser(app.test_client())
    b.get("/lang/ky")
    b.login(user)
    first = b.get("/voterlist/").get_data(as_text=True)
    assert 'id="report-params"' in first and 'id="report-error"' not in first
    mark = _last_id(app)
    page = b.get(f"/voterlist/?territory={RAYON}&date=29.11.2026")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="report-error"' in text and "Шайлоо күнү" in text
    assert 'id="voter-total"' not in text and _new_events(app, mark, user) == []
    # an export without its parameters goes back to the form with the message
    answer = b.get(f"/voterlist/export/xlsx?territory={RAYON}")
    assert answer.status_code == 302 and "/voterlist/" in answer.headers["Location"]
    assert b.get("/voterlist/?territory=41799999999999&date=2026-11-29").status_code == 404  # no such unit
    assert b.get("/voterlist/export/docx").status_code == 404


def test_links_follow_the_users_permissions(app, make_user):
    reader = Browser(app.test_client())
    reader.login(make_user(("Child protection territorial reader",), territory=RAYON))
    page = reader.get("/cpoverdue/").get_data(as_text=True)
    assert "/cpactivityview/show/" in page and "/cpchildview/show/" in page
    spreadsheet = reader.get("/cpoverdue/export/csv")
    assert spreadsheet.mimetype.startswith("text/csv")
    assert reader.get("/cpoverdue/pdf").mimetype == "application/pdf"


def test_a_report_pdf_has_one_section_per_group(app, db):
    """The support list's PDF: a heading per village (with its aiyl aimak) and its count, in the list's order."""
    from collections import Counter

    from flask_babel import force_locale
    from pypdf import PdfReader

    from app.scope import NATIONAL
    from app.services import social_passport
    from models.reference import Territory
    from views.social_passport import _village

    rayon = db.session.query(Territory).filter_by(code=RAYON).one()
    b = Browser(app.test_client())
    b.get("/lang/ru")
    b.login("admin")
    with app.test_request_context(), force_locale("ru"):
        groups = Counter(_village(p) for p in db.session.scalars(social_passport.support_list_query(NATIONAL, rayon)))
    assert groups
    pdf = b.get(f"/socialsupportlist/pdf?territory={RAYON}")
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
    for heading, count in groups.items():
        assert "".join(f"{heading} — {count}".split()) in text, heading
