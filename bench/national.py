"""National-scale household book: a generator that loads the whole country into PostgreSQL, and a benchmark of
the pages people use most, served by gunicorn (issue 14). Run on demand; prints numbers, asserts nothing.

    python bench/national.py load --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_national \
        [--scale 1.0] [--seed 14]
    python bench/national.py measure --database-url … [--as admin|clerk] [--repeat 5] [--workers 2]

`load` drops and recreates the database's public schema, prepares it the normal way (`app.cli.prepare_database`:
migrations, roles, reference data with the SOATE tree), creates the logins `admin` (national) and `clerk` (LSG
clerk of Alamüdün rayon), then generates 7.3 M × scale household members in 1.7 M × scale households spread over
every settled unit of the tree, and in proportion social passports, land-queue applications, municipal property
objects and child-protection cases. Rows are streamed to PostgreSQL with `COPY` in batches (never all in memory);
the secondary indexes are dropped before and rebuilt after, then ANALYZE. See bench/README.md."""
import argparse
import datetime
import decimal
import json
import os
import random
import shutil
import sys
import tempfile
import time
from types import SimpleNamespace

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

PASSWORD = "BenchNational123"
SECRET_KEY = "bench-national-secret-key-of-at-least-32-bytes"
CLERK_RAYON = "41708203000000"  # Alamüdün rayon (Chüy oblast), around Bishkek
NATIONAL_MEMBERS = 7_300_000
# planted once: the "rare full name" of the benchmark (no list below has any of its parts)
RARE = ("Чокморова", "Айзада", "Бекболотовна")
RARE_CLERK = ("Бакасова", "Нурайым", "Эркинбековна")  # the same, once inside the clerk's rayon
BATCH_HOUSEHOLDS = 20_000

# --- what the generator draws from -----------------------------------------------------------------------------
# people living in one unit, by SOATE kind, before a log-normal spread (villages) and the scale: rural about 62 %,
# Bishkek (4 districts) about 1.1 M, Osh about 0.35 M, as in the census
PEOPLE_BY_KIND = {"village": 2400, "aiyl_aimak": 5000, "settlement": 1500, "village_under_city": 3000,
                  "urban_type_settlement": 8000, "city_rayon": 15000, "city_oblast": 45000,
                  "city_district": 280000, "city_republican": 350000, "other": 1000}
HOUSEHOLD_SIZES = [(1, 10), (2, 13), (3, 15), (4, 18), (5, 16), (6, 11), (7, 8), (8, 5), (9, 2.5), (10, 1.5)]
RUSSIAN_SHARE = 0.07
KY_SURNAMES_EXTRA = ["Абдыраимов", "Алиев", "Бакиров", "Бекмуратов", "Жумабеков", "Исаков", "Калыков",
                     "Молдобаев", "Назаров", "Орозбеков", "Сатыбалдиев", "Турдубаев", "Ураимов", "Шаршеев",
                     "Эсенов", "Ысаков", "Акматов", "Байсалов", "Джапаров", "Иманалиев", "Кенжебаев",
                     "Мамбетов", "Нурматов", "Садыков", "Токтосунов", "Усубалиев", "Чыныбаев", "Абдылдаев",
                     "Бейшенов", "Дөөлөтов", "Жээнбеков", "Кубатов", "Медетов", "Сулайманов", "Темиров"]
KY_MALE_EXTRA = ["Бекжан", "Данияр", "Эмил", "Нурбек", "Марат", "Канат", "Асан", "Үсөн", "Бектур", "Тилек",
                 "Адилет", "Элдияр", "Жоомарт", "Кубанычбек", "Самат", "Руслан", "Медер", "Нурсултан", "Ислам",
                 "Алмаз"]
KY_FEMALE_EXTRA = ["Айжан", "Назгүл", "Гүлзат", "Жылдыз", "Канышай", "Айнура", "Салтанат", "Мадина", "Аида",
                   "Жибек", "Бегимай", "Нуриза", "Элнура", "Айдана", "Толгонай", "Гүлмира", "Венера", "Айсулуу",
                   "Зарина", "Алтынай"]
