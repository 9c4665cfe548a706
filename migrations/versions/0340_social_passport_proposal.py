"""social_passport: proposals of the social-protection body (Sanarip Aimak regulation, cl. 23; issue 15, item 2)

Revision ID: 0340_social_passport_proposal
Revises: 0102_workflow_property
Create Date: 2026-12-04 20:05:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0340_social_passport_proposal"
down_revision = "0102_workflow_property"  # the head after 0101_workflow_social_passport
branch_labels = None
depends_on = None

def upgrade():
    op.create_table(
        "social_passport_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("ground", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.Column("proposed_by_fk", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by_fk", sa.Integer(), nullable=True),
        sa.Column("passport_id", sa.Integer(), nullable=True),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_on", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_on", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_fk", sa.Integer(), nullable=True),
        sa.Column("changed_by_fk", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["household_id"], ["household_book_household.id"]),
        sa.ForeignKeyConstraint(["proposed_by_fk"], ["ab_user.id"]),
        sa.ForeignKeyConstraint(["decided_by_fk"], ["ab_user.id"]),
        sa.ForeignKeyConstraint(["passport_id"], ["social_passport_passport.id"]),
        sa.ForeignKeyConstraint(["territory_id"], ["ref_territory.id"]),
        sa.ForeignKeyConstraint(["created_by_fk"], ["ab_user.id"]),
        sa.ForeignKeyConstraint(["changed_by_fk"], ["ab_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("household_id", "status", "passport_id", "territory_id"):
        op.create_index(f"ix_social_passport_proposal_{column}", "social_passport_proposal", [column])

def downgrade():
    for column in ("household_id", "status", "passport_id", "territory_id"):
        op.drop_index(f"ix_social_passport_proposal_{column}", table_name="social_passport_proposal")
    op.drop_table("social_passport_proposal")
