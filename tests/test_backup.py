"""Backups (Sanarip Aimak regulation, clause 16(8)): back up, damage, restore, and every table's count and content
are as they were, on SQLite and PostgreSQL; a damaged backup is refused."""
import os
import tempfile

import pytest
from sqlalchemy import text


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _table_state(app):
    from app import backup
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        return backup.contents(db.engine)


def test_backup_damage_restore_gives_back_every_table(app, db, runner):
    from models.household_book import Household
    from models.reference import Territory

    folder = tempfile.mkdtemp(prefix="sanarip-backup-")
    village = db.session.query(Territory).filter(Territory.level == 4).order_by(Territory.code).first()
    db.session.add(Household(territory=village, number="BK-1", address="Манас көчөсү, 9"))
    db.session.commit()
    before = _table_state(app)
    assert before["household_book_household"]["rows"] > 0

    result = runner.invoke(args=["sanarip", "backup", "--to", folder, "--verify"])
    assert result.exit_code == 0, result.output
    assert "verified" in result.output
    (manifest,) = [f for f in os.listdir(folder) if f.endswith(".manifest.json")]
    data = os.path.join(folder, manifest[: -len(".manifest.json")])

    # damage: change a row, delete rows, add a row
    with app.app_context():
        from app.extensions import db as db_
        household = db_.session.query(Household).filter_by(number="BK-1").one()
        household.address = "changed"
        db_.session.execute(text("DELETE FROM core_audit_event WHERE id % 2 = 0"))
        db_.session.add(Household(territory_id=village.id, number="BK-2", address="new"))
        db_.session.commit()
    assert _table_state(app) != before

    assert runner.invoke(args=["sanarip", "restore", "--verify", data]).exit_code == 0
    result = runner.invoke(args=["sanarip", "restore", "--yes", data])
    assert result.exit_code == 0, result.output
    after = _table_state(app)
    assert after == before  # every table: same count, same content hash
    db.session.expire_all()
    assert db.session.query(Household).filter_by(number="BK-1").one().address == "Манас көчөсү, 9"
    assert db.session.query(Household).filter_by(number="BK-2").count() == 0


def test_a_damaged_backup_is_refused_and_nothing_changes(app, db, runner):
    folder = tempfile.mkdtemp(prefix="sanarip-backup-")
    assert runner.invoke(args=["sanarip", "backup", "--to", folder]).exit_code == 0
    (manifest,) = [f for f in os.listdir(folder) if f.endswith(".manifest.json")]
    data = os.path.join(folder, manifest[: -len(".manifest.json")])
    with open(data, "r+b") as fh:
        fh.seek(os.path.getsize(data) // 2)
        fh.write(b"\xff\xfe damaged \xfd")
    before = _table_state(app)
    for args in (["sanarip", "restore", "--verify", data], ["sanarip", "restore", "--yes", data]):
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and "checksum" in result.output
    assert _table_state(app) == before


def test_the_manifest_names_time_schema_counts_and_checksum(app, db, runner):
    import json

    folder = tempfile.mkdtemp(prefix="sanarip-backup-")
    assert runner.invoke(args=["sanarip", "backup", "--to", folder]).exit_code == 0
    (name,) = [f for f in os.listdir(folder) if f.endswith(".manifest.json")]
    manifest = json.load(open(os.path.join(folder, name), encoding="utf-8"))
    assert manifest["created_at"].endswith("+00:00")
    assert "0030_number_counter" in manifest["schema_revisions"]
    assert manifest["tables"]["alembic_version"]["rows"] == len(manifest["schema_revisions"])
    assert len(manifest["sha256"]) == 64 and manifest["database"] in ("sqlite", "postgresql")
