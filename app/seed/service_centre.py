"""Deterministic demo data of the one-stop public service centre (issue 12, item 10).

* The providing agencies as subjects of the e-government register (`EgovOrganisation`): the Ministry of Health,
  the State Tax Service and the aiyl okmotu are the e-government seed's own rows (found by INN, made the same way
  when that seed did not run); the State Registration Service, the Social Fund, the Ministry of Internal Affairs,
  the Ministry of Labour, Social Security and Migration, the land resources and cadastre agency and the Ministry
  of Justice are added with valid INNs (app/identifiers.py parse_inn).
* The catalogue: seven groups in a tree, each with its ticket prefix (A civil status and identity documents with
  P passports and registration under it, B property and land with T vehicles and drivers, C social payments and
  pensions, D business, E certificates), and twenty services from the unified register of state services of the
  Kyrgyz Republic (Government decree No. 85 of 10 February 2012) and the basic list of municipal services: each
  with its agency, legal basis, applicants, fee, result and knowledge base in ky/ru/en, its stage norms (agency,
  interagency request, handing over) summing to the whole term, and its documents (originals, optional ones,
  those the centre requests itself from another body); the ones with a biometric or technical visit take
  appointments by slot.
* Two offices: one in the demo rayon (app/seed DEMO_RAYON, where the demo territorial users work), one in the
  demo city (app/seed demo_city); hours 08:30–17:30; most services in both, the aiyl okmotu's only in the rayon,
  vehicles and drivers only in the city; windows with the services served; staff with skills and weekly shifts
  (one on an afternoon shift, one part-time), a back-office specialist on leave today and a past sick leave;
  distribution rules (round robin for one service, by skill for another, least open work as the default). The
  office head's account is set by `flask sanarip seed-demo` once the demo users exist (app/cli.py).
* Then `_seed_activity`: applications in every stage, a day of queue history and complaints, through the
  services of the other parts of the module, each skipped (with a line said) when its service is not there.

Dates count from `app.clock.local_today()`. Idempotent: the catalogue and offices are added only when the first
office's code is not there; each kind of activity only when its office has none of it yet."""
import datetime
import importlib
import importlib.util
import random

from sqlalchemy import func, select

from app import clock
from app.identifiers import parse_inn
from app.workdays import add_working_days, is_working_day
from models.egov_registry import EgovOrganisation
from models.reference import Territory
from models.service_centre import (ScAbsence, ScAssignmentRule, ScOffice, ScService, ScServiceDocument,
                                   ScServiceGroup, ScServiceStage, ScShift, ScStaff, ScWindow)

#: agencies the e-government seed makes (app/seed/egov_registry.py ORGANISATIONS): reused by their INN
EGOV_AGENCIES = {"health": "00203199610012", "tax": "00907200910044", "aiyl": "02011200210068"}
#: key -> (INN, kind, ky, ru, en, short name, address, head)
AGENCIES = {
    "grs": ("00105200910071", "state_body",
            "Кыргыз Республикасынын Министрлер Кабинетине караштуу Мамлекеттик каттоо кызматы",
            "Государственная регистрационная служба при Кабинете Министров Кыргызской Республики",
            "State Registration Service under the Cabinet of Ministers of the Kyrgyz Republic", "ГРС",
            "Бишкек ш., Орозбеков көчөсү, 44", "Мамбетов Азамат Каныбекович"),
    "socfund": ("01611199410082", "state_body", "Кыргыз Республикасынын Социалдык фонду",
                "Социальный фонд Кыргызской Республики", "Social Fund of the Kyrgyz Republic", "Соцфонд",
                "Бишкек ш., Жибек-Жолу проспекти, 447", "Сатыбалдиева Назгүл Токтобековна"),
    "mvd": ("02512199110093", "state_body", "Кыргыз Республикасынын Ички иштер министрлиги",
            "Министерство внутренних дел Кыргызской Республики",
            "Ministry of Internal Affairs of the Kyrgyz Republic", "МВД", "Бишкек ш., Фрунзе көчөсү, 469",
            "Ниязбеков Улан Бакирович"),
    "labour": ("01002202110104", "state_body",
               "Кыргыз Республикасынын Эмгек, социалдык камсыздоо жана миграция министрлиги",
               "Министерство труда, социального обеспечения и миграции Кыргызской Республики",
               "Ministry of Labour, Social Security and Migration of the Kyrgyz Republic", "МТСОМ",
               "Бишкек ш., Тоголок Молдо көчөсү, 3б", "Базарбаева Гүлмира Асылбековна"),
    "cadastre": ("02802202210115", "state_body",
                 "Кыргыз Республикасынын Министрлер Кабинетине караштуу Жер ресурстары, кадастр, геодезия жана "
                 "картография боюнча мамлекеттик агенттик",
                 "Государственное агентство по земельным ресурсам, кадастру, геодезии и картографии при Кабинете "
                 "Министров Кыргызской Республики",
                 "State Agency for Land Resources, Cadastre, Geodesy and Cartography under the Cabinet of Ministers "
                 "of the Kyrgyz Republic", "Кадастр", "Бишкек ш., Сүйүмбаев көчөсү, 100",
                 "Жолдошев Нурлан Сатарович"),
    "justice": ("01103199210126", "state_body", "Кыргыз Республикасынын Юстиция министрлиги",
                "Министерство юстиции Кыргызской Республики", "Ministry of Justice of the Kyrgyz Republic",
                "Минюст", "Бишкек ш., Эркиндик бульвары, 34", "Акматова Жазгүл Маратовна"),
}

REGISTER_85 = ("Кыргыз Республикасынын Өкмөтүнүн 2012-жылдын 10-февралындагы № 85 «Аткаруу бийлигинин органдары, "
               "алардын түзүмдүк бөлүмдөрү жана ведомстволук мекемелери көрсөтүүчү мамлекеттик кызматтардын "
               "бирдиктүү реестрин (тизмесин) бекитүү жөнүндө» токтому")
LAW_CIVIL_STATUS = "«Жарандык абалдын актылары жөнүндө» Кыргыз Республикасынын Мыйзамы"
LAW_BIOMETRIC = "«Кыргыз Республикасынын жарандарын биометрикалык каттоо жөнүндө» Кыргыз Республикасынын Мыйзамы"
LAW_MIGRATION = "«Ички миграция жөнүндө» Кыргыз Республикасынын Мыйзамы"
LAW_REAL_ESTATE = ("«Кыймылсыз мүлккө укуктарды жана аны менен түзүлгөн бүтүмдөрдү мамлекеттик каттоо жөнүндө» "
                   "Кыргыз Республикасынын Мыйзамы (1998)")
LAW_ROADS = "«Жол кыймылы жөнүндө» Кыргыз Республикасынын Мыйзамы"
LAW_LSG = "«Жергиликтүү өз алдынча башкаруу жөнүндө» Кыргыз Республикасынын Мыйзамы (2021); муниципалдык " \
          "кызмат көрсөтүүлөрдүн базалык тизмеси"

#: (prefix, parent prefix, order, ky, ru, en)
GROUPS = [
    ("A", None, 1, "Жарандык абалдын актылары жана инсандыкты күбөлөндүрүүчү документтер",
     "Акты гражданского состояния и документы, удостоверяющие личность", "Civil status and identity documents"),
    ("P", "A", 1, "Паспорттор жана каттоо", "Паспорта и регистрация", "Passports and registration"),
    ("B", None, 2, "Мүлк жана жер", "Имущество и земля", "Property and land"),
    ("T", "B", 1, "Унаа жана айдоочулар", "Транспорт и водители", "Vehicles and drivers"),
    ("C", None, 3, "Социалдык төлөмдөр жана пенсиялар", "Социальные выплаты и пенсии",
     "Social payments and pensions"),
    ("D", None, 4, "Ишкердик жана бизнес", "Бизнес и предпринимательство", "Business"),
    ("E", None, 5, "Маалымкаттар", "Справки", "Certificates"),
]


def D(ky, ru, en, original=False, source=None, optional=False):
    """A required document: an original shown, a copy, or requested by the centre itself from `source`."""
    return {"name_ky": ky, "name_ru": ru, "name_en": en, "original": original, "source": source,
            "optional": optional}


ID = D("Арыз ээсинин паспорту (ID-карта)", "Паспорт (ID-карта) заявителя", "Applicant's passport (ID card)", True)
ID_OR_REGISTRATION = D("Арыз ээсинин паспорту (ID-карта) же юридикалык жактын каттоо күбөлүгү",
                       "Паспорт (ID-карта) заявителя или свидетельство о регистрации юридического лица",
                       "Applicant's passport (ID card) or certificate of registration of the legal entity", True)
RECEIPT = D("Төлөмдүн квитанциясы", "Квитанция об оплате", "Receipt of the payment")
PROXY = D("Ишеним кат (өкүл кайрылса)", "Доверенность (при обращении представителя)",
          "Power of attorney (if a representative applies)", True, optional=True)
ADDRESS_DATA = D("Жашаган жери боюнча катталгандыгы жөнүндө маалымат",
                 "Сведения о регистрации по месту жительства", "Data of the registration at the place of residence",
                 source="grs")
REGISTER_EXTRACT = D("Кыймылсыз мүлккө укуктардын бирдиктүү мамлекеттик реестринен көчүрмө",
                     "Выписка из единого государственного реестра прав на недвижимое имущество",
                     "Extract from the unified state register of rights to real estate", source="cadastre")


