"""Data catalogue: dictionary texts, publication settings, classifiers, custom fields (a JSON column on every
extensible table, GIN-indexed on PostgreSQL), policy parameters and their use, saved and pinned charts.

Existing stored codes are unchanged: the classifiers are seeded with the very codes the columns hold
(`flask sanarip setup` / `load-reference`)."""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0040_catalogue"
down_revision = ("0003_lsg_passport", "0004_social_passport", "0005_land_queue", "0006_municipal_property",
                 "0007_certificates", "0008_user_access_request", "0009_child_protection")
branch_labels = None
depends_on = None

EXTENSIBLE = ("household_book_household", "household_book_member", "lsg_passport_passport",
              "lsg_passport_social_object", "lsg_passport_problem", "social_passport_passport",
              "land_queue_application", "municipal_property_object", "municipal_property_lease",
              "child_protection_child", "child_protection_family")


def _tracked():
    return [sa.Column("created_on", sa.DateTime(), nullable=False),
            sa.Column("changed_on", sa.DateTime(), nullable=False),
            sa.Column("created_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id")),
            sa.Column("changed_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id"))]


def _names():
    return [sa.Column("name_ky", sa.String(255)), sa.Column("name_ru", sa.String(255), nullable=False),
            sa.Column("name_en", sa.String(255))]


def upgrade():
    json_type = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    op.create_table("core_catalogue_revision", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("revision", sa.Integer(), nullable=False))
    op.create_table(
        "core_dictionary_text", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("dataset", sa.String(64), nullable=False), sa.Column("field", sa.String(64), nullable=False),
        *[sa.Column(f"label_{lang}", sa.String(255)) for lang in ("ky", "ru", "en")],
        *[sa.Column(f"description_{lang}", sa.Text()) for lang in ("ky", "ru", "en")],
        *[sa.Column(f"legal_{lang}", sa.String(500)) for lang in ("ky", "ru", "en")],
        *_tracked(), sa.UniqueConstraint("dataset", "field", name="uq_core_dictionary_text"))
    op.create_table(
        "core_dataset_setting", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("dataset", sa.String(64), nullable=False, unique=True),
        sa.Column("open_data", sa.Boolean(), nullable=False), sa.Column("published_at", sa.DateTime(timezone=True)),
        *_tracked())
    op.create_table(
        "core_classifier", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("module", sa.String(32), nullable=False), sa.Column("open", sa.Boolean(), nullable=False),
        *_names(), *_tracked())
    op.create_table(
        "core_classifier_item", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("classifier_id", sa.Integer(), sa.ForeignKey("core_classifier.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("code", sa.String(40), nullable=False), sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False), sa.Column("system", sa.Boolean(), nullable=False),
        *_names(), *_tracked(), sa.UniqueConstraint("classifier_id", "code", name="uq_core_classifier_item"))
    op.create_table(
        "core_custom_field", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("dataset", sa.String(64), nullable=False, index=True),
        sa.Column("key", sa.String(40), nullable=False), sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("label_ky", sa.String(255)), sa.Column("label_ru", sa.String(255), nullable=False),
        sa.Column("label_en", sa.String(255)),
        *[sa.Column(f"description_{lang}", sa.String(500)) for lang in ("ky", "ru", "en")],
        sa.Column("required", sa.Boolean(), nullable=False), sa.Column("min_value", sa.Numeric(18, 4)),
        sa.Column("max_value", sa.Numeric(18, 4)), sa.Column("pattern", sa.String(255)),
        sa.Column("classifier_code", sa.String(64)), sa.Column("reference_dataset", sa.String(64)),
        sa.Column("personal", sa.String(10), nullable=False), sa.Column("searchable", sa.Boolean(), nullable=False),
        sa.Column("in_list", sa.Boolean(), nullable=False), sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False), sa.Column("retired_at", sa.DateTime(timezone=True)),
        sa.Column("legal_regulation", sa.String(40)), sa.Column("legal_clause", sa.String(255)),
        *_tracked(), sa.UniqueConstraint("dataset", "key", name="uq_core_custom_field"))
    op.create_table(
        "core_policy_parameter", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(64), nullable=False, index=True), sa.Column("value", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("regulation", sa.String(40), nullable=False), sa.Column("clause", sa.String(255)),
        sa.Column("note", sa.Text()), *_tracked(),
        sa.UniqueConstraint("key", "effective_from", name="uq_core_policy_parameter"))
    op.create_table(
        "core_policy_use", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("object_type", sa.String(64), nullable=False), sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("parameter_id", sa.Integer(), sa.ForeignKey("core_policy_parameter.id"), nullable=False,
                  index=True),
        sa.Column("decided_on", sa.Date(), nullable=False))
    op.create_index("ix_core_policy_use_object", "core_policy_use", ["object_type", "object_id"])
    op.create_table(
        "core_saved_chart", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(255), nullable=False), sa.Column("dataset", sa.String(64), nullable=False),
        sa.Column("group1", sa.String(80), nullable=False), sa.Column("group2", sa.String(80)),
        sa.Column("measure", sa.String(8), nullable=False), sa.Column("measure_field", sa.String(64)),
        sa.Column("filters", sa.Text()), sa.Column("chart_type", sa.String(10), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False), sa.Column("open_data", sa.Boolean(), nullable=False),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("ab_user.id"), index=True), *_tracked())
    op.create_table(
        "core_chart_pin", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("chart_id", sa.Integer(), sa.ForeignKey("core_saved_chart.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.UniqueConstraint("user_id", "chart_id", name="uq_core_chart_pin"))
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in EXTENSIBLE:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("custom", json_type, nullable=False, server_default=sa.text("'{}'")))
        if postgres:  # containment search (custom @> '{"key": value}') on any custom field
            op.execute(f"CREATE INDEX ix_{table}_custom ON {table} USING gin (custom jsonb_path_ops)")


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in EXTENSIBLE:
        if postgres:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_custom")
        with op.batch_alter_table(table) as batch:
            batch.drop_column("custom")
    for table in ("core_chart_pin", "core_saved_chart", "core_policy_use", "core_policy_parameter",
                  "core_custom_field", "core_classifier_item", "core_classifier", "core_dataset_setting",
                  "core_dictionary_text", "core_catalogue_revision"):
        op.drop_table(table)
