"""Land-plot queue: numbers, positions by the documented rule (also under parallel registrations),
transitions with history, family members, the registration notice (PDF), the public check page, charts, roles."""
import contextlib
import datetime

from app import clock
from app.clock import local_today
import io
import re
import threading

import pytest

from app.errors import DomainError
from tests.conftest import Browser, audit_events

DEMO_AIMAK = "41708203803000"  # the demo rayon's first aiyl aimak: has demo applications
# aimaks of the demo rayon (Alamudun) without demo applications: each test takes its own
FREE = {name: code for name, code in [
    ("numbers", "41708203805000"), ("order", "41708203807000"), ("transitions", "41708203809000"),
    ("rules", "41708203814000"), ("family", "41708203819000"), ("form", "41708203826000"),
    ("parallel", "41708203828000"), ("mixed", "41708203831000"), ("import", "41708203834000"),
    ("classifier", "41708203838000"), ("edit", "41708203845000")]}


def _pin(sex, birth, serial):
    return f"{'1' if sex == 'F' else '2'}{birth:%d%m%Y}{serial % 100000:05d}"


_serial = iter(range(70000, 99999))


def _territory(db, code):
    from models.reference import Territory

    return db.session.query(Territory).filter_by(code=code).one()


def _category(db, code):
    from models.land_queue import LandCategory

    return db.session.query(LandCategory).filter_by(code=code).one()


def _application(db, territory_code, category="general", received=None, kind="housing", age=30, sex="M", **kw):
    from models.land_queue import LandApplication

    received = received or datetime.datetime(2024, 3, 1, 10, 0)
    birth = received.date() - datetime.timedelta(days=age * 366)
    return LandApplication(territory=_territory(db, territory_code), kind=kind, category=_category(db, category),
                           received_at=received, last_name=kw.pop("last_name", "Асанов"),
                           first_name=kw.pop("first_name", "Нурлан"), pin=kw.pop("pin", _pin(sex, birth, next(_serial))),
                           address="Манас көчөсү, 5", family_size=kw.pop("family_size", 3), **kw)


def _register(db, *args, **kw):
    from app.services import land_queue

    return land_queue.register(db.session, _application(db, *args, **kw))


def _queue(db, territory_code, kind="housing"):
    """(number, position) of the queue in position order, read straight from the table."""
    from models.land_queue import LandApplication

    territory = _territory(db, territory_code)
    rows = db.session.query(LandApplication.number, LandApplication.position).filter(
        LandApplication.territory_id == territory.id, LandApplication.kind == kind,
        LandApplication.status == "queue").order_by(LandApplication.position).all()
    return [tuple(r) for r in rows]


def _expected_order(db, territory_code, kind="housing"):
    """The documented rule recomputed in Python: rank, time received, id."""
    from models.land_queue import LandApplication

    territory = _territory(db, territory_code)
    rows = db.session.query(LandApplication).filter(LandApplication.territory_id == territory.id,
                                                    LandApplication.kind == kind,
                                                    LandApplication.status == "queue").all()
    return [a.number for a in sorted(rows, key=lambda a: (a.category.rank, a.received_at, a.id))]


# --- reference data ---------------------------------------------------------------------------------------------
def test_categories_are_seeded_in_three_languages_with_ranks_and_sources(db):
    from models.land_queue import LandCategory

    categories = {c.code: c for c in db.session.query(LandCategory)}
    assert {"orphans", "disability", "large_family", "military", "general"} <= set(categories)
    for category in categories.values():
        assert category.name_ky and category.name_ru and category.name_en and category.legal_basis
    assert categories["orphans"].rank < categories["large_family"].rank < categories["general"].rank
    assert categories["large_family"].rank == categories["disability"].rank == categories["military"].rank
    assert categories["orphans"].min_age == 16 and categories["general"].min_age == 18
    assert "177" in categories["general"].legal_basis


# --- numbers and positions --------------------------------------------------------------------------------------
def test_numbers_are_year_territory_tail_and_sequence(db):
    first = _register(db, FREE["numbers"], received=datetime.datetime(2025, 5, 1, 9))
    second = _register(db, FREE["numbers"], received=datetime.datetime(2025, 6, 1, 9), kind="lease")
    older = _register(db, FREE["numbers"], received=datetime.datetime(2024, 12, 30, 9))
    assert first.number == "2025-08203805-0001"
    assert second.number == "2025-08203805-0002"  # one sequence per territory and year, both kinds
    assert older.number == "2024-08203805-0001"
    assert (older.position, first.position, second.position) == (1, 2, 1)  # one queue per kind; earlier first
    db.session.rollback()