#: code -> the service; "stages": (agency, interagency, handover) norms in working days, summing to "days";
#: "categories": the main applicant category, one code of sc_applicant_category (the service's form offers one)
SERVICES = {
    "A01": dict(
        group="A", agency="grs", names=("Төрөлүүнү мамлекеттик каттоо", "Государственная регистрация рождения",
                                        "State registration of birth"),
        basis=f"{LAW_CIVIL_STATUS}; {REGISTER_85}", kind="person", categories="citizen", fee=0,
        result=("Төрөлгөндүгү жөнүндө күбөлүк", "Свидетельство о рождении", "Birth certificate"),
        days=2, stages=(1, 0, 1),
        knowledge=(
            "Төрөлүү бала туулгандан кийин бир айдын ичинде катталат; мөөнөтү өтүп кетсе, кечиктирүүнүн себеби "
            "арызда көрсөтүлөт. Төрөт үйүнүн медициналык маалымкатынын түп нускасын жана ата-эненин паспортторун "
            "текшериңиз: аты-жөнү, туулган күнү жана ЖИНи дал келиши керек. Ата-эне никеде болбосо, алардын "
            "биргелешкен арызы же энесинин арызы талап кылынат.",
            "Рождение регистрируется в течение месяца со дня рождения ребёнка; при пропуске срока в заявлении "
            "указывается причина. Проверьте оригинал медицинской справки о рождении и паспорта родителей: ФИО, даты "
            "рождения и ПИН должны совпадать. Если родители не состоят в браке, нужно их совместное заявление или "
            "заявление матери.",
            "A birth is registered within a month of the child's birth; if the term is missed, the application "
            "states the reason. Check the original medical certificate of birth and the parents' passports: names, "
            "dates of birth and PINs must match. If the parents are not married, their joint statement or the "
            "mother's statement is required."),
        documents=[
            D("Төрөлгөндүгү жөнүндө медициналык маалымкат (төрөт үйүнөн)", "Медицинская справка о рождении (из "
              "родильного дома)", "Medical certificate of birth (from the maternity hospital)", True),
            D("Ата-эненин паспорттору (ID-карталары)", "Паспорта (ID-карты) родителей",
              "Parents' passports (ID cards)", True),
            D("Ата-эненин нике кыюу жөнүндө күбөлүгү", "Свидетельство о заключении брака родителей",
              "Parents' marriage certificate", True, optional=True),
            D("Ата-эненин биргелешкен арызы (никеде болбосо)", "Совместное заявление родителей (если брак не "
              "зарегистрирован)", "Joint statement of the parents (if not married)", optional=True)]),
    "A02": dict(
        group="A", agency="grs", names=("Никени мамлекеттик каттоо", "Государственная регистрация заключения брака",
                                        "State registration of marriage"),
        basis=f"{LAW_CIVIL_STATUS}; Кыргыз Республикасынын Үй-бүлө кодекси; {REGISTER_85}", kind="person",
        categories="citizen", fee=200,
        fee_note="Мамлекеттик алым; салтанаттуу каттоо өзүнчө төлөнөт",
        result=("Нике кыюу жөнүндө күбөлүк", "Свидетельство о заключении брака", "Marriage certificate"),
        days=22, stages=(21, 0, 1),
        knowledge=(
            "Нике арыз берилгенден бир ай өткөндөн кийин катталат; жүйөлүү себеп болсо (кош бойлуулук, баланын "
            "төрөлүшү) мөөнөт кыскартылышы мүмкүн. Никеге туруучулар экөө тең келип, паспортторун көрсөтүшөт; "
            "никелешүү курагы — 18 жаш. Мурда никеде болгондор никени бузуу жөнүндө күбөлүктүн түп нускасын алып "
            "келишет.",
            "Брак регистрируется по истечении месяца со дня подачи заявления; при уважительных причинах "
            "(беременность, рождение ребёнка) срок может быть сокращён. Оба будущих супруга приходят лично с "
            "паспортами; брачный возраст — 18 лет. Ранее состоявшие в браке представляют оригинал свидетельства о "
            "расторжении брака.",
            "A marriage is registered one month after the application; for good reasons (pregnancy, the birth of "
            "a child) the term may be shortened. Both future spouses come in person with their passports; the age "
            "of marriage is 18. Those married before bring the original certificate of divorce."),
        documents=[
            D("Никеге туруучулардын биргелешкен арызы", "Совместное заявление лиц, вступающих в брак",
              "Joint application of the persons marrying"),
            D("Никеге туруучулардын паспорттору (ID-карталары)", "Паспорта (ID-карты) лиц, вступающих в брак",
              "Passports (ID cards) of the persons marrying", True),
            D("Мамлекеттик алымдын төлөнгөндүгү жөнүндө квитанция", "Квитанция об уплате государственной пошлины",
              "Receipt of the state duty paid"),
            D("Никени бузуу жөнүндө күбөлүк (мурда никеде болсо)", "Свидетельство о расторжении брака (если ранее "
              "состояли в браке)", "Certificate of divorce (if married before)", True, optional=True)]),
    "A03": dict(
        group="A", agency="grs", names=("Өлүмдү мамлекеттик каттоо", "Государственная регистрация смерти",
                                        "State registration of death"),
        basis=f"{LAW_CIVIL_STATUS}; {REGISTER_85}", kind="person", categories="citizen", fee=0,
        result=("Өлүм жөнүндө күбөлүк", "Свидетельство о смерти", "Death certificate"), days=1, stages=(1, 0, 0),
        knowledge=(
            "Өлүм ал болгон күндөн тартып үч күндүн ичинде катталат. Өлүм жөнүндө медициналык маалымкаттын түп "
            "нускасын жана маркумдун паспортун текшериңиз; маркумдун паспорту борборго тапшырылат. Арызды үй-бүлө "
            "мүчөсү же маркум менен бирге жашаган адам берет.",
            "Смерть регистрируется в течение трёх дней со дня смерти. Проверьте оригинал медицинского "
            "свидетельства о смерти и паспорт умершего; паспорт умершего сдаётся в центр. Заявление подаёт член "
            "семьи или лицо, проживавшее с умершим.",
            "A death is registered within three days of it. Check the original medical certificate of death and "
            "the deceased's passport; the deceased's passport is handed in to the centre. A family member or a "
            "person who lived with the deceased applies."),
        documents=[
            D("Өлүм жөнүндө медициналык маалымкат", "Медицинское свидетельство о смерти",
              "Medical certificate of death", True),
            D("Маркумдун паспорту (ID-картасы)", "Паспорт (ID-карта) умершего", "Passport (ID card) of the deceased",
              True),
            ID]),
    "P01": dict(
        group="P", agency="grs",
        names=("Кыргыз Республикасынын жаранынын паспортун (ID-картаны) берүү",
               "Выдача паспорта гражданина Кыргызской Республики (ID-карты)",
               "Issuing the passport of a citizen of the Kyrgyz Republic (ID card)"),
        basis=f"{LAW_BIOMETRIC}; {REGISTER_85}", kind="person", categories="citizen", fee=500,
        fee_note="Кадимки мөөнөт; шашылыш даярдоо кошумча төлөнөт",
        result=("ID-карта (Кыргыз Республикасынын жаранынын 2017-жылкы үлгүдөгү паспорту)",
                "ID-карта (паспорт гражданина Кыргызской Республики образца 2017 года)",
                "ID card (passport of a citizen of the Kyrgyz Republic, 2017 model)"),
        days=10, stages=(8, 0, 2), slot=(20, 2),
        knowledge=(
            "ID-карта 16 жаштан баштап берилет; биометрикалык маалыматтар (сүрөт, манжа издери, кол тамга) "
            "борбордо алынат, ошондуктан арыз ээси өзү келет. Туулгандыгы жөнүндө күбөлүктүн түп нускасын жана "
            "мурунку паспортту текшериңиз: ЖИН дал келиши керек. Паспорт жоголгон болсо, жоголгондугу жөнүндө арыз "
            "толтурулат.",
            "ID-карта выдаётся с 16 лет; биометрические данные (фото, отпечатки пальцев, подпись) снимаются в "
            "центре, поэтому заявитель приходит лично. Проверьте оригинал свидетельства о рождении и прежний "
            "паспорт: ПИН должен совпадать. При утере паспорта заполняется заявление об утере.",
            "The ID card is issued from the age of 16; the biometric data (photo, fingerprints, signature) are "
            "taken at the centre, so the applicant comes in person. Check the original birth certificate and the "
            "previous passport: the PIN must match. For a lost passport a statement of loss is filled in."),
        documents=[
            D("Туулгандыгы жөнүндө күбөлүк", "Свидетельство о рождении", "Birth certificate", True),
            D("Мурунку паспорт (бар болсо)", "Прежний паспорт (при наличии)", "Previous passport (if any)", True,
              optional=True),
            D("Аскердик каттоо документи (18–27 жаштагы эркектер үчүн)", "Документ воинского учёта (для мужчин "
              "18–27 лет)", "Military registration document (men aged 18–27)", True, optional=True),
            RECEIPT]),
    "P02": dict(
        group="P", agency="grs",
        names=("Чет өлкөгө чыгуу үчүн жалпы жарандык паспортту берүү",
               "Выдача общегражданского паспорта для выезда за границу",
               "Issuing the general civil passport for travel abroad"),
        basis=f"{LAW_BIOMETRIC}; {REGISTER_85}", kind="person", categories="citizen", fee=3500,
        result=("Биометрикалык жалпы жарандык паспорт", "Биометрический общегражданский паспорт",
                "Biometric general civil passport"),
        days=15, stages=(13, 0, 2), slot=(20, 2),
        knowledge=(
            "Паспорт ID-картасы бар жаранга берилет; 16 жашка чейинки бала ата-энесинин бири менен келип, "
            "туулгандыгы жөнүндө күбөлүгүн көрсөтөт. Биометрикалык маалыматтар борбордо алынат. Мурунку "
            "паспорттун мөөнөтү бүтө элек болсо, ал жокко чыгарылат.",
            "Паспорт выдаётся гражданину, у которого есть ID-карта; ребёнок до 16 лет приходит с одним из "
            "родителей и предъявляет свидетельство о рождении. Биометрические данные снимаются в центре. Прежний "
            "паспорт, если срок его не истёк, аннулируется.",
            "The passport is issued to a citizen who has an ID card; a child under 16 comes with a parent and "
            "shows the birth certificate. The biometric data are taken at the centre. A previous passport still "
            "valid is cancelled."),
        documents=[
            D("Арыз ээсинин ID-картасы", "ID-карта заявителя", "Applicant's ID card", True),
            D("Мурунку жалпы жарандык паспорт (бар болсо)", "Прежний общегражданский паспорт (при наличии)",
              "Previous general civil passport (if any)", True, optional=True),
            D("Баланын туулгандыгы жөнүндө күбөлүгү (16 жашка чейин)", "Свидетельство о рождении ребёнка (до 16 "
              "лет)", "Child's birth certificate (under 16)", True, optional=True),
            RECEIPT]),
    "P03": dict(
        group="P", agency="grs",
        names=("Жашаган жери боюнча каттоо (прописка)", "Регистрация по месту жительства (прописка)",
               "Registration at the place of residence (propiska)"),
        basis=f"{LAW_MIGRATION}; {REGISTER_85}", kind="person", categories="citizen", fee=100,
        result=("Жашаган жери боюнча катталгандыгы жөнүндө белги жана маалымкат",
                "Отметка о регистрации по месту жительства и справка",
                "Record of the registration at the place of residence and a certificate"),
        days=5, stages=(2, 2, 1),
        knowledge=(
            "Турак жайдын ээси (бардык ээлери) жазуу жүзүндө макулдук берет же өзү келет. Турак жайга укукту "
            "борбор Кадастрдан ведомстволор аралык суроо-талап менен өзү текшерет, арыз ээсинен күбөлүк талап "
            "кылынбайт. Мурунку дарек боюнча каттоодон чыгаруу ушул эле арыз менен жүргүзүлөт.",
            "Собственник жилья (все собственники) даёт письменное согласие или приходит лично. Право на жильё "
            "центр сам проверяет межведомственным запросом в Кадастр, свидетельство от заявителя не требуется. "
            "Снятие с регистрации по прежнему адресу производится по этому же заявлению.",
            "The owner of the dwelling (all owners) gives written consent or comes in person. The centre itself "
            "checks the right to the dwelling through an interagency request to the Cadastre; no certificate is "
            "asked of the applicant. The deregistration at the previous address is done on the same application."),
        documents=[
            ID,
            D("Турак жайдын ээсинин жазуу жүзүндөгү макулдугу", "Письменное согласие собственника жилья",
              "Written consent of the owner of the dwelling", True),
            REGISTER_EXTRACT, RECEIPT]),
    "B01": dict(
        group="B", agency="cadastre",
        names=("Кыймылсыз мүлккө укуктарды мамлекеттик каттоо",
               "Государственная регистрация прав на недвижимое имущество",
               "State registration of rights to real estate"),
        basis=f"{LAW_REAL_ESTATE}; {REGISTER_85}", kind="any", categories="citizen", fee=1000,
        fee_note="Мүлктүн түрүнө жараша; турак жай үчүн базалык ставка",
        result=("Кыймылсыз мүлккө укукту мамлекеттик каттоо жөнүндө күбөлүк",
                "Свидетельство о государственной регистрации права на недвижимое имущество",
                "Certificate of state registration of the right to the real estate"),
        days=7, stages=(6, 0, 1), slot=(30, 1),
        knowledge=(
            "Укук белгилөөчү документ (сатып алуу-сатуу же белек кылуу келишими, мурасташуу күбөлүгү) түп нускада "
            "көрсөтүлөт жана нотариалдык күбөлөндүрүлгөн болушу керек. Жубайлардын биргелешкен менчиги болсо, "
            "экинчи жубайдын нотариалдык макулдугун текшериңиз. Мүлктүн дареги жана кадастрдык номери бардык "
            "документтерде бирдей болушу керек.",
            "Правоустанавливающий документ (договор купли-продажи или дарения, свидетельство о праве на "
            "наследство) предъявляется в оригинале и должен быть нотариально удостоверен. При совместной "
            "собственности супругов проверьте нотариальное согласие второго супруга. Адрес и кадастровый номер "
            "объекта должны совпадать во всех документах.",
            "The title document (contract of sale or of gift, certificate of inheritance) is shown in the original "
            "and must be notarised. For joint property of spouses check the notarised consent of the other spouse. "
            "The address and cadastral number of the property must be the same in every document."),
        documents=[
            ID_OR_REGISTRATION,
            D("Укук белгилөөчү документ (келишим, мурасташуу күбөлүгү)", "Правоустанавливающий документ (договор, "
              "свидетельство о праве на наследство)", "Title document (contract, certificate of inheritance)", True),
            D("Объекттин техникалык паспорту", "Технический паспорт объекта", "Technical passport of the property",
              True),
            D("Жубайынын нотариалдык макулдугу", "Нотариальное согласие супруга", "Notarised consent of the spouse",
              True, optional=True),
            RECEIPT]),
    "B02": dict(
        group="B", agency="cadastre",
        names=("Кыймылсыз мүлккө укуктардын бирдиктүү мамлекеттик реестринен көчүрмө берүү",
               "Выдача выписки из единого государственного реестра прав на недвижимое имущество",
               "Issuing an extract from the unified state register of rights to real estate"),
        basis=f"{LAW_REAL_ESTATE}; {REGISTER_85}", kind="any", categories="citizen", fee=300,
        result=("Реестрден көчүрмө", "Выписка из реестра", "Extract from the register"), days=3, stages=(2, 0, 1),
        knowledge=(
            "Көчүрмө мүлктүн ээсине, анын ишеним кат боюнча өкүлүнө же мыйзамда аталган органдарга берилет. "
            "Кадастрдык номерди же так даректи жазыңыз; ишеним каттын нотариалдык күбөлөндүрүлгөнүн жана "
            "мөөнөтүн текшериңиз.",
            "Выписка выдаётся собственнику, его представителю по доверенности или органам, названным в законе. "
            "Укажите кадастровый номер или точный адрес; проверьте нотариальное удостоверение и срок доверенности.",
            "The extract is issued to the owner, their representative by power of attorney or the bodies the law "
            "names. Write the cadastral number or the exact address; check that the power of attorney is notarised "
            "and still valid."),
        documents=[ID_OR_REGISTRATION, PROXY, RECEIPT]),
    "B03": dict(
        group="B", agency="aiyl",
        names=("Жер участогу жөнүндө маалымкат берүү", "Выдача справки о земельном участке",
               "Issuing a certificate on a land plot"),
        basis=f"Кыргыз Республикасынын Жер кодекси; {LAW_LSG}", kind="person", categories="citizen", fee=0,
        result=("Жер участогунун ээси, аянты жана максаттуу багыты жөнүндө маалымкат",
                "Справка о владельце, площади и целевом назначении земельного участка",
                "Certificate of the holder, area and designated use of the land plot"),
        days=5, stages=(2, 2, 1),
        knowledge=(
            "Маалымкат айыл өкмөтүнүн жер эсебинин жана чарба китебинин маалыматтары боюнча берилет. Жер "
            "үлүшүнө же участокко укукту борбор Кадастрдан реестрден көчүрмө алып текшерет. Участоктун дарегин "
            "жана ээсинин ЖИНин так жазыңыз.",
            "Справка выдаётся по данным земельного учёта и похозяйственной книги айыл окмоту. Право на земельную "
            "долю или участок центр проверяет выпиской из реестра, запрошенной в Кадастре. Точно укажите адрес "
            "участка и ПИН владельца.",
            "The certificate is issued from the aiyl okmotu's land records and household book. The centre checks "
            "the right to the land share or plot with an extract from the register requested from the Cadastre. "
            "Write the plot's address and the holder's PIN exactly."),
        documents=[
            ID,
            D("Жер участогуна укук күбөлүгү же мамлекеттик акт (бар болсо)", "Свидетельство о праве или "
              "государственный акт на земельный участок (при наличии)",
              "Certificate of right or state act for the land plot (if any)", True, optional=True),
            REGISTER_EXTRACT]),
    "T01": dict(
        group="T", agency="grs",
        names=("Автоунааны мамлекеттик каттоо", "Государственная регистрация транспортного средства",
               "State registration of a vehicle"),
        basis=f"{LAW_ROADS}; {REGISTER_85}", kind="any", categories="citizen", fee=1800,
        fee_note="Мамлекеттик номер белгилери өзүнчө төлөнөт",
        result=("Автоунааны каттоо күбөлүгү (техпаспорт) жана мамлекеттик номер белгилери",
                "Свидетельство о регистрации транспортного средства (техпаспорт) и государственные номерные знаки",
                "Vehicle registration certificate and state number plates"),
        days=2, stages=(1, 0, 1), slot=(30, 2),
        knowledge=(
            "Каттоодон мурун унаа кароодон өтөт, кузовдун жана кыймылдаткычтын номерлери салыштырылат. Сатып "
            "алуу-сатуу келишиминин жана бажы документтеринин (чет өлкөдөн алынып келинсе) түп нускаларын "
            "текшериңиз. Ээсинин жарандык жоопкерчилигин камсыздандыруу полиси милдеттүү.",
            "Перед регистрацией транспортное средство осматривается, сверяются номера кузова и двигателя. "
            "Проверьте оригиналы договора купли-продажи и таможенных документов (при ввозе из-за рубежа). "
            "Обязателен полис страхования гражданской ответственности владельца.",
            "Before registration the vehicle is inspected and its body and engine numbers are checked. Check the "
            "originals of the contract of sale and of the customs documents (for a vehicle brought from abroad). "
            "The owner's third-party insurance policy is mandatory."),
        documents=[
            ID_OR_REGISTRATION,
            D("Унааны сатып алуу-сатуу келишими же башка укук документи", "Договор купли-продажи или иной документ "
              "о праве на транспортное средство", "Contract of sale or other title to the vehicle", True),
            D("Бажы тариздөөсү жөнүндө документ", "Документ о таможенном оформлении", "Customs clearance document",
              True, optional=True),
            D("Жарандык жоопкерчиликти милдеттүү камсыздандыруу полиси", "Полис обязательного страхования "
              "гражданской ответственности", "Compulsory third-party insurance policy", True),
            RECEIPT]),
    "T02": dict(
        group="T", agency="grs",
        names=("Айдоочулук күбөлүктү алмаштыруу", "Обмен водительского удостоверения",
               "Exchange of a driving licence"),
        basis=f"{LAW_ROADS}; {REGISTER_85}", kind="person", categories="citizen", fee=900,
        result=("Жаңы үлгүдөгү айдоочулук күбөлүк", "Водительское удостоверение нового образца",
                "Driving licence of the new model"),
        days=5, stages=(4, 0, 1),
        knowledge=(
            "Күбөлүк мөөнөтү бүткөндө, аты-жөнү өзгөргөндө же бузулганда алмаштырылат. Медициналык маалымкаттын "
            "мөөнөтүн жана категорияларын текшериңиз; мурунку күбөлүк тапшырылат. Чет өлкөлүк күбөлүктү "
            "алмаштырууда анын котормосу нотариалдык күбөлөндүрүлөт.",
            "Удостоверение меняется по истечении срока, при смене фамилии или при порче. Проверьте срок действия и "
            "категории медицинской справки; прежнее удостоверение сдаётся. При обмене иностранного удостоверения "
            "его перевод заверяется нотариально.",
            "The licence is exchanged when it expires, the name changes or it is damaged. Check the medical "
            "certificate's validity and categories; the old licence is handed in. To exchange a foreign licence, "
            "its translation is notarised."),
        documents=[
            ID,
            D("Мурунку айдоочулук күбөлүк", "Прежнее водительское удостоверение", "Previous driving licence", True),
            D("Айдоочунун медициналык маалымкаты", "Медицинская справка водителя", "Driver's medical certificate",
              True),
            D("Чет өлкөлүк күбөлүктүн нотариалдык котормосу", "Нотариальный перевод иностранного удостоверения",
              "Notarised translation of a foreign licence", True, optional=True),
            RECEIPT]),
    "C01": dict(
        group="C", agency="labour",
        names=("Балдары бар аз камсыз болгон үй-бүлөлөргө «Үй-бүлөгө көмөк» ай сайын берилүүчү жөлөкпулун дайындоо",
               "Назначение ежемесячного пособия «Уй-булого комок» малообеспеченным семьям с детьми",
               "Assignment of the monthly benefit «Üy-bülögö kömök» to low-income families with children"),
        basis=("Кыргыз Республикасынын 2009-жылдын 29-декабрындагы № 318 «Кыргыз Республикасындагы мамлекеттик "
               f"жөлөкпулдар жөнүндө» Мыйзамы; {REGISTER_85}"), kind="person", categories="citizen", fee=0,
        result=("Жөлөкпул дайындоо жөнүндө чечим (же баш тартуу жөнүндө негиздүү чечим)",
                "Решение о назначении пособия (или мотивированный отказ)",
                "Decision on assigning the benefit (or a reasoned refusal)"),
        days=15, stages=(10, 3, 2),
        knowledge=(
            "Жөлөкпул үй-бүлөнүн ар бир мүчөсүнө туура келген орточо киреше кепилденген минималдуу деңгээлден "
            "төмөн болгондо 16 жашка чейинки ар бир балага дайындалат. Үй-бүлөнүн курамы жөнүндө маалымкатты айыл "
            "өкмөтүнөн, кирешелер жөнүндө маалыматты Социалдык фонддон борбор өзү сурайт. Арыз ээсинен балдардын "
            "туулгандыгы жөнүндө күбөлүктөрүнүн түп нускаларын жана банк эсебинин реквизиттерин текшериңиз.",
            "Пособие назначается на каждого ребёнка до 16 лет, если среднедушевой доход семьи ниже "
            "гарантированного минимального уровня. Справку о составе семьи центр сам запрашивает в айыл окмоту, "
            "сведения о доходах — в Социальном фонде. У заявителя проверьте оригиналы свидетельств о рождении детей "
            "и реквизиты банковского счёта.",
            "The benefit is assigned for each child under 16 when the family's income per head is below the "
            "guaranteed minimum level. The centre itself requests the certificate of family composition from the "
            "aiyl okmotu and the income data from the Social Fund. From the applicant check the originals of the "
            "children's birth certificates and the bank account details."),
        documents=[
            ID,
            D("Балдардын туулгандыгы жөнүндө күбөлүктөрү", "Свидетельства о рождении детей",
              "Children's birth certificates", True),
            D("Үй-бүлөнүн курамы жөнүндө маалымкат", "Справка о составе семьи", "Certificate of family composition",
              source="aiyl"),
            D("Үй-бүлө мүчөлөрүнүн кирешелери жөнүндө маалымат", "Сведения о доходах членов семьи",
              "Income data of the family members", source="socfund"),
            D("Банк эсебинин реквизиттери", "Реквизиты банковского счёта", "Bank account details", optional=True)]),
    "C02": dict(
        group="C", agency="socfund",
        names=("Жаш курагы боюнча пенсия дайындоо", "Назначение пенсии по возрасту",
               "Assignment of an old-age pension"),
        basis=("«Мамлекеттик пенсиялык социалдык камсыздандыруу жөнүндө» Кыргыз Республикасынын Мыйзамы (1997); "
               f"{REGISTER_85}"), kind="person", categories="citizen", fee=0,
        result=("Пенсия дайындоо жөнүндө чечим жана пенсиялык күбөлүк",
                "Решение о назначении пенсии и пенсионное удостоверение",
                "Decision on the pension and the pension certificate"),
        days=10, stages=(7, 2, 1),
        knowledge=(
            "Жалпы негизде пенсия эркектерге 63 жаштан, аялдарга 58 жаштан, камсыздандыруу стажы жетиштүү "
            "болгондо дайындалат. Эмгек китепчесинин түп нускасын текшериңиз: жазуулар мөөр менен күбөлөндүрүлгөн, "
            "аты-жөнү паспортко дал келиши керек. Катталган дарек жөнүндө маалыматты борбор өзү сурайт.",
            "На общих основаниях пенсия назначается мужчинам с 63 лет, женщинам с 58 лет при достаточном "
            "страховом стаже. Проверьте оригинал трудовой книжки: записи заверены печатью, ФИО совпадает с "
            "паспортом. Сведения о зарегистрированном адресе центр запрашивает сам.",
            "On general grounds the pension is assigned to men from 63 and to women from 58 with a sufficient "
            "insurance record. Check the original work record book: the entries are stamped and the name matches "
            "the passport. The centre itself requests the registered address."),
        documents=[
            ID,
            D("Эмгек китепчеси", "Трудовая книжка", "Work record book", True),
            D("Эмгек акысы жөнүндө маалымкат (стаж жетишсиз болсо)", "Справка о заработной плате (при "
              "недостаточном стаже)", "Certificate of earnings (if the record is short)", True, optional=True),
            ADDRESS_DATA,
            D("Аскердик билет (эркектер үчүн)", "Военный билет (для мужчин)", "Military service book (men)", True,
              optional=True)]),
    "D01": dict(
        group="D", agency="tax",
        names=("Жеке ишкерди мамлекеттик каттоо", "Государственная регистрация индивидуального предпринимателя",
               "State registration of an individual entrepreneur"),
        basis=f"Кыргыз Республикасынын Салык кодекси; {REGISTER_85}", kind="person", categories="entrepreneur",
        fee=0,
        result=("Жеке ишкерди мамлекеттик каттоо жөнүндө күбөлүк",
                "Свидетельство о государственной регистрации индивидуального предпринимателя",
                "Certificate of state registration of the individual entrepreneur"),
        days=3, stages=(1, 1, 1),
        knowledge=(
            "Жеке ишкер жашаган жери боюнча салык органында катталат; арыз менен бирге салык режими (патент, "
            "бирдиктүү салык же жалпы режим) тандалат. Ишмердүүлүктүн түрүнүн кодун арыз ээси менен бирге "
            "тактаңыз. Катталган даректи борбор өзү текшерет.",
            "Индивидуальный предприниматель регистрируется в налоговом органе по месту жительства; вместе с "
            "заявлением выбирается налоговый режим (патент, единый налог или общий режим). Уточните с заявителем "
            "код вида деятельности. Зарегистрированный адрес центр проверяет сам.",
            "An individual entrepreneur registers with the tax office of their place of residence; the tax regime "
            "(patent, single tax or general regime) is chosen with the application. Agree the code of the activity "
            "with the applicant. The centre itself checks the registered address."),
        documents=[
            ID,
            D("Жеке ишкерди каттоо жөнүндө арыз (белгиленген формада)", "Заявление о регистрации индивидуального "
              "предпринимателя (установленной формы)", "Application for registration as an entrepreneur "
              "(prescribed form)"),
            ADDRESS_DATA]),
    "D02": dict(
        group="D", agency="justice",
        names=("Юридикалык жакты мамлекеттик каттоо", "Государственная регистрация юридического лица",
               "State registration of a legal entity"),
        basis=("Кыргыз Республикасынын 2009-жылдын 20-февралындагы № 57 «Юридикалык жактарды, филиалдарды "
               f"(өкүлчүлүктөрдү) мамлекеттик каттоо жөнүндө» Мыйзамы; {REGISTER_85}"), kind="any",
        categories="legal_entity", fee=1000, fee_note="Уюштуруу-укуктук формасына жараша",
        result=("Юридикалык жакты мамлекеттик каттоо жөнүндө күбөлүк",
                "Свидетельство о государственной регистрации юридического лица",
                "Certificate of state registration of the legal entity"),
        days=5, stages=(4, 0, 1),
        knowledge=(
            "Устав жана уюштуруучулардын чечими (протоколу) түп нускада эки нускада тапшырылат; аталышы башка "
            "юридикалык жактын аталышын кайталабашы керек. Уюштуруучулардын паспортторун же уюштуруучу юридикалык "
            "жак болсо, анын каттоо күбөлүгүн текшериңиз. Жетекчинин кол тамгасы нотариалдык күбөлөндүрүлөт.",
            "Устав и решение (протокол) учредителей представляются в оригинале в двух экземплярах; наименование не "
            "должно повторять наименование другого юридического лица. Проверьте паспорта учредителей или, если "
            "учредитель — юридическое лицо, его свидетельство о регистрации. Подпись руководителя заверяется "
            "нотариально.",
            "The charter and the founders' decision (minutes) are submitted as originals in two copies; the name "
            "must not repeat another legal entity's. Check the founders' passports or, for a founder that is a "
            "legal entity, its registration certificate. The head's signature is notarised."),
        documents=[
            D("Мамлекеттик каттоо жөнүндө арыз (белгиленген формада)", "Заявление о государственной регистрации "
              "(установленной формы)", "Application for state registration (prescribed form)", True),
            D("Уюштуруучулардын чечими же уюштуруу жыйналышынын протоколу", "Решение учредителей или протокол "
              "учредительного собрания", "Founders' decision or minutes of the founding meeting", True),
            D("Устав (эки нускада)", "Устав (в двух экземплярах)", "Charter (two copies)", True),
            D("Уюштуруучулардын паспорттору же каттоо күбөлүктөрү", "Паспорта или свидетельства о регистрации "
              "учредителей", "Founders' passports or registration certificates", True),
            RECEIPT]),
    "D03": dict(
        group="D", agency="tax",
        names=("Салык төлөөчүнү салык органында эсепке коюу", "Учётная регистрация налогоплательщика в налоговом "
               "органе", "Registration of a taxpayer with the tax authority"),
        basis=f"Кыргыз Республикасынын Салык кодекси; {REGISTER_85}", kind="any", categories="entrepreneur", fee=0,
        result=("Салык органында эсепке коюлгандыгы жөнүндө билдирме (ИСН ыйгарылат)",
                "Уведомление о постановке на учёт в налоговом органе (присвоение ИНН)",
                "Notice of registration with the tax authority (the INN assigned)"),
        days=3, stages=(2, 0, 1),
        knowledge=(
            "Кыргыз Республикасынын жаранынын ЖИНи салык төлөөчүнүн идентификациялык номери катары колдонулат; чет "
            "өлкөлүк жаранга жана уюмга ИСН ыйгарылат. Арыз ээси буга чейин эсепте турбаганын салык кызматынын "
            "реестринен текшериңиз: кайра эсепке коюунун кереги жок.",
            "ПИН гражданина Кыргызской Республики используется как идентификационный номер налогоплательщика; "
            "иностранному гражданину и организации присваивается ИНН. Проверьте по реестру налоговой службы, не "
            "состоит ли заявитель уже на учёте: повторная постановка не нужна.",
            "A Kyrgyz citizen's PIN serves as the taxpayer identification number; a foreign citizen and an "
            "organisation are assigned an INN. Check in the tax service's register that the applicant is not "
            "registered already: registering twice is not needed."),
        documents=[
            ID_OR_REGISTRATION,
            D("Эсепке коюу жөнүндө арыз (белгиленген формада)", "Заявление о постановке на учёт (установленной "
              "формы)", "Application for registration (prescribed form)"),
            PROXY]),
    "E01": dict(
        group="E", agency="mvd",
        names=("Соттуулугу бар же жок экендиги жөнүндө маалымкат берүү",
               "Выдача справки о наличии (отсутствии) судимости",
               "Issuing a certificate of (no) criminal record"),
        basis=f"«Ички иштер органдары жөнүндө» Кыргыз Республикасынын Мыйзамы; {REGISTER_85}", kind="person",
        categories="citizen", fee=150,
        result=("Соттуулугу бар же жок экендиги жөнүндө маалымкат", "Справка о наличии (отсутствии) судимости",
                "Certificate of (no) criminal record"),
        days=7, stages=(6, 0, 1),
        knowledge=(
            "Маалымкат Ички иштер министрлигинин Маалымат борборунун маалыматтары боюнча берилет; аты-жөнү "
            "өзгөргөн болсо, мурунку аты-жөнүн да жазыңыз. Чет өлкөгө тапшыруу үчүн апостиль өзүнчө коюлат. "
            "Маалымкат ээсинин өзүнө же нотариалдык ишеним кат боюнча өкүлүнө берилет.",
            "Справка выдаётся по данным Информационного центра МВД; если фамилия менялась, укажите и прежние ФИО. "
            "Для представления за границей апостиль ставится отдельно. Справка выдаётся лично или представителю по "
            "нотариальной доверенности.",
            "The certificate is issued from the data of the information centre of the Ministry of Internal "
            "Affairs; if the name changed, write the former names too. For use abroad an apostille is put "
            "separately. The certificate is given in person or to a representative with a notarised power of "
            "attorney."),
        documents=[ID, RECEIPT, PROXY]),
    "E02": dict(
        group="E", agency="grs", names=("Даректик маалымкат берүү", "Выдача адресной справки",
                                        "Issuing an address certificate"),
        basis=f"{LAW_MIGRATION}; {REGISTER_85}", kind="person", categories="citizen", fee=50,
        result=("Жашаган жери боюнча катталгандыгы жөнүндө даректик маалымкат",
                "Адресная справка о регистрации по месту жительства",
                "Address certificate of the registration at the place of residence"),
        days=1, stages=(1, 0, 0),
        knowledge=(
            "Маалымкат каттоонун электрондук базасы боюнча ошол эле күнү берилет. Арыз ээсинин ЖИНи боюнча "
            "издеңиз; башка адам жөнүндө маалымкат ошол адамдын нотариалдык ишеним каты менен гана берилет (жеке "
            "маалыматтар).",
            "Справка выдаётся в тот же день по электронной базе регистрации. Ищите по ПИН заявителя; справка о "
            "другом лице выдаётся только по его нотариальной доверенности (персональные данные).",
            "The certificate is issued the same day from the electronic registration database. Search by the "
            "applicant's PIN; a certificate about another person is given only with that person's notarised power "
            "of attorney (personal data)."),
        documents=[ID, RECEIPT]),
    "E03": dict(
        group="E", agency="aiyl", names=("Үй-бүлөнүн курамы жөнүндө маалымкат берүү",
                                         "Выдача справки о составе семьи",
                                         "Issuing a certificate of family composition"),
        basis=LAW_LSG, kind="person", categories="citizen", fee=0,
        result=("Үй-бүлөнүн курамы жөнүндө маалымкат (чарба китебинен)",
                "Справка о составе семьи (из похозяйственной книги)",
                "Certificate of family composition (from the household book)"),
        days=3, stages=(2, 0, 1),
        knowledge=(
            "Маалымкат айыл өкмөтүнүн чарба китебинин маалыматтары боюнча берилет; ал жөлөкпул, мектеп же сот "
            "үчүн керек. Чарба китебинде үй-бүлө мүчөлөрү туура жазылганын арыз ээси менен текшериңиз; өзгөрүү "
            "болсо, адегенде чарба китебине өзгөртүү киргизилет.",
            "Справка выдаётся по данным похозяйственной книги айыл окмоту; она нужна для пособий, школы или суда. "
            "Сверьте с заявителем, верно ли записаны члены семьи в похозяйственной книге; при изменениях сначала "
            "вносятся изменения в книгу.",
            "The certificate is issued from the aiyl okmotu's household book; it is needed for benefits, school or "
            "court. Check with the applicant that the family members are recorded correctly in the household book; "
            "if something changed, the book is corrected first."),
        documents=[
            ID,
            D("Үй-бүлө мүчөлөрүнүн туулгандыгы жөнүндө күбөлүктөрү же паспорттору", "Свидетельства о рождении или "
              "паспорта членов семьи", "Birth certificates or passports of the family members", True,
              optional=True)]),
    "E04": dict(
        group="E", agency="health", names=("Айдоочуларга медициналык маалымкат берүү",
                                           "Выдача медицинской справки для водителей",
                                           "Issuing a medical certificate for drivers"),
        basis=("«Кыргыз Республикасында жарандардын ден соолугун коргоо жөнүндө» Кыргыз Республикасынын Мыйзамы; "
               f"{LAW_ROADS}"), kind="person", categories="citizen", fee=1200,
        result=("Унаа айдоого жарамдуулугу жөнүндө медициналык маалымкат",
                "Медицинская справка о годности к управлению транспортными средствами",
                "Medical certificate of fitness to drive"),
        days=3, stages=(2, 0, 1), slot=(15, 3),
        knowledge=(
            "Маалымкат дарыгерлердин (терапевт, көз дарыгери, невролог) кароосунан жана наркологиялык, "
            "психиатриялык эсепте турбагандыгы текшерилгенден кийин берилет. Борбор арызды кабыл алып, кароого "
            "жазат; арыз ээси саламаттыкты сактоо уюмуна өзү барат. Маалымкаттын категориялары айдоочулук "
            "күбөлүктүн категорияларына дал келиши керек.",
            "Справка выдаётся после осмотра врачами (терапевт, офтальмолог, невролог) и проверки, что заявитель не "
            "состоит на наркологическом и психиатрическом учёте. Центр принимает заявление и записывает на осмотр; "
            "заявитель сам приходит в организацию здравоохранения. Категории справки должны соответствовать "
            "категориям водительского удостоверения.",
            "The certificate is issued after an examination by doctors (general practitioner, ophthalmologist, "
            "neurologist) and a check that the applicant is not on the drug-addiction or psychiatric register. The "
            "centre takes the application and books the examination; the applicant goes to the health organisation "
            "in person. The certificate's categories must match those of the driving licence."),
        documents=[ID, D("Сүрөт 3×4 (2 даана)", "Фотографии 3×4 (2 шт.)", "Photographs 3×4 (2)"), RECEIPT]),
}

