"""E-passport of LSG bodies: passports (with indicator values, social objects and problems as related views), the
indicator import, classifiers and the REST API."""

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.filters import FilterGreater, FilterIn
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import force_locale, format_date, format_decimal, gettext, lazy_gettext as _l
from sqlalchemy import select

from app import tabular
from app.scope import current_scope
from app.transaction import transaction
from app.services import lsg_passport, official_statistics
from app.territory_kinds import LSG_UNIT_KINDS
from models.lsg_passport import PROBLEM_STATUSES, SOURCES, UNITS, LsgActivitySphere, LsgIndicator, \
    LsgIndicatorValue, LsgObjectType, LsgPassport, LsgProblem, LsgSocialObject, OfficialFigure
from views.base import SanaripModelRestApi, SanaripModelView
from app.clock import local_today

RECORD = (_l("Record"), {"fields": ["created_by", "created_on", "changed_by", "changed_on"], "expanded": False})


def _number(value):
    return "" if value is None else format_decimal(value)


def _text(value):
    return "" if value is None else value


def _blank(*columns):
    """Formatters that show an empty optional text or number as nothing (FAB would print "None")."""
    return {column: _text for column in columns}


# --- classifiers (administrators) ---------------------------------------------------------------------------
class _Classifier(SanaripModelView):
    list_columns = ["code", "name"]
    show_columns = ["code", "name_ky", "name_ru", "name_en", "changed_by", "changed_on"]
    add_columns = ["code", "name_ky", "name_ru", "name_en"]
    edit_columns = ["name_ky", "name_ru", "name_en"]  # the code is a stable key (imports, seeds)
    search_columns = ["code", "name_ky", "name_ru", "name_en"]
    base_order = ("code", "asc")
    page_size = 50

    def on_delete(self, item):
        lsg_passport.check_classifier_delete(self.datamodel.session, item)


class LsgObjectTypeView(_Classifier):
    datamodel = SQLAInterface(LsgObjectType)


class LsgActivitySphereView(_Classifier):
    datamodel = SQLAInterface(LsgActivitySphere)


class LsgIndicatorView(_Classifier):
    datamodel = SQLAInterface(LsgIndicator)
    base_order = ("sort_order", "asc")


# --- rows of a passport -------------------------------------------------------------------------------------
class LsgIndicatorValueView(SanaripModelView):
    datamodel = SQLAInterface(LsgIndicatorValue)
    formatters_columns = {"source": lambda source: str(SOURCES.get(source, source)), **_blank("note")}
    base_order = ("passport_id", "desc")
    # Indicators arrive from a sheet with one row per territory and indicator (see import_table below).
    import_columns = list(lsg_passport.IMPORT_COLUMNS)

    def on_add(self, item):
        lsg_passport.check_value(self.datamodel.session, item)

    def on_update(self, item):
        lsg_passport.check_value(self.datamodel.session, item)

    def on_delete(self, item):
        lsg_passport.check_value_delete(item)

    import_page_columns = lsg_passport.IMPORT_COLUMNS
    import_page_required = tuple(lsg_passport.IMPORT_COLUMNS)

    @expose("/import/", methods=["GET", "POST"])
    @has_access
    @permission_name("import")
    def import_table(self):
        """All-or-nothing import of indicator values: one row per territory and indicator (SOATE code, year,
        indicator code, value); the rows become (passport, indicator) figures, so the service reads them, not the
        add form. Errors are listed by row in the user's language."""
        return _indicator_import(self, lsg_passport.import_indicator_values)


class LsgSocialObjectView(SanaripModelView):
    datamodel = SQLAInterface(LsgSocialObject)
    formatters_columns = _blank("capacity", "year_built", "note")
    add_form_query_rel_fields = {"settlement": [["level", FilterGreater, 2]]}
    edit_form_query_rel_fields = add_form_query_rel_fields
    base_order = ("name", "asc")

    def on_add(self, item):
        lsg_passport.check_social_object(self.datamodel.session, item)

    on_update = on_add


class LsgProblemView(SanaripModelView):
    datamodel = SQLAInterface(LsgProblem)
    choice_columns = {"status": PROBLEM_STATUSES}
    formatters_columns = _blank("description", "funding_source")
    base_order = ("priority", "asc")

    def on_add(self, item):
        lsg_passport.check_problem(self.datamodel.session, item)

    on_update = on_add


