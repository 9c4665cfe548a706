"""What administrators and managers now do without a release: classifiers (items in three languages, codes kept),
policy parameters as versioned data read on the decision's date, charts built and pinned from the UI, and
official statistics at any level beside the computed figures."""
import datetime

from app.clock import local_today
import decimal
import io
import json
import uuid

import pytest

from tests.conftest import Browser

RAYON_A = "41708203000000"


def TODAY_():
    """The app's today (the configured zone), read when used: a run that crosses midnight stays consistent."""
    return local_today()




def _browser(app, make_user, roles=("Admin",), territory=None, lang="en"):
    b = Browser(app.test_client())
    b.get(f"/lang/{lang}")
    b.login(make_user(roles=roles, territory=territory))
    return b


# --- 4. classifiers ------------------------------------------------------------------------------------------------
def test_every_choice_list_is_a_classifier_seeded_with_the_stored_codes(app, db):
    """Each declared classifier is in the database with its items in three languages, and every code stored in a
    coded column is one of its classifier's items (the codes did not change)."""
    from sqlalchemy import distinct, select

    from app.catalogue import dictionary
    from models.catalogue import Classifier
    from models.dictionary import CLASSIFIERS

    stored = {c.code: c for c in db.session.query(Classifier)}
    assert set(CLASSIFIERS) <= set(stored)
    for code, classifier in stored.items():
        for item in classifier.items:
            assert item.name_ky and item.name_ru and item.name_en, (code, item.code)
    assert stored["household_relation"].items[0].name_ky == "Үй чарбасынын башчысы"
    for info in dictionary.datasets().values():
        for column, classifier in dictionary.classifier_columns(info.model).items():
            codes = {i.code for i in stored[classifier].items}
            values = set(db.session.scalars(select(distinct(getattr(info.model, column)))))
            assert values - {None, ""} <= codes, (info.key, column, values - codes)


def test_admin_adds_a_classifier_item_that_forms_offer_at_once(app, make_user, db):
    from models.catalogue import Classifier, ClassifierItem

    admin = _browser(app, make_user)
    relation = db.session.query(Classifier).filter_by(code="household_relation").one()
    code = f"ward_{uuid.uuid4().hex[:4]}"
    response = admin.post("/classifieritemview/add", {"classifier": str(relation.id), "code": code,
                                                      "name_ky": "Камкордукка алынган", "name_ru": "Подопечный",
                                                      "name_en": "Ward", "sort_order": "200", "active": "y"},
                          token_from="/classifieritemview/add")
    assert response.status_code == 302
    clerk = _browser(app, make_user, roles=("LSG clerk",), territory=RAYON_A, lang="ky")
    form = clerk.get("/memberview/add").get_data(as_text=True)
    assert f'value="{code}"' in form and "Камкордукка алынган" in form
    # a code nobody declared is refused on every write path, with the classifier named
    from models.household_book import HouseholdMember

    member = db.session.query(HouseholdMember).filter(HouseholdMember.is_active.is_(True)).first()
    national = _browser(app, make_user)
    bad = national.api.put(f"/api/v1/household_member/{member.id}", json={"relation": "cousin_twice_removed"})
    assert bad.status_code == 422 and "cousin_twice_removed" in json.dumps(bad.get_json(), ensure_ascii=False)
    assert national.api.put(f"/api/v1/household_member/{member.id}", json={"relation": code}).status_code == 200
    # codes are stable, closed lists take no new items, system items stay in use
    item = db.session.query(ClassifierItem).filter_by(code=code).one()
    admin.post(f"/classifieritemview/edit/{item.id}", {"name_ky": "Камкордугундагы", "name_ru": "Подопечный",
                                                      "name_en": "Ward", "sort_order": "200"},
               token_from=f"/classifieritemview/edit/{item.id}")
    db.session.expire_all()
    assert db.session.get(ClassifierItem, item.id).name_ky == "Камкордугундагы"
    assert db.session.get(ClassifierItem, item.id).code == code
    sex = db.session.query(Classifier).filter_by(code="sex").one()
    closed = admin.post("/classifieritemview/add", {"classifier": str(sex.id), "code": "x", "name_ru": "X",
                                                    "sort_order": "1", "active": "y"},
                        token_from="/classifieritemview/add", follow_redirects=True).get_data(as_text=True)
    assert "closed" in closed
    head = db.session.query(ClassifierItem).filter_by(classifier_id=relation.id, code="head").one()
    off = admin.post(f"/classifieritemview/edit/{head.id}", {"name_ky": head.name_ky, "name_ru": head.name_ru,
                                                            "name_en": head.name_en, "sort_order": "1"},
                     token_from=f"/classifieritemview/edit/{head.id}", follow_redirects=True).get_data(as_text=True)
    assert "cannot be switched off" in off
    db.session.expire_all()
    assert db.session.get(ClassifierItem, head.id).active is True


