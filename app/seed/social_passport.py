"""Social passports: reference data (poverty lines, needs, reasons of low income, in three languages) and
deterministic demo passports for the demo households of app/seed/household_book.py, in every status, through the
services; per village the first passport was formed from a proposal of the social-protection body, and there is
an open and a rejected proposal (`seed_proposals`)."""
import datetime
import random
from decimal import Decimal

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.services import social_passport as service
from models.household_book import Household
from models.reference import Territory
from models.social_passport import Need, PovertyLine, Reason, SocialPassport, SocialPassportProposal
from app import clock

# (year, som per person per month, guaranteed minimum income, source, note)
POVERTY_LINES = [  # the texts in Kyrgyz: stored data, read by the clerks of the aiyl okmotu
    (2018, Decimal("2723.25"), None,
     "Кыргыз Республикасынын Улуттук статистика комитети: 2018-жылдын жалпы жакырчылык чеги, бир адамга жылына "
     "32 679 сом (Жакырчылык чегин аныктоо методикасы, Кыргыз Республикасынын Өкмөтүнүн 2011-жылдын 25-мартындагы "
     "№115 токтому)",
     "32 679 / 12 ай."),
    (2019, Decimal("2748.42"), None,
     "Кыргыз Республикасынын Улуттук статистика комитети: 2019-жылдын жалпы жакырчылык чеги, бир адамга жылына "
     "32 981 сом (Жакырчылык чегин аныктоо методикасы, Кыргыз Республикасынын Өкмөтүнүн 2011-жылдын 25-мартындагы "
     "№115 токтому)",
     "32 981 / 12 ай."),
    (2025, Decimal("4700.00"), Decimal("1000.00"),
     "Демо үчүн баалоо: Улуттук статистика комитетинин 2019-жылдагы жалпы жакырчылык чеги 2020–2025-жылдардагы "
     "керектөө бааларынын индекси боюнча индекстелди (болжол менен +70%). Кепилденген минималдык киреше үй-бүлөнүн "
     "бир мүчөсүнө 1 000 сом: Эмгек, социалдык камсыздоо жана миграция министрлиги, 2025-жыл («үй-бүлөгө көмөк» ай "
     "сайын берилүүчү жөлөкпулга укук)",
     "Сумманы Улуттук статистика комитети жарыялаган расмий жакырчылык чеги менен алмаштырыңыз."),
]

NEEDS = [  # code, ky, ru, en
    ("food", "Азык-түлүк", "Продукты питания", "Food"),
    ("fuel", "Отун (көмүр, отун)", "Топливо (уголь, дрова)", "Fuel (coal, firewood)"),
    ("clothing", "Кийим-кече жана бут кийим", "Одежда и обувь", "Clothing and footwear"),
    ("school_supplies", "Мектеп буюмдары", "Школьные принадлежности", "School supplies"),
    ("medical_care", "Медициналык жардам жана дары-дармек", "Медицинская помощь и лекарства",
     "Medical care and medicines"),
    ("housing_repair", "Турак жайды оңдоо", "Ремонт жилья", "Housing repair"),
    ("employment", "Жумушка орношуу", "Трудоустройство", "Employment"),
    ("documents", "Документтерди тариздөө (паспорт, туулгандыгы тууралуу күбөлүк)",
     "Оформление документов (паспорт, свидетельство о рождении)", "Documents (passport, birth certificate)"),
    ("care", "Карылар жана майыптыгы бар адамдар үчүн кам көрүү", "Уход за пожилыми и лицами с инвалидностью",
     "Care for elderly or disabled members"),
    ("kindergarten", "Бала бакчадан орун", "Место в детском саду", "Kindergarten place"),
    ("legal_aid", "Юридикалык жардам", "Юридическая помощь", "Legal aid"),
]

