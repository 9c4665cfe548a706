"""The workflow mechanism (app/workflow.py), for every declared workflow: the API lists what the page offers, a step
without its permission is 403, a record of another territory 404 (audited `denied`), a refused guard 422 with a
translated message and its field, an unknown step 404, a bad body 400/422, a taken step is in the history and the
audit; the OpenAPI documents every step."""
import contextlib
import re

from tests.conftest import Browser, audit_events


@contextlib.contextmanager
def _data(app):
    from app.extensions import db

    with app.app_context():
        yield db
        db.session.rollback()


def _workflows(app):
    """(workflow, UI view, API) of every declared workflow whose module is on."""
    from app import workflow

    out = []
    for wf in workflow.REGISTRY.values():
        view = next((v for v in app.appbuilder.baseviews if getattr(v, "workflow", None) is wf
                     and not hasattr(v, "ui_view")), None)
        api = next((v for v in app.appbuilder.baseviews if hasattr(v, "step_view")
                    and v.step_view() is type(view)), None) if view is not None else None
        if view is not None and api is not None:
            out.append((wf, view, api))
    return out


def test_every_workflow_has_a_view_and_an_api(app):
    from app import workflow

    assert workflow.REGISTRY, "no workflow declared"
    found = {wf.key for wf, _, _ in _workflows(app)}
    assert found == set(workflow.REGISTRY), set(workflow.REGISTRY) - found


def _scope_of(item):
    """(kind, id) of the scope a record lies in: its territory, or its organisation (the e-government register)."""
    if hasattr(item, "scope_territory_id"):
        return "territory", item.scope_territory_id()
    return "organisation", item.scope_organisation_id()


def _scope_user_fields(db, scope):
    from models.reference import Territory

    kind, value = scope
    if kind == "territory":
        return {"territory": db.session.get(Territory, value).code}
    return {"scope_organisation_id": value}


def _candidates(db, wf):
    """Records of the workflow's model with at least one user step possible now (state and guard), any user."""
    rows = db.session.query(wf.model).order_by(wf.model.id).all()
    return [(r, wf.available(db.session, r)) for r in rows if wf.available(db.session, r)]


def _role(app, name, permissions):
    """A role with exactly these (permission, view) pairs (created once per test session)."""
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.find_role(name) or sm.add_role(name)
        for perm, view in permissions:
            pv = sm.find_permission_view_menu(perm, view)
            assert pv is not None, (perm, view)
            sm.add_permission_role(role, pv)
    return name


def _user(app, make_user, wf, view, api, scope_fields, with_steps=True):
    perms = [("can_show", view.class_permission_name), ("can_list", view.class_permission_name),
             ("can_get", api.class_permission_name)]
    if with_steps:
        perms += [(p, view.class_permission_name) for p in wf.permissions()]
    role = _role(app, f"wf {wf.key} {'steps' if with_steps else 'read'}", perms)
    return make_user((role,), **scope_fields)


def _url(api, pk, name=None):
    base = f"{api.route_base}/{pk}/transitions"
    return base if name is None else f"{base}/{name}"


def test_every_workflow_api_lists_what_the_page_offers_and_refuses_like_the_page(app, make_user):
    """Walks every declared workflow (app.workflow.REGISTRY) with a territorial user."""
    if "egov_application" in {wf.key for wf, _, _ in _workflows(app)}:
        from tests.egov_rows import ensure_egov_rows

        ensure_egov_rows(app)  # until the register's demo data has applications of two organisations
    walked = [wf.key for wf, view, api in _workflows(app) if _walk(app, make_user, wf, view, api)]
    assert sorted(walked) == sorted(wf.key for wf, _, _ in _workflows(app))


