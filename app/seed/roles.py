"""Role templates built from code references: created once, then edited by admins in the UI (never FAB_ROLES).

A template entry is a `grant(ViewOrApiClass, "read", "write", "can_print", menu=True)`: the class is imported, so a
renamed class is an ImportError, and the actions are checked against the permissions FAB derives from the class
(its `base_permissions`), so a renamed or removed method fails at resolve time instead of silently granting nothing.
"read"/"write" expand through the read/write maps below (as Superset's MODEL_API_RW_METHOD_PERMISSION_MAP), kept
to what the class declares. `menu=True` adds the class's menu item and its category (from the registry's MenuItem).

Existing roles are never overwritten; `diff` shows what the running version's templates would add to each seeded
role and `apply` adds exactly that (adds only: nothing an admin granted is removed)."""
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

#: what "read" and "write" stand for, for model views, chart/report pages (can_index) and REST APIs alike
RW_PERMISSIONS = {
    "read": ("can_list", "can_show", "can_index", "can_get", "can_info"),
    "write": ("can_add", "can_edit", "can_delete", "can_post", "can_put"),
}


class TemplateError(LookupError):
    """A template entry that grants nothing in the running app (unknown class, action or menu)."""


@dataclass(frozen=True)
class Grant:
    target: type  # a view or API class
    actions: tuple = ()  # "read", "write", "*" or concrete permission names ("can_print", "resetmypassword")
    menu: bool = False  # also menu_access on the class's menu item and its category

    def __str__(self):
        return f"grant({self.target.__name__}, {', '.join(map(repr, self.actions))}{', menu=True' if self.menu else ''})"


def grant(target, *actions, menu=False):
    if not isinstance(target, type):
        raise TypeError(f"grant() takes a view or API class, not {target!r}")
    return Grant(target, tuple(actions), menu)


def role_key(role_name):
    """A role's stable key: its English name in lower case with underscores ("LSG clerk" -> lsg_clerk), as in the
    demo logins (demo_lsg_clerk) and the guides (help/<lang>/lsg_clerk.md)."""
    return re.sub(r"[^a-z0-9]+", "_", role_name.lower()).strip("_")


@dataclass
class RoleTemplate:
    name: str  # stable English name
    label: object  # translated label, shown in the README and the demo listing
    permissions: list = field(default_factory=list)  # Grant
    territorial: bool = True  # demo users of this role get a territory scope
    #: demo users of this role are bound to an organisation of the e-government register (its first one, once the
    #: demo data has one): they see and write that organisation's rows only (app/scope.py)
    organisation: bool = False
    #: demo users of this role are bound to the first office of the public service centre's demo data (app/scope.py,
    #: the office part)
    office: bool = False
    #: for an organisation-bound role: (session) -> the organisation its demo user is bound to (None: the
    #: organisation of the demo data's first authorised employee of the e-government register)
    organisation_of: object = None


def _view_of(appbuilder, cls):
    for view in appbuilder.baseviews:
        if type(view) is cls:
            return view
    for view in appbuilder.baseviews:  # a subclass registered in its place (e.g. the security manager's views)
        if isinstance(view, cls):
            return view
    raise TemplateError(f"{cls.__name__} is not registered in the running app")


def resolve(entry, appbuilder, menus):
    """The (permission, view-menu) names one Grant stands for. `menus` maps a view class to its MenuItem."""
    view = _view_of(appbuilder, entry.target)
    declared = set(view.base_permissions or ())
    pairs = []
    for action in entry.actions:
        if action == "*":
            names = sorted(declared)
        elif action in RW_PERMISSIONS:
            names = [p for p in RW_PERMISSIONS[action] if p in declared]
        elif action in declared:
            names = [action]
        else:
            names = []
        if not names:
            raise TemplateError(f"{entry}: {entry.target.__name__} has no permission for {action!r} "
                                f"(it declares {sorted(declared)})")
        pairs.extend((name, view.class_permission_name) for name in names)
    if entry.menu:
        item = menus.get(entry.target)
        if item is None:
            raise TemplateError(f"{entry}: {entry.target.__name__} has no menu item")
        pairs.append(("menu_access", item.name))
        if item.category:
            pairs.append(("menu_access", item.category))
    return pairs


