"""Reference data: the SOATE territory tree (browse as a tree, names editable by admins)."""
from flask import g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from models.reference import Territory
from views.base import SanaripModelRestApi, SanaripModelView

class TerritoryChildrenView(SanaripModelView):
    """The units directly below one territory, shown on its page: walking down the tree one level at a time."""

    datamodel = SQLAInterface(Territory)
    entity_plural = _l("Subordinate units")
    list_columns = ["code", "name", "kind", "missing_names"]
    formatters_columns = {"missing_names": lambda langs: ", ".join(langs)}
    base_order = ("code", "asc")
    base_permissions = ["can_list", "can_show"]
    page_size = 50


class TerritoryView(TerritoryChildrenView):
    """Browse the tree: the list starts at the top units; each unit's page lists the units below it."""

    list_columns = ["code", "name", "kind", "parent", "missing_names"]
    show_columns = ["code", "name_ky", "name_ru", "name_en", "kind", "level", "iso_code", "parent", "changed_on",
                    "changed_by"]
    add_columns = ["parent", "code", "kind", "name_ky", "name_ru", "name_en"]
    edit_columns = ["name_ky", "name_ru", "name_en"]
    search_columns = ["code", "name_ky", "name_ru", "name_en", "kind", "level", "parent"]
    import_columns = ["parent", "code", "kind", "name_ky", "name_ru", "name_en"]
    import_keys = {"parent": "code"}
    related_views = [TerritoryChildrenView]
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export", "can_import"]

    @expose("/list/")
    @has_access
    def list(self):
        # Without a search the list starts at the top of the tree; any search covers the whole (scoped) tree.
        if not any(arg.startswith("_flt_") for arg in request.args):
            own = getattr(g.user, "territory", None)
            return redirect(url_for(".list", _flt_0_level=own.level if own else 1, **request.args))
        return super().list()


class TerritoryApi(SanaripModelRestApi):
    resource_name = "territory"
    datamodel = SQLAInterface(Territory)
    list_columns = ["id", "code", "name_ky", "name_ru", "name_en", "kind", "level", "parent_id"]
    show_columns = list_columns
    edit_columns = ["name_ky", "name_ru", "name_en"]
    base_permissions = ["can_get", "can_put", "can_info"]
    max_page_size = 100
