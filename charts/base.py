"""The chart view every module uses: SQL aggregate → pandas DataFrame → plotly figure.

A chart is a `Chart` with a `query(session, scope, filters)` that aggregates in SQL (never loads rows to count
them) and a `figure(frame)`. plotly.js is served by the app itself (no internet at run time)."""
import os
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd
import plotly
from flask import abort, request, send_file
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name

from app import tabular
from app.scope import current_scope, require_territory_code

PLOTLY_JS = os.path.join(os.path.dirname(plotly.__file__), "package_data", "plotly.min.js")


@dataclass
class Chart:
    key: str
    title: object  # lazy string
    query: Callable  # (session, scope, filters) -> DataFrame
    figure: Callable  # (DataFrame) -> plotly Figure
    filters: dict = field(default_factory=dict)  # name -> lazy label, read from the request args
    columns: dict = field(default_factory=dict)  # DataFrame column -> lazy label for the table and export
    values: dict = field(default_factory=dict)  # DataFrame column -> {code: lazy label} for the table and export


class ChartView(BaseView):
    """Shows a module's charts, each with its data table and an xlsx/csv export, inside the user's scope."""

    route_base = None
    charts: list = []
    title = None
    template = "sanarip/charts.html"
    default_view = "index"

    def _chart(self, key):
        for chart in self.charts:
            if chart.key == key:
                return chart
        abort(404)

    #: chart filters that name a territory by its SOATE code: one outside the scope is denied, not ignored
    territory_filters = ("territory", "parent")

    def _frame(self, chart):
        filters = {name: request.args.get(name) for name in chart.filters if request.args.get(name)}
        for name in self.territory_filters:
            if name in filters:
                require_territory_code(self.appbuilder.session, filters[name])
        frame = chart.query(self.appbuilder.session, current_scope(), filters)
        return frame, filters

    def filter_options(self, name):
        """(value, label) choices of a chart filter, or None for a free text box. Views override it."""
        return None

    def labelled(self, chart, frame):
        frame = frame.copy()
        for column, labels in chart.values.items():
            frame[column] = [str(labels.get(v, v)) for v in frame[column]]
        return frame.rename(columns={k: str(v) for k, v in chart.columns.items()})

    @expose("/")
    @has_access
    def index(self):
        key = request.args.get("chart") or (self.charts[0].key if self.charts else None)
        chart = self._chart(key)
        frame, filters = self._frame(chart)
        figure = chart.figure(frame)
        figure.update_layout(margin=dict(l=40, r=20, t=40, b=40), title=str(chart.title))
        html = figure.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False})
        return self.render_template(
            self.template, title=self.title, charts=self.charts, chart=chart, chart_html=html,
            table=self.labelled(chart, frame), filters=filters, view=self,
        )

    @expose("/export/<string:key>/<string:fmt>")
    @has_access
    @permission_name("index")
    def export(self, key, fmt):
        if fmt not in tabular.FORMATS:
            abort(404)
        chart = self._chart(key)
        frame, _ = self._frame(chart)
        return tabular.frame_response(self.labelled(chart, frame), fmt, key)


def plotly_js():
    return send_file(PLOTLY_JS, mimetype="application/javascript", max_age=86400)


def frame_from(rows, columns) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)
