"""Deterministic demo households: one aiyl aimak per oblast (and the demo users' own rayon), through the
household-book services, with valid PINs."""
import datetime
import random

from sqlalchemy import select

from app import clock, signing
from app.seed import DEMO_RAYON
from app.services import household_book
from app.territory_kinds import AIYL_AIMAK, LSG_BODY_KINDS, OBLAST
from models.household_book import Household, HouseholdMember, Movement
from models.reference import Territory
from app.clock import local_today

MALE_NAMES = ["Азамат", "Бакыт", "Нурлан", "Эрлан", "Темирлан", "Айбек", "Улан", "Мирлан", "Таалай", "Жыргалбек"]
FEMALE_NAMES = ["Айгүл", "Гүлнара", "Жамиля", "Нургүл", "Айпери", "Бермет", "Чолпон", "Асель", "Мээрим", "Динара"]
SURNAMES = ["Асанов", "Токтогулов", "Жумабаев", "Осмонов", "Сыдыков", "Мамытов", "Төлөгөнов", "Кадыров",
            "Абдыкеримов", "Үсөнов", "Өмүрбеков", "Эшенкулов"]
STREETS = ["Манас көчөсү", "Токтогул көчөсү", "Ленин көчөсү", "Айтматов көчөсү", "Борбордук көчөсү"]
DEMO_AIMAKS_PER_OBLAST = 1


def seed_reference(session, echo=print):
    """The executive bodies of local self-government (aiyl okmotu, mayor's office) that keep a household book
    issue certificates from it and sign them: in a demo installation the demo CA is made and each such body gets
    a certificate (a body that starts its book later gets one when it first signs)."""
    signing.ensure_demo_signers(session, issuing_bodies(session), clock.now(), echo)


def issuing_bodies(session):
    """The LSG bodies whose territory has households: found from the distinct territories of households (an
    index scan), never by scanning the book."""
    territory_ids = session.scalars(select(Household.territory_id).distinct()).all()
    if not territory_ids:
        return []
    codes = set()
    for path in session.scalars(select(Territory.path).where(Territory.id.in_(territory_ids))):
        codes.update(code for code in path.strip("/").split("/") if code)
    bodies = session.scalars(select(Territory).where(Territory.code.in_(codes),
                                                     Territory.kind.in_(LSG_BODY_KINDS))).all()
    by_code = {b.code: b for b in bodies}
    chosen = {}
    for path in session.scalars(select(Territory.path).where(Territory.id.in_(territory_ids))):
        # the nearest body above the household's unit (a city district before its city)
        for code in reversed(path.strip("/").split("/")):
            if code in by_code:
                chosen[code] = by_code[code]
                break
    return [chosen[code] for code in sorted(chosen)]


def demo_aimaks(session):
    """The first aiyl aimak of each oblast, plus the first one of the demo rayon."""
    chosen = []
    for oblast in session.scalars(select(Territory).where(Territory.kind == OBLAST).order_by(Territory.code)):
        aimak = session.scalars(select(Territory).where(Territory.kind == AIYL_AIMAK,
                                                        Territory.path.startswith(oblast.path))
                                .order_by(Territory.code)).first()
        if aimak is not None:
            chosen.append(aimak)
    rayon = session.scalar(select(Territory).where(Territory.code == DEMO_RAYON))
    if rayon is not None:
        own = session.scalars(select(Territory).where(Territory.kind == AIYL_AIMAK,
                                                      Territory.path.startswith(rayon.path))
                              .order_by(Territory.code)).first()
        if own is not None and own not in chosen:
            chosen.append(own)
    return chosen


def make_pin(rng, sex, birth):
    return f"{'1' if sex == 'F' else '2'}{birth:%d%m%Y}{rng.randint(0, 99999):05d}"


