"""Rules of the social passport of a low-income family.

Legal basis: the Law "On state benefits in the Kyrgyz Republic" (No. 318 of 29 December 2009): the monthly benefit
to low-income families with children, "үй-бүлөгө көмөк" (ҮМКЖ, уй-булого комок), is paid for children under 16
when the family's income per member is below the guaranteed minimum income (ГМД), and is granted for one year; the
Methodology of determining the poverty line (Government decree No. 115 of 25 March 2011), by which the National
Statistical Committee publishes the poverty line; the Law "On local self-government" (2021): the aiyl okmotu keeps
the household book from which the composition is taken. The welfare score below is this platform's own documented
rule (no national scoring formula is prescribed); it is one function, so a region can change it in one place.

Welfare score (`welfare_score`), points:

- income deficit: 40 × (L − I) / L, rounded half up, when the income per member I is below the poverty line L;
- dependants (children under 18, pensioners, persons with disabilities, each person once) per member:
  ≥ 3/4 → 15, ≥ 1/2 → 10, ≥ 1/4 → 5;
- disability: 5 per person with a disability, at most 10;
- working-age unemployed: 3 per person, at most 6;
- housing: no dwelling of its own 8, rented 4; dilapidated 8, poor 4; 1 per missing utility (water, electricity,
  heating, sanitation);
- no land 3; no livestock 3;
- services: children not attending school 5; no access to health care 5; entitled to ҮМКЖ (children under 16 and
  income per member below the guaranteed minimum income) but not receiving it 5.

The family needs state support when I < L or the score is at least SCORE_THRESHOLD (35)."""
import datetime
import json
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from app import clock, workflow
from app.catalogue import policy
from app.errors import DomainError
from app.scope import refuse_duplicate, scoped_select
from models.dictionary import Legal
from models.reference import Territory
from models.social_passport import (EDITABLE_STATUSES, INCOME_SOURCES, LIVESTOCK, PROPOSAL_STATES, STATUSES, Need,
                                    PassportMember, PovertyLine, SocialPassport, SocialPassportProposal,
                                    StatusChange, passport_need, passport_reason)
from app.clock import local_today

SCORE_THRESHOLD = 35
REVIEW_MONTHS = 12
#: points of the welfare score (the module docstring gives the rule); administrators version them as the policy
#: parameter "social_passport.score_weights"
WEIGHTS = {"income": 40, "dependants_high": 15, "dependants_half": 10, "dependants_quarter": 5,
           "disability_each": 5, "disability_max": 10, "unemployed_each": 3, "unemployed_max": 6,
           "no_dwelling": 8, "rented": 4, "emergency": 8, "poor": 4, "utility": 1, "no_land": 3, "no_livestock": 3,
           "out_of_school": 5, "no_health": 5, "benefit_missed": 5}
SCORE_WEIGHTS = policy.define(
    "social_passport.score_weights", _l("Welfare score weights"),
    _l("Points of each criterion of the welfare score of a social passport."), "weights", WEIGHTS,
    Legal("platform"), "social_passport", minimum=0, maximum=100, weights={
        "income": _l("Income deficit, at most"), "dependants_high": _l("Dependants: three quarters or more"),
        "dependants_half": _l("Dependants: half or more"), "dependants_quarter": _l("Dependants: a quarter or more"),
        "disability_each": _l("Disability, per person"), "disability_max": _l("Disability, at most"),
        "unemployed_each": _l("Working-age unemployed, per person"),
        "unemployed_max": _l("Working-age unemployed, at most"), "no_dwelling": _l("No dwelling of its own"),
        "rented": _l("Rented dwelling"), "emergency": _l("Dilapidated dwelling"), "poor": _l("Dwelling in poor condition"),
        "utility": _l("Per missing utility"), "no_land": _l("No land"), "no_livestock": _l("No livestock"),
        "out_of_school": _l("Children not attending school"), "no_health": _l("No access to health care"),
        "benefit_missed": _l("Entitled to the monthly benefit but not receiving it")})
