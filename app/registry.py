"""The single place that wires modules: views, charts, APIs, menus, role templates and seeders.

A module is switched off by leaving its key out of SANARIP_MODULES (config.ENABLED_MODULES)."""
from dataclasses import dataclass, field
from typing import Callable

from app.dashboard import Tile
from app.search import SearchTarget


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
    #: (session, now) -> [report lines]: the module's periodic duty, run by `flask sanarip daily`; idempotent
    daily: Callable = None
    #: app/search.py SearchTarget list: what the global search finds through this module's views
    search: list = field(default_factory=list)
    #: app/dashboard.py Tile list: the module's numbers and work waiting on the home page
    dashboard: list = field(default_factory=list)


def _duty(service):
    """The `daily(session, now)` function of a service module, imported when the duty runs."""
    def run(session, now):
        import importlib

        return importlib.import_module(service).daily(session, now)
    return run


def _core():
    from flask_babel import lazy_gettext as _l

    from app.seed import roles as role_seed, territories
    from charts.audit import AuditChartView
    from views.audit import AuditEventView
    from views.reference import TerritoryApi, TerritoryChildrenView, TerritoryView
    from views.help import HelpView
    from views.jobs import JobsView
    from views.search import SearchView
    from views.signing import SigningCertificateView

    admin, admin_label = "Administration", _l("Administration")
    return ModuleSpec(
        key="core",
        label=_l("Platform"),
        menu=[
            MenuItem(TerritoryView, "Territories", _l("Territories"), "Reference", _l("Reference data"),
                     "fa-map", "fa-book"),
            MenuItem(AuditEventView, "Audit trail", _l("Audit trail"), admin, admin_label, "fa-eye", "fa-shield"),
            MenuItem(AuditChartView, "Audit charts", _l("Audit charts"), admin, admin_label, "fa-chart-bar"),
            MenuItem(SigningCertificateView, "Signing certificates", _l("Signing certificates"), admin, admin_label,
                     "fa-key"),
        ],
        hidden_views=[TerritoryChildrenView, SearchView, HelpView, JobsView],
        apis=[TerritoryApi],
        role_templates=role_seed.core_templates(),
        seed_reference=territories.load,
        commands=[territories.coverage_command],  # flask sanarip territory-names: name coverage per level
    )


def _household_book():
    from flask_babel import lazy_gettext as _l

    from app.scope import scoped_select
    from models.household_book import Certificate, Household

    from app.seed import household_book as seed
    from app.seed.roles import RoleTemplate, common, grant
    from charts.household_book import HouseholdChartView
    from views.certificates import document_check, verification
    from views.household_book import CertificateApi, CertificateView, HouseholdApi, HouseholdView, MemberApi, \
        MemberView, MovementView, VoterListView

    category, label = "Household book", _l("Household book")
    read = [*common(), grant(HouseholdView, "read", "can_export", "can_print", menu=True),
            grant(MemberView, "read", "can_export", "can_print", menu=True),
            grant(MovementView, "read", "can_export", menu=True),
            grant(CertificateView, "read", "can_export", "can_print", menu=True),
            grant(VoterListView, "read", "can_export", "can_print", menu=True), grant(HouseholdChartView, "read", menu=True),
            grant(HouseholdApi, "read"), grant(MemberApi, "read"), grant(CertificateApi, "read")]
    # movements and certificates are records of what happened: added, never edited or deleted
    write = [*read, grant(HouseholdView, "write", "can_import"), grant(MemberView, "write", "can_import"),
             grant(MovementView, "can_add"), grant(CertificateView, "can_add"), grant(HouseholdApi, "*"),
             grant(MemberApi, "*")]
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
        apis=[HouseholdApi, MemberApi, CertificateApi],
        public_blueprints=[verification, document_check],
        role_templates=[
            RoleTemplate("LSG clerk", _l("LSG clerk"), write),
            RoleTemplate("LSG head", _l("LSG head"), [*read, grant(CertificateView, "can_revoke")]),
        ],
        seed_reference=seed.seed_reference,  # the issuing bodies' signing certificates (demo CA)
        seed_demo=seed.seed,
        search=[SearchTarget(MemberView, pin="pin", name="full_name"), SearchTarget(HouseholdView, number="number"),
                SearchTarget(CertificateView, number="number")],
        dashboard=[
            Tile(HouseholdView, _l("Households"), rows=lambda session, scope, today: scoped_select(Household, scope),
                 recent=True, icon="fa-home"),
            Tile(CertificateView, _l("Certificates issued today"), icon="fa-file-text-o", recent=True,
                 rows=lambda session, scope, today: scoped_select(Certificate, scope).where(
                     Certificate.issued_on == today)),
        ],
    )


