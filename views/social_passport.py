"""Social passports of low-income families: the questionnaire and its workflow, lists of families needing state
support for the social-protection body (Excel, PDF), reference tables (poverty lines, needs, reasons), and the
daily command that marks passports due for annual review."""
import datetime
import json
import math

import click
from flask import abort, flash, g, redirect, request, url_for
from flask.cli import with_appcontext
from flask_appbuilder import BaseView, expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import format_date, format_datetime, format_decimal, gettext, lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import func, select
from wtforms import BooleanField, SelectField

from app import audit, tabular
from app.catalogue import dictionary
from app.pdf import render_pdf
from app.scope import current_scope, deny_outside
from app.services import social_passport as service
from models.household_book import EMPLOYMENTS, RELATIONS, SEXES
from models.reference import Territory
from models.social_passport import INCOME_SOURCES, LIVESTOCK, STATUSES, Need, PovertyLine, Reason, SocialPassport
from app.workflow import WorkflowApiMixin, WorkflowViewMixin
from views.base import SanaripModelRestApi, SanaripModelView
from app import clock
from app.clock import local_today

FLAG_LABELS = {"child": _l("child"), "disabled": _l("disability"), "pensioner": _l("pensioner"),
               "unemployed": _l("unemployed")}

# --- formatters ---------------------------------------------------------------------------------------------------
def _money(value):
    return "" if value is None else format_decimal(value, "#,##0.00")


def _names(rows):
    return ", ".join(str(r) for r in rows or [])


