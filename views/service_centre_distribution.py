"""The distribution of work in the public service centre: a staff member's own alerts ("My alerts": unassigned
applications and overdue stages sent to the office head) and the head's page of who works today (the manual
reassignment is the applications' workflow step `reassign`). Rules in app/services/service_centre_distribution.py; everything inside the user's scope."""
from flask import abort, flash, g, redirect, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.actions import action
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_babel import format_datetime, gettext, lazy_gettext as _l

from app import clock
from app.extensions import db
from app.scope import current_scope, scoped_select
from app.services import service_centre_distribution as distribution
from app.transaction import transaction
from models.service_centre import ScNotification
from views.base import SanaripModelView


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
                                    can_reassign=self.appbuilder.sm.has_access("can_reassign", "ScApplicationView"),
                                    title=self.title, now=format_datetime(clock.to_local(now), "short"))
