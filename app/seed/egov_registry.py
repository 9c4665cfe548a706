"""Deterministic demo data of the register of the e-government infrastructure (issue 11, item 8).

Five state bodies (the ministries of digital development, health, education and science, finance, the State Tax
Service) and two LSG bodies (the city hall of the first city of oblast significance, the aiyl okmotu of the demo
rayon's first aiyl aimak), each with an authorised employee (one with an expired predecessor); elements of all four
types with complete cl. 20 data (items, documents with their files, relations including Tunduk exchanges with the
service) and their registered versions (one modified: two versions); one incomplete draft; applications in every
status with their steps: a registration refused under cl. 23(2) and its resubmission registered, two overdue
applications (a registration of the tax service, cl. 21; an access application of the aiyl okmotu, cl. 18), an
element removed through a removal agreed and recorded, a removal agreed and awaiting recording.

Dates count back from `app.clock.local_today()`; the classifiers are seeded by the catalogue (declared in
models/egov_registry.py). Idempotent: nothing is added when the first organisation (by INN) exists."""
import datetime
import os

from flask import current_app
from sqlalchemy import select

from app import clock
from app.identifiers import parse_inn
from app.services import egov_registry as rules
from app.services.municipal_property import store_file
from app.territory_kinds import CITY_REPUBLICAN
from app.workdays import add_working_days, is_working_day
from models.egov_registry import (EgovApplication, EgovApplicationStep, EgovDocument, EgovElement, EgovElementItem,
                                  EgovEmployee, EgovOrganisation, EgovRelation)
from models.reference import Territory

#: (key, INN, kind, ky, ru, en, short name, address, head)
ORGANISATIONS = [
    ("digital", "00102202110001", "state_body", "Кыргыз Республикасынын Санариптик өнүктүрүү министрлиги",
     "Министерство цифрового развития Кыргызской Республики", "Ministry of Digital Development of the Kyrgyz Republic",
     "СӨМ", "Бишкек ш., Чүй проспекти, 106", "Асанов Нурлан Токтогулович"),
    ("health", "00203199610012", "state_body", "Кыргыз Республикасынын Саламаттыкты сактоо министрлиги",
     "Министерство здравоохранения Кыргызской Республики", "Ministry of Health of the Kyrgyz Republic",
     "ССМ", "Бишкек ш., Москва көчөсү, 148", "Бейшеналиева Айгүл Сапаровна"),
    ("education", "00405199610025", "state_body", "Кыргыз Республикасынын Билим берүү жана илим министрлиги",
     "Министерство образования и науки Кыргызской Республики",
     "Ministry of Education and Science of the Kyrgyz Republic", "БИМ", "Бишкек ш., Тыныстанов көчөсү, 257",
     "Келдибеков Азамат Мукашевич"),
    ("finance", "00612199510031", "state_body", "Кыргыз Республикасынын Финансы министрлиги",
     "Министерство финансов Кыргызской Республики", "Ministry of Finance of the Kyrgyz Republic",
     "ФМ", "Бишкек ш., Эркиндик бульвары, 58", "Жумабаев Эрлан Бакытович"),
    ("tax", "00907200910044", "state_body", "Кыргыз Республикасынын Министрлер Кабинетине караштуу Мамлекеттик салык "
     "кызматы", "Государственная налоговая служба при Кабинете Министров Кыргызской Республики",
     "State Tax Service under the Cabinet of Ministers of the Kyrgyz Republic", "МСК",
     "Бишкек ш., Суюмбаев көчөсү, 123", "Осмонова Динара Жолдошбековна"),
    ("city", "01503200010057", "lsg_body", "{name} шаарынын мэриясы", "Мэрия города {name}", "{name} city hall",
     "Мэрия", "{name} ш., Ленин көчөсү, 1", "Абдыкадыров Талант Маратович"),
    ("aiyl", "02011200210068", "lsg_body", "{name} айыл өкмөтү", "Айыл окмоту {name}", "{name} aiyl okmotu",
     "АӨ", "{name} айылы, Манас көчөсү, 12", "Мамытов Бакыт Эсенгулович"),
]
#: (organisation, full name, position, e-mail)
EMPLOYEES = [
    ("digital", "Садыкова Айжан Бекмаматовна", "Маалыматтык системалар бөлүмүнүн башкы адиси", "a.sadykova"),
    ("health", "Токтосунов Эмил Асылбекович", "Санариптештирүү борборунун жетекчиси", "e.toktosunov"),
    ("education", "Исакова Мээрим Алмазбековна", "Маалыматтык технологиялар бөлүмүнүн адиси", "m.isakova"),
    ("finance", "Курманов Данияр Русланович", "Маалыматтык системалар башкармалыгынын башчысы", "d.kurmanov"),
    ("tax", "Абдырахманова Жылдыз Кубанычбековна", "Салык администрлөөнү автоматташтыруу бөлүмүнүн адиси",
     "zh.abdyrakhmanova"),
    ("city", "Орозбеков Улан Шаршенович", "Мэриянын иш башкармалыгынын адиси", "u.orozbekov"),
    ("aiyl", "Жээнбекова Гүлнара Таалайбековна", "Айыл өкмөтүнүн катчысы", "g.zheenbekova"),
]
DOMAINS = {"digital": "digital.gov.kg", "health": "med.gov.kg", "education": "edu.gov.kg", "finance": "minfin.gov.kg",
           "tax": "sti.gov.kg", "city": "meria.gov.kg", "aiyl": "ao.gov.kg"}