STAGE_KEYS = ("agency", "interagency", "handover")
OPENS, CLOSES = datetime.time(8, 30), datetime.time(17, 30)
AFTERNOON = (datetime.time(12, 30), datetime.time(17, 30))
PART_TIME = (datetime.time(8, 30), datetime.time(13, 0))
POSITIONS = {"head": "Калкты тейлөө борборунун жетекчиси",
             "operator": "Кабыл алуу жана берүү боюнча адис (оператор)",
             "back_office": "Бэк-офистин адиси"}

#: the offices: code, where ("demo_rayon": the demo rayon's aiyl aimak, "demo_city": the demo city), the services
#: NOT offered, the address, the phone, windows {number: service codes or groups}, staff [(name, role, skills, shift,
#: window)]
OFFICES = [
    dict(code="ALA01", where="demo_rayon", without=("T01", "T02"),
         address="Аламүдүн айылы, Ленин көчөсү, 23", phone="+996 3122 6-12-34",
         windows={1: ("P",), 2: ("A", "P03"), 3: ("B",), 4: ("C", "D"), 5: ("*",)},
         staff=[
             ("Касымова Айнура Бакытбековна", "head", (), "full", None),
             ("Асанов Нурбек Маратович", "operator", ("P",), "full", 1),
             ("Жумабекова Бермет Талантбековна", "operator", ("A", "P03", "E"), "full", 2),
             ("Токтогулов Эрмек Садырович", "operator", ("B",), "afternoon", 3),
             ("Абдраимов Самат Жыргалбекович", "operator", ("C", "D"), "full", 4),
             ("Осмонова Чолпон Алмазбековна", "operator", ("*",), "part_time", 5),
             ("Сыдыкова Гүлзат Нурлановна", "back_office", ("B01", "B02", "B03", "P03"), "full", None),
             ("Мамытов Адилет Кубанычбекович", "back_office", ("B01", "B02", "C01", "C02"), "full", None),
             ("Бейшенова Айпери Улановна", "back_office", ("C", "D", "E", "A", "P"), "full", None)]),
    dict(code="KRK01", where="demo_city", without=("B03", "E03"),
         address="{city} ш., Абдрахманов көчөсү, 130", phone="+996 3922 5-40-21",
         windows={1: ("A", "P"), 2: ("B", "T"), 3: ("C", "D"), 4: ("*",)},
         staff=[
             ("Бейшеналиев Талант Жолдошбекович", "head", (), "full", None),
             ("Абдыкадырова Айгерим Маратовна", "operator", ("A", "P"), "full", 1),
             ("Эсенгулов Бакыт Асанович", "operator", ("B", "T"), "full", 2),
             ("Нуралиева Мээрим Эркинбековна", "operator", ("C", "D", "E"), "afternoon", 3),
             ("Молдокматов Руслан Төлөгөнович", "operator", ("*",), "full", 4),
             ("Кадыров Улан Токтосунович", "back_office", ("B", "T", "D02", "D03"), "full", None),
             ("Үсөнова Жылдыз Бакировна", "back_office", ("A", "P", "C", "D", "E"), "full", None)]),
]
#: (office code, service code or None for the office's default, method, role)
RULES = [("ALA01", None, "least_open", "back_office"), ("ALA01", "C01", "round_robin", "back_office"),
         ("ALA01", "B01", "skill", "back_office"), ("KRK01", None, "least_open", "back_office"),
         ("KRK01", "D02", "skill", "back_office")]
