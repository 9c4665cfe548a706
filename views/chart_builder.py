"""The chart builder: a manager picks a dataset of the catalogue, one or two fields to group by, a count or a sum,
filters and a chart type, looks at it, saves it and pins it to the home page. Numbers come from
app/catalogue/charts.py (SQL inside the viewer's scope, small cells withheld where the viewer may not read
the dataset's records)."""
import json

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import func, select

from app import tabular
from app.catalogue import charts, dictionary
from app.errors import DomainError
from app.scope import current_scope
from app.transaction import transaction
from models.catalogue import CHART_TYPES, ChartPin, SavedChart
from views.base import SanaripModelView

SUPPRESSED = "x"


def _request_from_args(args):
    filters = []
    for index in range(3):
        key, operator, value = (args.get(f"f{index}_field"), args.get(f"f{index}_op"), args.get(f"f{index}_value"))
        if key and operator and value not in (None, ""):
            filters.append((key, operator, value))
    return charts.ChartRequest(args.get("dataset", ""), args.get("group1", ""), args.get("group2") or None,
                               args.get("measure") or "count", args.get("measure_field") or None, filters,
                               args.get("chart_type") or "bar")


def render(appbuilder, chart_request, title=None):
    """(figure html, labelled table, withheld?) of a chart for the current user."""
    info = dictionary.dataset(chart_request.dataset)
    if info is None or not charts.chartable(appbuilder, info):
        raise DomainError(_l("Unknown dataset or field."), field="dataset", code="unknown_dataset")
    suppress = info.personal != "none" and not charts.may_read(appbuilder, info.model)
    frame, dims = charts.aggregate(appbuilder.session, current_scope(), chart_request, suppress=suppress)
    if chart_request.measure == "sum":
        measure = next((f.label() for f in charts.measures(info) if f.key == chart_request.measure_field), "")
        value_label = gettext("Sum: %(field)s", field=measure)
    else:
        value_label = gettext("Number of records")
    figure = charts.figure(frame, dims, chart_request.chart_type, value_label)
    from charts.base import figure_html, present

    html = figure_html(present(figure, title=title or None, height=380), chart_request.dataset)
    table = frame.rename(columns={**{f"g{i + 1}": str(d.label) for i, d in enumerate(dims)},
                                  "value": value_label})
    withheld = bool(frame["withheld"].any())
    table = table.drop(columns="withheld")
    table[value_label] = [SUPPRESSED if v is None or v != v else int(v) if float(v).is_integer() else round(v, 2)
                          for v in table[value_label]]
    return html, table, withheld or suppress


def visible_charts(session, user):
    """Saved charts a user sees: their own and the shared ones."""
    return session.scalars(select(SavedChart).where((SavedChart.owner_id == user.id) | SavedChart.shared.is_(True))
                           .order_by(SavedChart.title)).all()


