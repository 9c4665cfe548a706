"""The side-effect-free core: identifiers, ages, localised names, territory kinds; and that models and the core
import without an app, a database or any view."""
import ast
import datetime
import json
import os
import subprocess
import sys

import pytest

from app.errors import DomainError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORE = ["app.errors", "app.i18n", "app.clock", "app.identifiers", "app.ages", "app.territory_kinds"]


def _code(call, *args, **kwargs):
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    return error.value.code


# --- importing without side effects --------------------------------------------------------------------------
def _probe(imports, with_fab_baseline):
    """Import `imports` in a fresh interpreter; return the modules they loaded and the apps/engines created."""
    code = r"""
import importlib, json, sys
import flask, sqlalchemy

apps, engines = [], []
flask_init = flask.Flask.__init__
def counting_init(self, *args, **kwargs):
    apps.append(str(args[:1]))
    flask_init(self, *args, **kwargs)
flask.Flask.__init__ = counting_init
create_engine = sqlalchemy.create_engine
def counting_engine(*args, **kwargs):
    engines.append(str(args[:1]))
    return create_engine(*args, **kwargs)
sqlalchemy.create_engine = sqlalchemy.engine.create_engine = counting_engine

before = set(sys.modules)
fab_itself = []
if WITH_FAB:
    import flask_appbuilder  # its package __init__ imports flask_appbuilder.views: the baseline models live with
    fab_itself = sorted(set(sys.modules) - before)
for name in IMPORTS:
    module = importlib.import_module(name)
    if hasattr(module, "import_all"):
        module.import_all()
loaded = sorted(set(sys.modules) - before)
print(json.dumps({"loaded": loaded, "fab_itself": fab_itself, "apps": apps, "engines": engines}))
""".replace("IMPORTS", repr(imports)).replace("WITH_FAB", repr(with_fab_baseline))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": ROOT})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def _ours(loaded, *packages):
    return [m for m in loaded if m in packages or m.startswith(tuple(f"{p}." for p in packages))]


def test_the_core_imports_without_fab_an_app_or_a_database():
    result = _probe(CORE, with_fab_baseline=False)
    assert result["apps"] == [] and result["engines"] == []
    assert _ours(result["loaded"], "flask_appbuilder", "views", "charts", "models") == []
    assert "app.extensions" not in result["loaded"] and "app.audit" not in result["loaded"]


def test_models_import_without_an_app_views_or_a_database():
    """Models derive from FAB's declarative `Model` (one metadata with FAB's security tables), and importing any
    part of FAB runs its package __init__, which imports flask_appbuilder.views. So the check is that models add
    nothing of FAB beyond that baseline and its security models, and nothing of ours that builds an app."""
    result = _probe(["models"] + CORE, with_fab_baseline=True)
    assert result["apps"] == [] and result["engines"] == []
    extra_fab = [m for m in _ours(result["loaded"], "flask_appbuilder") if m not in result["fab_itself"]]
    assert all(m.startswith("flask_appbuilder.security.sqla") for m in extra_fab), extra_fab
    assert _ours(result["loaded"], "views", "charts") == []
    for module in ("app.extensions", "app.audit", "app.registry", "app.security", "app.scope", "app.cli"):
        assert module not in result["loaded"], module
    assert "models.reference" in result["loaded"] and "models.household_book" in result["loaded"]


# --- identifiers ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("inn,code", [
    ("01503200512345", None),  # registered 15.03.2005
    ("02902200000001", None),  # 29 February 2000
    ("11503200512345", "inn_org_digit"),  # a person's PIN is no organisation INN
    ("03202200512345", "inn_date"),  # day 32
    ("02902200100001", "inn_date"),  # 29 February 2001 does not exist
    ("01501299912345", "inn_date"),  # registered in 2999
    ("00101189912345", "inn_date"),  # registered in 1899: the accounts' copy of the parser took it
    ("0150320051234", "inn_format"),
    ("0150320051234x", "inn_format"),
])
def test_organisation_inn(inn, code):
    from app.identifiers import parse_inn

    if code is None:
        info = parse_inn(f" {inn} ")
        assert info.inn == inn and info.registered == datetime.date(int(inn[5:9]), int(inn[3:5]), int(inn[1:3]))
    else:
        assert _code(parse_inn, inn) == code


def test_inn_messages_are_the_same_on_every_path(app):
    """Accounts and municipal property used two parsers with two wordings and codes for the same mistake."""
    from flask_babel import force_locale

    from app.identifiers import parse_inn
    from app.services import municipal_property

    with app.test_request_context(), force_locale("en"):
        with pytest.raises(DomainError) as account:
            parse_inn("11503200512345", "organisation_inn")
        with pytest.raises(DomainError) as tenant:
            municipal_property.check_tenant("organisation", "11503200512345")
        assert account.value.code == tenant.value.code == "inn_org_digit"
        assert str(account.value) == str(tenant.value) and "PIN" in str(account.value)
        assert account.value.field == "organisation_inn" and tenant.value.field == "tenant_number"