def test_positions_follow_rank_then_time_received_then_id(db):
    code = FREE["order"]
    general_old = _register(db, code, "general", datetime.datetime(2020, 1, 1, 9))
    general_new = _register(db, code, "general", datetime.datetime(2023, 1, 1, 9))
    large = _register(db, code, "large_family", datetime.datetime(2024, 1, 1, 9))
    orphan = _register(db, code, "orphans", datetime.datetime(2025, 1, 1, 9), age=17)
    military = _register(db, code, "military", datetime.datetime(2022, 6, 1, 9))  # equal rank: earlier first
    tie = _register(db, code, "military", datetime.datetime(2022, 6, 1, 9))  # same time: registration order
    expected = [orphan, military, tie, large, general_old, general_new]
    assert [a.position for a in expected] == [1, 2, 3, 4, 5, 6]
    assert [n for n, _ in _queue(db, code)] == _expected_order(db, code) == [a.number for a in expected]
    db.session.rollback()


def test_positions_are_audited_as_one_renumber_event(db):
    from models.audit import AuditEvent

    code = FREE["order"]
    first = _register(db, code, "general", datetime.datetime(2020, 1, 1, 9))
    second = _register(db, code, "orphans", datetime.datetime(2021, 1, 1, 9), age=20)
    events = db.session.query(AuditEvent).filter_by(action="renumber").order_by(AuditEvent.id.desc()).all()
    import json

    moves = json.loads(events[0].changes)["positions"]
    assert moves == {second.number: [None, 1], first.number: [1, 2]}
    db.session.rollback()


# --- transitions ------------------------------------------------------------------------------------------------
def test_allocation_and_removal_renumber_the_rest_and_keep_history(db):
    from app.services import land_queue
    from models.land_queue import LandStatusChange

    code = FREE["transitions"]
    apps = [_register(db, code, "general", datetime.datetime(2021, m, 1, 9)) for m in range(1, 6)]
    land_queue.remove(db.session, apps[2], "moved_away", datetime.date(2024, 2, 1), note="Бишкекке көчтү")
    assert [a.position for a in apps] == [1, 2, None, 3, 4]
    assert apps[2].status == "removed" and apps[2].removal_reason == "moved_away"
    land_queue.allocate(db.session, apps[0], "1-08-03-0012-0456", "Ала-Арча, Жеңиш көчөсү, 3", 800, "15/3",
                        datetime.date(2025, 3, 1))
    assert [a.position for a in apps] == [None, 1, None, 2, 3]
    assert apps[0].status == "allocated" and apps[0].plot_area == 800
    assert _queue(db, code) == [(apps[1].number, 1), (apps[3].number, 2), (apps[4].number, 3)]
    history = db.session.query(LandStatusChange).filter(LandStatusChange.application_id == apps[2].id) \
        .order_by(LandStatusChange.id).all()
    assert [(h.from_status, h.to_status, h.reason) for h in history] == [(None, "queue", None),
                                                                          ("queue", "removed", "moved_away")]
    assert history[1].note == "Бишкекке көчтү"
    # no way back: both transitions start from "in queue"
    with pytest.raises(DomainError) as error:
        land_queue.remove(db.session, apps[0], "own_request", datetime.date(2025, 4, 1))
    assert error.value.code == "not_in_queue"
    db.session.rollback()


def test_allocation_rules(db):
    from app.services import land_queue

    code = FREE["transitions"]
    first = _register(db, code, "general", datetime.datetime(2022, 1, 1, 9))
    second = _register(db, code, "general", datetime.datetime(2022, 2, 1, 9))
    plot = dict(cadastral_number="1-08-03-0012-0999", plot_address="Ала-Арча", area=600, decision_number="1",
                decision_date=datetime.date(2025, 1, 10))
    cases = [
        (second, {}, "out_of_order"),  # second in the queue, no reason given
        (first, {"cadastral_number": "12/34"}, "cadastral_format"),
        (first, {"cadastral_number": "1234-5-6"}, "cadastral_format"),  # the queue's old pattern took it
        (first, {"area": 0}, "area"),
        (first, {"decision_date": local_today() + datetime.timedelta(days=1)}, "date_future"),
        (first, {"decision_date": datetime.date(2021, 12, 31)}, "date_before_received"),
    ]
    for application, change, code_ in cases:
        with pytest.raises(DomainError) as error:
            land_queue.allocate(db.session, application, **{**plot, **change})
        assert error.value.code == code_
    land_queue.allocate(db.session, second, **plot, note="№1 отказался от участка")  # out of order with a reason
    assert second.status == "allocated" and first.position == 1
    with pytest.raises(DomainError) as error:
        land_queue.allocate(db.session, first, **plot)
    assert error.value.code == "plot_taken"
    with pytest.raises(DomainError) as error:
        land_queue.remove(db.session, first, "bad reason", datetime.date(2025, 1, 1))
    assert error.value.code == "reason"
    db.session.rollback()


