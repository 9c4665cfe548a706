"""The catalogue's cached state in each server process, reloaded when `core_catalogue_revision` moves.

Every change to a catalogue table (texts, publication, classifiers, custom fields, parameters) raises the revision
in the same flush, whatever path made it (form, API, command, seed): a flush hook, like the audit's. Each request
reads the revision once (one primary-key lookup) and reloads the small tables when it changed, so a new field or
a renamed classifier item shows in every worker without a restart."""
import time
from dataclasses import dataclass, field

from flask import has_app_context, has_request_context, request
from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from app.i18n import names_by_language

WATCHED = {"core_dictionary_text", "core_dataset_setting", "core_classifier", "core_classifier_item",
           "core_custom_field"}


@dataclass
class Snapshot:
    revision: int = -1
    texts: dict = field(default_factory=dict)  # (dataset, field) -> DictionaryText values
    settings: dict = field(default_factory=dict)  # dataset -> {"open_data": bool, "published_at": …}
    custom_fields: dict = field(default_factory=dict)  # dataset -> [CustomFieldData] (every status)
    classifiers: dict = field(default_factory=dict)  # code -> {"open": bool, "items": [ItemData]}


@dataclass(frozen=True)
class ItemData:
    code: str
    names: dict  # language -> name
    active: bool
    system: bool
    sort_order: int


_snapshot = Snapshot()
CHECKED = "sanarip.catalogue_checked"  # per request (the WSGI environ), so a test's shared `g` cannot keep it
OUTSIDE_REQUESTS_TTL = 1.0  # seconds; a change made in this process resets it at once (invalidate)
_checked_at = 0.0


def _session():
    from app.extensions import db

    return db.session


def _read_revision(session):
    from models.catalogue import CatalogueRevision

    try:
        with session.no_autoflush:
            return session.scalar(select(CatalogueRevision.revision).where(CatalogueRevision.id == 1)) or 0
    except Exception:  # before the migrations ran (e.g. `db upgrade` itself): the declared defaults apply
        session.rollback()
        return None


def current() -> Snapshot:
    """The catalogue as the database has it now (checked once per request; outside requests on every call)."""
    global _snapshot
    if not has_app_context():
        return _snapshot
    global _checked_at
    if has_request_context():
        if request.environ.get(CHECKED):
            return _snapshot
    elif time.monotonic() - _checked_at < OUTSIDE_REQUESTS_TTL:  # commands and seeds: not a query per attribute
        return _snapshot
    session = _session()
    revision = _read_revision(session)
    if has_request_context():
        request.environ[CHECKED] = True
    else:
        _checked_at = time.monotonic()
    if revision is not None and revision != _snapshot.revision:
        _snapshot = _load(session, revision)
    return _snapshot


def invalidate():
    """Forget the cached copy (after a change made in this process)."""
    global _snapshot, _checked_at
    _snapshot = Snapshot()
    _checked_at = 0.0
    if has_request_context():
        request.environ.pop(CHECKED, None)


def _load(session, revision):
    from app.catalogue.custom import CustomFieldData
    from models.catalogue import Classifier, ClassifierItem, CustomField, DatasetSetting, DictionaryText

    snapshot = Snapshot(revision=revision)
    with session.no_autoflush:
        for text in session.scalars(select(DictionaryText)):
            snapshot.texts[(text.dataset, text.field or "")] = {
                kind: names_by_language(text, kind) for kind in ("label", "description", "legal")}
        for setting in session.scalars(select(DatasetSetting)):
            snapshot.settings[setting.dataset] = {"open_data": setting.open_data,
                                                  "published_at": setting.published_at}
        for row in session.scalars(select(CustomField).order_by(CustomField.sort_order, CustomField.id)):
            snapshot.custom_fields.setdefault(row.dataset, []).append(CustomFieldData.of(row))
        classifiers = {c.id: c for c in session.scalars(select(Classifier))}
        for c in classifiers.values():
            snapshot.classifiers[c.code] = {"open": c.open, "items": [], "names": names_by_language(c)}
        for item in session.scalars(select(ClassifierItem).order_by(ClassifierItem.sort_order, ClassifierItem.id)):
            owner = classifiers.get(item.classifier_id)
            if owner is not None:
                snapshot.classifiers[owner.code]["items"].append(ItemData(
                    item.code, names_by_language(item), item.active, item.system, item.sort_order))
    return snapshot


def _bump_on_change(session, _flush_context):
    touched = any(getattr(obj, "__tablename__", None) in WATCHED
                  for objs in (session.new, session.dirty, session.deleted) for obj in objs)
    if not touched:
        return
    from models.catalogue import CatalogueRevision

    connection = session.connection()
    result = connection.execute(update(CatalogueRevision.__table__).where(CatalogueRevision.__table__.c.id == 1)
                                .values(revision=CatalogueRevision.__table__.c.revision + 1))
    if result.rowcount == 0:
        connection.execute(insert(CatalogueRevision.__table__).values(id=1, revision=1))
    invalidate()


def install():
    if not event.contains(Session, "after_flush", _bump_on_change):
        event.listen(Session, "after_flush", _bump_on_change)
