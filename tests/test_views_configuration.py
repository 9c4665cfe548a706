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
