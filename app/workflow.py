"""The one workflow mechanism: a module declares its states and steps next to its rules (app/services/<module>.py),
and the same declaration drives the show page's steps panel, the step forms, the REST API
(`/api/v1/<resource>/<pk>/transitions`), the permissions and the OpenAPI.

    WORKFLOW = workflow.Workflow(
        "land_queue", LandApplication,
        states=[workflow.State("queue", _l("In queue"), "info"), ...],
        transitions=[
            workflow.Transition(
                "allocate", _l("Allocate a plot"), source=("queue",), target="allocated",
                fields=[workflow.Field("cadastral_number", "string", _l("Cadastral number"), required=True), ...],
                apply=lambda session, item, step: allocate(session, item, now=step.now, **step.data),
                done=_l("The plot is allocated.")),
        ],
        history=LandStatusChange)

A transition's `name` is stable: it is the URL (`/<view>/<name>/<pk>`, `/api/v1/<resource>/<pk>/transitions/
<name>`) and the permission `can_<name>` on the module's view (role templates grant it like any other). Taking a
step: the record is read inside the user's scope (404 and a `denied` audit outside), the permission is checked
(403), the state and the guard (a DomainError: 422 in the API, the message at its field on the form), then the
form's values are validated (the same WTForms form for the page and for the JSON body) and `apply` calls the
service; all in one transaction, committed once, audited as `transition` besides the flush hook's row changes.

Deadlines: a state may carry a `Deadline` in working days (app/workdays.py, the Kyrgyz calendar) counted from the
day the record entered it (its last history step), where the rules set one. Where a module's clocks depend on more
than the state (several at once, calendar or working days, counted from a date of the record), the workflow takes
`deadlines=(session, item) -> [Clock]` instead or as well: each clock has `clause`, `label`, `due` and
`counted_from`, and the panel and the API show each with its days left."""
import datetime
import json
from dataclasses import dataclass, field as dataclass_field
from typing import Callable

from flask_babel import lazy_gettext as _l

from app.errors import DomainError
from models.workflow import StatusHistory, history_fields  # noqa: F401  (re-exported: one import for modules)

#: every declared workflow by key (the class-wide tests walk it; views and APIs find theirs by model)
REGISTRY = {}
#: bootstrap label classes a state may use as its colour
COLOURS = ("default", "primary", "success", "info", "warning", "danger")
#: first URL segments a step name cannot take (FAB's and our own routes of a model view)
RESERVED = {"list", "show", "add", "edit", "delete", "print", "export", "import", "action", "action_post", "api",
            "download", "lookup", "transitions"}


@dataclass(frozen=True)
class Deadline:
    """A state's time limit in working days (an int, or `(session, item) -> int` for a policy parameter)."""

    working_days: object
    label: object = None


@dataclass(frozen=True)
class Clock:
    """One of a module's own clocks on a record (`Workflow(deadlines=)`): which clause sets it, what it is, the day
    it starts and the last day, and what it is counted from (shown as the explanation)."""

    clause: str
    label: object
    start: datetime.date
    due: datetime.date
    counted_from: object

    def days_left(self, today):
        return (self.due - today).days  # negative: overdue by

    def overdue(self, today):
        return today > self.due


@dataclass(frozen=True)
class State:
    name: str
    label: object  # lazy translated
    colour: str = "default"
    deadline: Deadline = None
    final: bool = False  # no step leads out of it (shown as such; the declaration checks it)


@dataclass(frozen=True)
class Field:
    """A field of a step's form: the page renders it, the API lists it (`GET …/transitions`) and accepts it in the
    JSON body; one validation serves both (WTForms, built by `form_class`).

    type: string, text, integer, decimal, date, choice, multichoice (several codes: a list in JSON, check boxes on
    the page), boolean. `choices`: a mapping or a callable returning (code, label) pairs (a classifier is read per
    request); `options(session, item)`: choices that depend on the record (the documents of its service)."""

    name: str
    type: str
    label: object
    required: bool = False
    max_length: int = None
    choices: object = None
    description: object = None
    default: Callable = None
    #: (session, item) -> the value the step page shows first (e.g. the refusal ground the rules suggest)
    initial: Callable = None
    #: (session, item) -> (code, label) pairs: choices of this record (overrides `choices` when the record is known)
    options: Callable = None

    def choice_pairs(self, session=None, item=None):
        if self.options is not None and item is not None:
            return list(self.options(session, item))
        source = self.choices() if callable(self.choices) else self.choices
        if source is None:
            return []
        return list(source.items()) if hasattr(source, "items") else list(source)