def expected(template, appbuilder, menus):
    """The set of (permission, view-menu) names a template grants."""
    return {pair for entry in template.permissions for pair in resolve(entry, appbuilder, menus)}


def _permission_views(sm, pairs):
    from flask_appbuilder.security.sqla.models import PermissionView

    index = {(pv.permission.name, pv.view_menu.name): pv for pv in sm.session.query(PermissionView).all()}
    missing = sorted(pair for pair in pairs if pair not in index)
    if missing:  # resolve() checked the class; the permission table may still lag behind (sync_security not run)
        raise TemplateError(f"permissions not in the database: {missing}")
    return [index[pair] for pair in sorted(pairs)]


def seed(sm, templates, appbuilder, menus, echo=print):
    """Create the roles that do not exist yet. Returns the names created."""
    created = []
    for template in templates:
        if sm.find_role(template.name) is not None:
            continue
        role = sm.add_role(template.name)
        role.permissions = _permission_views(sm, expected(template, appbuilder, menus))
        sm.session.commit()
        created.append(template.name)
        echo(f"  role {template.name}: {len(role.permissions)} permissions")
    return created


def diff(sm, templates, appbuilder, menus):
    """{role name: sorted [(permission, view-menu)]} the templates grant and the existing role lacks (roles not
    seeded yet are left out: `seed` creates them whole)."""
    out = {}
    for template in templates:
        role = sm.find_role(template.name)
        if role is None:
            continue
        have = {(pv.permission.name, pv.view_menu.name) for pv in role.permissions}
        missing = sorted(expected(template, appbuilder, menus) - have)
        if missing:
            out[template.name] = missing
    return out


def apply(sm, templates, appbuilder, menus):
    """Add what `diff` lists to each role; never removes a permission. Returns the diff that was applied."""
    changes = diff(sm, templates, appbuilder, menus)
    for name, pairs in changes.items():
        role = sm.find_role(name)
        role.permissions.extend(_permission_views(sm, pairs))
    sm.session.commit()
    return changes


def common():
    """What every role needs: its own account pages, the global search, the user guides, the territory tree and
    the data catalogue's listing."""
    from flask_appbuilder.security.views import ResetMyPasswordView, UserInfoEditView

    from app.security import SanaripUserView
    from views.catalogue import CatalogueApi, CatalogueView
    from views.reference import TerritoryApi, TerritoryChildrenView, TerritoryView
    from views.help import HelpView
    from views.jobs import JobsView
    from views.search import SearchView

    return [grant(SanaripUserView, "can_userinfo", "resetmypassword"), grant(ResetMyPasswordView, "*"),
            # the global search: each hit still needs can_show on its view and lies in the user's scope
            grant(SearchView, "can_index"),
            grant(HelpView, "can_index"),  # the user guides (help/<lang>/<role>.md)
            grant(JobsView, "can_index"),  # My jobs: only one's own (the daily duties stay the admin's)
            grant(UserInfoEditView, "*"),
            grant(TerritoryView, "read", menu=True), grant(TerritoryChildrenView, "read"), grant(TerritoryApi, "read"),
            # everyone sees which datasets the system keeps (counts only of what they may read)
            grant(CatalogueView, "read", menu=True), grant(CatalogueApi, "read")]


def core_templates():
    from charts.audit import AuditChartView
    from views.audit import AuditEventView
    from views.reference import TerritoryApi, TerritoryView

    return [
        RoleTemplate("Auditor", _l("Auditor"), [
            *common(), grant(AuditEventView, "read", "can_export", menu=True), grant(AuditChartView, "read", menu=True),
        ], territorial=False),
        RoleTemplate("Reference editor", _l("Reference data editor"), [
            *common(), grant(TerritoryView, "can_edit", "can_export"), grant(TerritoryApi, "can_put"),
        ], territorial=False),
    ]
