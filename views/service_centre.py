"""Screens and REST API of the one-stop public service centre (models/service_centre.py): offices, the service
catalogue, staff with their shifts and absences, distribution rules, windows, and the records of applications.
Labels, layouts and choices come from the field dictionary; rules from app/services/service_centre*.py; every
list is scoped by office (app/scope.py)."""
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.registry import SERVICE_CENTRE_CATEGORY, MenuItem, ModulePart
from app.seed.roles import grant

from models.service_centre import (ScAbsence, ScApplicationDocument, ScApplicationStep, ScAppointment,
                                   ScAssignment, ScAssignmentRule, ScNotification, ScOffice,
                                   ScService, ScServiceDocument, ScServiceGroup, ScServiceStage, ScShift, ScStaff,
                                   ScTicket, ScTicketEvent, ScWindow)
from views.base import SanaripModelRestApi, SanaripModelView

READ = ["can_list", "can_show", "can_export"]
WRITE = ["can_list", "can_show", "can_add", "can_edit", "can_export"]


class ScServiceStageView(SanaripModelView):
    datamodel = SQLAInterface(ScServiceStage)
    base_order = ("id", "asc")
    base_permissions = [*WRITE, "can_delete"]


class ScServiceDocumentView(SanaripModelView):
    datamodel = SQLAInterface(ScServiceDocument)
    base_order = ("sort_order", "asc")
    base_permissions = [*WRITE, "can_delete"]


class ScServiceView(SanaripModelView):
    datamodel = SQLAInterface(ScService)
    related_views = [ScServiceDocumentView, ScServiceStageView]
    base_order = ("code", "asc")
    base_permissions = WRITE


class ScServiceGroupView(SanaripModelView):
    datamodel = SQLAInterface(ScServiceGroup)
    related_views = [ScServiceView]
    base_order = ("sort_order", "asc")
    base_permissions = WRITE


class ScWindowView(SanaripModelView):
    datamodel = SQLAInterface(ScWindow)
    base_order = ("number", "asc")
    base_permissions = WRITE


class ScShiftView(SanaripModelView):
    datamodel = SQLAInterface(ScShift)
    base_order = ("weekday", "asc")
    base_permissions = [*WRITE, "can_delete"]


class ScAbsenceView(SanaripModelView):
    datamodel = SQLAInterface(ScAbsence)
    base_order = ("starts_on", "desc")
    base_permissions = [*WRITE, "can_delete"]


class ScStaffView(SanaripModelView):
    datamodel = SQLAInterface(ScStaff)
    related_views = [ScShiftView, ScAbsenceView]
    base_order = ("full_name", "asc")
    base_permissions = WRITE


class ScAssignmentRuleView(SanaripModelView):
    datamodel = SQLAInterface(ScAssignmentRule)
    base_order = ("id", "asc")
    base_permissions = [*WRITE, "can_delete"]


class ScOfficeView(SanaripModelView):
    datamodel = SQLAInterface(ScOffice)
    related_views = [ScWindowView, ScStaffView]
    base_order = ("code", "asc")
    base_permissions = WRITE


class ScApplicationStepView(SanaripModelView):
    """Every stage of the applications (written by the workflow only)."""

    datamodel = SQLAInterface(ScApplicationStep)
    base_order = ("id", "asc")
    base_permissions = ["can_list", "can_show"]


class ScApplicationDocumentView(SanaripModelView):
    datamodel = SQLAInterface(ScApplicationDocument)
    base_order = ("id", "asc")
    base_permissions = ["can_list", "can_show"]


class ScAssignmentView(SanaripModelView):
    datamodel = SQLAInterface(ScAssignment)
    base_order = ("id", "asc")
    base_permissions = ["can_list", "can_show"]


class ScTicketEventView(SanaripModelView):
    datamodel = SQLAInterface(ScTicketEvent)
    base_order = ("id", "asc")
    base_permissions = ["can_list", "can_show"]


class ScTicketView(SanaripModelView):
    datamodel = SQLAInterface(ScTicket)
    related_views = [ScTicketEventView]
    base_order = ("issued_at", "desc")
    base_permissions = READ


class ScAppointmentView(SanaripModelView):
    datamodel = SQLAInterface(ScAppointment)
    base_order = ("slot_start", "desc")
    base_permissions = WRITE

    def on_add(self, item):
        from app import clock
        from app.services import service_centre_queue as queue

        queue.prepare_appointment(self.datamodel.session, item, clock.now())