@dataclass
class Step:
    """What `apply` receives besides the session and the record: the validated values, who and when."""

    transition: "Transition"
    data: dict
    actor: object  # the user (None: the system)
    now: datetime.datetime

    @property
    def actor_id(self):
        return getattr(self.actor, "id", None)


@dataclass
class Transition:
    """A step from one of the `source` states to `target` (None: a step inside the state, e.g. a reassignment). `apply(session, item, step)` calls the service (which
    checks its own rules and writes the history); `guard(session, item)` raises a DomainError when the step is not
    possible now beyond the state (e.g. no assessment yet), so it is not offered; `who(user, item)` narrows who may
    take it beyond the permission `can_<name>`; `system=True` steps are taken by periodic duties only."""

    name: str
    label: object
    source: tuple
    target: str | None
    apply: Callable
    fields: list = dataclass_field(default_factory=list)
    guard: Callable = None
    who: Callable = None
    done: object = None  # the flash message after the step
    confirm: object = None  # a question shown above a form without fields
    style: str = "primary"  # the button's bootstrap class
    icon: str = None
    system: bool = False
    #: (session, item) -> [text]: warnings the step page shows above the form (e.g. what still depends on it)
    notes: Callable = None

    @property
    def permission(self):
        return f"can_{self.name}"