RU_SURNAMES = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов",
               "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов",
               "Козлов", "Степанов", "Николаев"]
RU_MALE = {"Александр": "Александров", "Сергей": "Сергеев", "Дмитрий": "Дмитриев", "Андрей": "Андреев",
           "Алексей": "Алексеев", "Владимир": "Владимиров", "Николай": "Николаев", "Иван": "Иванов",
           "Михаил": "Михайлов", "Евгений": "Евгеньев", "Виктор": "Викторов", "Юрий": "Юрьев"}
RU_FEMALE = ["Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Анна", "Мария", "Екатерина",
             "Людмила", "Галина", "Валентина"]
KY_STREETS_EXTRA = ["Жибек Жолу көчөсү", "Чүй көчөсү", "Фрунзе көчөсү", "Молодая Гвардия көчөсү",
                    "Ибраимов көчөсү", "Тыныстанов көчөсү", "Жаштык көчөсү", "Бакай-Ата көчөсү"]
PROPERTY_NAMES = {"land": "Жер участогу", "building": "Имарат", "premises": "Жай", "infrastructure": "Суу түтүгү",
                  "movable": "Унаа"}


def _today():
    from app.clock import local_today

    return local_today()


# --- COPY ------------------------------------------------------------------------------------------------------
def _enc(value):
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return _enc(json.dumps(value, ensure_ascii=False))
    return str(value)


class CopyTable:
    """Rows of one table for COPY: the columns given per row, then every other NOT NULL column without a server
    default filled with the model's own default (created_on/changed_on: the load's instant, custom: {})."""

    def __init__(self, table, given, now):
        self.table, self.name = table, table.name
        fill = {}
        for column in table.columns:
            if column.name in given or column.server_default is not None or \
                    (column.primary_key and column.autoincrement in (True, "auto")):
                continue  # the database fills it (a serial id, a server default)
            default = column.default
            if default is None:
                if not column.nullable:
                    raise SystemExit(f"{table.name}.{column.name}: NOT NULL without a default, give it a value")
                continue
            if default.is_scalar:
                fill[column.name] = default.arg
            elif column.name in ("created_on", "changed_on", "at"):
                fill[column.name] = now
            elif column.name == "custom":
                fill[column.name] = {}
            elif column.nullable:
                continue  # created_by_fk and the like: the system wrote it
            else:
                raise SystemExit(f"{table.name}.{column.name}: callable default, give it a value")
        self.columns = list(given) + list(fill)
        self.tail = "".join("\t" + _enc(v) for v in fill.values())
        self.lines = []
        self.rows = 0
        self.next_id = 1

    def add(self, *values):
        self.lines.append("\t".join(map(_enc, values)) + self.tail + "\n")
        self.rows += 1

    def take_id(self):
        self.next_id += 1
        return self.next_id - 1

    def flush(self, cursor):
        if not self.lines:
            return
        with cursor.copy(f"COPY {self.name} ({', '.join(self.columns)}) FROM STDIN") as copy:
            for start in range(0, len(self.lines), 20000):
                copy.write("".join(self.lines[start:start + 20000]))
        self.lines = []


