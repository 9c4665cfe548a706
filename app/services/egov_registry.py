"""Rules of the register of the state infrastructure of e-government (models/egov_registry.py).

- Completeness (cl. 20, 22): each of the 17 items of cl. 20 is a rule in COMPLETENESS (data, not scattered ifs);
  `missing_items` lists the items an element lacks, the operator sees them and the refusal is drafted from them.
- Refusal (cl. 23): only on two grounds: 23(1) the submitter is not the subject's authorised employee, 23(2) the
  cl. 20 data are incomplete; the text is written in the applicant's language and cites the clause.
- Deadlines (cl. 18, 21, 27, 28): forwarding of an access application 3 days, review 3 working days, the
  removal notice 7 days after the decision to stop operation, recording of the removal 3 working days; working
  days on the Kyrgyz calendar (app/workdays.py). Each deadline says which clause and from what it is counted.
- Versions (cl. 21, 24): registration appends a version with the registered data; `diff` compares any two.
- Removal is a status, never a deletion (cl. 3)."""
import datetime
from dataclasses import dataclass

from flask_babel import force_locale, gettext, lazy_gettext as _l

from app.errors import DomainError
from app.workdays import add_working_days
from models.egov_registry import EgovElementVersion


@dataclass(frozen=True)
class Item:
    """One item of cl. 20: `check(element) -> bool` says whether the element has it."""

    clause: str  # "20(1)"
    label: object
    check: object


def _text(*attrs):
    return lambda e: all((getattr(e, a) or "").strip() for a in attrs)


def _listed(kind):
    return lambda e: bool(e.items_of(kind))


def _document(kind):
    return lambda e: any(d.kind == kind for d in e.documents)


def _operator(e):
    # cl. 20(3) asks for the operator only where it is not the owner: an empty operator means the owner runs it
    return True


COMPLETENESS = [
    Item("20(1)", _l("full and short name"), _text("full_name", "short_name")),
    Item("20(2)", _l("type of the element"), lambda e: bool(e.kind)),
    Item("20(3)", _l("operator, where it is not the owner"), _operator),
    Item("20(4)", _l("purpose, direction, main functions and area of use"), _text("purpose")),
    Item("20(5)", _l("legal acts on creation, modification and commissioning"),
         lambda e: bool((e.legal_acts or "").strip()) or _document("legal_act")(e)),
    Item("20(6)", _l("structural unit and officials responsible for operation"), _text("responsible_unit")),
    Item("20(7)", _l("architecture"), lambda e: bool((e.architecture or "").strip()) or _document("architecture")(e)),
    Item("20(8)", _l("software used"), _listed("software")),
    Item("20(9)", _l("information resources it contains"), _listed("resource")),
    Item("20(10)", _l("resources of other systems it interacts with"),
         lambda e: bool((e.interactions or "").strip()) or bool(e.relations)),
    Item("20(11)", _l("information services it provides"), _listed("service")),
    Item("20(12)", _l("technical documentation with scans of paper documents"), _document("technical")),
    Item("20(13)", _l("location and who keeps it up to date"), _text("location", "location_keeper")),
    Item("20(14)", _l("developer or supplier"), _text("developer")),
    Item("20(15)", _l("number of users"), lambda e: bool(e.users_count)),
    Item("20(16)", _l("source of funding"), lambda e: bool(e.funding)),
    Item("20(17)", _l("commissioning act"), _document("commissioning_act")),
]
ITEMS = {i.clause: i for i in COMPLETENESS}


def missing_items(element):
    """The clauses of cl. 20 the element lacks, in the order of the rules."""
    return [i.clause for i in COMPLETENESS if not i.check(element)]


# --- refusal (cl. 23) --------------------------------------------------------------------------------------------
GROUNDS = {"23(1)": _l("submitted by someone who is not the authorised employee of the subject"),
           "23(2)": _l("the data of cl. 20 are incomplete")}


def submitter_is_authorised(application, day):
    """cl. 23(1): the application comes from an authorised employee of the subject, valid on `day`."""
    employee = application.employee
    if employee is None or employee.organisation_id != application.organisation_id or not employee.valid_on(day):
        return False
    user_id = application.submitted_by_fk
    return user_id is None or employee.user_id is None or employee.user_id == user_id


def refusal_ground(application, day):
    """The ground of refusal of a registration or modification application, or None when it can be registered."""
    if not submitter_is_authorised(application, day):
        return "23(1)"
    if application.element is not None and missing_items(application.element):
        return "23(2)"
    return None


