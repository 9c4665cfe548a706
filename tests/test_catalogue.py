"""The data catalogue: the field dictionary as the one source (every dataset and field of every module described in
three languages with legal basis and personal-data class), the catalogue pages and published forms (Frictionless
Table Schema and Data Package validated by frictionless, DCAT-AP JSON-LD parsed by rdflib), open data."""
import json

import pytest
from flask_babel import force_locale

from tests.conftest import Browser

RAYON_A = "41708203000000"


def _browser(app, make_user, roles=("Admin",), territory=None, lang="en"):
    b = Browser(app.test_client())
    b.get(f"/lang/{lang}")
    b.login(make_user(roles=roles, territory=territory))
    return b


# --- 1. the field dictionary --------------------------------------------------------------------------------------
def test_every_dataset_and_field_is_described_in_three_languages(app):
    """Every model of every module: title, entity and description translated into ky and ru, a legal basis, a
    personal-data class, and a declared label (not a name made from the column) for every column."""
    from app.catalogue import dictionary
    from models.dictionary import PERSONAL_CLASSES

    infos = dictionary.datasets()
    assert len(infos) >= 45
    undescribed, untranslated = [], []
    with app.test_request_context():
        for info in infos.values():
            assert info.personal in PERSONAL_CLASSES
            assert info.legal_text("en"), info.key
            for text in (info.title, info.entity, info.description):
                if text("ky") == text("en") or text("ru") == text("en"):
                    untranslated.append((info.key, text("en")))
            for column in info.columns:
                if info.field_spec(column.key) is None:
                    undescribed.append(f"{info.key}.{column.key}")
                    continue
                label = info.field_label(column.key, "en")
                if info.field_label(column.key, "ky") == label and label not in ("ID", "PIN", "E-mail"):
                    untranslated.append((info.key, column.key))
    assert not undescribed, undescribed
    assert not untranslated, untranslated


def test_legal_basis_retention_and_personal_class_of_the_registers(app):
    from app.catalogue import dictionary

    with app.test_request_context():
        members = dictionary.dataset("household_book_member")
        assert members.personal == "personal"
        assert "art. 34" in members.legal_text(language="en")
        children = dictionary.dataset("child_protection_child")
        assert children.personal == "special"
        assert "28" in children.retention("en")  # the retention age is a policy parameter
        assert dictionary.dataset("ref_territory").personal == "none"
        assert dictionary.dataset("household_book_household").field("territory").personal == "none"


def test_views_read_labels_and_choices_from_the_dictionary(app):
    """No view repeats the dictionary: every label a view shows for a described field is the dictionary's, unless
    the view says something different on purpose; coded columns are dropdowns of their classifiers."""
    from app.catalogue import dictionary
    from app.catalogue.classifiers import ClassifierChoices
    from views.base import SanaripModelView

    checked, differ = 0, []
    with app.test_request_context():
        for view in app.appbuilder.baseviews:
            if not isinstance(view, SanaripModelView):
                continue
            info = dictionary.of_model(view.datamodel.obj)
            for column in info.columns:
                spec = info.field_spec(column.key)
                if spec is not None and spec.classifier:
                    assert isinstance(view.choice_columns[column.key], ClassifierChoices), (view, column.key)
            for col in view.list_columns:
                if col in ("created_by",):
                    continue
                if str(view.label_columns[col]) != info.field_label(col):
                    differ.append((view.__class__.__name__, col, str(view.label_columns[col])))
                checked += 1
    assert not differ, differ
    assert checked > 150


def test_an_edited_label_shows_everywhere_without_restart(app, make_user, db):
    """An administrator rewrites the Kyrgyz label of the household number: the list, the form and the API's
    _info say it at the next request; emptied, the shipped text is back."""
    from app.catalogue import admin

    admin.save_text(db.session, "household_book_household", "number", {"label_ky": "Түтүн китебиндеги номер"})
    db.session.commit()
    b = _browser(app, make_user, lang="ky")
    assert "Түтүн китебиндеги номер" in b.get("/householdview/list/").get_data(as_text=True)
    assert "Түтүн китебиндеги номер" in b.get("/householdview/add").get_data(as_text=True)
    info = b.get("/api/v1/household/_info").get_json()
    assert any(c["label"] == "Түтүн китебиндеги номер" for c in info["add_columns"] if c["name"] == "number")
    admin.save_text(db.session, "household_book_household", "number", {"label_ky": ""})
    db.session.commit()
    assert "Түтүн китебиндеги номер" not in b.get("/householdview/list/").get_data(as_text=True)


