"""contains-search on names and lookup fields: pg_trgm GIN indexes on lower(column) (PostgreSQL)

A list's "contains" filter and the form lookups match `lower(column) LIKE '%term%'` (app/search.py `contains`),
which no b-tree serves: the exact count and the rare-name page read the whole table (issue 14). A GIN trigram index
on the same expression answers it from the index. The columns are the personal names people search (members,
children, land applicants, social passports' heads) and every lookup field of the large tables (views/lookup.py:
a household's number and address, a member's PIN, an application's number and PIN): a lookup ORs its fields, and
one branch without an index sends the whole OR to a scan. Where the extension cannot be created (no privilege) the
searches still work, by scanning; SQLite keeps no such index (its `lower` is the app's Unicode function).

The indexes are built inside the migration's transaction (a table lock for the build: about a minute per few
million rows); on a live national database build them beforehand with CREATE INDEX CONCURRENTLY under these names.

Revision ID: 0310_trgm_search
Revises: 0300_global_search
"""
from alembic import op
import sqlalchemy as sa

revision = "0310_trgm_search"
down_revision = "0300_global_search"
branch_labels = None
depends_on = None

INDEXES = (("ix_member_full_name_trgm", "household_book_member", "full_name"),
           ("ix_member_pin_trgm", "household_book_member", "pin"),
           ("ix_household_number_trgm", "household_book_household", "number"),
           ("ix_household_address_trgm", "household_book_household", "address"),
           ("ix_cp_child_full_name_trgm", "child_protection_child", "full_name"),
           ("ix_land_application_full_name_trgm", "land_queue_application", "full_name"),
           ("ix_land_application_number_trgm", "land_queue_application", "number"),
           ("ix_land_application_pin_trgm", "land_queue_application", "pin"),
           ("ix_social_passport_head_name_trgm", "social_passport_passport", "head_name"))


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
    for name, table, column in INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (lower({column}) gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _table, _column in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