#: tickets of the demo queue day (the last working day before today) per office
QUEUE_DAY_TICKETS = {"ALA01": 160, "KRK01": 110}


def _local(day, time):
    return datetime.datetime.combine(day, time, tzinfo=clock.local_zone())


def working_days_before(day, n):
    while n:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def _places(session):
    """(the demo rayon's aiyl aimak of its centre, the demo city)."""
    from app.seed import DEMO_RAYON, demo_city
    from app.territory_kinds import AIYL_AIMAK

    rayon = session.scalar(select(Territory).where(Territory.code == DEMO_RAYON))
    aimak = None
    if rayon is not None:
        aimaks = session.scalars(select(Territory).where(Territory.kind == AIYL_AIMAK,
                                                         Territory.path.startswith(rayon.path))
                                 .order_by(Territory.code)).all()
        # the aimak named as the rayon (its centre), else the first one
        aimak = next((a for a in aimaks if rayon.name_ru.split()[0][:6] in (a.name_ru or "")), None) or \
            (aimaks[0] if aimaks else rayon)
    return aimak, demo_city(session)


def _names(territory, fallback):
    """A place's bare name in ky/ru/en ("Каракол шаары" / "г. Каракол" / "Karakol" -> Каракол, Каракол, Karakol)."""
    if territory is None:
        return fallback
    ky = (territory.name_ky or territory.name_ru)
    for suffix in (" шаары", " айыл аймагы", " району"):
        ky = ky.removesuffix(suffix)
    ru = territory.name_ru.removeprefix("г. ")
    for suffix in (" айылный аймак", " район"):
        ru = ru.removesuffix(suffix)
    en = (territory.name_en or ru)
    for suffix in (" City", " aiyl aimak", " District"):
        en = en.removesuffix(suffix)
    return ky, ru, en


