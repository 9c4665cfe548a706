"""Screens and REST API of the register of the e-government infrastructure (models/egov_registry.py): subjects of
accounting, their authorised employees, elements with their lists, relations, documents and registered versions,
and applications on the one workflow (app/services/egov_registry.py WORKFLOW). Labels, help texts and classifier
choices come from the field dictionary; every rule from the services; an organisation-bound user (an authorised
employee, cl. 19) sees and writes only their organisation's rows (app/scope.py)."""
import json

from flask import g
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.services import egov_registry as service
from app.workflow import WorkflowApiMixin, WorkflowViewMixin
from models.egov_registry import (APPLICATION_KINDS, APPLICATION_STATUSES, ELEMENT_STATUSES, ITEM_KINDS, LANGUAGES,
                                  EgovApplication, EgovApplicationStep, EgovDocument, EgovElement, EgovElementItem,
                                  EgovElementVersion, EgovEmployee, EgovOrganisation, EgovRelation)
from views.base import SanaripModelRestApi, SanaripModelView, StoredDocumentView


#: where the register's files are kept, under the instance folder (views/base.py StoredDocumentView; the demo
#: seed writes there too)
DOCUMENTS_SUBFOLDER = ("egov_registry", "documents")


def _json(value):
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) if value else ""


RECORD = (_l("Record"), {"fields": ["created_by", "created_on", "changed_by", "changed_on"], "expanded": False})


class EgovOrganisationView(SanaripModelView):
    datamodel = SQLAInterface(EgovOrganisation)
    base_order = ("name_ru", "asc")
    # subjects stay as the register's history: never deleted
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export"]


class EgovEmployeeView(SanaripModelView):
    datamodel = SQLAInterface(EgovEmployee)
    base_order = ("full_name", "asc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export"]


class _PartOfElement:
    """A list of an element (items, relations): a removed element's lists are closed like the element (cl. 3)."""

    def on_add(self, item):
        service.check_element_editable(item.element)

    on_update = on_add
    on_delete = on_add


class EgovElementItemView(_PartOfElement, SanaripModelView):
    datamodel = SQLAInterface(EgovElementItem)
    choice_columns = {"kind": ITEM_KINDS}
    base_order = ("id", "asc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_delete"]


class EgovRelationView(_PartOfElement, SanaripModelView):
    datamodel = SQLAInterface(EgovRelation)
    base_order = ("id", "asc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_delete"]


class EgovDocumentView(StoredDocumentView):
    datamodel = SQLAInterface(EgovDocument)
    base_order = ("doc_date", "desc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_download", "can_export"]
    documents_subfolder = DOCUMENTS_SUBFOLDER
    attach = staticmethod(service.attach_document)

    def _export_columns(self):
        return ["element", "kind", "title", "number", "doc_date", "file_name", "size_bytes"]

    def on_add(self, item):
        service.check_element_editable(item.element)
        self.store_upload(item)

    def download_details(self, item):
        return {"file": item.file_name, "element": item.element_id}


class EgovElementVersionView(SanaripModelView):
    """Registered states of the elements: append-only, read only."""

    datamodel = SQLAInterface(EgovElementVersion)
    formatters_columns = {"data": _json}
    base_order = ("registered_at", "desc")
    base_permissions = ["can_list", "can_show"]


class EgovApplicationStepView(SanaripModelView):
    """Every step of the applications (written by the workflow only)."""

    datamodel = SQLAInterface(EgovApplicationStep)
    choice_columns = {"from_status": APPLICATION_STATUSES, "to_status": APPLICATION_STATUSES}
    base_order = ("id", "asc")
    base_permissions = ["can_list", "can_show"]


APPLICATION_FORM = ["kind", "organisation", "element", "employee", "submitter_name", "language",
                    "element_full_name", "element_short_name", "element_kind", "decision_date", "request_text"]


class EgovApplicationView(WorkflowViewMixin, SanaripModelView):
    """Applications to the register; decided through the workflow's steps, each with its deadlines shown."""

    workflow = service.WORKFLOW
    datamodel = SQLAInterface(EgovApplication)
    show_fieldsets = [
        (_l("Application"), {"fields": ["number", "kind", "organisation", "status", "received_on", "decided_on",
                                        "resubmission_of", "language"]}),
        (_l("Applicant"), {"fields": ["employee", "submitter_name", "submitted_by"]}),
        (_l("Element"), {"fields": ["element", "element_full_name", "element_short_name", "element_kind",
                                    "decision_date"]}),
        (_l("Decision"), {"fields": ["missing_items", "refusal_ground", "refusal_text", "request_text",
                                     "answer_text"]}),
        RECORD,
    ]
    choice_columns = {"kind": APPLICATION_KINDS, "status": APPLICATION_STATUSES, "language": LANGUAGES,
                      "refusal_ground": service.GROUNDS}
    formatters_columns = {"missing_items": service.items_text}
    related_views = [EgovApplicationStepView, EgovDocumentView]
    base_order = ("received_on", "desc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export"]

    def on_add(self, item):
        service.submit_application(self.datamodel.session, item, actor=getattr(g, "user", None))

    def on_update(self, item):
        service.update_application(self.datamodel.session, item)


