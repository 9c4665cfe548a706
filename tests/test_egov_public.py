"""Issue 11, items 5–6: the e-government register's charts (numbers equal SQL counts, inside the user's
organisation scope), the impact warning before removal, the public register page (published elements only,
published fields only, search in Cyrillic, paging, three languages, CSV and DCAT-AP) without login."""
import csv
import datetime
import io
import json
import uuid

import pytest
from sqlalchemy import func, select

pytest.importorskip("models.egov_registry", reason="the register's models land from branch s19-registry")

SECRET = "ИЧКИ-СЫР-архитектура-7f3"  # an internal field's value that must never reach a public output


def _unique():
    return uuid.uuid4().hex[:8]


@pytest.fixture
def register(db):
    """Two subjects with elements in every state, relations and decided applications; names unique per test."""
    from models.egov_registry import EgovApplication, EgovElement, EgovOrganisation, EgovRelation

    tag = _unique()
    inn = lambda: "0" + uuid.uuid4().int.__str__()[:13]  # noqa: E731
    ministry = EgovOrganisation(inn=inn(), kind="state_body", address="Бишкек, Чүй пр., 106",
                                name_ky=f"Санариптик өнүктүрүү министрлиги {tag}",
                                name_ru=f"Министерство цифрового развития {tag}",
                                name_en=f"Ministry of Digital Development {tag}")
    aimak = EgovOrganisation(inn=inn(), kind="lsg_body", address="Кант ш.", name_ky=f"Кант шаар мэриясы {tag}",
                             name_ru=f"Мэрия города Кант {tag}", name_en=f"Kant city hall {tag}")

    def element(org, name, status="registered", **fields):
        values = dict(organisation=org, full_name=name, short_name=name.split()[0], kind="information_system",
                      purpose=f"Жарандарга кызмат көрсөтүү {tag}", funding="republican_budget", status=status,
                      architecture=SECRET, location=SECRET, responsible_unit=SECRET)
        if status in ("registered", "removed"):
            values.update(number=f"EG-{tag}-{name[:3]}", registered_on=datetime.date(2026, 3, 10))
        values.update(fields)
        return EgovElement(**values)

    e = {
        "public": element(ministry, f"Түндүк шлюзу маалымат системасы {tag}"),
        "office": element(ministry, f"Иш кагаздарын жүргүзүү {tag}", kind="office_software", funding=None,
                          registered_on=datetime.date(2026, 4, 2)),
        "internal": element(ministry, f"Ички коопсуздук системасы {tag}", is_internal=1),
        "draft": element(ministry, f"Долбоор тутуму {tag}", status="draft"),
        "removed": element(ministry, f"Эски реестр {tag}", status="removed", removed_on=datetime.date(2026, 5, 1)),
        "lsg": element(aimak, f"Кант мэриясынын порталы {tag}", kind="data_centre", funding="local_budget"),
    }
    db.session.add_all([ministry, aimak, *e.values()])
    db.session.flush()
    relations = [
        EgovRelation(element=e["lsg"], target=e["public"], kind="tunduk", service=f"kant-cert-{tag}"),
        EgovRelation(element=e["office"], target=e["public"], kind="uses"),
        EgovRelation(element=e["public"], target=e["internal"], kind="used_by"),
        EgovRelation(element=e["draft"], target=e["public"], kind="uses"),  # a draft depends on nothing yet
    ]
    received = datetime.date(2026, 3, 19)  # a Thursday; Friday 20 March 2026 is Orozo Ait (Eid al-Fitr)
    applications = [
        EgovApplication(organisation=ministry, kind="registration", element=e["public"], status="registered",
                        received_on=received, decided_on=datetime.date(2026, 3, 25), language="ky"),
        EgovApplication(organisation=ministry, kind="registration", element=e["office"], status="refused",
                        received_on=received, decided_on=datetime.date(2026, 3, 26), language="ky",
                        refusal_ground="23(2)"),
        EgovApplication(organisation=aimak, kind="registration", element=e["lsg"], status="registered",
                        received_on=received, decided_on=datetime.date(2026, 3, 24), language="ru"),
    ]
    db.session.add_all(relations + applications)
    db.session.commit()
    return {"tag": tag, "ministry": ministry, "aimak": aimak, **e}


def _organisation_scope(org):
    from app.scope import Scope

    return Scope(organisation_id=org.id)


# --- charts -----------------------------------------------------------------------------------------------------
def _as_dict(frame, key, value):
    return dict(zip(frame[key], frame[value]))


def test_charts_by_type_status_funding_equal_sql_counts(db, register):
    from app.scope import NATIONAL
    from charts import egov_registry as charts
    from models.egov_registry import EgovElement

    session = db.session
    for chart, column, labels in ((charts.by_kind, EgovElement.kind, "kind"),
                                  (charts.by_funding, EgovElement.funding, "funding")):
        shown = _as_dict(chart(session, NATIONAL, {}), labels, "elements")
        counted = {code or charts.NOT_STATED: n for code, n in session.execute(
            select(column, func.count()).where(EgovElement.status == "registered").group_by(column)).all()}
        assert shown == counted
    statuses = _as_dict(charts.by_status(session, NATIONAL, {}), "status", "elements")
    assert statuses == dict(session.execute(select(EgovElement.status, func.count())
                                            .group_by(EgovElement.status)).all())
    assert statuses["removed"] >= 1 and statuses["draft"] >= 1