class _Seeder:
    def __init__(self, session, today, echo):
        self.session, self.today, self.echo = session, today, echo
        self.agencies, self.groups, self.services, self.offices, self.new_offices = {}, {}, {}, [], []

    # --- agencies ----------------------------------------------------------------------------------------------
    def agency(self, key):
        if key in self.agencies:
            return self.agencies[key]
        inn = EGOV_AGENCIES.get(key) or AGENCIES[key][0]
        org = self.session.scalar(select(EgovOrganisation).where(EgovOrganisation.inn == inn))
        if org is None:
            org = self._egov_agency(key) if key in EGOV_AGENCIES else self._new_agency(key)
        self.agencies[key] = org
        return org

    def _new_agency(self, key):
        inn, kind, ky, ru, en, short, address, head = AGENCIES[key]
        parse_inn(inn, today=self.today)
        capital = self.session.scalar(select(Territory).where(Territory.code == "41711000000000"))
        org = EgovOrganisation(inn=inn, kind=kind, name_ky=ky, name_ru=ru, name_en=en, short_name=short,
                               address=address, territory=capital, head_name=head)
        self.session.add(org)
        return org

    def _egov_agency(self, key):
        """The e-government seed's subject, made as that seed makes it (when it did not run)."""
        from app.seed.egov_registry import ORGANISATIONS, _lsg_territories

        _, inn, kind, ky, ru, en, short, address, head = next(o for o in ORGANISATIONS if o[0] == key)
        territory = _lsg_territories(self.session).get(key) if kind == "lsg_body" else \
            self.session.scalar(select(Territory).where(Territory.code == "41711000000000"))
        if kind == "lsg_body":
            names = [territory.name_ky or territory.name_ru, territory.name_ru, territory.name_en or
                     territory.name_ru] if territory is not None else ["Кант", "Кант", "Kant"]
            ky, ru, en, address = ky.format(name=names[0]), ru.format(name=names[1]), en.format(name=names[2]), \
                address.format(name=names[0])
        parse_inn(inn, today=self.today)
        org = EgovOrganisation(inn=inn, kind=kind, name_ky=ky, name_ru=ru, name_en=en, short_name=short,
                               address=address, territory=territory, head_name=head)
        self.session.add(org)
        return org

    # --- the catalogue -----------------------------------------------------------------------------------------
    def catalogue(self):
        for prefix, parent, order, ky, ru, en in GROUPS:
            group = self.session.scalar(select(ScServiceGroup).where(ScServiceGroup.ticket_prefix == prefix))
            if group is None:
                group = ScServiceGroup(ticket_prefix=prefix, parent=self.groups.get(parent), sort_order=order,
                                       name_ky=ky, name_ru=ru, name_en=en)
                self.session.add(group)
            self.groups[prefix] = group
        for code, s in SERVICES.items():
            assert sum(s["stages"]) == s["days"], code
            service = self.session.scalar(select(ScService).where(ScService.code == code))
            if service is not None:  # kept as it is (an administrator may have edited it)
                self.services[code] = service
                continue
            slot_minutes, slot_capacity = s.get("slot", (None, 1))
            agency = self.agency(s["agency"])  # looked up before the new rows join the session (no autoflush)
            sources = [self.agency(doc["source"]) if doc["source"] else None for doc in s["documents"]]
            service = ScService(
                code=code, group=self.groups[s["group"]], agency=agency, legal_basis=s["basis"],
                applicant_kind=s["kind"], applicant_categories=s["categories"], fee=s["fee"],
                fee_note=s.get("fee_note"), name_ky=s["names"][0], name_ru=s["names"][1], name_en=s["names"][2],
                result_ky=s["result"][0], result_ru=s["result"][1], result_en=s["result"][2],
                total_days=s["days"], knowledge_ky=s["knowledge"][0], knowledge_ru=s["knowledge"][1],
                knowledge_en=s["knowledge"][2], slot_minutes=slot_minutes, slot_capacity=slot_capacity, active=True)
            for order, (doc, source) in enumerate(zip(s["documents"], sources), 1):
                service.documents.append(ScServiceDocument(
                    name_ky=doc["name_ky"], name_ru=doc["name_ru"], name_en=doc["name_en"], original=doc["original"],
                    requested_by_centre=source is not None, source_agency=source, optional=doc["optional"],
                    sort_order=order * 10))
            for stage, norm in zip(STAGE_KEYS, s["stages"]):
                if stage == "agency" or norm:
                    service.stages.append(ScServiceStage(stage=stage, norm_days=norm))
            self.session.add(service)
            self.services[code] = service
        self.session.flush()

    def _codes(self, selectors, offered):
        """Service codes of `selectors` (a code, a group's prefix with its subgroups, or "*": all) among `offered`."""
        codes = []
        for selector in selectors:
            for code in offered:
                group = SERVICES[code]["group"]
                parent = next(g[1] for g in GROUPS if g[0] == group)
                if selector in ("*", code, group, parent) and code not in codes:
                    codes.append(code)
        return codes

    # --- the offices -------------------------------------------------------------------------------------------
    def offices_and_staff(self):
        aimak, city = _places(self.session)
        rayon_names = _names(aimak, ("Аламүдүн", "Аламудун", "Alamudun"))
        city_names = _names(city, ("Каракол", "Каракол", "Karakol"))
        from app.seed import DEMO_RAYON

        rayon = self.session.scalar(select(Territory).where(Territory.code == DEMO_RAYON))
        district = _names(rayon, rayon_names)
        titles = {"demo_rayon": (f"{district[0]} районунун калкты тейлөө борбору",
                            f"Центр обслуживания населения {_ru_genitive_rayon(rayon)}",
                            f"{district[2]} rayon public service centre"),
                  "demo_city": (f"{city_names[0]} шаарынын калкты тейлөө борбору",
                           f"Центр обслуживания населения города {city_names[1]}",
                           f"{city_names[2]} city public service centre")}
        for spec in OFFICES:
            existing = self.session.scalar(select(ScOffice).where(ScOffice.code == spec["code"]))
            if existing is not None:  # kept as it is, with its windows and staff
                self.offices.append(existing)
                continue
            territory = aimak if spec["where"] == "demo_rayon" else city
            if territory is None:
                self.echo(f"  service centre: no territory for the office {spec['code']}, skipped")
                continue
            ky, ru, en = titles[spec["where"]]
            office = ScOffice(code=spec["code"], name_ky=ky, name_ru=ru, name_en=en, territory=territory,
                              address=spec["address"].format(city=city_names[0]), phone=spec["phone"],
                              opens_at=OPENS, closes_at=CLOSES, wait_norm_minutes=15)
            offered = [code for code in SERVICES if code not in spec["without"]]
            office.services = [self.services[code] for code in offered]
            self.session.add(office)
            for window_number, selectors in spec["windows"].items():
                self.session.add(ScWindow(office=office, number=window_number, active=True,
                                          services=[self.services[c] for c in self._codes(selectors, offered)]))
            for name, role, skills, shift, _window in spec["staff"]:
                staff = ScStaff(office=office, full_name=name, position=POSITIONS[role], role=role, active=True,
                                skills=[self.services[c] for c in self._codes(skills, offered)])
                staff.shifts = self._shifts(shift)
                self.session.add(staff)
            self.offices.append(office)
            self.new_offices.append(office)
        self.session.flush()
        self._absences()
        for office_code, service_code, method, role in RULES:
            office = next((o for o in self.new_offices if o.code == office_code), None)
            if office is not None:
                self.session.add(ScAssignmentRule(office=office, service=self.services.get(service_code),
                                                  method=method, role=role, active=True))
        self.session.flush()

    @staticmethod
    def _shifts(kind):
        if kind == "part_time":  # three days a week, mornings
            return [ScShift(weekday=day, starts_at=PART_TIME[0], ends_at=PART_TIME[1]) for day in (0, 2, 4)]
        start, end = AFTERNOON if kind == "afternoon" else (OPENS, CLOSES)
        return [ScShift(weekday=day, starts_at=start, ends_at=end) for day in range(5)]

    def _absences(self):
        staff = {s.full_name: s for office in self.new_offices for s in
                 self.session.scalars(select(ScStaff).where(ScStaff.office_id == office.id))}
        today = self.today
        leave = staff.get("Сыдыкова Гүлзат Нурлановна")
        if leave is not None:  # on leave today: automatic distribution passes her by
            self.session.add(ScAbsence(staff=leave, kind="leave", starts_on=today - datetime.timedelta(days=4),
                                       ends_on=today + datetime.timedelta(days=10),
                                       note="Жыл сайын берилүүчү акы төлөнүүчү эмгек өргүүсү"))
        sick = staff.get("Эсенгулов Бакыт Асанович")
        if sick is not None:
            self.session.add(ScAbsence(staff=sick, kind="sick", starts_on=today - datetime.timedelta(days=40),
                                       ends_on=today - datetime.timedelta(days=33),
                                       note="Убактылуу эмгекке жарамсыздык барагы"))
        training = staff.get("Жумабекова Бермет Талантбековна")
        if training is not None:
            self.session.add(ScAbsence(staff=training, kind="training", starts_on=today - datetime.timedelta(days=20),
                                       ends_on=today - datetime.timedelta(days=18),
                                       note="Мамлекеттик кызмат көрсөтүүлөрдүн стандарттары боюнча окуу"))


