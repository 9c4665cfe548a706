"""Numbers of documents without races: one counter row per (kind, scope, year), incremented in the caller's
transaction.

`next_number` is a single `INSERT … ON CONFLICT DO UPDATE … RETURNING` (PostgreSQL and SQLite ≥ 3.35): the
statement takes the row lock (PostgreSQL) or the database write lock (SQLite) and holds it until the caller commits
or rolls back, so two transactions can never read the same value, and a rolled-back document gives its number back.
A counter that does not exist yet starts after the highest number already issued (`floor`), so documents numbered
before the counter existed keep their sequence; two first callers both compute the same floor, one inserts and
the other takes the conflict branch and increments.

`write_lock` is for rules that read before they write (queue positions): on SQLite it starts the transaction
with `BEGIN IMMEDIATE` (pysqlite otherwise begins only at the first write, so the reads before it could see a
state another writer is about to change); the busy timeout (`app._sqlite_like_a_server`) makes a second writer
wait instead of failing. PostgreSQL callers use their own row or advisory locks."""
from sqlalchemy import text

from models.numbering import number_counter

_UPSERT = text(
    "INSERT INTO number_counter (kind, scope, year, value) VALUES (:kind, :scope, :year, :start) "
    "ON CONFLICT (kind, scope, year) DO UPDATE SET value = number_counter.value + 1 RETURNING value")


def write_lock(session):
    """Hold the database's write lock until the transaction ends (SQLite); a no-op on PostgreSQL."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if not raw.in_transaction:  # in a transaction pysqlite has already written, so it holds the lock
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def next_number(session, kind, scope="", year=0, floor=None):
    """The next number of `kind` in `scope` (e.g. a territory's code) and `year` (0: numbers never restart).

    `floor()` returns the highest number issued without the counter (called only when the counter is new)."""
    scope, year = str(scope or ""), int(year or 0)
    with session.no_autoflush:
        connection = session.connection()
        exists = connection.execute(
            number_counter.select().with_only_columns(number_counter.c.value)
            .where(number_counter.c.kind == kind, number_counter.c.scope == scope, number_counter.c.year == year)
        ).first()
        start = 1 if exists is not None or floor is None else int(floor() or 0) + 1
        return int(connection.execute(_UPSERT, {"kind": kind, "scope": scope, "year": year, "start": start})
                   .scalar_one())