def _statistics():
    from flask_babel import lazy_gettext as _l

    from app.seed.roles import RoleTemplate, common, grant
    from charts.statistics import StatisticsView

    category, label = "Statistics", _l("Statistics")
    access = [grant(StatisticsView, "read", menu=True)]
    return ModuleSpec(
        key="statistics",
        label=label,
        menu=[MenuItem(StatisticsView, "Population statistics", _l("Anonymised population statistics"), category,
                       label, "fa-table", "fa-bar-chart")],
        role_templates=[
            # the statistics agency: aggregates only, republic-wide, no personal record anywhere
            RoleTemplate("Statistician", _l("Statistician"), [*common(), *access], territorial=False),
            RoleTemplate("LSG policy specialist", _l("LSG policy specialist"), [*common(), *access],
                         territorial=False),
        ],
    )


def _lsg_passport():
    from flask_babel import lazy_gettext as _l

    from app.seed import lsg_passport as seed
    from app.seed.roles import RoleTemplate, common, grant
    from charts.lsg_passport import LsgPassportChartView
    from views.lsg_passport import LsgActivitySphereView, LsgIndicatorValueView, LsgIndicatorView, \
        LsgObjectTypeView, LsgPassportApi, LsgPassportView, LsgProblemView, LsgSocialObjectView, OfficialFigureView

    category, label = "LSG passport", _l("LSG passport")
    reference, reference_label = "Reference", _l("Reference data")
    views = [LsgPassportView, LsgIndicatorValueView, LsgSocialObjectView, LsgProblemView]
    # passports hold figures, never personal data: reading them needs no territory of its own
    read = [*common(), *[grant(v, "read", "can_export", menu=True) for v in views],
            grant(LsgPassportChartView, "read", menu=True), grant(LsgPassportApi, "read"),
            grant(OfficialFigureView, "read", "can_export", menu=True)]
    # official statistics: entered and imported within the user's territory (the republic by national users)
    official = [*read, grant(OfficialFigureView, "write", "can_import")]
    # a passport is never deleted (through the UI or the API); its parts are
    write = [*official, grant(LsgPassportView, "can_add", "can_edit", "can_refresh"),
             grant(LsgIndicatorValueView, "can_import"), *[grant(v, "write") for v in views[1:]],
             grant(LsgPassportApi, "read", "can_post", "can_put")]
    return ModuleSpec(
        key="lsg_passport",
        label=label,
        menu=[
            MenuItem(LsgPassportView, "LSG passports", _l("LSG passports"), category, label, "fa-id-card",
                     "fa-university"),
            MenuItem(LsgIndicatorValueView, "LSG indicator values", _l("Indicator values"), category, label,
                     "fa-list-ol"),
            MenuItem(LsgSocialObjectView, "LSG social objects", _l("Social objects"), category, label,
                     "fa-building"),
            MenuItem(LsgProblemView, "LSG problems and needs", _l("Problems and needs"), category, label,
                     "fa-exclamation-triangle"),
            MenuItem(LsgPassportChartView, "LSG passport charts", _l("LSG passport charts"), category, label,
                     "fa-chart-bar"),
            MenuItem(OfficialFigureView, "Official statistics", _l("Official statistics"), category, label,
                     "fa-line-chart"),
            MenuItem(LsgObjectTypeView, "LSG social object types", _l("Types of social objects"), reference,
                     reference_label, "fa-tags"),
            MenuItem(LsgActivitySphereView, "LSG spheres of activity", _l("Spheres of activity"), reference,
                     reference_label, "fa-industry"),
            MenuItem(LsgIndicatorView, "LSG passport indicators", _l("Passport indicators"), reference,
                     reference_label, "fa-list"),
        ],
        apis=[LsgPassportApi],
        role_templates=[
            RoleTemplate("LSG clerk", _l("LSG clerk"), write),
            RoleTemplate("LSG head", _l("LSG head"), read),
            RoleTemplate("LSG policy specialist", _l("LSG policy specialist"), official, territorial=False),
        ],
        seed_reference=seed.seed_reference,
        seed_demo=seed.seed,
    )


