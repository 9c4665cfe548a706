"""Reference data (reasons, plan rules) and deterministic demo data of the AIS on children in difficult life
situations, through the services, in one aiyl aimak per oblast; plus the daily retention command."""
import datetime
import random

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.seed.household_book import FEMALE_NAMES, MALE_NAMES, SURNAMES, STREETS, demo_aimaks, make_pin
from app.services import child_protection as service
from models.child_protection import CpAssessment, CpChild, CpFamily, CpPlanRule, CpReason, CpRelative, \
    CpVisit
from models.reference import Territory
from app.clock import from_local, local_today

#: reasons for the difficult life situation (Regulation No. 156; Children's Code art. 5: children in need of
#: special protection): code, Kyrgyz, Russian, English
REASONS = [
    ("low_income", "Үй-бүлөнүн аз камсыздалышы", "Малообеспеченность семьи", "Low income of the family"),
    ("disability", "Баланын ден соолугунун мүмкүнчүлүктөрү чектелгендиги", "Инвалидность ребёнка",
     "Disability of the child"),
    ("orphanhood", "Жетимдик", "Сиротство", "Orphanhood"),
    ("no_parental_care", "Ата-эненин камкордугусуз калуу", "Оставление без попечения родителей",
     "Left without parental care"),
    ("violence", "Зордук-зомбулук жана катаал мамиле", "Насилие и жестокое обращение", "Violence and abuse"),
    ("neglect", "Кароосуз калуу", "Безнадзорность", "Neglect"),
    ("street", "Көчөдө жашоо же иштөө", "Жизнь или работа на улице", "Living or working in the street"),
    ("migration", "Ата-энесинин эмгек миграциясы", "Трудовая миграция родителей", "Labour migration of the parents"),
    ("conflict_with_law", "Мыйзам менен келишпестик", "Конфликт с законом", "Conflict with the law"),
    ("no_documents", "Документтердин жоктугу", "Отсутствие документов", "No identity documents"),
    ("family_conflict", "Үй-бүлөдөгү чыр-чатак", "Конфликт в семье", "Conflict in the family"),
    ("emergency", "Өзгөчө кырдаал, кырсык", "Чрезвычайная ситуация, бедствие", "Emergency or disaster"),
]

#: plan rules: code, plan, (field, operator, value), optional second test, ky, ru, en, responsible body, working days
RULES = [
    ("disability_benefit", "child", ("disability", "eq", "true"), ("monthly_benefit", "eq", "false"),
     "Айлык социалдык жөлөкпулга арыз берүү", "Подать заявление на ежемесячное социальное пособие",
     "Apply for the monthly social benefit", "social_protection", 10),
    ("survivor_pension", "child", ("legal_status", "eq", "orphan"), ("survivor_pension", "eq", "false"),
     "Багуучусун жоготкондугу боюнча пенсияга арыз берүү", "Подать заявление на пенсию по потере кормильца",
     "Apply for the survivor's pension", "social_protection", 10),
    ("documents", "child", ("pin_unknown", "eq", "true"), None,
     "Туулгандыгы тууралуу күбөлүк жана ПИН алуу", "Получить свидетельство о рождении и ПИН",
     "Obtain the birth certificate and the PIN", "registry", 15),
    ("health", "child", ("health_risk", "eq", "high"), None,
     "Баланы медициналык текшерүүдөн өткөрүү", "Провести медицинское обследование ребёнка",
     "Medical examination of the child", "health", 5),
    ("education", "child", ("education_risk", "eq", "high"), None,
     "Баланы мектепке же бала бакчага жайгаштыруу", "Устроить ребёнка в школу или детский сад",
     "Enrol the child in school or kindergarten", "education", 10),
    ("safety", "child", ("safety_risk", "eq", "high"), None,
     "Коопсуздук планы жана ички иштер органына жолдомо", "План безопасности и направление в орган внутренних дел",
     "Safety plan and referral to the internal affairs body", "police", 3),
    ("housing", "family", ("fixed_housing", "eq", "false"), None,
     "Үй-бүлөнү турак жай же убактылуу баш паана менен камсыздоо",
     "Обеспечить семью жильём или временным приютом", "Provide the family with housing or a temporary shelter",
     "lsg", 20),
    ("income", "family", ("income_risk", "ne", "low"), None,
     "Үй-бүлөнүн социалдык жардамга укугун баалоо (социалдык паспорт)",
     "Оценить право семьи на социальную помощь (социальный паспорт)",
     "Assess the family's right to social assistance (social passport)", "social_protection", 10),
    ("migrant_parents", "family", ("migrant_parents", "eq", "true"), None,
     "Ата-эне менен байланыш түзүү жана камкорчуну аныктоо", "Установить связь с родителями и определить опекуна",
     "Contact the parents and establish the guardian", "child_protection", 10),
    ("family_support", "family", ("family_risk", "eq", "high"), None,
     "Үй-бүлөгө психологиялык-социалдык колдоо", "Психолого-социальная поддержка семьи",
     "Psychosocial support of the family", "child_protection", 15),
]


