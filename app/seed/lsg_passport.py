"""Classifiers of the LSG passport (object types, spheres of activity, indicators) in ky/ru/en, and deterministic
demo passports for the household book's demo aiyl aimaks (and two neighbours in each of their rayons, with entered
figures), all through the services."""
import decimal
import random

from sqlalchemy import select

from app.seed.household_book import demo_aimaks
from app.services import lsg_passport as service
from app.services.household_book import AGE_GROUPS
from models.lsg_passport import LsgActivitySphere, LsgIndicator, LsgObjectType, LsgPassport, LsgProblem, \
    LsgSocialObject
from app.territory_kinds import AIYL_AIMAK
from models.reference import Territory
from app.clock import local_today

# code: (ky, ru, en)
OBJECT_TYPES = {
    "school": ("Мектеп", "Школа", "School"),
    "kindergarten": ("Бала бакча", "Детский сад", "Kindergarten"),
    "fap": ("Фельдшердик-акушердик пункт (ФАП)", "Фельдшерско-акушерский пункт (ФАП)", "Feldsher-midwife post"),
    "fdg": ("Үй-бүлөлүк дарыгерлер тобу (ҮДТ)", "Группа семейных врачей (ГСВ)", "Family doctors' group"),
    "fmc": ("Үй-бүлөлүк медицина борбору (ҮМБ)", "Центр семейной медицины (ЦСМ)", "Family medicine centre"),
    "hospital": ("Оорукана", "Больница", "Hospital"),
    "culture_house": ("Маданият үйү (клуб)", "Дом культуры (клуб)", "Culture house (club)"),
    "library": ("Китепкана", "Библиотека", "Library"),
    "sports_ground": ("Спорт аянтчасы", "Спортивная площадка", "Sports ground"),
    "sports_hall": ("Спорт залы", "Спортивный зал", "Sports hall"),
    "water_supply": ("Ичүүчү суу менен камсыздоо системасы", "Система питьевого водоснабжения",
                     "Drinking water supply system"),
    "bathhouse": ("Мончо", "Баня", "Bathhouse"),
    "other": ("Башка объект", "Прочий объект", "Other object"),
}

SPHERES = {
    "agriculture": ("Айыл чарбасы (өсүмдүк өстүрүү)", "Сельское хозяйство (растениеводство)",
                    "Agriculture (crop farming)"),
    "livestock": ("Мал чарбачылыгы", "Животноводство", "Livestock breeding"),
    "trade": ("Соода", "Торговля", "Trade"),
    "tourism": ("Туризм", "Туризм", "Tourism"),
    "mining": ("Тоо-кен өнөр жайы", "Горнодобывающая промышленность", "Mining"),
    "processing": ("Айыл чарба продукциясын кайра иштетүү", "Переработка сельскохозяйственной продукции",
                   "Processing of farm produce"),
    "construction": ("Курулуш", "Строительство", "Construction"),
    "transport": ("Транспорт жана логистика", "Транспорт и логистика", "Transport and logistics"),
    "services": ("Тиричилик кызматтары", "Бытовые услуги", "Consumer services"),
    "crafts": ("Кол өнөрчүлүк", "Ремёсла", "Crafts"),
    "beekeeping": ("Бал челекчилик", "Пчеловодство", "Beekeeping"),
    "forestry": ("Токой чарбасы", "Лесное хозяйство", "Forestry"),
    "energy": ("Энергетика (чакан ГЭСтер)", "Энергетика (малые ГЭС)", "Energy (small hydropower)"),
}