# --- 5. policy parameters -----------------------------------------------------------------------------------------
def _passport(db):
    from models.social_passport import SocialPassport

    return db.session.query(SocialPassport).filter(SocialPassport.status.in_(("draft", "returned"))).first()


def test_parameters_are_versions_read_on_the_decision_date(app, make_user, db):
    """A new threshold of need from tomorrow changes nothing decided today; a passport surveyed from then on is
    scored with it, and each passport shows the version it used."""
    from app.catalogue import policy
    from app.services import social_passport as service
    from models.catalogue import PolicyParameter

    passport = _passport(db)
    service.evaluate(db.session, passport)
    db.session.flush()
    before = policy.used_by(db.session, passport)
    assert any("35" in value for _label, value, *_ in before)
    tomorrow = local_today() + datetime.timedelta(days=1)
    db.session.add(PolicyParameter(key=service.SCORE_THRESHOLD_KEY, value="1", effective_from=tomorrow,
                                   regulation="benefits_law", clause="art. 5"))
    db.session.flush()
    assert policy.value(db.session, service.SCORE_THRESHOLD_KEY, local_today()) == 35
    assert policy.value(db.session, service.SCORE_THRESHOLD_KEY, tomorrow) == 1
    passport.surveyed_on = local_today()
    service.evaluate(db.session, passport)
    decided_today = passport.needs_support
    passport.surveyed_on = tomorrow  # a survey of tomorrow is scored by tomorrow's parameters
    service.evaluate(db.session, passport)
    db.session.flush()
    assert passport.needs_support is True
    assert passport.welfare_score >= 1
    used = policy.used_by(db.session, passport)
    threshold = [row for row in used if str(row[0]) == str(policy.PARAMETERS[service.SCORE_THRESHOLD_KEY].label)]
    assert threshold and threshold[0][2] == tomorrow and "art. 5" in threshold[0][3]
    del decided_today
    db.session.rollback()


def test_weights_of_the_score_come_from_the_parameter(app, db):
    from app.services import social_passport as service

    passport = _passport(db)
    points = service.welfare_score(passport, None, None)
    doubled = service.welfare_score(passport, None, None, {k: v * 2 for k, v in service.WEIGHTS.items()})
    assert sum(doubled.values()) == 2 * sum(points.values())