def test_charts_inside_an_organisation_scope_show_only_its_rows(db, register):
    from charts import egov_registry as charts

    scope = _organisation_scope(register["ministry"])
    kinds = _as_dict(charts.by_kind(db.session, scope, {}), "kind", "elements")
    # the ministry's registered elements: public, office, internal (the LSG body's data centre is not its own)
    assert kinds == {"information_system": 2, "office_software": 1}
    statuses = _as_dict(charts.by_status(db.session, scope, {}), "status", "elements")
    assert statuses == {"draft": 1, "registered": 3, "removed": 1}
    owners = charts.by_organisation(db.session, scope, {})
    assert list(owners["elements"]) == [3] and len(owners) == 1
    reviews = _as_dict(charts.review_times(db.session, scope, {}), "working_days", "applications")
    assert sum(reviews.values()) == 2
    edges = charts.interactions(db.session, _organisation_scope(register["aimak"]), {})
    assert list(edges["kind"]) == ["tunduk"] and list(edges["service"]) == [f"kant-cert-{register['tag']}"]


def test_review_times_count_working_days_on_the_kyrgyz_calendar(db, register):
    from charts import egov_registry as charts

    frame = charts.review_times(db.session, _organisation_scope(register["ministry"]), {})
    by_days = {d: (n, ok) for d, n, ok in zip(frame["working_days"], frame["applications"], frame["within_norm"])}
    # received Thursday 19 March 2026; Friday is a holiday, then the weekend: Mon 23 = 1, Tue 24 = 2, Wed 25 = 3
    assert by_days == {3: (1, True), 4: (1, False)}  # decided on Wednesday 25 (in time) and Thursday 26 (late)


def test_registrations_per_month_equal_sql_count(db, register):
    from app.scope import NATIONAL
    from charts import egov_registry as charts
    from models.egov_registry import EgovElement

    months = _as_dict(charts.registrations_per_month(db.session, NATIONAL, {}), "month", "elements")
    march = db.session.scalar(select(func.count()).select_from(EgovElement).where(
        EgovElement.registered_on >= datetime.date(2026, 3, 1), EgovElement.registered_on < datetime.date(2026, 4, 1)))
    assert months["2026-03"] == march
    ministry = _as_dict(charts.registrations_per_month(db.session, _organisation_scope(register["ministry"]), {}),
                        "month", "elements")
    assert ministry == {"2026-03": 3, "2026-04": 1}


def test_interaction_graph_has_elements_as_nodes_and_relations_labelled_in_the_page_language(app, db, register):
    from flask_babel import force_locale, gettext

    from charts import egov_registry as charts

    for language in ("ky", "ru"):
        with app.test_request_context("/"), force_locale(language):
            frame = charts.interactions(db.session, _organisation_scope(register["ministry"]), {})
            figure = charts.graph_figure(frame)
            nodes = [t for t in figure.data[-1].text]
            edges = list(figure.data[1].text)
            uses, used_by = gettext("Uses"), gettext("Used by")
        # the ministry's relations only (the LSG body's Tunduk exchange with it is the LSG body's row)
        assert sorted(nodes) == sorted({register[k].short_name for k in ("public", "office", "internal",
                                                                         "draft")})
        assert sorted(edges) == sorted([uses, uses, used_by])  # office → public, draft → public, public → internal


def test_impact_lists_registered_dependants_only(db, register):
    from app.services.egov_impact import dependants

    found = {(d.id, d.kind) for d in dependants(db.session, register["public"].id)}
    # the LSG portal exchanges through Tunduk, the office software uses it, the internal system is "used by" it;
    # the draft's relation does not count (not registered)
    assert found == {(register["lsg"].id, "tunduk"), (register["office"].id, "uses"),
                     (register["internal"].id, "uses")}
    assert dependants(db.session, register["lsg"].id)[0].id == register["public"].id  # Tunduk: both ends
    assert dependants(db.session, register["draft"].id) == []


# --- the public page --------------------------------------------------------------------------------------------
def _public(client, **args):
    return client.get("/egov-register/", query_string=args)


def test_public_page_shows_registered_and_hides_draft_internal_removed(app, register):
    client = app.test_client()
    page = _public(client, q=register["tag"]).get_data(as_text=True)
    assert register["public"].full_name in page and register["lsg"].full_name in page
    for hidden in ("draft", "internal", "removed"):
        assert register[hidden].full_name not in page
    assert SECRET not in page
    assert "Жарандарга кызмат көрсөтүү" in page  # purpose
    assert register["ministry"].name_ky in page  # owner in the default language (Kyrgyz)