# --- applicant rules --------------------------------------------------------------------------------------------
def test_applicant_rules(db):
    from app.services import land_queue

    code = FREE["rules"]
    person = _register(db, code, "general", pin="21505199012345")
    cases = [
        (dict(pin="2150519901234"), "pin_format"),
        (dict(pin="31505199012345"), "pin_sex_digit"),
        (dict(pin="21505199012345"), "already_in_queue"),  # the same person in the same queue kind
        (dict(category="general", age=17), "too_young"),
        (dict(received=clock.now() + datetime.timedelta(days=2)), "received_future"),
        (dict(family_size=0), "family_size"),
    ]
    for kw, code_ in cases:
        with pytest.raises(DomainError) as error:
            land_queue.register(db.session, _application(db, code, **kw))
        assert error.value.code == code_, kw
    # an orphan may apply at 16; the same person may apply for a lease as well
    assert _register(db, code, "orphans", age=16).position == 1
    assert _register(db, code, pin="21505199012345", kind="lease").status == "queue"
    # a queue is kept by an aiyl aimak or a city, not by a rayon
    with pytest.raises(DomainError) as error:
        land_queue.register(db.session, _application(db, "41708203000000"))
    assert error.value.code == "territory_kind"
    # a free plot for individual housing is granted once
    land_queue.allocate(db.session, person, "2-08-03-0012-0001", "Ала-Арча", 600, "2", datetime.date(2025, 1, 1),
                        note="тест")
    with pytest.raises(DomainError) as error:
        land_queue.register(db.session, _application(db, code, pin="21505199012345"))
    assert error.value.code == "already_allocated"
    db.session.rollback()


def test_the_database_also_refuses_a_second_place_in_the_same_queue(db):
    from sqlalchemy.exc import IntegrityError

    first = _register(db, FREE["rules"], pin="11203198554321")
    twin = _application(db, FREE["rules"], pin="11203198554321", number="X-1", year=2030, seq=1, status="queue")
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert first.number


def test_fixed_fields_cannot_be_edited_and_a_new_category_moves_the_application(db):
    from app.services import land_queue

    code = FREE["rules"]
    old = _register(db, code, "general", datetime.datetime(2020, 1, 1, 9))
    new = _register(db, code, "general", datetime.datetime(2024, 1, 1, 9))
    new.category = _category(db, "disability")
    land_queue.update_application(db.session, new)
    assert (new.position, old.position) == (1, 2)
    new.kind = "lease"
    with pytest.raises(DomainError) as error:
        land_queue.update_application(db.session, new)
    assert error.value.code == "fixed_field"
    db.session.rollback()


def test_a_new_rank_of_a_category_renumbers_its_queues(db):
    from app.services import land_queue

    code = FREE["rules"]
    general = _register(db, code, "general", datetime.datetime(2020, 1, 1, 9))
    military = _register(db, code, "military", datetime.datetime(2024, 1, 1, 9))
    assert military.position == 1
    category = _category(db, "military")
    category.rank = 50
    assert land_queue.category_changed(db.session, category) >= 1
    assert (general.position, military.position) == (1, 2)
    db.session.rollback()


# --- family -----------------------------------------------------------------------------------------------------
def test_family_members_rules(db):
    from app.services import land_queue
    from models.land_queue import LandFamilyMember

    application = _register(db, FREE["family"], family_size=3, pin="21002198811111")
    db.session.flush()

    def member(pin):  # linked by id: a refused member must not linger in the application's collection
        return LandFamilyMember(application_id=application.id, pin=pin, full_name="Асанова Айгүл",
                                relation="spouse")

    land_queue.add_family_member(db.session, member("11002198922222"))
    for pin, code in [("2100219881111", "pin_format"), ("21002198811111", "member_is_applicant"),
                      ("11002198922222", "member_twice")]:
        with pytest.raises(DomainError) as error:
            land_queue.check_family_member(db.session, member(pin))
        assert error.value.code == code
    land_queue.add_family_member(db.session, member("21506201533333"))
    with pytest.raises(DomainError) as error:
        land_queue.check_family_member(db.session, member("11506201744444"))
    assert error.value.code == "family_size_exceeded"
    db.session.flush()
    application.family_size = 2  # fewer than the applicant and the two listed
    with pytest.raises(DomainError) as error:
        land_queue.update_application(db.session, application)
    assert error.value.code == "family_size"
    db.session.rollback()