class Workflow:
    def __init__(self, key, model, states, transitions, history=None, state_attr="status", deadlines=None):
        self.key, self.model, self.state_attr, self.history = key, model, state_attr, history
        self.clocks = deadlines
        self.states = {s.name: s for s in states}
        self.transitions = {t.name: t for t in transitions}
        for s in states:
            if s.colour not in COLOURS:
                raise ValueError(f"{key}: state {s.name} has an unknown colour {s.colour}")
        for t in transitions:
            named = [*t.source, *([t.target] if t.target is not None else [])]
            unknown = [s for s in named if s not in self.states]
            if unknown:
                raise ValueError(f"{key}: transition {t.name} names unknown states {unknown}")
            if t.name in RESERVED or not t.name.isidentifier():
                raise ValueError(f"{key}: {t.name!r} cannot name a transition (it is a route of every view)")
            if any(self.states[s].final for s in t.source):
                raise ValueError(f"{key}: transition {t.name} leaves a final state")
        REGISTRY[key] = self

    def __repr__(self):
        return f"Workflow({self.key})"

    # --- reading ------------------------------------------------------------------------------------------
    def state_of(self, item):
        return getattr(item, self.state_attr)

    def state_label(self, name):
        state = self.states.get(name)
        return state.label if state is not None else (name or "")

    def user_transitions(self):
        return [t for t in self.transitions.values() if not t.system]

    def step_to(self, item, target):
        """The user step that leads from the record's state to `target` (a seed or an import replaying a history),
        or None."""
        state = self.state_of(item)
        return next((t for t in self.user_transitions() if state in t.source and t.target == target), None)

    def permissions(self):
        return [t.permission for t in self.user_transitions()]

    def refusal(self, session, item, transition):
        """The DomainError that stops `transition` on `item` now (state, then guard), or None."""
        if self.state_of(item) not in transition.source:
            return DomainError(_l("The step “%(step)s” is not possible in the status “%(status)s”.",
                                  step=transition.label, status=self.state_label(self.state_of(item))),
                               field=self.state_attr, code="bad_transition")
        if transition.guard is not None:
            try:
                with session.no_autoflush:
                    transition.guard(session, item)
            except DomainError as exc:
                return exc
        return None

    def available(self, session, item, may=lambda transition: True):
        """The user steps the record's state and guards allow now and `may(transition)` permits."""
        return [t for t in self.user_transitions()
                if may(t) and self.refusal(session, item, t) is None]

    def entered_on(self, session, item):
        """The local day the record entered its current state (its last history step), or None."""
        from app import clock

        if self.history is None:
            return None
        steps = getattr(item, "history", None)
        parent = self.history.__history_parent__
        if steps is None:
            from sqlalchemy import select

            steps = session.scalars(select(self.history).where(getattr(self.history, parent) == item)
                                    .order_by(self.history.id)).all()
        last = next((s for s in reversed(list(steps)) if s.to_status == self.state_of(item)), None)
        return clock.local_today(last.at) if last is not None else None

    def due_on(self, session, item):
        """The last day of the current state's deadline (working days from the day it was entered), or None."""
        from app.workdays import add_working_days

        state = self.states.get(self.state_of(item))
        if state is None or state.deadline is None:
            return None
        start = self.entered_on(session, item)
        if start is None:
            return None
        days = state.deadline.working_days
        days = days(session, item) if callable(days) else days
        return add_working_days(start, int(days))

    def running_clocks(self, session, item, today=None):
        """The module's own clocks running on the record (`deadlines=`), each as a dict with its clause, label,
        due day, what it is counted from, the days left (negative: overdue by) and whether it is overdue."""
        from app.clock import local_today

        if self.clocks is None:
            return []
        today = today or local_today()
        return [{"clause": c.clause, "label": c.label, "start": c.start, "due": c.due,
                 "counted_from": c.counted_from, "days_left": c.days_left(today), "overdue": c.overdue(today)}
                for c in self.clocks(session, item)]

    # --- taking a step ------------------------------------------------------------------------------------
    def take(self, session, item, name, data=None, actor=None, now=None):
        """Run the step `name` on `item` (state, guard, then the service through `apply`) and flush; the caller
        commits (or rolls back on a DomainError). Records one `transition` audit event."""
        from app import audit, clock

        transition = self.transitions[name]
        refusal = self.refusal(session, item, transition)
        if refusal is not None:
            raise refusal
        before = self.state_of(item)
        step = Step(transition, dict(data or {}), actor, now or clock.now())
        transition.apply(session, item, step)
        session.flush()
        audit.record(session, "transition", audit.object_type_of(item), getattr(item, "id", None),
                     {"workflow": self.key, "step": name, "from": before, "to": self.state_of(item)})
        return item


def for_model(model):
    return next((w for w in REGISTRY.values() if w.model is model), None)


# --- forms: one WTForms class per step, for the page and for the JSON body ----------------------------------------
def form_class(transition, session=None, item=None):
    """The step's form (FAB's DynamicForm, so it carries the CSRF token on the page); cached on the transition
    unless a field's choices depend on the record (`Field.options`)."""
    per_item = any(f.options is not None for f in transition.fields)
    cached = getattr(transition, "_form_class", None)
    if cached is not None and not per_item:
        return cached
    from flask_appbuilder.fieldwidgets import BS3TextAreaFieldWidget, BS3TextFieldWidget, DatePickerWidget, \
        Select2Widget
    from flask_appbuilder.forms import DynamicForm
    from wtforms import BooleanField, DateField, DecimalField, IntegerField, SelectField, SelectMultipleField, \
        StringField, TextAreaField
    from wtforms.widgets import CheckboxInput, ListWidget
    from wtforms.validators import DataRequired, InputRequired, Length, Optional

    attrs = {}
    for f in transition.fields:
        validators = [DataRequired() if f.type not in ("boolean", "integer", "decimal") else InputRequired()] \
            if f.required else [Optional()]
        if f.max_length:
            validators.append(Length(max=f.max_length))
        kw = dict(description=f.description or "", default=f.default)  # FAB prints a None description
        if f.type == "string":
            attrs[f.name] = StringField(f.label, validators, widget=BS3TextFieldWidget(), **kw)
        elif f.type == "text":
            attrs[f.name] = TextAreaField(f.label, validators, widget=BS3TextAreaFieldWidget(), **kw)
        elif f.type == "integer":
            attrs[f.name] = IntegerField(f.label, validators, widget=BS3TextFieldWidget(), **kw)
        elif f.type == "decimal":
            attrs[f.name] = DecimalField(f.label, validators, places=2, widget=BS3TextFieldWidget(), **kw)
        elif f.type == "date":
            attrs[f.name] = DateField(f.label, validators, widget=DatePickerWidget(), **kw)
        elif f.type == "choice":
            choices = (lambda f=f: f.choice_pairs(session, item)) if per_item else f.choice_pairs
            attrs[f.name] = SelectField(f.label, validators, choices=choices, widget=Select2Widget(), **kw)
        elif f.type == "multichoice":
            attrs[f.name] = SelectMultipleField(f.label, validators, choices=lambda f=f: f.choice_pairs(session, item),
                                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                                **kw)
        elif f.type == "boolean":
            attrs[f.name] = BooleanField(f.label, [Optional()], **kw)
        else:
            raise ValueError(f"unknown field type {f.type}")
    cls = type(f"{transition.name.title().replace('_', '')}StepForm", (DynamicForm,), attrs)
    if not per_item:
        transition._form_class = cls
    return cls