# --- the people ------------------------------------------------------------------------------------------------
class People:
    """Households of plausible composition: a head (mostly a man of 25–80), a spouse, children born to mothers
    aged 18–42, sometimes a parent of the head or grandchildren; Kyrgyz or (7 %) Russian names; PINs agreeing with
    sex and birth date, unique (a serial per sex and birth date)."""

    def __init__(self, rng, today):
        from app.seed.household_book import FEMALE_NAMES, MALE_NAMES, STREETS, SURNAMES

        self.rng, self.today = rng, today
        self.ky_surnames = SURNAMES + KY_SURNAMES_EXTRA
        self.ky_male = MALE_NAMES + KY_MALE_EXTRA
        self.ky_female = FEMALE_NAMES + KY_FEMALE_EXTRA
        self.streets = STREETS + KY_STREETS_EXTRA
        self.serials = {}
        self.sizes = [s for s, _ in HOUSEHOLD_SIZES]
        self.size_weights = [w for _, w in HOUSEHOLD_SIZES]

    def pin(self, sex, birth):
        key = (sex, birth)
        serial = self.serials.get(key, 0) + 1
        self.serials[key] = serial
        return f"{'1' if sex == 'F' else '2'}{birth:%d%m%Y}{serial:05d}"

    def birth(self, age):
        days = int((age + self.rng.random()) * 365.25)
        return max(self.today - datetime.timedelta(days=days), datetime.date(1905, 1, 1))

    def employment(self, age):
        if age < 7:
            return "preschool"
        if age < 18:
            return "schoolchild"
        if age >= 63:
            return "pensioner"
        return self.rng.choice(["employed", "employed", "self_employed", "farmer", "unemployed", "migrant",
                                "homemaker", "student" if age < 24 else "employed"])

    def household(self):
        """[(relation, sex, age, last, first, patronymic)] of one household; the head first."""
        rng = self.rng
        size = rng.choices(self.sizes, self.size_weights)[0]
        russian = rng.random() < RUSSIAN_SHARE
        surname = rng.choice(RU_SURNAMES if russian else self.ky_surnames)
        head_age = int(rng.triangular(22, 88, 42))
        head_sex = "M" if rng.random() < (0.84 if head_age < 60 else 0.55) else "F"  # widows head households
        people = [("head", head_sex, head_age)]
        if size >= 2 and rng.random() < 0.85:
            people.append(("spouse", "F" if head_sex == "M" else "M",
                           max(18, head_age + (rng.randint(-9, 2) if head_sex == "M" else rng.randint(-2, 9)))))
        mother_age = next((a for r, s, a in people if s == "F"), head_age)
        if size - len(people) >= 3 and head_age < 58 and rng.random() < 0.35:
            people.append(("parent", rng.choice("MF"), min(100, head_age + rng.randint(20, 32))))
        while len(people) < size:
            if head_age >= 52 and rng.random() < 0.5:
                people.append(("grandchild", rng.choice("MF"), rng.randint(0, max(0, min(17, head_age - 45)))))
            elif head_age >= 45 and rng.random() < 0.1:
                people.append(("in_law", "F", rng.randint(19, 35)))
            else:
                oldest = max(0, mother_age - 18)
                youngest = max(0, mother_age - 42)
                people.append(("child", rng.choice("MF"), rng.randint(min(youngest, oldest), oldest)))
        return [(relation, sex, age) + self.names(russian, surname, sex) for relation, sex, age in people]

    def names(self, russian, surname, sex):
        rng = self.rng
        last = surname + ("а" if sex == "F" else "")
        if russian:
            father, stem = rng.choice(list(RU_MALE.items()))
            first = rng.choice(RU_FEMALE) if sex == "F" else rng.choice(list(RU_MALE))
            patronymic = stem[:-2] + ("овна" if stem.endswith("ов") else "евна") if sex == "F" else \
                stem[:-2] + ("ович" if stem.endswith("ов") else "евич")
            if stem.endswith("ьев") or stem.endswith("рьев"):
                patronymic = stem[:-3] + ("ьевна" if sex == "F" else "ьевич")
            return last, first, patronymic
        first = rng.choice(self.ky_female if sex == "F" else self.ky_male)
        father = rng.choice(self.ky_male)
        patronymic = (father + ("овна" if sex == "F" else "ович")) if father[-1] not in "аеиоуыэюяөү" else None
        return last, first, patronymic