# --- through the UI ---------------------------------------------------------------------------------------------
def _admin(app, lang=None):
    b = Browser(app.test_client())
    if lang:
        b.get(f"/lang/{lang}")
    b.login("admin")
    return b


def test_register_allocate_and_remove_through_the_forms(app, db):
    from models.land_queue import LandApplication

    b = _admin(app, "en")
    territory = _territory(db, FREE["form"])
    data = {"territory": territory.id, "kind": "housing", "category": _category(db, "general").id,
            "received_at": "2024-04-01 10:00:00", "last_name": "Токтогулова", "first_name": "Бермет",
            "pin": "10507199512345", "address": "Манас көчөсү, 1", "family_size": "2"}
    assert b.post("/landapplicationview/add", data, token_from="/landapplicationview/add").status_code == 302
    data.update(pin="20101199054321", last_name="Осмонов", first_name="Улан", received_at="")
    assert b.post("/landapplicationview/add", data, token_from="/landapplicationview/add").status_code == 302
    first = db.session.query(LandApplication).filter_by(pin="10507199512345").one()
    second = db.session.query(LandApplication).filter_by(pin="20101199054321").one()
    assert (first.number, first.position, first.status) == ("2024-08203826-0001", 1, "queue")
    assert second.position == 2 and local_today(second.received_at) == local_today()
    # the same person again: refused with the service's message, nothing saved
    page = b.post("/landapplicationview/add", data, token_from="/landapplicationview/add", follow_redirects=True)
    assert db.session.query(LandApplication).filter_by(pin="20101199054321").count() == 1
    assert second.number in page.get_data(as_text=True)
    # the show page offers the transitions
    show = b.get(f"/landapplicationview/show/{first.id}").get_data(as_text=True)
    assert 'id="step-allocate"' in show and 'id="step-remove"' in show and 'land-queue-notice' in show
    # allocating to the second without a reason is refused next to the note
    url = f"/landapplicationview/allocate/{second.id}"
    plot = {"cadastral_number": "1-08-26-0001-0001", "plot_address": "Кара-Джыгач, 4", "area": "800",
            "decision_number": "12", "decision_date": local_today().isoformat()}
    page = b.post(url, plot, token_from=url).get_data(as_text=True)
    assert "out of order" in page and db.session.get(LandApplication, second.id).status == "queue"
    answer = b.post(url, {**plot, "note": "№1 отказалась"}, token_from=url)
    assert answer.status_code == 302, re.findall(r'(?:help-block|alert)[^>]*>([^<]+)<', answer.get_data(as_text=True))
    db.session.expire_all()
    second = db.session.get(LandApplication, second.id)
    assert second.status == "allocated" and second.decision_date == local_today()
    url = f"/landapplicationview/remove/{first.id}"
    assert b.post(url, {"reason": "own_request", "removed_on": "2025-03-01"}, token_from=url).status_code == 302
    db.session.expire_all()
    first = db.session.get(LandApplication, first.id)
    assert first.status == "removed" and first.position is None
    # history and audit trail
    history = b.get(f"/landapplicationview/show/{first.id}").get_data(as_text=True)
    assert "/landstatushistoryview/" in history
    changes = audit_events(app, action="update", object_type="land_queue_application", object_id=str(first.id))
    assert any('"status": ["queue", "removed"]' in (e.changes or "") for e in changes)
    assert audit_events(app, action="create", object_type="land_queue_status_change")


def test_editing_the_category_through_the_form_moves_the_application(app, db):
    from models.land_queue import LandApplication

    code = FREE["edit"]
    old = _register(db, code, "general", datetime.datetime(2020, 1, 1, 9))
    new = _register(db, code, "general", datetime.datetime(2024, 1, 1, 9), family_size=4)
    db.session.commit()
    url = f"/landapplicationview/edit/{new.id}"
    form = {"category": _category(db, "large_family").id, "last_name": new.last_name, "first_name": "Бакыт",
            "pin": new.pin, "address": new.address, "family_size": "4"}
    assert _admin(app).post(url, form, token_from=url).status_code == 302
    db.session.expire_all()
    new, old = db.session.get(LandApplication, new.id), db.session.get(LandApplication, old.id)
    assert (new.position, old.position, new.first_name) == (1, 2, "Бакыт")
    assert new.received_at == clock.from_local(datetime.datetime(2024, 1, 1, 9))  # not a field of the form: unchanged


def test_edit_form_offers_data_fields_only(app, db):
    from models.land_queue import LandApplication

    application = db.session.query(LandApplication).filter_by(status="queue").first()
    page = _admin(app).get(f"/landapplicationview/edit/{application.id}").get_data(as_text=True)
    for field in ("category", "last_name", "pin", "family_size"):
        assert f'name="{field}"' in page
    for field in ("position", "territory", "kind", "received_at", "number", "status"):
        assert f'name="{field}"' not in page


