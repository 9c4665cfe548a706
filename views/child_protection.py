"""AIS on children and families in difficult life situations: children (cases), families, relatives, assessments,
plans and activities, monitoring visits, case history, the overdue list, reasons and plan rules (classifiers)."""

from flask import abort, flash, g, redirect, url_for
from flask_appbuilder import expose
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext, lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import Optional

from app.reports import Column, Report, ReportView
from app.catalogue import dictionary
from app.errors import DomainError
from app.services import child_protection as service
from app.workflow import WorkflowApiMixin, WorkflowViewMixin
from models.child_protection import ACTIVITY_STATUSES, BODIES, DOMAINS, PLANS, STATUSES, CpActivity, CpAssessment, \
    CpChild, CpFamily, CpPlanRule, CpReason, CpRelative, CpTransition, CpVisit
from views.base import SanaripModelRestApi, SanaripModelView
from app.clock import local_today



def _flags(model, *columns):
    """Yes/no columns as optional check boxes (FAB makes a not-null Boolean required, so "no" could not be
    entered)."""
    return {c: BooleanField(dictionary.lazy_label(model, c), validators=[Optional()]) for c in columns}


# --- related views ------------------------------------------------------------------------------------------------
class CpTransitionView(SanaripModelView):
    """Who moved a case from which status to which, when and why (written by the services only)."""

    datamodel = SQLAInterface(CpTransition)
    entity = _l("Case status change")
    label_columns = {"created_by": _l("By")}
    choice_columns = {"from_status": STATUSES, "to_status": STATUSES}
    base_order = ("id", "desc")
    base_permissions = ["can_list", "can_show"]


class CpRelativeView(SanaripModelView):
    datamodel = SQLAInterface(CpRelative)
    entity = _l("Parent or close relative")
    entity_plural = _l("Parents and close relatives")
    base_order = ("id", "asc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_delete", "can_export"]

    def __init__(self, *args, **kwargs):
        self.add_form_extra_fields = _flags(CpRelative, "present")
        self.edit_form_extra_fields = _flags(CpRelative, "present")
        super().__init__(*args, **kwargs)

    def on_add(self, item):
        service.add_relative(self.datamodel.session, item)

    def on_update(self, item):
        service.check_relative(self.datamodel.session, item)


_DOMAIN_FIELDS = [f"{d}_{part}" for d in DOMAINS for part in ("risk", "note")]


class CpAssessmentView(SanaripModelView):
    """The comprehensive assessment: a risk level and findings per domain."""

    datamodel = SQLAInterface(CpAssessment)
    entity = _l("Comprehensive assessment")
    entity_plural = _l("Comprehensive assessments")
    show_fieldsets = [(_l("Assessment"), {"fields": ["child", "assessed_on"]}),
                      *[(label, {"fields": [f"{d}_risk", f"{d}_note"]}) for d, label in DOMAINS.items()],
                      (_l("Record"), {"fields": ["created_by", "created_on", "changed_by", "changed_on"],
                                      "expanded": False})]
    base_order = ("assessed_on", "desc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export"]

    def on_add(self, item):
        service.record_assessment(self.datamodel.session, item)


class CpActivityView(SanaripModelView):
    datamodel = SQLAInterface(CpActivity)
    choice_columns = {"status": ACTIVITY_STATUSES}
    base_order = ("deadline", "asc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_delete", "can_export"]

    def on_add(self, item):
        service.check_activity(self.datamodel.session, item)

    def on_update(self, item):
        service.check_activity(self.datamodel.session, item, edited=True)


class CpVisitView(SanaripModelView):
    datamodel = SQLAInterface(CpVisit)
    base_order = ("visited_on", "desc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export"]

    def on_add(self, item):
        service.record_visit(self.datamodel.session, item)


