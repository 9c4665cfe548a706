"""The distribution of work in the public service centre: a staff member's own alerts ("My alerts": unassigned
applications and overdue stages sent to the office head) and the manual reassignment of an application with its
reason and history. Rules in app/services/service_centre_distribution.py; everything inside the user's scope."""
from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.actions import action
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_babel import format_datetime, gettext, lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, TextAreaField

from app import clock
from app.extensions import db
from app.scope import current_scope, deny_outside, scoped_select
from app.services import service_centre_distribution as distribution
from app.transaction import transaction
from models.service_centre import ASSIGNMENT_METHODS, ScApplication, ScAssignment, ScNotification
from views.base import SanaripModelView, show_refusal


class AddressedToMe(BaseFilter):
    """Only the messages addressed to the signed-in user's account."""

    name = _l("Addressed to me")
    arg_name = "mine"

    def apply(self, query, value):
        return query.filter(ScNotification.recipient_user_id == g.user.id)


class ScMyAlertsView(SanaripModelView):
    """The alerts sent to the user's account (an office head: unassigned applications, overdue stages)."""

    route_base = "/sc-alerts"
    datamodel = SQLAInterface(ScNotification)
    entity = _l("Alert")
    entity_plural = _l("My alerts")
    base_filters = [["id", AddressedToMe, None]]
    base_order = ("id", "desc")
    base_permissions = ["can_list", "can_show", "can_mark_read"]
    method_permission_name = {"mark_read": "mark_read"}
    list_columns = ["created_at", "event", "application", "subject", "read_at"]
    show_columns = ["created_at", "event", "application", "subject", "body", "read_at"]
    search_columns = ["event", "created_at", "read_at"]

    @action("mark_read", _l("Mark as read"), None, "fa-check")
    def mark_read(self, items):
        items = items if isinstance(items, list) else [items]
        now = clock.now()
        with transaction(db.session):
            for item in items:
                if item is None or item.recipient_user_id != g.user.id:
                    abort(404)
                if item.read_at is None:
                    item.read_at = now
        flash(gettext("Marked as read."), "success")
        return redirect(url_for("ScMyAlertsView.list"))


class ReassignForm(FlaskForm):
    staff = SelectField(_l("Assign to"), coerce=int, validate_choice=False)
    reason = TextAreaField(_l("Reason"))


def scoped_application(pk):
    """The application inside the user's scope; another office's or territory's is 404, audited as denied."""
    item = db.session.scalar(scoped_select(ScApplication, current_scope()).where(ScApplication.id == pk))
    if item is None:
        if db.session.get(ScApplication, pk) is not None:
            deny_outside("sc_application", pk)
        abort(404)
    return item


class ScReassignView(BaseView):
    """Manual reassignment of an application (the office head): to whom and why; the history below."""

    route_base = "/sc-reassign"
    default_view = "reassign"
    base_permissions = ["can_reassign"]
    method_permission_name = {"reassign": "reassign"}

    @expose("/<int:pk>", methods=["GET", "POST"])
    @has_access
    def reassign(self, pk):
        application = scoped_application(pk)
        form = ReassignForm()
        form.staff.choices = distribution.staff_choices(db.session, application)
        if request.method == "GET" and application.assignee_id is not None:
            form.staff.data = application.assignee_id
        if request.method == "POST" and form.validate_on_submit():
            with transaction(db.session) as t:
                distribution.reassign(db.session, scoped_application(pk), form.staff.data, form.reason.data,
                                      clock.now(), g.user)
            if t.ok:
                flash(gettext("The application is reassigned."), "success")
                return redirect(url_for("ScReassignView.reassign", pk=pk))
            show_refusal(form, t.error)
            application = scoped_application(pk)
        history = [(row, format_datetime(clock.to_local(row.at), "short")) for row in db.session.scalars(
            select(ScAssignment).where(ScAssignment.application_id == application.id).order_by(ScAssignment.id))]
        return self.render_template("service_centre/reassign.html", form=form, application=application,
                                    history=history, methods={**ASSIGNMENT_METHODS, "manual": _l("Manually")},
                                    title=gettext("Reassign the application %(number)s",
                                                  number=application.number or application.id))


class ScDistributionView(BaseView):
    """The head's view of the distribution now: who is on shift, absent, how much open work each has, and the
    applications nobody has (each with its reassignment link). The offices of the user's scope, at most 20."""

    route_base = "/sc-distribution"
    default_view = "index"
    base_permissions = ["can_index"]
    title = _l("Distribution of work")

    @expose("/")
    @has_access
    def index(self):
        from models.service_centre import ABSENCE_KINDS, ScOffice

        now = clock.now()
        offices = db.session.scalars(scoped_select(ScOffice, current_scope()).order_by(ScOffice.code)
                                     .limit(20)).all()
        boards = [distribution.office_board(db.session, office, now) for office in offices]
        return self.render_template("service_centre/distribution.html", boards=boards, kinds=ABSENCE_KINDS,
                                    can_reassign=self.appbuilder.sm.has_access("can_reassign", "ScReassignView"),
                                    title=self.title, now=format_datetime(clock.to_local(now), "short"))
