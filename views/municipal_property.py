"""Unified register of municipal property: the register (active objects), decommissioned objects, leases,
documents with their files, the event history, decommissioning acts and the REST API of objects."""
import os

from flask import abort, current_app, redirect, url_for
from flask_appbuilder.actions import action
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import format_date, lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import DataRequired

from app.catalogue import dictionary
from app.services import municipal_property as service
from app.workflow import WorkflowApiMixin, WorkflowViewMixin
from models.municipal_property import (DECOMMISSION_STATUSES, LEASE_STATES, STATUSES, USE_MODES, DecommissionReason,
                                       PropertyDecommission, PropertyDecommissionStep, PropertyDocument,
                                       PropertyEvent, PropertyLease, PropertyObject)
from views.base import SanaripModelRestApi, SanaripModelView, StoredDocumentView


#: where the register's files are kept, under the instance folder (views/base.py StoredDocumentView)
DOCUMENTS_SUBFOLDER = ("municipal_property", "documents")


def documents_folder():
    return os.path.join(current_app.instance_path, *DOCUMENTS_SUBFOLDER)


class OwnerTerritoryFilter(BaseFilter):
    """The owner dropdown offers aiyl aimaks and cities only (the communities that own municipal property)."""

    name = _l("Aiyl aimak or city")
    arg_name = "owner"

    def apply(self, query, value):
        return query.filter(self.model.kind.in_(service.OWNER_KINDS))


def _text(value):
    return "" if value is None else value


def _date(value):
    return "" if value is None else format_date(value, "medium")


def blanks(texts=(), dates=()):
    """Formatters that show an empty optional field as empty (not "None"), dates through Babel."""
    return {**{c: _text for c in texts}, **{c: _date for c in dates}}


RECORD = (_l("Record"), {"fields": ["created_by", "created_on", "changed_by", "changed_on"], "expanded": False})
OBJECT_FORMATTERS = blanks(("cadastral_number", "address", "basis_doc_number", "holder_name", "holder_inn", "note"),
                           ("basis_doc_date", "decommissioned_on"))
OBJECT_CHOICES = {"status": STATUSES}  # the register's states; kinds, bases, conditions, uses are classifiers
OBJECT_FORM = [
    (_l("Object"), {"fields": ["territory", "kind", "inventory_number", "cadastral_number", "name", "address",
                               "area", "condition"]}),
    (_l("Value and depreciation"), {"fields": ["balance_value", "depreciation"]}),
    (_l("Acquisition"), {"fields": ["acquisition_basis", "basis_doc_number", "basis_doc_date", "acquired_on"]}),
    (_l("Use"), {"fields": ["use_mode", "holder_name", "holder_inn", "note"]}),
]
OBJECT_SHOW = [
    (_l("Object"), {"fields": ["territory", "kind", "inventory_number", "cadastral_number", "name", "address",
                               "area_label", "condition"]}),
    (_l("Value and depreciation"), {"fields": ["balance_value", "depreciation", "residual_value"]}),
    (_l("Acquisition"), {"fields": ["acquisition_basis", "basis_doc_number", "basis_doc_date", "acquired_on"]}),
    (_l("Use"), {"fields": ["status", "decommissioned_on", "use_mode", "tenant", "holder_name", "holder_inn",
                            "note"]}),
    RECORD,
]
OBJECT_SEARCH = ["inventory_number", "name", "kind", "territory", "cadastral_number", "address", "condition",
                 "use_mode", "acquisition_basis", "acquired_on", "balance_value"]


class PropertyLeaseView(SanaripModelView):
    datamodel = SQLAInterface(PropertyLease)
    show_fieldsets = [
        (_l("Contract"), {"fields": ["object", "contract_number", "start_date", "end_date", "terminated_on",
                                     "monthly_rent", "state", "note"]}),
        (_l("Tenant"), {"fields": ["tenant_kind", "tenant_name", "tenant_number"]}),
        RECORD,
    ]
    formatters_columns = {"state": lambda state: str(LEASE_STATES.get(state, state)),
                          **blanks(("note",), ("terminated_on",))}
    base_order = ("end_date", "asc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export", "can_print"]

    def on_add(self, item):
        service.register_lease(self.datamodel.session, item)

    def on_update(self, item):
        service.update_lease(self.datamodel.session, item)