def _table(headers, rows):
    """A small HTML table on one line (the show page keeps line breaks), also used inside the printed PDF."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return Markup(f'<table class="table table-condensed sp-table" style="font-size: 8pt">'
                  f"<tr>{head}</tr>{body}</table>")


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
    entity = _l("Poverty line")
    entity_plural = _l("Poverty lines")
    list_columns = ["year", "territory", "amount", "guaranteed_minimum_income", "source"]
    show_columns = ["year", "territory", "amount", "guaranteed_minimum_income", "source", "note", "changed_by",
                    "changed_on"]
    add_columns = ["year", "territory", "amount", "guaranteed_minimum_income", "source", "note"]
    edit_columns = add_columns
    search_columns = ["year", "amount"]
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
    entity = _l("Need")
    entity_plural = _l("Needs of families")


class ReasonView(_ClassifierView):
    datamodel = SQLAInterface(Reason)
    entity = _l("Reason of low income")
    entity_plural = _l("Reasons of low income")


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
    entity = _l("Social passport")
    entity_plural = _l("Social passports")
    list_template = "social_passport/list.html"
    list_columns = ["household_number", "head_name", "territory", "members_count", "income_per_member",
                    "welfare_score", "needs_support", "status", "review_due_on"]
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
    add_columns = [c for _, spec in FORM_FIELDSETS for c in spec["fields"]]
    edit_fieldsets = [(_l("Survey"), {"fields": ["surveyed_on"]}), *FORM_FIELDSETS[1:]]
    edit_columns = add_columns[1:]
    search_columns = ["household_number", "head_name", "address", "territory", "status", "needs_support",
                      "welfare_score", "income_per_member", "members_count", "surveyed_on", "approved_on",
                      "review_due_on", "needs", "reasons"]
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

    def _init_properties(self):
        super()._init_properties()
        due = FilterReviewDueBy("review_due_on", self.datamodel)
        self._filters.get_search_filters().setdefault("review_due_on", []).append(due)
        self._filters._all_filters.setdefault("review_due_on", []).append(due)
        self.review_due_filter = f"_flt_{len(self._filters._all_filters['review_due_on']) - 1}_review_due_on"

    def review_due_url(self):
        return url_for(".list", **{self.review_due_filter: local_today().isoformat()})

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
    entity = SocialPassportView.entity
    entity_plural = SocialPassportView.entity_plural
    base_permissions = ["can_get", "can_info"]
    list_columns = ["id", "territory_id", "household_number", "address", "head_name", "surveyed_on", "status",
                    "members_count", "children_under_18", "children_under_16", "disabled_count", "pensioners_count",
                    "unemployed_count", "income_total", "income_per_member", "poverty_line_amount", "welfare_score",
                    "needs_support", "approved_on", "review_due_on"]
    show_columns = list_columns + ["housing_tenure", "housing_type", "housing_condition", "land_ha",
                                   *LIVESTOCK, "children_out_of_school", "no_health_access",
                                   "receives_family_benefit", "note"]


# --- lists of families needing state support ---------------------------------------------------------------------
SUPPORT_COLUMNS = [
    *[(key, dictionary.lazy_label(SocialPassport, key)) for key in (
        "territory", "household_number", "head_name", "address", "members_count", "children_under_18",
        "disabled_count", "income_per_member", "poverty_line_amount", "welfare_score", "needs", "reasons")],
    ("receives_family_benefit", _l("Receives \"үй-бүлөгө көмөк\"")),
    ("approved_on", dictionary.lazy_label(SocialPassport, "approved_on")),
]


class SupportListView(BaseView):
    """Families needing state support (approved passports with need) per territory, for the labour and
    social-protection body: on screen, in Excel and as a PDF list. Always inside the user's scope."""

    route_base = "/socialsupportlist"
    default_view = "index"
    title = _l("Families needing state support")
    page_size = 100
    pdf_max_rows = 500  # xhtml2pdf renders about 40 rows a second

    def _territory(self):
        raw = request.args.get("territory", "")
        if not raw.isdigit():
            return None
        session = self.appbuilder.session
        territory = session.get(Territory, int(raw))
        if territory is None:
            abort(404)
        if not current_scope().permits_territory(session, territory.id):
            deny_outside("ref_territory", territory.id)
        return territory

    def _territories(self):
        """Units (down to aiyl aimaks) of the user's scope that have families on the list: the filter's choices.
        The paths of the listed families' villages name all their ancestors, so two small queries suffice."""
        session, scope = self.appbuilder.session, current_scope()
        paths = session.scalars(
            select(Territory.path).join(SocialPassport, SocialPassport.territory_id == Territory.id)
            .where(SocialPassport.status == "approved", SocialPassport.needs_support.is_(True),
                   scope.condition(SocialPassport)).distinct()).all()
        codes = {code for path in paths for code in path.strip("/").split("/")[:3]}
        if not codes:
            return []
        return session.scalars(select(Territory).where(Territory.code.in_(codes), Territory.level <= 3,
                                                       scope.condition(Territory)).order_by(Territory.path)).all()

    def _values(self, passport):
        out = {}
        for key, _label in SUPPORT_COLUMNS:
            value = getattr(passport, key)
            if key == "territory":
                value = str(value.name) if value is not None else ""
            elif key in ("needs", "reasons"):
                value = _names(value)
            elif key == "receives_family_benefit":
                value = gettext("Yes") if value else gettext("No")
            out[key] = value
        return out

    @expose("/")
    @has_access
    def index(self):
        session, territory = self.appbuilder.session, self._territory()
        query = service.support_list_query(current_scope(), territory)
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        page = int(request.args.get("page", "0")) if request.args.get("page", "0").isdigit() else 0
        rows = session.scalars(query.limit(self.page_size).offset(page * self.page_size)).all()
        audit.record_bulk_read(session, SocialPassport,
                               [["territory", "support_list", territory.code if territory is not None else None]],
                               total, len(rows), action="report", page=page)
        return self.render_template(
            "social_passport/support_list.html", title=self.title, columns=SUPPORT_COLUMNS,
            rows=[(p, self._values(p)) for p in rows], total=total, page=page,
            pages=max(1, math.ceil(total / self.page_size)), territory=territory, territories=self._territories(),
            can_show=self.appbuilder.sm.has_access("can_show", "SocialPassportView"), view=self,
            money=_money, format_date=lambda d: format_date(d, "short") if d else "")

    def _all_rows(self, territory):
        return self.appbuilder.session.scalars(service.support_list_query(current_scope(), territory)).all()

    def _audit(self, action, count, fmt):
        session = self.appbuilder.session
        audit.record(session, action, SocialPassport.__tablename__, None,
                     {"rows": count, "format": fmt, "filters": request.query_string.decode()[:300]})
        session.commit()

    @expose("/export/<string:fmt>")
    @has_access
    @permission_name("export")
    def export(self, fmt):
        if fmt not in tabular.FORMATS:
            abort(404)
        rows = self._all_rows(self._territory())
        data = [[tabular.cell(values[k]) for k, _ in SUPPORT_COLUMNS] for values in map(self._values, rows)]
        self._audit("export", len(rows), fmt)
        return tabular.table_response([str(label) for _, label in SUPPORT_COLUMNS], data, fmt, "social_support_list")

    @expose("/pdf")
    @has_access
    @permission_name("print")
    def pdf(self):
        """The list as a PDF, one section per territory (village) with its count."""
        from flask import Response

        territory = self._territory()
        query = service.support_list_query(current_scope(), territory)
        total = self.appbuilder.session.scalar(select(func.count()).select_from(query.subquery()))
        if total > self.pdf_max_rows:  # a PDF is printed per territory; Excel takes any size
            flash(gettext("The PDF list holds at most %(n)s families: choose a territory, or export to Excel.",
                          n=self.pdf_max_rows), "warning")
            return redirect(url_for(".index", **({"territory": territory.id} if territory is not None else {})))
        rows = self._all_rows(territory)
        groups = []
        for passport in rows:
            name = str(passport.territory.name) if passport.territory is not None else ""
            if passport.territory is not None and passport.territory.parent is not None:
                name = f"{name} ({passport.territory.parent.name})"
            if not groups or groups[-1][0] != name:
                groups.append((name, []))
            groups[-1][1].append(self._values(passport))
        now = clock.now()
        columns = [(k, label) for k, label in SUPPORT_COLUMNS if k != "territory"]
        data = render_pdf("social_passport/support_list_pdf.html", title=str(self.title),
                          scope_name=str(territory.name) if territory is not None else
                          (str(g.user.territory.name) if getattr(g.user, "territory", None) is not None
                           else gettext("Kyrgyz Republic")),
                          columns=columns, groups=groups, total=len(rows), money=_money,
                          format_date=lambda d: format_date(d, "short") if d else "",
                          printed_on=format_datetime(now, "short"), printed_by=g.user.username)
        self._audit("pdf", len(rows), "pdf")
        return Response(data, mimetype="application/pdf",
                        headers={"Content-Disposition": 'inline; filename="social-support-list.pdf"'})


# --- the daily command ---------------------------------------------------------------------------------------------
@click.command("social-passport-reviews")
@with_appcontext
def reviews_command():
    """Mark approved social passports whose approval is 12 months old as due for annual review (run daily)."""
    from app.extensions import db

    due = service.mark_reviews_due(db.session)
    db.session.commit()
    click.echo(f"{len(due)} social passports marked due for annual review")
