"""Anonymised statistics: small cells suppressed, no personal data, and the statistician can open no personal
record anywhere (walks every registered personal view and API)."""
import io

import pandas as pd
import pytest

from tests.conftest import Browser


def test_primary_and_secondary_suppression():
    from app.services.statistics import suppress

    frame = pd.DataFrame({"a": [12, 3, 0, 7], "b": [9, 8, 6, 2], "c": [5, 20, 1, 1]}, index=["r1", "r2", "r3", "r4"])
    out = suppress(frame)
    assert out.loc["r1"].tolist() == [12, 9, 5, 26]  # nothing under 5
    # r2: one cell under 5 -> the smallest other non-zero cell (8) goes too, so the total cannot reveal it
    assert out.loc["r2", "a"] is pd.NA and out.loc["r2", "b"] is pd.NA and out.loc["r2", "c"] == 20
    assert out.loc["r2", "total"] == 31
    assert all(v is pd.NA for v in out.loc["r3", ["a", "c"]]) and out.loc["r3", "b"] == 6  # two withheld already
    assert out.loc["r4", "total"] == 10 and out.loc["r4", "b"] is pd.NA and out.loc["r4", "c"] is pd.NA


def test_population_table_matches_the_household_book(app, db):
    import datetime

    from app.scope import NATIONAL
    from app.services import statistics
    from models.household_book import HouseholdMember

    frame, names = statistics.population_table(db.session, NATIONAL)
    members = db.session.query(HouseholdMember).filter(HouseholdMember.is_active.is_(True)).all()
    assert int(frame.to_numpy().sum()) == len(members)
    chuy = [m for m in members if m.household.territory.path.startswith("/41708000000000/")]
    today = datetime.date.today()
    adult_women = [m for m in chuy if m.sex == "F" and 18 <= m.age_on(today) <= 34]
    assert frame.loc["41708000000000", "F 18–34"] == len(adult_women)
    assert set(names) <= {"41702000000000", "41703000000000", "41704000000000", "41705000000000",
                          "41706000000000", "41707000000000", "41708000000000", "41711000000000", "41721000000000"}


def test_statistician_sees_only_suppressed_aggregates(app, make_user):
    import openpyxl

    b = Browser(app.test_client())
    b.get("/lang/en")
    b.login(make_user(("Statistician",)))
    page = b.get("/statistics/").get_data(as_text=True)
    assert 'id="suppression-note"' in page and ">x<" in page
    data = b.get("/statistics/export/population/xlsx").data
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    numbers = [v for row in rows[1:] for v in row[2:] if isinstance(v, (int, float))]
    assert numbers and min(numbers) >= 5  # every published count is 5 or more
    assert all(v == "x" or isinstance(v, (int, float)) for row in rows[1:] for v in row[2:])


def _personal_views(app):
    from views.base import SanaripModelRestApi, SanaripModelView

    views = [v for v in app.appbuilder.baseviews if isinstance(v, SanaripModelView)
             and getattr(v.datamodel.obj, "personal", False)]
    apis = [v for v in app.appbuilder.baseviews if isinstance(v, SanaripModelRestApi)
            and getattr(v.datamodel.obj, "personal", False)]
    return views, apis


def test_statistician_is_denied_every_personal_view_api_and_export(app, db, make_user):
    views, apis = _personal_views(app)
    assert len(views) >= 4 and apis
    b = Browser(app.test_client())
    b.login(make_user(("Statistician",)))
    for view in views:
        # the permission is refused before any row is looked up: a view without rows yet (custom fields) is tried
        # with an id that would be the first one
        row = db.session.query(view.datamodel.obj).first()
        pk = row.id if row is not None else 1
        for url in (f"{view.route_base}/list/", f"{view.route_base}/show/{pk}",
                    f"{view.route_base}/export/xlsx", f"{view.route_base}/print/{pk}"):
            assert b.get(url).status_code == 403, url
    for api in apis:
        row = db.session.query(api.datamodel.obj).first()
        pk = row.id if row is not None else 1
        for url in (f"/api/v1/{api.resource_name}/", f"/api/v1/{api.resource_name}/{pk}"):
            assert b.get(url).status_code in (401, 403), url
    assert b.get("/voterlist/").status_code == 403


@pytest.mark.parametrize("role", ["LSG clerk", "LSG head"])
def test_voter_list_extract(app, db, make_user, role):
    import datetime

    import openpyxl
    from pypdf import PdfReader

    from app.services.household_book import coming_of_age_cutoff
    from models.household_book import Household, HouseholdMember
    from models.reference import Territory

    b = Browser(app.test_client())
    b.get("/lang/ky")
    b.login(make_user((role,), territory="41708203000000"))
    election = datetime.date.today() + datetime.timedelta(days=30)
    cutoff = coming_of_age_cutoff(election, 18)
    expected = (db.session.query(HouseholdMember).join(Household).join(Territory)
                .filter(Territory.path.startswith("/41708000000000/41708203000000/"),
                        HouseholdMember.is_active.is_(True), HouseholdMember.citizenship == "KG",
                        HouseholdMember.birth_date <= cutoff).count())
    args = f"territory=41708203000000&date={election.isoformat()}"
    page = b.get(f"/voterlist/?{args}").get_data(as_text=True)
    assert f"</b> {expected}</p>" in page and expected > 0
    sheet = openpyxl.load_workbook(io.BytesIO(b.get(f"/voterlist/export/xlsx?{args}").data)).active
    assert sheet.max_row - 1 == expected
    pdf = b.get(f"/voterlist/export/pdf?{args}")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Шайлоочулардын тизмеси" in text or str(expected) in text
    # another oblast is outside the clerk's territory: not offered, not listed
    other = b.get(f"/voterlist/?territory=41702000000000&date={election.isoformat()}").get_data(as_text=True)
    assert 'id="voter-count"' not in other