def test_admin_adds_a_version_in_the_ui_and_past_versions_are_history(app, make_user, db):
    from app.services import household_book
    from models.catalogue import PolicyParameter

    admin = _browser(app, make_user)
    future = (local_today() + datetime.timedelta(days=30)).isoformat()
    key = household_book.CERTIFICATE_VALIDITY
    response = admin.post("/policyparameterview/add", {"key": key, "value": "60", "effective_from": future,
                                                       "regulation": "lsg_law", "clause": "art. 34"},
                          token_from="/policyparameterview/add")
    assert response.status_code == 302
    assert db.session.query(PolicyParameter).filter_by(key=key, effective_from=local_today() + datetime.timedelta(days=30)) \
        .one().value == "60"
    past = admin.post("/policyparameterview/add", {"key": key, "value": "90", "effective_from": "2020-01-01",
                                                   "regulation": "lsg_law"},
                      token_from="/policyparameterview/add", follow_redirects=True).get_data(as_text=True)
    assert "takes effect today or later" in past
    shipped = db.session.query(PolicyParameter).filter_by(key=key, effective_from=datetime.date(2000, 1, 1)).one()
    changed = admin.post(f"/policyparameterview/edit/{shipped.id}", {
        "key": key, "value": "10", "effective_from": "2000-01-01", "regulation": "lsg_law"},
        token_from=f"/policyparameterview/edit/{shipped.id}", follow_redirects=True).get_data(as_text=True)
    assert "in force or past" in changed
    db.session.expire_all()
    assert db.session.get(PolicyParameter, shipped.id).value == "30"
    bad = admin.post("/policyparameterview/add", {"key": "social_passport.score_weights", "value": '{"income": 1}',
                                                  "effective_from": future, "regulation": "platform"},
                     token_from="/policyparameterview/add", follow_redirects=True).get_data(as_text=True)
    assert "Give every weight" in bad


def test_certificate_keeps_the_validity_it_was_issued_with(app, db):
    from app.catalogue import policy
    from app.services import household_book
    from models.household_book import Certificate, HouseholdMember

    member = db.session.query(HouseholdMember).filter(HouseholdMember.is_active.is_(True)).first()
    certificate = Certificate(member=member, kind="residence", language="ru", signer_name="A", signer_position="B")
    household_book.issue_certificate(db.session, certificate, local_today())
    db.session.add(certificate)
    db.session.flush()
    assert certificate.valid_until == local_today() + datetime.timedelta(days=30)
    used = policy.used_by(db.session, certificate)
    assert used and "30" in used[0][1]
    db.session.rollback()


# --- 6. charts by configuration ------------------------------------------------------------------------------------
def test_chart_builder_counts_in_sql_inside_the_scope(app, make_user, db):
    """Members by sex in the clerk's territory: the chart's table has the same numbers as a direct count."""
    from sqlalchemy import func

    from app.scope import Scope
    from models.household_book import HouseholdMember
    from models.reference import Territory

    head = _browser(app, make_user, roles=("LSG head",), territory=RAYON_A)
    args = "dataset=household_book_member&group1=sex&measure=count&chart_type=bar&f0_field=is_active&f0_op=eq" \
           "&f0_value=true"
    page = head.get(f"/chartbuilder/?{args}").get_data(as_text=True)
    assert 'id="cb-chart"' in page
    unit = db.session.query(Territory).filter_by(code=RAYON_A).one()
    counts = dict(db.session.query(HouseholdMember.sex, func.count()).filter(
        Scope(unit.id, unit.path).condition(HouseholdMember), HouseholdMember.is_active.is_(True))
        .group_by(HouseholdMember.sex).all())
    table = page.split('id="cb-table"')[1].split("</table>")[0]
    for name, number in (("Female", counts["F"]), ("Male", counts["M"])):
        assert f"<td>{name}</td><td>{number}</td>" in table.replace("\n", "")
    export = head.get(f"/chartbuilder/export/csv?{args}").get_data(as_text=True)
    assert str(counts["F"]) in export


def test_chart_builder_groups_an_empty_date_by_year_as_unknown(app, make_user, db):
    """Applications by year of the decision: those without a decision (NULL) are one "unknown" bar, not a server
    error (pandas made the NULL year a NaN that could not become a year)."""
    from flask_babel import force_locale

    from app.catalogue import charts
    from app.scope import NATIONAL
    from models.land_queue import LandApplication

    undecided = db.session.query(LandApplication).filter(LandApplication.decision_date.is_(None)).count()
    assert undecided, "the demo queue has applications without a decision"
    with app.test_request_context(), force_locale("en"):
        frame, _ = charts.aggregate(db.session, NATIONAL, charts.ChartRequest("land_queue_application",
                                                                              "decision_date:year"))
        assert dict(zip(frame["g1"], frame["value"]))[str(charts.UNKNOWN)] == undecided
    head = _browser(app, make_user, roles=("LSG head",), territory=RAYON_A)
    assert head.get("/chartbuilder/?dataset=land_queue_application&group1=decision_date:year").status_code == 200


