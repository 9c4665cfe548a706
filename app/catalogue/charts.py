"""Charts by configuration: any dataset of the catalogue grouped by one or two of its fields, a count or a sum,
filters, and a chart type (bar, line, pie, pyramid, map by territory). The aggregate runs in SQL inside the
viewer's scope; where the viewer may not read the dataset's personal records the cells follow the statistics'
small-cell rule (app/services/statistics.py: fewer than 5 withheld, and the secondary cell of a row).

A dimension is named by a key: a column (`sex`), a column with a grouping (`birth_date:age`, `on_date:year`,
`on_date:month`), `territory` (the unit one level below the viewer's own territory), or a custom field's key."""
import datetime
import decimal
import json
import math
from dataclasses import dataclass, field

import pandas as pd
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, String, and_, false, func, literal, select
from sqlalchemy.orm import InstrumentedAttribute, aliased

from app.catalogue import classifiers, custom, dictionary
from app.errors import DomainError
from app.i18n import current_language
from app.scope import is_scoped, scoped_select
from app.clock import local_today

OPERATORS = {"eq": "=", "ne": "≠", "gte": "≥", "lte": "≤"}
BY_YEAR, BY_MONTH, BY_AGE = _l("year"), _l("month"), _l("age group")
MEASURES = {"count": _l("Number of records"), "sum": _l("Sum of a field")}
UNKNOWN = "∅"


@dataclass
class Dimension:
    key: str
    label: object
    kind: str  # code, boolean, relation, territory, year, month, age, integer, custom
    info: object = None  # FieldInfo
    spec: object = None  # CustomFieldData


@dataclass
class ChartRequest:
    dataset: str
    group1: str
    group2: str = None
    measure: str = "count"
    measure_field: str = None
    filters: list = field(default_factory=list)  # [(key, operator, value)]
    chart_type: str = "bar"

    @classmethod
    def of(cls, saved):
        return cls(saved.dataset, saved.group1, saved.group2 or None, saved.measure or "count",
                   saved.measure_field or None, [tuple(f) for f in json.loads(saved.filters or "[]")],
                   saved.chart_type or "bar")


def _territory_path(model):
    """How a row reaches its territory: its own `territory_id`, or a many-to-one parent that has one."""
    if "territory_id" in model.__table__.columns:
        return model.territory_id, []
    info = dictionary.of_model(model)
    for rel in info.relations.values():
        target = rel.mapper.class_
        if rel.direction.name == "MANYTOONE" and hasattr(target, "scope_condition") and \
                isinstance(getattr(target, "territory_id", None), InstrumentedAttribute) and \
                not any(c.nullable for c in rel.local_columns):
            return target.territory_id, [(target, rel)]
    return None, []


def dimensions(info):
    """The fields of a dataset a chart can group by: classifiers, yes/no, references to reference data, whole
    numbers, dates (by year, month, or age groups for dates of birth), the territory, custom choices. Never free
    text or identifiers."""
    out = []
    column_of, _ = _territory_path(info.model)
    if column_of is not None:
        out.append(Dimension("territory", _l("Territory (one level below yours)"), "territory"))
    for f in info.fields():
        if f.is_bookkeeping or f.key == "id" or f.key == "territory_id":
            continue
        if f.custom is not None:
            if f.custom.kind in ("choice", "boolean", "integer"):
                out.append(Dimension(f.key, f.label(), "custom", f, f.custom))
            continue
        column = f.column
        if f.classifier or f.spec.states:
            out.append(Dimension(f.key, f.label(), "code", f))
        elif isinstance(column.type, Boolean):
            out.append(Dimension(f.key, f.label(), "boolean", f))
        elif column.foreign_keys:
            target = dictionary.dataset(f.refers)
            # reference data only, and never a scoped one (offices): its labels would name rows of other
            # territories to a territorial user
            if target is not None and target.spec.reference and target.key != "ref_territory" and \
                    not is_scoped(target.model):
                out.append(Dimension(f.key, f.label(), "relation", f))
        elif isinstance(column.type, (Date, DateTime)):
            out.append(Dimension(f"{f.key}:year", f"{f.label()}: {BY_YEAR}", "year", f))
            out.append(Dimension(f"{f.key}:month", f"{f.label()}: {BY_MONTH}", "month", f))
            if "birth" in f.key:
                out.append(Dimension(f"{f.key}:age", f"{f.label()}: {BY_AGE}", "age", f))
        elif isinstance(column.type, Integer) and not f.unique and f.key not in ("seq", "position"):
            out.append(Dimension(f.key, f.label(), "integer", f))
    return out


