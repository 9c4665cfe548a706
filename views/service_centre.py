"""Screens and REST API of the one-stop public service centre (models/service_centre.py): offices, the service
catalogue, staff with their shifts and absences, distribution rules, windows, and the records of applications.
Labels, layouts and choices come from the field dictionary; rules from app/services/service_centre*.py; every
list is scoped by office (app/scope.py)."""
from flask_appbuilder.models.sqla.interface import SQLAInterface

from models.service_centre import (ScAbsence, ScApplicationDocument, ScApplicationStep, ScAppointment,
                                   ScAssignment, ScAssignmentRule, ScInteragencyRequest, ScNotification, ScOffice,
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


class ScInteragencyRequestView(SanaripModelView):
    datamodel = SQLAInterface(ScInteragencyRequest)
    base_order = ("sent_on", "desc")
    base_permissions = READ


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
