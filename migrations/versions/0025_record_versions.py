"""A version on every record people edit (SQLAlchemy's version_id_col, models.base.Versioned): a save based on an
older reading is refused instead of overwriting someone else's edit.

Revision ID: 0025_record_versions
"""
import sqlalchemy as sa
from alembic import op

revision = "0025_record_versions"
down_revision = ("0041_official_statistics", "0090_signing")
branch_labels = None
depends_on = None

TABLES = [
    "core_classifier", "core_classifier_item", "core_custom_field", "core_dictionary_text", "core_policy_parameter",
    "core_saved_chart", "child_protection_activity", "child_protection_assessment", "child_protection_child",
    "child_protection_family", "child_protection_plan_rule", "child_protection_reason", "child_protection_relative",
    "child_protection_visit", "household_book_household", "household_book_member", "land_queue_application",
    "land_queue_category", "land_queue_family_member", "lsg_passport_activity_sphere", "lsg_passport_indicator",
    "lsg_passport_indicator_value", "lsg_passport_object_type", "lsg_passport_passport", "lsg_passport_problem",
    "lsg_passport_social_object", "lsg_passport_official_figure", "municipal_property_decommission_reason",
    "municipal_property_decommission", "municipal_property_document", "municipal_property_lease",
    "municipal_property_object", "ref_territory", "signing_certificate", "social_passport_need",
    "social_passport_poverty_line", "social_passport_reason", "social_passport_passport",
]


def upgrade():
    for table in TABLES:
        # a plain ADD COLUMN with a constant default: no table rebuild on SQLite, no rewrite on PostgreSQL
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
