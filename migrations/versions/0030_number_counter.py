"""counters for document numbers (app/numbering.py)

Revision ID: 0030_number_counter
Revises: 0041_official_statistics
"""
import sqlalchemy as sa
from alembic import op

revision = "0030_number_counter"
down_revision = "0041_official_statistics"
branch_labels = None
depends_on = None


def upgrade():
    # Existing documents need no seeding: a new counter starts after the highest number already issued.
    op.create_table(
        "number_counter",
        sa.Column("kind", sa.String(40), nullable=False), sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False), sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "scope", "year", name="pk_number_counter"))


def downgrade():
    op.drop_table("number_counter")
