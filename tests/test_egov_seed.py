"""Issue 11, items 8 and 2: the demo data of the e-government register (every application status, every element
kind, a refused-then-resubmitted chain, overdue applications, a removed element with its versions; idempotent)
and the overdue applications report (exactly the applications `is_overdue` says, its exports, the organisation
scope)."""
import csv
import io
import re

import pytest
from sqlalchemy import func, select

from tests.conftest import Browser

ROW = re.compile(r'class="egov-overdue-row" data-id="(\d+)"')


def _seeded(db, model, *where):
    """The demo data's rows of `model` (those of the seeded organisations, not of other tests' fixtures)."""
    from app.seed.egov_registry import ORGANISATIONS
    from models.egov_registry import EgovOrganisation

    orgs = select(EgovOrganisation.id).where(EgovOrganisation.inn.in_([o[1] for o in ORGANISATIONS]))
    return db.session.scalars(select(model).where(model.organisation_id.in_(orgs), *where)
                              .order_by(model.id)).all()


def _org(db, key):
    from app.seed.egov_registry import ORGANISATIONS
    from models.egov_registry import EgovOrganisation

    inn = next(o[1] for o in ORGANISATIONS if o[0] == key)
    return db.session.scalar(select(EgovOrganisation).where(EgovOrganisation.inn == inn))


def _history_is_coherent(application):
    steps = application.history
    assert steps and steps[0].from_status is None, application.number
    for before, after in zip(steps, steps[1:]):
        assert after.from_status == before.to_status and after.at >= before.at, application.number
    assert steps[-1].to_status == application.status, application.number


def test_every_application_status_and_every_element_kind(db):
    from app.services.egov_registry import missing_items
    from models.egov_registry import APPLICATION_KINDS, APPLICATION_STATUSES, ELEMENT_KINDS, EgovApplication, \
        EgovElement

    applications = _seeded(db, EgovApplication)
    assert {a.status for a in applications} == set(APPLICATION_STATUSES)
    assert {a.kind for a in applications} == set(APPLICATION_KINDS)
    assert len({a.organisation_id for a in applications}) >= 2
    for application in applications:
        _history_is_coherent(application)
    elements = _seeded(db, EgovElement)
    registered = [e for e in elements if e.status == "registered"]
    assert {e.kind for e in registered} == set(ELEMENT_KINDS)
    for element in registered:
        assert missing_items(element) == [], element.full_name
        assert element.number and element.versions and element.registered_on
    drafts = [e for e in elements if e.status == "draft" and missing_items(e)]
    assert drafts, "no incomplete draft"
    assert any(r.kind == "tunduk" and r.service for e in elements for r in e.relations)
    assert {r.kind for e in elements for r in e.relations} >= {"uses", "part_of", "tunduk"}
    modified = [e for e in registered if len(e.versions) >= 2]
    assert modified and modified[0].versions[0].data != modified[0].versions[-1].data


def test_inns_and_employees_are_valid(db):
    from app.identifiers import parse_inn
    from app.seed.egov_registry import ORGANISATIONS
    from models.egov_registry import EgovEmployee

    for org in ORGANISATIONS:
        seeded = _org(db, org[0])
        parse_inn(seeded.inn)
        assert seeded.name_ky and seeded.name_ru and seeded.name_en and seeded.address
    lsg = [_org(db, "city"), _org(db, "aiyl")]
    assert all(o.kind == "lsg_body" and o.territory is not None for o in lsg)
    employees = _seeded(db, EgovEmployee)
    assert all("@" in e.email and e.email.endswith(".gov.kg") for e in employees)
    assert any(e.valid_until is not None for e in employees)  # an ended appointment


def test_refused_then_resubmitted_and_registered(db):
    from models.egov_registry import EgovApplication

    (again,) = _seeded(db, EgovApplication, EgovApplication.resubmission_of_id.is_not(None))
    refused = again.resubmission_of
    assert refused.status == "refused" and refused.refusal_ground == "23(2)" and refused.missing_items
    assert "23(2)" in refused.refusal_text
    assert all(clause in refused.refusal_text for clause in refused.missing_items)
    assert again.status == "registered" and again.element is refused.element
    assert again.received_on > refused.decided_on
    assert again.element.status == "registered" and again.element.versions[-1].application is again
    assert [s.to_status for s in refused.history] == ["submitted", "refused"]


