"""The audit trail, read-only for administrators: no add, edit or delete permission exists at all."""
from flask import current_app
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext, lazy_gettext as _l

from models.audit import AuditEvent
from views.base import SanaripModelView

ACTION_LABELS = {
    "login": _l("Login"), "login_failed": _l("Failed login"), "login_refused": _l("Refused login"),
    "logout": _l("Logout"), "lockout": _l("Account locked"), "create": _l("Created"), "update": _l("Changed"),
    "delete": _l("Deleted"), "read": _l("Personal record read"), "export": _l("Export"), "pdf": _l("PDF issued"),
    "denied": _l("Access denied"),
    # bulk reads of personal data (app/audit.py record_bulk_read)
    "list": _l("List of personal records read"), "api_list": _l("Personal records read through the API"),
    "lookup": _l("Personal records searched"), "report": _l("Report with personal data read"),
}


SECURITY_OBJECTS = {"ab_user": _l("User"), "ab_role": _l("Role"), "ab_permission_view": _l("Permission on a view"),
                    "ab_permission": _l("Permission"), "ab_view_menu": _l("View or menu")}


def object_label(table):
    """The translated name of the kind of record a table holds (from the views that show it)."""
    if not table:
        return ""
    for view in current_app.appbuilder.baseviews:
        datamodel = getattr(view, "datamodel", None)
        entity = getattr(view, "entity", None)
        if entity is not None and datamodel is not None and datamodel.obj.__tablename__ == table:
            return str(entity)
    return str(SECURITY_OBJECTS.get(table, table))


class AuditEventView(SanaripModelView):
    datamodel = SQLAInterface(AuditEvent)
    base_permissions = ["can_list", "can_show", "can_export"]
    label_columns = {"at": _l("Time"), "username": _l("User"), "user_id": _l("User ID"),
                     "action": _l("Action"), "object_type": _l("Object"), "object_id": _l("Object ID"),
                     "changes": _l("Details"), "ip": _l("IP address"), "path": _l("Address")}
    formatters_columns = {"action": lambda a: str(ACTION_LABELS.get(a, a)), "object_type": object_label,
                          "username": lambda name: gettext("System") if name == "system" else (name or "")}
    base_order = ("at", "desc")
    page_size = 50
