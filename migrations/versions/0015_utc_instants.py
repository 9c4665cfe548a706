"""One clock: every instant column holds aware UTC (timestamptz on PostgreSQL, UTC text on SQLite).

Before, `created_on`/`changed_on`, FAB's `last_login` and the status-change times were written with
`datetime.now()` (the server's wall clock) and the audit trail and `locked_at` in UTC. The wall-clock values are
converted with the offset of the zone this migration runs in (the server's, the one they were written in); the
UTC ones are only re-typed."""
import datetime

import sqlalchemy as sa
from alembic import op

revision = "0015_utc_instants"
down_revision = ("0041_official_statistics", "0090_signing")
branch_labels = None
depends_on = None

ALREADY_UTC = {("core_audit_event", "at"), ("ab_user", "locked_at")}


def _naive_columns(bind):
    inspector = sa.inspect(bind)
    for table in inspector.get_table_names():
        for column in inspector.get_columns(table):
            kind = column["type"]
            if isinstance(kind, sa.DateTime) and not getattr(kind, "timezone", False):
                yield table, column["name"]


def upgrade():
    bind = op.get_bind()
    offset = int(datetime.datetime.now().astimezone().utcoffset().total_seconds())
    postgres = bind.dialect.name == "postgresql"
    for table, column in list(_naive_columns(bind)):
        shift = 0 if (table, column) in ALREADY_UTC else offset
        if postgres:
            op.execute(sa.text(
                f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE timestamptz '
                f"USING (\"{column}\" - make_interval(secs => {shift})) AT TIME ZONE 'UTC'"))
        elif shift:  # SQLite keeps the text; only the wall-clock values move to UTC (fraction kept)
            op.execute(sa.text(
                f'UPDATE "{table}" SET "{column}" = strftime(\'%Y-%m-%d %H:%M:%S\', "{column}", '
                f"'{-shift} seconds') || substr(\"{column}\", 20) WHERE \"{column}\" IS NOT NULL"))


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return  # the values stay UTC; naive readers take them as UTC
    inspector = sa.inspect(bind)
    for table in inspector.get_table_names():
        for column in inspector.get_columns(table):
            if isinstance(column["type"], sa.DateTime) and getattr(column["type"], "timezone", False) and \
                    (table, column["name"]) not in {("signing_certificate", "valid_from"),
                                                    ("signing_certificate", "valid_until"),
                                                    ("core_dataset_setting", "published_at"),
                                                    ("core_custom_field", "retired_at")}:
                op.execute(sa.text(f'ALTER TABLE "{table}" ALTER COLUMN "{column["name"]}" TYPE timestamp '
                                   f"USING \"{column['name']}\" AT TIME ZONE 'UTC'"))
