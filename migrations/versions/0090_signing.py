"""signing certificates of organisations; which certificate signed a household-book certificate

Revision ID: 0090_signing
Revises: 0007_certificates
"""
from alembic import op
import sqlalchemy as sa


revision = "0090_signing"
down_revision = "0007_certificates"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "signing_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("holder_type", sa.String(length=64), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), sa.ForeignKey("ref_territory.id"), nullable=True),
        sa.Column("name_ky", sa.String(length=255), nullable=True),
        sa.Column("name_ru", sa.String(length=255), nullable=False),
        sa.Column("name_en", sa.String(length=255), nullable=True),
        sa.Column("subject", sa.String(length=1000), nullable=False),
        sa.Column("issuer", sa.String(length=1000), nullable=False),
        sa.Column("serial", sa.String(length=64), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=False),
        sa.Column("chain_pem", sa.Text(), nullable=False),
        sa.Column("key_file", sa.String(length=255), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_on", sa.DateTime(), nullable=False),
        sa.Column("changed_on", sa.DateTime(), nullable=False),
        sa.Column("created_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("changed_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fingerprint"),
    )
    op.create_index("ix_signing_certificate_territory_id", "signing_certificate", ["territory_id"])
    op.create_index("ix_signing_certificate_holder", "signing_certificate", ["holder_type", "holder_id"])
    op.create_index("uq_signing_active_holder", "signing_certificate", ["holder_type", "holder_id"], unique=True,
                    sqlite_where=sa.text("is_active"), postgresql_where=sa.text("is_active"))
    with op.batch_alter_table("household_book_certificate") as batch_op:
        batch_op.add_column(sa.Column("signer_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_household_book_certificate_signer", "signing_certificate", ["signer_id"],
                                    ["id"])


def downgrade():
    with op.batch_alter_table("household_book_certificate") as batch_op:
        batch_op.drop_constraint("fk_household_book_certificate_signer", type_="foreignkey")
        batch_op.drop_column("signer_id")
    op.drop_index("uq_signing_active_holder", table_name="signing_certificate")
    op.drop_index("ix_signing_certificate_holder", table_name="signing_certificate")
    op.drop_index("ix_signing_certificate_territory_id", table_name="signing_certificate")
    op.drop_table("signing_certificate")