ELEMENT_FORM = [
    (_l("Element (cl. 20(1)–(3))"), {"fields": ["organisation", "full_name", "short_name", "kind", "operator_name"]}),
    (_l("Purpose and legal basis (cl. 20(4)–(6))"), {"fields": ["purpose", "legal_acts", "responsible_unit"]}),
    (_l("Architecture and interaction (cl. 20(7), 20(10))"), {"fields": ["architecture", "interactions"]}),
    (_l("Location, supplier, users, funding (cl. 20(13)–(17))"),
     {"fields": ["location", "location_keeper", "developer", "users_count", "funding", "commissioned_on"]}),
    (_l("Publication"), {"fields": ["is_internal"]}),
]
ELEMENT_COLUMNS = [c for _, spec in ELEMENT_FORM for c in spec["fields"]]


class EgovElementView(SanaripModelView):
    """The elements: the working copy the authorised employee keeps; each registered state is a version, and the
    show page lists what changed since the last registration. Removal is a status (no delete)."""

    datamodel = SQLAInterface(EgovElement)
    show_template = "egov_registry/element_show.html"
    show_fieldsets = [
        (_l("Register"), {"fields": ["number", "status", "registered_on", "removed_on"]}),
        *ELEMENT_FORM,
        RECORD,
    ]
    add_fieldsets = ELEMENT_FORM
    edit_fieldsets = ELEMENT_FORM
    choice_columns = {"status": ELEMENT_STATUSES, "is_internal": {0: _l("No"), 1: _l("Yes")}}
    related_views = [EgovElementItemView, EgovRelationView, EgovDocumentView, EgovElementVersionView,
                     EgovApplicationView]
    base_order = ("full_name", "asc")
    # an existing inventory: all-or-nothing, each row through the form and the same rules (views/base.py)
    import_columns = ["organisation", "full_name", "short_name", "kind", "operator_name", "purpose", "legal_acts",
                      "responsible_unit", "architecture", "interactions", "location", "location_keeper",
                      "developer", "users_count", "funding", "commissioned_on"]
    import_keys = {"organisation": "inn"}
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export", "can_import"]

    def on_add(self, item):
        service.check_element(self.datamodel.session, item)

    def on_update(self, item):
        service.check_element_editable(item)
        service.check_element(self.datamodel.session, item)

    def registration_changes(self, pk):
        """What changed in the working copy since its last registered version: (label, registered, now) rows,
        None when the element was never registered (for the show page)."""
        item = self.scoped_get(pk)
        changes = service.changes_since_registration(item) if item is not None else None
        if changes is None:
            return None
        session = self.datamodel.session
        return [(service.field_label(field), service.shown(old, field, session), service.shown(new, field, session))
                for field, old, new in changes]

    def dependants(self, pk):
        """Registered elements that still depend on this one (the impact warning, app/services/egov_impact.py)."""
        from app.services.egov_impact import dependants

        item = self.scoped_get(pk)
        return dependants(self.datamodel.session, item.id) if item is not None and item.status != "removed" else []

    def missing_items(self, pk):
        """The cl. 20 items the element still lacks (clause, label), for the show page."""
        item = self.scoped_get(pk)
        return [(c, service.ITEMS[c].label) for c in service.missing_items(item)] if item is not None else []


# --- REST API ----------------------------------------------------------------------------------------------------
class EgovOrganisationApi(SanaripModelRestApi):
    resource_name = "egov_organisation"
    datamodel = SQLAInterface(EgovOrganisation)
    base_permissions = ["can_get", "can_info"]


class EgovElementApi(SanaripModelRestApi):
    resource_name = "egov_element"
    datamodel = SQLAInterface(EgovElement)
    ui_view = EgovElementView
    list_columns = ["id", "number", "organisation_id", "full_name", "short_name", "kind", "status",
                    "registered_on", "removed_on", "users_count", "funding", "commissioned_on", "is_internal"]
    show_columns = list_columns + ["operator_name", "purpose", "legal_acts", "responsible_unit", "architecture",
                                   "interactions", "location", "location_keeper", "developer"]
    base_permissions = ["can_get", "can_post", "can_put", "can_info"]

    on_add = EgovElementView.on_add  # the same rules as the form
    on_update = EgovElementView.on_update


class EgovApplicationApi(WorkflowApiMixin, SanaripModelRestApi):
    """Applications: submitted as through the form, decided through the workflow's steps."""

    resource_name = "egov_application"
    datamodel = SQLAInterface(EgovApplication)
    ui_view = EgovApplicationView
    list_columns = ["id", "number", "kind", "organisation_id", "element_id", "status", "received_on",
                    "decided_on", "employee_id", "language", "resubmission_of_id"]
    show_columns = list_columns + ["submitter_name", "element_full_name", "element_short_name", "element_kind",
                                   "decision_date", "request_text", "answer_text", "missing_items",
                                   "refusal_ground", "refusal_text"]
    base_permissions = ["can_get", "can_post", "can_put", "can_info"]

    on_add = EgovApplicationView.on_add
    on_update = EgovApplicationView.on_update
