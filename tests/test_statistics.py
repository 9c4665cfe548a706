"""Anonymised statistics: small cells suppressed, no personal data, and the statistician can open no personal
record anywhere (walks every registered personal view and API)."""
import io

from app.clock import local_today

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

    from app.scope import NATIONAL
    from app.services import statistics
    from models.household_book import HouseholdMember

    frame, names = statistics.population_table(db.session, NATIONAL)
    members = db.session.query(HouseholdMember).filter(HouseholdMember.is_active.is_(True)).all()
    assert int(frame.to_numpy().sum()) == len(members)
    chuy = [m for m in members if m.household.territory.path.startswith("/41708000000000/")]
    today = local_today()
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
             and getattr(v.datamodel.obj, "personal", False) is True]
    apis = [v for v in app.appbuilder.baseviews if isinstance(v, SanaripModelRestApi)
            and getattr(v.datamodel.obj, "personal", False) is True]
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

    from app.ages import born_by
    from models.household_book import Household, HouseholdMember
    from models.reference import Territory

    b = Browser(app.test_client())
    b.get("/lang/ky")
    b.login(make_user((role,), territory="41708203000000"))
    election = local_today() + datetime.timedelta(days=30)
    cutoff = born_by(election, 18)
    expected = (db.session.query(HouseholdMember).join(Household).join(Territory)
                .filter(Territory.path.startswith("/41708000000000/41708203000000/"),
                        HouseholdMember.is_active.is_(True), HouseholdMember.citizenship == "KG",
                        HouseholdMember.birth_date <= cutoff).count())
    args = f"territory=41708203000000&date={election.isoformat()}"
    page = b.get(f"/voterlist/?{args}").get_data(as_text=True)
    assert f'id="voter-total">Шайлоочулар: {expected}</p>' in page and expected > 0
    sheet = openpyxl.load_workbook(io.BytesIO(b.get(f"/voterlist/export/xlsx?{args}").data)).active
    assert sheet.max_row - 1 == expected
    pdf = b.get(f"/voterlist/pdf?{args}")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Шайлоочулардын тизмеси" in text or str(expected) in text
    # another oblast is outside the clerk's territory: not offered, refused (404, audited as denied)
    other = b.get(f"/voterlist/?territory=41702000000000&date={election.isoformat()}")
    assert other.status_code == 404 and 'id="voter-total"' not in other.get_data(as_text=True)


def _equations(tables, parents, columns):
    """Every published sum of a set of suppressed tables: (row, column) terms whose sum is zero once signed —
    a unit's total minus its cells, a parent's cell minus its children's, and the column sums of the top rows."""
    rows = {code: row for table in tables for code, row in table.iterrows()}
    equations = [[(code, "total", 1)] + [(code, c, -1) for c in columns] for code in rows]
    children = {}
    for code in rows:
        children.setdefault(parents.get(code) if parents.get(code) in rows else None, []).append(code)
    for parent, kids in children.items():
        for c in [*columns, "total"]:
            equations.append(([(parent, c, 1)] if parent else []) + [(k, c, -1) for k in kids])
    return rows, equations


def _recoverable(tables, parents, columns):
    """Withheld cells that one subtraction reveals (an equation with exactly one withheld term), and those any
    combination of the published sums determines (linear algebra: e_i in the row space of the system)."""
    import numpy as np

    rows, equations = _equations(tables, parents, columns)
    hidden = sorted({(code, c) for code, row in rows.items() for c in [*columns, "total"] if row[c] is pd.NA})
    by_subtraction = [eq for eq in equations if sum((code, c) in hidden for code, c, _ in eq) == 1]
    index = {cell: i for i, cell in enumerate(hidden)}
    system = np.array([[sum(sign for code, c, sign in eq if (code, c) == cell) for cell in hidden]
                       for eq in equations if any((code, c) in index for code, c, _ in eq)] or [[0] * len(hidden)],
                      dtype=float)
    rank = np.linalg.matrix_rank(system) if len(hidden) else 0
    determined = [cell for cell, i in index.items()
                  if np.linalg.matrix_rank(np.vstack([system, np.eye(len(hidden))[i]])) == rank]
    return by_subtraction, determined


def test_a_withheld_child_cell_cannot_be_recovered_from_the_parent_row():
    """10 - 8 = 2: a parent's cell is the sum of its children's cells, so suppressing each level on its own
    published the withheld child cell through the parent's row."""
    from app.services.statistics import suppress

    counts = pd.DataFrame({"a": [2, 8, 6, 16], "b": [9, 7, 12, 28], "c": [11, 20, 5, 36]},
                          index=["A", "B", "C", "P"])
    parents = {"A": "P", "B": "P", "C": "P"}
    out = suppress(counts, parents=parents)
    assert out.loc["A", "a"] is pd.NA
    by_subtraction, determined = _recoverable([out.loc[["A", "B", "C"]], out.loc[["P"]]], parents, list("abc"))
    assert by_subtraction == [] and determined == []
    assert out.loc["P", "total"] == 80 and out.loc["P", "a"] == 16  # the parent's figures stay published


@pytest.mark.parametrize("seed", range(12))
def test_generated_hierarchies_publish_no_recoverable_cell(seed):
    import random

    from app.services.statistics import suppress

    rng = random.Random(seed)
    columns = [f"k{i}" for i in range(rng.randint(2, 5))]
    leaves, parents = {}, {}
    for o in range(rng.randint(1, 3)):
        for r in range(rng.randint(2, 4)):
            parents[f"o{o}r{r}"] = f"o{o}"
            for v in range(rng.randint(2, 4)):
                parents[f"o{o}r{r}v{v}"] = f"o{o}r{r}"
                leaves[f"o{o}r{r}v{v}"] = [rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 30]) for _ in columns]
    frame = pd.DataFrame.from_dict(leaves, orient="index", columns=columns)
    for level in (lambda c: c.count("r") and "v" not in c, lambda c: "r" not in c):
        for parent in sorted({p for p in parents.values() if level(p)}):
            frame.loc[parent] = frame.loc[[k for k, p in parents.items() if p == parent]].sum()
    out = suppress(frame, parents=parents)
    assert (out[columns].isna().to_numpy() | (frame[columns].to_numpy() >= 5)).all()
    assert all(out.loc[code, c] is pd.NA for code in frame.index for c in columns if frame.loc[code, c] < 5)
    by_subtraction, determined = _recoverable([out], parents, columns)
    assert by_subtraction == []
    assert determined == []


def test_the_published_pages_of_the_tree_recover_nothing(app, db):
    """The statistics page of every unit of the seed tree, read together, reveal no withheld cell."""
    from app.scope import NATIONAL
    from app.services import statistics

    tables, seen = [], set()
    pending = [None]
    while pending:
        parent = pending.pop()
        table, _ = statistics.published_population(db.session, NATIONAL, parent)
        table = table.loc[[c for c in table.index if c not in seen]]
        seen.update(table.index)
        if len(table):
            tables.append(table)
            pending.extend(table.index)
    _, _, parents, _ = statistics.population_tree(db.session, NATIONAL, __import__("datetime").date(2026, 1, 1))
    assert len(tables) > 1
    by_subtraction, _ = _recoverable(tables, parents, statistics.columns())
    assert by_subtraction == []