def form_values(form):
    return {name: fld.data for name, fld in form._fields.items() if name != "csrf_token"}


def json_form(transition, body, session=None, item=None):
    """The step's form filled from a JSON body as a browser would post it (so dates, numbers and choices are
    parsed and validated by the same fields), without the page's CSRF field (the API checks its own token)."""
    from werkzeug.datastructures import MultiDict

    pairs = []
    for f in transition.fields:
        if f.name not in body or body[f.name] is None:
            continue
        value = body[f.name]
        if f.type == "multichoice":
            values = value if isinstance(value, list) else [value]
            pairs.extend((f.name, v if isinstance(v, str) else str(v)) for v in values)
        elif f.type == "boolean":
            if value is True or str(value).lower() in ("true", "1", "y", "yes"):
                pairs.append((f.name, "y"))
        else:
            pairs.append((f.name, value if isinstance(value, str) else str(value)))
    return form_class(transition, session, item)(formdata=MultiDict(pairs), meta={"csrf": False})


JSON_TYPES = {"string": "string", "text": "string", "integer": "integer", "decimal": "number", "date": "string",
              "choice": "string", "multichoice": "array", "boolean": "boolean"}


def describe(transition, workflow, session=None, item=None):
    """A step as the API lists it: name, label, target state (the record's own for a step inside its state) and
    the form's fields with the choices of this record."""
    target = transition.target if transition.target is not None else (
        workflow.state_of(item) if item is not None else None)
    return {"name": transition.name, "label": str(transition.label), "to": target,
            "to_label": str(workflow.state_label(target)) if target else "",
            "fields": [{"name": f.name, "type": f.type, "required": f.required, "label": str(f.label),
                        "description": str(f.description or ""), "max_length": f.max_length,
                        "choices": [{"value": c, "label": str(lbl)} for c, lbl in f.choice_pairs(session, item)]
                        if f.type in ("choice", "multichoice") else None}
                       for f in transition.fields]}


def body_schema(transition):
    """The OpenAPI schema of a step's JSON body."""
    properties = {}
    for f in transition.fields:
        prop = {"type": JSON_TYPES[f.type], "description": str(f.label)}
        if f.type == "date":
            prop["format"] = "date"
        if f.max_length:
            prop["maxLength"] = f.max_length
        if f.type == "multichoice":
            prop["items"] = {"type": "string"}
        if f.type == "choice" and f.options is None:
            try:
                prop["enum"] = [c for c, _ in f.choice_pairs()]
            except Exception:  # a classifier read outside a request: listed by GET …/transitions instead
                pass
        properties[f.name] = prop
    schema = {"type": "object", "properties": properties}
    required = [f.name for f in transition.fields if f.required]
    if required:
        schema["required"] = required
    return schema