# --- passports ----------------------------------------------------------------------------------------------
class LsgPassportView(SanaripModelView):
    datamodel = SQLAInterface(LsgPassport)
    eager_load = ("values.indicator", "social_objects")  # the figures and the count
    show_fieldsets = [
        (_l("Territorial unit"), {"fields": ["territory", "year", "administrative_centre", "area_km2", "area_ha",
                                             "settlements"]}),
        (_l("Population"), {"fields": ["population_total", "population_male", "population_female", "households",
                                       "population_source", "population_refreshed_on"]}),
        (_l("Economy and infrastructure"), {"fields": ["spheres_list", "activity_note", "infrastructure", "note"]}),
        RECORD,
    ]
    formatters_columns = {**{c: _number for c in ("area_ha", "population_total", "population_male",
                                                  "population_female", "households")},
                          **_blank("administrative_centre", "settlements", "activity_note", "infrastructure",
                                   "note")}
    add_form_query_rel_fields = {"territory": [["kind", FilterIn, list(LSG_UNIT_KINDS)]]}
    # the API takes the passport's figures, not its many-to-many spheres
    api_add_columns = [c for c in LsgPassport.__dataset__.layout.form if c != "spheres"]
    api_edit_columns = [c for c in LsgPassport.__dataset__.layout.edit if c != "spheres"]
    related_views = [LsgIndicatorValueView, LsgSocialObjectView, LsgProblemView]
    show_template = "lsg_passport/show.html"
    base_order = ("year", "desc")
    method_permission_name = {"refresh_population": "refresh"}

    def on_add(self, item):
        lsg_passport.save_passport(self.datamodel.session, item)

    on_update = on_add

    def population_rows(self, pk):
        """The age-sex table of the passport's show page."""
        item = self.datamodel.get(pk, self._base_filters)
        return item.population_table() if item is not None else []

    @action("refresh_population", _l("Refresh from the household book"),
            _l("Recompute the population figures from the household book?"), "fa-refresh")
    def refresh_population(self, items):
        """Recompute population figures through the service (scope first: FAB's action reads rows unscoped)."""
        items = items if isinstance(items, list) else [items]
        session = self.datamodel.session
        today = local_today()
        with transaction(session) as t:
            for item in items:
                if item is None or self.scoped_get(item.id) is None:
                    abort(404)
                lsg_passport.refresh_population(session, item, today)
        if t.error:
            flash(str(t.error), "danger")
        else:
            flash(gettext("Population figures refreshed from the household book: %(count)s passports.",
                          count=len(items)), "success")
        if len(items) == 1 and items[0] is not None:
            return redirect(url_for(f"{self.endpoint}.show", pk=items[0].id))
        return redirect(url_for(f"{self.endpoint}.list"))


class LsgPassportApi(SanaripModelRestApi):
    resource_name = "lsg_passport"
    datamodel = SQLAInterface(LsgPassport)
    ui_view = LsgPassportView
    list_columns = ["id", "territory_id", "territory.code", "year", "administrative_centre", "area_km2",
                    "settlements", "population_refreshed_on"]
    show_columns = list_columns + ["infrastructure", "activity_note", "note", "population_total", "population_male",
                                   "population_female", "households"]
    add_query_rel_fields = {"territory": [["kind", FilterIn, list(LSG_UNIT_KINDS)]]}

    on_add = LsgPassportView.on_add
    on_update = LsgPassportView.on_update


# --- official statistics --------------------------------------------------------------------------------------
class OfficialFigureView(SanaripModelView):
    """Official statistics of the republic, oblasts, rayons and LSG units, as published (their own dataset)."""

    datamodel = SQLAInterface(OfficialFigure)
    formatters_columns = {"reference_date": lambda d: format_date(d, "medium") if d else ""}
    base_order = ("year", "desc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_delete", "can_export", "can_import"]
    import_columns = list(official_statistics.IMPORT_COLUMNS)

    def on_add(self, item):
        official_statistics.check_figure(self.datamodel.session, current_scope(), item, local_today())

    on_update = on_add

    import_page_columns = official_statistics.IMPORT_COLUMNS
    import_page_required = official_statistics.REQUIRED

    @expose("/import/", methods=["GET", "POST"])
    @has_access
    @permission_name("import")
    def import_table(self):
        """All-or-nothing import of official figures at any level of the territory tree: SOATE code
        (41700000000000: the republic), year, indicator code, value, source, and optionally the unit and the "as
        of" date."""
        return _indicator_import(self, official_statistics.import_figures)


def _indicator_import(view, importer):
    """The import page of figures by territory and indicator: the sheet's columns found by key or label
    (`view.import_page_columns`, of which `import_page_required` must be there), the rows given to `importer`
    (session, scope, [(row number, values)]) -> ImportReport, kept only when every row passed."""
    report = None
    session = view.datamodel.session
    columns = view.import_page_columns
    if request.method == "POST":
        with transaction(session) as t:
            frame = tabular.read_table(request.files.get("file"))
            mapping = _header_map(frame, columns)
            missing = [str(columns[k]) for k in view.import_page_required if k not in mapping]
            if missing:
                report = tabular.ImportReport(errors=[(1, "", gettext("Missing columns: %(cols)s",
                                                                      cols=", ".join(missing)))])
            else:
                rows = [(index + 2, {key: row[header] for key, header in mapping.items()})
                        for index, row in frame.iterrows()]
                report = importer(session, current_scope(), rows)
            if not report.ok:
                t.abandon()
        if t.error:
            flash(str(t.error), "danger")
        elif report.ok:
            flash(gettext("%(count)s rows imported.", count=report.imported), "success")
            return redirect(url_for(f"{view.endpoint}.list"))
    indicators = session.scalars(select(LsgIndicator).order_by(LsgIndicator.sort_order, LsgIndicator.code))
    return view.render_template(
        "lsg_passport/import.html", title=gettext("Import: %(entity)s", entity=view.entity_plural),
        columns=list(columns.items()), keys={}, report=report,
        indicators=[(i.code, i.name, UNITS.get(i.unit, i.unit)) for i in indicators],
        appbuilder=view.appbuilder, view=view)


def _header_map(frame, columns):
    """A column is found by its key or by its label in any of the three languages."""
    mapping = {}
    for key, label in columns.items():
        candidates = {key}
        for lang in ("ky", "ru", "en"):
            with force_locale(lang):
                candidates.add(str(label).lower())
        for header in frame.columns:
            if header.lower() in candidates:
                mapping[key] = header
    return mapping