REASONS = [
    ("unemployment", "Жумушсуздук", "Безработица", "Unemployment"),
    ("low_wages", "Эмгек акынын төмөндүгү", "Низкая заработная плата", "Low wages"),
    ("many_children", "Көп балалуулук", "Многодетность", "Many children"),
    ("single_parent", "Толук эмес үй-бүлө", "Неполная семья", "Single-parent family"),
    ("disability", "Үй-бүлө мүчөсүнүн майыптыгы", "Инвалидность члена семьи", "Disability of a family member"),
    ("illness", "Узак мөөнөттүү оору", "Длительная болезнь", "Long-term illness"),
    ("loss_of_breadwinner", "Багуучусунан ажыроо", "Потеря кормильца", "Loss of the breadwinner"),
    ("old_age", "Карылык (жалгыз пенсионерлер)", "Пожилой возраст (одинокие пенсионеры)",
     "Old age (pensioners living alone)"),
    ("no_land_livestock", "Жер жана мал жоктугу", "Отсутствие земли и скота", "No land or livestock"),
    ("migration", "Эмгек миграциясы (акча которуулар жок)", "Трудовая миграция без денежных переводов",
     "Labour migration without remittances"),
    ("disaster", "Табигый кырсык", "Стихийное бедствие", "Natural disaster"),
    ("other", "Башка себеп", "Иная причина", "Other reason"),
]


def _classifier(session, model, rows):
    added = 0
    known = set(session.scalars(select(model.code)))
    for order, (code, ky, ru, en) in enumerate(rows, start=1):
        if code not in known:
            session.add(model(code=code, name_ky=ky, name_ru=ru, name_en=en, sort_order=order * 10, active=True))
            added += 1
    return added


def seed_reference(session, echo=print):
    """Poverty lines (national), needs and reasons of low income: only those that are missing."""
    added = 0
    for year, amount, gmi, source, note in POVERTY_LINES:
        exists = session.scalar(select(PovertyLine.id).where(PovertyLine.year == year,
                                                             PovertyLine.territory_id.is_(None)))
        if exists is None:
            session.add(PovertyLine(year=year, amount=amount, guaranteed_minimum_income=gmi, source=source,
                                    note=note))
            added += 1
    added += _classifier(session, Need, NEEDS)
    added += _classifier(session, Reason, REASONS)
    session.flush()
    if added:
        echo(f"  social passport: {added} reference rows")


# A demo family's circumstances: (status, income per member relative to the poverty line, tenure, condition)
PROFILES = [
    ("approved", 0.45, "own", "poor"), ("approved", 0.8, "rented", "satisfactory"),
    ("approved", 1.6, "own", "good"), ("submitted", 0.6, "own", "emergency"),
    ("returned", 0.7, "none", "poor"), ("draft", 0.9, "own", "satisfactory"),
    ("review_due", 0.5, "own", "poor"),
]


def _fill(rng, passport, ratio, tenure, condition, line, needs, reasons):
    members = len(passport.household.active_members)
    total = Decimal(str(round(float(line) * ratio * members, -1)))
    wages = (total * Decimal("0.5")).quantize(Decimal(1))
    pensions = (total * Decimal("0.2")).quantize(Decimal(1))
    benefits = (total * Decimal("0.1")).quantize(Decimal(1))
    passport.income_wages, passport.income_pensions, passport.income_benefits = wages, pensions, benefits
    passport.income_agriculture = total - wages - pensions - benefits
    passport.income_remittances = passport.income_other = Decimal(0)
    passport.housing_tenure, passport.housing_condition = tenure, condition
    passport.housing_type = rng.choice(["house", "house", "house", "apartment", "temporary"])
    passport.has_water, passport.has_electricity = rng.random() < 0.7, True
    passport.has_heating, passport.has_sanitation = rng.random() < 0.6, rng.random() < 0.3
    passport.land_ha = Decimal(rng.choice(["0", "0", "0.12", "0.5", "1.5"]))
    passport.cattle, passport.small_ruminants = rng.choice([0, 0, 1, 2]), rng.choice([0, 3, 8])
    passport.horses, passport.poultry = rng.choice([0, 0, 1]), rng.choice([0, 5, 12])
    passport.no_health_access = rng.random() < 0.15
    passport.needs = rng.sample(needs, rng.randint(1, 3))
    passport.reasons = rng.sample(reasons, rng.randint(1, 2))


