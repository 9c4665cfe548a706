"""Maps by territory without a tile server or the internet: the oblasts and the two cities of republican
significance as polygons (app/static/maps/kg-oblasts.json, Natural Earth admin-1, public domain), drawn as filled
plotly shapes. Lower levels (rayons, aiyl aimaks) have no open shapes in the repository yet: their charts fall back
to a treemap (app/catalogue/charts.py)."""
import functools
import json
import os

SHAPES = os.path.join(os.path.dirname(__file__), "static", "maps", "kg-oblasts.json")
SCALE = ["#eef4fb", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]


@functools.lru_cache(maxsize=1)
def shapes():
    with open(SHAPES, encoding="utf-8") as fh:
        data = json.load(fh)
    return {u["code"]: u["rings"] for u in data["units"]}, {code: tuple(p) for code, p in data["points"].items()}


def can_draw(codes):
    """A map needs every territory in the table to have a shape or a point (the first level today)."""
    polygons, points = shapes()
    known = [c for c in codes if c]
    return bool(known) and all(c in polygons or c in points for c in known)


def _colour(value, low, high):
    if value is None:
        return "#eeeeee"  # withheld (small cells) or no data
    share = 0 if high == low else (value - low) / (high - low)
    return SCALE[min(len(SCALE) - 1, int(share * len(SCALE)))]


def territory_map(codes, names, values, value_label, withheld_label):
    """A figure with one filled shape per territory (hover: name and value) and a legend of the value range."""
    import plotly.graph_objects as go

    polygons, points = shapes()
    present = [v for v in values if v is not None]
    low, high = (min(present), max(present)) if present else (0, 0)
    fig = go.Figure()
    for code, name, value in zip(codes, names, values):
        text = f"{name}: {withheld_label if value is None else f'{value:,.0f}'.replace(',', ' ')}"
        for ring in polygons.get(code, []):
            fig.add_scatter(x=[p[0] for p in ring], y=[p[1] for p in ring], fill="toself", mode="lines",
                            line={"color": "#ffffff", "width": 1}, fillcolor=_colour(value, low, high),
                            hoveron="fills", hoverinfo="text", text=text, name=name, showlegend=False)
    # the names on the map, at the middle of each shape's points (good enough for the oblasts' shapes)
    named = [(code, name) for code, name in zip(codes, names) if polygons.get(code)]
    centres = [max(polygons[code], key=len) for code, _ in named]
    fig.add_scatter(x=[sum(p[0] for p in r) / len(r) for r in centres],
                    y=[sum(p[1] for p in r) / len(r) for r in centres], mode="text", hoverinfo="skip",
                    text=[name for _, name in named], textfont={"size": 11, "color": "#1f2d3d"}, showlegend=False)
    cities = [(points[c], n, v) for c, n, v in zip(codes, names, values) if c in points and c not in polygons]
    if cities:
        fig.add_scatter(x=[p[0][0] for p in cities], y=[p[0][1] for p in cities], mode="markers",
                        marker={"size": 14, "color": [_colour(v, low, high) for _, _, v in cities],
                                "line": {"color": "#333333", "width": 1}},
                        hoverinfo="text", showlegend=False,
                        text=[f"{n}: {withheld_label if v is None else f'{v:,.0f}'.replace(',', ' ')}"
                              for _, n, v in cities])
    # the legend: an invisible marker carrying the colour scale from the smallest to the largest value
    fig.add_scatter(x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
                    marker={"colorscale": [[i / (len(SCALE) - 1), c] for i, c in enumerate(SCALE)], "cmin": low,
                            "cmax": high, "color": [low], "showscale": True,
                            "colorbar": {"title": {"text": str(value_label)}, "thickness": 14}})
    fig.update_xaxes(visible=False)
    # one degree of longitude is shorter than one of latitude at 41° N: keep the country's proportions
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1.33)
    fig.update_layout(plot_bgcolor="#ffffff", hovermode="closest", margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return fig
