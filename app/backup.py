"""Backups and restores of the whole database (Sanarip Aimak regulation, clause 16(8)): `flask sanarip backup`
and `flask sanarip restore`, meant for a nightly timer (README).

A backup is two files in the backup folder: the data (`sanarip-<UTC time>.sqlite`, a consistent copy made with
SQLite's online backup API while the application runs, or `.dump`, `pg_dump -Fc` of PostgreSQL) and
`<data file>.manifest.json`: time (UTC), database kind, Alembic revision(s), and for every table its row count and
a content hash (SHA-256 over the rows in primary-key order), plus the SHA-256 of the data file. `verify_file`
checks a backup without touching the database; `restore` replaces the database's content and then compares every
table with the manifest, so a restore that did not bring back exactly what was saved is reported, not assumed."""
import datetime
import hashlib
import json
import os
import uuid
import shutil
import sqlite3
import subprocess

from sqlalchemy import MetaData, create_engine, inspect, select, text
from sqlalchemy.engine import make_url

MANIFEST_SUFFIX = ".manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot be done or did not give back what was saved (the message says why)."""


# --- what a database holds ------------------------------------------------------------------------------------
def _jsonable(value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return value if value is None or isinstance(value, (int, float, str, bool)) else str(value)


def table_digest(connection, table):
    """(row count, SHA-256 of the rows in primary-key order, or in the order of all columns without a key)."""
    order = list(table.primary_key.columns) or list(table.columns)
    digest, count = hashlib.sha256(), 0
    for row in connection.execute(select(table).order_by(*order)).yield_per(2000):
        digest.update(json.dumps([_jsonable(v) for v in row], ensure_ascii=False, default=str).encode())
        digest.update(b"\n")
        count += 1
    return count, digest.hexdigest()


def contents(engine):
    """{table: {"rows": n, "sha256": h}} for every table of the database (alembic_version included)."""
    metadata = MetaData()
    metadata.reflect(bind=engine)
    with engine.connect() as connection:
        return {name: dict(zip(("rows", "sha256"), table_digest(connection, table)))
                for name, table in sorted(metadata.tables.items())}


def revisions(engine):
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return []
        return sorted(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def _file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- PostgreSQL tools -----------------------------------------------------------------------------------------
def _pg_tool(name):
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (PostgreSQL client tools, e.g. apt-get install "
                          f"postgresql-client)")
    return path


def _pg_args(url):
    """libpq connection options without the password (it goes through PGPASSWORD, never the command line)."""
    url = make_url(url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    args = []
    for flag, value in (("--host", url.host), ("--port", url.port), ("--username", url.username)):
        if value:
            args += [flag, str(value)]
    return args + ["--dbname", url.database], env


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{os.path.basename(command[0])} failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


# --- backup -----------------------------------------------------------------------------------------------------
def backup(engine, folder, now):
    """Write a backup of the database behind `engine` into `folder`; returns (data file, manifest)."""
    os.makedirs(folder, mode=0o700, exist_ok=True)
    stamp = now.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    kind = engine.dialect.name
    if kind == "sqlite":
        path = os.path.join(folder, f"sanarip-{stamp}.sqlite")
        source = sqlite3.connect(engine.url.database)
        target = sqlite3.connect(path + ".part")
        try:
            with target:
                source.backup(target)  # consistent even while the application writes (it copies under a read lock)
            database = create_engine(f"sqlite:///{path}.part")
        finally:
            source.close()
            target.close()
    elif kind == "postgresql":
        path = os.path.join(folder, f"sanarip-{stamp}.dump")
        args, env = _pg_args(engine.url)
        # pg_dump takes one snapshot (REPEATABLE READ): the counts below are taken from the same dump
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", path + ".part"]
             + args, env)
        database = None
    else:
        raise BackupError(f"backups of {kind} databases are not supported")
    try:
        if database is not None:
            tables, schema = contents(database), revisions(database)
            database.dispose()
        else:
            tables, schema = _dump_contents(engine, path + ".part")
        os.replace(path + ".part", path)
    except Exception:
        if os.path.exists(path + ".part"):
            os.remove(path + ".part")
        raise
    manifest = {"format": 1, "created_at": now.astimezone(datetime.timezone.utc).isoformat(), "database": kind,
                "file": os.path.basename(path), "sha256": _file_sha256(path), "bytes": os.path.getsize(path),
                "schema_revisions": schema, "tables": tables}
    manifest_path = path + MANIFEST_SUFFIX
    with open(manifest_path + ".part", "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=1)
    os.replace(manifest_path + ".part", manifest_path)
    os.chmod(path, 0o600)
    os.chmod(manifest_path, 0o600)
    return path, manifest_path


def _scratch_database(engine):
    """A temporary PostgreSQL database on the same server (dropped by the caller)."""
    name = f"sanarip_verify_{os.getpid()}_{uuid.uuid4().hex[:12]}"  # unique, not a reading of the clock
    admin = create_engine(engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    return admin, name


def _dump_contents(engine, dump):
    """Counts and hashes of what a dump holds, read from the dump itself restored into a scratch database (so the
    manifest describes the file, not the live database that kept changing after pg_dump's snapshot)."""
    admin, name = _scratch_database(engine)
    scratch = create_engine(engine.url.set(database=name))
    try:
        args, env = _pg_args(scratch.url)
        _run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"] + args + [dump], env)
        return contents(scratch), revisions(scratch)
    finally:
        scratch.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


# --- verification and restore -----------------------------------------------------------------------------------
def read_manifest(path):
    manifest_path = path if path.endswith(MANIFEST_SUFFIX) else path + MANIFEST_SUFFIX
    if not os.path.exists(manifest_path):
        raise BackupError(f"no manifest {manifest_path}")
    with open(manifest_path, encoding="utf-8") as fh:
        manifest = json.load(fh)
    data = os.path.join(os.path.dirname(os.path.abspath(manifest_path)), manifest["file"])
    return data, manifest


def compare(manifest_tables, actual):
    """Tables whose count or content differs from the manifest: [(table, expected, actual)]."""
    problems = []
    for name in sorted(set(manifest_tables) | set(actual)):
        expected, found = manifest_tables.get(name), actual.get(name)
        if expected != found:
            problems.append((name, expected, found))
    return problems


def verify_file(path, engine=None):
    """Check a backup against its manifest without touching the live database: the file's checksum, and that the
    file holds exactly the tables, counts and contents listed (SQLite directly; a PostgreSQL dump restored into a
    scratch database on the server of `engine`, or only listed by pg_restore when no engine is given)."""
    data, manifest = read_manifest(path)
    if not os.path.exists(data):
        raise BackupError(f"the data file {data} is missing")
    if _file_sha256(data) != manifest["sha256"]:
        raise BackupError(f"checksum mismatch: {data} is not the file the manifest describes")
    if manifest["database"] == "sqlite":
        copy = create_engine(f"sqlite:///file:{data}?mode=ro&uri=true")
        try:
            with copy.connect() as connection:
                check = connection.execute(text("PRAGMA integrity_check")).scalar()
            if check != "ok":
                raise BackupError(f"integrity check failed: {check}")
            problems = compare(manifest["tables"], contents(copy))
        finally:
            copy.dispose()
    elif engine is not None and engine.dialect.name == "postgresql":
        tables, _ = _dump_contents(engine, data)
        problems = compare(manifest["tables"], tables)
    else:
        _run([_pg_tool("pg_restore"), "--list", data], dict(os.environ))
        problems = []
    if problems:
        raise BackupError("the backup does not hold what its manifest lists: "
                          + ", ".join(name for name, _, _ in problems))
    return manifest


def restore(engine, path):
    """Replace the database's content by the backup's, then compare every table with the manifest.

    SQLite: the online backup API copies the file into the live database under its write lock (other connections
    then read the restored content). PostgreSQL: `pg_restore --clean --if-exists --single-transaction` (all or
    nothing). Returns the manifest; raises BackupError when the result differs from it."""
    data, manifest = read_manifest(path)
    verify_file(data)  # the checksum before anything is overwritten
    kind = engine.dialect.name
    if manifest["database"] != kind:
        raise BackupError(f"a {manifest['database']} backup cannot be restored into {kind}")
    engine.dispose()  # no pooled connection keeps a transaction or a cached schema across the restore
    if kind == "sqlite":
        source = sqlite3.connect(f"file:{data}?mode=ro", uri=True)
        target = sqlite3.connect(engine.url.database, timeout=60)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    else:
        args, env = _pg_args(engine.url)
        _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--single-transaction", "--no-owner",
              "--no-privileges", "--exit-on-error"] + args + [data], env)
    engine.dispose()
    problems = compare(manifest["tables"], contents(engine))
    if problems:
        raise BackupError("after the restore these tables differ from the backup: "
                          + ", ".join(name for name, _, _ in problems))
    return manifest


def prune(folder, keep):
    """Keep the newest `keep` backups in `folder` (data file and manifest together); returns the removed files."""
    manifests = sorted(f for f in os.listdir(folder) if f.startswith("sanarip-") and f.endswith(MANIFEST_SUFFIX))
    removed = []
    for name in manifests[:-keep] if keep > 0 else []:
        data = name[: -len(MANIFEST_SUFFIX)]
        for victim in (data, name):
            if os.path.exists(os.path.join(folder, victim)):
                os.remove(os.path.join(folder, victim))
                removed.append(victim)
    return removed