def _land_queue():
    from flask_babel import lazy_gettext as _l

    from app.scope import scoped_select
    from models.land_queue import LandApplication

    from app.seed import land_queue as seed
    from app.seed.roles import RoleTemplate, common, grant
    from charts.land_queue import LandQueueChartView
    from views.land_queue import LandApplicationView, LandCategoryView, LandFamilyMemberView, LandApplicationApi, \
        LandStatusHistoryView, public

    category, label = "Land plot queue", _l("Land plot queue")
    reference, reference_label = "Reference", _l("Reference data")
    charts = [grant(LandQueueChartView, "read", menu=True)]
    read = [*common(), *charts, grant(LandApplicationView, "read", "can_export", "can_print", menu=True),
            grant(LandFamilyMemberView, "read", "can_export"), grant(LandStatusHistoryView, "read"),
            grant(LandCategoryView, "read", menu=True), grant(LandApplicationApi, "read")]
    # the clerk registers, allocates and removes in their own territory (the scope limits every write)
    write = [*read, grant(LandApplicationView, "can_add", "can_edit", "can_import", "can_allocate", "can_remove"),
             grant(LandFamilyMemberView, "write"), grant(LandApplicationApi, "can_post", "can_put")]
    return ModuleSpec(
        key="land_queue",
        label=label,
        menu=[
            MenuItem(LandApplicationView, "Land applications", _l("Land plot applications"), category, label,
                     "fa-map-marker", "fa-map"),
            MenuItem(LandQueueChartView, "Land queue charts", _l("Land plot queue charts"), category, label,
                     "fa-chart-bar"),
            MenuItem(LandCategoryView, "Land queue categories", _l("Land queue priority categories"), reference,
                     reference_label, "fa-sort-amount-asc"),
        ],
        hidden_views=[LandFamilyMemberView, LandStatusHistoryView],
        apis=[LandApplicationApi],
        role_templates=[
            RoleTemplate("LSG clerk", _l("LSG clerk"), write),
            RoleTemplate("LSG head", _l("LSG head"), read),
            # charts only: counts across the republic, no personal record
            RoleTemplate("LSG policy specialist", _l("LSG policy specialist"), [*common(), *charts],
                         territorial=False),
        ],
        seed_reference=seed.seed_reference,
        seed_demo=seed.seed,
        public_blueprints=[public],
        search=[SearchTarget(LandApplicationView, pin="pin", name="full_name", number="number")],
        dashboard=[
            Tile(LandApplicationView, _l("Applications in the land-plot queue"), filter=("status", "queue"),
                 icon="fa-map", rows=lambda session, scope, today: scoped_select(LandApplication, scope).where(
                     LandApplication.status == "queue")),
        ],
    )


def _social_passport():
    from flask_babel import lazy_gettext as _l

    from app.scope import scoped_select
    from models.social_passport import SocialPassport, SocialPassportProposal

    from app.seed import social_passport as seed
    from app.seed.roles import RoleTemplate, common, grant
    from charts.social_passport import SocialPassportChartView
    from views.social_passport import NeedView, PovertyLineView, ReasonView, SocialPassportApi, \
        SocialPassportProposalApi, SocialPassportProposalView, SocialPassportView, SupportListView

    category, label = "Social passports", _l("Social passports")
    reference, reference_label = "Reference", _l("Reference data")
    passports = [*common(), grant(SocialPassportView, "read", "can_export", "can_print", menu=True),
                 grant(SocialPassportApi, "read")]
    support_list = [grant(SupportListView, "read", "can_export", "can_print", menu=True)]
    charts = [grant(SocialPassportChartView, "read", menu=True)]  # the chart's export is under its read
    proposals = [grant(SocialPassportProposalView, "read", "can_export", menu=True),
                 grant(SocialPassportProposalApi, "read")]
    return ModuleSpec(
        key="social_passport",
        label=label,
        menu=[
            MenuItem(SocialPassportView, "Family social passports", _l("Social passports of families"), category,
                     label, "fa-id-card-o", "fa-heart"),
            MenuItem(SocialPassportProposalView, "Social passport proposals", _l("Proposals for social passports"),
                     category, label, "fa-hand-paper-o"),
            MenuItem(SupportListView, "Families needing support", _l("Families needing state support"), category,
                     label, "fa-list"),
            MenuItem(SocialPassportChartView, "Social passport charts", _l("Social passport charts"), category,
                     label, "fa-chart-bar"),
            MenuItem(PovertyLineView, "Poverty lines", _l("Poverty lines"), reference, reference_label,
                     "fa-line-chart"),
            MenuItem(NeedView, "Needs of families", _l("Needs of families"), reference, reference_label,
                     "fa-shopping-basket"),
            MenuItem(ReasonView, "Reasons of low income", _l("Reasons of low income"), reference,
                     reference_label, "fa-question-circle"),
        ],
        apis=[SocialPassportApi, SocialPassportProposalApi],
        role_templates=[
            RoleTemplate("LSG clerk", _l("LSG clerk"), [
                *passports, grant(SocialPassportView, "write", "can_submit", "can_reopen"), *proposals,
                grant(SocialPassportProposalView, "can_form_passport", "can_reject")]),
            RoleTemplate("LSG head", _l("LSG head"), [
                *passports, grant(SocialPassportView, "can_approve", "can_return"), *support_list, *charts,
                *proposals]),
            # the social-protection body proposes families (cl. 23) and reads every report and chart of the module
            RoleTemplate("Social protection specialist", _l("Social protection specialist"),
                         [*passports, *support_list, *charts, *proposals,
                          grant(SocialPassportProposalView, "can_add")]),
            RoleTemplate("LSG policy specialist", _l("LSG policy specialist"), [*common(), *charts],
                         territorial=False),
        ],
        seed_reference=seed.seed_reference,
        seed_demo=seed.seed,
        commands=[seed.reviews_command],  # flask sanarip social-passport-reviews: the same duty on its own
        daily=_duty("app.services.social_passport"),
        dashboard=[
            Tile(SocialPassportView, _l("Social passports awaiting approval"), filter=("status", "submitted"),
                 style="warning", icon="fa-check-square-o", recent=True,
                 rows=lambda session, scope, today: scoped_select(SocialPassport, scope).where(
                     SocialPassport.status == "submitted")),
            Tile(SupportListView, _l("Families needing state support"), icon="fa-heart"),
            Tile(SocialPassportProposalView, _l("Proposals for social passports awaiting a decision"),
                 filter=("status", "proposed"), style="info", icon="fa-hand-paper-o", recent=True,
                 rows=lambda session, scope, today: scoped_select(SocialPassportProposal, scope).where(
                     SocialPassportProposal.status == "proposed")),
        ],
    )