def test_public_search_in_cyrillic_any_case(app, register):
    client = app.test_client()
    tag = register["tag"]
    page = _public(client, q=f"КАНТ МЭРИЯСЫНЫН ПОРТАЛЫ {tag}".upper()).get_data(as_text=True)
    assert register["lsg"].full_name in page and register["public"].full_name not in page
    page = _public(client, q=f"министрлиги {tag}").get_data(as_text=True)  # by the owner's name
    assert register["public"].full_name in page and register["lsg"].full_name not in page
    page = _public(client, q="100%_нет такого").get_data(as_text=True)
    assert 'id="egov-public-empty"' in page


def test_public_page_is_paged_in_sql(app, db, register):
    from app.services import egov_public

    elements, total, pages = egov_public.search(db.session, register["tag"], page=1, per_page=1)
    assert total == 3 and pages == 3 and len(elements) == 1
    second, _, _ = egov_public.search(db.session, register["tag"], page=2, per_page=1)
    assert second[0].full_name != elements[0].full_name
    last, _, _ = egov_public.search(db.session, register["tag"], page=99, per_page=1)  # clamped to the last page
    assert len(last) == 1


@pytest.mark.parametrize("language,owner_field,heading", [
    ("ru", "name_ru", "Реестр государственной инфраструктуры электронного управления"),
    ("en", "name_en", "Register of the state infrastructure of e-government"),
    ("ky", "name_ky", "Электрондук башкаруунун мамлекеттик инфраструктурасынын реестри"),
])
def test_public_page_in_three_languages_without_login(app, register, language, owner_field, heading):
    client = app.test_client()
    switched = client.get(f"/lang/{language}", follow_redirects=False)
    assert switched.status_code in (301, 302)
    page = _public(client, q=register["tag"]).get_data(as_text=True)
    assert heading in page
    assert getattr(register["ministry"], owner_field) in page
    assert "None" not in page


def test_public_csv_and_dcat_carry_published_fields_only(app, register):
    client = app.test_client()
    response = client.get("/egov-register/elements.csv", query_string={"q": register["tag"]})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert {r["full_name"] for r in rows} == {register["public"].full_name, register["office"].full_name,
                                              register["lsg"].full_name}
    assert set(rows[0]) == {"number", "full_name", "short_name", "kind", "kind_name", "organisation", "purpose",
                            "registered_on"}
    assert SECRET not in body and register["internal"].full_name not in body
    dcat = client.get("/egov-register/dcat.jsonld")
    assert dcat.mimetype == "application/ld+json"
    document = json.loads(dcat.get_data(as_text=True))
    assert SECRET not in dcat.get_data(as_text=True)
    (dataset,) = document["dcat:dataset"]
    assert dataset["dct:identifier"] == "egov_element"
    assert dataset["dct:accessRights"]["@id"].endswith("/PUBLIC")
    urls = [d.get("dcat:downloadURL", {}).get("@id", "") for d in dataset["dcat:distribution"]]
    assert any(u.endswith("/egov-register/elements.csv") for u in urls)
    import rdflib

    graph = rdflib.Graph().parse(data=dcat.get_data(as_text=True), format="json-ld")
    dcat_ns = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    assert len(list(graph.subjects(rdflib.RDF.type, dcat_ns.Dataset))) == 1
    # the catalogue's own open export lists it too, and never serves the whole table instead of the extract
    catalogue = json.loads(client.get("/open/dcat.jsonld").get_data(as_text=True))
    assert "egov_element" in [d["dct:identifier"] for d in catalogue["dcat:dataset"]]
    whole = client.get("/open/egov_element.json")
    assert whole.status_code == 302 and whole.headers["Location"].endswith("/egov-register/elements.csv")


def test_public_page_is_rate_limited(app):
    app.config["EGOV_PUBLIC_RATE_LIMIT"] = "3 per minute"
    try:
        client = app.test_client()
        codes = [client.get("/egov-register/", environ_base={"REMOTE_ADDR": "10.77.11.1"}).status_code
                 for _ in range(5)]
        exports = [client.get("/egov-register/elements.csv", environ_base={"REMOTE_ADDR": "10.77.11.2"}).status_code
                   for _ in range(5)]
    finally:
        app.config["EGOV_PUBLIC_RATE_LIMIT"] = "60 per minute"
    assert codes[:3] == [200, 200, 200] and codes[-1] == 429
    assert exports[:3] == [200, 200, 200] and exports[-1] == 429


def test_impact_warning_lists_the_dependants_in_the_page_language(app, db, register):
    from flask import render_template
    from flask_babel import force_locale, gettext

    from app.services.egov_impact import dependants

    with app.test_request_context("/"), force_locale("ky"):
        html = render_template("egov_registry/_impact.html", dependants=dependants(db.session, register["public"].id))
        heading = gettext("Registered elements still depend on this element:")
        assert heading != "Registered elements still depend on this element:"  # Kyrgyz, not English
        assert heading in html and html.count('class="egov-dependant"') == 3
        assert register["lsg"].short_name in html and f"kant-cert-{register['tag']}" in html
        assert register["draft"].short_name not in html  # a draft depends on nothing yet
        assert render_template("egov_registry/_impact.html", dependants=[]).strip() == ""
