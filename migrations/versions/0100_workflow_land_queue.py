"""land queue history in the StatusHistory shape (app/workflow.py): who took the step is `actor_id` (copied from
`created_by_fk`), state codes up to 20 characters, the note as text; every existing row is kept

Revision ID: 0100_workflow_land_queue
Revises: 0015_utc_instants, 0025_record_versions
"""
from alembic import op
import sqlalchemy as sa


revision = "0100_workflow_land_queue"
down_revision = ("0015_utc_instants", "0025_record_versions")
branch_labels = None
depends_on = None

TABLE = "land_queue_status_change"


def upgrade():
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("actor_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_land_queue_status_change_actor", "ab_user", ["actor_id"], ["id"])
        batch.alter_column("from_status", existing_type=sa.String(12), type_=sa.String(20), existing_nullable=True)
        batch.alter_column("to_status", existing_type=sa.String(12), type_=sa.String(20), existing_nullable=False)
        batch.alter_column("note", existing_type=sa.String(500), type_=sa.Text(), existing_nullable=True)
    op.execute(f"UPDATE {TABLE} SET actor_id = created_by_fk")


def downgrade():
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint("fk_land_queue_status_change_actor", type_="foreignkey")
        batch.drop_column("actor_id")
        batch.alter_column("note", existing_type=sa.Text(), type_=sa.String(500), existing_nullable=True)
        batch.alter_column("to_status", existing_type=sa.String(20), type_=sa.String(12), existing_nullable=False)
        batch.alter_column("from_status", existing_type=sa.String(20), type_=sa.String(12), existing_nullable=True)