# --- the UI: steps panel on the show page, one page per step ------------------------------------------------------
class WorkflowViewMixin:
    """For a SanaripModelView with `workflow = <Workflow>`: the steps panel on the show page
    (`sanarip/_workflow_steps.html`, included by `sanarip/show.html`), the step page `/<name>/<pk>`
    (`sanarip/workflow_step.html`) and the permissions `can_<name>` added to `base_permissions`."""

    workflow = None
    step_template = "sanarip/workflow_step.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.workflow is not None:  # FAB has set base_permissions (declared, or from the methods) by now
            self.base_permissions = list(dict.fromkeys([*(self.base_permissions or ()),
                                                        *self.workflow.permissions()]))

    def may_take(self, transition, item=None):
        if transition.system or transition.permission not in self.base_permissions:
            return False
        if not self.appbuilder.sm.has_access(transition.permission, self.class_permission_name):
            return False
        if transition.who is not None and item is not None:
            from flask import g

            return bool(transition.who(getattr(g, "user", None), item))
        return True

    def workflow_steps(self, pk):
        """(transition, url) of the steps the user may take now on the record (for the panel)."""
        from flask import url_for

        item = self.datamodel.get(pk, self._base_filters)
        if item is None or self.workflow is None:
            return []
        session = self.datamodel.session
        return [(t, url_for(f"{self.endpoint}.workflow_step", name=t.name, pk=pk))
                for t in self.workflow.available(session, item, lambda t: self.may_take(t, item))]

    def workflow_panel(self, pk):
        """What the panel shows: the state (label, colour), its deadline and the steps."""
        item = self.datamodel.get(pk, self._base_filters)
        if item is None or self.workflow is None:
            return None
        state = self.workflow.states.get(self.workflow.state_of(item))
        due = self.workflow.due_on(self.datamodel.session, item)
        from app.clock import local_today

        return {"state": state, "due_on": due, "overdue": due is not None and due < local_today(),
                "clocks": self.workflow.running_clocks(self.datamodel.session, item),
                "steps": self.workflow_steps(pk)}

    def _step_page(self, name, pk):
        from flask import abort, flash, g, redirect, request, url_for
        from flask_appbuilder.const import FLAMSG_ERR_SEC_ACCESS_DENIED
        from flask_login import current_user

        from views.base import show_refusal

        transition = self.workflow.transitions.get(name) if self.workflow is not None else None
        if transition is None or transition.system:
            abort(404)
        if not self.may_take(transition):
            if current_user.is_authenticated and current_user.is_active:
                abort(403)
            flash(str(FLAMSG_ERR_SEC_ACCESS_DENIED), "danger")
            return redirect(url_for(self.appbuilder.sm.auth_view.__class__.__name__ + ".login", next=request.url))
        session = self.datamodel.session
        item = self.scoped_get(pk)
        if item is None:
            abort(404)
        if transition.who is not None and not transition.who(g.user, item):
            abort(403)
        form = form_class(transition, session, item)()
        if request.method == "GET":
            for f in transition.fields:
                if f.initial is not None:
                    form[f.name].data = f.initial(session, item)
        refusal = self.workflow.refusal(session, item, transition)
        if refusal is not None:
            flash(str(refusal), "danger")
            return redirect(url_for(".show", pk=pk))
        if request.method == "POST" and form.validate_on_submit():
            try:
                self.workflow.take(session, item, name, form_values(form), g.user)
            except Exception as exc:
                show_refusal(form, self._refusal(exc))
            else:
                session.commit()
                flash(str(transition.done or _l("Done.")), "success")
                return redirect(url_for(".show", pk=pk))
        item = self.scoped_get(pk)
        from flask_babel import gettext

        notes = [str(n) for n in transition.notes(session, item)] if transition.notes is not None else []
        return self.render_template(self.step_template, form=form, item=item, transition=transition,
                                    workflow=self.workflow, notes=notes,
                                    title=gettext("%(entity)s: %(action)s", entity=self.entity,
                                                  action=transition.label),
                                    appbuilder=self.appbuilder)


