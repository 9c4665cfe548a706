"""No data of another territory through lookups by PIN and duplicate checks (issue 7): every duplicate check of
the services and every lookup is tried across territories, by a user of territory A against a record of B."""
import datetime

import pytest

from app import clock
from app.clock import local_today
from app.errors import DomainError
from tests.conftest import PASSWORD
from tests.test_scope import PROBE_ROLE, TERRITORY_A, probe  # noqa: F401  (the fixture: a user of A, all rights)


@pytest.fixture
def as_probe(app, probe):  # noqa: F811
    """A request of the territory-A user with every permission, on the application's session."""
    from flask import g

    from app.extensions import db
    from app.scope import Scope
    from models.reference import Territory

    from flask_login import login_user

    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username="scope_probe")
        login_user(g.user)  # FAB's permission checks read flask-login's user
        a = db.session.query(Territory).filter_by(code=TERRITORY_A).one()
        yield db.session, Scope(a.id, a.path)
        db.session.rollback()


def _pair(session, scope, model, *where):
    """A row of `model` inside the scope and one outside it (both meeting `where`)."""
    inside = session.query(model).filter(scope.condition(model), *where).order_by(model.id).first()
    outside = session.query(model).filter(~scope.condition(model), *where).order_by(model.id).first()
    assert inside is not None and outside is not None, f"seed {model.__name__} inside and outside territory A"
    return inside, outside


def _refused_elsewhere(call, *hidden):
    from app.scope import OUTSIDE_DUPLICATE

    with pytest.raises(DomainError) as error:
        call()
    message = str(error.value)
    assert error.value.code == "duplicate_elsewhere", (error.value.code, message)
    assert message == str(OUTSIDE_DUPLICATE)
    for value in hidden:
        assert str(value) not in message
    return error.value