def seed_reference(session, echo=print):
    """Reasons and plan rules; existing codes are left as administrators edited them."""
    added = 0
    known = set(session.scalars(select(CpReason.code)))
    for code, ky, ru, en in REASONS:
        if code not in known:
            session.add(CpReason(code=code, name_ky=ky, name_ru=ru, name_en=en, active=True))
            added += 1
    known = set(session.scalars(select(CpPlanRule.code)))
    for code, plan, first, second, ky, ru, en, body, days in RULES:
        if code in known:
            continue
        rule = CpPlanRule(code=code, plan=plan, field1=first[0], operator1=first[1], value1=first[2],
                          name_ky=ky, name_ru=ru, name_en=en, responsible=body, working_days=days, active=True)
        if second:
            rule.field2, rule.operator2, rule.value2 = second
        service.check_rule(session, rule)
        session.add(rule)
        added += 1
    session.flush()
    echo(f"  child protection: {added} reasons and plan rules added")
    return added


def _child(rng, village, family, today, *, age=None, identified_years_ago=0, pin_known=True, **circumstances):
    sex = rng.choice("MF")
    age = age if age is not None else rng.randint(1, 16)
    birth = today - datetime.timedelta(days=age * 365 + rng.randint(1, 300))
    identified = today - datetime.timedelta(days=identified_years_ago * 365 + rng.randint(20, 120))
    surname = family.name.split()[0] if family is not None else rng.choice(SURNAMES)
    child = CpChild(territory=village, last_name=surname + ("а" if sex == "F" else ""),
                    first_name=rng.choice(FEMALE_NAMES if sex == "F" else MALE_NAMES), sex=sex, birth_date=birth,
                    pin=make_pin(rng, sex, birth) if pin_known else None, identified_on=max(identified, birth),
                    identification_address=f"{rng.choice(STREETS)}, {rng.randint(1, 120)}",
                    residence_address=f"{rng.choice(STREETS)}, {rng.randint(1, 120)}", **circumstances)
    child.family_of_demo = family  # joined once the child is registered
    return child


def _advance(session, child, steps, when, planned_on=None):
    for status in steps:
        if status == "plan":
            service.record_assessment(session, CpAssessment(
                child=child, assessed_on=max(child.identified_on, when - datetime.timedelta(days=30)),
                health_risk="high" if child.disability else "medium", education_risk="medium",
                family_risk="high" if child.migrant_parents else "low",
                housing_risk="low" if child.fixed_housing else "high", income_risk="high", safety_risk="low",
                income_note="Үй-бүлөнүн кирешеси жашоо минимумунан төмөн."))
            session.flush()
        if status == "activities":
            service.generate_plan(session, child, planned_on or when - datetime.timedelta(days=25))
            session.flush()
        if status == "closed":
            for activity in child.activities:
                activity.status, activity.done_on = "done", when
        if status == "monitoring":
            service.record_visit(session, CpVisit(child=child, visited_on=when - datetime.timedelta(days=10),
                                                  outcome="improved", note="Абалы жакшырды."))
        at = from_local(datetime.datetime.combine(when, datetime.time(10)))
        if status == "suspended":  # asked by the case worker, agreed by the unit's responsible person (cl. 20)
            service.WORKFLOW.take(session, child, "request_suspension",
                                  {"ground": "no_need_now", "note": "Демо: азыр иш-чара керек эмес"}, now=at)
            service.WORKFLOW.take(session, child, "agree_suspension", {"note": "Демо: макулдашылды"},
                                  now=at + datetime.timedelta(hours=2))
            continue
        service.WORKFLOW.take(session, child, service.WORKFLOW.step_to(child, status).name,
                              {"note": "Демо: иш жүргүзүү"}, now=at)
        session.flush()


