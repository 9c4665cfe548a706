"""Document numbers from one locked counter (app/numbering.py): distinct and gapless under parallel callers on
SQLite and PostgreSQL, starting after numbers issued before the counter existed."""
import threading
import uuid


def _parallel(app, count, job):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        from app.extensions import db

        with app.app_context():
            try:
                barrier.wait(timeout=60)
                results.append(job(db.session))
                db.session.commit()
            except Exception as exc:  # pragma: no cover - reported by the assertion
                db.session.rollback()
                errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def test_twenty_parallel_callers_get_distinct_gapless_numbers(app, db):
    from app.numbering import next_number

    kind = f"test.{uuid.uuid4().hex[:8]}"
    results, errors = _parallel(app, 20, lambda session: next_number(session, kind, "417", 2026))
    assert not errors, errors
    assert sorted(results) == list(range(1, 21))


def test_a_new_counter_starts_after_the_highest_number_issued_and_a_rollback_gives_it_back(app, db):
    from app.numbering import next_number

    kind = f"test.{uuid.uuid4().hex[:8]}"
    results, errors = _parallel(app, 5, lambda session: next_number(session, kind, "", 2026, floor=lambda: 41))
    assert not errors, errors
    assert sorted(results) == [42, 43, 44, 45, 46]
    assert next_number(db.session, kind, "", 2026, floor=lambda: 41) == 47
    db.session.rollback()
    assert next_number(db.session, kind, "", 2026) == 47
    assert next_number(db.session, kind, "", 2027) == 1  # per year
    db.session.rollback()
