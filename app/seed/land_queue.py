"""Land-plot queue: the classifier of priority categories (reference data) and deterministic demo queues in several
oblasts, registered, allocated and removed through the services."""
import datetime
import random

from sqlalchemy import select

from app.services import land_queue
from models.land_queue import LandApplication, LandCategory, LandFamilyMember
from app.clock import local_today

#: (code, rank, minimum age, name_ky, name_ru, name_en, legal basis). Equal ranks are served by time received.
#: Sources: Land Code of the Kyrgyz Republic (1999); Regulation on providing land plots for individual housing
#: construction, Government Resolution of 6 May 2005 No. 177 (as amended on 31 May 2022); the Children's Code (2012);
#: the Law on the rights and guarantees of persons with disabilities (2008); the Law on the status of servicemen.
#: An LSG body edits ranks in the classifier to follow the edition in force.
CATEGORIES = [
    ("orphans", 1, 16, "Жетим балдар жана балдар үйлөрүнүн бүтүрүүчүлөрү",
     "Дети-сироты и выпускники детских домов", "Orphans and graduates of children's homes",
     "Кодекс КР о детях (2012): дети-сироты и дети, оставшиеся без попечения родителей, — право на земельный "
     "участок для ИЖС с 16 лет; Положение, утв. ПП КР от 06.05.2005 № 177"),
    ("disability", 2, 18, "Ден соолугунун мүмкүнчүлүгү чектелген мүчөлөрү бар үй-бүлөлөр",
     "Семьи, имеющие членов с инвалидностью", "Families with members with disabilities",
     "Закон КР «О правах и гарантиях лиц с ограниченными возможностями здоровья» (2008); Положение № 177"),
    ("large_family", 2, 18, "Көп балалуу үй-бүлөлөр", "Многодетные семьи", "Large families",
     "Положение о порядке предоставления земельных участков для ИЖС, утв. ПП КР от 06.05.2005 № 177"),
    ("military", 2, 18, "Аскер кызматчылары жана ардагерлер", "Военнослужащие и ветераны",
     "Military servicemen and veterans",
     "Закон КР «О статусе военнослужащих»; законы КР о ветеранах; Положение № 177"),
    ("general", 3, 18, "Жалпы кезек", "Общая очередь", "General queue",
     "Земельный кодекс КР (1999); Положение, утв. ПП КР от 06.05.2005 № 177"),
]
CATEGORY_WEIGHTS = {"orphans": 1, "disability": 2, "large_family": 3, "military": 1, "general": 9}

MALE_NAMES = ["Азамат", "Бакыт", "Нурлан", "Эрлан", "Темирлан", "Айбек", "Улан", "Мирлан", "Таалай", "Жыргалбек"]
FEMALE_NAMES = ["Айгүл", "Гүлнара", "Жамиля", "Нургүл", "Айпери", "Бермет", "Чолпон", "Асель", "Мээрим", "Динара"]
SURNAMES = ["Асанов", "Токтогулов", "Жумабаев", "Осмонов", "Сыдыков", "Мамытов", "Төлөгөнов", "Кадыров",
            "Абдыкеримов", "Үсөнов", "Өмүрбеков", "Эшенкулов"]
STREETS = ["Манас көчөсү", "Токтогул көчөсү", "Айтматов көчөсү", "Борбордук көчөсү", "Жеңиш көчөсү"]
APPLICATIONS_PER_TERRITORY = 14


def seed_reference(session, echo=print):
    """Add the categories that are missing (existing ones keep their edited names and ranks)."""
    known = set(session.scalars(select(LandCategory.code)))
    added = 0
    for code, rank, min_age, ky, ru, en, basis in CATEGORIES:
        if code in known:
            continue
        session.add(LandCategory(code=code, rank=rank, min_age=min_age, name_ky=ky, name_ru=ru, name_en=en,
                                 legal_basis=basis, active=True))
        added += 1
    session.flush()
    if added:
        echo(f"  land queue: {added} priority categories")
    return added


def demo_territories(session):
    """The household book's demo aiyl aimaks (one per oblast and the demo rayon's) and a city of oblast
    significance."""
    from app.seed import demo_city
    from app.seed.household_book import demo_aimaks

    city = demo_city(session)
    return demo_aimaks(session) + ([city] if city is not None else [])


def _pin(sex, birth, serial):
    return f"{'1' if sex == 'F' else '2'}{birth:%d%m%Y}{serial % 100000:05d}"