# --- the territories -------------------------------------------------------------------------------------------
def settled_units(cursor, rng, scale):
    """[(id, code, kind, path, people)] of every unit people live in (units without subordinate units), people
    drawn around PEOPLE_BY_KIND and scaled to 7.3 M × scale in all; ordered by path (a subtree is contiguous)."""
    cursor.execute("SELECT t.id, t.code, t.kind, t.path FROM ref_territory t WHERE NOT EXISTS "
                   "(SELECT 1 FROM ref_territory c WHERE c.parent_id = t.id) AND t.level > 1 ORDER BY t.path")
    leaves = cursor.fetchall()
    weights = [PEOPLE_BY_KIND.get(kind, 1000) * (rng.lognormvariate(0, 0.6) if kind in ("village", "aiyl_aimak")
                                                  else 1.0) for _i, _c, kind, _p in leaves]
    total = sum(weights)
    target = NATIONAL_MEMBERS * scale
    return [(i, c, k, p, w * target / total) for (i, c, k, p), w in zip(leaves, weights)]


def ancestors_by_kind(cursor, kinds):
    """{code: (id, code)} of the units of these kinds (an LSG body's territory)."""
    cursor.execute("SELECT id, code FROM ref_territory WHERE kind = ANY(%s)", (list(kinds),))
    return {code: (tid, code) for tid, code in cursor.fetchall()}


def nearest(path, units):
    for code in reversed(path.strip("/").split("/")):
        if code in units:
            return units[code]
    return None


# --- load ------------------------------------------------------------------------------------------------------
def psycopg_url(url):
    return url.replace("postgresql+psycopg://", "postgresql://")


def make_app(url, instance):
    os.environ["SANARIP_INSTANCE"] = instance
    from app import create_app

    return create_app(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=SECRET_KEY, LOGIN_RATE_LIMIT="100000 per minute",
                      LOGIN_THROTTLE_DELAY_SEC=0, INSTANCE_PATH=instance)


