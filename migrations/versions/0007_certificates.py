"""certificates issued from the household book

Revision ID: 0007_certificates
Revises: e41522e00e95
"""
from alembic import op
import sqlalchemy as sa

revision = "0007_certificates"
down_revision = "e41522e00e95"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "household_book_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("verification_code", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("issuing_body", sa.String(length=255), nullable=False),
        sa.Column("signer_name", sa.String(length=255), nullable=False),
        sa.Column("signer_position", sa.String(length=255), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("revoked_reason", sa.String(length=255), nullable=True),
        sa.Column("created_on", sa.DateTime(), nullable=False),
        sa.Column("changed_on", sa.DateTime(), nullable=False),
        sa.Column("created_by_fk", sa.Integer(), nullable=True),
        sa.Column("changed_by_fk", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["household_book_member.id"]),
        sa.ForeignKeyConstraint(["created_by_fk"], ["ab_user.id"]),
        sa.ForeignKeyConstraint(["changed_by_fk"], ["ab_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("verification_code"),
    )
    with op.batch_alter_table("household_book_certificate", schema=None) as batch_op:
        batch_op.create_index("ix_household_book_certificate_member_id", ["member_id"], unique=False)


def downgrade():
    with op.batch_alter_table("household_book_certificate", schema=None) as batch_op:
        batch_op.drop_index("ix_household_book_certificate_member_id")
    op.drop_table("household_book_certificate")