#: key -> (organisation, kind, full name, short name, users count, funding, developer, purpose)
ELEMENTS = {
    "tunduk": ("digital", "shared_complex", "«Түндүк» ведомстволор аралык электрондук өз ара аракеттенүү системасы",
               "Түндүк", "over_10000", "republican_budget", "«Түндүк» мамлекеттик ишканасы",
               "Мамлекеттик органдардын маалымат системаларынын ортосунда маалымат алмашуу (X-Road негизинде)."),
    "portal": ("digital", "information_system", "Мамлекеттик жана муниципалдык кызматтардын бирдиктүү порталы",
               "Бирдиктүү портал", "over_10000", "republican_budget", "«Инфоком» мамлекеттик ишканасы",
               "Жарандарга жана юридикалык жактарга мамлекеттик кызматтарды электрондук түрдө көрсөтүү."),
    "datacentre": ("digital", "data_centre", "Мамлекеттик маалымат иштетүү борбору", "ММИБ", "up_to_100",
                   "donor", "«Инфоком» мамлекеттик ишканасы",
                   "Мамлекеттик органдардын маалымат системаларын жайгаштыруу: серверлер, сактагычтар, тармак."),
    "pki": ("digital", "shared_complex", "Ачык ачкычтардын инфраструктурасы жана электрондук кол тамга борбору",
            "ААИ", "over_10000", "republican_budget", "«Түндүк» мамлекеттик ишканасы",
            "Электрондук кол тамганын сертификаттарын берүү жана текшерүү."),
    "old_docflow": ("digital", "office_software", "Министрликтин эски электрондук документ жүгүртүү системасы",
                    "Эски ЭДЖС", "up_to_1000", "own_funds", "«Софт Сервис» ЖЧК",
                    "Министрликтин ички документ жүгүртүүсү (жаңы системага алмаштырылды)."),
    "ehealth": ("health", "information_system", "Саламаттыкты сактоонун электрондук маалымат системасы",
                "Э-саламаттык", "up_to_10000", "donor", "Саламаттыкты сактоо министрлигинин Электрондук саламаттыкты "
                "сактоо борбору", "Бейтаптардын электрондук медициналык карталары, дарыгерге электрондук жазылуу."),
    "emis": ("education", "information_system", "Билим берүүнү башкаруунун маалымат системасы", "БББМС",
             "up_to_10000", "republican_budget", "«Билим Софт» ЖЧК",
             "Мектептердин, окуучулардын жана мугалимдердин эсеби, билим берүү статистикасы."),
    "diary": ("education", "information_system", "Мектептердин электрондук күндөлүгү", "Э-күндөлүк", None, None,
              None, "Окуучулардын баалары жана сабакка катышуусу ата-энелер үчүн."),
    "treasury": ("finance", "information_system", "Мамлекеттик финансыларды башкаруунун маалымат системасы",
                 "МФБМС", "up_to_10000", "donor", "«Финтех Консалтинг» ЖЧК",
                 "Республикалык жана жергиликтүү бюджеттердин казыналык аткарылышы."),
    "accounting": ("finance", "office_software", "Министрликтин бухгалтердик эсеп программасы", "Бухэсеп",
                   "up_to_100", "own_funds", "«1С-Бишкек» ЖЧК",
                   "Министрликтин ички бухгалтердик эсеби жана эмгек акы."),
    "cabinet": ("tax", "information_system", "Салык төлөөчүнүн электрондук кабинети", "Э-кабинет", "over_10000",
                "republican_budget", "Мамлекеттик салык кызматынын Маалыматтык технологиялар борбору",
                "Салык отчетторун электрондук тапшыруу, салык карызы жөнүндө маалымкат."),
    "tax_dc": ("tax", "data_centre", "Мамлекеттик салык кызматынын маалымат иштетүү борбору", "МСК МИБ", "up_to_100",
               "republican_budget", "«Серверлик Системалар» ЖЧК",
               "Салык кызматынын маалымат системаларын жайгаштыруу жана резервдик көчүрмөлөө."),
    "invoices": ("tax", "information_system", "Электрондук эсеп-фактуралардын маалымат системасы", "ЭЭФ",
                 "over_10000", "republican_budget", "Мамлекеттик салык кызматынын Маалыматтык технологиялар борбору",
                 "Электрондук эсеп-фактураларды жазуу жана каттоо."),
    "city_docs": ("city", "office_software", "Мэриянын иш кагаздарын жүргүзүү системасы", "Мэрия ИКЖ", "up_to_100",
                  "local_budget", "«Ош Софт» ЖЧК", "Мэриянын кирген жана чыккан каттарын, буйруктарын эсепке алуу."),
    "aiyl_land": ("aiyl", "office_software", "Айыл өкмөтүнүн жер жана чарба китеби программасы", "АӨ жер эсеби",
                  "up_to_10", "local_budget", "«Айыл Софт» ЖЧК",
                  "Чарба китебин жүргүзүү, жер участокторун жана маалымкаттарды эсепке алуу."),
}
DOCUMENTS = [("technical", "Техникалык документация (скан-көчүрмөлөр менен)"),
             ("commissioning_act", "Пайдаланууга берүү актысы")]