@contextlib.contextmanager
def _data(app):
    """Database work outside the requests: the `db` fixture keeps an app context open, and requests made inside
    it share `g` (and the logged-in user) across test clients."""
    from app.extensions import db

    with app.app_context():
        yield db
        db.session.rollback()


def test_registration_notice_pdf_in_kyrgyz(app):
    from pypdf import PdfReader

    from app.services import land_queue

    with _data(app) as db:
        application = land_queue.register(db.session, _application(
            db, FREE["form"], "large_family", datetime.datetime(2025, 1, 5, 11), last_name="Төлөгөнов",
            first_name="Үмүтбек"))
        db.session.commit()
        pk, number, position = application.id, application.number, application.position
    response = _admin(app, "ky").get(f"/landapplicationview/notice/{pk}")
    assert response.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert number in text and "Төлөгөнов Үмүтбек" in text
    assert "Көп балалуу үй-бүлөлөр" in text  # the category's Kyrgyz name
    assert "Кара-Жыгач айыл аймагы" in text  # the issuing body: the aiyl aimak, named in Kyrgyz (data/README.md)
    assert "Кара-Джыгачский" not in text and "[ru]" not in text
    assert re.search(rf"\b{position}\b", text)
    event = audit_events(app, action="pdf", object_type="land_queue_application", object_id=str(pk))[-1]
    assert event.username == "admin" and "registration_notice" in event.changes
    # in English the same notice names the category in English
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        _admin(app, "en").get(f"/landapplicationview/notice/{pk}").data)).pages)
    assert "Large families" in text and "Notice of registration" in text and "/land-queue/check" in text


def test_import_registers_every_row_or_none(app, db):
    from models.land_queue import LandApplication

    header = "territory,kind,category,received_at,last_name,first_name,patronymic,pin,address,phone,family_size,note"
    rows = [f"{FREE['import']},housing,general,2023-05-02 10:00:00,Осмонов,Улан,,20101198011111,Манас 1,,2,",
            f"{FREE['import']},housing,orphans,2024-05-02 10:00:00,Кадырова,Асель,,10101200522222,Манас 2,,1,",
            f"{FREE['import']},housing,general,2022-05-02 10:00:00,Сыдыков,Эрлан,,20101197533333,Манас 3,,4,"]
    b = _admin(app)

    def upload(lines):
        payload = ("\n".join([header, *lines]) + "\n").encode("utf-8")
        return b.post("/landapplicationview/import/", {"file": (io.BytesIO(payload), "queue.csv")},
                      token_from="/landapplicationview/import/", content_type="multipart/form-data")

    bad = rows + [rows[0].replace("Осмонов", "Экинчи")]  # the same person twice: the whole file is refused
    assert "import-errors" in upload(bad).get_data(as_text=True)
    territory = _territory(db, FREE["import"])
    assert db.session.query(LandApplication).filter_by(territory_id=territory.id).count() == 0
    assert upload(rows).status_code == 302
    queue = {a.last_name: (a.position, a.number) for a in
             db.session.query(LandApplication).filter_by(territory_id=territory.id)}
    assert queue == {"Кадырова": (1, "2024-08203834-0001"), "Сыдыков": (2, "2022-08203834-0001"),
                     "Осмонов": (3, "2023-08203834-0001")}


def test_classifier_edit_and_family_form(app, db):
    from models.land_queue import LandApplication, LandFamilyMember

    code = FREE["classifier"]
    military = _register(db, code, "military", datetime.datetime(2024, 1, 1, 9), family_size=2)
    general = _register(db, code, "general", datetime.datetime(2020, 1, 1, 9))
    db.session.commit()
    assert (military.position, general.position) == (1, 2)
    b = _admin(app)
    category = _category(db, "military")
    form = {"code": category.code, "name_ky": category.name_ky, "name_ru": category.name_ru,
            "name_en": category.name_en, "rank": "60", "min_age": "18", "legal_basis": category.legal_basis,
            "active": "y"}
    url = f"/landcategoryview/edit/{category.id}"
    try:
        assert b.post(url, form, token_from=url).status_code == 302
        db.session.expire_all()
        assert (db.session.get(LandApplication, military.id).position,
                db.session.get(LandApplication, general.id).position) == (2, 1)
    finally:
        assert b.post(url, {**form, "rank": "2"}, token_from=url).status_code == 302
    db.session.expire_all()
    assert db.session.get(LandApplication, military.id).position == 1
    # family members through their form: the applicant's own PIN is refused, a spouse is listed
    url = "/landfamilymemberview/add"
    member = {"application": military.id, "full_name": "Асанова Айгүл", "pin": military.pin, "relation": "spouse"}
    b.post(url, member, token_from=url)
    assert db.session.query(LandFamilyMember).filter_by(application_id=military.id).count() == 0
    assert b.post(url, {**member, "pin": "11002199011111"}, token_from=url).status_code == 302
    assert db.session.query(LandFamilyMember).filter_by(application_id=military.id).count() == 1
    b.post(url, {**member, "pin": "21002201522222", "relation": "child"}, token_from=url)  # family of two
    assert db.session.query(LandFamilyMember).filter_by(application_id=military.id).count() == 1


