"""One write per request, all or nothing (app/transaction.py)."""
import pytest
def test_a_transaction_commits_what_its_block_did(app, db):
    from app.transaction import transaction
    from models.reference import Territory

    with transaction(db.session) as t:
        db.session.add(Territory(code="41799999999999", name_ru="Проба", kind="village", level=5, path="x"))
    assert t.ok and t.error is None
    db.session.expire_all()
    assert db.session.query(Territory).filter_by(code="41799999999999").count() == 1


def test_a_broken_rule_rolls_back_the_whole_block_and_is_kept_for_the_page(app, db):
    from app.errors import DomainError
    from app.transaction import transaction
    from models.reference import Territory

    with transaction(db.session) as t:
        db.session.add(Territory(code="41799999999998", name_ru="Проба", kind="village", level=5, path="x"))
        db.session.flush()
        raise DomainError("refused", field="code")
    assert not t.ok and t.error.field == "code"
    assert db.session.query(Territory).filter_by(code="41799999999998").count() == 0


def test_an_abandoned_block_keeps_nothing_and_another_error_propagates(app, db):
    from app.transaction import transaction
    from models.reference import Territory

    with transaction(db.session) as t:
        db.session.add(Territory(code="41799999999997", name_ru="Проба", kind="village", level=5, path="x"))
        db.session.flush()
        t.abandon()
    assert not t.ok and t.error is None
    assert db.session.query(Territory).filter_by(code="41799999999997").count() == 0
    with pytest.raises(KeyError):
        with transaction(db.session):
            db.session.add(Territory(code="41799999999996", name_ru="Проба", kind="village", level=5, path="x"))
            db.session.flush()
            raise KeyError("x")
    assert db.session.query(Territory).filter_by(code="41799999999996").count() == 0