#: (element, relation, target, Tunduk service)
RELATIONS = [
    ("portal", "uses", "datacentre", None), ("portal", "uses", "pki", None),
    ("portal", "tunduk", "cabinet", "tax-debt-certificate (салык карызынын жоктугу жөнүндө маалымкат)"),
    ("ehealth", "tunduk", "portal", "doctor-appointment (дарыгерге жазылуу)"),
    ("emis", "uses", "datacentre", None), ("treasury", "uses", "datacentre", None),
    ("treasury", "uses", "accounting", None), ("pki", "part_of", "tunduk", None),
    ("cabinet", "uses", "tax_dc", None), ("invoices", "uses", "tax_dc", None),
    ("invoices", "tunduk", "treasury", "budget-payments (бюджетке төлөмдөр)"),
    ("city_docs", "tunduk", "cabinet", "taxpayer-info (салык төлөөчү жөнүндө маалымат)"),
    ("aiyl_land", "tunduk", "portal", "household-certificate (чарба китебинен маалымкат)"),
    ("old_docflow", "uses", "datacentre", None),
]


def _working_days_before(day, n):
    """The date `n` working days before `day` (Kyrgyz calendar)."""
    while n:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def _at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=clock.local_zone())


def _lsg_territories(session):
    from app.seed import demo_city
    from app.seed.household_book import demo_aimaks

    aimaks = demo_aimaks(session)
    return {"city": demo_city(session), "aiyl": aimaks[-1] if aimaks else None}


