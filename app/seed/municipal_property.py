"""The decommissioning reasons classifier (reference data) and deterministic demo data of the municipal property
register: objects of every type for one aiyl aimak per oblast, the demo rayon and a city, some leased (one lease
ending within 90 days), one in operational management, documents with files, one object decommissioned by an
approved act (outside the demo rayon) and acts awaiting the head's approval (in the demo rayon and outside it: the
workflow walker of tests/test_workflow.py needs both). Everything goes through app/services/municipal_property.py."""
import datetime
import decimal
import io
import os
import random

from flask import current_app
from sqlalchemy import select

from app.seed import DEMO_RAYON
from app.services import municipal_property as service
from models.municipal_property import (DECOMMISSION_REASONS, DecommissionReason, PropertyDecommission,
                                       PropertyDocument, PropertyLease, PropertyObject)
from models.reference import Territory
from app.clock import local_today

SEED = 20261124
STREETS = ["Манас көчөсү", "Токтогул көчөсү", "Борбордук көчөсү", "Айтматов көчөсү", "Жибек жолу көчөсү"]
NAMES = {
    "land": ["Жайыт жер участогу", "Айдоо жер участогу", "Мектеп үчүн жер участогу", "Парк үчүн жер участогу"],
    "building": ["Айыл өкмөтүнүн имараты", "Маданият үйү", "Мектеп имараты", "Бала бакча имараты",
                 "Фельдшердик-акушердик пункттун имараты"],
    "premises": ["Дарыкана үчүн жай", "Дүкөн үчүн жай", "Кеңсе жайы", "Китепкана жайы"],
    "infrastructure": ["Ичүүчү суу түтүгү", "Көчө жарыгы тармагы", "Сугат арыгы", "Көпүрө"],
    "movable": ["ГАЗ-53 автоунаасы", "МТЗ-82 трактору", "Компьютер жабдуулары", "Экскаватор ЭО-2621"],
}
PREFIX = {"land": "ЖУ", "building": "ИМ", "premises": "ЖА", "infrastructure": "ИН", "movable": "КМ"}
TENANTS = [("organisation", "ЖЧК «Береке Фарм»"), ("organisation", "ЖЧК «Ала-Тоо Соода»"),
           ("organisation", "«Нур» коомдук фонду"), ("person", "Асанов Бакыт")]
SCHOOLS = ["№1 орто мектеби", "Ч. Айтматов атындагы мектеп", "«Балапан» бала бакчасы"]


def seed_reference(session, echo=print):
    """The reasons classifier in three languages; existing rows keep their (possibly edited) names."""
    known = set(session.scalars(select(DecommissionReason.code)))
    added = 0
    for code, ru, ky, en in DECOMMISSION_REASONS:
        if code not in known:
            session.add(DecommissionReason(code=code, name_ru=ru, name_ky=ky, name_en=en))
            added += 1
    if added:
        echo(f"  municipal property: {added} decommissioning reasons")


def demo_owners(session):
    """The household book's demo aiyl aimaks (one per oblast and the demo rayon's) and a city of oblast
    significance."""
    from app.seed import demo_city
    from app.seed.household_book import demo_aimaks

    city = demo_city(session)
    return demo_aimaks(session) + ([city] if city is not None else [])


def _inn(rng, year_from=1995, year_to=2020):
    day = datetime.date(rng.randint(year_from, year_to), rng.randint(1, 12), rng.randint(1, 28))
    return f"0{day:%d%m%Y}{rng.randint(0, 99999):05d}"


def _pin(rng):
    day = datetime.date(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28))
    return f"2{day:%d%m%Y}{rng.randint(0, 99999):05d}"