@pytest.mark.parametrize("number,ok", [
    ("1-02-05-0001-0234", True),  # a land plot
    (" 9-12-20-0999-9999 ", True),
    ("1-02-05-0001-0234-01", True),  # a building on the plot
    ("1-02-05-0001-0234-01-002", True),  # premises in the building
    ("1-02-05", False),
    ("A-02-05-0001-0234", False),
    ("0-02-05-0001-0234", False),  # there is no region 0
    ("12-1-1-1-1", False),  # the property register's old pattern took any 1–4 digits per group
    ("1234-5-6", False),  # the land queue's old pattern took three groups of any length
    ("1-123456-1-1", False),
    ("1-02-05-0001-0234-1-2-3", False),
    ("12/34", False),
    ("", False),
])
def test_cadastral_number(number, ok):
    from app.identifiers import parse_cadastral

    if ok:
        assert parse_cadastral(number) == number.strip()
    else:
        assert _code(parse_cadastral, number) == "cadastral_format"


# --- ages ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("birth,day,age", [
    (datetime.date(2008, 2, 29), datetime.date(2026, 2, 28), 18),  # the three old copies said 17
    (datetime.date(2008, 2, 29), datetime.date(2026, 2, 27), 17),
    (datetime.date(2008, 2, 29), datetime.date(2028, 2, 28), 19),  # a leap year: 29 February comes next day
    (datetime.date(2008, 2, 29), datetime.date(2028, 2, 29), 20),
    (datetime.date(2008, 3, 1), datetime.date(2026, 2, 28), 17),
    (datetime.date(2008, 3, 1), datetime.date(2026, 3, 1), 18),
    (datetime.date(2000, 6, 15), datetime.date(2000, 6, 15), 0),
])
def test_age_on_a_date(birth, day, age):
    from app.ages import age_on

    assert age_on(birth, day) == age


def test_born_by_is_the_inverse_of_age_on():
    """Every service (one row's age) and every query (dates of birth) must count the same people as adults."""
    from app.ages import age_on, born_by

    days = [datetime.date(2023, 12, 25) + datetime.timedelta(days=n) for n in range(0, 3 * 366, 3)]
    days += [datetime.date(y, 2, d) for y in (2024, 2025, 2026, 2028, 2100) for d in (27, 28)] + \
        [datetime.date(2024, 2, 29), datetime.date(2028, 2, 29)]
    for day in days:
        for years in (0, 1, 4, 16, 18, 28, 30, 63):
            cutoff = born_by(day, years)
            for birth in (cutoff + datetime.timedelta(days=k) for k in range(-2, 3)):
                assert (age_on(birth, day) >= years) is (birth <= cutoff), (day, years, birth)


def test_the_model_and_the_services_use_one_age():
    from app.ages import age_on
    from app.services import child_protection, household_book, land_queue
    from models.household_book import HouseholdMember

    member = HouseholdMember(birth_date=datetime.date(2008, 2, 29))
    assert member.age_on(datetime.date(2026, 2, 28)) == 18
    assert child_protection.age_on is land_queue.age_on is age_on
    assert not hasattr(household_book, "coming_of_age_cutoff") and not hasattr(household_book, "years_before")
    assert not hasattr(child_protection, "retention_cutoff")


# --- territory kinds and localised names: spelled in one place ----------------------------------------------
KINDS_MODULE = os.path.join("app", "territory_kinds.py")
I18N_MODULE = os.path.join("app", "i18n.py")
#: Kind codes that are also ordinary words of other classifiers and columns (the object type "other", the field
#: `settlement`, the import filter "village"): they count only where a territory's kind is compared with them.
AMBIGUOUS_KINDS = {"other", "settlement", "village"}


def _territory_kind(node):
    """`Territory.kind`, `territory.kind`, `self.territory.kind`…: the kind of something named a territory."""
    return isinstance(node, ast.Attribute) and node.attr == "kind" and "territor" in ast.unparse(node.value).lower()


def _constants(node):
    items = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
    return [i for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]


def fact_offences(tree, path):
    """(line, what) for each kind code or multilingual attribute read written outside its one place."""
    from app.territory_kinds import TERRITORY_KINDS

    distinct = set(TERRITORY_KINDS) - AMBIGUOUS_KINDS
    # the seed's coverage report names its groups in the words of data/README.md, which may be kind codes
    allowed = {id(k) for d in ast.walk(tree) if isinstance(d, ast.Dict) for k in d.keys} \
        if path == os.path.join("app", "seed", "territories.py") else set()
    found = []
    for node in ast.walk(tree):
        if path != KINDS_MODULE:
            if isinstance(node, ast.Constant) and node.value in distinct and id(node) not in allowed:
                found.append((node.lineno, f"the territory kind {node.value!r}"))
            sides = []
            if isinstance(node, ast.Compare) and any(_territory_kind(s) for s in [node.left, *node.comparators]):
                sides = [node.left, *node.comparators]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "in_" \
                    and _territory_kind(node.func.value):
                sides = node.args
            found += [(c.lineno, f"the territory kind {c.value!r}") for side in sides for c in _constants(side)
                      if c.value in AMBIGUOUS_KINDS]
        if path != I18N_MODULE and isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "getattr" and len(node.args) >= 2:
            name = node.args[1]
            built = isinstance(name, ast.BinOp) or (
                isinstance(name, ast.JoinedStr) and len(name.values) >= 2
                and isinstance(name.values[-1], ast.FormattedValue)
                and isinstance(name.values[-2], ast.Constant) and str(name.values[-2].value).endswith("_"))
            if built:
                found.append((node.lineno, f"a multilingual attribute read by its built name: {ast.unparse(node)}"))
        if path != I18N_MODULE and isinstance(node, ast.Dict) and len(node.keys) == 3 \
                and {getattr(k, "value", None) for k in node.keys} == {"ky", "ru", "en"} \
                and all(isinstance(v, ast.Constant) and isinstance(v.value, int) for v in node.values):
            found.append((node.lineno, "a language index: pick the name with app.i18n.choose_name"))
    return found


