"""Rules of the electronic household book.

Legal basis: the Law "On local self-government" (2021, art. 34: the executive body keeps the household book) and
the instruction on keeping household books of aiyl okmotus (National Statistical Committee)."""
import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from app import edges, numbering, workflow
from app.catalogue import policy
from app.ages import born_by
from app.errors import DomainError
from app.i18n import localized_name
from app.identifiers import check_person, parse_pin
from app.scope import refuse_duplicate, scoped_select
from app.territory_kinds import LSG_BODY_KINDS
from models.dictionary import Legal
from models.household_book import Certificate, Household, HouseholdMember, Movement
from app.clock import local_today

# the database's own guarantees, as the rules a clerk reads (app/edges.py shows them instead of the SQL error)
edges.rule("uq_household_number", _l("A household with this number is already recorded in this territory."),
           "number")
edges.rule("uq_member_active_pin", _l("This person (PIN) is already an active member of a household."), "pin")


def check_member(session, member: HouseholdMember):
    """Before a member is saved: the PIN is valid and agrees with sex and date of birth; the person is not an
    active member of another household; a household has one head. Rows not yet flushed count too."""
    info = parse_pin(member.pin)  # the PIN first: sex and date of birth follow from it when left empty
    member.sex = member.sex or info.sex
    member.birth_date = member.birth_date or info.birth_date
    check_person(member.pin, member.sex, member.birth_date)
    if member.is_active is None:
        member.is_active = True
    if not member.is_active:
        return
    with session.no_autoflush:  # the member itself must not reach the database before it is checked
        others = [o for o in session.new if isinstance(o, HouseholdMember) and o is not member and o.is_active]
        twin = next((o for o in others if o.pin == member.pin), None) or session.scalar(
            select(HouseholdMember).where(HouseholdMember.pin == member.pin, HouseholdMember.is_active.is_(True),
                                          HouseholdMember.id != (member.id or -1)))
        if twin is not None:
            refuse_duplicate(session, twin, lambda: _l(
                "This person (PIN %(pin)s) is already an active member of household №%(number)s.",
                pin=member.pin, number=twin.household.number), field="pin", code="double_membership")
        if member.relation != "head" or member.household is None:
            return
        household = member.household
        head = next((o for o in others if o.relation == "head" and o.household is household), None)
        if head is None and household.id is not None:
            head = session.scalar(
                select(HouseholdMember).where(HouseholdMember.household_id == household.id,
                                              HouseholdMember.relation == "head", HouseholdMember.is_active.is_(True),
                                              HouseholdMember.id != (member.id or -1)))
        if head is not None:
            raise DomainError(_l("The household already has a head: %(name)s.", name=head.full_name or head.pin),
                              field="relation", code="second_head")


def register_member(session, member: HouseholdMember, how="arrival", on_date=None, place=None):
    """Add a person to a household; a birth or an arrival is recorded as a movement (history)."""
    member.joined_on = member.joined_on or on_date or local_today()
    check_member(session, member)
    session.add(member)
    if how in ("birth", "arrival"):
        session.add(Movement(member=member, kind=how, on_date=member.joined_on, place=place))
    return member


def record_movement(session, movement: Movement):
    """Apply a movement to the person: departure and death end the membership (the row stays as history);
    an arrival or birth is recorded when the person is added to a household."""
    member = movement.member
    if movement.kind not in ("departure", "death"):
        raise DomainError(_l("Births and arrivals are recorded by adding the person to a household."),
                          field="kind", code="movement_kind")
    if not member.is_active:
        raise DomainError(_l("%(name)s has already left the household.", name=member.full_name),
                          field="member", code="already_left")
    if movement.on_date < member.birth_date or movement.on_date > local_today():
        raise DomainError(_l("The date of the movement is impossible."), field="on_date", code="movement_date")
    member.is_active = False
    member.left_on = movement.on_date
    session.add(movement)
    return movement


