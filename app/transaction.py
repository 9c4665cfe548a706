"""One write per request, all or nothing: the rule a screen or an API call relies on when it asks a service to
change data. A broken rule (DomainError) rolls the whole change back and is kept for the caller to show at its
field; any other error rolls back and propagates (the error handlers answer it)."""
from contextlib import contextmanager

from app.errors import DomainError


class Transaction:
    def __init__(self, session):
        self.session = session
        self.error = None  # the DomainError that refused the change, if one did
        self._abandoned = False

    @property
    def ok(self):
        return self.error is None and not self._abandoned

    def abandon(self):
        """Keep nothing of what the block did (e.g. an import whose report has errors), without an error."""
        self._abandoned = True


@contextmanager
def transaction(session):
    """`with transaction(session) as t: service.change(session, …)` commits when the block ends; on a DomainError
    it rolls back and sets `t.error` instead of raising."""
    t = Transaction(session)
    try:
        yield t
    except DomainError as exc:
        session.rollback()
        t.error = exc
        return
    except BaseException:
        session.rollback()
        raise
    if t._abandoned:
        session.rollback()
    else:
        session.commit()