class _Seeder:
    def __init__(self, session, today, folder):
        self.session, self.today, self.folder = session, today, folder
        self.orgs, self.employees, self.elements = {}, {}, {}
        self.numbers = {}  # (register, year) -> the last number given
        from app.seed.municipal_property import demo_pdf

        self.pdf = demo_pdf

    def next_number(self, register, year):
        """Numbers run per register (elements ЭБ, applications АР) and year."""
        self.numbers[register, year] = self.numbers.get((register, year), 0) + 1
        return self.numbers[register, year]

    # --- organisations, employees -----------------------------------------------------------------------------
    def organisations(self):
        lsg = _lsg_territories(self.session)
        capital = self.session.scalars(select(Territory).where(Territory.kind == CITY_REPUBLICAN)
                                       .order_by(Territory.code)).first()
        for key, inn, kind, ky, ru, en, short, address, head in ORGANISATIONS:
            territory = lsg.get(key, capital)
            if kind == "lsg_body":
                names = [territory.name_ky or territory.name_ru, territory.name_ru, territory.name_en or
                         territory.name_ru] if territory is not None else ["Кант", "Кант", "Kant"]
                ky, ru, en, address = ky.format(name=names[0]), ru.format(name=names[1]), en.format(name=names[2]), \
                    address.format(name=names[0])
            parse_inn(inn, today=self.today)
            org = EgovOrganisation(inn=inn, kind=kind, name_ky=ky, name_ru=ru, name_en=en, short_name=short,
                                   address=address, territory=territory, head_name=head)
            self.session.add(org)
            self.orgs[key] = org
        appointed = self.today - datetime.timedelta(days=420)
        for number, (key, name, position, mail) in enumerate(EMPLOYEES, 1):
            self.employees[key] = EgovEmployee(
                organisation=self.orgs[key], full_name=name, position=position, email=f"{mail}@{DOMAINS[key]}",
                decision_number=f"{number}-к", decision_date=appointed, valid_from=appointed)
        # the ministry of health's previous authorised employee: the appointment has ended
        self.session.add(EgovEmployee(
            organisation=self.orgs["health"], full_name="Сулайманов Азиз Каныбекович", position="Башкы адис",
            email=f"a.sulaimanov@{DOMAINS['health']}", decision_number="12-к",
            decision_date=appointed - datetime.timedelta(days=700), valid_from=appointed - datetime.timedelta(days=700),
            valid_until=appointed - datetime.timedelta(days=1)))
        self.session.add_all(self.employees.values())

    # --- elements -----------------------------------------------------------------------------------------------
    def document(self, element, kind, title, day, application=None):
        doc = EgovDocument(element=element, application=application, kind=kind, title=title,
                           number=f"{len(element.documents) + 1}/{day.year}", doc_date=day)
        store_file(doc, f"{element.short_name}-{kind}.pdf", self.pdf(title, [element.short_name, kind]), self.folder)
        self.session.add(doc)
        return doc

    def element(self, key, complete=True, without=()):
        """An element with its cl. 20 data; `complete=False`: names, type and purpose only; `without`: these
        complete items left out ("developer", or a document kind)."""
        org, kind, full, short, users, funding, developer, purpose = ELEMENTS[key]
        commissioned = self.today - datetime.timedelta(days=800 + 37 * len(self.elements))
        element = EgovElement(organisation=self.orgs[org], kind=kind, full_name=full, short_name=short,
                              purpose=purpose, users_count=users, funding=funding, status="draft",
                              developer=None if "developer" in without else developer)
        if complete:
            element.legal_acts = (f"Кыргыз Республикасынын Министрлер Кабинетинин {commissioned:%d.%m.%Y} "
                                  f"№{100 + len(self.elements)} токтому менен түзүлгөн жана пайдаланууга берилген.")
            element.responsible_unit = f"{EMPLOYEES[[e[0] for e in EMPLOYEES].index(org)][2]}; маалыматтык " \
                                       "коопсуздук бөлүмү"
            element.architecture = "Үч деңгээлдүү архитектура: веб-кардар, тиркемелер сервери, PostgreSQL маалымат " \
                                   "базасы; «Түндүк» аркылуу тышкы алмашуу."
            element.interactions = "«Түндүк» системасы аркылуу башка мамлекеттик органдардын маалымат ресурстары."
            element.location = f"{self.orgs[org].address}, серверлик бөлмө" if self.orgs[org].kind == "lsg_body" \
                else "Бишкек ш., Мамлекеттик маалымат иштетүү борбору, 2-серверлик бөлмө"
            element.location_keeper = EMPLOYEES[[e[0] for e in EMPLOYEES].index(org)][1]
            element.commissioned_on = commissioned
            element.items = [
                EgovElementItem(kind="software", name="PostgreSQL 15", description="Маалымат базаларын башкаруу"),
                EgovElementItem(kind="software", name="Astra Linux / Debian 12", description="Операциялык система"),
                EgovElementItem(kind="resource", name=f"{short}: негизги реестр",
                                description="Системанын негизги маалымат ресурсу"),
                EgovElementItem(kind="service", name=f"{short}: маалымат берүү кызматы",
                                description="«Түндүк» аркылуу маалымат берүү"),
            ]
            for kind, title in DOCUMENTS:
                if kind not in without:
                    self.document(element, kind, title, commissioned)
        self.session.add(element)
        self.elements[key] = element
        return element

    def register(self, element, day, application):
        """The operator registers the element on `day`: its number, status and a version (cl. 21)."""
        if element.number is None:
            element.number = f"ЭБ-{day.year}-{self.next_number('ЭБ', day.year):03d}"
            element.registered_on = day
        element.status = "registered"
        self.session.flush()
        assert not rules.missing_items(element), (element.full_name, rules.missing_items(element))
        return rules.register_version(self.session, element, _at(day, 15), application=application)

    # --- applications -----------------------------------------------------------------------------------------
    def application(self, org, kind, received, element=None, steps=(), **fields):
        """An application received on `received` and taken through `steps` [(status, day, note)] after its first
        step (submitted, or requested for an information request), with its history."""
        first = "requested" if kind == "information" else "submitted"
        employee = self.employees[org]
        first_note = fields.pop("first_note", None)
        values = dict(organisation=self.orgs[org], kind=kind, element=element, received_on=received,
                      employee=employee if kind != "information" else None, language="ky",
                      submitter_name=employee.full_name if kind != "information" else None,
                      number=f"АР-{received.year}-{self.next_number('АР', received.year):04d}", status=first)
        if element is not None and kind in ("access", "registration"):
            values.update(element_full_name=element.full_name, element_short_name=element.short_name,
                          element_kind=element.kind)
        values.update(fields)
        app = EgovApplication(**values)
        self.session.add(app)
        EgovApplicationStep.record(self.session, app, first, at=_at(received, 9), actor_id=None,
                                   note=first_note or (
                                       "Ыйгарым укуктуу органдын суроо-талабы" if first == "requested"
                                       else "Арыз кабыл алынды"))
        status = first
        for to, day, note in steps:
            EgovApplicationStep.record(self.session, app, to, at=_at(day, 14), from_status=status, actor_id=None,
                                       note=note)
            status = to
            if to in ("registered", "refused", "granted", "removed", "answered", "withdrawn"):
                app.decided_on = day
        app.status = status
        return app

    def registration(self, org, element, received, review_days=2, note="Маалыматтар 20-пунктка шайкеш"):
        decided = add_working_days(received, review_days)
        app = self.application(org, "registration", received, element,
                               steps=[("registered", decided, note)])
        self.session.flush()
        self.register(element, decided, app)
        return app

    # --- the whole register -----------------------------------------------------------------------------------
    def run(self):
        """Everything in the order it happened (register and application numbers follow the dates)."""
        today, back = self.today, lambda n: _working_days_before(self.today, n)
        self.organisations()
        for key in ELEMENTS:
            if key not in ("diary", "pki"):
                self.element(key)
        # refused first (no developer, technical documentation nor commissioning act), then completed
        pki = self.element("pki", without=("developer", "technical", "commissioning_act"))
        diary = self.element("diary", complete=False)  # the incomplete draft, its registration just submitted
        self.session.flush()
        e = self.elements
        for source, kind, target, service in RELATIONS:
            self.session.add(EgovRelation(element=e[source], target=e[target], kind=kind, service=service))
        self.session.flush()

        # access granted (cl. 15–19), then the registrations of the elements in operation (cl. 20–22)
        self.application("digital", "access", back(300), e["tunduk"], steps=[
            ("forwarded", back(299), "Операторго жөнөтүлдү (18-п.)"),
            ("granted", back(298), f"Кирүү укугу {self.employees['digital'].email} дарегине берилди (19-п.)")])
        for org, key, received, days in [
                ("digital", "tunduk", 290, 2), ("digital", "datacentre", 285, 2), ("digital", "old_docflow", 280, 1),
                ("digital", "portal", 270, 4),  # decided on the 4th working day: late, for the review-time chart
                ("health", "ehealth", 250, 2), ("education", "emis", 200, 3), ("finance", "treasury", 180, 2),
                ("finance", "accounting", 175, 1), ("tax", "tax_dc", 160, 2), ("tax", "cabinet", 150, 3),
                ("city", "city_docs", 120, 2), ("aiyl", "aiyl_land", 100, 2)]:
            self.registration(org, e[key], back(received), review_days=days)

        # health: modified (a second version, cl. 24)
        ehealth = e["ehealth"]
        ehealth.users_count = "over_10000"
        ehealth.items.append(EgovElementItem(kind="service", name="Электрондук рецепт",
                                             description="Дарыканаларга рецепт берүү"))
        modified = self.application("health", "modification", back(60), ehealth, steps=[
            ("registered", add_working_days(back(60), 2), "Жаңыртылган маалыматтар катталды (24-п.)")])
        self.session.flush()
        rules.register_version(self.session, ehealth, _at(modified.decided_on, 15), application=modified)

        # refused under cl. 23(2) with the missing items, completed and resubmitted, then registered
        received = back(40)
        refused = self.application("digital", "registration", received, pki)
        missing = rules.missing_items(pki)
        refused.missing_items, refused.refusal_ground = missing, "23(2)"
        refused.refusal_text = rules.draft_refusal(refused, "23(2)", missing)
        refused_on = add_working_days(received, 2)
        EgovApplicationStep.record(self.session, refused, "refused", at=_at(refused_on, 14), from_status="submitted",
                                   actor_id=None, note=refused.refusal_text)
        refused.status, refused.decided_on = "refused", refused_on
        self._complete(pki, refused_on)
        resubmitted = self.application("digital", "registration", back(30), pki, resubmission_of=refused,
                                       first_note=f"{refused.number} арызы кайра берилди: негиздер жоюлду")
        decided = add_working_days(resubmitted.received_on, 3)
        EgovApplicationStep.record(self.session, resubmitted, "registered", at=_at(decided, 14),
                                   from_status="submitted", actor_id=None, note="Маалыматтар толук (20-п.)")
        resubmitted.status, resubmitted.decided_on = "registered", decided
        self.session.flush()
        self.register(pki, decided, resubmitted)

        # health: a request of the authorised body answered (cl. 10)
        self.application("health", "information", back(20), ehealth,
                         request_text="Электрондук рецепт кызматынын колдонуучулары жөнүндө маалымат бериңиз.",
                         answer_text="Айына орточо 45 000 рецепт жазылат.",
                         steps=[("answered", back(17), "Жооп берилди")])
        # removed: the notice within 7 days of the decision, agreed by the authorised body, recorded (cl. 27–29)
        old = e["old_docflow"]
        notice = back(15)
        removal = self.application(
            "digital", "removal", notice, old, decision_date=notice - datetime.timedelta(days=3),
            steps=[("agreed", add_working_days(notice, 1), "Ыйгарым укуктуу орган макул болду"),
                   ("removed", add_working_days(notice, 2), "Реестрден чыгаруу катталды (28-п.)")])
        self.document(old, "stop_decision", "Пайдаланууну токтотуу жөнүндө буйрук", removal.decision_date, removal)
        rules.record_removal(old, removal.decided_on)
        # health: a modification withdrawn by the subject
        self.application("health", "modification", back(10), ehealth, steps=[
            ("withdrawn", back(9), "Арыз берүүчү арызын кайра алды")])
        # overdue: the aiyl okmotu's access application (cl. 18: 3 days), the tax service's registration (cl. 21)
        self.application("aiyl", "access", today - datetime.timedelta(days=10), e["aiyl_land"])
        self.application("tax", "registration", back(8), e["invoices"])
        # open now: an information request, an access application forwarded and one just received, the incomplete
        # draft's registration just submitted, a removal agreed and awaiting the operator's record
        self.application("digital", "information", today - datetime.timedelta(days=2), e["portal"],
                         request_text="Порталдын колдонуучуларынын 2026-жылдагы саны жөнүндө маалымат бериңиз.")
        self.application("education", "access", today - datetime.timedelta(days=1), diary, steps=[
            ("forwarded", today, "Операторго жөнөтүлдү (18-п.)")])
        self.application("city", "access", today, e["city_docs"])
        self.application("education", "registration", today, diary)
        self.application("finance", "removal", today, e["accounting"], decision_date=today - datetime.timedelta(days=2),
                         steps=[("agreed", today, "Ыйгарым укуктуу орган макул болду")])
        self.session.flush()

    def _complete(self, element, day):
        """The subject removes the grounds of refusal: the missing cl. 20 data are entered."""
        element.developer = ELEMENTS["pki"][6]
        for kind, title in DOCUMENTS:
            if kind in ("technical", "commissioning_act"):
                self.document(element, kind, title, day)


def seed(session, echo=print):
    """The demo register (see the module docstring); nothing when it is there already."""
    if session.scalar(select(EgovOrganisation.id).where(EgovOrganisation.inn == ORGANISATIONS[0][1])) is not None:
        return
    folder = os.path.join(current_app.instance_path, "egov_registry", "documents")
    seeder = _Seeder(session, clock.local_today(), folder)
    seeder.run()
    echo(f"  e-government register: {len(seeder.orgs)} subjects, {len(seeder.elements)} elements, "
         f"{sum(n for (register, _), n in seeder.numbers.items() if register == 'АР')} applications")