def test_saved_chart_shows_on_the_home_page_with_the_same_numbers(app, make_user, db):
    from sqlalchemy import func

    from app.scope import Scope
    from models.catalogue import ChartPin, SavedChart
    from models.land_queue import LandApplication
    from models.reference import Territory

    head = _browser(app, make_user, roles=("LSG head",), territory=RAYON_A)
    title = f"Queue by kind {uuid.uuid4().hex[:4]}"
    saved = head.post("/chartbuilder/save", {"dataset": "land_queue_application", "group1": "kind",
                                             "group2": "status", "measure": "count", "chart_type": "bar",
                                             "title": title, "pin": "y"}, token_from="/chartbuilder/")
    assert saved.status_code == 302
    chart = db.session.query(SavedChart).filter_by(title=title).one()
    assert db.session.query(ChartPin).filter_by(chart_id=chart.id).count() == 1
    home = head.get("/").get_data(as_text=True)
    assert title in home and 'id="pinned-charts"' in home
    unit = db.session.query(Territory).filter_by(code=RAYON_A).one()
    total = db.session.query(func.count(LandApplication.id)).filter(
        Scope(unit.id, unit.path).condition(LandApplication)).scalar()
    block = home.split(f'data-chart="{chart.id}"')[1].split("</table>")[0]
    import re

    numbers = [int(n) for n in re.findall(r"<td>(\d+)</td>\s*</tr>", block)]
    assert sum(numbers) == total
    # another user sees neither the chart nor its pin; sharing is the owner's choice
    other = _browser(app, make_user, roles=("LSG head",), territory=RAYON_A)
    assert title not in other.get("/").get_data(as_text=True)
    assert other.post(f"/chartbuilder/pin/{chart.id}", {}, token_from="/chartbuilder/").status_code == 404
    # unpinned, it leaves the home page
    head.post(f"/chartbuilder/pin/{chart.id}", {}, token_from="/chartbuilder/")
    assert title not in head.get("/").get_data(as_text=True)


def test_small_cells_are_withheld_for_users_who_may_not_read_personal_records(app, make_user, db):
    """A statistician charts household members by territory and age group: every cell under 5 shows as x and no
    number below 5 is shown; an administrator, who reads the records, sees them."""
    import re

    statistician = _browser(app, make_user, roles=("Statistician",))
    args = "dataset=household_book_member&group1=territory&group2=birth_date:age&measure=count&chart_type=bar"
    page = statistician.get(f"/chartbuilder/?{args}").get_data(as_text=True)
    assert 'id="cb-withheld"' in page
    table = page.split('id="cb-table"')[1].split("</table>")[0]
    cells = re.findall(r"<td>([^<]*)</td>\s*</tr>", table)
    assert "x" in cells
    assert all(c == "x" or int(c) >= 5 for c in cells)
    admin = _browser(app, make_user)
    full = admin.get(f"/chartbuilder/?{args}").get_data(as_text=True)
    cells = re.findall(r"<td>([^<]*)</td>\s*</tr>", full.split('id="cb-table"')[1].split("</table>")[0])
    assert "x" not in cells and any(int(c) < 5 for c in cells)
    # the statistician reads no child-protection record and cannot chart it by names either
    refused = statistician.get("/chartbuilder/?dataset=household_book_member&group1=pin&chart_type=bar")
    assert "cannot group by" in refused.get_data(as_text=True)