def _money(rng, low, high):
    return decimal.Decimal(rng.randint(low // 100, high // 100) * 100)


def _object(rng, owner, kind, number, oblast_digit, today):
    acquired = today - datetime.timedelta(days=rng.randint(1600, 9000))
    balance = {"land": _money(rng, 150_000, 3_000_000), "building": _money(rng, 2_000_000, 40_000_000),
               "premises": _money(rng, 300_000, 4_000_000), "infrastructure": _money(rng, 500_000, 12_000_000),
               "movable": _money(rng, 60_000, 3_500_000)}[kind]
    worn = decimal.Decimal(rng.randint(0, 70)) / 100 if kind != "land" else decimal.Decimal(0)
    area = {"land": decimal.Decimal(rng.randint(10, 500)) / 100, "building": decimal.Decimal(rng.randint(150, 1500)),
            "premises": decimal.Decimal(rng.randint(20, 200)), "infrastructure": None, "movable": None}[kind]
    cadastral = None
    if kind in ("land", "building", "premises"):
        cadastral = (f"{oblast_digit}-{rng.randint(1, 12):02d}-{rng.randint(1, 20):02d}-{rng.randint(1, 999):04d}-"
                     f"{rng.randint(1, 9999):04d}")
    basis = rng.choice(["purchase", "construction", "state_transfer", "donation"] if kind != "land"
                       else ["state_transfer", "other"])
    return PropertyObject(
        territory=owner, kind=kind, inventory_number=f"{PREFIX[kind]}-{number:04d}",
        cadastral_number=cadastral, name=rng.choice(NAMES[kind]),
        address=f"{rng.choice(STREETS)}, {rng.randint(1, 150)}" if kind != "movable" else None,
        area=area, balance_value=balance, depreciation=(balance * worn).quantize(decimal.Decimal("1")),
        acquisition_basis=basis, basis_doc_number=f"{rng.randint(1, 300)}", basis_doc_date=acquired,
        acquired_on=acquired, condition=rng.choice(["good", "good", "satisfactory", "needs_repair", "emergency"]),
        use_mode="vacant")


def demo_pdf(title, lines):
    """A small one-page PDF standing in for a scanned document."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setTitle(title)
    page.drawString(72, 780, "Sanarip demo document")
    for index, line in enumerate(lines):
        page.drawString(72, 750 - 20 * index, line)
    page.save()
    return buffer.getvalue()


def _lease(rng, obj, today, start_days_ago, length_days, contract):
    kind, name = rng.choice(TENANTS[:3]) if obj.kind != "land" else TENANTS[3]
    start = today - datetime.timedelta(days=start_days_ago)
    return PropertyLease(object=obj, tenant_kind=kind, tenant_name=name,
                         tenant_number=_inn(rng) if kind == "organisation" else _pin(rng),
                         contract_number=contract, start_date=start,
                         end_date=start + datetime.timedelta(days=length_days),
                         monthly_rent=_money(rng, 2_000, 60_000))


def seed(session, echo=print):
    rng = random.Random(SEED)
    today = local_today()
    folder = os.path.join(current_app.instance_path, "municipal_property", "documents")
    seed_reference(session, echo)
    session.flush()
    reasons = {r.code: r for r in session.scalars(select(DecommissionReason))}
    rayon = session.scalar(select(Territory).where(Territory.code == DEMO_RAYON))
    added = 0
    for index, owner in enumerate(demo_owners(session)):
        if session.scalar(select(PropertyObject.id).where(PropertyObject.territory_id == owner.id)) is not None:
            continue
        in_demo_rayon = rayon is not None and owner.path.startswith(rayon.path)
        oblast_digit = int(owner.code[3:5]) % 10 or 1
        objects = []
        kinds = KINDS_ORDER + ["building", rng.choice(["land", "infrastructure", "movable"])]
        for number, kind in enumerate(kinds, start=1):
            obj = _object(rng, owner, kind, number, oblast_digit, today)
            service.register_object(session, obj, today)
            objects.append(obj)
        session.flush()
        building = next(o for o in objects if o.kind == "building")
        premises = next(o for o in objects if o.kind == "premises")
        land = next(o for o in objects if o.kind == "land")
        movable = next(o for o in objects if o.kind == "movable")
        # the school holds one building in operational management (a transfer in the history)
        school = next((o for o in objects if o.kind == "building" and o is not building), None)
        if school is not None:
            school.use_mode, school.holder_name, school.holder_inn = "operational", rng.choice(SCHOOLS), _inn(rng)
            service.update_object(session, school, today)
        # the premises are leased; in the demo rayon and in every third owner the lease ends within 90 days
        ends_soon = in_demo_rayon or index % 3 == 0
        lease = _lease(rng, premises, today, rng.randint(300, 700), 0, f"{index + 1}/{today.year - 1}")
        lease.end_date = today + datetime.timedelta(days=rng.randint(10, 80) if ends_soon else rng.randint(200, 900))
        service.register_lease(session, lease, today)
        # an earlier lease of the same premises, ended before the current one started
        earlier = _lease(rng, premises, today, 1500, 365, f"{index + 1}/{today.year - 5}")
        earlier.end_date = min(earlier.end_date, lease.start_date - datetime.timedelta(days=1))
        earlier.terminated_on = earlier.end_date  # the tenant returned the premises at the end of the term
        service.register_lease(session, earlier, today)
        # land leased to a farmer (an individual, by PIN) for five years
        service.register_lease(session, _lease(rng, land, today, rng.randint(30, 600), 5 * 365,
                                               f"Ж-{index + 1}/{today.year}"), today)
        # a document with its file for the main building
        doc = PropertyDocument(object=building, title="Укук белгилөөчү документ", number=f"{rng.randint(100, 999)}",
                               doc_date=building.acquired_on)
        service.attach_document(session, doc, f"{building.inventory_number}.pdf",
                                demo_pdf(doc.title, [f"{building.inventory_number}", owner.code]), folder, today)
        session.flush()
        if index == 1 and not in_demo_rayon:  # decommissioned outside the demo rayon: a leased object, worn out
            old = _object(rng, owner, "building", len(kinds) + 1, oblast_digit, today)
            old.name, old.condition = "Эски мончонун имараты", "emergency"
            service.register_object(session, old, today)
            service.register_lease(session, _lease(rng, old, today, 200, 3 * 365, f"{index + 1}/М"), today)
            session.flush()
            act = PropertyDecommission(object=old, reason=reasons["wear"], act_number=f"{index + 1}-С",
                                       act_date=today - datetime.timedelta(days=20),
                                       note="Эсептен чыгаруу комиссиясынын актысы")
            service.request_decommission(session, act, today)
            session.flush()
            service.approve_decommission(session, act, today=today)
        if in_demo_rayon or index == 0:  # an act awaiting the head's approval, in the demo rayon and outside it
            service.request_decommission(session, PropertyDecommission(
                object=movable, reason=reasons["wear"], act_number="7-С" if in_demo_rayon else f"{index + 1}-7-С",
                act_date=today - datetime.timedelta(days=3)), today)
        session.flush()
        added += 1
        echo(f"  municipal property: {len(objects)} objects in {owner.name_ru}")
    echo(f"  municipal property: {added} registers added, "
         f"{session.query(PropertyObject).count()} objects in all")
    return added


KINDS_ORDER = ["land", "building", "premises", "infrastructure", "movable"]