def test_removed_element_stays_with_its_versions(db):
    from models.egov_registry import EgovElement

    (removed,) = _seeded(db, EgovElement, EgovElement.status == "removed")
    assert removed.removed_on and removed.versions and removed.number
    (removal,) = [a for a in removed.applications if a.kind == "removal"]
    assert [s.to_status for s in removal.history] == ["submitted", "agreed", "removed"]
    assert removal.decided_on == removed.removed_on
    assert any(d.kind == "stop_decision" for d in removed.documents)


def test_seed_is_idempotent(app, db):
    from app.seed import egov_registry as seed
    from models.egov_registry import EgovApplication, EgovElement, EgovOrganisation

    def counts():
        return [db.session.scalar(select(func.count()).select_from(m))
                for m in (EgovOrganisation, EgovElement, EgovApplication)]

    before = counts()
    seed.seed(db.session, echo=lambda message: None)
    db.session.flush()
    assert counts() == before


# --- the overdue report -------------------------------------------------------------------------------------------
def test_the_overdue_report_lists_exactly_the_overdue_applications(db):
    from app.clock import local_today
    from app.scope import NATIONAL
    from app.services.egov_overdue import overdue_query
    from app.services.egov_registry import is_overdue
    from models.egov_registry import EgovApplication

    today = local_today()
    listed = set(db.session.scalars(overdue_query(NATIONAL, today)))
    everything = db.session.scalars(select(EgovApplication)).all()
    assert {a for a in everything if is_overdue(a, today)} == listed
    seeded = {a for a in _seeded(db, EgovApplication) if a in listed}
    assert {a.kind for a in seeded} >= {"access", "registration"} and len({a.organisation_id for a in seeded}) >= 2
    assert any(a.status == "submitted" and not is_overdue(a, today) for a in everything)  # there are some to leave out


def test_the_cut_off_equals_is_overdue_across_weekends_and_holidays(app):
    import datetime

    from app.services.egov_overdue import last_overdue_received
    from app.services.egov_registry import is_overdue
    from models.egov_registry import EgovApplication

    start = datetime.date(2026, 12, 20)
    for offset in range(30):  # over the New Year and Orthodox Christmas holidays
        today = start + datetime.timedelta(days=offset)
        cut = last_overdue_received(today)
        for back in range(0, 20):
            received = today - datetime.timedelta(days=back)
            application = EgovApplication(kind="registration", status="submitted", received_on=received)
            assert is_overdue(application, today) == (received <= cut), (today, received)


def _page_ids(browser, query=""):
    page = browser.get(f"/egovoverdue/{query}")
    assert page.status_code == 200
    return {int(pk) for pk in ROW.findall(page.get_data(as_text=True))}


def test_the_overdue_page_and_its_exports(app, db, browser):
    import openpyxl
    from pypdf import PdfReader

    from app.clock import local_today
    from app.scope import NATIONAL
    from app.services.egov_overdue import overdue_query

    expected = [a for a in db.session.scalars(overdue_query(NATIONAL, local_today()))]
    numbers = [a.number for a in expected]
    browser.login("admin")
    assert _page_ids(browser) == {a.id for a in expected}
    sheet = openpyxl.load_workbook(io.BytesIO(browser.get("/egovoverdue/export/xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == len(expected) + 1
    assert [r[1] for r in rows[1:]] == numbers  # "№" first, then the number
    days = 7  # "№", number, organisation, kind, status, received on, due on, days overdue
    assert all(isinstance(r[days], int) and r[days] > 0 for r in rows[1:])
    text = browser.get("/egovoverdue/export/csv").get_data(as_text=True).lstrip("\ufeff")
    assert [r[1] for r in list(csv.reader(io.StringIO(text)))[1:]] == numbers
    pdf = browser.get("/egovoverdue/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    printed = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert all(n in printed for n in numbers if n)


@pytest.mark.parametrize("key", ["tax", "aiyl"])
def test_an_organisation_bound_user_sees_only_own_overdue_applications(app, db, make_user, key):
    from models.egov_registry import EgovApplication

    own = _org(db, key)
    mine = {a.id for a in _seeded(db, EgovApplication, EgovApplication.organisation_id == own.id)}
    user = Browser(app.test_client())
    user.login(make_user(("Admin",), scope_organisation_id=own.id))
    shown = _page_ids(user)
    assert shown and shown <= mine
    text = user.get("/egovoverdue/export/csv").get_data(as_text=True).lstrip("\ufeff")
    assert {r[2] for r in list(csv.reader(io.StringIO(text)))[1:]} == {own.name_ky}
