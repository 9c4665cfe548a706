"""One-time activation links of accounts (issue 15, item 7): only the SHA-256 of the token is stored.

Revision ID: 0330_activation
Revises: 0320_cp_suspension
"""
import sqlalchemy as sa
from alembic import op

revision = "0330_activation"
down_revision = "0320_cp_suspension"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ab_user_activation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("ab_user.id", ondelete="CASCADE",
                                                         name="fk_ab_user_activation_user"), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("issued_by_id", sa.Integer(), sa.ForeignKey("ab_user.id", ondelete="SET NULL",
                                                              name="fk_ab_user_activation_issued_by"),
                  nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_ab_user_activation_token_hash"),
    )
    op.create_index("ix_ab_user_activation_user_id", "ab_user_activation", ["user_id"])


def downgrade():
    op.drop_index("ix_ab_user_activation_user_id", table_name="ab_user_activation")
    op.drop_table("ab_user_activation")
