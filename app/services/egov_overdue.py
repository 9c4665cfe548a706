"""Overdue applications of the e-government register (issue 11, item 2): the operator's clocks of
app/services/egov_registry.py `deadlines` (cl. 18 forwarding, cl. 21 review, cl. 28 recording of a removal) as
one SQL condition, so the report counts and pages in SQL. The notice clock of cl. 27 binds the subject, not the
operator, and makes nothing overdue (as `is_overdue`).

A working-day deadline `add_working_days(received_on, 3)` grows with `received_on`, so "overdue today" is
"received on or before a cut-off day": the last day whose deadline has passed, found once on the Kyrgyz calendar
(app/workdays.py). The condition is therefore exact, and equals `is_overdue` row by row (tests/test_egov_seed.py)."""
import datetime

from sqlalchemy import and_, or_
from sqlalchemy.orm import selectinload

from app.scope import scoped_select
from app.services.egov_registry import FORWARDING_DAYS, REVIEW_WORKING_DAYS, deadlines
from app.workdays import add_working_days
from models.egov_registry import EgovApplication


def last_overdue_received(today, working_days=REVIEW_WORKING_DAYS):
    """The latest receipt day whose `working_days` deadline lies before `today`."""
    day = today
    while add_working_days(day, working_days) >= today:
        day -= datetime.timedelta(days=1)
    return day


def overdue_condition(today):
    """SQL: the application's operator clock has run out on `today` (the statuses and kinds of `deadlines`)."""
    a = EgovApplication
    working = last_overdue_received(today)
    return or_(
        and_(a.kind == "access", a.status == "submitted",
             a.received_on < today - datetime.timedelta(days=FORWARDING_DAYS)),
        and_(a.kind.in_(("registration", "modification")), a.status == "submitted", a.received_on <= working),
        and_(a.kind == "removal", a.status.in_(("submitted", "agreed")), a.received_on <= working),
    )


def overdue_query(scope, today):
    """SELECT of the overdue applications inside `scope` (an organisation-bound user: their own), oldest first."""
    return (scoped_select(EgovApplication, scope).where(overdue_condition(today))
            .order_by(EgovApplication.received_on, EgovApplication.id)
            .options(selectinload(EgovApplication.organisation)))


def overdue_deadline(application, today):
    """The operator's deadline that has run out on `today` (the earliest), or None."""
    late = [d for d in deadlines(application) if d.clause != "27" and d.overdue(today)]
    return min(late, key=lambda d: d.due) if late else None