def voters_query(scope, territory_ids, election_date: datetime.date):
    """SELECT of the citizens of the Kyrgyz Republic aged 18 or more on the election day (Constitution art. 2:
    citizens who have reached 18 take part in elections), active members of households in the given territories
    (`models.base.territory_subtree_ids`), inside `scope`, by name: the voter-list report's query."""
    latest_birth = born_by(election_date, 18)
    return (scoped_select(HouseholdMember, scope).join(HouseholdMember.household)
            .where(HouseholdMember.is_active.is_(True), HouseholdMember.citizenship == "KG",
                   HouseholdMember.birth_date <= latest_birth,
                   HouseholdMember.scope_condition(territory_ids))
            .order_by(HouseholdMember.full_name, HouseholdMember.id)
            .options(selectinload(HouseholdMember.household).selectinload(Household.territory)))


def voters(session, scope, territory_ids, election_date: datetime.date):
    """The voters (see `voters_query`) as a list."""
    return session.scalars(voters_query(scope, territory_ids, election_date)).all()


CERTIFICATE_VALID_DAYS = 30
CERTIFICATE_VALIDITY = policy.define(
    "household_book.certificate_validity_days", _l("Validity of certificates from the household book"),
    _l("Days a household-composition or residence certificate is valid from its issue."), "integer",
    CERTIFICATE_VALID_DAYS, Legal("lsg_law", _l("art. 34")), "household_book", minimum=1, maximum=3650,
    unit=_l("days"))


def issuing_territory(territory):
    """The aiyl aimak or city whose executive body issues certificates for a household in `territory`."""
    node = territory
    while node is not None and node.kind not in LSG_BODY_KINDS:
        node = node.parent
    return node or territory


def issue_certificate(session, certificate, today: datetime.date, now: datetime.datetime = None):
    """Issue a household-composition or residence certificate to an active member (Law "On local
    self-government", art. 34: the aiyl okmotu issues certificates from the household book). Fills the number
    (year-sequence, unique), the verification code, the validity (30 days, or the policy parameter
    "household_book.certificate_validity_days" in force that day), the content as of `today`, and the issuing body
    with its signing certificate (Sanarip Aimak cl. 25: documents are signed under the law on electronic
    signature), whose name in the certificate's language is printed as the issuer."""
    import json
    import secrets

    from app import clock, signing
    from models.household_book import CERTIFICATE_KINDS, Certificate

    now = now or clock.now()
    member = certificate.member
    if member is None or not member.is_active:
        raise DomainError(_l("Certificates are issued only to people who live in a household of the book."),
                          field="member", code="not_active")
    if certificate.kind not in CERTIFICATE_KINDS:
        raise DomainError(_l("Unknown kind of certificate."), field="kind", code="certificate_kind")
    household = member.household
    issuer = issuing_territory(household.territory)
    signer = signing.require_signer(session, issuer, now)
    language = certificate.language or "ky"
    certificate.language = language
    certificate.issued_on = today
    days = policy.value(session, CERTIFICATE_VALIDITY, today, record=certificate)
    certificate.valid_until = today + datetime.timedelta(days=days)
    certificate.signer = signer
    # the issuing body as its signing certificate names it, in the certificate's language (a document: no mark)
    certificate.issuing_body = localized_name(signer, language=language, mark_missing=False)
    prefix = f"{today.year}-"

    def issued_before_the_counter():
        last = session.scalar(select(Certificate.number).where(Certificate.number.startswith(prefix))
                              .order_by(Certificate.number.desc()).limit(1))
        return int(last.split("-")[1]) if last else 0

    sequence = numbering.next_number(session, "household_book.certificate", "", today.year,
                                     floor=issued_before_the_counter)
    certificate.number = f"{prefix}{sequence:06d}"
    certificate.verification_code = secrets.token_hex(5).upper()
    person = {"name": member.full_name, "pin": member.pin, "birth_date": member.birth_date.isoformat(),
              "sex": member.sex}
    content = {"person": person, "address": household.address,
               "place": localized_name(household.territory, language=language, mark_missing=False),
               "registration": member.registration,
               "household_number": household.number}
    if certificate.kind == "household_composition":
        content["members"] = [{"name": m.full_name, "relation": m.relation, "birth_date": m.birth_date.isoformat()}
                              for m in sorted(household.active_members, key=lambda m: (m.relation != "head",
                                                                                        m.birth_date))]
    certificate.content = json.dumps(content, ensure_ascii=False)
    session.add(certificate)
    return certificate