def test_api_registers_through_the_same_service(app, db):
    from models.land_queue import LandApplication

    b = _admin(app, "en")
    body = {"territory": _territory(db, FREE["form"]).id, "kind": "lease",
            "category": _category(db, "general").id, "last_name": "Жумабаев", "first_name": "Айбек",
            "pin": "20202198867890", "address": "Токтогул көчөсү, 9", "family_size": 1}
    response = b.api.post("/api/v1/land_application/", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    created = db.session.get(LandApplication, response.get_json()["id"])
    assert created.number.startswith(f"{local_today().year}-08203826-") and created.position >= 1
    again = b.api.post("/api/v1/land_application/", json=body)
    assert again.status_code == 422 and "already in the queue" in again.get_json()["message"]
    shown = b.client.get(f"/api/v1/land_application/{created.id}").get_json()["result"]
    assert shown["position"] == created.position and shown["status"] == "queue"
    # an edit through the API: data fields only, a new category moves the application to the front
    answer = b.api.put(f"/api/v1/land_application/{created.id}",
                          json={"category": _category(db, "orphans").id, "phone": "+996 555 000111"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    db.session.expire_all()
    edited = db.session.get(LandApplication, created.id)
    assert (edited.position, edited.phone) == (1, "+996 555 000111")
    assert b.api.put(f"/api/v1/land_application/{created.id}", json={"kind": "housing"}).status_code in (400, 422)


# --- public page ------------------------------------------------------------------------------------------------
def _public_app(database_url, **overrides):
    from tests.conftest import make_app

    return make_app(database_url, **overrides)


def _check(client, number, pin):
    page = client.get("/land-queue/check").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    return client.post("/land-queue/check", data={"number": number, "pin": pin, "csrf_token": token.group(1)})


def test_public_page_shows_own_position_kind_and_status_only(app, db, database_url):
    from models.land_queue import LandApplication

    application = db.session.query(LandApplication).filter_by(status="queue").order_by(LandApplication.id).first()
    removed = db.session.query(LandApplication).filter_by(status="removed").first()
    client = _public_app(database_url).test_client()
    client.get("/lang/en")
    page = _check(client, application.number, application.pin).get_data(as_text=True)
    result = re.search(r'id="land-queue-result">(.*?)</table>', page, re.S).group(1)
    assert f'id="land-queue-position">{application.position}<' in result
    assert "In queue" in result and ("Individual housing construction" in result or "Lease" in result)
    for private in (application.last_name, application.pin, application.address, application.category.name_en):
        assert private not in page
    # a removed application: its status, no position
    page = _check(client, removed.number.lower(), removed.pin).get_data(as_text=True)
    assert "Removed from the queue" in page and "land-queue-position" not in page
    # a wrong PIN and an unknown number get the same answer
    wrong_pin = _check(client, application.number, removed.pin).get_data(as_text=True)
    unknown = _check(client, "2099-1-0001", application.pin).get_data(as_text=True)
    strip = lambda html: re.sub(r'(csrf[-_]token"[^>]*(value|content)=")[^"]+|(name="number"[^>]*value=")[^"]+', "",
                                html)
    assert strip(wrong_pin) == strip(unknown) and 'id="land-queue-miss"' in unknown
    assert "land-queue-result" not in unknown
    events = audit_events(app, action="public_check")
    assert [e.object_id for e in events[-4:]] == [str(application.id), str(removed.id), None, None]


@pytest.mark.parametrize("lang,title", [("ky", "Жер участогуна кезектеги менин ордум"),
                                        ("ru", "Моё место в очереди на земельный участок"),
                                        ("en", "My place in the land plot queue")])
def test_public_page_in_three_languages_without_login(app, lang, title):
    from flask_babel import force_locale, gettext

    client = app.test_client()
    client.get(f"/lang/{lang}")
    response = client.get("/land-queue/check")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and title in page
    assert f'<html lang="{lang}">' in page and 'class="lang-switch"' in page and 'name="csrf_token"' in page
    with app.test_request_context(), force_locale(lang):
        miss = gettext("No application matches this number and PIN. Check both and try again.")
    assert miss in _check(client, "2099-1-0001", "21505199012345").get_data(as_text=True)


def test_public_check_needs_the_csrf_token(app):
    response = app.test_client().post("/land-queue/check", data={"number": "x", "pin": "y"})
    assert response.status_code == 400


def test_public_check_is_rate_limited(database_url):
    client = _public_app(database_url, LAND_QUEUE_CHECK_RATE_LIMIT="3 per minute").test_client()
    codes = [_check(client, "2024-0-0001", "21505199012345").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[-1] == 429
    assert client.get("/land-queue/check").status_code == 200  # the page itself stays readable


# --- charts -----------------------------------------------------------------------------------------------------
def test_chart_figures_match_the_rows(app, db):
    from collections import Counter

    from app.scope import NATIONAL, Scope
    from charts.land_queue import allocations_per_year, queue_by_territory, queue_now
    from models.land_queue import LandApplication

    rows = db.session.query(LandApplication).all()
    with app.test_request_context():
        frame = queue_now(db.session, NATIONAL, {})
        expected = Counter((a.kind, a.category.code) for a in rows if a.status == "queue")
        assert {(r.kind, r.code): r.applications for r in frame.itertuples()} == expected
        frame = allocations_per_year(db.session, NATIONAL, {})
        expected = Counter((a.decision_date.year, a.kind) for a in rows if a.status == "allocated")
        assert {(r.year, r.kind): r.plots for r in frame.itertuples()} == expected
        area = sum(float(a.plot_area) for a in rows if a.status == "allocated")
        assert abs(frame["area"].sum() - area) < 0.01
        frame = queue_by_territory(db.session, NATIONAL, {})
        oblast = lambda a: a.territory.path.split("/")[1]
        expected = Counter((oblast(a), a.kind) for a in rows if a.status == "queue")
        assert {(r.code, r.kind): r.applications for r in frame.itertuples()} == expected
        # a rayon user counts their rayon only, per aiyl aimak
        rayon = _territory(db, "41708203000000")
        scope = Scope(rayon.id, rayon.path, rayon.level)
        frame = queue_by_territory(db.session, scope, {})
        expected = Counter((a.territory.code, a.kind) for a in rows
                           if a.status == "queue" and a.territory.path.startswith(rayon.path))
        assert {(r.code, r.kind): r.applications for r in frame.itertuples()} == expected and expected


def test_chart_pages_render(app):
    b = _admin(app)
    for key in ("queue", "allocations", "territories"):
        page = b.get(f"/landqueuecharts/?chart={key}")
        assert page.status_code == 200 and 'id="chart-table"' in page.get_data(as_text=True)
    assert b.get("/landqueuecharts/export/queue/xlsx").status_code == 200


# --- roles ------------------------------------------------------------------------------------------------------
def test_role_templates(app, make_user):
    from models.land_queue import LandApplication

    with _data(app) as db:
        own = db.session.query(LandApplication).filter(LandApplication.status == "queue",
                                                       LandApplication.territory.has(code=DEMO_AIMAK)).first().id
        other = db.session.query(LandApplication).filter(~LandApplication.territory.has(code=DEMO_AIMAK),
                                                         LandApplication.status == "queue").first().id
    policy = Browser(app.test_client())
    policy.login(make_user(("LSG policy specialist",)))
    assert policy.get("/landqueuecharts/?chart=queue").status_code == 200
    assert policy.get("/landapplicationview/list/").status_code == 403
    assert policy.get(f"/landapplicationview/notice/{own}").status_code == 403
    assert policy.get("/api/v1/land_application/").status_code in (401, 403)

    head = Browser(app.test_client())
    head.login(make_user(("LSG head",), territory="41708203000000"))
    assert "/landapplicationview/show/" in head.get("/landapplicationview/list/").get_data(as_text=True)
    assert head.get("/landapplicationview/add").status_code == 403
    assert head.get(f"/landapplicationview/remove/{own}").status_code == 403
    assert head.get(f"/landapplicationview/notice/{own}").status_code == 200
    assert head.get("/landqueuecharts/?chart=queue").status_code == 200

    clerk = Browser(app.test_client())
    clerk.login(make_user(("LSG clerk",), territory="41708203000000"))
    assert clerk.get(f"/landapplicationview/remove/{own}").status_code == 200
    assert clerk.get(f"/landapplicationview/allocate/{own}").status_code == 200
    assert clerk.get(f"/landapplicationview/remove/{other}").status_code == 404  # another territory
    assert clerk.get(f"/landapplicationview/notice/{other}").status_code == 404
    assert clerk.get("/landcategoryview/add").status_code == 403  # the classifier is the administrator's


def test_demo_data_spans_several_oblasts_with_every_status(db):
    from models.land_queue import LandApplication, LandFamilyMember, LandStatusChange

    rows = db.session.query(LandApplication).all()
    oblasts = {a.territory.path.split("/")[1] for a in rows}
    assert len(oblasts) >= 5
    assert {a.status for a in rows} == {"queue", "allocated", "removed"}
    assert db.session.query(LandFamilyMember).count() and db.session.query(LandStatusChange).count()
    from app.seed import land_queue as seed

    assert seed.seed(db.session, echo=lambda m: None) == 0  # idempotent


# --- concurrency (SQLite and PostgreSQL) ---------------------------------------------------------------------------


def _in_threads(app, jobs):
    """Run each job(session) in its own thread, app context and session, all released at once."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        from app.extensions import db

        with app.app_context():
            try:
                prepared = job(db, None)
                db.session.commit()  # give the connection back while waiting: 20 threads, 15 pooled connections
                barrier.wait(timeout=60)
                job(db, prepared)
                db.session.commit()
            except Exception as exc:  # pragma: no cover - reported below
                db.session.rollback()
                errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_parallel_registrations_get_unique_gapless_positions(app, db):
    from app.services import land_queue

    code = FREE["parallel"]
    categories = ["general", "orphans", "large_family", "general", "military"]

    def job(i):
        def step(db_, prepared):
            if prepared is None:
                application = _application(db_, code, categories[i % 5], age=20 + i)
                application.received_at = None  # registered now: many share one second, the id breaks ties
                return application
            land_queue.register(db_.session, prepared)
        return step

    errors = _in_threads(app, [job(i) for i in range(20)])
    assert not errors, errors
    db.session.expire_all()
    queue = _queue(db, code)
    assert [p for _, p in queue] == list(range(1, 21))
    assert [n for n, _ in queue] == _expected_order(db, code)
    assert len({n for n, _ in queue}) == 20
    assert sorted(int(n.rsplit("-", 1)[1]) for n, _ in queue) == list(range(1, 21))


def test_parallel_removals_and_registrations_keep_the_queue_gapless(app, db):
    from app.services import land_queue
    from models.land_queue import LandApplication

    code = FREE["mixed"]
    for i in range(10):
        _register(db, code, "general", datetime.datetime(2022, 1, 1 + i, 9))
    db.session.commit()
    ids = [a.id for a in db.session.query(LandApplication).filter(
        LandApplication.territory.has(code=code)).order_by(LandApplication.id)]

    def remover(pk):
        def step(db_, prepared):
            if prepared is None:
                return pk
            application = db_.session.get(LandApplication, pk)
            land_queue.remove(db_.session, application, "own_request", local_today())
        return step

    def registrar(i):
        def step(db_, prepared):
            if prepared is None:
                return _application(db_, code, "disability" if i % 2 else "general",
                                    datetime.datetime(2023, 1, 1 + i, 9))
            land_queue.register(db_.session, prepared)
        return step

    errors = _in_threads(app, [remover(pk) for pk in ids[::2]] + [registrar(i) for i in range(10)])
    assert not errors, errors
    db.session.expire_all()
    queue = _queue(db, code)
    assert [p for _, p in queue] == list(range(1, 16))
    assert [n for n, _ in queue] == _expected_order(db, code)


def test_module_can_be_switched_off(database_url):
    from tests.conftest import make_app

    app = make_app(database_url, ENABLED_MODULES=["core"])
    rules = {r.rule for r in app.url_map.iter_rules()}
    assert not any(r.startswith(("/landapplicationview", "/land-queue", "/landqueuecharts")) for r in rules)
    assert "/land-queue/check" in {r.rule for r in make_app(database_url, ENABLED_MODULES=["land_queue"])
                                   .url_map.iter_rules()}


@pytest.mark.parametrize("lang,expected", [("ky", "мурунтан эле кезекте турат"), ("ru", "уже стоит в очереди"),
                                           ("en", "is already in the queue")])
def test_refusals_are_translated(app, db, lang, expected):
    from flask_babel import force_locale

    from app.services import land_queue

    first = _register(db, FREE["rules"], pin="21707198855555")
    with pytest.raises(DomainError) as error:
        land_queue.register(db.session, _application(db, FREE["rules"], pin=first.pin))
    with app.test_request_context(), force_locale(lang):
        assert expected in str(error.value) and first.number in str(error.value)
    db.session.rollback()