def _ru_genitive_rayon(rayon):
    """«Аламудинского района» from «Аламудунский район» (the usual adjectival name of a rayon)."""
    if rayon is None:
        return "Аламудинского района"
    name = rayon.name_ru
    if name.endswith("ский район"):
        return name.removesuffix("ский район") + "ского района"
    return f"района {name.removesuffix(' район')}"


def first_office(session):
    """The first demo office (the demo users of the office-bound roles work there), or None."""
    return session.scalar(select(ScOffice).where(ScOffice.code == OFFICES[0]["code"]))


#: the staff member of the first demo office whose account each office-bound demo user is (role template name ->
#: the staff member's name): the operator at window 1, a back-office specialist not on leave, the head
DEMO_STAFF = {"Service centre operator": "Асанов Нурбек Маратович",
              "Service centre back-office specialist": "Мамытов Адилет Кубанычбекович",
              "Service centre office head": "Касымова Айнура Бакытбековна"}


def bind_demo_user(session, office, template_name, user):
    """A demo user of an office-bound role: scoped to `office`, the account of its staff member of that role (so the
    window page and the distribution know them), and the office's head for the head's role."""
    user.scope_office_id = office.id
    staff = session.scalar(select(ScStaff).where(ScStaff.office_id == office.id,
                                                 ScStaff.full_name == DEMO_STAFF.get(template_name, ""),
                                                 ScStaff.user_id.is_(None)))
    if staff is not None:
        staff.user_id = user.id
    if template_name == "Service centre office head" or (staff is not None and staff.role == "head"):
        office.head_id = user.id
    session.flush()
    return staff