def install_view_route(cls):
    """Attach the step route to a view class (FAB collects routes from methods carrying `_urls`)."""
    from flask_appbuilder import expose

    @expose("/<string:name>/<int:pk>", methods=["GET", "POST"])
    def workflow_step(self, name, pk):
        return self._step_page(name, pk)

    cls.workflow_step = workflow_step
    return cls


install_view_route(WorkflowViewMixin)


#: the response of both endpoints, added once to the OpenAPI components
STEPS_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "state": {"type": "string"}, "state_label": {"type": "string"},
        "due_on": {"type": "string", "format": "date", "nullable": True},
        "deadlines": {"type": "array", "items": {"type": "object", "properties": {
            "clause": {"type": "string"}, "label": {"type": "string"},
            "start": {"type": "string", "format": "date"}, "due": {"type": "string", "format": "date"},
            "counted_from": {"type": "string"}, "days_left": {"type": "integer"}, "overdue": {"type": "boolean"}}}},
        "transitions": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "label": {"type": "string"}, "to": {"type": "string"},
            "to_label": {"type": "string"},
            "fields": {"type": "array", "items": {"type": "object", "properties": {
                "name": {"type": "string"}, "type": {"type": "string"}, "required": {"type": "boolean"},
                "label": {"type": "string"}, "description": {"type": "string"},
                "max_length": {"type": "integer", "nullable": True},
                "choices": {"type": "array", "nullable": True, "items": {"type": "object", "properties": {
                    "value": {"type": "string"}, "label": {"type": "string"}}}}}}}}}},
    },
}


# --- the REST API: GET …/<pk>/transitions, POST …/<pk>/transitions/<name> ---------------------------------------
class WorkflowApiMixin:
    """For a SanaripModelRestApi whose `ui_view` (or `workflow_view`) has a workflow. Reading the steps needs the API's `can_get`
    (it reads the record); taking one needs the step's permission on the UI view, the same grant as the page."""

    #: the UI view whose workflow and permissions the API uses, when it is not `ui_view` (a read-only API whose
    #: POST/PUT columns do not follow a form)
    workflow_view = None

    @classmethod
    def step_view(cls):
        return cls.workflow_view or cls.ui_view

    @property
    def workflow(self):
        return getattr(self.step_view(), "workflow", None)

    def _view_permission_name(self):
        view = self.step_view()
        return getattr(view, "class_permission_name", None) or view.__name__

    def _may_take(self, transition, item=None):
        from flask import g

        sm = self.appbuilder.sm
        if transition.system:  # the view declares can_<name> of every user step (WorkflowViewMixin.__init__)
            return False
        if not sm.has_access(transition.permission, self._view_permission_name()):
            return False
        return transition.who is None or item is None or bool(transition.who(getattr(g, "user", None), item))

    def _steps_body(self, item):
        session = self.datamodel.session
        steps = self.workflow.available(session, item, lambda t: self._may_take(t, item))
        return {"id": item.id, "state": self.workflow.state_of(item),
                "state_label": str(self.workflow.state_label(self.workflow.state_of(item))),
                "due_on": (lambda d: d.isoformat() if d else None)(self.workflow.due_on(session, item)),
                "deadlines": [{**c, "label": str(c["label"]), "counted_from": str(c["counted_from"]),
                               "start": c["start"].isoformat(), "due": c["due"].isoformat()}
                              for c in self.workflow.running_clocks(session, item)],
                "transitions": [describe(t, self.workflow, session, item) for t in steps]}

    def _list_transitions(self, pk):
        if self.workflow is None:
            return self.response_404()
        item = self.scoped_get(pk)
        if item is None:
            return self.response_404()
        return self.response(200, **self._steps_body(item))

    def _take_transition(self, pk, name):
        from flask import g, request

        from views.base import database_refusal

        workflow = self.workflow
        transition = workflow.transitions.get(name) if workflow is not None else None
        if transition is None or transition.system:
            return self.response_404()
        if not self._may_take(transition):
            return self.response_403()
        session = self.datamodel.session
        item = self.scoped_get(pk)
        if item is None:
            return self.response_404()
        if not self._may_take(transition, item):
            return self.response_403()
        body = request.get_json(silent=True) if request.data else {}
        if not isinstance(body, dict):
            return self.response_400(message=str(_l("The body must be a JSON object.")))
        unknown = sorted(set(body) - {f.name for f in transition.fields})
        if unknown:
            return self.response_422(message={k: [str(_l("Unknown field."))] for k in unknown})
        refusal = workflow.refusal(session, item, transition)
        if refusal is not None:
            return self._refused(refusal)
        form = json_form(transition, body, session, item)
        if not form.validate():
            return self.response_422(message={k: [str(e) for e in v] for k, v in form.errors.items()})
        try:
            workflow.take(session, item, name, form_values(form), g.user)
        except Exception as exc:
            session.rollback()
            refusal = exc if isinstance(exc, DomainError) else database_refusal(exc)
            if refusal is None:
                raise
            return self._refused(refusal)
        session.commit()
        item = self.datamodel.session.get(self.datamodel.obj, item.id)
        response = self.response(200, **self._steps_body(item))
        if getattr(item, "version", None) is not None:
            response.headers["ETag"] = f'"{item.version}"'
        return response

    def add_apispec_components(self, api_spec):
        super().add_apispec_components(api_spec)
        if "WorkflowSteps" not in api_spec.components.schemas:
            api_spec.components.schema("WorkflowSteps", STEPS_SCHEMA)
        if self.workflow is None:
            return
        for t in self.workflow.user_transitions():
            name = f"{self.__class__.__name__}.transition.{t.name}"
            if name not in api_spec.components.schemas:
                api_spec.components.schema(name, body_schema(t))

    def add_api_spec(self, api_spec):
        """The generic POST path is replaced by one path per step, each with its own body schema."""
        super().add_api_spec(api_spec)
        generic = f"{self.route_base}/{{pk}}/transitions/{{name}}"
        template = api_spec._paths.pop(generic, None)
        if self.workflow is None:
            api_spec._paths.pop(f"{self.route_base}/{{pk}}/transitions", None)
            return
        if template is None:
            return
        for t in self.workflow.user_transitions():
            operation = json.loads(json.dumps(template["post"]))
            operation["parameters"] = [p for p in operation.get("parameters", []) if p.get("name") != "name"]
            operation["summary"] = f"{t.name}: {t.label}"
            operation["operationId"] = f"{self.__class__.__name__}_transition_{t.name}"
            operation["requestBody"] = {"required": False, "content": {"application/json": {"schema": {
                "$ref": f"#/components/schemas/{self.__class__.__name__}.transition.{t.name}"}}}}
            api_spec._paths[f"{self.route_base}/{{pk}}/transitions/{t.name}"] = {"post": operation}


