"""Rules of administering the catalogue: custom fields (add, retire, restore, promote to a column), edited texts
and open-data publication. Plain functions with explicit arguments; the caller commits."""
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect as sa_inspect, select

from app.catalogue import custom, dictionary
from app.errors import DomainError
from models.catalogue import CustomField, DatasetSetting, DictionaryText
from models.dictionary import PERSONAL_CLASSES
from app.clock import local_today


def check_custom_field(session, field):
    """Before a custom field is saved: an extensible dataset; a key of Latin lowercase letters, digits and _ that
    no column, relation or other field of the dataset has and that never changes; a known type; a classifier for a
    choice and a dataset for a reference; minimum not above maximum; a pattern that compiles; a Russian label."""
    info = dictionary.dataset(field.dataset)
    if info is None or not info.extensible:
        raise DomainError(_l("Administrators can add fields only to the datasets marked as extensible."),
                          field="dataset", code="not_extensible")
    if not custom.KEY_PATTERN.match(field.key or ""):
        raise DomainError(_l("A key has 2 to 40 Latin lowercase letters, digits and _, and starts with a letter."),
                          field="key", code="bad_key")
    state = sa_inspect(field)
    if state.persistent:
        for attr in ("key", "dataset", "kind"):
            history = state.attrs[attr].history
            if history.deleted and history.deleted[0] != getattr(field, attr):
                raise DomainError(_l("The key, dataset and type of a field never change (stored values and the API "
                                     "depend on them): retire the field and add another."), field=attr,
                                  code="field_fixed")
    taken = {c.key for c in info.model.__table__.columns} | set(info.relations) | set(info.spec.fields) | \
        {a for a in dir(info.model) if not a.startswith("_")}
    if field.key in taken or field.key.startswith("cf_"):
        raise DomainError(_l("The dataset already has a field or property “%(key)s”.", key=field.key), field="key",
                          code="key_taken")
    with session.no_autoflush:
        twin = session.scalar(select(CustomField.id).where(CustomField.dataset == field.dataset,
                                                           CustomField.key == field.key,
                                                           CustomField.id != (field.id or -1)))
    if twin is not None:
        raise DomainError(_l("The dataset already has a field or property “%(key)s”.", key=field.key), field="key",
                          code="key_taken")
    if field.kind not in custom.KINDS:
        raise DomainError(_l("Unknown field type."), field="kind", code="kind")
    if not (field.label_ru or "").strip():
        raise DomainError(_l("Give at least the Russian label."), field="label_ru", code="label_required")
    from app.catalogue import classifiers

    if field.kind == "choice":
        if not field.classifier_code or not classifiers.items(field.classifier_code):
            raise DomainError(_l("Choose the classifier whose items the field offers."), field="classifier_code",
                              code="classifier_required")
    else:
        field.classifier_code = None
    if field.kind == "reference":
        if dictionary.dataset(field.reference_dataset or "") is None:
            raise DomainError(_l("Choose the dataset the field refers to."), field="reference_dataset",
                              code="reference_required")
    else:
        field.reference_dataset = None
    if field.kind in ("boolean", "choice", "reference", "date"):
        field.min_value = field.max_value = None
    if field.min_value is not None and field.max_value is not None and field.min_value > field.max_value:
        raise DomainError(_l("The minimum is above the maximum."), field="min_value", code="min_max")
    if field.pattern:
        if field.kind != "text":
            field.pattern = None
        else:
            try:
                re.compile(field.pattern)
            except re.error:
                raise DomainError(_l("The pattern is not a valid regular expression."), field="pattern",
                                  code="pattern")
    if (field.personal or "none") not in PERSONAL_CLASSES:
        raise DomainError(_l("Unknown personal-data class."), field="personal", code="personal")
    if info.personal != "none" and field.personal == "none" and info.spec.personal != "none":
        pass  # a non-personal fact of a personal record (e.g. a water source) is allowed: the record stays personal
    if field.legal_regulation and not classifiers.is_valid("regulation", field.legal_regulation):
        raise DomainError(_l("Unknown regulation."), field="legal_regulation", code="regulation")
    field.status = field.status or "active"
    return field


def add_custom_field(session, values):
    """A new custom field from a dict (the API's body, the form's data): checked by check_custom_field."""
    allowed = {c.key for c in CustomField.__table__.columns} - {"id", "status", "retired_at", "created_on",
                                                                  "changed_on", "created_by_fk", "changed_by_fk"}
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise DomainError(_l("Unknown attributes: %(names)s.", names=", ".join(unknown)), code="unknown_attributes")
    field = CustomField(**{k: v for k, v in values.items() if k in allowed})
    for attr, default in (("kind", "text"), ("personal", "none"), ("required", False), ("searchable", True),
                          ("in_list", False), ("sort_order", 100)):
        if getattr(field, attr) is None:
            setattr(field, attr, default)
    check_custom_field(session, field)
    session.add(field)
    session.flush()
    return field


def retire(session, field, now):
    """Retire a field: hidden from forms, lists and the API; its values and their history stay in the rows and the
    audit trail, and it can be restored."""
    if field.status != "active":
        raise DomainError(_l("Only a field in use can be retired."), code="not_active")
    field.status, field.retired_at = "retired", now
    return field


def restore(session, field):
    if field.status != "retired":
        raise DomainError(_l("Only a retired field can be restored."), code="not_retired")
    field.status, field.retired_at = "active", None
    return field