def _walk(app, make_user, wf, view, api):
    key = wf.key
    with _data(app) as db:
        found = _candidates(db, wf)
        assert found, f"{key}: the demo data has no record with a step possible"
        item, steps = found[0]
        pk, scope = item.id, _scope_of(item)
        code = _scope_user_fields(db, scope)
        other = next((r.id for r, _ in found if _scope_of(r) != scope), None)
        assert other is not None, f"{key}: no record of another territory or organisation"
        names = sorted(t.name for t in steps)

    user = Browser(app.test_client())
    user.login(_user(app, make_user, wf, view, api, code))
    answer = user.get(_url(api, pk))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    listed = sorted(t["name"] for t in answer.get_json()["transitions"])
    page = user.get(f"/{view.route_base.strip('/')}/show/{pk}").get_data(as_text=True)
    shown = sorted(re.findall(r'id="step-([a-z_]+)"', page))
    assert listed == shown == names, key
    for name in names:  # each step's page reads well: no FAB "None" for a field without a help text
        step_page = user.get(f"/{view.route_base.strip('/')}/{name}/{pk}")
        assert step_page.status_code == 200 and not re.search(r">\s*None\s*<", step_page.get_data(as_text=True)), \
            (key, name)
    for t in answer.get_json()["transitions"]:
        for f in t["fields"]:
            assert {"name", "type", "required", "label", "choices"} <= set(f) and f["label"]
    # out of scope: 404 on both endpoints, audited as denied
    before = len(audit_events(app, action="denied"))
    assert user.get(_url(api, other)).status_code == 404
    assert user.api.post(_url(api, other, names[0]), json={}).status_code == 404
    assert len(audit_events(app, action="denied")) >= before + 2
    # unknown step
    assert user.api.post(_url(api, pk, "no_such_step"), json={}).status_code == 404
    # not a JSON object, unknown field
    assert user.api.post(_url(api, pk, names[0]), data="[1]", content_type="application/json").status_code == 400
    assert user.api.post(_url(api, pk, names[0]), json={"no_such_field": 1}).status_code == 422

    # without the step's permission: 403 (the list is empty)
    reader = Browser(app.test_client())
    reader.login(_user(app, make_user, wf, view, api, code, with_steps=False))
    assert reader.get(_url(api, pk)).get_json()["transitions"] == []
    for name in names:
        assert reader.api.post(_url(api, pk, name), json={}).status_code == 403
        assert reader.get(f"/{view.route_base.strip('/')}/{name}/{pk}").status_code == 403
    return True


def test_openapi_documents_every_step(app):
    b = Browser(app.test_client())
    b.login("admin")
    spec = b.get("/api/v1/_openapi").get_json()
    for wf, view, api in _workflows(app):
        assert f"{api.route_base}/{{pk}}/transitions" in spec["paths"]
        for t in wf.user_transitions():
            path = spec["paths"].get(f"{api.route_base}/{{pk}}/transitions/{t.name}")
            assert path is not None and "post" in path, (wf.key, t.name)
            ref = path["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
            assert set(schema["properties"]) == {f.name for f in t.fields}
        assert f"{api.route_base}/{{pk}}/transitions/{{name}}" not in spec["paths"]


# --- the land queue through the API: the same service, history and audit ----------------------------------------
def test_land_allocation_through_the_api(app, make_user):
    from app.clock import local_today
    from app.services import land_queue
    from models.land_queue import LandApplication
    from models.reference import Territory
    from tests.test_land_queue import _application

    with _data(app) as db:
        code = "41708203852000"
        territory = db.session.query(Territory).filter_by(code=code).one_or_none()
        if territory is None or territory.kind not in land_queue.LSG_UNIT_KINDS:
            code = "41708203809000"
        first = land_queue.register(db.session, _application(db, code))
        second = land_queue.register(db.session, _application(db, code))
        db.session.commit()
        first_id, second_id = first.id, second.id
    wf, view, api = next(t for t in _workflows(app) if t[0].key == "land_queue")
    clerk = Browser(app.test_client())
    clerk.login(make_user(("LSG clerk",), territory=code))
    plot = {"cadastral_number": "1-08-52-0001-0077", "plot_address": "Кара-Джыгач, 7", "area": 600,
            "decision_number": "77", "decision_date": local_today().isoformat()}
    # the guard of the rules: out of the queue's order without a reason, refused at the note, translated
    clerk.get("/lang/ru")
    answer = clerk.api.post(_url(api, second_id, "allocate"), json=plot)
    assert answer.status_code == 422 and answer.get_json()["field"] == "note"
    assert re.search("[а-яА-Я]", answer.get_json()["message"])
    # a field of the form refused by its validator: 422 with the field
    answer = clerk.api.post(_url(api, second_id, "allocate"), json={**plot, "area": "много"})
    assert answer.status_code == 422 and "area" in answer.get_json()["message"]
    answer = clerk.api.post(_url(api, first_id, "allocate"), json=plot)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json()["state"] == "allocated" and answer.get_json()["transitions"] == []
    with _data(app) as db:
        item = db.session.get(LandApplication, first_id)
        assert item.status == "allocated" and item.plot_cadastral_number == plot["cadastral_number"]
        assert [(h.from_status, h.to_status) for h in item.history] == [(None, "queue"), ("queue", "allocated")]
        assert item.history[-1].actor.username.startswith("u_") or item.history[-1].actor is not None
        assert db.session.get(LandApplication, second_id).position == 1  # the queue moved up
    events = [e for e in audit_events(app, action="transition") if e.object_id == str(first_id)]
    assert events and '"allocate"' in events[-1].changes
    # a step no longer possible: 422 (state), and the page refuses it too
    answer = clerk.api.post(_url(api, first_id, "remove"), json={"reason": "own_request",
                                                                 "removed_on": local_today().isoformat()})
    assert answer.status_code == 422 and answer.get_json()["field"] == "status"