def demo_partner_agency(session):
    """The agency of the first demo service: the demo partner-organisation user is bound to it."""
    return session.scalar(select(EgovOrganisation).join(ScService, ScService.agency_id == EgovOrganisation.id)
                          .where(ScService.code == next(iter(SERVICES))))


def seed(session, echo=print):
    """The demo catalogue, offices and staff (see the module docstring), then the activity."""
    today = clock.local_today()
    offices = session.scalars(select(ScOffice).where(ScOffice.code.in_([o["code"] for o in OFFICES]))
                              .order_by(ScOffice.code)).all()
    if first_office(session) is None:
        seeder = _Seeder(session, today, echo)
        seeder.catalogue()
        seeder.offices_and_staff()
        offices = seeder.offices
        echo(f"  service centre: {len(seeder.agencies)} agencies, {len(seeder.groups)} groups, "
             f"{len(seeder.services)} services, {len(offices)} offices")
    _seed_activity(session, offices, clock.now(), echo)


# --- the activity: built on the services of the module's other parts ----------------------------------------------
def _module(name, *attributes):
    """The module `name` when it exists and has every one of `attributes`, else None."""
    try:
        if importlib.util.find_spec(name) is None:
            return None
    except ModuleNotFoundError:
        return None
    module = importlib.import_module(name)
    return module if all(hasattr(module, a) for a in attributes) else None