def _person(rng, sex, surname):
    first = rng.choice(FEMALE_NAMES if sex == "F" else MALE_NAMES)
    last = surname + ("а" if sex == "F" else "")
    father = rng.choice(MALE_NAMES)
    patronymic = father + ("овна" if sex == "F" else "ович") if father[-1] not in "аеиоуыэюяө" else None
    return last, first, patronymic


def seed(session, echo=print, per_territory=APPLICATIONS_PER_TERRITORY):
    seed_reference(session, echo)
    rng = random.Random(20261124)
    categories = {c.code: c for c in session.scalars(select(LandCategory))}
    weighted = [code for code, weight in CATEGORY_WEIGHTS.items() for _ in range(weight)]
    today = local_today()
    serial = 40000
    added = 0
    for index, territory in enumerate(demo_territories(session)):
        if session.scalar(select(LandApplication.id).where(LandApplication.territory_id == territory.id)):
            continue
        applications = []
        # applications arrive over the years and are registered in the order received
        arrivals = sorted(datetime.datetime(2019, 1, 10, 9) + datetime.timedelta(
            days=rng.randint(0, (today - datetime.date(2019, 3, 1)).days), minutes=rng.randint(0, 480))
            for _ in range(per_territory))
        for received in arrivals:
            serial += 1
            code = rng.choice(weighted)
            sex = rng.choice("MF")
            age = rng.randint(16, 22) if code == "orphans" else rng.randint(24, 58)
            birth = received.date() - datetime.timedelta(days=age * 365 + rng.randint(30, 300))
            surname = rng.choice(SURNAMES)
            last, first, patronymic = _person(rng, sex, surname)
            family_size = 1 if code == "orphans" else rng.randint(2, 7) if code == "large_family" else rng.randint(1, 5)
            application = LandApplication(
                territory=territory, kind="lease" if rng.random() < 0.25 else "housing", category=categories[code],
                received_at=received, last_name=last, first_name=first, patronymic=patronymic,
                pin=_pin(sex, birth, serial), address=f"{rng.choice(STREETS)}, {rng.randint(1, 140)}",
                phone=f"+996 {rng.choice(['555', '700', '772', '502'])} {rng.randint(100000, 999999)}",
                family_size=family_size)
            land_queue.register(session, application)
            if family_size >= 3 and rng.random() < 0.6:  # list the spouse and a child with their PINs
                spouse_sex = "F" if sex == "M" else "M"
                spouse_birth = birth + datetime.timedelta(days=rng.randint(-900, 900))
                s_last, s_first, s_patronymic = _person(rng, spouse_sex, surname)
                serial += 1
                land_queue.add_family_member(session, LandFamilyMember(
                    application=application, pin=_pin(spouse_sex, spouse_birth, serial), relation="spouse",
                    full_name=" ".join(p for p in (s_last, s_first, s_patronymic) if p)))
                child_sex = rng.choice("MF")
                child_birth = received.date() - datetime.timedelta(days=rng.randint(200, 12 * 365))
                c_last, c_first, c_patronymic = _person(rng, child_sex, surname)
                serial += 1
                land_queue.add_family_member(session, LandFamilyMember(
                    application=application, pin=_pin(child_sex, child_birth, serial), relation="child",
                    full_name=" ".join(p for p in (c_last, c_first, c_patronymic) if p)))
            applications.append(application)
        session.flush()
        # a few plots allocated to the head of the housing queue, a few applications removed
        for plot in range(3):
            first = session.scalar(select(LandApplication).where(
                LandApplication.territory_id == territory.id, LandApplication.kind == "housing",
                LandApplication.position == 1))
            if first is None:
                break
            decided = min(today, local_today(first.received_at) + datetime.timedelta(days=rng.randint(120, 900)))
            land_queue.allocate(session, first, cadastral_number=f"{index + 1}-{index + 10:02d}-{plot + 1:02d}-"
                                f"{rng.randint(1, 9999):04d}-{plot + 1:04d}",
                                plot_address=f"{territory.name_ru}, {rng.choice(STREETS)}, {rng.randint(1, 90)}",
                                area=rng.choice([600, 800, 1000, 1200]), decision_number=f"{decided.year}/{plot + 7}",
                                decision_date=decided)
        waiting = [a for a in applications if a.status == "queue"]
        for application, reason in zip(rng.sample(waiting, min(2, len(waiting))), ["own_request", "moved_away"]):
            removed = min(today, local_today(application.received_at) + datetime.timedelta(days=rng.randint(60, 700)))
            land_queue.remove(session, application, reason=reason, removed_on=removed)
        session.flush()
        added += len(applications)
        echo(f"  land queue: {len(applications)} applications in {territory.name_ru}")
    echo(f"  land queue: {added} applications added")
    return added
