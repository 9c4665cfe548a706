"""The chart view every module uses: SQL aggregate → pandas DataFrame → plotly figure.

A chart is a `Chart` with a `query(session, scope, filters)` that aggregates in SQL (never loads rows to count
them) and a `figure(frame)`. plotly.js is served by the app itself (no internet at run time), gzip-compressed
once per plotly version and cached by the browser for a year under a versioned URL; its toolbar speaks the
reader's language (app/static/plotly/locale-<lang>.js) and every figure is drawn through `present()`."""
import gzip
import hashlib
import math
import os
import threading
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd
import plotly
from flask import abort, current_app, request, send_file, url_for
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
        figure = present(chart.figure(frame), title=str(chart.title))
        html = figure_html(figure, chart.key)
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


# --- presentation -------------------------------------------------------------------------------------------
#: toolbar buttons that make no sense here: sharing to Chart Studio's cloud, selections that do nothing
REMOVED_BUTTONS = ["sendDataToCloud", "editInChartStudio", "lasso2d", "select2d", "toggleSpikelines"]
#: languages with a plotly locale in app/static/plotly/ (English is plotly's own)
PLOTLY_LOCALES = ("ky", "ru")


def plotly_config(filename="chart"):
    """The config of every figure: the reader's language, no plotly logo, no cloud button, PNG named after the
    chart, resizing with the page."""
    from app.i18n import current_language

    language = current_language()
    config = {"displaylogo": False, "modeBarButtonsToRemove": list(REMOVED_BUTTONS), "responsive": True,
              "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}}
    if language in PLOTLY_LOCALES:
        config["locale"] = language
    return config


def figure_html(figure, filename="chart"):
    return figure.to_html(full_html=False, include_plotlyjs=False, config=plotly_config(filename))


def _separators():
    """plotly's decimal and thousands separators in the reader's language (ky, ru: "1 234,5"; en: "1,234.5")."""
    from app.i18n import current_language

    return ".," if current_language() == "en" else ",\u202f"


def _nice_step(largest, ticks=4):
    raw = largest / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def mirror_ticks(figure):
    """A pyramid (horizontal bars drawn to the left with negative values) reads its axis in positive numbers
    on both sides, and its hover shows the count, not a negative number."""
    bars = [t for t in figure.data if t.type == "bar" and t.orientation == "h" and t.x is not None]
    values = [v for t in bars for v in t.x if v is not None]
    if not values or min(values) >= 0:
        return figure
    largest = max(abs(v) for v in values) or 1
    step = _nice_step(largest)
    count = int(math.ceil(largest / step))
    ticks = [k * step for k in range(-count, count + 1)]
    ticks = [int(t) if float(t).is_integer() else t for t in ticks]
    figure.update_xaxes(tickvals=ticks, ticktext=[f"{abs(t):,}".replace(",", _separators()[1]).replace(".", _separators()[0])
                                                       if isinstance(t, int) else str(abs(t)) for t in ticks])
    for trace in bars:
        if any(v is not None and v < 0 for v in trace.x) and trace.customdata is None:
            trace.customdata = [abs(v) for v in trace.x]
            trace.hovertemplate = "%{y}: %{customdata}<extra>%{fullData.name}</extra>"
    return figure


def _longest_category(figure, axis):
    longest = 0
    for trace in figure.data:
        values = getattr(trace, axis, None)
        if values is not None and getattr(trace, "orientation", None) != "h":
            longest = max([longest] + [len(str(v)) for v in values if isinstance(v, str)])
    return longest


def present(figure, title=None, height=None):
    """Every chart drawn the same way: margins that grow with the labels (automargin) and a height that leaves
    the plot its room under long, rotated category labels; legend above the plot; positive pyramid ticks."""
    mirror_ticks(figure)
    longest = _longest_category(figure, "x")
    rotated = longest > 12
    extra = min(longest, 45) * 5 if rotated else 0
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}} if title else None,
        height=height or 440 + extra, margin={"l": 10, "r": 10, "t": 56 if title else 24, "b": 10},
        font={"family": "Roboto, 'Helvetica Neue', Arial, sans-serif", "size": 13},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        plot_bgcolor="#f7f9fb", hoverlabel={"font": {"size": 13}}, separators=_separators())
    figure.update_xaxes(automargin=True, **({"tickangle": -35} if rotated else {}))
    figure.update_yaxes(automargin=True)
    return figure


# --- plotly.js: compressed once, cached for a year under a versioned URL -------------------------------------
def _digest(path):
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()[:12]


PLOTLY_VERSION = _digest(PLOTLY_JS)
_gzip_lock = threading.Lock()


def _gzipped():
    """The gzip of plotly.min.js, written once per version into the instance folder (atomically: parallel
    workers never serve half a file)."""
    folder = os.path.join(current_app.instance_path, "cache")
    target = os.path.join(folder, f"plotly-{PLOTLY_VERSION}.min.js.gz")
    if not os.path.exists(target):
        with _gzip_lock:
            if not os.path.exists(target):
                os.makedirs(folder, exist_ok=True)
                partial = f"{target}.{os.getpid()}.tmp"
                with open(PLOTLY_JS, "rb") as src, gzip.open(partial, "wb", compresslevel=9) as out:
                    out.write(src.read())
                os.replace(partial, target)
    return target


def plotly_url():
    return url_for("plotly_js", v=PLOTLY_VERSION)


def plotly_js():
    """plotly.js (4.8 MB, about 1.4 MB gzipped). With the current version in the URL it may be cached for a
    year (the URL changes with plotly); gzip when the browser accepts it."""
    versioned = request.args.get("v") == PLOTLY_VERSION
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "").lower()
    path = _gzipped() if accepts_gzip else PLOTLY_JS
    response = send_file(path, mimetype="application/javascript", conditional=True, etag=PLOTLY_VERSION
                         + ("-gz" if accepts_gzip else ""), max_age=31536000 if versioned else 3600)
    if accepts_gzip:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    response.headers.pop("Content-Disposition", None)
    if versioned:
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def frame_from(rows, columns) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)