SCORE_THRESHOLD_KEY = policy.define(
    "social_passport.score_threshold", _l("Welfare score of need"),
    _l("A family whose welfare score reaches this needs state support (as does one below the poverty line)."),
    "integer", SCORE_THRESHOLD, Legal("platform"), "social_passport", minimum=0, maximum=200,
    unit=_l("points"))
REVIEW_MONTHS_KEY = policy.define(
    "social_passport.review_months", _l("Review period of an approved social passport"),
    _l("Months after approval when the passport is due for annual review (the monthly benefit is granted for a "
       "year)."), "integer", REVIEW_MONTHS, Legal("benefits_law"), "social_passport", minimum=1, maximum=60,
    unit=_l("months"))
PENSION_AGE = {"M": 63, "F": 58}  # Law "On state pension social insurance" (1997), art. 9
WORKING_AGE_FROM = 16  # Labour Code: an employment contract may be concluded from 16
UTILITIES = ("has_water", "has_electricity", "has_heating", "has_sanitation")
CRITERIA = {
    "income": _l("Income deficit"), "dependants": _l("Dependants"), "disability": _l("Disability"),
    "unemployment": _l("Working-age unemployed"), "housing": _l("Housing"), "land": _l("No land"),
    "livestock": _l("No livestock"), "services": _l("Access to services"),
}

def _comment(label, required=False):
    return [workflow.Field("comment", "text", label, required=required)]


def _apply(function):
    return lambda session, passport, step: function(session, passport, user=step.actor,
                                                    comment=step.data.get("comment"), now=step.now)


#: the passport's workflow (app/workflow.py): drafted by the clerk, approved or returned by the head of the aiyl
#: okmotu, due for annual review REVIEW_MONTHS after the approval (the daily duty), reopened for a new survey
WORKFLOW = workflow.Workflow(
    "social_passport", SocialPassport,
    states=[workflow.State("draft", STATUSES["draft"], "default"),
            workflow.State("submitted", STATUSES["submitted"], "primary"),
            workflow.State("returned", STATUSES["returned"], "warning"),
            workflow.State("approved", STATUSES["approved"], "success"),
            workflow.State("review_due", STATUSES["review_due"], "danger")],
    transitions=[
        workflow.Transition("submit", _l("Submit for approval"), ("draft", "returned"), "submitted",
                            fields=_comment(_l("Comment")), apply=_apply(lambda *a, **k: submit(*a, **k)),
                            done=_l("The passport was submitted for approval.")),
        workflow.Transition("approve", _l("Approve"), ("submitted",), "approved", style="success",
                            fields=_comment(_l("Comment")), apply=_apply(lambda *a, **k: approve(*a, **k)),
                            done=_l("The passport was approved.")),
        workflow.Transition("return", _l("Return for correction"), ("submitted",), "returned", style="warning",
                            fields=_comment(_l("Comment"), required=True),
                            apply=_apply(lambda *a, **k: return_for_correction(*a, **k)),
                            done=_l("The passport was returned for correction.")),
        workflow.Transition("reopen", _l("Reopen for review"), ("approved", "review_due"), "draft",
                            fields=_comment(_l("Comment"), required=True),
                            apply=_apply(lambda *a, **k: reopen(*a, **k)),
                            done=_l("The passport was reopened for review.")),
        workflow.Transition("mark_review_due", _l("Due for annual review"), ("approved",), "review_due",
                            apply=lambda session, passport, step: _step(passport, "mark_review_due", None, None,
                                                                        step.now),
                            system=True),
    ],
    history=StatusChange)
CENT = Decimal("0.01")


def _now(now=None):
    return now or clock.now()


def _money(value) -> Decimal:
    return Decimal(str(value if value is not None else 0))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus whole months. A term counted in months ends on the same date of the last month, or on that
    month's last day when it has no such date (Civil Code, computation of terms): 29 Feb 2024 + 12 → 28 Feb 2025."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


