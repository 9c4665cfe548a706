"""Social passports of low-income families: the questionnaire and its workflow, lists of families needing state
support for the social-protection body (Excel, PDF), reference tables (poverty lines, needs, reasons), and the
daily command that marks passports due for annual review."""
import datetime
import json

from flask import g, render_template
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import format_date, format_datetime, format_decimal, gettext, lazy_gettext as _l
from markupsafe import Markup
from wtforms import BooleanField, SelectField

from app.catalogue import dictionary
from app.reports import Column, Param, Report, ReportView
from app.services import social_passport as service
from models.household_book import EMPLOYMENTS, RELATIONS, SEXES
from models.social_passport import INCOME_SOURCES, LIVESTOCK, PROPOSAL_STATES, STATUSES, Need, PovertyLine, Reason, \
    SocialPassport, SocialPassportProposal
from app.workflow import WorkflowApiMixin, WorkflowViewMixin
from views.base import SanaripModelRestApi, SanaripModelView
from app.clock import local_today

FLAG_LABELS = {"child": _l("child"), "disabled": _l("disability"), "pensioner": _l("pensioner"),
               "unemployed": _l("unemployed")}

# --- formatters ---------------------------------------------------------------------------------------------------
def _money(value):
    return "" if value is None else format_decimal(value, "#,##0.00")


def _names(rows):
    return ", ".join(str(r) for r in rows or [])


def _table(headers, rows):
    """A small table on one line (the show page keeps line breaks), also used inside the printed PDF."""
    return Markup(render_template("sanarip/_small_table.html", headers=headers, rows=rows).strip())


def composition_table(members):
    """The household composition as the passport took it (not a link to the household book)."""
    headers = [gettext("No."), gettext("Full name"), gettext("PIN"), gettext("Sex"), gettext("Date of birth"),
               gettext("Age"), gettext("Relation to the head"), gettext("Employment"), gettext("Counted as")]
    rows = []
    for number, m in enumerate(members or [], start=1):
        flags = [k for k, on in (("child", m.age < 18), ("disabled", m.disabled), ("pensioner", m.pensioner),
                                 ("unemployed", m.unemployed)) if on]
        rows.append([number, m.full_name, m.pin or "", str(SEXES.get(m.sex, m.sex or "")),
                     format_date(m.birth_date, "short") if m.birth_date else "", m.age,
                     str(RELATIONS.get(m.relation, m.relation or "")),
                     str(EMPLOYMENTS.get(m.employment, m.employment or "")),
                     ", ".join(str(FLAG_LABELS[f]) for f in flags)])
    return _table(headers, rows)


def history_table(changes):
    headers = [gettext("When"), gettext("Who"), gettext("From"), gettext("To"), gettext("Comment")]
    rows = [[format_datetime(c.at, "short"), c.actor.username if c.actor is not None else gettext("system"),
             str(STATUSES.get(c.from_status, "")) if c.from_status else "—", str(STATUSES.get(c.to_status, "")),
             c.note or ""] for c in changes or []]
    return _table(headers, rows)


def score_details(raw):
    points = json.loads(raw) if raw else {}
    return "; ".join(f"{service.CRITERIA.get(k, k)}: {v}" for k, v in points.items())


def _date(value):
    return format_date(value, "medium") if value else ""


def _text(value):
    return value or ""


FORMATTERS = {
    **{c: _date for c in ("snapshot_on", "submitted_on", "approved_on", "review_due_on")},
    **{c: _text for c in ("note", "address", "head_name", "household_number", "source")},
    "members": composition_table, "history": history_table, "score_details": score_details, "needs": _names,
    "reasons": _names, **{c: _money for c in (*INCOME_SOURCES, "income_total", "income_per_member",
                                             "poverty_line_amount", "amount", "guaranteed_minimum_income")},
}
CHOICES = {"status": STATUSES}  # the workflow's states; the housing columns are classifiers (field dictionary)


class FilterReviewDueBy(BaseFilter):
    """Passports due for annual review by a date (marked so, or approved 12 months before it and not yet marked)."""

    name = _l("Due for annual review by")
    arg_name = "review_due_by"

    def apply(self, query, value):
        try:
            day = datetime.date.fromisoformat(str(value)[:10])
        except ValueError:
            day = local_today()
        return query.filter(service.due_for_review_condition(day))


# --- reference tables ---------------------------------------------------------------------------------------------
class PovertyLineView(SanaripModelView):
    datamodel = SQLAInterface(PovertyLine)
    formatters_columns = FORMATTERS
    base_order = ("year", "desc")

    def on_add(self, item):
        service.check_poverty_line(self.datamodel.session, item)

    def on_update(self, item):
        service.check_poverty_line(self.datamodel.session, item)