class PropertyDocumentView(StoredDocumentView):
    datamodel = SQLAInterface(PropertyDocument)
    formatters_columns = blanks(("number",), ("doc_date",))
    base_order = ("doc_date", "desc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_delete", "can_download", "can_export"]
    documents_subfolder = DOCUMENTS_SUBFOLDER
    attach = staticmethod(service.attach_document)

    def _export_columns(self):
        return ["object", "title", "number", "doc_date", "file_name", "size_bytes"]

    def post_delete(self, item):
        service.remove_document_file(self.documents_folder(), item)

    def download_details(self, item):
        return {"file": item.file_name, "object": item.object_id}


class PropertyEventView(SanaripModelView):
    datamodel = SQLAInterface(PropertyEvent)
    formatters_columns = blanks(("note",))
    base_order = ("on_date", "desc")
    # history is written by the services: read only
    base_permissions = ["can_list", "can_show", "can_export"]


class PropertyDecommissionStepView(SanaripModelView):
    """Who drew up, approved or rejected an act, when and why (written by the services only)."""

    datamodel = SQLAInterface(PropertyDecommissionStep)
    choice_columns = {"from_status": DECOMMISSION_STATUSES, "to_status": DECOMMISSION_STATUSES}
    formatters_columns = blanks(("note",))
    base_order = ("id", "desc")
    base_permissions = ["can_list", "can_show"]


class PropertyDecommissionView(WorkflowViewMixin, SanaripModelView):
    """Decommissioning acts: drawn up and corrected by the clerk while they await approval; the head approves or
    rejects them through the workflow's steps (service.WORKFLOW)."""

    workflow = service.WORKFLOW
    datamodel = SQLAInterface(PropertyDecommission)
    choice_columns = {"status": DECOMMISSION_STATUSES}
    formatters_columns = blanks(("note",), ("decided_on",))
    related_views = [PropertyDecommissionStepView]
    base_order = ("act_date", "desc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export"]

    def on_add(self, item):
        service.request_decommission(self.datamodel.session, item)

    def on_update(self, item):
        service.update_decommission(self.datamodel.session, item)


class PropertyObjectView(SanaripModelView):
    """The register: objects in use. Decommissioned objects leave it (PropertyArchiveView shows them)."""

    datamodel = SQLAInterface(PropertyObject)
    show_fieldsets = OBJECT_SHOW
    add_fieldsets = OBJECT_FORM
    edit_fieldsets = OBJECT_FORM
    choice_columns = OBJECT_CHOICES
    formatters_columns = OBJECT_FORMATTERS
    base_filters = [["status", FilterEqual, "active"]]
    add_form_query_rel_fields = {"territory": [["id", OwnerTerritoryFilter, None]]}
    edit_form_query_rel_fields = {"territory": [["id", OwnerTerritoryFilter, None]]}
    search_form_query_rel_fields = {"territory": [["id", OwnerTerritoryFilter, None]]}
    related_views = [PropertyLeaseView, PropertyDocumentView, PropertyEventView, PropertyDecommissionView]
    base_order = ("inventory_number", "asc")
    import_columns = ["territory", "kind", "inventory_number", "cadastral_number", "name", "address", "area",
                      "balance_value", "depreciation", "acquisition_basis", "basis_doc_number", "basis_doc_date",
                      "acquired_on", "condition", "use_mode", "holder_name", "holder_inn", "note"]
    import_keys = {"territory": "code"}
    printable = True  # the object's card (extract from the register) as a PDF
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export", "can_import", "can_print",
                        "can_decommission"]
    method_permission_name = {"decommission": "decommission"}

    def __init__(self, *args, **kwargs):
        # a new object is free, in operational management or in free use: a lease comes with its contract
        self.add_form_extra_fields = {"use_mode": SelectField(
            dictionary.lazy_label(PropertyObject, "use_mode"),
            choices=lambda: [(k, v) for k, v in USE_MODES.items() if k != "lease"],
            validators=[DataRequired()], default="vacant")}
        super().__init__(*args, **kwargs)

    def on_add(self, item):
        service.register_object(self.datamodel.session, item)

    def on_update(self, item):
        service.update_object(self.datamodel.session, item)

    @action("decommission", _l("Decommission"), None, "fa-archive", multiple=False)
    def decommission(self, item):
        """Open the decommissioning act form for this object (the act goes through the service and the head's
        approval)."""
        if item is None or self.scoped_get(item.id) is None:
            abort(404)
        return redirect(url_for("PropertyDecommissionView.add", _flt_0_object=item.id))


