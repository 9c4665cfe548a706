"""Views are configuration (issue 9, item 5): markup lives in templates, commands beside the seeders and
services, and FAB's internals are adapted in one place (views/base.py), not in each module's views."""
import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
VIEW_FILES = sorted(p for p in (ROOT / "views").glob("*.py") if p.name != "base.py")


def _tree(path):
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _is_markup(text):
    text = text.lstrip()
    return text.startswith("<") and ">" in text


def offences(tree):
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            first = node.values[0] if node.values else None
            if isinstance(first, ast.Constant) and _is_markup(str(first.value)):
                found.append((node.lineno, "HTML built in an f-string"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _is_markup(node.value):
            found.append((node.lineno, "HTML in a string"))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            if any(m == "click" or m.startswith("click.") or m == "flask.cli" for m in modules):
                found.append((node.lineno, "a command-line command"))
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                continue  # the view's own helpers
            found.append((node.lineno, f"a private attribute: {ast.unparse(node)}"))
    return found


@pytest.mark.parametrize("path", VIEW_FILES, ids=lambda p: p.name)
def test_module_views_are_configuration(path):
    assert offences(_tree(path)) == []


@pytest.mark.parametrize("source, what", [
    ("x = f'<td>{value}</td>'", "HTML built in an f-string"),
    ("x = '<table class=\"t\">'", "HTML in a string"),
    ("import click", "a command-line command"),
    ("from flask.cli import with_appcontext", "a command-line command"),
    ("self._filters._all_filters['x']", "a private attribute: self._filters._all_filters"),
    ("super()._init_properties()", "a private attribute: super()._init_properties"),
    ("form._fields.pop('x')", "a private attribute: form._fields"),
])
def test_the_check_finds_each_kind(source, what):
    assert what in {w for _, w in offences(ast.parse(source))}


def test_comparisons_and_plain_text_pass():
    assert offences(ast.parse("ok = a < b\nlabel = 'less than <5 rows'\nself._helper()")) == []


def test_no_view_repeats_the_names_its_dataset_has(app):
    """A dataset's names are written once, in its field dictionary entry; views and APIs take them from there."""
    from flask_babel import force_locale

    from app.catalogue import dictionary
    from views.base import Titled

    repeated = []
    with app.test_request_context(), force_locale("en"):
        for view in app.appbuilder.baseviews:
            cls = type(view)
            info = dictionary.of_model(cls.datamodel.obj) if getattr(cls, "datamodel", None) else None
            if info is None:
                continue
            for attr, name in (("entity", info.spec.entity), ("entity_plural", info.spec.title)):
                own = cls.__dict__.get(attr)
                if own is not None and str(own) == str(name):
                    repeated.append(f"{cls.__name__}.{attr}")
            if isinstance(view, Titled):
                assert view.entity is not None and view.entity_plural is not None, cls.__name__
    assert repeated == []


def _dataset_views(app):
    for view in app.appbuilder.baseviews:
        cls = type(view)
        model = getattr(getattr(cls, "datamodel", None), "obj", None)
        if model is not None and getattr(model, "__dataset__", None) is not None:
            yield view, cls, model


def test_no_view_repeats_the_columns_its_dataset_lays_out(app):
    """A dataset's screens (list, search, forms, record page, API) are said once, in its field dictionary entry
    (`Layout`); a view or API names columns only where it differs."""
    from app.catalogue import dictionary

    repeated = []
    screens = {**dictionary.SCREEN_ATTRIBUTES}
    for view, cls, model in _dataset_views(app):
        api = "api" if hasattr(view, "resource_name") else None
        for screen, attr in screens.items():
            if attr not in cls.__dict__:
                continue
            said = dictionary.screen_columns(model, api if api and attr in ("list_columns", "show_columns")
                                             else screen)
            if said is not None and list(cls.__dict__[attr]) == said:
                repeated.append(f"{cls.__name__}.{attr}")
    assert repeated == []


def test_the_views_show_the_layout_of_their_dataset(app):
    """The mechanism: a view that names no columns shows and takes what its dataset's layout says, and the REST
    API returns the layout's record columns (a change in the dictionary reaches every screen)."""
    from app.catalogue import dictionary

    checked = 0
    for view, cls, model in _dataset_views(app):
        layout = model.__dataset__.layout
        if layout is None:
            continue
        if hasattr(view, "resource_name"):
            if "list_columns" not in cls.__dict__:
                assert view.list_columns == dictionary.screen_columns(model, "api"), cls.__name__
                checked += 1
            continue
        for screen, attr in dictionary.SCREEN_ATTRIBUTES.items():
            said = layout.columns(screen)
            if said is not None and attr not in cls.__dict__ and attr != "search_columns":
                # the search list loses the relations that forms look up (views/base.py _install_lookups)
                assert list(getattr(view, attr))[:len(said)] == list(said), (cls.__name__, attr)
                checked += 1
    assert checked > 100


def test_a_layout_names_only_fields_of_its_dataset(app):
    """A misspelt column in a layout fails here, not on a page: every name is a column, a relation, a property, a
    declared field or a form field the view adds."""
    from sqlalchemy.orm import class_mapper

    unknown = []
    for view, cls, model in _dataset_views(app):
        layout = model.__dataset__.layout
        if layout is None:
            continue
        mapper = class_mapper(model)
        known = set(mapper.all_orm_descriptors.keys()) | set(model.__dataset__.fields)
        known |= {name for name in dir(model) if isinstance(getattr(model, name, None), property)}
        known |= set(getattr(view, "add_form_extra_fields", None) or {})
        for screen in ("list", "search", "form", "edit", "show", "api"):
            for name in getattr(layout, screen) or ():
                if name.split(".")[0] not in known:
                    unknown.append(f"{model.__name__}.{screen}.{name}")
    assert unknown == []
