"""Land-plot queue: applications, family members, status history, priority categories, the REST API, the
registration notice (PDF) and the public page where applicants check their place without logging in."""

from flask import Blueprint, Response, abort, current_app, render_template, url_for
from flask_appbuilder import expose
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget, DateTimePickerWidget
from flask_appbuilder.models.sqla.filters import FilterEqual, FilterIn
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import format_date, format_datetime, gettext, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app import audit
from app.extensions import db
from app.catalogue import dictionary
from app.i18n import localized_name
from app.pdf import render_pdf
from app.services import land_queue
from app.territory_kinds import LSG_UNIT_KINDS
from models.land_queue import KINDS, STATUSES, LandApplication, LandCategory, \
    LandFamilyMember, LandStatusChange
from app.workflow import WorkflowApiMixin, WorkflowViewMixin
from views.base import SanaripModelRestApi, SanaripModelView
from app import clock
from app.clock import local_today

# --- related views -------------------------------------------------------------------------------------------------
class LandStatusHistoryView(SanaripModelView):
    """Who moved an application from which status to which, when and why (written by the services only)."""

    datamodel = SQLAInterface(LandStatusChange)
    entity_plural = _l("Status history")
    choice_columns = {"from_status": STATUSES, "to_status": STATUSES}
    base_order = ("id", "desc")
    base_permissions = ["can_list", "can_show"]


class LandFamilyMemberView(SanaripModelView):
    datamodel = SQLAInterface(LandFamilyMember)
    entity_plural = _l("Family members")
    base_order = ("id", "asc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_delete", "can_export"]

    def on_add(self, item):
        land_queue.add_family_member(self.datamodel.session, item)

    def on_update(self, item):
        land_queue.check_family_member(self.datamodel.session, item)


