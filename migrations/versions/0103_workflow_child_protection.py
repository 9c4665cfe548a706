"""child protection case history in the StatusHistory shape (app/workflow.py): who took the step is `actor_id`
(copied from `created_by_fk`), a `reason` column, state codes up to 20 characters, the note as text; every existing
row is kept

Revision ID: 0103_workflow_child_protection
Revises: 0101_workflow_social_passport
"""
from alembic import op
import sqlalchemy as sa


revision = "0103_workflow_child_protection"
down_revision = "0101_workflow_social_passport"
branch_labels = None
depends_on = None

TABLE = "child_protection_transition"


def upgrade():
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("actor_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_child_protection_transition_actor", "ab_user", ["actor_id"], ["id"])
        batch.add_column(sa.Column("reason", sa.String(32), nullable=True))
        batch.alter_column("from_status", existing_type=sa.String(12), type_=sa.String(20), existing_nullable=True)
        batch.alter_column("to_status", existing_type=sa.String(12), type_=sa.String(20), existing_nullable=False)
        batch.alter_column("note", existing_type=sa.String(500), type_=sa.Text(), existing_nullable=False,
                           nullable=True)
    op.execute(f"UPDATE {TABLE} SET actor_id = created_by_fk")


def downgrade():
    op.execute(f"UPDATE {TABLE} SET note = '' WHERE note IS NULL")
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("note", existing_type=sa.Text(), type_=sa.String(500), existing_nullable=True,
                           nullable=False)
        batch.alter_column("to_status", existing_type=sa.String(20), type_=sa.String(12), existing_nullable=False)
        batch.alter_column("from_status", existing_type=sa.String(20), type_=sa.String(12), existing_nullable=True)
        batch.drop_column("reason")
        batch.drop_constraint("fk_child_protection_transition_actor", type_="foreignkey")
        batch.drop_column("actor_id")
