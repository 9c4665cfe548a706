"""Classifiers: every choice list that is not a workflow state, as data administrators edit in ky/ru/en.

Modules declare a classifier once (`models.dictionary.classifier`, the seed: codes and English names whose ky and
ru come from the catalogs) and keep using the returned mapping as they used their dicts: `RELATIONS.get(code)`
gives the item's name in the current language as the administrators last wrote it. Records keep storing the
codes, which never change (the API speaks codes); a system item (one the rules test) is renamed, never switched
off."""
from collections.abc import Mapping

from flask import has_app_context
from flask_babel import force_locale, lazy_gettext as _l

from app.catalogue import state
from app.errors import DomainError
from app.i18n import LOCALES, choose_name, current_language


def definition(code):
    from models.dictionary import CLASSIFIERS

    return CLASSIFIERS.get(code)


def _stored(code):
    if not has_app_context():
        return None
    entry = state.current().classifiers.get(code)
    return entry if entry and entry["items"] else None


def items(code, language=None):
    """[(item code, name, active, system)] in order: the administrators' items, else the declared ones."""
    stored = _stored(code)
    if stored is not None:
        language = language or current_language()
        return [(i.code, choose_name(i.names, language, mark_missing=False) or i.code, i.active, i.system)
                for i in stored["items"]]
    spec = definition(code)
    if spec is None:
        return []
    return [(k, v, True, k in spec.system) for k, v in spec.items.items()]


def choices(code, keep=None):
    """(code, name) of the active items, plus `keep` (a stored value whose item was switched off since)."""
    return [(c, name) for c, name, active, _ in items(code) if active or c == keep]


def label(code, value):
    if value is None or value == "":
        return ""
    for c, name, _, _ in items(code):
        if c == value:
            return name
    return value


def is_valid(code, value, old=None):
    """A new value must be an active item; a stored value may stay as it is after its item was switched off."""
    if value is None or value == "" or value == old:
        return True
    return any(c == value and active for c, _, active, _ in items(code))


def check(code, value, field=None, old=None):
    if not is_valid(code, value, old):
        raise DomainError(_l("“%(value)s” is not an item of the classifier “%(classifier)s”.", value=value,
                             classifier=title(code)), field=field, code="not_a_classifier_item")


def title(code):
    stored = state.current().classifiers.get(code) if has_app_context() else None
    if stored is not None:
        names = stored.get("names") or {}
        name = choose_name(names, mark_missing=False)
        if name:
            return name
    spec = definition(code)
    return str(spec.title) if spec is not None else code


class ClassifierChoices(Mapping):
    """A classifier as a read-only dict of code -> name in the current language (live: reads the database)."""

    def __init__(self, code, only=None):
        self.code = code
        self.only = tuple(only) if only else None  # a view that offers a part of the list (e.g. some movements)

    def _pairs(self):
        return [(c, name) for c, name, _, _ in items(self.code) if self.only is None or c in self.only]

    def __getitem__(self, key):
        for c, name in self._pairs():
            if c == key:
                return name
        raise KeyError(key)

    def __iter__(self):
        return iter([c for c, _ in self._pairs()])

    def __len__(self):
        return len(self._pairs())

    def __contains__(self, key):
        return any(c == key for c, _ in self._pairs())

    def __repr__(self):
        return f"<classifier {self.code}>"


def seed(session, echo=print):
    """Create the declared classifiers and items that are missing (names in three languages from the catalogs);
    what administrators changed stays as they left it."""
    from sqlalchemy import select

    from models.catalogue import Classifier, ClassifierItem
    from models.dictionary import CLASSIFIERS

    existing = {c.code: c for c in session.scalars(select(Classifier))}
    added = 0
    for code, spec in CLASSIFIERS.items():
        row = existing.get(code)
        if row is None:
            row = Classifier(code=code, module=spec.module, open=spec.open, **_names(spec.title))
            session.add(row)
            session.flush()
        known = {i.code for i in row.items}
        for position, (item_code, name) in enumerate(spec.items.items(), start=1):
            if item_code in known:
                continue
            row.items.append(ClassifierItem(code=item_code, sort_order=position * 10,
                                            system=item_code in spec.system, **_names(name)))
            added += 1
        for item in row.items:  # a code that became a rule's since the last seed
            if item.code in spec.system and not item.system:
                item.system, item.active = True, True
    session.flush()
    if added:
        echo(f"  classifiers: {added} items added")


def _names(lazy):
    out = {}
    for language in LOCALES:
        with force_locale(language):
            out[f"name_{language}"] = str(lazy)
    return out


def check_item(session, item):
    """Before a classifier item is saved: a code of Latin letters, digits and _ that never changes, unique in its
    classifier; a system item stays in use; items are added only to open classifiers."""
    import re

    from sqlalchemy import inspect as sa_inspect, select

    from models.catalogue import ClassifierItem

    if item.classifier is None:
        raise DomainError(_l("Choose the classifier."), field="classifier", code="classifier_required")
    if item.id is None and not re.fullmatch(r"[a-z0-9][a-z0-9_]{0,39}", item.code or ""):
        raise DomainError(_l("A code has up to 40 Latin lowercase letters, digits and _."), field="code",
                          code="bad_code")
    history = sa_inspect(item).attrs.code.history
    if item.id is not None and history.deleted and history.deleted[0] != item.code:
        raise DomainError(_l("The code is the stable key of stored records and cannot change."), field="code",
                          code="code_fixed")
    if item.id is None and not item.classifier.open:
        raise DomainError(_l("This classifier is closed: its items are fixed by the rules of the module, only "
                             "their names can change."), field="code", code="closed_classifier")
    if item.system and not item.active:
        raise DomainError(_l("The rules of the module use this item: it cannot be switched off."), field="active",
                          code="system_item")
    with session.no_autoflush:
        twin = session.scalar(select(ClassifierItem.id).where(
            ClassifierItem.classifier_id == item.classifier.id, ClassifierItem.code == item.code,
            ClassifierItem.id != (item.id or -1)))
    if twin is not None:
        raise DomainError(_l("The classifier already has the code %(code)s.", code=item.code), field="code",
                          code="duplicate_code")


def check_item_delete(item):
    """Items are switched off, not deleted: stored records keep their codes and their names."""
    raise DomainError(_l("Items are not deleted (records store their codes): untick “In use” instead."),
                      code="classifier_item_delete")