def save_text(session, dataset_key, field_key, values):
    """Set an administrator's wording of a dataset or field ({"label_ky": …}); empty values fall back to the
    code's texts."""
    info = dictionary.dataset(dataset_key)
    if info is None or (field_key and info.field(field_key) is None):
        raise DomainError(_l("Unknown dataset or field."), code="unknown_field")
    row = session.scalar(select(DictionaryText).where(DictionaryText.dataset == dataset_key,
                                                      DictionaryText.field == (field_key or "")))
    if row is None:
        row = DictionaryText(dataset=dataset_key, field=field_key or "")
        session.add(row)
    for key, value in values.items():
        if not hasattr(DictionaryText, key) or not key.startswith(("label_", "description_", "legal_")):
            raise DomainError(_l("Unknown attributes: %(names)s.", names=key), code="unknown_attributes")
        setattr(row, key, (value or "").strip() or None)
    return row


def publish(session, dataset_key, open_data, now):
    """Publish a dataset as open data (or withdraw it). Only datasets without personal data are published."""
    info = dictionary.dataset(dataset_key)
    if info is None:
        raise DomainError(_l("Unknown dataset or field."), code="unknown_field")
    if open_data and info.personal != "none":
        raise DomainError(_l("A dataset with personal data cannot be published as open data."), code="personal")
    row = session.scalar(select(DatasetSetting).where(DatasetSetting.dataset == dataset_key))
    if row is None:
        row = DatasetSetting(dataset=dataset_key, open_data=False)
        session.add(row)
    row.open_data = bool(open_data)
    row.published_at = now if open_data else None
    return row


# --- promotion to a real column ----------------------------------------------------------------------------------
SQL_TYPES = {"text": "sa.String({length})", "integer": "sa.Integer()", "decimal": "sa.Numeric(18, 4)",
             "date": "sa.Date()", "boolean": "sa.Boolean()", "choice": "sa.String(40)", "reference": "sa.Integer()"}
MODEL_TYPES = {"text": "String({length})", "integer": "Integer", "decimal": "Numeric(18, 4)", "date": "Date",
               "boolean": "Boolean", "choice": "String(40)", "reference": "Integer"}
CASTS = {"text": None, "choice": None, "integer": "integer", "decimal": "numeric", "date": "date",
         "boolean": "boolean", "reference": "integer"}


def promotion_migration(field, revision, down_revision, today=None):
    """The text of an Alembic migration that makes custom field `field` a real column of its table: adds the
    column, copies every value out of the JSON (PostgreSQL and SQLite), removes the key from the JSON. Written for
    a developer to review together with the model line that `model_line` gives."""
    today = today or local_today()
    table, key = field.dataset, field.key
    length = int(field.max_value) if field.kind == "text" and field.max_value is not None else custom.TEXT_MAX
    column = SQL_TYPES[field.kind].format(length=length)
    cast = CASTS[field.kind]
    pg_value = f"(custom->>'{key}')" + (f"::{cast}" if cast else "")
    if field.kind == "boolean":
        pg_value = f"(custom->'{key}')::boolean"
    sqlite_value = f"json_extract(custom, '$.{key}')"
    return f'''"""Promote the custom field {table}.{key} ({field.label_ru}) to a real column.

Generated by `flask sanarip promote-field {table} {key}` on {today.isoformat()}: review it, add the column to the
model (see the command's output), then run `flask db upgrade`. The values move out of the JSON column `custom`;
the audit trail keeps their history under the same key."""
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down_revision}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("{table}") as batch:
        batch.add_column(sa.Column("{key}", {column}, nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE {table} SET {key} = {pg_value}, custom = custom - '{key}' WHERE custom ? '{key}'")
        op.execute("UPDATE core_custom_field SET status = 'promoted' WHERE dataset = '{table}' AND key = '{key}'")
    else:
        op.execute("UPDATE {table} SET {key} = {sqlite_value}, custom = json_remove(custom, '$.{key}') "
                   "WHERE json_extract(custom, '$.{key}') IS NOT NULL")
        op.execute("UPDATE core_custom_field SET status = 'promoted' WHERE dataset = '{table}' AND key = '{key}'")
    op.execute("UPDATE core_catalogue_revision SET revision = revision + 1")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE {table} SET custom = custom || jsonb_build_object('{key}', {key}) WHERE {key} IS NOT NULL")
    else:
        op.execute("UPDATE {table} SET custom = json_set(custom, '$.{key}', {key}) WHERE {key} IS NOT NULL")
    op.execute("UPDATE core_custom_field SET status = 'active' WHERE dataset = '{table}' AND key = '{key}'")
    with op.batch_alter_table("{table}") as batch:
        batch.drop_column("{key}")
'''


def model_line(field):
    length = int(field.max_value) if field.kind == "text" and field.max_value is not None else custom.TEXT_MAX
    kind = MODEL_TYPES[field.kind].format(length=length)
    extra = f', ForeignKey("{field.reference_dataset}.id")' if field.kind == "reference" else ""
    return f"    {field.key} = Column({kind}{extra})  # promoted custom field: {field.label_ru}"


def write_promotion(field, directory, revision=None, down_revision=None, today=None):
    """Write the promotion migration of `field` into `directory` (the project's migrations/versions) on top of
    the current heads; returns (path, revision)."""
    import os

    from alembic.script import ScriptDirectory

    script = ScriptDirectory(os.path.dirname(directory.rstrip("/")))
    heads = tuple(sorted(script.get_heads()))
    if down_revision is None:
        down_revision = heads[0] if len(heads) == 1 else heads
    numbers = [int(name[:4]) for name in os.listdir(directory) if name[:4].isdigit()]
    if revision is None:
        revision = f"{max(numbers, default=0) + 1:04d}_promote_{field.key}"
    text = promotion_migration(field, revision, "__DOWN__", today)
    text = text.replace('down_revision = "__DOWN__"', f"down_revision = {down_revision!r}")
    path = os.path.join(directory, f"{revision}.py")
    if os.path.exists(path):
        raise DomainError(_l("The file %(path)s exists already.", path=path), code="exists")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path, revision
