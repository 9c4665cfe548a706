"""Proposals of the social-protection body for a social passport (Sanarip Aimak regulation, cl. 23; cl. 4(13);
issue 15, item 2): the specialist proposes a household, the LSG clerk forms the passport from it (the passport's
own rules) or rejects it with a reason, the proposal shows the passport's state through its approval; one open
proposal per household; scope; the specialist's grants cover every report and chart of the module; the support
list leaves a passport whose annual review fell due before the daily duty marks it."""
import datetime
import re

import pytest

from app.clock import local_today
from app.errors import DomainError
from tests.conftest import Browser
from tests.test_scope import probe  # noqa: F401  (the fixture: a user of territory A with every permission)
from tests.test_social_passport import RAYON_A_PATH, SMALL_FAMILY, TERRITORY_A, _family, _passport, _reason

VIEW = "/socialpassportproposalview"


def _other_rayon(db):
    """A rayon outside A with a household of the book: its code and one of its households."""
    from models.household_book import Household
    from models.reference import Territory

    household = (db.session.query(Household).join(Territory, Territory.id == Household.territory_id)
                 .filter(~Territory.path.startswith(RAYON_A_PATH)).order_by(Household.id).first())
    rayon_code = household.territory.path.strip("/").split("/")[1]
    return rayon_code, household


def _proposal(app, household_id):
    from app.extensions import db
    from models.social_passport import SocialPassportProposal

    with app.app_context():
        rows = db.session.query(SocialPassportProposal).filter_by(household_id=household_id).all()
        return [(p.id, p.status, p.passport_id, p.rejection_reason, p.proposed_by.username if p.proposed_by else None)
                for p in rows]


def test_proposal_to_an_approved_passport(app, make_user):
    from app.extensions import db
    from app.services import social_passport as service
    from models.social_passport import SocialPassport

    with app.test_request_context():
        household = _family(db, "SPP-1", SMALL_FAMILY)
        db.session.commit()
        household_id = household.id
    specialist_name = make_user(("Social protection specialist",), territory=TERRITORY_A)
    specialist, clerk = Browser(app.test_client()), Browser(app.test_client())
    specialist.get("/lang/en")
    clerk.get("/lang/en")
    specialist.login(specialist_name)
    clerk.login(make_user(("LSG clerk",), territory=TERRITORY_A))
    # the specialist finds the household through the form's own search box and proposes it
    found = specialist.get(f"{VIEW}/lookup/household?q=SPP-1").get_json()["results"]
    assert [r["id"] for r in found] == [household_id]
    answer = specialist.post(f"{VIEW}/add", {"household": household_id, "ground": "many_children",
                                            "note": "Көп балалуу үй-бүлө"}, token_from=f"{VIEW}/add")
    assert answer.status_code == 302, answer.get_data(as_text=True)
    [(pk, status, passport_id, _, author)] = _proposal(app, household_id)
    assert (status, passport_id, author) == ("proposed", None, specialist_name)
    # a second open proposal for the household is refused, naming the first (inside the scope)
    page = specialist.post(f"{VIEW}/add", {"household": household_id, "ground": "other", "note": ""},
                           token_from=f"{VIEW}/add").get_data(as_text=True)
    assert "already has an open proposal" in page and "SPP-1" in page
    assert len(_proposal(app, household_id)) == 1
    # the specialist cannot form the passport; the clerk can
    assert specialist.get(f"{VIEW}/form_passport/{pk}").status_code == 403
    show = clerk.get(f"{VIEW}/show/{pk}").get_data(as_text=True)
    assert 'id="step-form_passport"' in show and 'id="step-reject"' in show
    clerk.post(f"{VIEW}/form_passport/{pk}", {"surveyed_on": local_today().isoformat()},
               token_from=f"{VIEW}/form_passport/{pk}")
    [(_, status, passport_id, _, _)] = _proposal(app, household_id)
    assert status == "passport_formed" and passport_id is not None
    with app.app_context():
        passport = db.session.get(SocialPassport, passport_id)
        # made by create_passport: the composition copied from the book, in draft, one per household
        assert (passport.household_id, passport.status, passport.members_count) == (household_id, "draft", 3)
        assert [h.to_status for h in passport.history] == ["draft"]
    page = specialist.get(f"{VIEW}/show/{pk}").get_data(as_text=True)
    assert f"/socialpassportview/show/{passport_id}" in page and "Draft" in page
    # the passport goes through its own workflow; the proposal's page follows it
    with app.app_context():
        passport = db.session.get(SocialPassport, passport_id)
        passport.reasons = [_reason(db, "many_children")]
        service.WORKFLOW.take(db.session, passport, "submit")
        service.WORKFLOW.take(db.session, passport, "approve")
        db.session.commit()
    page = specialist.get(f"{VIEW}/show/{pk}").get_data(as_text=True)
    assert re.search(r'label-success">\s*Approved', page), page
    # a formed proposal is final: no step offered
    assert 'id="step-' not in clerk.get(f"{VIEW}/show/{pk}").get_data(as_text=True)
    # the household has a passport: a new proposal may be made, but the clerk cannot form a second passport
    specialist.post(f"{VIEW}/add", {"household": household_id, "ground": "other", "note": ""},
                    token_from=f"{VIEW}/add")
    again = [p for p in _proposal(app, household_id) if p[1] == "proposed"]
    assert len(again) == 1
    page = clerk.get(f"{VIEW}/show/{again[0][0]}").get_data(as_text=True)
    assert 'id="step-form_passport"' not in page and 'id="step-reject"' in page