class _ClassifierView(SanaripModelView):
    list_columns = ["code", "name", "sort_order", "active"]
    show_columns = ["code", "name_ky", "name_ru", "name_en", "sort_order", "active"]
    add_columns = ["code", "name_ky", "name_ru", "name_en", "sort_order", "active"]
    edit_columns = ["name_ky", "name_ru", "name_en", "sort_order", "active"]
    search_columns = ["code", "name_ky", "name_ru", "name_en", "active"]
    base_order = ("sort_order", "asc")
    import_columns = ["code", "name_ky", "name_ru", "name_en", "sort_order"]

    def on_delete(self, item):
        service.check_classifier_unused(self.datamodel.session, item)


class NeedView(_ClassifierView):
    datamodel = SQLAInterface(Need)


class ReasonView(_ClassifierView):
    datamodel = SQLAInterface(Reason)


# --- the passport -------------------------------------------------------------------------------------------------
FORM_FIELDSETS = [
    (_l("Household"), {"fields": ["household", "surveyed_on"]}),
    (_l("Income per month"), {"fields": list(INCOME_SOURCES)}),
    (_l("Housing"), {"fields": ["housing_tenure", "housing_type", "housing_condition", "has_water",
                                "has_electricity", "has_heating", "has_sanitation"]}),
    (_l("Land and livestock"), {"fields": ["land_ha", *LIVESTOCK]}),
    (_l("Access to social services"), {"fields": ["children_out_of_school", "no_health_access",
                                                  "receives_family_benefit"]}),
    (_l("Needs and reasons of low income"), {"fields": ["needs", "reasons", "note"]}),
]


FLAG_COLUMNS = ("has_water", "has_electricity", "has_heating", "has_sanitation", "no_health_access",
                "receives_family_benefit")


class SocialPassportView(WorkflowViewMixin, SanaripModelView):
    """The passport. The household is chosen once; the composition is copied from the book and shown from the
    copy; editing only in draft or when returned (service); the workflow's steps (service.WORKFLOW) through the
    steps panel and their pages."""

    workflow = service.WORKFLOW
    datamodel = SQLAInterface(SocialPassport)
    extra_filters = {"review_due_on": [FilterReviewDueBy]}
    list_template = "social_passport/list.html"
    show_fieldsets = [
        (_l("Household"), {"fields": ["territory", "household_number", "address", "head_name", "surveyed_on",
                                      "status"]}),
        (_l("Composition"), {"fields": ["snapshot_on", "members_count", "children_under_18", "children_under_16",
                                        "disabled_count", "pensioners_count", "unemployed_count",
                                        "dependants_count", "members"]}),
        (_l("Income per month"), {"fields": [*INCOME_SOURCES, "income_total", "income_per_member",
                                             "poverty_line_amount"]}),
        *FORM_FIELDSETS[2:5],
        (_l("Needs and reasons of low income"), {"fields": ["needs", "reasons", "note"]}),
        (_l("Assessment"), {"fields": ["welfare_score", "score_details", "needs_support"]}),
        (_l("Approval"), {"fields": ["submitted_on", "approved_on", "approved_by", "review_due_on", "history"]}),
        (_l("Record"), {"fields": ["created_by", "created_on", "changed_by", "changed_on"], "expanded": False}),
    ]
    add_fieldsets = FORM_FIELDSETS
    edit_fieldsets = [(_l("Survey"), {"fields": ["surveyed_on"]}), *FORM_FIELDSETS[1:]]
    choice_columns = CHOICES
    formatters_columns = FORMATTERS
    add_form_query_rel_fields = {"needs": [["active", FilterEqual, True]], "reasons": [["active", FilterEqual, True]]}
    edit_form_query_rel_fields = add_form_query_rel_fields
    base_order = ("changed_on", "desc")

    def __init__(self, *args, **kwargs):
        self.search_form_extra_fields = {
            "status": SelectField(dictionary.lazy_label(SocialPassport, "status"),
                                  choices=[(k, v) for k, v in STATUSES.items()])}
        # FAB makes a non-nullable flag a required checkbox, which could never be left unticked
        flags = {c: BooleanField(dictionary.lazy_label(SocialPassport, c),
                                 default=SocialPassport.__table__.columns[c].default.arg)
                 for c in FLAG_COLUMNS}
        self.add_form_extra_fields = {**flags, **(self.add_form_extra_fields or {})}
        self.edit_form_extra_fields = {**flags, **(self.edit_form_extra_fields or {})}
        super().__init__(*args, **kwargs)

    def review_due_url(self):
        return self.filter_url("review_due_on", FilterReviewDueBy, local_today().isoformat())

    def on_add(self, item):
        service.create_passport(self.datamodel.session, item, g.user)

    def on_update(self, item):
        service.update_passport(self.datamodel.session, item)

    def on_delete(self, item):
        service.check_deletable(item)