def _municipal_property():
    from flask_babel import lazy_gettext as _l

    from app.scope import scoped_select
    from models.municipal_property import PropertyDecommission

    from app.seed import municipal_property as seed
    from app.seed.roles import RoleTemplate, common, grant
    from charts.municipal_property import PropertyChartView
    from views.municipal_property import DecommissionReasonView, PropertyArchiveView, PropertyDecommissionApi, \
        PropertyDecommissionStepView, PropertyDecommissionView, PropertyDocumentView, PropertyEventView, \
        PropertyLeaseView, PropertyObjectApi, PropertyObjectView

    category, label = "Municipal property", _l("Municipal property")
    reference, reference_label = "Reference", _l("Reference data")
    charts = [grant(PropertyChartView, "read", menu=True)]
    read = [*common(), *charts, grant(PropertyObjectView, "read", "can_export", "can_print", menu=True),
            grant(PropertyLeaseView, "read", "can_export", "can_print", menu=True),
            grant(PropertyDocumentView, "read", "can_export", "can_download", menu=True),
            grant(PropertyEventView, "read", "can_export", menu=True),
            grant(PropertyDecommissionView, "read", "can_export", menu=True),
            grant(PropertyArchiveView, "read", "can_print", menu=True), grant(DecommissionReasonView, "read", menu=True),
            grant(PropertyDecommissionStepView, "read"),
            grant(PropertyObjectApi, "read"), grant(PropertyDecommissionApi, "read")]
    # the clerk enters and changes objects, leases, documents and acts in their own territory (scope limits writes)
    write = [*read, grant(PropertyObjectView, "can_add", "can_edit", "can_import", "can_decommission"),
             grant(PropertyLeaseView, "can_add", "can_edit"), grant(PropertyDocumentView, "write"),
             grant(PropertyDecommissionView, "can_add", "can_edit"), grant(PropertyArchiveView, "can_edit"),
             grant(PropertyObjectApi, "can_post", "can_put")]
    return ModuleSpec(
        key="municipal_property",
        label=label,
        menu=[
            MenuItem(PropertyObjectView, "Property register", _l("Register of municipal property"), category,
                     label, "fa-building", "fa-bank"),
            MenuItem(PropertyLeaseView, "Property leases", _l("Leases"), category, label, "fa-handshake-o"),
            MenuItem(PropertyDocumentView, "Property documents", _l("Property documents"), category, label,
                     "fa-file-pdf-o"),
            MenuItem(PropertyEventView, "Property history", _l("Property history"), category, label, "fa-history"),
            MenuItem(PropertyDecommissionView, "Property decommissioning", _l("Decommissioning acts"), category,
                     label, "fa-archive"),
            MenuItem(PropertyArchiveView, "Decommissioned property", _l("Decommissioned objects"), category, label,
                     "fa-trash-o"),
            MenuItem(PropertyChartView, "Property charts", _l("Municipal property charts"), category, label,
                     "fa-chart-bar"),
            MenuItem(DecommissionReasonView, "Decommissioning reasons", _l("Decommissioning reasons"), reference,
                     reference_label, "fa-list"),
        ],
        hidden_views=[PropertyDecommissionStepView],
        apis=[PropertyObjectApi, PropertyDecommissionApi],
        role_templates=[
            RoleTemplate("LSG clerk", _l("LSG clerk"), write),
            RoleTemplate("LSG head", _l("LSG head"), [*read, grant(PropertyDecommissionView, "can_approve", "can_reject")]),
            # charts only: objects, values and lease terms across the republic, no tenant names
            RoleTemplate("LSG policy specialist", _l("LSG policy specialist"), [*common(), *charts],
                         territorial=False),
            RoleTemplate("Reference editor", _l("Reference data editor"),
                         [grant(DecommissionReasonView, "read", "can_edit", menu=True)], territorial=False),
        ],
        seed_reference=seed.seed_reference,
        seed_demo=seed.seed,
        search=[SearchTarget(PropertyObjectView, number="inventory_number")],
        dashboard=[
            Tile(PropertyDecommissionView, _l("Decommissioning acts awaiting approval"), filter=("status", "pending"),
                 style="warning", icon="fa-archive", recent=True,
                 rows=lambda session, scope, today: scoped_select(PropertyDecommission, scope).where(
                     PropertyDecommission.status == "pending")),
        ],
    )


