"""Role templates shipped as data: created once, then edited by admins in the UI (never FAB_ROLES).

A template is a list of (permission, view-menu) patterns matched with fnmatch against the permissions that
exist after `setup` synced them; re-running the seed leaves existing roles untouched."""
from dataclasses import dataclass, field
from fnmatch import fnmatch

from flask_babel import lazy_gettext as _l


@dataclass
class RoleTemplate:
    name: str  # stable English name
    label: object  # translated label, shown in the README and the demo listing
    permissions: list = field(default_factory=list)
    territorial: bool = True  # demo users of this role get a territory scope

READ = ["can_list", "can_show", "can_get", "can_info", "can_export"]


def grants(view, perms=("*",), menu=None):
    """Patterns granting `perms` on `view` (a class permission name) plus the menu entry `menu`."""
    out = [(p, view) for p in perms]
    if menu:
        out.append(("menu_access", menu))
    return out


COMMON = [("can_userinfo", "UserDBModelView"), ("can_this_form_get", "ResetMyPasswordView"),
          ("can_this_form_post", "ResetMyPasswordView"), ("can_userinfo", "SanaripUserView"),
          ("resetmypassword", "SanaripUserView"), ("can_this_form_get", "UserInfoEditView"),
          ("can_this_form_post", "UserInfoEditView"), ("menu_access", "Reference"),
          *grants("TerritoryView", ("can_list", "can_show"), "Territories"),
          *grants("TerritoryChildrenView", ("can_list", "can_show")),
          ("can_get", "TerritoryApi"), ("can_info", "TerritoryApi"),
          # everyone sees which datasets the system keeps (counts only of what they may read)
          ("menu_access", "Catalogue"), ("menu_access", "Data catalogue"), ("can_index", "CatalogueView"),
          ("can_get", "CatalogueApi")]

CORE_TEMPLATES = [
    RoleTemplate("Auditor", _l("Auditor"), [
        *COMMON, ("menu_access", "Administration"),
        *grants("AuditEventView", ("can_list", "can_show", "can_export"), "Audit trail"),
        *grants("AuditChartView", ("can_index",), "Audit charts"),
    ], territorial=False),
    RoleTemplate("Reference editor", _l("Reference data editor"), [
        *COMMON, *grants("TerritoryView", ("can_edit", "can_export")), ("can_put", "TerritoryApi"),
    ], territorial=False),
]


def expand(patterns, permission_views):
    """The (permission, view) pairs of `permission_views` matching any pattern."""
    return [pv for pv in permission_views
            if any(fnmatch(pv.permission.name, p) and fnmatch(pv.view_menu.name, v) for p, v in patterns)]


def seed(sm, templates, echo=print):
    """Create the roles that do not exist yet. Returns the names created."""
    from flask_appbuilder.security.sqla.models import PermissionView

    all_pvs = sm.session.query(PermissionView).all()
    created = []
    for template in templates:
        if sm.find_role(template.name) is not None:
            continue
        role = sm.add_role(template.name)
        role.permissions = expand(template.permissions, all_pvs)
        sm.session.commit()
        created.append(template.name)
        echo(f"  role {template.name}: {len(role.permissions)} permissions")
    return created
