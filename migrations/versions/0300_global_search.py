"""the global search (app/search.py) finds names by their beginning: on PostgreSQL a b-tree with text_pattern_ops
serves `LIKE 'Асанов%'` whatever the database's collation (the plain index serves it only under "C"); SQLite's
LIKE uses the existing indexes

Revision ID: 0300_global_search
Revises: 0103_workflow_child_protection
"""
from alembic import op


revision = "0300_global_search"
down_revision = "0103_workflow_child_protection"
branch_labels = None
depends_on = None

INDEXES = (("ix_member_full_name_prefix", "household_book_member"),
           ("ix_cp_child_full_name_prefix", "child_protection_child"),
           ("ix_land_application_full_name_prefix", "land_queue_application"))


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table in INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} (full_name text_pattern_ops, id)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _table in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