# code: (ky, ru, en, unit, category)
OTHER_INDICATORS = {
    "households": ("Үй чарбалары", "Домохозяйства", "Households", "households", "population"),
    "schoolchildren": ("Мектеп окуучулары", "Учащиеся школ", "Schoolchildren", "people", "social"),
    "pensioners": ("Пенсионерлер", "Пенсионеры", "Pensioners", "people", "social"),
    "disabled": ("Майыптыгы бар адамдар", "Лица с инвалидностью", "Persons with disabilities", "people", "social"),
    "poor_families": ("«Үй-бүлөгө көмөк» жөлөкпулун алган үй-бүлөлөр",
                      "Семьи, получающие пособие «Үй-бүлөгө көмөк»",
                      "Families receiving the “Uy-buloogo komok” benefit", "households", "social"),
    "unemployed": ("Катталган жумушсуздар", "Зарегистрированные безработные", "Registered unemployed", "people",
                   "social"),
    "labour_migrants": ("Эмгек мигранттары (чет өлкөдө)", "Трудовые мигранты (за рубежом)",
                        "Labour migrants (abroad)", "people", "social"),
    "enterprises": ("Ишканалар жана уюмдар", "Предприятия и организации", "Enterprises and organisations",
                    "units", "economy"),
    "farms": ("Дыйкан (фермердик) чарбалар", "Крестьянские (фермерские) хозяйства", "Peasant (farm) holdings",
              "units", "economy"),
    "arable_land": ("Айдоо жерлер", "Пашня", "Arable land", "ha", "land"),
    "irrigated_land": ("Сугарылуучу жерлер", "Орошаемые земли", "Irrigated land", "ha", "land"),
    "pastures": ("Жайыттар", "Пастбища", "Pastures", "ha", "land"),
    "cattle": ("Ири мүйүздүү мал", "Крупный рогатый скот", "Cattle", "heads", "land"),
    "sheep_goats": ("Кой-эчкилер", "Овцы и козы", "Sheep and goats", "heads", "land"),
    "horses": ("Жылкылар", "Лошади", "Horses", "heads", "land"),
    "budget_revenue": ("Жергиликтүү бюджеттин кирешелери", "Доходы местного бюджета", "Local budget revenue",
                       "thousand_som", "budget"),
    "own_revenue": ("Жергиликтүү бюджеттин өз кирешелери", "Собственные доходы местного бюджета",
                    "Own revenue of the local budget", "thousand_som", "budget"),
    "equalisation_grant": ("Теңдештирүүчү грант", "Выравнивающий грант", "Equalisation grant", "thousand_som",
                           "budget"),
}


def population_indicators():
    """(code, ky, ru, en) of the population indicators: totals and every sex and five-year age group."""
    rows = [("pop_total", "Туруктуу калктын саны", "Численность постоянного населения", "Resident population"),
            ("pop_male", "Эркектер", "Мужчины", "Men"), ("pop_female", "Аялдар", "Женщины", "Women")]
    for sex, ky, ru, en in (("M", "эркектер", "Мужчины", "Men"), ("F", "аялдар", "Женщины", "Women")):
        for low, high in AGE_GROUPS:
            code = service.age_code(sex, low, high)
            if high >= 200:
                rows.append((code, f"{low} жаш жана андан улуу {ky}", f"{ru} {low} лет и старше",
                             f"{en} aged {low} and over"))
            else:
                rows.append((code, f"{low}–{high} жаштагы {ky}", f"{ru} {low}–{high} лет", f"{en} aged {low}–{high}"))
    return rows


def _upsert(session, model, code, names, **extra):
    """Add a classifier entry that is missing (existing entries keep their possibly edited names)."""
    if session.scalar(select(model.id).where(model.code == code)) is not None:
        return 0
    ky, ru, en = names
    session.add(model(code=code, name_ky=ky, name_ru=ru, name_en=en, **extra))
    return 1


def seed_reference(session, echo=print):
    added = 0
    for code, names in OBJECT_TYPES.items():
        added += _upsert(session, LsgObjectType, code, names)
    for code, names in SPHERES.items():
        added += _upsert(session, LsgActivitySphere, code, names)
    order = 0
    for code, ky, ru, en in population_indicators():
        order += 1
        added += _upsert(session, LsgIndicator, code, (ky, ru, en), unit="people", category="population",
                         sort_order=order)
    for code, (ky, ru, en, unit, category) in OTHER_INDICATORS.items():
        order += 1
        added += _upsert(session, LsgIndicator, code, (ky, ru, en), unit=unit, category=category, sort_order=order)
    session.flush()
    echo(f"  LSG passport: {added} classifier entries added")
    return added


# --- demo data ----------------------------------------------------------------------------------------------
OBJECT_NAMES = {
    "school": "Орто мектеби", "kindergarten": "«Балапан» бала бакчасы", "fap": "ФАП", "fdg": "ҮДТ",
    "culture_house": "Маданият үйү", "library": "Айылдык китепкана", "sports_ground": "Спорт аянтчасы",
    "water_supply": "Суу түтүгү", "bathhouse": "Коомдук мончо",
}
PROBLEMS = [
    ("Мектептин чатырын капиталдык оңдоо", "school", 2_500_000),
    ("Жаңы бала бакча куруу (60 орун)", "kindergarten", 18_000_000),
    ("Ичүүчү суу түтүгүн реконструкциялоо", "water_supply", 9_500_000),
    ("ФАПтын имаратын оңдоо", "fap", 1_200_000),
    ("Айыл ичиндеги жолдорду асфальттоо", None, 6_000_000),
    ("Көчө жарыгын орнотуу", None, 800_000),
]


