"""Complaints (pre-trial appeals) of the public service centre (issue 12, item 8; cl. 1.6(16) of the regulation),
tracked to a decision on the shared workflow mechanism (app/workflow.py):

    received ──review──▶ reviewing ──uphold──▶ upheld
        │                    └──────reject──▶ rejected
        └──────uphold / reject (decided at once)──┘

* Registering (`register`, called by the view's `on_add` and by the demo seed) numbers the complaint
  (`<office code>-C<yy>-<nnnn>`, app/numbering.py: one counter per office and year) and sets its due date:
  `COMPLAINT_DAYS` working days after `received_on` on the Kyrgyz calendar (app/workdays.py). The norm is 15
  working days (the law on the procedure of considering appeals of citizens); an installation changes it with the
  setting `SC_COMPLAINT_DAYS`.
* Deciding (upheld or rejected) needs the decision's text; the decision day is the local day of the step.
* The office head decides (`can_review`, `can_uphold`, `can_reject`); an operator registers (`can_add`).
* Overdue: open (received or under review) after its due date, or decided after it."""
from flask_babel import lazy_gettext as _l

from app import clock, workflow
from app.errors import DomainError
from app.numbering import next_number
from app.workdays import add_working_days
from models.service_centre import COMPLAINT_STATES, ScComplaint, ScComplaintStep

COMPLAINT_DAYS = 15  # working days from receipt to the decision (setting SC_COMPLAINT_DAYS)
OPEN = ("received", "reviewing")
DECIDED = ("upheld", "rejected")


def complaint_days():
    try:
        from flask import current_app, has_app_context

        if has_app_context():
            return int(current_app.config.get("SC_COMPLAINT_DAYS") or COMPLAINT_DAYS)
    except (ImportError, ValueError):  # pragma: no cover
        pass
    return COMPLAINT_DAYS


def due_date(received_on, days=None):
    return add_working_days(received_on, complaint_days() if days is None else days)


def register(session, complaint, now):
    """Number a new complaint, set its due date and write its first step (`received`)."""
    if complaint.received_on is None:
        complaint.received_on = clock.local_today(now)
    if complaint.received_on > clock.local_today(now):
        raise DomainError(_l("A complaint cannot be received in the future."), field="received_on")
    office = complaint.office
    if office is None:
        raise DomainError(_l("Choose the office."), field="office")
    year = complaint.received_on.year
    n = next_number(session, "sc_complaint", scope=office.code, year=year)
    complaint.number = f"{office.code}-C{year % 100:02d}-{n:04d}"
    complaint.state = "received"
    complaint.due_on = due_date(complaint.received_on)
    ScComplaintStep.record(session, complaint, "received", at=now)
    return complaint


def _move(session, complaint, step, note=None):
    before = complaint.state
    complaint.state = step.transition.target
    ScComplaintStep.record(session, complaint, complaint.state, at=step.now, from_status=before,
                           note=note if note is not None else step.data.get("note"), actor_id=step.actor_id)


def start_review(session, complaint, step):
    _move(session, complaint, step)


def decide(session, complaint, step):
    """Upheld or rejected (the step's target) with the decision's text (required)."""
    decision = (step.data.get("decision") or "").strip()
    if not decision:
        raise DomainError(_l("State the decision on the complaint."), field="decision")
    complaint.decision = decision
    complaint.decided_on = max(clock.local_today(step.now), complaint.received_on)
    _move(session, complaint, step, note=decision)


def is_overdue(complaint, today):
    if complaint.due_on is None:
        return False
    if complaint.state in OPEN:
        return today > complaint.due_on
    return complaint.decided_on is not None and complaint.decided_on > complaint.due_on


def _clocks(session, complaint):
    if complaint.due_on is None or complaint.state not in OPEN:
        return []
    return [workflow.Clock("1.6(16)", _l("Decision on the complaint"), complaint.received_on, complaint.due_on,
                           _l("the day the complaint was received (%(days)s working days)", days=complaint_days()))]


def _decision():
    return workflow.Field("decision", "text", _l("Decision"), required=True,
                          description=_l("The decision and its grounds, as the applicant will be told."))


_COLOURS = {"received": "info", "reviewing": "warning", "upheld": "success", "rejected": "danger"}

WORKFLOW = workflow.Workflow(
    "sc_complaint", ScComplaint,
    states=[workflow.State(name, label, _COLOURS[name], final=name in DECIDED)
            for name, label in COMPLAINT_STATES.items()],
    transitions=[
        workflow.Transition("review", _l("Start the review"), ("received",), "reviewing", apply=start_review,
                            icon="fa-search", fields=[workflow.Field("note", "text", _l("Note"))],
                            done=_l("The complaint is under review.")),
        workflow.Transition("uphold", _l("Uphold"), OPEN, "upheld", apply=decide, style="success",
                            icon="fa-check", fields=[_decision()],
                            done=_l("The complaint is upheld.")),
        workflow.Transition("reject", _l("Reject"), OPEN, "rejected", apply=decide, style="danger", icon="fa-ban",
                            fields=[_decision()], done=_l("The complaint is rejected.")),
    ],
    history=ScComplaintStep, state_attr="state", deadlines=_clocks)