class SocialPassportApi(WorkflowApiMixin, SanaripModelRestApi):
    """Read-only, and the workflow steps (app/workflow.py): passports change only through the form and the
    steps."""

    resource_name = "social_passport"
    datamodel = SQLAInterface(SocialPassport)
    workflow_view = SocialPassportView
    base_permissions = ["can_get", "can_info"]
    list_columns = ["id", "territory_id", "household_number", "address", "head_name", "surveyed_on", "status",
                    "members_count", "children_under_18", "children_under_16", "disabled_count", "pensioners_count",
                    "unemployed_count", "income_total", "income_per_member", "poverty_line_amount", "welfare_score",
                    "needs_support", "approved_on", "review_due_on"]
    show_columns = list_columns + ["housing_tenure", "housing_type", "housing_condition", "land_ha",
                                   *LIVESTOCK, "children_out_of_school", "no_health_access",
                                   "receives_family_benefit", "note"]


# --- proposals of the social-protection body ----------------------------------------------------------------------
def passport_with_state(passport):
    """The passport formed from a proposal, linked, with the passport's own state: the proposal follows its
    approval through the passport's workflow (one place: the passport)."""
    if passport is None:
        return ""
    state = service.WORKFLOW.states.get(passport.status)
    return Markup(render_template("social_passport/_proposal_passport.html", passport=passport,
                                  colour=state.colour if state else "default",
                                  state=state.label if state else passport.status).strip())


class SocialPassportProposalView(WorkflowViewMixin, SanaripModelView):
    """Proposals of the social-protection body (Sanarip Aimak regulation, cl. 23): the specialist proposes a
    household with its grounds; the LSG clerk forms the passport (service.PROPOSAL_WORKFLOW) or rejects it."""

    workflow = service.PROPOSAL_WORKFLOW
    datamodel = SQLAInterface(SocialPassportProposal)
    choice_columns = {"status": PROPOSAL_STATES}
    formatters_columns = {"proposed_on": _date, "decided_on": _date, "note": _text, "rejection_reason": _text,
                          "passport": passport_with_state}
    eager_load = ("household.members",)  # a household is named by its head
    base_order = ("changed_on", "desc")

    def __init__(self, *args, **kwargs):
        self.search_form_extra_fields = {
            "status": SelectField(dictionary.lazy_label(SocialPassportProposal, "status"),
                                  choices=[(k, v) for k, v in PROPOSAL_STATES.items()])}
        super().__init__(*args, **kwargs)

    def on_add(self, item):
        service.create_proposal(self.datamodel.session, item, g.user)

    def on_update(self, item):
        service.check_proposal_editable(item)

    def on_delete(self, item):
        service.check_proposal_editable(item)


class SocialPassportProposalApi(WorkflowApiMixin, SanaripModelRestApi):
    """Read-only, and the workflow steps: proposals are made through the form."""

    resource_name = "social_passport_proposal"
    datamodel = SQLAInterface(SocialPassportProposal)
    workflow_view = SocialPassportProposalView
    base_permissions = ["can_get", "can_info"]  # the columns: the dataset's layout `api`


# --- lists of families needing state support ---------------------------------------------------------------------
def _support_units(session, scope):
    return [(t.code, "\u2003" * (t.level - 1) + str(t.name)) for t in service.support_list_units(session, scope)]


def _village(passport):
    """The PDF's section of a family: its village with the aiyl aimak it belongs to."""
    territory = passport.territory
    if territory is None:
        return ""
    return f"{territory.name} ({territory.parent.name})" if territory.parent is not None else str(territory.name)


def _support_column(key, **options):
    return Column(key, dictionary.lazy_label(SocialPassport, key), **options)


SUPPORT_LIST = Report(
    key="support_list", title=_l("Families needing state support"), model=SocialPassport, dom_id="support",
    description=_l("Approved social passports of families that need state support, in your territory."),
    query=lambda session, scope, args: service.support_list_query(scope, args["territory"]),
    params=[Param("territory", _l("Territory"), "territory", choices=_support_units)],
    columns=[_support_column("territory", value=lambda p: str(p.territory.name) if p.territory else "", pdf=False),
             _support_column("household_number", pdf_width=5),
             _support_column("head_name", link=("SocialPassportView", lambda p: p.id), pdf_width=13),
             _support_column("address", pdf_width=10), _support_column("members_count", pdf_width=4),
             _support_column("children_under_18", pdf_width=5), _support_column("disabled_count", pdf_width=5),
             _support_column("income_per_member", display=_money, pdf_width=7),
             _support_column("poverty_line_amount", display=_money, pdf_width=6),
             _support_column("welfare_score", pdf_width=4),
             _support_column("needs", value=lambda p: _names(p.needs), pdf_width=13),
             _support_column("reasons", value=lambda p: _names(p.reasons), pdf_width=12),
             Column("receives_family_benefit", _l("Receives \"үй-бүлөгө көмөк\""), pdf_width=6),
             _support_column("approved_on", pdf_width=7)],
    total_label=_l("Families"), group=_village)


class SupportListView(ReportView):
    """Families needing state support (approved passports with need) per territory, for the labour and
    social-protection body: on screen, in Excel/CSV and as a PDF list by village (app/reports.py)."""

    route_base = "/socialsupportlist"
    report = SUPPORT_LIST
