"""egov register: trigram indexes for the public register's search (PostgreSQL)

The public page searches names with a case-insensitive substring (lower(...) LIKE '%...%'), which no b-tree
index serves; pg_trgm's GIN indexes on lower(name) do. Where the extension cannot be created (no privilege), the
search still works, by scanning. SQLite keeps no such index (a local test database).

Revision ID: 0230_egov_public_search
Revises: 0200_egov_registry
"""
from alembic import op
import sqlalchemy as sa

revision = "0230_egov_public_search"
down_revision = "0200_egov_registry"
branch_labels = None
depends_on = None

INDEXES = {"ix_egov_element_full_name_trgm": "full_name", "ix_egov_element_short_name_trgm": "short_name",
           "ix_egov_element_number_trgm": "number"}


def _has_trigram(bind):
    try:
        with bind.begin_nested():  # a savepoint: a refused extension leaves the migration's transaction usable
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        return True
    except sa.exc.DBAPIError:
        return False


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not _has_trigram(bind):
        return
    for name, column in INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON egov_element USING gin (lower({column}) gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
