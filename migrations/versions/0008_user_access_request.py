"""access-request data kept on the user: organisation INN and address, the person's PIN

Revision ID: 0008_user_access_request
Revises: 365affded02e
"""
from alembic import op
import sqlalchemy as sa

revision = "0008_user_access_request"
down_revision = "365affded02e"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ab_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_inn", sa.String(length=14), nullable=True))
        batch_op.add_column(sa.Column("organisation_address", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("pin", sa.String(length=14), nullable=True))


def downgrade():
    with op.batch_alter_table("ab_user", schema=None) as batch_op:
        batch_op.drop_column("pin")
        batch_op.drop_column("organisation_address")
        batch_op.drop_column("organisation_inn")