def draft_refusal(application, ground, missing, language=None):
    """The refusal text in the applicant's language, citing the clause and (for 23(2)) the missing items."""
    with force_locale(language or application.language or "ky"):
        lines = [gettext("The application is refused under cl. %(clause)s of the Rules for keeping the register: "
                         "%(ground)s.", clause=ground, ground=str(GROUNDS[ground]))]
        if ground == "23(2)":
            lines.append(gettext("Missing items of cl. 20:"))
            lines += [f"– {gettext('cl. %(clause)s', clause=c)}: {ITEMS[c].label}" for c in missing]
        lines.append(gettext("The application may be resubmitted once the grounds are removed (cl. 23)."))
        return "\n".join(str(x) for x in lines)


# --- deadlines (cl. 18, 21, 27, 28) -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Deadline:
    clause: str
    label: object
    start: datetime.date
    due: datetime.date
    counted_from: object

    def days_left(self, today):
        return (self.due - today).days

    def overdue(self, today):
        return today > self.due


def deadlines(application):
    """The deadlines that run on an application in its current status (empty when none runs)."""
    kind, status, received = application.kind, application.status, application.received_on
    out = []
    if kind == "access" and status == "submitted":
        out.append(Deadline("18", _l("Forwarding to the operator: 3 days"), received,
                            received + datetime.timedelta(days=3), _l("from the day the application was received")))
    if kind in ("registration", "modification") and status == "submitted":
        out.append(Deadline("21", _l("Review by the operator: 3 working days"), received,
                            add_working_days(received, 3), _l("from the day the application was received")))
    if kind == "removal" and status in ("submitted", "agreed"):
        if application.decision_date is not None:
            out.append(Deadline("27", _l("Notice of removal: 7 days after the decision"), application.decision_date,
                                application.decision_date + datetime.timedelta(days=7),
                                _l("from the day of the decision to stop operation")))
        out.append(Deadline("28", _l("Recording of the removal: 3 working days"), received,
                            add_working_days(received, 3), _l("from the day the notice was received")))
    return out


def late_notice(application):
    """cl. 27: the notice came later than 7 days after the decision (recorded anyway, but shown)."""
    return (application.kind == "removal" and application.decision_date is not None and
            application.received_on > application.decision_date + datetime.timedelta(days=7))


def is_overdue(application, today):
    # the notice clock (cl. 27) binds the subject, not the operator: only the operator's clocks make it overdue
    return any(d.overdue(today) for d in deadlines(application) if d.clause != "27")


# --- versions (cl. 21, 24) ----------------------------------------------------------------------------------------
SNAPSHOT_FIELDS = ("full_name", "short_name", "kind", "operator_name", "purpose", "legal_acts", "responsible_unit",
                   "architecture", "interactions", "location", "location_keeper", "developer", "users_count",
                   "funding", "commissioned_on")


def snapshot(element):
    data = {f: getattr(element, f) for f in SNAPSHOT_FIELDS}
    if data["commissioned_on"] is not None:
        data["commissioned_on"] = data["commissioned_on"].isoformat()
    for kind in ("software", "resource", "service"):
        data[kind] = sorted(i.name for i in element.items_of(kind))
    data["relations"] = sorted(f"{r.kind}:{r.target_id}:{r.service or ''}" for r in element.relations)
    data["documents"] = sorted(f"{d.kind}:{d.title}" for d in element.documents)
    return data


def register_version(session, element, now, application=None, actor_id=None):
    """Append the element's registered state (never edits an older version)."""
    number = max((v.number for v in element.versions), default=0) + 1
    version = EgovElementVersion(element=element, number=number, registered_at=now, data=snapshot(element),
                                 application=application, registered_by_fk=actor_id)
    session.add(version)
    return version


def diff(old, new):
    """[(field, old value, new value)] of what differs between two snapshots (a version's data or `snapshot`)."""
    keys = list(dict.fromkeys([*old.keys(), *new.keys()]))
    return [(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)]


def changes_since_registration(element):
    """What changed in the working copy since the last registered version (None: never registered)."""
    if not element.versions:
        return None
    return diff(element.versions[-1].data, snapshot(element))


# --- removal (cl. 3, 27–29) ---------------------------------------------------------------------------------------
def record_removal(element, day):
    """The element leaves the register as a status; its row, versions, documents and relations stay (cl. 3)."""
    if element.status == "removed":
        raise DomainError(_l("The element has already been removed from the register."), field="status",
                          code="already_removed")
    element.status, element.removed_on = "removed", day
    return element