def _person(rng, sex, birth, surname, relation, household):
    first = rng.choice(FEMALE_NAMES if sex == "F" else MALE_NAMES)
    last = surname + ("а" if sex == "F" else "")
    father = rng.choice(MALE_NAMES)
    patronymic = father + ("овна" if sex == "F" else "ович") if father[-1] not in "аеиоуыэюяө" else None
    age = (local_today() - birth).days // 365
    employment = ("preschool" if age < 7 else "schoolchild" if age < 18 else "pensioner" if age >= 63 else
                  rng.choice(["employed", "self_employed", "farmer", "unemployed", "migrant", "homemaker"]))
    return HouseholdMember(household=household, pin=make_pin(rng, sex, birth), last_name=last, first_name=first,
                           patronymic=patronymic, sex=sex, birth_date=birth, relation=relation,
                           citizenship="KG", registration="permanent", employment=employment)


def _birth(rng, min_age, max_age):
    today = local_today()
    return today - datetime.timedelta(days=rng.randint(min_age * 365 + 1, max_age * 365 - 1))


def seed(session, echo=print, households_per_aimak=8):
    rng = random.Random(20261123)
    added = 0
    for aimak in demo_aimaks(session):
        village = session.scalars(select(Territory).where(Territory.parent_id == aimak.id)
                                  .order_by(Territory.code)).first() or aimak
        if session.scalar(select(Household.id).where(Household.territory_id == village.id)) is not None:
            continue
        for number in range(1, households_per_aimak + 1):
            household = Household(territory=village, number=f"{number:03d}",
                                  address=f"{rng.choice(STREETS)}, {rng.randint(1, 120)}")
            session.add(household)
            surname = rng.choice(SURNAMES)
            head_sex = rng.choice("MMMF")
            head = _person(rng, head_sex, _birth(rng, 28, 70), surname, "head", household)
            household_book.register_member(session, head, how="record")
            session.flush()
            if rng.random() < 0.8:
                spouse_sex = "F" if head_sex == "M" else "M"
                spouse = _person(rng, spouse_sex, _birth(rng, 25, 65), surname, "spouse", household)
                household_book.register_member(session, spouse, how="record")
            for _ in range(rng.randint(0, 4)):
                child = _person(rng, rng.choice("MF"), _birth(rng, 0, 24), surname, "child", household)
                household_book.register_member(session, child, how="record")
            if rng.random() < 0.3:
                elder = _person(rng, rng.choice("MF"), _birth(rng, 66, 90), surname, "parent", household)
                household_book.register_member(session, elder, how="record")
            if number == 1:  # a newborn, registered as a birth
                baby = _person(rng, rng.choice("MF"), _birth(rng, 0, 1), surname, "child", household)
                household_book.register_member(session, baby, how="birth", on_date=baby.birth_date)
            if number == 2:  # a grown-up child who left for work in Bishkek
                leaver = _person(rng, rng.choice("MF"), _birth(rng, 19, 24), surname, "child", household)
                household_book.register_member(session, leaver, how="record")
                session.flush()
                household_book.record_movement(session, Movement(
                    member=leaver, kind="departure", on_date=local_today() - datetime.timedelta(days=40),
                    place="Бишкек шаары"))
            session.flush()
            added += 1
        echo(f"  household book: {households_per_aimak} households in {village.name_ru}")
    members = session.query(HouseholdMember).count()
    echo(f"  household book: {added} households added, {members} members in all")
    seed_certificates(session, echo)
    return added


def seed_certificates(session, echo=print):
    """Two certificates per demo aiyl aimak (one of each kind), issued through the service."""
    from models.household_book import Certificate

    if session.query(Certificate.id).first() is not None:
        return 0
    signing.ensure_demo_signers(session, issuing_bodies(session), clock.now(), echo)
    issued = 0
    for aimak in demo_aimaks(session):
        heads = session.scalars(select(HouseholdMember).join(Household).join(Territory)
                                .where(Territory.path.startswith(aimak.path), HouseholdMember.relation == "head",
                                       HouseholdMember.is_active.is_(True)).order_by(HouseholdMember.id).limit(2)).all()
        for head, (kind, language) in zip(heads, [("household_composition", "ky"), ("residence", "ru")]):
            household_book.issue_certificate(session, Certificate(
                member=head, kind=kind, language=language, signer_name="Асанов Б. Т.",
                signer_position="Айыл өкмөтүнүн башчысы" if language == "ky" else "Глава айыл окмоту"),
                clock.local_today(), clock.now())
            session.flush()
            issued += 1
    echo(f"  household book: {issued} certificates issued")
    return issued