def measures(info):
    """Numeric fields a chart can add up."""
    out = []
    for f in info.fields():
        if f.is_bookkeeping or f.key == "id" or f.refers:
            continue
        if f.custom is not None and f.custom.kind in ("integer", "decimal"):
            out.append(f)
        elif f.column is not None and isinstance(f.column.type, (Integer, Numeric)) and not f.unique and \
                not isinstance(f.column.type, Boolean) and f.key not in ("seq", "position", "year", "sort_order"):
            out.append(f)
    return out


def _dimension(info, key):
    found = next((d for d in dimensions(info) if d.key == key), None)
    if found is None:
        raise DomainError(_l("A chart cannot group by “%(field)s”.", field=key), field="group1", code="dimension")
    return found


def _expression(info, dim, scope, today, joins):
    model = info.model
    if dim.kind == "territory":
        from models.reference import Territory

        column, via = _territory_path(model)
        for _target, rel in via:
            joins.append((None, getattr(model, rel.key)))
        place = aliased(Territory, name="place")
        unit = aliased(Territory, name="unit")
        joins.append((place, place.id == column))
        joins.append((unit, and_(place.path.startswith(unit.path), unit.level == (scope.territory_level or 0) + 1)))
        return unit.code
    if dim.kind == "custom":
        if dim.spec.kind == "boolean":
            return model.custom[dim.spec.key].as_boolean()
        if dim.spec.kind == "integer":
            return model.custom[dim.spec.key].as_integer()
        return custom.value_expression(model, dim.spec)
    column = getattr(model, dim.info.key)
    if dim.kind == "year":
        return func.extract("year", column) if _postgres() else func.strftime("%Y", column)
    if dim.kind == "month":
        return func.to_char(column, "YYYY-MM") if _postgres() else func.strftime("%Y-%m", column)
    if dim.kind == "age":
        from app.services.household_book import AGE_GROUPS, age_band_case, age_group_label

        return age_band_case(today, [(low, high, age_group_label(low, high)) for low, high in AGE_GROUPS], column)
    return column


def _postgres():
    from app.extensions import db

    return db.engine.dialect.name == "postgresql"


def _filter_condition(info, key, operator, raw):
    if operator not in OPERATORS:
        raise DomainError(_l("Unknown operator of a filter."), field="filters", code="operator")
    model = info.model
    target = info.field(key)
    if target is None or target.is_bookkeeping or target.kind not in ("column", "custom"):
        raise DomainError(_l("A chart cannot filter by “%(field)s”.", field=key), field="filters", code="filter")
    if target.custom is not None:
        value = custom.convert(target.custom, raw)
        expression = custom.value_expression(model, target.custom)
        if target.custom.kind in ("integer", "reference"):
            expression = model.custom[key].as_integer()
        elif target.custom.kind == "boolean":
            expression = model.custom[key].as_boolean()
        elif target.custom.kind == "decimal":
            expression = model.custom[key].as_float()
            value = float(value)
    else:
        column = target.column
        if isinstance(column.type, String) and not target.classifier and target.max_length and \
                target.max_length > 40:
            raise DomainError(_l("A chart cannot filter by “%(field)s”.", field=key), field="filters",
                              code="filter")
        value = _typed(column, raw)
        expression = getattr(model, key)
    if isinstance(value, bool) and operator in ("gte", "lte"):
        raise DomainError(_l("Unknown operator of a filter."), field="filters", code="operator")
    if operator == "eq":
        return expression == value
    if operator == "ne":
        return expression != value
    return expression >= value if operator == "gte" else expression <= value


def _typed(column, raw):
    text = str(raw).strip()
    try:
        if isinstance(column.type, Boolean):
            return text.lower() in ("1", "true", "yes", "y")
        if isinstance(column.type, Integer):
            return int(text)
        if isinstance(column.type, Numeric):
            return decimal.Decimal(text.replace(",", "."))
        if isinstance(column.type, (Date, DateTime)):
            return datetime.date.fromisoformat(text[:10])
    except (ValueError, decimal.InvalidOperation):
        raise DomainError(_l("The filter value “%(value)s” does not fit the field.", value=text), field="filters",
                          code="filter_value")
    return text


def _list_views(appbuilder):
    """{model: [permission names of the views that list it]} (built once per app)."""
    found = getattr(appbuilder, "_sanarip_list_views", None)
    if found is None:
        found = {}
        for view in appbuilder.baseviews:
            datamodel = getattr(view, "datamodel", None)
            if datamodel is not None and hasattr(view, "list_columns") and hasattr(view, "list_template"):
                found.setdefault(datamodel.obj, []).append(view.class_permission_name)
        appbuilder._sanarip_list_views = found
    return found


def may_read(appbuilder, model):
    """May the current user read the dataset's records (list them in its own view)?"""
    return any(appbuilder.sm.has_access("can_list", name) for name in _list_views(appbuilder).get(model, []))