# --- composition ------------------------------------------------------------------------------------------------
def pension_age(sex) -> int:
    return PENSION_AGE.get(sex, PENSION_AGE["M"])


def take_composition(session, passport: SocialPassport, on_date: datetime.date):
    """Copy the household's active members on `on_date` into the passport and count them: children under 18 and
    under 16 (by age), persons with disabilities (employment "not working (disability)" in the book), pensioners
    (employment "pensioner", or of pension age: men 63, women 58), working-age unemployed (16 up to pension age,
    employment "unemployed"), dependants (a child, a pensioner or a person with a disability, each person once).
    A child born after `on_date` is not counted. The copy is what the passport shows: its readers need no access
    to the household book."""
    household = passport.household
    if household is None:
        raise DomainError(_l("Choose the household."), field="household", code="no_household")
    # a survey dated in the past does not count a child born after it
    members = [m for m in household.active_members if m.birth_date is None or m.birth_date <= on_date]
    if not members:
        raise DomainError(_l("Household №%(number)s has no members: the passport describes the people living in "
                             "it.", number=household.number), field="household", code="empty_household")
    passport.members.clear()
    for member in members:
        age = member.age_on(on_date)
        disabled = member.employment == "disabled"
        pensioner = member.employment == "pensioner" or age >= pension_age(member.sex)
        unemployed = (member.employment == "unemployed" and WORKING_AGE_FROM <= age < pension_age(member.sex))
        passport.members.append(PassportMember(
            pin=member.pin, full_name=member.full_name or " ".join(
                p for p in (member.last_name, member.first_name, member.patronymic) if p),
            sex=member.sex, birth_date=member.birth_date, relation=member.relation, employment=member.employment,
            age=age, disabled=disabled, pensioner=pensioner, unemployed=unemployed))
    rows = passport.members
    passport.snapshot_on = on_date
    passport.household_number = household.number
    passport.address = household.address
    head = household.head
    passport.head_name = head.full_name if head is not None else None
    passport.members_count = len(rows)
    passport.children_under_18 = sum(1 for m in rows if m.age < 18)
    passport.children_under_16 = sum(1 for m in rows if m.age < 16)
    passport.disabled_count = sum(1 for m in rows if m.disabled)
    passport.pensioners_count = sum(1 for m in rows if m.pensioner)
    passport.unemployed_count = sum(1 for m in rows if m.unemployed)
    passport.dependants_count = sum(1 for m in rows if m.age < 18 or m.pensioner or m.disabled)
    return passport


# --- poverty line -----------------------------------------------------------------------------------------------
def find_poverty_line(session, territory_id, year):
    """The poverty line that applies to a family of `territory_id` in `year`: the latest year not after `year`;
    within that year a regional line (of the family's oblast, rayon …, the deepest one) overrides the national
    line (no territory)."""
    path = session.scalar(select(Territory.path).where(Territory.id == territory_id)) if territory_id else None
    rows = session.execute(
        select(PovertyLine, Territory.path, Territory.level)
        .outerjoin(Territory, Territory.id == PovertyLine.territory_id)
        .where(PovertyLine.year <= year)
    ).all()
    candidates = [(line.year, level or 0, line) for line, tpath, level in rows
                  if tpath is None or (path is not None and path.startswith(tpath))]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c[0], c[1]))[2]


def check_poverty_line(session, line: PovertyLine):
    """A poverty line is a positive amount, and there is one per year and territory (one national line per year:
    the database's unique key does not stop two lines without a territory on PostgreSQL)."""
    if line.amount is None or _money(line.amount) <= 0:
        raise DomainError(_l("The poverty line must be a positive amount."), field="amount", code="line_amount")
    if line.guaranteed_minimum_income is not None and _money(line.guaranteed_minimum_income) < 0:
        raise DomainError(_l("Amounts cannot be negative."), field="guaranteed_minimum_income", code="negative")
    territory_id = line.territory.id if line.territory is not None else line.territory_id
    with session.no_autoflush:
        twin = session.scalar(select(PovertyLine.id).where(
            PovertyLine.year == line.year, PovertyLine.id != (line.id or -1),
            PovertyLine.territory_id.is_(None) if territory_id is None else PovertyLine.territory_id == territory_id))
    if twin is not None:
        raise DomainError(_l("A poverty line for %(year)s is already set for this territory.", year=line.year),
                          field="year", code="line_exists")