class ScNotificationView(SanaripModelView):
    datamodel = SQLAInterface(ScNotification)
    base_order = ("id", "desc")
    base_permissions = READ


class ScServiceApi(SanaripModelRestApi):
    resource_name = "service_centre_service"
    datamodel = SQLAInterface(ScService)
    ui_view = ScServiceView
    base_permissions = ["can_get", "can_info"]


class ScOfficeApi(SanaripModelRestApi):
    resource_name = "service_centre_office"
    datamodel = SQLAInterface(ScOffice)
    ui_view = ScOfficeView
    base_permissions = ["can_get", "can_info"]


def _menu(view, name, label, icon):
    return MenuItem(view, name, label, SERVICE_CENTRE_CATEGORY, _l("Public service centre"), icon, "fa-university")


_catalogue_read = [grant(ScServiceView, "read", menu=True), grant(ScServiceGroupView, "read", menu=True),
                   grant(ScServiceDocumentView, "read"), grant(ScServiceStageView, "read"),
                   grant(ScOfficeView, "read", menu=True), grant(ScServiceApi, "read"), grant(ScOfficeApi, "read")]
_staff_read = [grant(ScStaffView, "read", menu=True), grant(ScShiftView, "read"), grant(ScAbsenceView, "read", menu=True),
               grant(ScWindowView, "read", menu=True), grant(ScAssignmentRuleView, "read", menu=True)]
_records_read = [grant(ScTicketView, "read", menu=True), grant(ScTicketEventView, "read"),
                 grant(ScAppointmentView, "read", menu=True),
                 grant(ScNotificationView, "read", menu=True), grant(ScApplicationStepView, "read"),
                 grant(ScApplicationDocumentView, "read"), grant(ScAssignmentView, "read")]

#: the catalogue, offices, staff and the records' lists; the other parts live in views/service_centre_*.py
PART = ModulePart(
    menu=[_menu(ScServiceView, "Sc services", _l("Catalogue of services"), "fa-list"),
          _menu(ScServiceGroupView, "Sc service groups", _l("Groups of services"), "fa-sitemap"),
          _menu(ScOfficeView, "Sc offices", _l("Offices"), "fa-building"),
          _menu(ScWindowView, "Sc windows", _l("Windows"), "fa-desktop"),
          _menu(ScStaffView, "Sc staff", _l("Staff"), "fa-users"),
          _menu(ScAbsenceView, "Sc absences", _l("Absences of staff"), "fa-calendar-times-o"),
          _menu(ScAssignmentRuleView, "Sc assignment rules", _l("Rules of distribution"), "fa-random"),
          _menu(ScTicketView, "Sc tickets", _l("Queue tickets"), "fa-ticket"),
          _menu(ScAppointmentView, "Sc appointments", _l("Appointments"), "fa-calendar"),
          _menu(ScNotificationView, "Sc notifications", _l("Notifications"), "fa-envelope")],
    hidden_views=[ScServiceDocumentView, ScServiceStageView, ScShiftView, ScApplicationStepView,
                  ScApplicationDocumentView, ScAssignmentView, ScTicketEventView],
    apis=[ScServiceApi, ScOfficeApi],
    grants={
        "operator": [*_catalogue_read, *_records_read, grant(ScAppointmentView, "write")],
        "back_office": [*_catalogue_read, *_records_read],
        "head": [*_catalogue_read, *_staff_read, *_records_read, grant(ScStaffView, "write"), grant(ScShiftView, "*"),
                 grant(ScAbsenceView, "*"), grant(ScAssignmentRuleView, "*"), grant(ScWindowView, "write"),
                 grant(ScAppointmentView, "write")],
        "admin": [*_catalogue_read, *_staff_read, grant(ScServiceView, "write"), grant(ScServiceGroupView, "write"),
                  grant(ScServiceDocumentView, "*"), grant(ScServiceStageView, "*"), grant(ScOfficeView, "write"),
                  grant(ScWindowView, "write"), grant(ScStaffView, "write"), grant(ScShiftView, "*"),
                  grant(ScAbsenceView, "*"), grant(ScAssignmentRuleView, "*")],
        "partner": [*_catalogue_read],
        "analyst": [*_catalogue_read],
    })


def parts():
    """Every part of the module, in menu order (app/registry.py _service_centre joins them)."""
    import importlib
    import importlib.util

    names = ["views.service_centre_applications", "views.service_centre_queue", "views.service_centre",
             "views.service_centre_stats", "views.service_centre_public"]
    return [importlib.import_module(name).PART for name in names if importlib.util.find_spec(name) is not None]