def chartable(appbuilder, info):
    """Datasets a chart-builder user may chart: what they read, and any other dataset of the modules except the
    platform's own tables (users, audit, catalogue), whose counts they get with small cells withheld."""
    if not dimensions(info):
        return False
    if may_read(appbuilder, info.model):
        return True
    return not info.key.startswith(("ab_", "core_"))


def aggregate(session, scope, request, suppress=False, today=None, check_only=False):
    """The chart's table: columns g1 (and g2), value, and `withheld` (True where the small-cell rule hid it).
    One SQL GROUP BY inside `scope`; labels in the current language."""
    from app.services import statistics

    today = today or local_today()
    info = dictionary.dataset(request.dataset)
    if info is None:
        raise DomainError(_l("Unknown dataset or field."), field="dataset", code="unknown_dataset")
    model = info.model
    dims = [_dimension(info, request.group1)]
    if request.group2:
        if request.group2 == request.group1:
            raise DomainError(_l("Choose two different fields to group by."), field="group2", code="same_group")
        dims.append(_dimension(info, request.group2))
    joins = []
    expressions = [_expression(info, d, scope, today, joins).label(f"g{i + 1}") for i, d in enumerate(dims)]
    count = func.count(literal(1))
    if request.measure == "sum":
        target = next((f for f in measures(info) if f.key == request.measure_field), None)
        if target is None:
            raise DomainError(_l("Choose a numeric field to add up."), field="measure_field", code="measure_field")
        value = func.sum(model.custom[target.key].as_float()) if target.custom is not None else \
            func.sum(getattr(model, target.key))
    elif request.measure == "count":
        value = count
    else:
        raise DomainError(_l("Unknown measure."), field="measure", code="measure")
    query = scoped_select(model, scope, *expressions, value.label("value"), count.label("n"))
    for target, condition in joins:
        query = query.join(condition) if target is None else query.join(target, condition)
    if check_only:  # every part built and planned, no row counted
        query = query.where(false())
    for key, operator, raw in request.filters or []:
        query = query.where(_filter_condition(info, key, operator, raw))
    query = query.group_by(*expressions).order_by(*expressions)
    rows = session.execute(query).all()
    names = [f"g{i + 1}" for i in range(len(dims))]
    frame = pd.DataFrame([tuple(r) for r in rows], columns=[*names, "value", "n"])
    frame["value"] = [float(v) if isinstance(v, decimal.Decimal) else (v if v is not None else 0)
                      for v in frame["value"]]
    for name, dim in zip(names, dims):
        if dim.kind == "age":  # age groups in age order, not in the order of their labels
            from app.services.household_book import AGE_GROUPS, age_group_label

            order = {age_group_label(low, high): i for i, (low, high) in enumerate(AGE_GROUPS)}
            frame = frame.assign(_order=[order.get(v, len(order)) for v in frame[name]])
            frame = frame.sort_values(["_order", *[n for n in names if n != name]], kind="stable") \
                .drop(columns="_order").reset_index(drop=True)
    keys = list(frame["g1"]) if len(dims) and dims[0].kind == "territory" else None
    for name, dim in zip(names, dims):
        frame[name] = _labels(session, info, dim, list(frame[name]))
    if keys is not None:
        frame.attrs["territory_codes"] = keys  # the SOATE codes behind the names, row by row, for a map
    frame["withheld"] = False
    if suppress and len(frame):
        frame = _suppress(frame, names, statistics)
    return frame.drop(columns="n"), dims


def _suppress(frame, names, statistics):
    """The statistics' small-cell rule (`statistics.withhold`, the one implementation) on the counts behind each
    cell (sums too: a sum over 2 families tells about them). Every margin of a chart is published by another
    chart of the same dataset (grouped by the other field, or by nothing), so rows and columns are equations."""
    if len(names) == 1:
        counts = frame.groupby("g1", dropna=False)[["n"]].sum()
        hidden = statistics.withhold(counts)
        frame["withheld"] = [bool(hidden.loc[a, "n"]) for a in frame["g1"]]
    else:
        counts = frame.pivot_table(index="g1", columns="g2", values="n", aggfunc="sum", fill_value=0)
        hidden = statistics.withhold(counts)
        frame["withheld"] = [bool(hidden.loc[a, b]) for a, b in zip(frame["g1"], frame["g2"])]
    frame.loc[frame["withheld"], "value"] = None
    return frame