def _child_protection():
    from flask_babel import lazy_gettext as _l

    from app.scope import scoped_select
    from models.child_protection import CpChild

    from app.seed import child_protection as seed
    from app.seed.roles import RoleTemplate, common, grant
    from charts.child_protection import ChildProtectionChartView
    from views.child_protection import CpActivityView, CpAssessmentView, CpChildApi, CpChildView, CpFamilyView, \
        CpOverdueView, CpPlanRuleView, CpReasonView, CpRelativeView, CpTransitionView, CpVisitView

    category, label = "Child protection", _l("Child protection")
    reference, reference_label = "Reference", _l("Reference data")
    read = [*common(), *[grant(v, "read", "can_export", menu=True) for v in (CpChildView, CpFamilyView, CpActivityView)],
            grant(CpOverdueView, "read", "can_export", "can_print", menu=True),
            *[grant(v, "read", "can_export") for v in (CpRelativeView, CpAssessmentView, CpVisitView)],
            grant(CpTransitionView, "read"), grant(ChildProtectionChartView, "read", menu=True),
            grant(CpReasonView, "read", menu=True), grant(CpPlanRuleView, "read", menu=True), grant(CpChildApi, "read")]
    # the case worker edits within their own territory (the scope limits every write); readers never edit
    decides = ("can_agree_suspension", "can_refuse_suspension")  # the territorial unit's responsible person (cl. 20)
    write = [*read, grant(CpChildView, "can_add", "can_edit", "can_print", "can_generate",
                          *(p for p in CpChildView.workflow.permissions() if p not in decides)),
             grant(CpFamilyView, "can_add", "can_edit", "can_print"), grant(CpRelativeView, "write"),
             grant(CpAssessmentView, "can_add", "can_edit"), grant(CpActivityView, "write"),
             grant(CpVisitView, "can_add", "can_edit"), grant(CpChildApi, "can_post", "can_put")]
    return ModuleSpec(
        key="child_protection",
        label=label,
        menu=[
            MenuItem(CpChildView, "Children in difficult situations", _l("Children in difficult life situations"),
                     category, label, "fa-child", "fa-life-ring"),
            MenuItem(CpFamilyView, "Families in difficult situations", _l("Families in difficult life situations"),
                     category, label, "fa-users"),
            MenuItem(CpActivityView, "Plan activities", _l("Activities of the plans"), category, label, "fa-tasks"),
            MenuItem(CpOverdueView, "Overdue activities", _l("Overdue activities"), category, label,
                     "fa-clock-o"),
            MenuItem(ChildProtectionChartView, "Child protection reports", _l("Child protection reports"),
                     category, label, "fa-chart-bar"),
            MenuItem(CpReasonView, "Child protection reasons", _l("Reasons for the difficult situation"), reference,
                     reference_label, "fa-list"),
            MenuItem(CpPlanRuleView, "Child protection plan rules", _l("Rules of the child-protection plans"),
                     reference, reference_label, "fa-magic"),
        ],
        hidden_views=[CpRelativeView, CpAssessmentView, CpVisitView, CpTransitionView],
        apis=[CpChildApi],
        role_templates=[
            RoleTemplate("Child protection case worker", _l("Child protection case worker"), write),
            RoleTemplate("Child protection territorial reader", _l("Child protection territorial reader"), read),
            RoleTemplate("Child protection responsible person", _l("Responsible person of the territorial unit for "
                                                                   "child protection"),
                         [*read, grant(CpChildView, "can_print", *decides)]),
            RoleTemplate("Child protection central reader", _l("Child protection central reader"), read,
                         territorial=False),
            RoleTemplate("Reference editor", _l("Reference data editor"), [
                grant(v, "read", "can_add", "can_edit", menu=True) for v in (CpReasonView, CpPlanRuleView)],
                territorial=False),
        ],
        seed_reference=seed.seed_reference,
        seed_demo=seed.seed,
        commands=[seed.retention_command],
        daily=_duty("app.services.child_protection"),
        search=[SearchTarget(CpChildView, pin="pin", name="full_name")],
        dashboard=[
            Tile(CpOverdueView, _l("Overdue activities"), style="danger", icon="fa-clock-o"),
            Tile(CpChildView, _l("Open cases"), icon="fa-child",
                 rows=lambda session, scope, today: scoped_select(CpChild, scope).where(
                     CpChild.status.not_in(("closed", "suspended")))),
            Tile(CpChildView, _l("Suspensions waiting for a decision"), style="warning", icon="fa-pause",
                 recent=True, rows=lambda session, scope, today: scoped_select(CpChild, scope).where(
                     CpChild.suspension_requested_at.is_not(None))),
        ],
    )