class TestNothingLeaksAcrossTerritories:
    def test_child_registered_elsewhere(self, as_probe):
        from app.services import child_protection
        from models.child_protection import CpChild

        session, scope = as_probe
        # an open case is the twin: a closed one lets the child be identified again (a new case)
        own, foreign = _pair(session, scope, CpChild, CpChild.pin.is_not(None), CpChild.anonymised_on.is_(None),
                             CpChild.status != "closed")
        twin_inside = session.query(CpChild).filter(scope.condition(CpChild), CpChild.pin.is_not(None),
                                                    CpChild.status != "closed", CpChild.id != own.id).first()
        for twin, code in ((foreign, "duplicate_elsewhere"), (twin_inside, "double_pin")):
            if twin is None:
                continue
            own.pin, own.sex, own.birth_date = twin.pin, twin.sex, twin.birth_date
            own.identified_on = max(own.identified_on, twin.birth_date)
            with pytest.raises(DomainError) as error:
                child_protection.check_child(session, own, local_today())
            assert error.value.code == code
            session.rollback()
            own = session.get(CpChild, own.id)

    def test_household_member_elsewhere_names_no_household(self, as_probe):
        from app.services import household_book
        from models.household_book import HouseholdMember

        session, scope = as_probe
        own, foreign = _pair(session, scope, HouseholdMember, HouseholdMember.is_active.is_(True))
        number = foreign.household.number
        own.pin, own.sex, own.birth_date = foreign.pin, foreign.sex, foreign.birth_date
        _refused_elsewhere(lambda: household_book.check_member(session, own), number, foreign.full_name)

    def test_land_application_elsewhere_names_no_number(self, as_probe):
        from app.services import land_queue
        from models.land_queue import LandApplication

        session, scope = as_probe
        own, foreign = _pair(session, scope, LandApplication, LandApplication.status == "queue")
        number = foreign.number
        twin = session.query(LandApplication).filter(~scope.condition(LandApplication),
                                                     LandApplication.status == "queue",
                                                     LandApplication.kind == own.kind).first() or foreign
        own.pin, own.kind = twin.pin, twin.kind
        with session.no_autoflush:
            _refused_elsewhere(lambda: land_queue.check_applicant(session, own, clock.now()),
                               twin.number, number)

    def test_housing_plot_granted_elsewhere(self, as_probe):
        from app.services import land_queue
        from models.land_queue import LandApplication

        session, scope = as_probe
        own = session.query(LandApplication).filter(scope.condition(LandApplication),
                                                    LandApplication.status == "queue").first()
        granted = session.query(LandApplication).filter(~scope.condition(LandApplication),
                                                        LandApplication.status == "allocated",
                                                        LandApplication.kind == "housing").first()
        if own is None or granted is None:
            pytest.skip("no allocated housing application outside territory A in the demo data")
        own.pin, own.kind = granted.pin, "housing"
        try:
            with session.no_autoflush:
                land_queue.check_applicant(session, own, clock.now())
        except DomainError as exc:
            if exc.code in ("already_allocated", "duplicate_elsewhere"):
                assert exc.code == "duplicate_elsewhere" and granted.number not in str(exc)

    def test_plot_allocated_elsewhere(self, as_probe):
        from app.services import land_queue
        from models.land_queue import LandApplication

        session, scope = as_probe
        taken = session.query(LandApplication).filter(~scope.condition(LandApplication),
                                                      LandApplication.plot_cadastral_number.is_not(None)).first()
        own = session.query(LandApplication).filter(scope.condition(LandApplication),
                                                    LandApplication.status == "queue") \
            .order_by(LandApplication.kind, LandApplication.position).first()
        assert taken is not None and own is not None, "seed an allocated plot outside and a queue inside A"
        received = local_today(own.received_at) if isinstance(own.received_at, datetime.datetime) else own.received_at
        _refused_elsewhere(lambda: land_queue.allocate(
            session, own, cadastral_number=taken.plot_cadastral_number, plot_address="Ала-Арча", area=600,
            decision_number="1", decision_date=max(received or local_today(), local_today()),
            note="out of order for the test"), taken.number)

    def test_relative_links_only_residents_the_user_may_see(self, as_probe):
        from app.services import child_protection
        from models.child_protection import CpChild, CpRelative
        from models.household_book import HouseholdMember

        session, scope = as_probe
        child = session.query(CpChild).filter(scope.condition(CpChild)).first()
        inside, outside = _pair(session, scope, HouseholdMember, HouseholdMember.is_active.is_(True))
        far = child_protection.add_relative(session, CpRelative(child=child, relation="mother", pin=outside.pin,
                                                                last_name="X"))
        near = child_protection.add_relative(session, CpRelative(child=child, relation="father", pin=inside.pin,
                                                                 last_name="Y"))
        assert far.household_member is None, "linked (and so named) a resident of another territory"
        assert near.household_member is inside

    def test_relative_lookup_needs_the_household_book(self, app, make_user):
        """A case worker without access to the household book links nobody: the module is not searched."""
        from flask import g

        from app.extensions import db
        from app.services import child_protection
        from models.child_protection import CpChild, CpRelative
        from models.household_book import HouseholdMember

        sm = app.appbuilder.sm
        with app.app_context():
            role = sm.find_role("Case worker only") or sm.add_role("Case worker only")
            role.permissions = [p for p in sm.find_role(PROBE_ROLE).permissions
                                if p.view_menu.name.startswith("Cp")]
            db.session.commit()
        name = make_user(("Case worker only",), territory=TERRITORY_A)
        with app.test_request_context():
            from flask_login import login_user

            g.user = sm.find_user(username=name)
            login_user(g.user)
            child = db.session.query(CpChild).first()
            member = db.session.query(HouseholdMember).filter(HouseholdMember.is_active.is_(True)).first()
            relative = child_protection.add_relative(db.session, CpRelative(child=child, relation="aunt",
                                                                            pin=member.pin, last_name="Z"))
            assert relative.household_member is None
            db.session.rollback()

    def test_api_duplicate_message_over_http(self, app, probe):  # noqa: F811
        """The whole path: the API's 422 answer names nothing of the household elsewhere."""
        from app.extensions import db
        from app.scope import OUTSIDE_DUPLICATE, Scope
        from models.household_book import Household, HouseholdMember
        from models.reference import Territory

        client = app.test_client()
        token = client.post("/api/v1/security/login", json={"username": "scope_probe", "password": PASSWORD,
                                                             "provider": "db"}).get_json()["access_token"]
        with app.app_context():
            a = db.session.query(Territory).filter_by(code=TERRITORY_A).one()
            scope = Scope(a.id, a.path)
            household = db.session.query(Household).filter(scope.condition(Household)).first()
            foreign = db.session.query(HouseholdMember).filter(~scope.condition(HouseholdMember),
                                                               HouseholdMember.is_active.is_(True)).first()
            body = {"household": household.id, "pin": foreign.pin, "last_name": "Тест", "first_name": "Тест",
                    "sex": foreign.sex, "birth_date": foreign.birth_date.isoformat(),
                    "relation": "child"}  # a shipped code (other tests add and switch off their own)
            number, count = foreign.household.number, db.session.query(HouseholdMember).count()
        answer = client.post("/api/v1/household_member/", json=body, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 422, answer.get_data(as_text=True)[:300]
        text = answer.get_data(as_text=True)
        assert number not in text and foreign.pin not in text.replace(body["pin"], "", 0)
        with app.test_request_context():
            assert str(OUTSIDE_DUPLICATE) in answer.get_json()["message"] or \
                str(OUTSIDE_DUPLICATE) in str(answer.get_json())
        with app.app_context():
            assert db.session.query(HouseholdMember).count() == count