def seed(session, echo=print):
    """Passports for the demo households: per village the first seven households, one in each profile (approved
    with and without need, submitted, returned, draft, and one approved 13 months ago, now due for annual review).
    Households that already have a passport are skipped."""
    rng = random.Random(20261124)
    needs = session.scalars(select(Need).order_by(Need.sort_order)).all()
    reasons = session.scalars(select(Reason).order_by(Reason.sort_order)).all()
    now = clock.now().replace(microsecond=0)
    added = 0
    villages = session.scalars(select(Territory).where(Territory.id.in_(select(Household.territory_id).distinct()))
                               .order_by(Territory.code)).all()
    for village in villages:
        households = session.scalars(select(Household).where(Household.territory_id == village.id)
                                     .order_by(Household.number)).all()
        households = [h for h in households if h.number.isdigit() and h.active_members][:len(PROFILES)]
        for household, (status, ratio, tenure, condition) in zip(households, PROFILES):
            if session.scalar(select(SocialPassport.id).where(SocialPassport.household_id == household.id)):
                continue
            started = now - datetime.timedelta(days=400 if status == "review_due" else rng.randint(5, 60))
            line = service.find_poverty_line(session, village.id, started.year)
            if household is households[0]:  # proposed by the social-protection body, formed from the proposal
                if session.scalar(select(SocialPassportProposal.id).where(
                        SocialPassportProposal.household_id == household.id)):
                    continue
                proposal = _propose(session, household, *FORMED, started - datetime.timedelta(days=4))
                service.PROPOSAL_WORKFLOW.take(session, proposal, "form_passport", {"surveyed_on": started.date()},
                                               now=started)
                passport = proposal.passport
                _fill(rng, passport, ratio, tenure, condition, line.amount if line else Decimal(3000), needs,
                      reasons)
                service.update_passport(session, passport)
            else:
                passport = SocialPassport(household=household, surveyed_on=started.date())
                _fill(rng, passport, ratio, tenure, condition, line.amount if line else Decimal(3000), needs,
                      reasons)
                service.create_passport(session, passport, None, started)
            if status != "draft":
                service.submit(session, passport, None, None, started + datetime.timedelta(days=1))
            if status == "returned":
                service.return_for_correction(session, passport, None, "Тиркелген маалымкаттар жок.",
                                              started + datetime.timedelta(days=3))
            if status in ("approved", "review_due"):
                service.approve(session, passport, None, None, started + datetime.timedelta(days=3))
            session.flush()
            added += 1
    due = service.mark_reviews_due(session, now)
    session.flush()
    proposals = seed_proposals(session, villages, now)
    echo(f"  social passport: {added} passports added, {len(due)} due for annual review, {proposals} proposals")
    return added


# demo proposals of the social-protection body (ground, note; the rejection's reason)
FORMED = ("many_children", "Көп балалуу үй-бүлө, ата-энеси туруктуу жумушсуз.")
OPEN = ("loss_of_breadwinner", "Үй-бүлөнүн багуучусу каза болгон.")
REJECTED = ("low_income", "Үй-бүлөнүн кирешеси аз деп кайрылуу келди.",
            "Үй-бүлөнүн кирешеси жакырчылык чегинен жогору: мамлекеттик колдоого муктаждыгы жок.")


def _propose(session, household, ground, note, at):
    proposal = SocialPassportProposal(household=household, ground=ground, note=note, proposed_on=at.date())
    service.create_proposal(session, proposal, None, at)
    session.flush()
    return proposal


def seed_proposals(session, villages, now):
    """Per village: an open proposal for the first household without a passport after the passports' ones (the
    clerk can form its passport), and a rejected one for the family approved without need (profile 3). The first
    passport of a village was formed from a proposal (`seed`). A household with any proposal is skipped, so seeding
    again adds nothing."""
    added = 0
    for village in villages:
        households = session.scalars(select(Household).where(Household.territory_id == village.id)
                                     .order_by(Household.number)).all()
        households = [h for h in households if h.number.isdigit() and h.active_members]
        free = [h for h in households[len(PROFILES):] if not session.scalar(
            select(SocialPassport.id).where(SocialPassport.household_id == h.id))]
        targets = [(free[0] if free else None, OPEN, None),
                   (households[2] if len(households) > 2 else None, REJECTED[:2], REJECTED[2])]
        for household, (ground, note), reason in targets:
            if household is None or session.scalar(select(SocialPassportProposal.id).where(
                    SocialPassportProposal.household_id == household.id)):
                continue
            at = now - datetime.timedelta(days=10 if reason else 3)
            proposal = _propose(session, household, ground, note, at)
            if reason:
                service.PROPOSAL_WORKFLOW.take(session, proposal, "reject", {"reason": reason},
                                               now=at + datetime.timedelta(days=2))
            added += 1
    session.flush()
    return added


@click.command("social-passport-reviews")
@with_appcontext
def reviews_command():
    """Mark approved social passports whose approval is 12 months old as due for annual review (run daily)."""
    from app.extensions import db

    due = service.mark_reviews_due(db.session)
    db.session.commit()
    click.echo(f"{len(due)} social passports marked due for annual review")