def seed(session, echo=print):
    """Demo families and children in one village per oblast (and the demo rayon), at every stage of a case;
    one record past retention and overdue activities included."""
    from models.household_book import Household, HouseholdMember

    rng = random.Random(20230322)
    today = local_today()
    reasons = {r.code: r for r in session.scalars(select(CpReason))}
    added = 0
    for number, aimak in enumerate(demo_aimaks(session)):
        village = session.scalars(select(Territory).where(Territory.parent_id == aimak.id)
                                  .order_by(Territory.code)).first() or aimak
        if session.scalar(select(CpChild.id).where(CpChild.territory_id == village.id)) is not None:
            continue
        family = CpFamily(territory=village, name=f"{rng.choice(SURNAMES)} үй-бүлөсү",
                          address=f"{rng.choice(STREETS)}, {rng.randint(1, 120)}")
        session.add(family)
        kids = [
            _child(rng, village, family, today, disability=True, monthly_benefit=False, legal_status="parental_care"),
            _child(rng, village, family, today, migrant_parents=True, fixed_housing=number % 2 == 0,
                   legal_status="guardianship"),
            _child(rng, village, None, today, pin_known=number % 3 != 0, legal_status="orphan",
                   survivor_pension=False),
        ]
        if number == 0:  # identified as a child long ago, now past the retention age (28)
            kids.append(_child(rng, village, None, today, age=29, identified_years_ago=15, legal_status="orphan"))
        kid_reasons = [("disability", "low_income"), ("migration", "neglect"), ("orphanhood", "no_documents"),
                       ("no_parental_care",)]
        for child, codes in zip(kids, kid_reasons):
            child.reasons = [reasons[c] for c in codes if c in reasons]
            service.register_child(session, child, note="Демо: аныкталды")
            child.family = child.family_of_demo
            session.flush()
        # a parent found in the household book of the same village (by PIN), and one who is abroad
        member = session.scalars(select(HouseholdMember).join(Household)
                                 .where(Household.territory_id == village.id, HouseholdMember.sex == "F",
                                        HouseholdMember.is_active.is_(True)).order_by(HouseholdMember.id)).first()
        if member is not None:
            service.add_relative(session, CpRelative(child=kids[0], relation="mother", present=True,
                                                     last_name=member.last_name, first_name=member.first_name,
                                                     patronymic=member.patronymic, pin=member.pin))
        service.add_relative(session, CpRelative(child=kids[1], relation="father", present=False,
                                                 last_name=kids[1].last_name.rstrip("а"),
                                                 first_name=rng.choice(MALE_NAMES), note="Россияда иштейт"))
        service.add_relative(session, CpRelative(child=kids[1], relation="grandparent", present=True,
                                                 last_name=kids[1].last_name, first_name=rng.choice(FEMALE_NAMES)))
        when = today - datetime.timedelta(days=5)
        _advance(session, kids[0], ["assessment", "plan", "activities", "monitoring"], when,
                 planned_on=today - datetime.timedelta(days=2))  # deadlines still ahead
        kids[0].activities[0].status = "in_progress"
        _advance(session, kids[1], ["assessment", "plan", "activities"], when)  # generated 25 days ago: overdue
        if number % 2:
            _advance(session, kids[2], ["suspended"], when)
        else:  # the suspension asked for and waiting for the responsible person's decision
            service.WORKFLOW.take(session, kids[2], "request_suspension",
                                  {"ground": "moved_away", "note": "Демо: үй-бүлө Бишкекке көчүп кетти"},
                                  now=from_local(datetime.datetime.combine(when, datetime.time(11))))
        if len(kids) > 3:
            _advance(session, kids[3], ["assessment", "plan", "activities", "monitoring", "closed"],
                     kids[3].identified_on + datetime.timedelta(days=200))
        added += len(kids)
        session.flush()
    echo(f"  child protection: {added} children added")
    return added


@click.command("child-protection-retention")
@click.option("--dry-run", is_flag=True, help="List the records past retention without changing them.")
@with_appcontext
def retention_command(dry_run):
    """Anonymise children's records past retention (the child turned 28): run daily; idempotent."""
    from app.extensions import db

    from app import clock

    due = service.anonymise(db.session, clock.local_today(clock.now()), dry_run=dry_run)
    for child in due:
        click.echo(f"  #{child.id}: born {child.birth_date.year}, identified {child.identified_on}")
    if dry_run:
        db.session.rollback()
        click.echo(f"{len(due)} child records past retention (dry run: nothing changed)")
    else:
        db.session.commit()
        click.echo(f"{len(due)} child records anonymised")
