"""Anonymised statistics for the statistics agency: tables and a chart with small cells suppressed, no personal
data. The view never touches a personal record: only SQL aggregates leave the database."""
import plotly.graph_objects as go
from flask_babel import gettext, lazy_gettext as _l

from app.i18n import choose_name, current_language
from app.services import statistics
from charts.base import Chart, ChartView

SUPPRESSED = "x"


def population(session, scope, filters):
    table, names = statistics.published_population(session, scope, filters.get("parent"))
    language = current_language()
    table.insert(0, "territory", [choose_name(names[c], language, mark_missing=False) for c in table.index])
    return table.reset_index()


def figure(frame):
    fig = go.Figure()
    for column in statistics.columns():
        fig.add_bar(name=column, x=frame["territory"], y=frame[column].fillna(0).astype(int))
    fig.update_layout(barmode="stack", yaxis_title=gettext("People (cells under 5 withheld)"))
    return fig


class StatisticsView(ChartView):
    route_base = "/statistics"
    title = _l("Anonymised population statistics")
    template = "sanarip/statistics.html"
    charts = [Chart("population", _l("Population by territory, sex and age"), population, figure,
                    filters={"parent": _l("SOATE code of the parent unit")},
                    columns={"code": _l("Code"), "territory": _l("Territory"), "total": _l("Total")})]

    def labelled(self, chart, frame):
        frame = super().labelled(chart, frame)
        sexes = {"F": gettext("Female"), "M": gettext("Male")}
        frame = frame.rename(columns={c: f"{sexes[c[0]]} {c[2:]}" for c in statistics.columns()})
        return frame.astype(object).where(frame.notna(), SUPPRESSED)