class ChartBuilderView(BaseView):
    route_base = "/chartbuilder"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        session = self.appbuilder.session
        datasets = sorted([i for i in dictionary.datasets().values() if charts.chartable(self.appbuilder, i)],
                          key=lambda i: i.title())
        chart_request = _request_from_args(request.args)
        info = dictionary.dataset(chart_request.dataset)
        if info is not None and info not in datasets:
            abort(404)
        html = table = None
        withheld = False
        error = None
        if info is not None and chart_request.group1:
            try:
                html, table, withheld = render(self.appbuilder, chart_request)
            except DomainError as exc:
                error = str(exc)
        pinned = set(session.scalars(select(ChartPin.chart_id).where(ChartPin.user_id == g.user.id)))
        return self.render_template(
            "catalogue/chart_builder.html", title=gettext("Chart builder"), datasets=datasets, info=info,
            dimensions=charts.dimensions(info) if info else [], measures=charts.measures(info) if info else [],
            operators=charts.OPERATORS, chart_types=CHART_TYPES, req=chart_request, chart_html=html, table=table,
            withheld=withheld, error=error, saved=visible_charts(session, g.user), pinned=pinned, view=self,
            view_args=_args_of,
            filter_fields=[f for f in info.fields() if not f.is_bookkeeping and f.key not in ("id", "custom")]
            if info else [])

    @expose("/export/<fmt>")
    @has_access
    @permission_name("index")
    def export(self, fmt):
        if fmt not in tabular.FORMATS:
            abort(404)
        try:
            _, table, _ = render(self.appbuilder, _request_from_args(request.args))
        except DomainError:
            abort(404)
        return tabular.frame_response(table, fmt, "chart")

    @expose("/save", methods=["POST"])
    @has_access
    @permission_name("save")
    def save(self):
        """Save the chart being built (and pin it to the home page when asked)."""
        session = self.appbuilder.session
        chart_request = _request_from_args(request.form)
        chart = SavedChart(title=(request.form.get("title") or "").strip(), dataset=chart_request.dataset,
                           group1=chart_request.group1, group2=chart_request.group2,
                           measure=chart_request.measure, measure_field=chart_request.measure_field,
                           filters=json.dumps(chart_request.filters, ensure_ascii=False),
                           chart_type=chart_request.chart_type, owner_id=g.user.id,
                           shared=request.form.get("shared") == "y")
        with transaction(session) as t:
            charts.check_saved(session, chart, self.appbuilder)
            session.add(chart)
            session.flush()
            if request.form.get("pin") == "y":
                _pin(session, g.user.id, chart.id)
        if t.error:
            flash(str(t.error), "danger")
            return redirect(url_for(".index", **request.form.to_dict()))
        flash(gettext("The chart is saved."), "success")
        return redirect(url_for(".index", chart=chart.id, **_args_of(chart)))

    @expose("/pin/<int:chart_id>", methods=["POST"])
    @has_access
    @permission_name("save")
    def pin(self, chart_id):
        session = self.appbuilder.session
        chart = session.get(SavedChart, chart_id)
        if chart is None or chart not in visible_charts(session, g.user):
            abort(404)
        existing = session.scalar(select(ChartPin).where(ChartPin.user_id == g.user.id,
                                                         ChartPin.chart_id == chart_id))
        if existing is None:
            _pin(session, g.user.id, chart_id)
            flash(gettext("The chart is pinned to the home page."), "success")
        else:
            session.delete(existing)
            flash(gettext("The chart is no longer on the home page."), "success")
        session.commit()
        return redirect(request.form.get("next") or url_for(".index"))


def _pin(session, user_id, chart_id):
    last = session.scalar(select(func.max(ChartPin.position)).where(ChartPin.user_id == user_id)) or 0
    session.add(ChartPin(user_id=user_id, chart_id=chart_id, position=last + 1))


def _args_of(chart):
    args = {"dataset": chart.dataset, "group1": chart.group1, "measure": chart.measure,
            "chart_type": chart.chart_type}
    if chart.group2:
        args["group2"] = chart.group2
    if chart.measure_field:
        args["measure_field"] = chart.measure_field
    for index, (key, operator, value) in enumerate(json.loads(chart.filters or "[]")):
        args.update({f"f{index}_field": key, f"f{index}_op": operator, f"f{index}_value": value})
    return args


class OwnOrShared(BaseFilter):
    """Saved charts a user sees in the list: their own and the shared ones (administrators: all)."""

    name = _l("Mine or shared")
    arg_name = "own_or_shared"

    def apply(self, query, value):
        from flask import current_app

        if current_app.appbuilder.sm.has_access("can_publish", "CatalogueView"):
            return query
        return query.filter((SavedChart.owner_id == g.user.id) | SavedChart.shared.is_(True))


class SavedChartView(SanaripModelView):
    """Saved charts: their owner (or an administrator) renames, shares, publishes or deletes them."""

    datamodel = SQLAInterface(SavedChart)
    base_order = ("title", "asc")
    base_filters = [["id", OwnOrShared, None]]
    base_permissions = ["can_list", "can_show", "can_edit", "can_delete"]
    formatters_columns = {"dataset": lambda key: dictionary.dataset(key).title() if dictionary.dataset(key) else key}

    def on_update(self, item):
        if item.owner_id != g.user.id and not self.appbuilder.sm.has_access("can_publish", "CatalogueView"):
            raise DomainError(_l("Only the owner of a chart changes it."), code="not_owner")
        if item.open_data and not self.appbuilder.sm.has_access("can_publish", "CatalogueView"):
            raise DomainError(_l("Only administrators publish open data."), field="open_data", code="publish")
        charts.check_saved(self.datamodel.session, item, self.appbuilder)

    def on_delete(self, item):
        if item.owner_id != g.user.id and not self.appbuilder.sm.has_access("can_publish", "CatalogueView"):
            raise DomainError(_l("Only the owner of a chart changes it."), code="not_owner")