def test_territory_kinds_and_localised_names_are_spelled_in_one_place():
    """The kinds and their groupings live in app/territory_kinds.py, names by language in app/i18n.py; a copy
    elsewhere drifts (the land queue and the passport had one tuple each for the same units)."""
    offences = []
    for top in ("app", "models", "views", "charts"):
        for folder, _dirs, files in os.walk(os.path.join(ROOT, top)):
            for name in sorted(files):
                if name.endswith(".py"):
                    full = os.path.join(folder, name)
                    path = os.path.relpath(full, ROOT)
                    with open(full, encoding="utf-8") as fh:
                        tree = ast.parse(fh.read(), path)
                    offences += [f"{path}:{line}: {what}" for line, what in fact_offences(tree, path)]
    assert offences == []


@pytest.mark.parametrize("source", [
    'ok = Territory.kind == "aiyl_aimak"',
    'KINDS = ("city_oblast", "city_rayon")',
    'q = select(Territory).where(Territory.kind.in_(["village", "settlement"]))',
    'if territory.kind != "other": pass',
    'name = getattr(territory, f"name_{language}", None) or territory.name_ru',
    'label = getattr(row, f"{field}_{lang}")',
    'label = getattr(row, "name_" + lang)',
    'name = r[{"ru": 1, "ky": 2, "en": 3}[language]] or r[1]',
])
def test_the_one_place_check_finds_copies(source):
    assert fact_offences(ast.parse(source), os.path.join("app", "x.py")) != []


def test_the_one_place_check_leaves_other_words_and_the_seed_groups_alone():
    source = ('kind = obj.kind == "other"\nfields = ["settlement", "village"]\nrisk = getattr(a, f"{d}_risk")\n'
              'GROUPS = {"oblast": kinds.OBLAST_LEVEL}')
    assert fact_offences(ast.parse(source), os.path.join("app", "x.py")) != []  # the dict key outside the seed
    assert fact_offences(ast.parse(source), os.path.join("app", "seed", "territories.py")) == []


def test_the_groupings_keep_what_each_module_accepted():
    """The tuples the modules had before they were collected (behaviour kept: see the table in the module)."""
    from app import territory_kinds as k
    from models.reference import KIND_LABELS
    from models.dictionary import CLASSIFIERS

    assert list(CLASSIFIERS["territory_kind"].items) == list(k.TERRITORY_KINDS)
    assert CLASSIFIERS["territory_kind"].system == k.TERRITORY_KINDS and KIND_LABELS is not None
    assert k.PROPERTY_OWNER_KINDS == ("aiyl_aimak", "city_republican", "city_oblast", "city_rayon")
    assert k.LSG_BODY_KINDS == k.PROPERTY_OWNER_KINDS + ("city_district",)
    assert k.LSG_UNIT_KINDS == k.PROPERTY_OWNER_KINDS + ("urban_type_settlement",)
    assert k.CITY_KINDS == ("city_republican", "city_oblast", "city_rayon")
    assert k.SETTLEMENT_KINDS == ("village", "settlement", "urban_type_settlement", "village_under_city")
    assert set(k.VOTER_LIST_KINDS) == set(k.TERRITORY_KINDS) - {"other"}
    assert k.OBLAST_LEVEL == ("oblast", "city_republican")


def test_names_by_language_and_the_document_form():
    from types import SimpleNamespace

    from app.i18n import MISSING_MARK, localized_name, names_by_language

    unit = SimpleNamespace(name_ky=None, name_ru="Ак-Булунский", name_en="Ak-Bulun", label_ky="Аты")
    assert names_by_language(unit) == {"ky": None, "ru": "Ак-Булунский", "en": "Ak-Bulun"}
    assert names_by_language(unit, "label") == {"ky": "Аты", "ru": None, "en": None}
    assert localized_name(unit, language="ky") == f"Ак-Булунский {MISSING_MARK}"
    assert localized_name(unit, language="ky", mark_missing=False) == "Ак-Булунский"
    assert localized_name(unit, language="en", mark_missing=False) == "Ak-Bulun"
    assert localized_name(unit, "label", language="en") == ""  # no Russian either: nothing to mark
