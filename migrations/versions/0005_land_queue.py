"""land-plot queue: priority categories, applications, family members, status history

Revision ID: 0005_land_queue
Revises: e41522e00e95
"""
from alembic import op
import sqlalchemy as sa

revision = "0005_land_queue"
down_revision = "e41522e00e95"
branch_labels = ("land_queue",)
depends_on = None


def _tracked():
    return [
        sa.Column("created_on", sa.DateTime(), nullable=False),
        sa.Column("changed_on", sa.DateTime(), nullable=False),
        sa.Column("created_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("changed_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
    ]


def upgrade():
    op.create_table(
        "land_queue_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=False),
        sa.Column("legal_basis", sa.String(length=500), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("name_ky", sa.String(length=255), nullable=True),
        sa.Column("name_ru", sa.String(length=255), nullable=False),
        sa.Column("name_en", sa.String(length=255), nullable=True),
        *_tracked(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "land_queue_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("category_id", sa.Integer(), sa.ForeignKey("land_queue_category.id"), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("patronymic", sa.String(length=100), nullable=True),
        sa.Column("full_name", sa.String(length=310), nullable=False),
        sa.Column("pin", sa.String(length=14), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("family_size", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("plot_cadastral_number", sa.String(length=32), nullable=True),
        sa.Column("plot_address", sa.String(length=255), nullable=True),
        sa.Column("plot_area", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("decision_number", sa.String(length=64), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("removal_reason", sa.String(length=32), nullable=True),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("territory_id", sa.Integer(), sa.ForeignKey("ref_territory.id"), nullable=False),
        *_tracked(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("plot_cadastral_number"),
        sa.UniqueConstraint("territory_id", "year", "seq", name="uq_land_queue_seq"),
    )
    with op.batch_alter_table("land_queue_application", schema=None) as batch_op:
        batch_op.create_index("ix_land_queue_application_territory_id", ["territory_id"], unique=False)
        batch_op.create_index("ix_land_queue_application_category_id", ["category_id"], unique=False)
        batch_op.create_index("ix_land_queue_application_full_name", ["full_name"], unique=False)
        batch_op.create_index("ix_land_queue_application_pin", ["pin"], unique=False)
        batch_op.create_index("ix_land_queue_queue", ["territory_id", "kind", "status"], unique=False)
        batch_op.create_index("uq_land_queue_position", ["territory_id", "kind", "position"], unique=True)
        batch_op.create_index("uq_land_queue_active_pin", ["pin", "kind"], unique=True,
                              sqlite_where=sa.text("status = 'queue'"), postgresql_where=sa.text("status = 'queue'"))

    op.create_table(
        "land_queue_family_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("land_queue_application.id"), nullable=False),
        sa.Column("pin", sa.String(length=14), nullable=False),
        sa.Column("full_name", sa.String(length=310), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        *_tracked(),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("land_queue_family_member", schema=None) as batch_op:
        batch_op.create_index("ix_land_queue_family_member_application_id", ["application_id"], unique=False)

    op.create_table(
        "land_queue_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("land_queue_application.id"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        *_tracked(),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("land_queue_status_change", schema=None) as batch_op:
        batch_op.create_index("ix_land_queue_status_change_application_id", ["application_id"], unique=False)


def downgrade():
    op.drop_table("land_queue_status_change")
    op.drop_table("land_queue_family_member")
    op.drop_table("land_queue_application")
    op.drop_table("land_queue_category")