def _catalogue():
    """The data catalogue (always on, like the platform): datasets and fields, custom fields, classifiers, texts,
    policy parameters, the chart builder and open data."""
    from flask_babel import lazy_gettext as _l

    from app import catalogue
    from app.catalogue.commands import catalogue_apply_command, catalogue_snapshot_command, promote_field_command
    from app.seed.roles import RoleTemplate, grant
    from views.catalogue import CatalogueApi, CatalogueView, ClassifierItemView, ClassifierView, CustomFieldView, \
        DictionaryTextView, PolicyParameterView, open_data
    from views.chart_builder import ChartBuilderView, SavedChartView

    admin, admin_label = "Administration", _l("Administration")
    category, label = "Catalogue", _l("Data catalogue")
    charts = [grant(ChartBuilderView, "read", "can_save", menu=True),
              grant(SavedChartView, "read", "can_edit", "can_delete", menu=True)]
    classifier_edit = [grant(ClassifierView, "read", "can_edit", menu=True),
                       grant(ClassifierItemView, "read", "can_add", "can_edit")]
    return ModuleSpec(
        key="catalogue",
        label=label,
        menu=[
            MenuItem(CatalogueView, "Data catalogue", _l("Datasets"), category, label, "fa-database", "fa-database"),
            MenuItem(ChartBuilderView, "Chart builder", _l("Chart builder"), category, label, "fa-bar-chart"),
            MenuItem(SavedChartView, "Saved charts", _l("Saved charts"), category, label, "fa-star"),
            MenuItem(ClassifierView, "Classifiers", _l("Classifiers"), "Reference", _l("Reference data"),
                     "fa-list-ul"),
            MenuItem(CustomFieldView, "Custom fields", _l("Custom fields"), admin, admin_label, "fa-plus-square"),
            MenuItem(DictionaryTextView, "Dictionary texts", _l("Texts of the field dictionary"), admin, admin_label,
                     "fa-language"),
            MenuItem(PolicyParameterView, "Policy parameters", _l("Policy parameters"), admin, admin_label,
                     "fa-sliders"),
        ],
        hidden_views=[ClassifierItemView],
        apis=[CatalogueApi],
        public_blueprints=[open_data],
        role_templates=[
            # managers build, save and pin charts (inside their territory, small cells withheld where they may
            # not read the records); reference editors keep the classifiers
            RoleTemplate("LSG head", _l("LSG head"), charts),
            RoleTemplate("LSG policy specialist", _l("LSG policy specialist"), charts, territorial=False),
            RoleTemplate("Statistician", _l("Statistician"), charts, territorial=False),
            RoleTemplate("Reference editor", _l("Reference data editor"), classifier_edit, territorial=False),
        ],
        seed_reference=catalogue.seed_reference,
        # flask sanarip promote-field <dataset> <key>; catalogue-snapshot <file>; catalogue-apply <file> [--dry-run]
        commands=[promote_field_command, catalogue_snapshot_command, catalogue_apply_command],
    )