def check_classifier_unused(session, entry):
    """A need or reason that passports use is switched off ("in use" unticked), not deleted: the passports keep
    what they recorded."""
    column = passport_need.c.need_id if isinstance(entry, Need) else passport_reason.c.reason_id
    if session.scalar(select(column).where(column == entry.id).limit(1)) is not None:
        raise DomainError(_l("Passports use this entry: untick \"In use\" instead of deleting it."),
                          code="classifier_in_use")


# --- score ------------------------------------------------------------------------------------------------------
def welfare_score(passport, line=None, gmi=None, weights=None) -> dict:
    """Points per criterion of the module's welfare score (see the module docstring for the rule): a dict
    {criterion: points} whose values sum to the score. `line` is the poverty line and `gmi` the guaranteed minimum
    income, both in som per member per month (None: not known); `weights` the points in force (default: WEIGHTS)."""
    w = {**WEIGHTS, **(weights or {})}
    members = passport.members_count or 0
    per_member = _money(passport.income_per_member)
    points = {}
    if line is not None and _money(line) > 0 and per_member < _money(line):
        line = _money(line)
        points["income"] = int((Decimal(w["income"]) * (line - per_member) / line).quantize(Decimal(1),
                                                                                            ROUND_HALF_UP))
    dependants = passport.dependants_count or 0
    if members:
        points["dependants"] = (w["dependants_high"] if 4 * dependants >= 3 * members else
                                w["dependants_half"] if 2 * dependants >= members else
                                w["dependants_quarter"] if 4 * dependants >= members else 0)
    points["disability"] = min(w["disability_max"], w["disability_each"] * (passport.disabled_count or 0))
    points["unemployment"] = min(w["unemployed_max"], w["unemployed_each"] * (passport.unemployed_count or 0))
    housing = {"none": w["no_dwelling"], "rented": w["rented"]}.get(passport.housing_tenure, 0)
    housing += {"emergency": w["emergency"], "poor": w["poor"]}.get(passport.housing_condition, 0)
    housing += w["utility"] * sum(1 for u in UTILITIES if not getattr(passport, u))
    points["housing"] = housing
    points["land"] = w["no_land"] if not _money(passport.land_ha) > 0 else 0
    points["livestock"] = w["no_livestock"] if not sum(getattr(passport, k) or 0 for k in LIVESTOCK) else 0
    services = w["out_of_school"] if (passport.children_out_of_school or 0) > 0 else 0
    services += w["no_health"] if passport.no_health_access else 0
    entitled = ((passport.children_under_16 or 0) > 0 and gmi is not None and per_member < _money(gmi))
    services += w["benefit_missed"] if entitled and not passport.receives_family_benefit else 0
    points["services"] = services
    return {k: v for k, v in points.items() if v}


def needs_state_support(per_member, line, score, threshold=SCORE_THRESHOLD) -> bool:
    """A family needs state support when its income per member is below the poverty line, or its welfare score
    reaches the threshold in force (SCORE_THRESHOLD unless an administrator set another)."""
    below = line is not None and _money(per_member) < _money(line)
    return below or score >= threshold


