"""The single place that wires modules: views, charts, APIs, menus, role templates and seeders.

A module is switched off by leaving its key out of SANARIP_MODULES (config.ENABLED_MODULES)."""
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class MenuItem:
    view: type
    name: str  # stable English name: the permission's view-menu name
    label: object  # lazy translated label
    category: str = None
    category_label: object = None
    icon: str = None
    category_icon: str = None


@dataclass
class ModuleSpec:
    key: str
    label: object
    menu: list = field(default_factory=list)  # MenuItem
    hidden_views: list = field(default_factory=list)  # views without a menu entry (related views, detail pages)
    apis: list = field(default_factory=list)
    #: RoleTemplate list (app/seed/roles.py); templates of the same name from several modules are merged
    role_templates: list = field(default_factory=list)
    seed_reference: Callable = None  # (session, echo) -> None: reference data, idempotent
    seed_demo: Callable = None  # (session, echo) -> None: demo data through the services, idempotent
    public_blueprints: list = field(default_factory=list)  # Flask blueprints served without login
    commands: list = field(default_factory=list)  # click commands added to `flask sanarip`


def _core():
    from flask_babel import lazy_gettext as _l

    from app.seed import roles as role_seed, territories
    from charts.audit import AuditChartView
    from views.audit import AuditEventView
    from views.reference import TerritoryApi, TerritoryChildrenView, TerritoryView

    admin, admin_label = "Administration", _l("Administration")
    return ModuleSpec(
        key="core",
        label=_l("Platform"),
        menu=[
            MenuItem(TerritoryView, "Territories", _l("Territories"), "Reference", _l("Reference data"),
                     "fa-map", "fa-book"),
            MenuItem(AuditEventView, "Audit trail", _l("Audit trail"), admin, admin_label, "fa-eye", "fa-shield"),
            MenuItem(AuditChartView, "Audit charts", _l("Audit charts"), admin, admin_label, "fa-chart-bar"),
        ],
        hidden_views=[TerritoryChildrenView],
        apis=[TerritoryApi],
        role_templates=role_seed.CORE_TEMPLATES,
        seed_reference=territories.load,
    )


def _household_book():
    from flask_babel import lazy_gettext as _l

    from app.seed import household_book as seed
    from app.seed.roles import COMMON, RoleTemplate, grants
    from charts.household_book import HouseholdChartView
    from views.certificates import verification
    from views.household_book import CertificateView, HouseholdApi, HouseholdView, MemberApi, MemberView, \
        MovementView, VoterListView

    category, label = "Household book", _l("Household book")
    views = ["HouseholdView", "MemberView", "MovementView", "CertificateView"]
    read = [*COMMON, ("menu_access", category), ("menu_access", "Households"), ("menu_access", "Members"),
            ("menu_access", "Movements"), ("menu_access", "Household charts"), ("menu_access", "Certificates"),
            *[(p, v) for v in views for p in ("can_list", "can_show", "can_export", "can_print")],
            ("can_index", "HouseholdChartView"), ("can_get", "HouseholdApi"), ("can_info", "HouseholdApi"),
            ("can_get", "MemberApi"), ("can_info", "MemberApi"), ("menu_access", "Voter list"),
            ("can_index", "VoterListView"), ("can_export", "VoterListView")]
    write = [*read, *[(p, v) for v in views for p in ("can_add", "can_edit", "can_delete", "can_import")],
             ("can_*", "HouseholdApi"), ("can_*", "MemberApi")]
    return ModuleSpec(
        key="household_book",
        label=label,
        menu=[
            MenuItem(HouseholdView, "Households", _l("Households"), category, label, "fa-home", "fa-book"),
            MenuItem(MemberView, "Members", _l("Household members"), category, label, "fa-users"),
            MenuItem(MovementView, "Movements", _l("Movements"), category, label, "fa-exchange"),
            MenuItem(CertificateView, "Certificates", _l("Certificates"), category, label, "fa-certificate"),
            MenuItem(VoterListView, "Voter list", _l("Voter list"), category, label, "fa-check-square"),
            MenuItem(HouseholdChartView, "Household charts", _l("Household book charts"), category, label,
                     "fa-chart-bar"),
        ],
        apis=[HouseholdApi, MemberApi],
        public_blueprints=[verification],
        role_templates=[
            RoleTemplate("LSG clerk", _l("LSG clerk"), write),
            RoleTemplate("LSG head", _l("LSG head"), read),
        ],
        seed_demo=seed.seed,
    )


def _statistics():
    from flask_babel import lazy_gettext as _l

    from app.seed.roles import COMMON, RoleTemplate
    from charts.statistics import StatisticsView

    category, label = "Statistics", _l("Statistics")
    access = [("menu_access", category), ("menu_access", "Population statistics"), ("can_index", "StatisticsView")]
    return ModuleSpec(
        key="statistics",
        label=label,
        menu=[MenuItem(StatisticsView, "Population statistics", _l("Anonymised population statistics"), category,
                       label, "fa-table", "fa-bar-chart")],
        role_templates=[
            # the statistics agency: aggregates only, republic-wide, no personal record anywhere
            RoleTemplate("Statistician", _l("Statistician"), [*COMMON, *access], territorial=False),
            RoleTemplate("LSG policy specialist", _l("LSG policy specialist"), [*COMMON, *access],
                         territorial=False),
        ],
    )


# Menu order. Each builder imports its module's models, views, charts and seeders only when enabled.
MODULES = {"core": _core, "household_book": _household_book, "statistics": _statistics}


def load_modules(enabled):
    return [build() for key, build in MODULES.items() if key == "core" or "all" in enabled or key in enabled]


def register(appbuilder, specs):
    for spec in specs:
        for item in spec.menu:
            appbuilder.add_view(item.view, item.name, label=item.label, icon=item.icon, category=item.category,
                                category_label=item.category_label, category_icon=item.category_icon)
        for view in spec.hidden_views:
            appbuilder.add_view_no_menu(view)
        for api in spec.apis:
            appbuilder.add_api(api)
