"""social passport history in the StatusHistory shape (app/workflow.py): `user_id` → `actor_id`, `comment` →
`note`, a `reason` column, state codes up to 20 characters; every existing row is kept

Revision ID: 0101_workflow_social_passport
Revises: 0100_workflow_land_queue
"""
from alembic import op
import sqlalchemy as sa


revision = "0101_workflow_social_passport"
down_revision = "0100_workflow_land_queue"
branch_labels = None
depends_on = None

TABLE = "social_passport_status_change"


def upgrade():
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("user_id", new_column_name="actor_id", existing_type=sa.Integer(), existing_nullable=True)
        batch.alter_column("comment", new_column_name="note", existing_type=sa.Text(), existing_nullable=True)
        batch.add_column(sa.Column("reason", sa.String(32), nullable=True))
        batch.alter_column("from_status", existing_type=sa.String(12), type_=sa.String(20), existing_nullable=True)
        batch.alter_column("to_status", existing_type=sa.String(12), type_=sa.String(20), existing_nullable=False)


def downgrade():
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("to_status", existing_type=sa.String(20), type_=sa.String(12), existing_nullable=False)
        batch.alter_column("from_status", existing_type=sa.String(20), type_=sa.String(12), existing_nullable=True)
        batch.drop_column("reason")
        batch.alter_column("note", new_column_name="comment", existing_type=sa.Text(), existing_nullable=True)
        batch.alter_column("actor_id", new_column_name="user_id", existing_type=sa.Integer(), existing_nullable=True)