# --- applications ----------------------------------------------------------------------------------------------------
class LandApplicationView(WorkflowViewMixin, SanaripModelView):
    workflow = land_queue.WORKFLOW
    datamodel = SQLAInterface(LandApplication)
    show_fieldsets = [
        (_l("Application"), {"fields": ["number", "territory", "kind", "category", "received_at", "status",
                                        "position"]}),
        (_l("Applicant"), {"fields": ["last_name", "first_name", "patronymic", "pin", "address", "phone",
                                      "family_size"]}),
        (_l("Plot allocated"), {"fields": ["plot_cadastral_number", "plot_address", "plot_area", "decision_number",
                                           "decision_date"]}),
        (_l("Removal"), {"fields": ["removal_reason", "removed_on"]}),
        (_l("Record"), {"fields": ["note", "created_by", "created_on", "changed_by", "changed_on"],
                        "expanded": False}),
    ]
    choice_columns = {"status": STATUSES}
    add_form_query_rel_fields = {"territory": [["kind", FilterIn, list(LSG_UNIT_KINDS)]],
                                 "category": [["active", FilterEqual, True]]}
    related_views = [LandFamilyMemberView, LandStatusHistoryView]
    base_order = ("received_at", "desc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export", "can_import", "can_print",
                        "can_allocate", "can_remove"]
    show_template = "land_queue/show.html"
    import_columns = ["territory", "kind", "category", "received_at", "last_name", "first_name", "patronymic", "pin",
                      "address", "phone", "family_size", "note"]
    import_keys = {"territory": "code", "category": "code"}

    def __init__(self, *args, **kwargs):
        self.add_form_extra_fields = {"received_at": DateTimeField(
            dictionary.lazy_label(LandApplication, "received_at"), format="%Y-%m-%d %H:%M:%S",
            validators=[Optional()], widget=DateTimePickerWidget(),
            description=dictionary.lazy_description(LandApplication, "received_at"))}
        super().__init__(*args, **kwargs)

    def on_add(self, item):
        land_queue.register(self.datamodel.session, item)

    def pre_update(self, item):
        land_queue.lock_queue(self.datamodel.session, item.territory_id)  # before any row of the queue is written
        super().pre_update(item)

    def on_update(self, item):
        land_queue.update_application(self.datamodel.session, item)

    # --- registration notice ---------------------------------------------------------------------------------------
    @expose("/notice/<int:pk>")
    @has_access
    @permission_name("print")
    def notice(self, pk):
        """The notice of registration in the queue (PDF, in the reader's language), audited as "pdf"."""
        from app.i18n import current_language

        item = self.scoped_get(pk)
        if item is None:
            abort(404)
        now = clock.now()
        language = current_language()
        data = render_pdf(
            "land_queue/notice.html", application=item, kind=KINDS.get(item.kind, item.kind),
            status=STATUSES.get(item.status, item.status),
            # an official document names in the reader's language, else in Russian without the "[ru]" mark
            category=localized_name(item.category, language=language, mark_missing=False),
            body=localized_name(item.territory, language=language, mark_missing=False),
            received=format_datetime(item.received_at, "medium"),
            issued_on=format_date(local_today(now), "long"), check_url=url_for("land_queue_public.check", _external=True))
        audit.record(self.datamodel.session, "pdf", LandApplication.__tablename__, item.id,
                     {"document": "registration_notice", "printed_on": now.isoformat(timespec="seconds"),
                      "position": item.position})
        self.datamodel.session.commit()
        return Response(data, mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="land-queue-{item.number}.pdf"'})

    def render_template(self, template, **kwargs):
        if template == self.show_template and "pk" in kwargs:
            kwargs.setdefault("application", self.datamodel.get(kwargs["pk"], self._base_filters))
        return super().render_template(template, **kwargs)


class LandCategoryView(SanaripModelView):
    """The classifier of priority categories (administrators edit it; a new rank renumbers the queues)."""

    datamodel = SQLAInterface(LandCategory)
    entity_plural = _l("Priority categories")
    base_order = ("rank", "asc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export"]

    def on_update(self, item):
        land_queue.category_changed(self.datamodel.session, item)


class LandApplicationApi(WorkflowApiMixin, SanaripModelRestApi):
    resource_name = "land_application"
    datamodel = SQLAInterface(LandApplication)
    ui_view = LandApplicationView
    list_columns = ["id", "number", "territory_id", "kind", "category_id", "received_at", "status", "position",
                    "last_name", "first_name", "patronymic", "pin", "address", "phone", "family_size"]
    show_columns = list_columns + ["plot_cadastral_number", "plot_address", "plot_area", "decision_number",
                                   "decision_date", "removal_reason", "removed_on", "note"]
    base_permissions = ["can_get", "can_post", "can_put", "can_info"]

    derived_on_add = ("received_at",)  # left out: the service registers the application now

    on_add = LandApplicationView.on_add  # the same services as the form
    on_update = LandApplicationView.on_update

    def pre_update(self, item):
        land_queue.lock_queue(self.datamodel.session, item.territory_id)  # before any row of the queue is written
        super().pre_update(item)


# --- public page: an applicant checks their own place -------------------------------------------------------------
public = Blueprint("land_queue_public", __name__, url_prefix="/land-queue")


def _check_rate_limit():
    return current_app.config.get("LAND_QUEUE_CHECK_RATE_LIMIT", "10 per minute")


@public.record_once
def _limit_checks(state):
    """Checks (POST) are rate limited per client address with Flask-AppBuilder's own limiter."""
    from app.extensions import limiter

    with state.app.app_context():
        limiter().limit(_check_rate_limit, methods=["POST"])(public)


class CheckForm(FlaskForm):
    number = StringField(_l("Application number"), [DataRequired(), Length(max=40)], widget=BS3TextFieldWidget())
    pin = StringField(_l("PIN"), [DataRequired(), Length(max=14)], widget=BS3TextFieldWidget())


@public.route("/check", methods=["GET", "POST"])
def check():
    """Number and PIN in, own position, kind and status out; any miss gets the same message (no enumeration)."""
    form = CheckForm()
    result, missed = None, False
    if form.validate_on_submit():
        found = land_queue.find_own_application(db.session, form.number.data, form.pin.data)
        audit.record(db.session, "public_check", LandApplication.__tablename__, found.id if found else None,
                     {"found": found is not None})
        if found is None:
            missed = True
        else:
            result = {"position": found.position if found.status == "queue" else None,
                      "kind": str(KINDS.get(found.kind, found.kind)),
                      "status": str(STATUSES.get(found.status, found.status))}
        db.session.commit()
        form.pin.data = ""  # never echo the PIN back
    appbuilder = current_app.appbuilder
    return render_template("land_queue/check.html", form=form, result=result, missed=missed,
                           appbuilder=appbuilder, base_template=appbuilder.base_template,
                           title=gettext("My place in the land plot queue"))