def ensure_database(url):
    """CREATE DATABASE unless it exists (connecting to the server's `postgres` database)."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    server = make_url(psycopg_url(url)).set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(server, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def prepare(url, instance):
    """A clean public schema prepared as `flask sanarip setup` does, with the two benchmark logins."""
    import logging

    from sqlalchemy import create_engine, text

    ensure_database(url)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    app = make_app(url, instance)
    with app.app_context():
        from app.cli import create_user, prepare_database
        from app.extensions import db
        from models.reference import Territory

        prepare_database(echo=lambda message: None)
        create_user("admin", PASSWORD, [app.config["AUTH_ROLE_ADMIN"]])
        rayon = db.session.query(Territory).filter_by(code=CLERK_RAYON).one()
        create_user("clerk", PASSWORD, ["LSG clerk"], territory=rayon)
        db.session.commit()
    return app


TABLES = ("household_book_household", "household_book_member", "social_passport_passport", "social_passport_member",
          "social_passport_status_change", "land_queue_application", "land_queue_status_change",
          "municipal_property_object", "child_protection_child", "child_protection_transition")


def drop_indexes(cursor):
    """Drop the secondary indexes of the loaded tables (not those of primary keys or constraints); returns their
    definitions to rebuild after the load."""
    cursor.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
                   "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                   "WHERE c.conindid = (quote_ident(i.indexname))::regclass)", (list(TABLES),))
    definitions = cursor.fetchall()
    for name, _definition in definitions:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in definitions]


def load(args):
    import psycopg

    from flask_appbuilder import Model

    __import__("models").import_all()
    from app import clock
    from app.services.land_queue import application_number
    from app.territory_kinds import LSG_UNIT_KINDS, PROPERTY_OWNER_KINDS

    started = time.perf_counter()
    instance = tempfile.mkdtemp(prefix="sanarip-bench-national-")
    prepare(args.database_url, instance)
    print(f"schema prepared (migrations, roles, reference data, 2 logins) in {time.perf_counter() - started:.0f} s",
          flush=True)
    rng = random.Random(args.seed)
    today, now = _today(), clock.now()
    tables = Model.metadata.tables
    households = CopyTable(tables["household_book_household"], ["id", "territory_id", "number", "address"], now)
    members = CopyTable(tables["household_book_member"], [
        "id", "household_id", "pin", "last_name", "first_name", "patronymic", "full_name", "sex", "birth_date",
        "relation", "citizenship", "registration", "employment", "is_active", "joined_on"], now)
    passports = CopyTable(tables["social_passport_passport"], [
        "id", "household_id", "territory_id", "surveyed_on", "status", "snapshot_on", "household_number", "address",
        "head_name", "members_count", "children_under_18", "children_under_16", "pensioners_count",
        "unemployed_count", "income_wages", "income_pensions", "income_total", "income_per_member",
        "welfare_score", "needs_support", "submitted_on", "approved_on", "review_due_on"], now)
    passport_members = CopyTable(tables["social_passport_member"], [
        "passport_id", "pin", "full_name", "sex", "birth_date", "relation", "employment", "age", "pensioner",
        "unemployed"], now)
    passport_steps = CopyTable(tables["social_passport_status_change"], [
        "passport_id", "at", "from_status", "to_status"], now)
    applications = CopyTable(tables["land_queue_application"], [
        "id", "number", "year", "seq", "kind", "category_id", "territory_id", "received_at", "last_name",
        "first_name", "patronymic", "full_name", "pin", "address", "family_size", "status", "position"], now)
    application_steps = CopyTable(tables["land_queue_status_change"], [
        "application_id", "at", "from_status", "to_status"], now)
    objects = CopyTable(tables["municipal_property_object"], [
        "id", "territory_id", "kind", "inventory_number", "name", "address", "area", "balance_value",
        "depreciation", "residual_value", "acquisition_basis", "acquired_on", "condition", "use_mode", "status"],
        now)
    children = CopyTable(tables["child_protection_child"], [
        "id", "territory_id", "last_name", "first_name", "patronymic", "full_name", "sex", "birth_date", "pin",
        "identified_on", "residence_address", "status"], now)
    child_steps = CopyTable(tables["child_protection_transition"], ["child_id", "at", "from_status", "to_status"],
                            now)
    every = [households, members, passports, passport_members, passport_steps, applications, application_steps,
             objects, children, child_steps]

    conn = psycopg.connect(psycopg_url(args.database_url))
    cursor = conn.cursor()
    cursor.execute("SET session_replication_role = replica")  # generated rows agree: no per-row FK triggers
    cursor.execute("SET synchronous_commit = off")
    cursor.execute("SET maintenance_work_mem = '512MB'")
    indexes = drop_indexes(cursor)
    conn.commit()
    units = settled_units(cursor, rng, args.scale)
    lsg_units = ancestors_by_kind(cursor, LSG_UNIT_KINDS)
    owner_units = ancestors_by_kind(cursor, PROPERTY_OWNER_KINDS)
    cursor.execute("SELECT id, rank FROM land_queue_category WHERE active AND min_age <= 18 ORDER BY rank")
    categories = cursor.fetchall()
    people = People(rng, today)
    rare_at = rng.randrange(len(units))
    in_rayon = [i for i, unit in enumerate(units) if f"/{CLERK_RAYON}/" in unit[3]]
    rare_clerk_at = rng.choice(in_rayon) if in_rayon else None
    queues = {}  # LSG territory (id, code) -> [applications], numbered and positioned at the end (2 % of households)
    counters = {}  # (code, year) -> last seq
    property_due = {}  # owner territory id -> households since its last object
    cp_statuses = ["identified", "assessment", "plan", "activities", "monitoring", "closed"]
    kinds = list(PROPERTY_NAMES)
    bases = ["purchase", "construction", "state_transfer", "donation"]
    pending, phase = 0, time.perf_counter()
    print(f"{len(units)} settled units, {args.scale * NATIONAL_MEMBERS:,.0f} members to generate", flush=True)

    def flush_queue(territory):
        tid, code = territory
        rows = sorted(queues.pop(territory), key=lambda a: (a["rank"], a["received_at"]))
        for seq_row in sorted(rows, key=lambda a: a["received_at"]):
            year = seq_row["received_at"].year
            counters[(code, year)] = seq_row["seq"] = counters.get((code, year), 0) + 1
        for position, a in enumerate(rows, start=1):
            aid = applications.take_id()
            applications.add(aid, application_number(SimpleNamespace(code=code), a["received_at"].year, a["seq"]),
                             a["received_at"].year, a["seq"], "housing", a["category"], tid, a["received_at"],
                             a["last"], a["first"], a["patronymic"], a["full"], a["pin"], a["address"], a["size"],
                             "queue", position)
            application_steps.add(aid, a["received_at"], None, "queue")

    for index, (unit_id, unit_code, kind, path, population) in enumerate(units):
        lsg = nearest(path, lsg_units)
        owner = nearest(path, owner_units)
        count = max(2, round(population / 4.3))
        for number in range(1, count + 1):
            hid = households.take_id()
            address = f"{rng.choice(people.streets)}, {rng.randint(1, 180)}"
            households.add(hid, unit_id, f"{number:04d}", address)
            rows = people.household()
            if index == rare_at and number == 1:
                rows.append(("in_law", "F", 31) + RARE)
            if index == rare_clerk_at and number == 1:
                rows.append(("in_law", "F", 27) + RARE_CLERK)
            written = []
            for relation, sex, age, last, first, patronymic in rows:
                birth = people.birth(age)
                pin = people.pin(sex, birth)
                full = " ".join(p for p in (last, first, patronymic) if p)
                employment = people.employment(age)
                mid = members.take_id()
                members.add(mid, hid, pin, last, first, patronymic, full, sex, birth, relation, "KG", "permanent",
                            employment, True, today - datetime.timedelta(days=rng.randint(0, 3650)))
                written.append((pin, full, sex, birth, relation, employment, age, last, first, patronymic))
            head = written[0]
            if rng.random() < 0.05:  # a social passport
                pid = passports.take_id()
                approved = rng.random() < 0.7
                surveyed = today - datetime.timedelta(days=rng.randint(1, 330))
                wages = decimal.Decimal(rng.randint(0, 40) * 1000)
                pensions = decimal.Decimal(sum(9000 for w in written if w[6] >= 63))
                total = wages + pensions
                passports.add(pid, hid, unit_id, surveyed, "approved" if approved else "draft", surveyed,
                              f"{number:04d}", address, head[1], len(written), sum(w[6] < 18 for w in written),
                              sum(w[6] < 16 for w in written), sum(w[6] >= 63 for w in written),
                              sum(w[5] == "unemployed" for w in written), wages, pensions, total,
                              (total / len(written)).quantize(decimal.Decimal("0.01")), rng.randint(0, 40),
                              rng.random() < 0.3, surveyed if approved else None, surveyed if approved else None,
                              surveyed + datetime.timedelta(days=365) if approved else None)
                for w in written:
                    passport_members.add(pid, w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[6] >= 63,
                                         w[5] == "unemployed")
                passport_steps.add(pid, now, None, "draft")
                if approved:
                    passport_steps.add(pid, now, "draft", "submitted")
                    passport_steps.add(pid, now, "submitted", "approved")
            if lsg is not None and categories and rng.random() < 0.02:  # a land-plot application
                adult = next((w for w in written if w[6] >= 18), None)
                if adult is not None:
                    category, rank = rng.choice(categories)
                    received = now - datetime.timedelta(days=rng.randint(0, 3650), seconds=rng.randint(0, 86399))
                    queues.setdefault(lsg, []).append({"rank": rank, "received_at": received.replace(microsecond=0),
                                           "category": category, "last": adult[7], "first": adult[8],
                                           "patronymic": adult[9], "full": adult[1], "pin": adult[0],
                                           "address": address, "size": len(written)})
            if owner is not None:  # a municipal property object per 250 households of the owner
                due = property_due.get(owner[0], 0) + 1
                property_due[owner[0]] = due
                if due % 250 == 1:
                    oid = objects.take_id()
                    object_kind = rng.choice(kinds)
                    value = decimal.Decimal(rng.randint(10, 5000) * 1000)
                    worn = (value * decimal.Decimal(rng.randint(0, 60)) / 100).quantize(decimal.Decimal("0.01"))
                    objects.add(oid, owner[0], object_kind, f"ИН-{due // 250 + 1:05d}",
                                f"{PROPERTY_NAMES[object_kind]} №{due // 250 + 1}", address,
                                None if object_kind == "movable" else decimal.Decimal(rng.randint(50, 5000)),
                                value, worn, value - worn, rng.choice(bases),
                                today - datetime.timedelta(days=rng.randint(30, 15000)), "good", "vacant", "active")
            if rng.random() < 0.01:  # a child-protection case
                child = next((w for w in written if w[6] < 18), None)
                if child is not None:
                    cid = children.take_id()
                    status = rng.choice(cp_statuses)
                    children.add(cid, unit_id, child[7], child[8], child[9], child[1], child[2], child[3],
                                 child[0], today - datetime.timedelta(days=rng.randint(1, 700)), address, status)
                    child_steps.add(cid, now, None, "identified")
                    if status != "identified":
                        child_steps.add(cid, now, "identified", status)
            pending += 1
            if pending >= BATCH_HOUSEHOLDS:
                for table in every:
                    table.flush(cursor)
                conn.commit()
                pending = 0
        if index % 200 == 0 and index:
            elapsed = time.perf_counter() - phase
            print(f"  {index}/{len(units)} units, {members.rows:,} members, "
                  f"{members.rows / elapsed:,.0f} members/s", flush=True)
    for territory in sorted(queues):
        flush_queue(territory)
    for table in every:
        table.flush(cursor)
    cursor.executemany(
        "INSERT INTO number_counter (kind, scope, year, value) VALUES ('land_queue.application', %s, %s, %s)",
        [(code, year, value) for (code, year), value in counters.items()])
    conn.commit()
    copied = time.perf_counter() - phase
    rows = sum(t.rows for t in every)
    print(f"copied {rows:,} rows in {copied:.0f} s ({rows / copied:,.0f} rows/s)", flush=True)
    phase = time.perf_counter()
    for table in every:
        if "id" in table.table.columns:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                           f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)")
    for definition in indexes:
        cursor.execute(definition)
    conn.commit()
    print(f"{len(indexes)} indexes rebuilt in {time.perf_counter() - phase:.0f} s", flush=True)
    phase = time.perf_counter()
    conn.autocommit = True
    cursor.execute("ANALYZE")
    print(f"ANALYZE in {time.perf_counter() - phase:.0f} s", flush=True)
    conn.close()
    for table in every:
        print(f"  {table.name:<36} {table.rows:>12,}")
    total = time.perf_counter() - started
    print(f"loaded scale {args.scale}: {households.rows:,} households, {members.rows:,} members in "
          f"{total / 60:.1f} min ({members.rows / total:,.0f} members/s overall)")
    shutil.rmtree(instance, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_load = sub.add_parser("load")
    p_load.add_argument("--database-url", required=True)
    p_load.add_argument("--scale", type=float, default=1.0)
    p_load.add_argument("--seed", type=int, default=14)
    p_measure = sub.add_parser("measure")
    p_measure.add_argument("--database-url", required=True)
    p_measure.add_argument("--as", dest="user", choices=["admin", "clerk"], action="append")
    p_measure.add_argument("--repeat", type=int, default=5)
    p_measure.add_argument("--workers", type=int, default=2)
    p_measure.add_argument("--timeout", type=int, default=120)
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql"):
        raise SystemExit("a PostgreSQL URL: postgresql+psycopg://user@host:port/database")
    if args.command == "load":
        load(args)
    else:
        from bench.national_measure import measure

        measure(args)


if __name__ == "__main__":
    main()