# --- children (cases) -----------------------------------------------------------------------------------------------
class CpChildView(WorkflowViewMixin, SanaripModelView):
    """The child's case: its steps are the workflow's (service.WORKFLOW), shown on the show page with the plan's
    generation."""

    workflow = service.WORKFLOW
    datamodel = SQLAInterface(CpChild)
    show_fieldsets = [
        (_l("Child"), {"fields": ["last_name", "first_name", "patronymic", "sex", "birth_date", "pin",
                                  "pin_unknown", "legal_status"]}),
        (_l("Identification"), {"fields": ["identified_on", "territory", "identification_address",
                                           "residence_address", "family", "reasons", "status",
                                           "suspension_ground", "suspension_requested_at",
                                           "suspension_requested_by", "info_received_on"]}),
        (_l("Circumstances"), {"fields": ["disability", "survivor_pension", "monthly_benefit", "fixed_housing",
                                          "property_inventory", "migrant_parents", "other_needs"]}),
        (_l("Record"), {"fields": ["anonymised_on", "created_by", "created_on", "changed_by", "changed_on"],
                        "expanded": False}),
    ]
    choice_columns = {"status": STATUSES}
    add_form_query_rel_fields = {"reasons": [["active", FilterEqual, True]]}
    related_views = [CpRelativeView, CpAssessmentView, CpActivityView, CpVisitView, CpTransitionView]
    show_template = "child_protection/show.html"
    base_order = ("identified_on", "desc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export", "can_print",
                        "can_generate"]

    def __init__(self, *args, **kwargs):
        flags = ("disability", "survivor_pension", "monthly_benefit", "fixed_housing", "migrant_parents")
        self.add_form_extra_fields = _flags(CpChild, *flags)
        self.edit_form_extra_fields = _flags(CpChild, *flags)
        super().__init__(*args, **kwargs)

    def on_add(self, item):
        service.register_child(self.datamodel.session, item)

    def on_update(self, item):
        service.change_child(self.datamodel.session, item)

    def earlier_cases(self, child):
        return service.earlier_cases(self.datamodel.session, child)

    def prefill_form(self, form, pk):
        """Every change says anew when its information came (cl. 20): the date starts empty."""
        form.info_received_on.data = None

    @expose("/generate/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("generate")
    def generate(self, pk):
        """Generate (or complete) the child's plan and the family work plan from the rules."""
        session = self.datamodel.session
        item = self.scoped_get(pk)
        if item is None:
            abort(404)
        try:
            added = service.generate_plan(session, item)
        except DomainError as exc:
            session.rollback()
            flash(str(exc), "danger")
        else:
            session.commit()
            flash(gettext("%(count)s activities added to the plans.", count=len(added)), "success")
        return redirect(url_for(".show", pk=pk))

    def render_template(self, template, **kwargs):
        if template == self.show_template and "pk" in kwargs:
            kwargs.setdefault("child", self.datamodel.get(kwargs["pk"], self._base_filters))
        return super().render_template(template, **kwargs)


class CpFamilyView(SanaripModelView):
    datamodel = SQLAInterface(CpFamily)
    related_views = [CpChildView]
    show_template = "child_protection/family_show.html"
    base_order = ("name", "asc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export", "can_print"]

    @expose("/workplan/<int:pk>")
    @has_access
    @permission_name("print")
    def workplan(self, pk):
        """The family work plan on its own (Regulation No. 156, cl. 21): the family-plan activities of every child
        of the family inside the user's scope, with the print date; audited as a print."""
        from flask import Response
        from flask_babel import format_datetime

        from app import audit, clock
        from app.pdf import render_pdf
        from app.transaction import transaction

        family = self.scoped_get(pk)
        if family is None:
            abort(404)
        rows = service.family_work_plan(self.datamodel.session, family)
        view = next(v for v in self.appbuilder.baseviews if isinstance(v, CpActivityView))
        columns = ["deadline", "title_shown", "responsible", "status", "child"]
        table = [[_text(view, c, getattr(a, c)) for c in columns] for a in rows]
        now = clock.now()
        data = render_pdf("pdf/record.html", title=gettext("Family work plan: %(family)s", family=family.name),
                          sections=[("", [(str(self.label_columns.get("address", "address")), family.address or ""),
                                          (str(self.label_columns.get("territory", "territory")),
                                           family.territory.name if family.territory else "")])],
                          tables=[(str(PLANS["family"]), [str(view.label_columns.get(c, c)) for c in columns],
                                   table)],
                          printed_on=format_datetime(now, "short"), printed_by=g.user.username)
        with transaction(self.datamodel.session):
            audit.record(self.datamodel.session, "pdf", audit.object_type_of(family), pk,
                         {"document": "family_work_plan", "printed_on": now.isoformat(timespec="seconds")})
        return Response(data, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="family-work-plan-{pk}.pdf"', "Cache-Control": "no-store"})


def _text(view, column, value):
    formatter = view.formatters_columns.get(column)
    value = formatter(value) if formatter else value
    return "" if value is None else value


class CpChildApi(WorkflowApiMixin, SanaripModelRestApi):
    resource_name = "child_protection_child"
    datamodel = SQLAInterface(CpChild)
    ui_view = CpChildView
    list_columns = ["id", "territory_id", "last_name", "first_name", "patronymic", "sex", "birth_date", "pin",
                    "pin_unknown", "identified_on", "status", "disability", "migrant_parents", "legal_status"]
    show_columns = list_columns + ["identification_address", "residence_address", "survivor_pension",
                                   "monthly_benefit", "fixed_housing", "other_needs"]
    add_columns = ["territory", "identified_on", "last_name", "first_name", "patronymic", "sex", "birth_date",
                   "pin", "legal_status", "disability", "migrant_parents"]
    edit_columns = [*add_columns[2:], "info_received_on"]
    base_permissions = ["can_get", "can_post", "can_put", "can_info"]

    on_add = CpChildView.on_add
    on_update = CpChildView.on_update


# --- classifiers ----------------------------------------------------------------------------------------------------
class CpReasonView(SanaripModelView):
    """Reasons for the difficult life situation (editable classifier)."""

    datamodel = SQLAInterface(CpReason)
    base_order = ("code", "asc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export"]

    def __init__(self, *args, **kwargs):
        self.add_form_extra_fields = _flags(CpReason, "active")
        self.edit_form_extra_fields = _flags(CpReason, "active")
        super().__init__(*args, **kwargs)


class CpPlanRuleView(SanaripModelView):
    """Rules that generate the plans' activities: condition (field, operator, value; a second test optional),
    the activity (its name in three languages), the responsible body and the deadline in working days."""

    datamodel = SQLAInterface(CpPlanRule)
    entity_plural = _l("Plan rules")
    base_order = ("code", "asc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_delete", "can_export"]

    def __init__(self, *args, **kwargs):
        self.add_form_extra_fields = _flags(CpPlanRule, "active")
        self.edit_form_extra_fields = _flags(CpPlanRule, "active")
        super().__init__(*args, **kwargs)

    def on_add(self, item):
        service.check_rule(self.datamodel.session, item)

    def on_update(self, item):
        service.check_rule(self.datamodel.session, item)


def _overdue(session, scope, args):
    return service.overdue_query(scope, local_today())


def _coded(codes, key):
    return lambda row: str(codes.get(getattr(row, key), getattr(row, key)))


def _activity_column(key, *value, **options):
    return Column(key, dictionary.lazy_label(CpActivity, key), *value, **options)


OVERDUE = Report(
    key="overdue", title=_l("Overdue activities"), model=CpActivity, query=_overdue,
    description=_l("Activities of the plans whose deadline has passed and that are neither done nor cancelled, "
                   "oldest deadline first."),
    columns=[_activity_column("deadline"),
             _activity_column("title", link=("CpActivityView", lambda a: a.id)),
             _activity_column("plan", _coded(PLANS, "plan")),
             _activity_column("responsible", _coded(BODIES, "responsible")),
             _activity_column("status", _coded(ACTIVITY_STATUSES, "status")),
             _activity_column("child", lambda a: a.child.full_name, link=("CpChildView", lambda a: a.child_id))],
    total_label=_l("Activities"))


class CpOverdueView(ReportView):
    """The overdue list inside the user's scope (app/reports.py)."""

    route_base = "/cpoverdue"
    report = OVERDUE