def check_values(passport):
    """Declared amounts and counts are not negative; children out of school are among the children; the survey
    date is not in the future."""
    for column in (*INCOME_SOURCES, "land_ha"):
        if _money(getattr(passport, column)) < 0:
            raise DomainError(_l("Amounts cannot be negative."), field=column, code="negative")
    for column in (*LIVESTOCK, "children_out_of_school"):
        if (getattr(passport, column) or 0) < 0:
            raise DomainError(_l("Counts cannot be negative."), field=column, code="negative")
    if (passport.children_out_of_school or 0) > (passport.children_under_18 or 0):
        raise DomainError(_l("More children out of school (%(n)s) than children under 18 in the household "
                             "(%(children)s).", n=passport.children_out_of_school,
                             children=passport.children_under_18 or 0),
                          field="children_out_of_school", code="out_of_school_count")
    if passport.surveyed_on is not None and passport.surveyed_on > local_today():
        raise DomainError(_l("The survey date cannot be in the future."), field="surveyed_on", code="future_survey")


def evaluate(session, passport: SocialPassport):
    """Income total and per member (rounded to the tyiyn), the applicable poverty line, the welfare score and the
    need for state support, stored on the passport."""
    total = sum((_money(getattr(passport, c)) for c in INCOME_SOURCES), Decimal(0))
    members = passport.members_count or 0
    passport.income_total = total
    passport.income_per_member = (total / members).quantize(CENT, ROUND_HALF_UP) if members else total
    year = (passport.surveyed_on or local_today()).year
    line = find_poverty_line(session, passport.scope_territory_id(), year)
    passport.poverty_line = line
    passport.poverty_line_amount = line.amount if line is not None else None
    on = passport.surveyed_on or local_today()  # the parameters in force on the survey day
    weights = policy.value(session, SCORE_WEIGHTS, on, record=passport)
    threshold = policy.value(session, SCORE_THRESHOLD_KEY, on, record=passport)
    points = welfare_score(passport, line.amount if line is not None else None,
                           line.guaranteed_minimum_income if line is not None else None, weights)
    passport.welfare_score = sum(points.values())
    passport.score_details = json.dumps(points)
    passport.needs_support = needs_state_support(passport.income_per_member, passport.poverty_line_amount,
                                                 passport.welfare_score, threshold)
    return passport


# --- the passport and its workflow ------------------------------------------------------------------------------
def _record(passport, to_status, user=None, comment=None, now=None):
    step = StatusChange(at=_now(now), actor_id=getattr(user, "id", None), from_status=passport.status,
                        to_status=to_status, note=(comment or "").strip() or None)
    passport.history.append(step)
    passport.status = to_status


def create_passport(session, passport: SocialPassport, user=None, now=None):
    """A new passport of a household, in draft: one passport per household (the annual review reopens it); it lies
    in the household's territory; its composition is taken from the book on the survey date."""
    now = _now(now)
    household = passport.household
    if household is None:
        raise DomainError(_l("Choose the household."), field="household", code="no_household")
    with session.no_autoflush:
        existing = session.scalar(select(SocialPassport).where(SocialPassport.household_id == household.id,
                                                               SocialPassport.id != (passport.id or -1)))
    if existing is not None:
        raise DomainError(_l("Household №%(number)s already has a social passport; reopen it for review instead.",
                             number=household.number), field="household", code="passport_exists")
    passport.territory = household.territory  # the relationship: a household not yet flushed has no key yet
    passport.surveyed_on = passport.surveyed_on or local_today(now)
    passport.status = None
    take_composition(session, passport, passport.surveyed_on)
    check_values(passport)
    evaluate(session, passport)
    _record(passport, "draft", user, None, now)
    session.add(passport)
    return passport


def update_passport(session, passport: SocialPassport):
    """Saving a passport: only a draft or a returned passport can be changed; the composition is taken again and
    the passport re-evaluated."""
    check_editable(passport)
    take_composition(session, passport, passport.surveyed_on or local_today())
    check_values(passport)
    evaluate(session, passport)
    return passport


def check_editable(passport):
    """Only a draft, or a passport returned for correction, may be changed (submitted and approved passports are
    the record the decision was taken on)."""
    if passport.status not in EDITABLE_STATUSES:
        raise DomainError(_l("A passport in status “%(status)s” cannot be changed.",
                             status=STATUSES.get(passport.status, passport.status)), code="not_editable")