# --- 2. the catalogue ----------------------------------------------------------------------------------------------
def test_catalogue_lists_every_dataset_in_kyrgyz_with_scoped_counts(app, make_user, db):
    from app.catalogue import dictionary
    from app.scope import Scope
    from models.household_book import Household
    from models.reference import Territory

    b = _browser(app, make_user, roles=("LSG clerk",), territory=RAYON_A, lang="ky")
    page = b.get("/catalogue/").get_data(as_text=True)
    assert '<html lang="ky">' in page
    with app.test_request_context(), force_locale("ky"):
        titles = [info.title("ky") for info in dictionary.datasets().values()]
    missing = [t for t in titles if t not in page]
    assert not missing, missing
    unit = db.session.query(Territory).filter_by(code=RAYON_A).one()
    inside = db.session.query(Household).filter(Scope(unit.id, unit.path).condition(Household)).count()
    everywhere = db.session.query(Household).count()
    assert inside < everywhere
    row = page.split('data-dataset="household_book_household"')[1].split("</tr>")[0]
    assert f">{inside}</td>" in row.replace("\n", "").replace(" ", "")
    assert "<svg" in page and "catalogue-diagram" in page  # the relation diagram
    dataset = b.get("/catalogue/dataset/household_book_member").get_data(as_text=True)
    assert 'data-field="pin"' in dataset and "Жеке маалыматтар" in dataset or "жеке" in dataset.lower()


def test_a_dataset_page_says_which_screens_show_each_field(app, make_user):
    """The layout in the field dictionary is what the screens show, and the catalogue says it per field."""
    b = _browser(app, make_user)
    page = b.get("/catalogue/dataset/household_book_member").get_data(as_text=True)
    row = lambda key: page.split(f'data-field="{key}"')[1].split("</tr>")[0]  # noqa: E731
    assert "list" in row("pin") and "search" in row("pin") and "add form" in row("pin")
    assert "list" not in row("registration") and "add form" in row("registration")
    assert "REST API" in row("household_id") and "add form" in row("household_id")  # the relation's key
    members = b.get("/memberview/list/").get_data(as_text=True)
    header = members.split("<thead")[1].split("</thead>")[0]
    assert "PIN" in header and "Registration" not in header


def test_datasets_endpoint_lists_everything_with_counts_only_where_readable(app, make_user):
    b = _browser(app, make_user, roles=("Statistician",))
    data = b.get("/api/v1/catalogue/datasets").get_json()
    by_key = {d["key"]: d for d in data["result"]}
    assert by_key["household_book_member"]["records"] is None  # a statistician reads no personal record
    assert by_key["ref_territory"]["records"] > 2000
    assert set(by_key["household_book_member"]["titles"]) == {"ky", "ru", "en"}
    assert by_key["child_protection_child"]["personalData"] == "special"


def test_every_table_schema_is_a_valid_frictionless_schema(app, make_user):
    import frictionless

    from app.catalogue import dictionary

    b = _browser(app, make_user)
    for key in dictionary.datasets():
        response = b.get(f"/api/v1/catalogue/datasets/{key}/schema")
        assert response.status_code == 200, key
        descriptor = response.get_json()
        report = frictionless.Schema.validate_descriptor(descriptor)
        assert report.valid, (key, [e.message for e in report.flatten(["message"])][:3])
        schema = frictionless.Schema.from_descriptor(descriptor)
        assert schema.field_names and set(descriptor["fields"][1]["titles"]) == {"ky", "ru", "en"}
    member = b.get("/api/v1/catalogue/datasets/household_book_member/schema?lang=ru").get_json()
    fields = {f["name"]: f for f in member["fields"]}
    assert fields["pin"]["constraints"]["required"] is True and fields["pin"]["constraints"]["maxLength"] == 14
    assert fields["sex"]["constraints"]["enum"] == ["F", "M"]
    assert fields["pin"]["title"] == "ПИН" and fields["pin"]["personalData"] == "personal"
    assert {"fields": "household_id", "reference": {"resource": "household_book_household", "fields": "id"}} in \
        member["foreignKeys"]
    assert b.get("/api/v1/catalogue/datasets/nothing/schema").status_code == 404