def _labels(session, info, dim, values):
    language = current_language()
    if dim.kind == "territory":
        from models.reference import Territory

        units = {t.code: t.name for t in session.query(Territory).filter(Territory.code.in_(
            [v for v in values if v]))} if values else {}
        return [units.get(v, v or UNKNOWN) for v in values]
    if dim.kind == "boolean" or (dim.kind == "custom" and dim.spec.kind == "boolean"):
        return [UNKNOWN if v is None else gettext("Yes") if v in (True, 1, "1", "true") else gettext("No")
                for v in values]
    if dim.kind == "code" and dim.info.spec.states:
        return [str(dim.info.spec.states.get(v, v)) if v is not None else UNKNOWN for v in values]
    if dim.kind == "code":
        return [classifiers.label(dim.info.classifier, v) if v is not None else UNKNOWN for v in values]
    if dim.kind == "custom" and dim.spec.kind == "choice":
        return [classifiers.label(dim.spec.classifier_code, v) if v is not None else UNKNOWN for v in values]
    if dim.kind == "relation":
        target = dictionary.dataset(dim.info.refers).model
        ids = [v for v in values if v is not None]
        rows = {r.id: str(r) for r in session.query(target).filter(target.id.in_(ids))} if ids else {}
        return [rows.get(v, UNKNOWN) for v in values]
    if dim.kind == "year":
        return [UNKNOWN if _missing(v) else str(int(float(v))) for v in values]
    del language
    return [UNKNOWN if _missing(v) else str(v) for v in values]


def _missing(value):
    """No value: NULL, or the NaN pandas makes of a NULL in a column of numbers (a year of an empty date)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def figure(frame, dims, chart_type, value_label):
    """A plotly figure of the table."""
    import plotly.express as px
    import plotly.graph_objects as go

    data = frame.assign(value=frame["value"].fillna(0))
    g1 = str(dims[0].label)
    labels = {"g1": g1, "value": str(value_label), "g2": str(dims[1].label) if len(dims) > 1 else ""}
    color = "g2" if len(dims) > 1 else None
    if chart_type == "line":
        return px.line(data, x="g1", y="value", color=color, markers=True, labels=labels)
    if chart_type == "pie":
        return px.pie(data.groupby("g1", as_index=False)["value"].sum(), names="g1", values="value",
                      labels=labels)
    if chart_type == "pyramid":
        if len(dims) < 2:
            raise DomainError(_l("A pyramid needs two groups: e.g. age group, then sex."), field="chart_type",
                              code="pyramid_groups")
        sides = list(dict.fromkeys(data["g2"]))[:2]
        fig = go.Figure()
        for index, side in enumerate(sides):
            part = data[data["g2"] == side]
            sign = -1 if index == 0 else 1
            fig.add_bar(y=part["g1"], x=[sign * v for v in part["value"]], orientation="h", name=str(side),
                        customdata=part["value"], hovertemplate="%{y}: %{customdata}")
        largest = max([abs(v) for v in data["value"]] or [1]) or 1
        ticks = [round(largest * k / 2) for k in (-2, -1, 0, 1, 2)]
        fig.update_layout(barmode="overlay", bargap=0.1, yaxis_title=g1, xaxis_title=str(value_label),
                          yaxis={"categoryorder": "array", "categoryarray": list(dict.fromkeys(data["g1"]))},
                          xaxis={"tickvals": ticks, "ticktext": [str(abs(t)) for t in ticks]})
        return fig
    if chart_type == "map":
        if dims[0].kind != "territory":
            raise DomainError(_l("A map groups by territory first."), field="chart_type", code="map_territory")
        from app import maps

        codes = frame.attrs.get("territory_codes")
        if color is None and codes and len(codes) == len(frame) and maps.can_draw(codes):
            return maps.territory_map(codes, list(frame["g1"]), [None if v != v else v for v in frame["value"]],
                                      value_label, gettext("withheld"))
        fig = px.treemap(data, path=["g1"] + (["g2"] if color else []), values="value", color="value",
                         color_continuous_scale="Blues", labels=labels)
        fig.update_traces(textinfo="label+value")
        return fig
    return px.bar(data, x="g1", y="value", color=color, barmode="group", labels=labels)


def check_saved(session, chart, appbuilder=None):
    """Before a chart is saved: a title, a dataset the user may chart, valid groups, measure and filters (the same
    checks as building it)."""
    if not (chart.title or "").strip():
        raise DomainError(_l("Give the chart a title."), field="title", code="title_required")
    info = dictionary.dataset(chart.dataset)
    if info is None or (appbuilder is not None and not chartable(appbuilder, info)):
        raise DomainError(_l("Unknown dataset or field."), field="dataset", code="unknown_dataset")
    if chart.chart_type not in ("bar", "line", "pie", "pyramid", "map"):
        raise DomainError(_l("Unknown chart type."), field="chart_type", code="chart_type")
    from app.scope import NATIONAL

    frame, dims = aggregate(session, NATIONAL, ChartRequest.of(chart), check_only=True)
    figure(frame.head(0), dims, chart.chart_type, "")
    return chart