def test_rejection_needs_a_reason(app, make_user):
    from app.extensions import db

    with app.test_request_context():
        household = _family(db, "SPP-2", SMALL_FAMILY)
        db.session.commit()
        household_id = household.id
    specialist, clerk = Browser(app.test_client()), Browser(app.test_client())
    specialist.login(make_user(("Social protection specialist",), territory=TERRITORY_A))
    clerk.login(make_user(("LSG clerk",), territory=TERRITORY_A))
    specialist.post(f"{VIEW}/add", {"household": household_id, "ground": "low_income", "note": ""},
                    token_from=f"{VIEW}/add")
    [(pk, *_)] = _proposal(app, household_id)
    page = clerk.post(f"{VIEW}/reject/{pk}", {"reason": ""}, token_from=f"{VIEW}/reject/{pk}")
    assert page.status_code == 200 and _proposal(app, household_id)[0][1] == "proposed"
    assert clerk.api.post(f"/api/v1/social_passport_proposal/{pk}/transitions/reject", json={}).status_code == 422
    answer = clerk.api.post(f"/api/v1/social_passport_proposal/{pk}/transitions/reject",
                            json={"reason": "Кирешеси жакырчылык чегинен жогору"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    [(_, status, passport_id, reason, _)] = _proposal(app, household_id)
    assert (status, passport_id, reason) == ("rejected", None, "Кирешеси жакырчылык чегинен жогору")
    # the service refuses an empty reason too, and a decided proposal takes no step
    from app.services import social_passport as service
    from models.social_passport import SocialPassportProposal

    with app.app_context():
        proposal = db.session.get(SocialPassportProposal, pk)
        with pytest.raises(DomainError):
            service.reject_proposal(db.session, proposal, "x")
        proposal.status = "proposed"
        with pytest.raises(DomainError) as error:
            service.reject_proposal(db.session, proposal, "  ")
        assert error.value.field == "reason"
        db.session.rollback()


def test_duplicate_in_another_territory_names_nothing(app, probe):  # noqa: F811
    """The probe (a user of A) proposes a household of another rayon that already has an open proposal: refused
    without its number or date."""
    from flask import g
    from flask_login import login_user

    from app.extensions import db
    from app.scope import OUTSIDE_DUPLICATE
    from app.services import social_passport as service
    from models.reference import Territory
    from models.social_passport import SocialPassportProposal

    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username="scope_probe")
        login_user(g.user)
        open_elsewhere = (db.session.query(SocialPassportProposal).join(Territory)
                          .filter(SocialPassportProposal.status == "proposed",
                                  ~Territory.path.startswith(RAYON_A_PATH)).first())
        assert open_elsewhere is not None, "the demo data has open proposals outside rayon A"
        household = open_elsewhere.household
        with pytest.raises(DomainError) as error:
            service.create_proposal(db.session, SocialPassportProposal(household=household, ground="other"))
        assert error.value.code == "duplicate_elsewhere" and str(error.value) == str(OUTSIDE_DUPLICATE)
        assert household.number not in str(error.value)
        # inside the scope the message names the household
        own = (db.session.query(SocialPassportProposal).join(Territory)
               .filter(SocialPassportProposal.status == "proposed", Territory.path.startswith(RAYON_A_PATH))
               .first())
        with pytest.raises(DomainError) as error:
            service.create_proposal(db.session, SocialPassportProposal(household=own.household, ground="other"))
        assert error.value.code == "proposal_exists" and own.household.number in str(error.value)
        db.session.rollback()


def test_specialist_of_another_rayon(app, db, make_user):
    from models.reference import Territory
    from models.social_passport import SocialPassportProposal

    rayon_b, household_b = _other_rayon(db)
    in_a = (db.session.query(SocialPassportProposal).join(Territory)
            .filter(Territory.path.startswith(RAYON_A_PATH)).order_by(SocialPassportProposal.id).first())
    household_a = db.session.query(Territory).filter_by(code=TERRITORY_A).one()
    assert in_a is not None and household_a is not None
    pk, household_id = in_a.id, in_a.household_id
    db.session.rollback()
    b = Browser(app.test_client())
    b.login(make_user(("Social protection specialist",), territory=rayon_b))
    assert b.get(f"{VIEW}/show/{pk}").status_code == 404
    assert b.get(f"/api/v1/social_passport_proposal/{pk}").status_code == 404
    assert b.get(f"{VIEW}/lookup/household?q=").status_code == 200
    found = b.get(f"{VIEW}/lookup/household?q=").get_json()["results"]
    assert household_id not in [r["id"] for r in found]
    before = db.session.query(SocialPassportProposal).count()
    db.session.rollback()
    page = b.post(f"{VIEW}/add", {"household": household_id, "ground": "other", "note": ""},
                  token_from=f"{VIEW}/add")
    assert page.status_code == 200  # the form again: not a valid choice outside the territory
    assert db.session.query(SocialPassportProposal).count() == before
    # the own rayon's household is fine
    answer = b.post(f"{VIEW}/add", {"household": household_b.id, "ground": "other", "note": ""},
                    token_from=f"{VIEW}/add")
    db.session.rollback()
    if not db.session.query(SocialPassportProposal).filter_by(household_id=household_b.id,
                                                              status="proposed").count() > 0:
        pytest.fail(answer.get_data(as_text=True))


def test_specialist_reads_every_report_and_chart(app):
    """The "Social protection specialist" template grants read and export (and print) of every report view and
    chart view of the social passport module, resolved against the running app's permissions."""
    from app import registry
    from app.cli import _role_context
    from app.reports import ReportView
    from app.seed.roles import expected
    from charts.base import ChartView

    with app.app_context():
        _, appbuilder, menus = _role_context()
        spec = next(s for s in app.extensions["sanarip_modules"] if s.key == "social_passport")
        templates = {t.name: t for t in spec.role_templates}
        granted = expected(templates["Social protection specialist"], appbuilder, menus)
        reports, charts = registry.views_of([spec], ReportView), registry.views_of([spec], ChartView)
        assert reports and charts
        for view in reports:
            for permission in ("can_index", "can_export", "can_print"):
                assert (permission, view.class_permission_name or view.__name__) in granted, (permission, view.__name__)
        for view in charts:  # a chart's export is under its index (charts/base.py)
            assert ("can_index", view.class_permission_name or view.__name__) in granted, view.__name__
        # the proposals: the specialist adds and reads; the clerk reads, forms and rejects; the head reads
        name = "SocialPassportProposalView"
        assert {("can_add", name), ("can_show", name), ("can_list", name)} <= granted
        assert ("can_form_passport", name) not in granted and ("can_reject", name) not in granted
        clerk = expected(templates["LSG clerk"], appbuilder, menus)
        assert {("can_form_passport", name), ("can_reject", name), ("can_show", name)} <= clerk
        assert ("can_add", name) not in clerk
        head = expected(templates["LSG head"], appbuilder, menus)
        assert ("can_show", name) in head and ("can_form_passport", name) not in head


def test_specialist_opens_the_charts_and_their_exports(app, make_user):
    b = Browser(app.test_client())
    b.login(make_user(("Social protection specialist",), territory=TERRITORY_A))
    for url in ["/socialpassportcharts/", "/socialpassportcharts/?chart=reasons",
                "/socialpassportcharts/export/share/xlsx", "/socialpassportcharts/export/reasons/csv",
                "/socialsupportlist/", f"{VIEW}/list/", f"{VIEW}/add"]:
        assert b.get(url).status_code == 200, url


def test_support_list_leaves_a_passport_whose_review_fell_due_before_the_daily_run(app, db):
    """An approved passport whose review date is today: the daily duty has not run (it is still "approved"), yet
    the list computed at read time no longer shows it; a day earlier it did."""
    from app.scope import Scope
    from app.services import social_passport as service
    from models.reference import Territory

    rayon = db.session.query(Territory).filter_by(code=TERRITORY_A).one()
    scope = Scope(rayon.id, rayon.path)
    household = _family(db, "SPP-DUE", SMALL_FAMILY)
    passport = _passport(db, household)
    passport.reasons = [_reason(db)]
    service.submit(db.session, passport)
    service.approve(db.session, passport)
    db.session.flush()
    assert passport.needs_support

    def ids(day=None):
        return [p.id for p in db.session.scalars(service.support_list_query(scope, None, day)).all()]

    assert passport.id in ids()
    passport.review_due_on = local_today()  # the review falls due today; the daily duty has not run
    db.session.flush()
    assert passport.status == "approved"
    assert passport.id not in ids()
    assert passport.id in ids(local_today() - datetime.timedelta(days=1))
    passport.review_due_on = local_today() - datetime.timedelta(days=3)
    db.session.flush()
    assert passport.id not in ids()


def test_the_workflow_walker_walks_the_proposals(app, make_user):
    """tests/test_workflow.py's walker on this workflow alone: the demo data has open proposals where a step is
    possible in two territories."""
    from tests.test_workflow import _walk, _workflows

    [(wf, view, api)] = [w for w in _workflows(app) if w[0].key == "social_passport_proposal"]
    assert _walk(app, make_user, wf, view, api)


def test_demo_proposals_in_every_state_and_seeding_again_adds_nothing(app, db):
    from app.seed import social_passport as seed
    from models.reference import Territory
    from models.social_passport import SocialPassportProposal

    rows = db.session.query(SocialPassportProposal).all()
    assert {p.status for p in rows} == {"proposed", "passport_formed", "rejected"}
    assert all(p.passport is not None for p in rows if p.status == "passport_formed")
    assert all(p.rejection_reason for p in rows if p.status == "rejected")
    rayons = {db.session.get(Territory, p.territory_id).path.split("/")[2] for p in rows if p.status == "proposed"}
    assert len(rayons) >= 2
    count = len(rows)
    seed.seed(db.session, echo=lambda m: None)
    assert db.session.query(SocialPassportProposal).count() == count
    db.session.rollback()
