"""Reports of the e-government register on the one report mechanism (app/reports.py): the overdue applications
(issue 11, item 2) inside the user's scope, an authorised employee seeing only their organisation's."""
from flask_babel import gettext, lazy_gettext as _l

from app.catalogue import dictionary
from app.clock import local_today
from app.reports import Column, Report, ReportView
from app.services import egov_overdue
from models.egov_registry import APPLICATION_KINDS, APPLICATION_STATUSES, EgovApplication


def _overdue(session, scope, args):
    return egov_overdue.overdue_query(scope, local_today())


def _deadline(row):
    return egov_overdue.overdue_deadline(row, local_today())


def _due_on(row):
    deadline = _deadline(row)
    return deadline.due if deadline is not None else None


def _days_overdue(row):
    deadline = _deadline(row)
    return -deadline.days_left(local_today()) if deadline is not None else None


def _clause(row):
    deadline = _deadline(row)
    return f"{gettext('cl. %(clause)s', clause=deadline.clause)}: {deadline.label}" if deadline is not None else None


def _coded(codes, key):
    return lambda row: str(codes.get(getattr(row, key), getattr(row, key)))


def _label(key):
    return dictionary.lazy_label(EgovApplication, key)


OVERDUE = Report(
    key="egov_overdue", title=_l("Overdue applications to the e-government register"), model=EgovApplication,
    query=_overdue, dom_id="egov-overdue",
    description=_l("Applications whose deadline for the operator or the authorised body has passed: forwarding of "
                   "an access application (3 days, cl. 18), review (3 working days, cl. 21), recording of a removal "
                   "(3 working days, cl. 28), counted from the day of receipt on the Kyrgyz calendar; oldest "
                   "first."),
    columns=[Column("number", _label("number"), link=("EgovApplicationView", lambda a: a.id), pdf_width=12),
             Column("organisation", _label("organisation"), lambda a: a.organisation.name, pdf_width=22),
             Column("kind", _label("kind"), _coded(APPLICATION_KINDS, "kind")),
             Column("status", _label("status"), _coded(APPLICATION_STATUSES, "status")),
             Column("received_on", _label("received_on")),
             Column("due_on", _l("Due on"), _due_on),
             Column("days_overdue", _l("Days overdue"), _days_overdue),
             Column("clause", _l("Deadline"), _clause, pdf_width=22)],
    total_label=_l("Overdue applications"), numbered=True)


class EgovOverdueView(ReportView):
    """The overdue applications inside the user's scope (app/reports.py)."""

    route_base = "/egovoverdue"
    report = OVERDUE