def test_data_package_validates_and_dcat_parses_as_rdf(app, make_user):
    import frictionless
    import rdflib

    from app.catalogue import dictionary

    b = _browser(app, make_user)
    package = json.loads(b.get("/catalogue/datapackage.json").get_data(as_text=True))
    report = frictionless.Package.validate_descriptor(package)
    assert report.valid, [e.message for e in report.flatten(["message"])][:3]
    assert {r["name"] for r in package["resources"]} == set(dictionary.datasets())
    graph = rdflib.Graph().parse(data=b.get("/catalogue/dcat.jsonld").get_data(as_text=True), format="json-ld")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    dct = rdflib.Namespace("http://purl.org/dc/terms/")
    datasets = set(graph.subjects(rdflib.RDF.type, dcat.Dataset))
    assert len(datasets) == len(dictionary.datasets())
    member = next(d for d in datasets if str(d).endswith("/household_book_member"))
    assert {t.language for t in graph.objects(member, dct.title)} == {"ky", "ru", "en"}
    assert str(next(graph.objects(member, dct.accessRights))).endswith("NON_PUBLIC")
    legislation = list(graph.objects(member, rdflib.URIRef("http://data.europa.eu/r5r/applicableLegislation")))
    assert len(legislation) == 3


def test_open_data_only_for_datasets_without_personal_data(app, make_user, db):
    b = _browser(app, make_user)
    anonymous = Browser(app.test_client())
    assert anonymous.get("/open/ref_territory.csv").status_code == 404
    page = b.get("/catalogue/dataset/ref_territory").get_data(as_text=True)
    assert "open_data" in page
    b.post("/catalogue/dataset/ref_territory/publish", {"open_data": "1"}, token_from="/catalogue/dataset/ref_territory")
    csv = anonymous.get("/open/ref_territory.csv").get_data(as_text=True)
    assert csv.lstrip("\ufeff").startswith("id,code,level,kind") and csv.count("\n") > 2400
    assert "created_by" not in csv.splitlines()[0]
    assert "ref_territory" in anonymous.get("/open/").get_data(as_text=True)
    graph = anonymous.get("/open/dcat.jsonld").get_json()
    from app.catalogue.schema import EXTRACTS  # public parts of other datasets (the e-government register) too

    assert [d["dct:identifier"] for d in graph["dcat:dataset"] if d["dct:identifier"] not in EXTRACTS] == \
        ["ref_territory"]
    refused = b.post("/catalogue/dataset/household_book_member/publish", {"open_data": "1"},
                     token_from="/catalogue/dataset/household_book_member", follow_redirects=True)
    assert "personal data cannot be published" in refused.get_data(as_text=True)
    assert anonymous.get("/open/household_book_member.csv").status_code == 404
    b.post("/catalogue/dataset/ref_territory/publish", {"open_data": "0"}, token_from="/catalogue/dataset/ref_territory")
    assert anonymous.get("/open/ref_territory.csv").status_code == 404


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_catalogue_pages_have_no_english(app, make_user, lang):
    b = _browser(app, make_user, lang=lang)
    for url in ("/catalogue/", "/catalogue/dataset/land_queue_application", "/chartbuilder/",
                "/customfieldview/list/", "/classifierview/list/", "/policyparameterview/list/"):
        page = b.get(url).get_data(as_text=True)
        for english in ("Dataset", "Legal basis", "Retention", "Personal data", "Chart type", "Custom field"):
            assert f">{english}<" not in page, (url, english)
