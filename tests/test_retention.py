"""Retention that erases everywhere (children regulation, clause 29): after a child's record is anonymised, no
table (audit trail included) holds the PIN or the name, and `flask sanarip daily` runs every periodic duty."""
import datetime

import sqlalchemy as sa

PIN = "21505199512345"  # born 15 May 1995: past 28
NAME = ("Эрасбекова", "Унутулгул")  # unique in the test database


def _find_everywhere(engine, needles):
    """(table, column, needle) of every text or JSON value in the database that contains one of `needles`."""
    metadata = sa.MetaData()
    metadata.reflect(bind=engine)
    found = []
    with engine.connect() as connection:
        for table in metadata.tables.values():
            for column in table.columns:
                if not isinstance(column.type, (sa.String, sa.Text, sa.JSON)):
                    continue
                for needle in needles:
                    hits = connection.execute(sa.select(sa.func.count()).select_from(table).where(
                        sa.cast(column, sa.Text).contains(needle, autoescape=True))).scalar()
                    if hits:
                        found.append((table.name, column.name, needle))
    return found


def test_retention_leaves_no_pin_or_name_in_any_table_and_keeps_who_did_what(app, db, monkeypatch):
    from app import audit
    from app.catalogue import admin
    from app.services import child_protection as service, social_passport
    from models.audit import AuditEvent
    from models.child_protection import CpActivity, CpChild, CpRelative, CpVisit
    from models.reference import Territory

    village = db.session.query(Territory).filter(Territory.path.startswith("/41708000000000/41708203000000/"),
                                                 Territory.level == 4).order_by(Territory.code).first()
    if not any(f.key == "nickname" for f in __import__("app.catalogue.custom", fromlist=["fields"])
               .fields("child_protection_child", ("active",))):
        admin.add_custom_field(db.session, {"dataset": "child_protection_child", "key": "nickname", "kind": "text",
                                            "label_ru": "Прозвище", "personal": "personal"})
    with app.test_request_context(f"/cpchildview/list/?_flt_0_pin={PIN}"):
        child = CpChild(territory=village, last_name=NAME[0], first_name=NAME[1], full_name=" ".join(NAME),
                        sex="F", birth_date=datetime.date(1995, 5, 15), pin=PIN,
                        identified_on=datetime.date(2005, 1, 10), identification_address="Эрасбек көчөсү, 977",
                        residence_address="Унутулгул көчөсү, 12", custom={"nickname": f"{NAME[1]}-жан"})
        db.session.add(child)
        db.session.flush()
        child.residence_address = "Манас көчөсү, 3"  # an edit: the old address is in the trail
        db.session.add_all([
            CpRelative(child=child, relation="mother", last_name=NAME[0], first_name="Апа", pin="11203197012345",
                       note=f"{' '.join(NAME)} энеси"),
            CpActivity(child=child, plan="child", title="Help", responsible="ngo", deadline=datetime.date(2006, 1, 1),
                       outcome=f"{NAME[1]} got help"),
            CpVisit(child=child, visited_on=datetime.date(2006, 2, 1), note=f"visited {' '.join(NAME)}")])
        db.session.flush()
        audit.record(db.session, "read", "child_protection_child", child.id, {"search": PIN})
        db.session.commit()
        child_id = child.id
    assert _find_everywhere(db.engine, [PIN, NAME[0], NAME[1]])  # the data are there before

    original = service.past_retention
    # only this record: the demo records past retention belong to the child-protection tests
    monkeypatch.setattr(service, "past_retention",
                        lambda session, today: [c for c in original(session, today) if c.id == child_id])
    monkeypatch.setattr(social_passport, "mark_reviews_due", lambda session, now=None: [])
    events_before = db.session.query(AuditEvent).filter_by(object_type="child_protection_child",
                                                           object_id=str(child_id)).count()
    result = app.test_cli_runner().invoke(args=["sanarip", "daily"])
    assert result.exit_code == 0, result.output
    assert "child_protection: child records anonymised (retention): 1" in result.output
    assert "social_passport: social passports marked due for annual review: 0" in result.output

    db.session.remove()
    assert _find_everywhere(db.engine, [PIN, NAME[0], NAME[1], "Эрасбек көчөсү", "Унутулгул көчөсү",
                                        "11203197012345"]) == []
    # who did what and when stays: every event is still there, with its action, time and object
    events = db.session.query(AuditEvent).filter_by(object_type="child_protection_child",
                                                    object_id=str(child_id)).order_by(AuditEvent.id).all()
    assert len(events) == events_before + 1  # + the anonymisation's own update
    assert [e.action for e in events][:3] == ["create", "update", "read"]
    assert all(e.at is not None for e in events)
    assert not any("1995-05-15" in (e.changes or "") for e in events)  # the full birth date (the year stays)
    created = __import__("json").loads(events[0].changes)
    assert created["pin"] == "***" and created["sex"] == "F" and created["identified_on"] == "2005-01-10"
    assert db.session.get(CpChild, child_id).birth_date == datetime.date(1995, 1, 1)


def test_daily_reports_a_failing_duty_and_still_runs_the_others(app, db, monkeypatch):
    from app.services import child_protection, social_passport

    def broken(session, today, dry_run=False):
        raise RuntimeError("disk full")

    monkeypatch.setattr(child_protection, "anonymise", broken)
    monkeypatch.setattr(social_passport, "mark_reviews_due", lambda session, now=None: [])
    result = app.test_cli_runner().invoke(args=["sanarip", "daily"])
    assert result.exit_code != 0
    assert "child_protection: FAILED: disk full" in result.output
    assert "social_passport: social passports marked due for annual review: 0" in result.output