def install_api_routes(cls):
    from flask_appbuilder.api import expose, safe
    from flask_appbuilder.security.decorators import permission_name, protect

    @expose("/<int:pk>/transitions", methods=["GET"])
    @protect()
    @safe
    @permission_name("get")
    def transitions(self, pk):
        """The steps the current user may take now on the record, with their form fields.
        ---
        get:
          summary: Workflow steps available now
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          responses:
            200:
              description: The record's state and the steps the user may take now
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/WorkflowSteps'
            401:
              $ref: '#/components/responses/401'
            403:
              $ref: '#/components/responses/403'
            404:
              $ref: '#/components/responses/404'
        """
        return self._list_transitions(pk)

    @expose("/<int:pk>/transitions/<string:name>", methods=["POST"])
    @protect()
    @safe
    @permission_name("get")
    def take_transition(self, pk, name):
        """Take a workflow step: the body holds the step's fields (see GET …/transitions).
        ---
        post:
          summary: Take a workflow step
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          - in: path
            schema:
              type: string
            name: name
          responses:
            200:
              description: The step is taken; the record's new state and the next steps
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/WorkflowSteps'
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            403:
              $ref: '#/components/responses/403'
            404:
              $ref: '#/components/responses/404'
            422:
              $ref: '#/components/responses/422'
        """
        return self._take_transition(pk, name)

    cls.transitions = transitions
    cls.take_transition = take_transition
    return cls


install_api_routes(WorkflowApiMixin)