def check_deletable(passport):
    """Only a draft may be deleted; later passports are kept with their history."""
    if passport.status != "draft":
        raise DomainError(_l("Only a draft passport can be deleted."), code="not_deletable")


def _check_step(passport, step):
    if passport.status not in WORKFLOW.transitions[step].source:
        raise DomainError(_l("This step is not possible for a passport in status “%(status)s”.",
                             status=STATUSES.get(passport.status, passport.status)), code="bad_transition")


def _step(passport, step, user, comment, now):
    _check_step(passport, step)
    _record(passport, WORKFLOW.transitions[step].target, user, comment, now)
    return passport


def submit(session, passport, user=None, comment=None, now=None):
    """Draft (or returned) → submitted, for the head of the aiyl okmotu to approve. The composition is taken again
    on the survey date and the passport evaluated; a poverty line must exist for the survey year, and a family that
    needs support must have at least one reason of low income."""
    now = _now(now)
    _check_step(passport, "submit")
    take_composition(session, passport, passport.surveyed_on)
    check_values(passport)
    evaluate(session, passport)
    if passport.poverty_line is None:
        raise DomainError(_l("No poverty line is set for %(year)s: an administrator adds it under Reference data → "
                             "Poverty lines.", year=passport.surveyed_on.year), code="no_poverty_line")
    if passport.needs_support and not passport.reasons:
        raise DomainError(_l("Give at least one reason of low income."), field="reasons", code="reasons_required")
    passport.submitted_on = local_today(now)
    return _step(passport, "submit", user, comment, now)


def approve(session, passport, user=None, comment=None, now=None):
    """Submitted → approved by the head of the aiyl okmotu. The approval is valid for REVIEW_MONTHS months, like
    the monthly benefit it supports (granted for one year): then the passport is due for annual review."""
    now = _now(now)
    _step(passport, "approve", user, comment, now)
    passport.approved_on = local_today(now)
    passport.approved_by_fk = getattr(user, "id", None)
    months = policy.value(session, REVIEW_MONTHS_KEY, passport.approved_on, record=passport)
    passport.review_due_on = add_months(passport.approved_on, months)
    return passport


def return_for_correction(session, passport, user=None, comment=None, now=None):
    """Submitted → returned to the clerk for correction; the head says why."""
    if not (comment or "").strip():
        raise DomainError(_l("Say why the passport is returned."), field="comment", code="comment_required")
    return _step(passport, "return", user, comment, now)


def reopen(session, passport, user=None, comment=None, now=None):
    """Approved (or due for annual review) → draft: the family's circumstances are surveyed again. The approval
    is cleared; the history keeps it. A reason is required."""
    if not (comment or "").strip():
        raise DomainError(_l("Say why the passport is reopened."), field="comment", code="comment_required")
    _step(passport, "reopen", user, comment, now)
    passport.approved_on = passport.approved_by_fk = passport.review_due_on = passport.submitted_on = None
    return passport


def due_for_review_condition(day: datetime.date):
    """SQL: passports due for annual review on `day`: marked so, or approved REVIEW_MONTHS months ago or more
    (not yet marked by the daily run)."""
    return or_(SocialPassport.status == "review_due",
               and_(SocialPassport.status == "approved", SocialPassport.review_due_on <= day))


def mark_reviews_due(session, now=None):
    """Approved passports whose approval is REVIEW_MONTHS months old or more become "due for annual review", with
    a history entry by the system. Idempotent: safe to run every day (`flask sanarip social-passport-reviews`).
    Returns the passports marked."""
    now = _now(now)
    day = clock.local_today(now) if now.tzinfo is not None else now.date()  # the day in the configured zone
    due = session.scalars(select(SocialPassport).where(SocialPassport.status == "approved",
                                                       SocialPassport.review_due_on <= day)).all()
    for passport in due:
        WORKFLOW.take(session, passport, "mark_review_due", now=now)  # by the system: no user
    return due