def certificate_signer(session, certificate, now):
    """The certificate a printed copy is signed with: the one recorded at issue while it is in use and valid,
    else the issuing body's current one (after a renewal or a real certificate replaced the demo one)."""
    from app import signing

    signer = certificate.signer
    if signer is not None and signer.is_active and signer.valid_from <= now <= signer.valid_until:
        return signer
    if signer is not None and signer.holder_type == "ref_territory":
        from models.reference import Territory

        holder = session.get(Territory, signer.holder_id)
    else:
        holder = issuing_territory(certificate.member.household.territory)
    return signing.require_signer(session, holder, now)


def revoke_certificate(session, certificate, reason, now: datetime.datetime):
    """The head of the issuing body withdraws a certificate (Sanarip Aimak cl. 25): from that day the public check
    and the check of any printed copy say "revoked" with the date; the certificate itself stays as it was issued."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Say why the certificate is revoked."), field="reason")
    if certificate.revoked_on is not None:
        raise DomainError(_l("The certificate is already revoked."), field="reason")
    certificate.revoked_on = local_today(now)
    certificate.revoked_reason = reason[:255]


CERTIFICATE_STATES = {"issued": _l("Issued"), "revoked": _l("Revoked")}
CERTIFICATE_WORKFLOW = workflow.Workflow(
    "household_book_certificate", Certificate,
    states=[workflow.State("issued", CERTIFICATE_STATES["issued"], "success"),
            workflow.State("revoked", CERTIFICATE_STATES["revoked"], "danger", final=True)],
    transitions=[workflow.Transition(
        "revoke", _l("Revoke the certificate"), source=("issued",), target="revoked", style="danger",
        icon="fa-ban",
        fields=[workflow.Field("reason", "text", _l("Reason of revocation"), required=True, max_length=255,
                               description=_l("Shown to the head and kept in the audit; the public check says "
                                              "only that the certificate is revoked and since when."))],
        apply=lambda session, certificate, step: revoke_certificate(session, certificate, step.data.get("reason"),
                                                                    step.now),
        done=_l("The certificate is revoked."))],
    state_attr="state")


def certificate_status(certificate, today: datetime.date) -> str:
    """valid, expired or revoked: what the public verification page tells."""
    if certificate.revoked_on is not None:
        return "revoked"
    return "valid" if today <= certificate.valid_until else "expired"


def find_certificate(session, number, code):
    """The certificate with this number and verification code, or None (both must match)."""
    from models.household_book import Certificate

    number, code = (number or "").strip(), (code or "").strip().upper()
    if not number or not code:
        return None
    return session.scalar(select(Certificate).where(Certificate.number == number,
                                                    Certificate.verification_code == code))


#: five-year age groups of the population tables (National Statistical Committee)
AGE_GROUPS = [(0, 4), (5, 9), (10, 14), (15, 19), (20, 24), (25, 29), (30, 34), (35, 39), (40, 44), (45, 49),
              (50, 54), (55, 59), (60, 64), (65, 69), (70, 200)]


def age_group_label(low, high):
    return f"{low}+" if high >= 200 else f"{low}–{high}"


def age_band_case(today, bands, column=None):
    """SQL CASE giving the label of the band [(low, high, label), …] a member's age on `today` falls in, as
    birth-date ranges (index-friendly); `column` is another date of birth (the chart builder's age groups)."""
    column = HouseholdMember.birth_date if column is None else column
    whens = [(column.between(born_by(today, high + 1) + datetime.timedelta(days=1), born_by(today, low)), label)
             for low, high, label in bands]
    return case(*whens, else_="?")


def age_group_case(today):
    """The five-year age group of a member on `today`, in SQL."""
    return age_band_case(today, [(low, high, age_group_label(low, high)) for low, high in AGE_GROUPS])