class PropertyArchiveView(SanaripModelView):
    """Decommissioned objects: out of the register, kept as history; only the note can still change."""

    datamodel = SQLAInterface(PropertyObject)
    entity = _l("Decommissioned object")
    entity_plural = _l("Decommissioned objects")
    list_columns = ["inventory_number", "name", "kind", "territory", "balance_value", "residual_value",
                    "decommissioned_on"]
    show_fieldsets = OBJECT_SHOW
    edit_columns = ["note"]
    search_columns = OBJECT_SEARCH + ["decommissioned_on"]
    choice_columns = OBJECT_CHOICES
    formatters_columns = OBJECT_FORMATTERS
    base_filters = [["status", FilterEqual, "decommissioned"]]
    search_form_query_rel_fields = {"territory": [["id", OwnerTerritoryFilter, None]]}
    related_views = [PropertyLeaseView, PropertyDocumentView, PropertyEventView, PropertyDecommissionView]
    base_order = ("decommissioned_on", "desc")
    printable = True
    base_permissions = ["can_list", "can_show", "can_edit", "can_print"]

    def on_update(self, item):
        service.update_object(self.datamodel.session, item)


class DecommissionReasonView(SanaripModelView):
    datamodel = SQLAInterface(DecommissionReason)
    base_order = ("id", "asc")
    base_permissions = ["can_list", "can_show", "can_edit"]


class PropertyObjectApi(SanaripModelRestApi):
    resource_name = "municipal_property_object"
    datamodel = SQLAInterface(PropertyObject)
    ui_view = PropertyObjectView
    list_columns = ["id", "territory_id", "kind", "inventory_number", "cadastral_number", "name", "address", "area",
                    "balance_value", "depreciation", "residual_value", "acquisition_basis", "basis_doc_number",
                    "basis_doc_date", "acquired_on", "condition", "use_mode", "holder_name", "holder_inn", "status",
                    "decommissioned_on"]
    show_columns = list_columns + ["note"]
    add_query_rel_fields = {"territory": [["id", OwnerTerritoryFilter, None]]}
    edit_query_rel_fields = {"territory": [["id", OwnerTerritoryFilter, None]]}
    base_permissions = ["can_get", "can_post", "can_put", "can_info"]

    def on_add(self, item):
        service.register_object(self.datamodel.session, item)

    def on_update(self, item):
        service.update_object(self.datamodel.session, item)


class PropertyDecommissionApi(WorkflowApiMixin, SanaripModelRestApi):
    """Read-only, and the workflow's steps (app/workflow.py): acts are drawn up through the form, decided through
    the steps."""

    resource_name = "municipal_property_decommission"
    datamodel = SQLAInterface(PropertyDecommission)
    workflow_view = PropertyDecommissionView
    base_permissions = ["can_get", "can_info"]
    list_columns = ["id", "object_id", "reason_id", "act_number", "act_date", "status", "decided_on",
                    "decided_by_fk"]
    show_columns = list_columns + ["note"]
