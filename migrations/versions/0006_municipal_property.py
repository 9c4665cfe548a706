"""municipal property: objects, leases, documents, events, decommissioning reasons and acts

Revision ID: 0006_municipal_property
Revises: e41522e00e95
Create Date: 2026-11-24 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006_municipal_property"
down_revision = "e41522e00e95"
branch_labels = ("municipal_property",)
depends_on = None


def _tracked():
    return [
        sa.Column("created_on", sa.DateTime(), nullable=False),
        sa.Column("changed_on", sa.DateTime(), nullable=False),
        sa.Column("created_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("changed_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
    ]


def _of_object():
    return sa.Column("object_id", sa.Integer(), sa.ForeignKey("municipal_property_object.id"), nullable=False)


def upgrade():
    op.create_table(
        "municipal_property_object",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("inventory_number", sa.String(length=50), nullable=False),
        sa.Column("cadastral_number", sa.String(length=40), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=True),
        sa.Column("area", sa.Numeric(precision=14, scale=4), nullable=True),
        sa.Column("balance_value", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("depreciation", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("residual_value", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("acquisition_basis", sa.String(length=16), nullable=False),
        sa.Column("basis_doc_number", sa.String(length=50), nullable=True),
        sa.Column("basis_doc_date", sa.Date(), nullable=True),
        sa.Column("acquired_on", sa.Date(), nullable=False),
        sa.Column("condition", sa.String(length=16), nullable=False),
        sa.Column("use_mode", sa.String(length=12), nullable=False),
        sa.Column("holder_name", sa.String(length=255), nullable=True),
        sa.Column("holder_inn", sa.String(length=14), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decommissioned_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("territory_id", sa.Integer(), sa.ForeignKey("ref_territory.id"), nullable=False),
        *_tracked(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("territory_id", "inventory_number", name="uq_mp_object_inventory"),
        sa.CheckConstraint("balance_value >= 0", name="ck_mp_object_balance"),
        sa.CheckConstraint("depreciation >= 0 AND depreciation <= balance_value", name="ck_mp_object_depreciation"),
    )
    with op.batch_alter_table("municipal_property_object", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_municipal_property_object_territory_id"), ["territory_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_municipal_property_object_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_municipal_property_object_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_municipal_property_object_cadastral_number"), ["cadastral_number"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_municipal_property_object_status"), ["status"], unique=False)

    op.create_table(
        "municipal_property_lease",
        sa.Column("id", sa.Integer(), nullable=False),
        _of_object(),
        sa.Column("tenant_kind", sa.String(length=12), nullable=False),
        sa.Column("tenant_name", sa.String(length=255), nullable=False),
        sa.Column("tenant_number", sa.String(length=14), nullable=False),
        sa.Column("contract_number", sa.String(length=50), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("monthly_rent", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        *_tracked(),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("start_date <= end_date", name="ck_mp_lease_dates"),
        sa.CheckConstraint("monthly_rent > 0", name="ck_mp_lease_rent"),
    )
    with op.batch_alter_table("municipal_property_lease", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_municipal_property_lease_object_id"), ["object_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_municipal_property_lease_tenant_number"), ["tenant_number"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_municipal_property_lease_end_date"), ["end_date"], unique=False)

    op.create_table(
        "municipal_property_document",
        sa.Column("id", sa.Integer(), nullable=False),
        _of_object(),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=True),
        sa.Column("doc_date", sa.Date(), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        *_tracked(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("stored_name", name="uq_mp_document_stored_name"),
    )
    with op.batch_alter_table("municipal_property_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_municipal_property_document_object_id"), ["object_id"], unique=False)

    op.create_table(
        "municipal_property_event",
        sa.Column("id", sa.Integer(), nullable=False),
        _of_object(),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        *_tracked(),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("municipal_property_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_municipal_property_event_object_id"), ["object_id"], unique=False)

    op.create_table(
        "municipal_property_decommission_reason",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name_ky", sa.String(length=255), nullable=True),
        sa.Column("name_ru", sa.String(length=255), nullable=False),
        sa.Column("name_en", sa.String(length=255), nullable=True),
        *_tracked(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code", name="uq_mp_decommission_reason_code"),
    )

    op.create_table(
        "municipal_property_decommission",
        sa.Column("id", sa.Integer(), nullable=False),
        _of_object(),
        sa.Column("reason_id", sa.Integer(), sa.ForeignKey("municipal_property_decommission_reason.id"),
                  nullable=False),
        sa.Column("act_number", sa.String(length=50), nullable=False),
        sa.Column("act_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        *_tracked(),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("municipal_property_decommission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_municipal_property_decommission_object_id"), ["object_id"],
                              unique=False)
        batch_op.create_index("uq_mp_decommission_open", ["object_id"], unique=True,
                              sqlite_where=sa.text("status <> 'rejected'"),
                              postgresql_where=sa.text("status <> 'rejected'"))


def downgrade():
    op.drop_table("municipal_property_decommission")
    op.drop_table("municipal_property_decommission_reason")
    op.drop_table("municipal_property_event")
    op.drop_table("municipal_property_document")
    op.drop_table("municipal_property_lease")
    op.drop_table("municipal_property_object")