def _entered_population(rng, total):
    """Plausible entered figures by sex and age group adding up to about `total` (a younger population)."""
    figures = {}
    weights = [11, 10, 9, 8, 8, 8, 7, 7, 6, 6, 5, 5, 4, 3, 3]
    scale = total / sum(weights) / 2
    for (low, high), weight in zip(AGE_GROUPS, weights):
        for sex in ("M", "F"):
            figures[service.age_code(sex, low, high)] = max(0, int(weight * scale * rng.uniform(0.85, 1.15)))
    male = sum(v for k, v in figures.items() if k.startswith("pop_m_"))
    female = sum(v for k, v in figures.items() if k.startswith("pop_f_"))
    figures.update(pop_male=male, pop_female=female, pop_total=male + female)
    return figures


def _neighbours(session, aimak, count=2):
    rayon = aimak.parent
    return list(session.scalars(select(Territory).where(Territory.parent_id == rayon.id,
                                                        Territory.kind == AIYL_AIMAK, Territory.id != aimak.id)
                                .order_by(Territory.code).limit(count))) if rayon is not None else []


def _fill(session, rng, passport, with_population):
    indicators = service.indicators_by_code(session)
    spheres = list(session.scalars(select(LsgActivitySphere).order_by(LsgActivitySphere.code)))
    types = {t.code: t for t in session.scalars(select(LsgObjectType))}
    villages = list(session.scalars(select(Territory).where(Territory.parent_id == passport.territory_id)
                                    .order_by(Territory.code))) or [passport.territory]
    passport.administrative_centre = villages[0].name_ru
    passport.area_km2 = decimal.Decimal(str(round(rng.uniform(80, 900), 1)))
    passport.spheres = sorted(rng.sample(spheres, 3), key=lambda s: s.code)
    passport.activity_note = "Негизги киреше булагы — мал чарбачылыгы жана дыйканчылык; айрым үй-бүлөлөр " \
                             "соода жана кызмат көрсөтүү менен алектенет."
    passport.infrastructure = "Мектептер, бала бакча, ФАП, маданият үйү, китепкана; ичүүчү суу түтүгү " \
                              "айылдардын бир бөлүгүн гана камтыйт."
    service.save_passport(session, passport)
    if with_population:
        for code, number in _entered_population(rng, rng.randint(2500, 9000)).items():
            service.set_entered_value(session, passport, indicators[code], number, note="Статистика комитети")
    else:  # the household book's figures apply; the statistics committee's total is kept beside them
        service.set_entered_value(session, passport, indicators["pop_total"], rng.randint(2500, 9000),
                                  note="Статистика комитети")
    for code, low, high in (("pensioners", 300, 900), ("labour_migrants", 150, 1200), ("arable_land", 800, 6000),
                            ("pastures", 5000, 60000), ("cattle", 1500, 9000), ("sheep_goats", 4000, 30000),
                            ("budget_revenue", 8000, 40000)):
        service.set_entered_value(session, passport, indicators[code], rng.randint(low, high))
    objects = {}
    conditions = ["good", "good", "satisfactory", "satisfactory", "needs_repair", "emergency"]
    for code, name in OBJECT_NAMES.items():
        for number in range(1, (3 if code == "school" else 2)):
            village = rng.choice(villages)
            obj = LsgSocialObject(passport=passport, object_type=types[code], settlement=village,
                                  name=f"{village.name_ru}: {name}" + (f" №{number}" if code == "school" else ""),
                                  condition=rng.choice(conditions), capacity=rng.randint(20, 600),
                                  year_built=rng.randint(1955, 2020))
            service.add_social_object(session, obj)
            objects.setdefault(code, obj)
    for priority, (title, code, cost) in enumerate(rng.sample(PROBLEMS, 3), start=1):
        problem = LsgProblem(passport=passport, title=title, priority=priority, estimated_cost=cost,
                             status=rng.choice(["identified", "planned", "in_progress"]),
                             social_object=objects.get(code), funding_source="Жергиликтүү бюджет, ӨКТ")
        service.add_problem(session, problem)


def seed(session, echo=print, today=None):
    """A passport of the current year for every demo aiyl aimak (population from the household book) and for two
    neighbours in its rayon (entered population), each with social objects, problems and indicators."""
    rng = random.Random(20261124)
    today = today or local_today()
    added = 0
    for aimak in demo_aimaks(session):
        for unit, entered in [(aimak, False)] + [(n, True) for n in _neighbours(session, aimak)]:
            if session.scalar(select(LsgPassport.id).where(LsgPassport.territory_id == unit.id,
                                                           LsgPassport.year == today.year)) is not None:
                continue
            passport = service.create_passport(session, unit, today.year, today)
            _fill(session, rng, passport, with_population=entered)
            session.flush()
            added += 1
    echo(f"  LSG passport: {added} passports added")
    return added