def _seed_activity(session, offices, now, echo=print):
    """Applications in every stage (the intake and stages of app/services/service_centre.py), a day of queue history
    and complaints (app/seed/service_centre_activity.py), each for the offices that have none yet; a part whose
    service is not there yet is skipped with a line said."""
    from models.service_centre import ScApplication, ScTicket

    if not offices:
        return
    rules = _module("app.services.service_centre", "open_application", "WORKFLOW")
    if rules is None:
        echo("  service centre: applications skipped (app/services/service_centre.py has no intake yet)")
    else:
        made = 0
        for number, office in enumerate(offices):
            if session.scalar(select(func.count(ScApplication.id)).where(ScApplication.office_id == office.id)):
                continue
            made += _seed_applications(session, rules, office, now, random.Random(20261204 + number))
        if made:
            echo(f"  service centre: {made} applications in every stage")
    from models.service_centre import ScAppointment

    booked = 0
    for number, office in enumerate(offices):
        if not session.scalar(select(func.count(ScAppointment.id)).where(ScAppointment.office_id == office.id)):
            booked += _seed_appointments(session, office, now, number)
    if booked:
        echo(f"  service centre: {booked} appointments")
    activity = _module("app.seed.service_centre_activity", "simulate_queue_day")
    if activity is None:
        echo("  service centre: queue history skipped (app/seed/service_centre_activity.py is not there yet)")
    else:
        day = working_days_before(clock.local_today(now), 1)
        for number, office in enumerate(offices):
            if session.scalar(select(func.count(ScTicket.id)).where(ScTicket.office_id == office.id)):
                continue
            written = activity.simulate_queue_day(session, office, day, QUEUE_DAY_TICKETS.get(office.code, 100),
                                                  random.Random(20261205 + number))
            echo(f"  service centre: queue day {day} of {office.code}: {written}")
    complaints = _module("app.seed.service_centre_activity", "seed_complaints")
    if complaints is None:
        echo("  service centre: complaints skipped (no seed_complaints yet)")
    else:
        from models.service_centre import ScComplaint

        fresh = [o for o in offices if not session.scalar(
            select(func.count(ScComplaint.id)).where(ScComplaint.office_id == o.id))]
        if fresh:
            complaints.seed_complaints(session, fresh, now)
    session.flush()


#: the demo appointments of each office: (working days from today: 1 the next, -1 the previous; the slot's number
#: from the opening; state)
APPOINTMENT_PLAN = [(1, 1, "booked"), (1, 2, "booked"), (1, 4, "booked"), (2, 12, "booked"), (1, 6, "cancelled"),
                    (-1, 5, "missed")]


def _seed_appointments(session, office, now, number):
    """Visits booked by slot for the office's services that take appointments: some ahead, one cancelled, one
    missed the working day before (a check-in makes a ticket: that is the queue's, at the kiosk)."""
    from models.service_centre import ScAppointment

    services = [s for s in office.services if s.slot_minutes]
    if not services:
        return 0
    rng = random.Random(20261206 + number)
    today = clock.local_today(now)
    made = 0
    for n, (days, slot, state) in enumerate(APPOINTMENT_PLAN):
        day = add_working_days(today, days) if days > 0 else working_days_before(today, -days)
        service = services[n % len(services)]
        time = (datetime.datetime.combine(day, office.opens_at)
                + datetime.timedelta(minutes=slot * service.slot_minutes)).time()
        _, name, phone = _applicant(rng, today)
        session.add(ScAppointment(office=office, service=service, slot_start=_local(day, time), applicant_name=name,
                                  phone=phone, code=f"D{office.id % 100:02d}{n:02d}{rng.randint(100, 999)}",
                                  state=state))
        made += 1
    return made


#: the applications of each office: (service code, final state, working days back it was received)
#: "sent_overdue": sent long ago and past its stage's norm; "pending": an interagency request still unanswered
APPLICATION_PLAN = [
    ("P01", "intake", 0), ("E02", "received", 0), ("C01", "pending", 2), ("P02", "sent", 3),
    ("A02", "sent", 6), ("B02", "sent_overdue", 12), ("E01", "sent_overdue", 15), ("D03", "result_received", 5),
    ("P01", "result_received", 14), ("A01", "handed_over", 8), ("E02", "handed_over", 20),
    ("C02", "handed_over", 25), ("D02", "refused", 10), ("P03", "refused_intake", 1), ("E01", "refused_intake", 4),
    ("P03", "handed_over", 9),
    # the aiyl okmotu's own service overdue at its agency: the partner organisation's (and the scope walker's
    # organisation-bound probe's) control list has a row
    ("E03", "sent_overdue", 13),
]
FIRST_NAMES = {"M": ["Азамат", "Бакыт", "Нурлан", "Эрлан", "Темирлан", "Айбек", "Улан", "Мирлан", "Таалай"],
               "F": ["Айгүл", "Гүлнара", "Жамиля", "Нургүл", "Айпери", "Бермет", "Чолпон", "Асель", "Мээрим"]}
SURNAMES = ["Асанов", "Токтогулов", "Жумабаев", "Осмонов", "Сыдыков", "Мамытов", "Төлөгөнов", "Кадыров",
            "Абдыкеримов", "Үсөнов", "Өмүрбеков", "Эшенкулов"]


def _applicant(rng, today):
    sex = rng.choice("MF")
    birth = today - datetime.timedelta(days=rng.randint(20 * 365, 70 * 365))
    pin = f"{'1' if sex == 'F' else '2'}{birth:%d%m%Y}{rng.randint(0, 99999):05d}"
    name = f"{rng.choice(SURNAMES)}{'а' if sex == 'F' else ''} {rng.choice(FIRST_NAMES[sex])}"
    return pin, name, f"+996 {rng.choice(('555', '700', '772', '505'))} {rng.randint(100000, 999999)}"


def _seed_applications(session, rules, office, now, rng):
    """Applications of `office` taken through their stages on the days they happened (the workflow's own steps,
    so the history, deadlines, requests and notifications are what the screens would have made)."""
    from models.service_centre import ScApplication

    offered = {s.code: s for s in office.services}
    today = clock.local_today(now)
    base = _last_open_day(now)
    made = 0
    for code, final, back in sorted(APPLICATION_PLAN, key=lambda plan: -plan[2]):  # numbers follow the dates
        service = offered.get(code)
        if service is None or service.applicant_kind == "organisation":
            continue
        pin, name, phone = _applicant(rng, today)
        received = working_days_before(base, back) if back else base
        moments = _Moments(now)
        at = moments.at(received, datetime.time(9, 30 + rng.randint(0, 25)))
        application = ScApplication(office=office, service=service, applicant_kind="person", applicant_pin=pin,
                                    applicant_name=name, applicant_phone=phone,
                                    language=rng.choice(("ky", "ky", "ru")), notify_by="sms")
        rules.open_application(session, application, at)
        session.flush()
        made += 1
        if final == "intake":
            continue
        lines = list(application.documents)
        if final == "refused_intake":
            required = [line for line in lines if not line.document.optional]
            presented = [str(line.id) for line in lines if line is not required[-1]]
            rules.WORKFLOW.take(session, application, "refuse_intake", now=at,
                                data={"presented": presented, "reason": "incomplete"})
            continue
        rules.WORKFLOW.take(session, application, "accept", now=at,
                            data={"presented": [str(line.id) for line in lines],
                                  "originals": [str(line.id) for line in lines if line.document.original]})
        _attach_scan(session, rules, application, lines[0].document if lines else None, received)
        if final == "received":
            continue
        day = min(add_working_days(received, 1), base)
        if final != "pending":
            _answer_requests(session, rules, application, moments, day)
        rules.WORKFLOW.take(session, application, "send", now=moments.at(day, datetime.time(11)), data={})
        if final in ("sent", "pending", "sent_overdue"):
            continue
        norm = service.stage_norm("agency") or 1
        day = min(add_working_days(day, max(1, norm - 1)), base)
        if final == "refused":
            rules.WORKFLOW.take(session, application, "refuse", now=moments.at(day, datetime.time(15)),
                                data={"note": "Уюштуруу документтеринде уставдык капиталдын өлчөмү көрсөтүлгөн эмес."})
            continue
        rules.WORKFLOW.take(session, application, "record_result", now=moments.at(day, datetime.time(15)),
                            data={"result_note": f"{service.result_ky or service.result_ru} даяр."})
        if final == "handed_over":
            day = min(add_working_days(day, 1), base)
            rules.WORKFLOW.take(session, application, "hand_over", now=moments.at(day, datetime.time(10)), data={})
    return made


SCANS_SUBFOLDER = ("service_centre", "scans")  # as views/service_centre_applications.py keeps them


def _attach_scan(session, rules, application, document, day):
    """A scan of the first document presented, through the intake's own rule (when there is one)."""
    if document is None or not hasattr(rules, "attach_scan"):
        return
    import os

    from flask import current_app

    from app.seed.municipal_property import demo_pdf
    from models.service_centre import ScApplicationScan

    scan = ScApplicationScan(application=application, title=document.name_ru, doc_date=day)
    rules.attach_scan(session, scan, "scan.pdf", demo_pdf(document.name_ru, [application.number or ""]),
                      os.path.join(current_app.instance_path, *SCANS_SUBFOLDER), day)


def _last_open_day(now):
    """The last working day whose morning has passed: today from 10:30 on a working day, else the working day
    before (applications are never received on a weekend or in the future)."""
    local = clock.to_local(now)
    if is_working_day(local.date()) and local.time() >= datetime.time(10, 30):
        return local.date()
    return working_days_before(local.date(), 1)


class _Moments:
    """The instants of one application's steps: as planned, but each after the one before and never after `now`."""

    def __init__(self, now):
        self.now, self.last = now, None

    def at(self, day, time):
        moment = _local(day, time)
        if self.last is not None and moment <= self.last:
            moment = self.last + datetime.timedelta(minutes=10)
        if moment >= self.now:
            moment = (self.last or self.now - datetime.timedelta(minutes=2)) + datetime.timedelta(minutes=1)
        self.last = moment
        return moment


def _answer_requests(session, rules, application, moments, day):
    """The interagency requests of the application answered on `day` (through their workflow when there is one)."""
    workflow = getattr(rules, "REQUEST_WORKFLOW", None)
    for request in list(application.requests):
        if request.state != "pending" or workflow is None:
            continue
        at = moments.at(day, datetime.time(10))
        workflow.take(session, request, "answer", now=at,
                      data={"answered_on": clock.local_today(at), "answer": "Маалымат «Түндүк» аркылуу алынды."})
