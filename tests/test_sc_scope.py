"""The office part of the scope (app/scope.py, models/service_centre.py): a user bound to one public service
centre office, holding every permission, reads and writes only that office's rows through every registered view and
API of every office-scoped model (no model is named here: the walk finds them), including the new values of a
change (moving a row to another office is refused)."""
import pytest

from tests.conftest import PASSWORD, Browser, audit_events

PROBE_ROLE = "Office scope probe"


def _office_views(app):
    from views.base import SanaripModelRestApi, SanaripModelView

    views = [v for v in app.appbuilder.baseviews if isinstance(v, SanaripModelView)
             and hasattr(v.datamodel.obj, "office_scope_condition")]
    apis = [v for v in app.appbuilder.baseviews if isinstance(v, SanaripModelRestApi)
            and hasattr(v.datamodel.obj, "office_scope_condition")]
    return views, apis


@pytest.fixture(scope="module")
def offices(app):
    """The demo data's two offices: the probe's and the other."""
    from app.extensions import db
    from models.service_centre import ScOffice

    with app.app_context():
        rows = db.session.query(ScOffice).order_by(ScOffice.id).limit(2).all()
        assert len(rows) == 2, "the demo data has two offices"
        return rows[0].id, rows[1].id


@pytest.fixture(scope="module")
def probe(app, offices):
    """A national user bound to the first office, holding every permission there is."""
    from flask_appbuilder.security.sqla.models import PermissionView

    from app.cli import create_user
    from app.extensions import db
    from models.user import SanaripUser

    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.find_role(PROBE_ROLE) or sm.add_role(PROBE_ROLE)
        role.permissions = db.session.query(PermissionView).all()
        db.session.commit()
        if sm.find_user(username="office_probe") is None:
            create_user("office_probe", PASSWORD, [PROBE_ROLE])
        db.session.query(SanaripUser).filter_by(username="office_probe").update({"scope_office_id": offices[0]})
        db.session.commit()
    browser = Browser(app.test_client())
    browser.login("office_probe")
    return browser


def _other_office_row(app, model, office_id):
    from app.extensions import db
    from app.scope import Scope

    with app.app_context():
        scope = Scope(office_id=office_id)
        return db.session.query(model.id).filter(~scope.condition(model)).order_by(model.id).limit(1).scalar()


def test_every_office_scoped_view_hides_the_other_office(app, probe, offices):
    views, apis = _office_views(app)
    walked = []
    for view in views:
        model = view.datamodel.obj
        pk = _other_office_row(app, model, offices[0])
        if pk is None:
            continue
        base = view.route_base
        if "can_show" in (view.base_permissions or ()):
            assert probe.get(f"{base}/show/{pk}").status_code == 404, (view.__class__.__name__, pk)
        if "can_edit" in (view.base_permissions or ()):
            assert probe.get(f"{base}/edit/{pk}").status_code == 404, (view.__class__.__name__, pk)
            response = probe.post(f"{base}/edit/{pk}", data={}, token_from="/")
            assert response.status_code == 404, (view.__class__.__name__, pk)
        if "can_delete" in (view.base_permissions or ()):
            assert probe.post(f"{base}/delete/{pk}", data={}, token_from="/").status_code in (404, 405)
        walked.append(model.__name__)
    for api in apis:
        model = api.datamodel.obj
        pk = _other_office_row(app, model, offices[0])
        if pk is None:
            continue
        assert probe.get(f"/api/v1/{api.resource_name}/{pk}").status_code == 404, api.resource_name
        listed = probe.get(f"/api/v1/{api.resource_name}/?q=(page_size:100)").get_json()
        assert pk not in listed.get("ids", []), api.resource_name
        walked.append(api.resource_name)
    assert audit_events(app, action="denied")
    # the demo data has rows of the other office for the module's main records (a walk of nothing proves nothing)
    for name in ("ScApplication", "ScTicket", "ScStaff", "ScWindow", "ScAppointment", "ScApplicationStep",
                 "ScInteragencyRequest", "ScShift", "ScAbsence", "ScAssignmentRule", "ScNotification",
                 "service_centre_application"):
        assert name in walked, f"no {name} of the other office in the demo data"


def test_an_office_user_cannot_move_a_row_to_another_office(app, probe, offices):
    """The new values of a change: an edit that names the other office is refused, nothing changes."""
    from app.extensions import db
    from models.service_centre import ScWindow

    with app.app_context():
        window = db.session.query(ScWindow).filter_by(office_id=offices[0]).first()
        pk, number = window.id, window.number
    response = probe.post(f"/scwindowview/edit/{pk}", data={"office": offices[1], "number": 77, "active": "y"},
                          token_from=f"/scwindowview/edit/{pk}")
    assert response.status_code in (200, 404)
    with app.app_context():
        window = db.session.get(ScWindow, pk)
        assert (window.office_id, window.number) == (offices[0], number)


def test_lists_show_only_the_office(app, probe, offices):
    from app.extensions import db
    from models.service_centre import ScApplication

    with app.app_context():
        theirs = db.session.query(ScApplication).filter(ScApplication.office_id == offices[1]).first()
        mine = db.session.query(ScApplication).filter(ScApplication.office_id == offices[0]).first()
        assert theirs is not None and mine is not None
        theirs_number, mine_number = theirs.number, mine.number
    page = probe.get("/scapplicationview/list/?psize_ScApplicationView=100").get_data(as_text=True)
    assert mine_number in page and theirs_number not in page