def daily(session, now):
    """The periodic duty (`flask sanarip daily`): the annual review (Regulation: an approval holds 12 months)."""
    due = mark_reviews_due(session, now)
    return [f"social passports marked due for annual review: {len(due)}"]


# --- lists for the labour and social-protection body ------------------------------------------------------------
def on_support_list_condition(day: datetime.date):
    """SQL: the passport is on the support list on `day`: approved, needing support, and its annual review not
    yet due (`review_due_on` after `day`). Computed from the dates when read, so a passport whose review fell due
    today has left the list before the daily duty marks it "due for annual review"."""
    return and_(SocialPassport.status == "approved", SocialPassport.needs_support.is_(True),
                or_(SocialPassport.review_due_on.is_(None), SocialPassport.review_due_on > day))


def support_list_query(scope, territory=None, day=None):
    """SELECT of the approved passports of families needing state support, inside `scope` and (optionally) a
    territory subtree, ordered by territory and household number. A passport due for annual review has left the
    list until it is approved again: an approval is valid for REVIEW_MONTHS months; the due date is compared with
    `day` (today) in SQL, not left to the daily duty."""
    query = (scoped_select(SocialPassport, scope).join(Territory, Territory.id == SocialPassport.territory_id)
             .where(on_support_list_condition(day or local_today())))
    if territory is not None:
        query = query.where(Territory.path.startswith(territory.path, autoescape=True))
    return (query.order_by(Territory.path, SocialPassport.household_number, SocialPassport.id)
            .options(selectinload(SocialPassport.territory).selectinload(Territory.parent),
                     selectinload(SocialPassport.needs), selectinload(SocialPassport.reasons)))


def support_list_units(session, scope):
    """Units (down to aiyl aimaks) of `scope` that have families on the support list: the list's territory
    choices. The paths of the listed families' villages name all their ancestors, so two small queries suffice."""
    paths = session.scalars(
        scoped_select(SocialPassport, scope, Territory.path).join(Territory, SocialPassport.territory_id == Territory.id)
        .where(on_support_list_condition(local_today())).distinct()).all()
    codes = {code for path in paths for code in path.strip("/").split("/")[:3]}
    if not codes:
        return []
    return session.scalars(scoped_select(Territory, scope).where(Territory.code.in_(codes), Territory.level <= 3)
                           .order_by(Territory.path)).all()



# --- proposals of the social-protection body (Sanarip Aimak regulation, cl. 23; cl. 4(13)) -----------------------
def _proposal_household_free(session, proposal):
    """Forming needs a household without a passport (one passport per household): otherwise the step is not
    offered, and the clerk reopens the existing passport instead."""
    with session.no_autoflush:
        existing = session.scalar(select(SocialPassport.id).where(
            SocialPassport.household_id == proposal.household_id))
    if existing is not None:
        raise DomainError(_l("Household №%(number)s already has a social passport; reopen it for review instead.",
                             number=proposal.household.number), field="household", code="passport_exists")


#: the proposal's workflow: proposed by the social-protection specialist; the LSG clerk forms the passport from it
#: or rejects it (a reason is required). A formed proposal shows its passport's own state (the passport's workflow).
PROPOSAL_WORKFLOW = workflow.Workflow(
    "social_passport_proposal", SocialPassportProposal,
    states=[workflow.State("proposed", PROPOSAL_STATES["proposed"], "primary"),
            workflow.State("passport_formed", PROPOSAL_STATES["passport_formed"], "success", final=True),
            workflow.State("rejected", PROPOSAL_STATES["rejected"], "danger", final=True)],
    transitions=[
        workflow.Transition(
            "form_passport", _l("Form the social passport"), ("proposed",), "passport_formed", style="success",
            fields=[workflow.Field("surveyed_on", "date", _l("Survey date"), required=True,
                                   initial=lambda session, proposal: local_today())],
            guard=_proposal_household_free,
            apply=lambda session, proposal, step: form_passport_from_proposal(
                session, proposal, user=step.actor, surveyed_on=step.data.get("surveyed_on"), now=step.now),
            done=_l("The social passport was formed in draft: complete its questionnaire and submit it.")),
        workflow.Transition(
            "reject", _l("Reject the proposal"), ("proposed",), "rejected", style="danger",
            fields=[workflow.Field("reason", "text", _l("Reason of rejection"), required=True)],
            apply=lambda session, proposal, step: reject_proposal(session, proposal, step.data.get("reason"),
                                                                  user=step.actor, now=step.now),
            done=_l("The proposal was rejected.")),
    ])