@pytest.mark.parametrize("chart_type", ["line", "pie", "pyramid", "map"])
def test_every_chart_type_renders(app, make_user, chart_type):
    admin = _browser(app, make_user)
    group1 = "territory" if chart_type == "map" else "birth_date:age"
    page = admin.get(f"/chartbuilder/?dataset=household_book_member&group1={group1}&group2=sex&measure=count"
                     f"&chart_type={chart_type}").get_data(as_text=True)
    assert 'id="cb-chart"' in page, chart_type


def test_sum_of_a_custom_field_and_of_a_column(app, make_user, db):
    from sqlalchemy import func

    from models.municipal_property import PropertyObject

    admin = _browser(app, make_user)
    page = admin.get("/chartbuilder/?dataset=municipal_property_object&group1=kind&measure=sum"
                     "&measure_field=balance_value&chart_type=pie").get_data(as_text=True)
    total = db.session.query(func.sum(PropertyObject.balance_value)).scalar()
    import re

    values = [float(v) for v in re.findall(r"<td>([\d.]+)</td>\s*</tr>",
                                           page.split('id="cb-table"')[1].split("</table>")[0])]
    assert abs(sum(values) - float(total)) < 0.01


# --- 7. official statistics ----------------------------------------------------------------------------------------
def _sheet(rows):
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_official_population_of_every_oblast_and_the_republic_comes_back_unchanged(app, make_user, db):
    from models.lsg_passport import REPUBLIC_CODE, OfficialFigure
    from models.reference import Territory

    admin = _browser(app, make_user)
    oblasts = db.session.query(Territory).filter_by(level=1).order_by(Territory.code).all()
    figures = {t.code: 100000 + i * 1111 for i, t in enumerate(oblasts)}
    figures[REPUBLIC_CODE] = 7_300_000
    rows = [["SOATE code", "Year", "Indicator code", "Value", "Source", "As of"]]
    rows += [[code, local_today().year, "pop_total", value, "NSC, Population 2025, table 1", f"{local_today().year}-01-01"]
             for code, value in figures.items()]
    response = admin.post("/officialfigureview/import/", {"file": (_sheet(rows), "official.xlsx")},
                          token_from="/officialfigureview/import/", content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.query(OfficialFigure).filter_by(year=local_today().year).count() == len(figures)
    page = admin.get(f"/lsgpassportcharts/?chart=official&indicator=pop_total&year={local_today().year}").get_data(
        as_text=True)
    table = page.split('id="chart-table"')[1].split("</table>")[0]

    for code, value in figures.items():
        row = table.split(f"<td>{code}</td>")[1].split("</tr>")[0]
        assert f"<td>{float(value)}</td>" in row, code
    from app.scope import NATIONAL
    from app.services import official_statistics

    compared, _ = official_statistics.comparison(db.session, NATIONAL, "pop_total", local_today().year)
    by_code = {r["code"]: r for r in compared}
    from app.services.lsg_passport import household_book_figures

    chuy = next(t for t in oblasts if t.code == "41708000000000")
    computed = household_book_figures(db.session, chuy, local_today())["pop_total"]
    assert by_code[chuy.code]["computed"] == computed
    assert by_code[chuy.code]["difference"] == decimal.Decimal(figures[chuy.code]) - computed
    assert by_code[REPUBLIC_CODE]["official"] == figures[REPUBLIC_CODE]


def test_official_import_is_all_or_nothing_and_scoped(app, make_user, db):
    from models.lsg_passport import REPUBLIC_CODE, OfficialFigure

    clerk = _browser(app, make_user, roles=("LSG clerk",), territory=RAYON_A)
    before = db.session.query(OfficialFigure).count()
    rows = [["soate", "year", "indicator", "value", "source"],
            [RAYON_A, local_today().year, "pop_total", "65000", "NSC"],
            [REPUBLIC_CODE, local_today().year, "pop_total", "7000000", "NSC"],
            ["41702000000000", local_today().year, "pop_total", "500000", "NSC"],
            [RAYON_A, local_today().year, "no_such_indicator", "1", "NSC"]]
    page = clerk.post("/officialfigureview/import/", {"file": (_sheet(rows), "o.xlsx")},
                      token_from="/officialfigureview/import/", content_type="multipart/form-data").get_data(
        as_text=True)
    assert "national users" in page and "outside your territory" in page and "Unknown indicator" in page
    assert db.session.query(OfficialFigure).count() == before


def test_passport_import_never_reports_rows_nothing_will_show(app, make_user, db):
    """A current-year population for a unit whose passport counts the household book would be hidden behind the
    computed figure: the import refuses it and says where such figures go; nothing is written."""
    from models.lsg_passport import LsgIndicatorValue, LsgPassport

    passport = db.session.query(LsgPassport).filter_by(year=local_today().year).join(LsgPassport.values).filter(
        LsgIndicatorValue.source == "computed").first()
    admin = _browser(app, make_user)
    before = db.session.query(LsgIndicatorValue).count()
    for row, says in (([passport.territory.code, local_today().year, "pop_total", "123"], "computed from the household book"),
                      (["41708000000000", local_today().year, "pop_total", "900000"], "as official statistics")):
        rows = [["soate", "year", "indicator", "value"], row]
        page = admin.post("/lsgindicatorvalueview/import/", {"file": (_sheet(rows), "p.xlsx")},
                          token_from="/lsgindicatorvalueview/import/", content_type="multipart/form-data",
                          follow_redirects=True).get_data(as_text=True)
        assert says in page and "rows imported" not in page
    db.session.expire_all()
    assert db.session.query(LsgIndicatorValue).count() == before


def test_a_past_decision_shows_the_parameters_it_used(app, make_user, db):
    """The social passport's page lists the parameter versions its score was computed with."""
    from app.services import social_passport as service

    passport = _passport(db)
    service.evaluate(db.session, passport)
    db.session.commit()
    page = _browser(app, make_user).get(f"/socialpassportview/show/{passport.id}").get_data(as_text=True)
    block = page.split('id="decision-parameters"')[1].split("</table>")[0]
    assert "Welfare score of need" in block and "35" in block and "Welfare score weights" in block


def test_a_map_by_territory_draws_the_oblasts_and_falls_back_below_them(app, make_user, db):
    """"Map by territory" is a map: a national viewer sees the oblasts and cities as shapes coloured by the value,
    each named with its value on hover; where no shapes exist (the units below an oblast) a treemap stands in."""
    from flask_babel import force_locale
    from sqlalchemy import func

    from app.catalogue import charts
    from app.scope import NATIONAL
    from models.household_book import Household
    from models.reference import Territory

    with app.test_request_context(), force_locale("ky"):
        frame, dims = charts.aggregate(db.session, NATIONAL, charts.ChartRequest("household_book_household",
                                                                                 "territory"))
        figure = charts.figure(frame, dims, "map", "Үй чарбалары")
        shapes = [t for t in figure.data if t.fill == "toself"]
        assert shapes and {t.type for t in shapes} == {"scatter"}
        for name, value in zip(frame["g1"], frame["value"]):
            assert any(t.text == f"{name}: {value:,.0f}".replace(",", " ") for t in figure.data if t.text), name
        assert sum(frame["value"]) == db.session.query(func.count(Household.id)).scalar()
        assert all(t.fillcolor.startswith("#") for t in shapes)
        rayon = db.session.query(Territory).filter_by(code=RAYON_A).one()
        scope = charts_scope(rayon)
        frame, dims = charts.aggregate(db.session, scope, charts.ChartRequest("household_book_household",
                                                                              "territory"))
        assert charts.figure(frame, dims, "map", "x").data[0].type == "treemap"
    manager = _browser(app, make_user)
    page = manager.get("/chartbuilder/?dataset=household_book_household&group1=territory&chart_type=map")
    assert page.status_code == 200 and "toself" in page.get_data(as_text=True)


def charts_scope(territory):
    from app.scope import Scope

    return Scope(territory.id, territory.path, territory.level)
