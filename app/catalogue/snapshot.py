"""What administrators configured, as one JSON snapshot that moves between installations (test → production, one
LSG body's setup to another): custom fields, classifier items, dictionary texts, policy-parameter versions and
publication settings. `diff` says what applying a snapshot would change; `apply` does it all or nothing through
the same checks as the UI (Directus's schema snapshot/diff, for the catalogue's data)."""
import datetime
import decimal

from sqlalchemy import select

from app.errors import DomainError
from models.catalogue import Classifier, ClassifierItem, CustomField, DatasetSetting, DictionaryText, PolicyParameter

FIELD_ATTRS = ("kind", "label_ky", "label_ru", "label_en", "description_ky", "description_ru", "description_en",
               "required", "min_value", "max_value", "pattern", "classifier_code", "reference_dataset", "personal",
               "searchable", "in_list", "sort_order", "status", "legal_regulation", "legal_clause")
ITEM_ATTRS = ("name_ky", "name_ru", "name_en", "sort_order", "active")
TEXT_ATTRS = tuple(f"{kind}_{lang}" for kind in ("label", "description", "legal") for lang in ("ky", "ru", "en"))


def _plain(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def take(session):
    """The snapshot of this installation's catalogue configuration (a JSON-ready dict)."""
    classifiers = {c.id: c.code for c in session.scalars(select(Classifier))}
    return {
        "format": "sanarip-catalogue/1",
        "custom_fields": [{"dataset": f.dataset, "key": f.key, **{a: _plain(getattr(f, a)) for a in FIELD_ATTRS}}
                          for f in session.scalars(select(CustomField).order_by(CustomField.dataset,
                                                                                CustomField.key))],
        "classifier_items": [{"classifier": classifiers[i.classifier_id], "code": i.code,
                              **{a: getattr(i, a) for a in ITEM_ATTRS}}
                             for i in session.scalars(select(ClassifierItem).order_by(ClassifierItem.classifier_id,
                                                                                      ClassifierItem.sort_order))],
        "texts": [{"dataset": t.dataset, "field": t.field, **{a: getattr(t, a) for a in TEXT_ATTRS}}
                  for t in session.scalars(select(DictionaryText).order_by(DictionaryText.dataset,
                                                                           DictionaryText.field))],
        "parameters": [{"key": p.key, "effective_from": p.effective_from.isoformat(), "value": p.value,
                        "regulation": p.regulation, "clause": p.clause, "note": p.note}
                       for p in session.scalars(select(PolicyParameter).order_by(PolicyParameter.key,
                                                                                 PolicyParameter.effective_from))],
        "open_data": sorted(s.dataset for s in session.scalars(select(DatasetSetting))
                            if s.open_data),
    }


def _changes(row, values, attrs):
    out = []
    for attr in attrs:
        if attr not in values:
            continue
        old, new = _plain(getattr(row, attr)), values[attr]
        if old != new and not (old in (None, "") and new in (None, "")):
            out.append((attr, old, new))
    return out


def apply(session, snapshot, today, now, dry_run=False):
    """Lay `snapshot` over the catalogue: add what is missing, change what differs (never delete: a field or item
    the snapshot lacks stays). Returns the list of changes as text lines; with `dry_run` nothing is written.
    Every row passes the UI's own checks; any refusal raises DomainError and the caller rolls back."""
    from app.catalogue import admin, classifiers, policy

    if snapshot.get("format") != "sanarip-catalogue/1":
        raise DomainError("not a Sanarip catalogue snapshot", code="snapshot_format")
    lines = []
    fields = {(f.dataset, f.key): f for f in session.scalars(select(CustomField))}
    for values in snapshot.get("custom_fields", []):
        row = fields.get((values["dataset"], values["key"]))
        if row is None:
            lines.append(f"+ custom field {values['dataset']}.{values['key']}")
            if not dry_run:
                admin.add_custom_field(session, {k: v for k, v in values.items() if k not in ("status",)})
            continue
        for attr, old, new in _changes(row, values, [a for a in FIELD_ATTRS if a != "kind"]):
            lines.append(f"~ custom field {row.dataset}.{row.key} {attr}: {old!r} → {new!r}")
            if not dry_run:
                setattr(row, attr, new)
        if not dry_run:
            admin.check_custom_field(session, row)
    owners = {c.code: c for c in session.scalars(select(Classifier))}
    for values in snapshot.get("classifier_items", []):
        owner = owners.get(values["classifier"])
        if owner is None:
            raise DomainError(f"unknown classifier {values['classifier']}", code="snapshot_classifier")
        row = next((i for i in owner.items if i.code == values["code"]), None)
        if row is None:
            lines.append(f"+ item {owner.code}/{values['code']}")
            if not dry_run:
                row = ClassifierItem(classifier=owner, code=values["code"],
                                     **{a: values.get(a) for a in ITEM_ATTRS if a in values})
                classifiers.check_item(session, row)
                session.add(row)
            continue
        for attr, old, new in _changes(row, values, ITEM_ATTRS):
            lines.append(f"~ item {owner.code}/{row.code} {attr}: {old!r} → {new!r}")
            if not dry_run:
                setattr(row, attr, new)
        if not dry_run:
            classifiers.check_item(session, row)
    for values in snapshot.get("texts", []):
        row = session.scalar(select(DictionaryText).where(DictionaryText.dataset == values["dataset"],
                                                          DictionaryText.field == values["field"]))
        current = {a: getattr(row, a) for a in TEXT_ATTRS} if row is not None else {}
        changed = {a: values.get(a) for a in TEXT_ATTRS if (values.get(a) or None) != (current.get(a) or None)}
        if changed:
            lines.append(f"~ texts {values['dataset']}.{values['field'] or '*'}: {', '.join(sorted(changed))}")
            if not dry_run:
                admin.save_text(session, values["dataset"], values["field"], changed)
    known = {(p.key, p.effective_from.isoformat()): p for p in session.scalars(select(PolicyParameter))}
    for values in snapshot.get("parameters", []):
        row = known.get((values["key"], values["effective_from"]))
        if row is None:
            lines.append(f"+ parameter {values['key']} from {values['effective_from']}: {values['value']}")
            if not dry_run:
                row = PolicyParameter(key=values["key"], value=values["value"],
                                      effective_from=datetime.date.fromisoformat(values["effective_from"]),
                                      regulation=values.get("regulation") or "platform", clause=values.get("clause"),
                                      note=values.get("note"))
                policy.check_version(session, row, today)
                session.add(row)
        elif row.value != values["value"]:
            lines.append(f"~ parameter {row.key} from {values['effective_from']}: {row.value} → {values['value']}")
            if not dry_run:
                row.value = values["value"]
                policy.check_version(session, row, today)
    published = {s.dataset for s in session.scalars(select(DatasetSetting)) if s.open_data}
    for dataset in snapshot.get("open_data", []):
        if dataset not in published:
            lines.append(f"+ open data {dataset}")
            if not dry_run:
                admin.publish(session, dataset, True, now)
    if not dry_run:
        session.flush()
    return lines