def create_proposal(session, proposal: SocialPassportProposal, user=None, now=None):
    """A new proposal of the social-protection body: it lies in its household's territory, is dated today, and a
    household has at most one open (proposed) proposal."""
    now = _now(now)
    household = proposal.household
    if household is None:
        raise DomainError(_l("Choose the household."), field="household", code="no_household")
    if not proposal.ground:
        raise DomainError(_l("Choose the grounds."), field="ground", code="no_ground")
    with session.no_autoflush:
        twin = session.scalar(select(SocialPassportProposal).where(
            SocialPassportProposal.household_id == household.id, SocialPassportProposal.status == "proposed",
            SocialPassportProposal.id != (proposal.id or -1)))
    if twin is not None:
        refuse_duplicate(session, twin, lambda: _l(
            "Household №%(number)s already has an open proposal of %(day)s.", number=household.number,
            day=twin.proposed_on.isoformat()), field="household", code="proposal_exists")
    proposal.territory = household.territory
    proposal.proposed_on = proposal.proposed_on or local_today(now)
    proposal.proposed_by_fk = proposal.proposed_by_fk or getattr(user, "id", None)
    proposal.status = "proposed"
    session.add(proposal)
    return proposal


def check_proposal_editable(proposal):
    """Only an open proposal may be changed or deleted: a decided one is the record of the decision."""
    if proposal.status != "proposed":
        raise DomainError(_l("A proposal in status “%(status)s” cannot be changed.",
                             status=PROPOSAL_STATES.get(proposal.status, proposal.status)), code="not_editable")


def form_passport_from_proposal(session, proposal, user=None, surveyed_on=None, now=None):
    """The LSG clerk forms the household's social passport from the proposal: a draft passport made by
    `create_passport` (its rules: one per household, the composition from the book, the evaluation), linked to
    the proposal. The passport then goes through its own workflow; the proposal's page shows its state."""
    now = _now(now)
    if proposal.status != "proposed":
        raise DomainError(_l("This step is not possible for a proposal in status “%(status)s”.",
                             status=PROPOSAL_STATES.get(proposal.status, proposal.status)), code="bad_transition")
    passport = SocialPassport(household=proposal.household, surveyed_on=surveyed_on or local_today(now),
                              note=proposal.note)
    create_passport(session, passport, user, now)
    proposal.passport = passport
    proposal.status = "passport_formed"
    proposal.decided_on = local_today(now)
    proposal.decided_by_fk = getattr(user, "id", None)
    return passport


def reject_proposal(session, proposal, reason, user=None, now=None):
    """The LSG clerk rejects the proposal; the reason is required."""
    now = _now(now)
    if proposal.status != "proposed":
        raise DomainError(_l("This step is not possible for a proposal in status “%(status)s”.",
                             status=PROPOSAL_STATES.get(proposal.status, proposal.status)), code="bad_transition")
    if not (reason or "").strip():
        raise DomainError(_l("Say why the proposal is rejected."), field="reason", code="reason_required")
    proposal.rejection_reason = reason.strip()
    proposal.status = "rejected"
    proposal.decided_on = local_today(now)
    proposal.decided_by_fk = getattr(user, "id", None)
    return proposal