def _egov_registry():
    """The register of the e-government infrastructure (issue 11): subjects, authorised employees, elements with
    their lists, relations, documents and versions, applications on the one workflow, charts and the public page."""
    from flask_babel import lazy_gettext as _l

    from app.scope import scoped_select
    from app.seed import egov_registry as seed
    from app.seed.roles import RoleTemplate, common, grant
    from models.egov_registry import EgovApplication
    from charts.egov_registry import EgovRegistryChartView
    from views.egov_public import public_register
    from views.egov_registry import EgovApplicationApi, EgovApplicationStepView, EgovApplicationView, \
        EgovDocumentView, EgovElementApi, EgovElementItemView, EgovElementVersionView, EgovElementView, \
        EgovEmployeeView, EgovOrganisationApi, EgovOrganisationView, EgovRelationView
    from views.egov_reports import EgovOverdueView

    category, label = "Egov registry", _l("Register of e-government infrastructure")
    charts = [grant(EgovRegistryChartView, "read", menu=True)]
    read = [*common(), *charts,
            grant(EgovElementView, "read", "can_export", menu=True),
            grant(EgovApplicationView, "read", "can_export", menu=True),
            grant(EgovOrganisationView, "read", "can_export", menu=True),
            grant(EgovEmployeeView, "read", "can_export", menu=True),
            grant(EgovDocumentView, "read", "can_export", "can_download", menu=True),
            grant(EgovElementVersionView, "read", menu=True),
            grant(EgovElementItemView, "read"), grant(EgovRelationView, "read"),
            grant(EgovApplicationStepView, "read"),
            grant(EgovElementApi, "read"), grant(EgovApplicationApi, "read"), grant(EgovOrganisationApi, "read"),
            grant(EgovOverdueView, "read", menu=True)]
    # the authorised employee keeps their own organisation's elements and applications (the organisation scope)
    employee = [*read, grant(EgovElementView, "can_add", "can_edit", "can_import"),
                grant(EgovElementItemView, "write"), grant(EgovRelationView, "write"),
                grant(EgovDocumentView, "can_add", "can_edit"),
                grant(EgovApplicationView, "can_add", "can_edit", "can_resubmit", "can_answer", "can_withdraw"),
                grant(EgovElementApi, "can_post", "can_put"), grant(EgovApplicationApi, "can_post", "can_put")]
    # the operator reviews, registers, refuses, grants access and records removals; keeps the subjects and their
    # employees and imports an existing inventory
    operator = [*read, grant(EgovApplicationView, "can_register", "can_refuse", "can_grant", "can_record_removal"),
                grant(EgovOrganisationView, "can_add", "can_edit"), grant(EgovEmployeeView, "can_add", "can_edit"),
                grant(EgovElementView, "can_import")]
    # the authorised body forwards access applications, agrees removals, requests information, reads everything
    body = [*read, grant(EgovApplicationView, "can_add", "can_forward", "can_agree"),
            grant(EgovApplicationApi, "can_post")]
    return ModuleSpec(
        key="egov_registry",
        label=label,
        menu=[
            MenuItem(EgovElementView, "Egov elements", _l("Elements of the infrastructure"), category, label,
                     "fa-server", "fa-server"),
            MenuItem(EgovApplicationView, "Egov applications", _l("Applications to the register"), category, label,
                     "fa-inbox"),
            MenuItem(EgovOrganisationView, "Egov organisations", _l("Subjects of accounting"), category, label,
                     "fa-building"),
            MenuItem(EgovEmployeeView, "Egov authorised employees", _l("Authorised employees"), category, label,
                     "fa-user"),
            MenuItem(EgovDocumentView, "Egov documents", _l("Documents of elements"), category, label,
                     "fa-file-pdf-o"),
            MenuItem(EgovElementVersionView, "Egov versions", _l("Registered versions"), category, label,
                     "fa-history"),
            MenuItem(EgovOverdueView, "Egov overdue applications", _l("Overdue applications"), category, label,
                     "fa-clock-o"),
            MenuItem(EgovRegistryChartView, "Egov registry charts", _l("Charts of the e-government register"),
                     category, label, "fa-chart-bar"),
        ],
        hidden_views=[EgovElementItemView, EgovRelationView, EgovApplicationStepView],
        apis=[EgovElementApi, EgovApplicationApi, EgovOrganisationApi],
        role_templates=[
            RoleTemplate("Egov authorised employee", _l("Authorised employee of a subject"), employee,
                         territorial=False, organisation=True),
            RoleTemplate("Egov registry operator", _l("Operator of the e-government register"), operator,
                         territorial=False),
            RoleTemplate("Egov authorised body", _l("Authorised body of the e-government register"), body,
                         territorial=False),
            # the published part only: the charts here, the public page needs no login
            RoleTemplate("Egov public reader", _l("Reader of the public register"), [*common(), *charts],
                         territorial=False),
        ],
        public_blueprints=[public_register],
        seed_demo=seed.seed,
        dashboard=[Tile(EgovOverdueView, _l("Overdue applications to the register"), style="danger",
                        icon="fa-clock-o"),
                   Tile(EgovApplicationView, _l("Applications to the register awaiting a decision"),
                        filter=("status", "submitted"), style="warning", icon="fa-inbox", recent=True,
                        rows=lambda session, scope, today: scoped_select(EgovApplication, scope).where(
                            EgovApplication.status == "submitted")),
                   Tile(EgovApplicationView, _l("Requests for information awaiting an answer"),
                        filter=("status", "requested"), style="warning", icon="fa-question-circle",
                        rows=lambda session, scope, today: scoped_select(EgovApplication, scope).where(
                            EgovApplication.status == "requested"))],
        search=[SearchTarget(EgovApplicationView, number="number"), SearchTarget(EgovElementView, number="number")],
    )


@dataclass
class ModulePart:
    """One part of a large module (the service centre's catalogue, applications, queue, statistics), declared
    beside its views: its screens, APIs, public pages, dashboard tiles, search targets and the grants it gives to
    each of the module's roles (keyed by a short role key). `_service_centre` joins the parts into one ModuleSpec."""

    menu: list = field(default_factory=list)
    hidden_views: list = field(default_factory=list)
    apis: list = field(default_factory=list)
    grants: dict = field(default_factory=dict)  # role key -> [Grant]
    public_blueprints: list = field(default_factory=list)
    dashboard: list = field(default_factory=list)
    search: list = field(default_factory=list)


SERVICE_CENTRE_CATEGORY = "Service centre"


def _service_centre():
    """The one-stop public service centre (issue 12): the catalogue, offices and staff, applications by stages,
    distribution of work, notifications, the electronic queue, statistics. Each part declares itself
    (`views/service_centre*.py: PART`); the roles (cl. 1.2, 2–3) are the union of what the parts grant them."""
    from flask_babel import lazy_gettext as _l

    from app.seed import service_centre as seed
    from app.seed.roles import RoleTemplate, common
    from views import service_centre

    parts = service_centre.parts()
    roles = [
        # key, stable name, label, territorial (demo user in the demo territory), office (bound to a demo office),
        # organisation (bound to a partner agency)
        ("operator", "Service centre operator", _l("Operator of the public service centre"), False, True, False),
        ("back_office", "Service centre back-office specialist", _l("Back-office specialist of the public service "
                                                                    "centre"), False, True, False),
        ("head", "Service centre office head", _l("Head of a public service centre office"), False, True, False),
        ("admin", "Service centre administrator", _l("Administrator of the public service centre"), False, False,
         False),
        ("partner", "Service centre partner organisation", _l("User of a partner organisation of the public service "
                                                             "centre"), False, False, True),
        ("analyst", "Service centre analyst", _l("Analyst of the public service centre"), False, False, False),
    ]
    templates = [RoleTemplate(name, label, [*common(), *(g for part in parts for g in part.grants.get(key, ()))],
                              territorial=territorial, office=office, organisation=organisation)
                 for key, name, label, territorial, office, organisation in roles]
    return ModuleSpec(
        key="service_centre",
        label=_l("Public service centre"),
        menu=[m for part in parts for m in part.menu],
        hidden_views=[v for part in parts for v in part.hidden_views],
        apis=[a for part in parts for a in part.apis],
        role_templates=templates,
        public_blueprints=[b for part in parts for b in part.public_blueprints],
        dashboard=[t for part in parts for t in part.dashboard],
        search=[t for part in parts for t in part.search],
        seed_demo=seed.seed,
        daily=_duty("app.services.service_centre"),
    )

# Menu and seeding order: a module's demo data may build on the modules before it (the LSG passport counts the
# household book's people; social passports describe its households).
MODULES = {"core": _core, "household_book": _household_book, "lsg_passport": _lsg_passport,
           "social_passport": _social_passport, "land_queue": _land_queue,
           "municipal_property": _municipal_property, "child_protection": _child_protection,
           "statistics": _statistics, "egov_registry": _egov_registry,
           "service_centre": _service_centre, "catalogue": _catalogue}
ALWAYS_ON = ("core", "catalogue")


def load_modules(enabled):
    return [build() for key, build in MODULES.items() if key in ALWAYS_ON or "all" in enabled or key in enabled]


def register(appbuilder, specs):
    for spec in specs:
        for item in spec.menu:
            appbuilder.add_view(item.view, item.name, label=item.label, icon=item.icon, category=item.category,
                                category_label=item.category_label, category_icon=item.category_icon)
        for view in spec.hidden_views:
            appbuilder.add_view_no_menu(view)
        for api in spec.apis:
            appbuilder.add_api(api)


def views_of(specs, base):
    """Every view class the modules register (menu and hidden views) deriving from `base` (`ChartView`,
    `ReportView`): the scope walker (tests/test_scope.py) covers each without naming any."""
    return [v for spec in specs for v in [*(m.view for m in spec.menu), *spec.hidden_views]
            if isinstance(v, type) and issubclass(v, base)]
