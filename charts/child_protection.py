"""Reports of the AIS on children in difficult life situations, inside the user's scope: children identified by
sex (with disabilities, of migrant parents), case statuses, reasons, geography by place of identification (with
drill-down to the rayon), outcomes of activities, monitoring coverage and the summary (Excel and PDF)."""
import datetime

import plotly.express as px
from flask import Response
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import format_datetime, gettext, lazy_gettext as _l
from sqlalchemy import case, exists, func, literal, union_all

from app.scope import current_scope, scoped_select
from app.services import child_protection as service
from charts.base import Chart, ChartView, frame_from
from models.child_protection import ACTIVITY_STATUSES, PLANS, SEXES, STATUSES, CpActivity, CpChild, CpFamily, \
    CpReason, CpVisit, child_reason
from models.reference import Territory
from app import clock
from app.clock import local_today

GROUPS = {"all": _l("All children identified"), "disability": _l("Children with disabilities"),
          "migrant_parents": _l("Children of migrant parents")}
OUTCOMES = {**ACTIVITY_STATUSES, "overdue": _l("Overdue")}
COVERAGE = {"visited": _l("Visited in the last 90 days"), "not_visited": _l("Not visited in the last 90 days")}
COVERAGE_DAYS = 90
DRILL_LEVEL_MAX = 2  # oblast = 1, rayon = 2


def identified_by_sex(session, scope, filters):
    """Children identified, of them with disabilities and of migrant parents, by sex."""
    children, cases = func.count(func.distinct(service.child_key())), func.count(CpChild.id)
    parts = [scoped_select(CpChild, scope, literal("all").label("grp"), CpChild.sex, children, cases)
             .group_by(CpChild.sex)]
    for group, column in (("disability", CpChild.disability), ("migrant_parents", CpChild.migrant_parents)):
        parts.append(scoped_select(CpChild, scope, literal(group).label("grp"), CpChild.sex, children, cases)
                     .where(column.is_(True)).group_by(CpChild.sex))
    rows = session.execute(union_all(*parts)).all()
    order = list(GROUPS)
    return frame_from(sorted(rows, key=lambda r: (order.index(r[0]), r[1])), ["group", "sex", "children", "cases"])


def identified_figure(frame):
    shown = frame.assign(group=[str(GROUPS.get(g, g)) for g in frame["group"]],
                         sex=[str(SEXES.get(s, s)) for s in frame["sex"]])
    return px.bar(shown, x="group", y="children", color="sex", barmode="group", hover_data=["cases"],
                  labels={"group": "", "children": gettext("Children"), "sex": gettext("Sex"),
                          "cases": gettext("Cases")})


def by_status(session, scope, filters):
    rows = session.execute(scoped_select(CpChild, scope, CpChild.status, func.count(CpChild.id))
                           .group_by(CpChild.status)).all()
    order = list(STATUSES)
    return frame_from(sorted(rows, key=lambda r: order.index(r[0]) if r[0] in order else 99), ["status", "children"])


def status_figure(frame):
    shown = frame.assign(status=[str(STATUSES.get(s, s)) for s in frame["status"]])
    return px.bar(shown, x="status", y="children", labels={"status": gettext("Case status"),
                                                           "children": gettext("Children")})


def by_reason(session, scope, filters):
    rows = session.execute(
        scoped_select(CpChild, scope, CpReason.code, CpReason.name_ru, CpReason.name_ky, CpReason.name_en,
                      func.count(CpChild.id))
        .join(child_reason, child_reason.c.child_id == CpChild.id)
        .join(CpReason, CpReason.id == child_reason.c.reason_id)
        .group_by(CpReason.code, CpReason.name_ru, CpReason.name_ky, CpReason.name_en).order_by(CpReason.code)
    ).all()
    from app.i18n import choose_name

    return frame_from([(r[0], choose_name({"ru": r[1], "ky": r[2], "en": r[3]}, mark_missing=False), r[4])
                       for r in rows], ["code", "reason", "children"])


def reason_figure(frame):
    return px.bar(frame, x="reason", y="children", labels={"reason": gettext("Reason"),
                                                           "children": gettext("Children")})


def _drill_base(session, scope, filters):
    """The territory whose units are shown: the one asked for (inside the scope, oblast or rayon level at most
    one above the rayon), else the user's own; None for the republic."""
    code = (filters.get("territory") or "").strip()
    if code:
        asked = session.scalar(scoped_select(Territory, scope).where(Territory.code == code))
        if asked is not None and asked.level < DRILL_LEVEL_MAX:
            return asked
    if scope.national:
        return None
    return session.get(Territory, scope.territory_id)


def by_territory(session, scope, filters):
    """Children by place of identification, one level below the chosen territory (republic → oblasts →
    rayons), counted through `ref_territory.path`."""
    base = _drill_base(session, scope, filters)
    level = (base.level if base is not None else 0) + 1
    unit = Territory.__table__.alias("unit")
    query = (scoped_select(CpChild, scope, unit.c.code, unit.c.name_ru, unit.c.name_ky, unit.c.name_en,
                           func.count(CpChild.id))
             .join(Territory, Territory.id == CpChild.territory_id)
             .join(unit, Territory.path.startswith(unit.c.path))
             .where(unit.c.level == level)
             .group_by(unit.c.code, unit.c.name_ru, unit.c.name_ky, unit.c.name_en).order_by(unit.c.code))
    if base is not None:
        query = query.where(Territory.path.startswith(base.path))
    rows = session.execute(query).all()
    from app.i18n import choose_name

    return frame_from([(r[0], choose_name({"ru": r[1], "ky": r[2], "en": r[3]}, mark_missing=False), r[4])
                       for r in rows], ["code", "territory", "children"])


def territory_figure(frame):
    return px.bar(frame, x="territory", y="children", hover_data=["code"],
                  labels={"territory": gettext("Place of identification"), "children": gettext("Children")})


def families_by_territory(session, scope, filters):
    """Families by territory (one level below the chosen one, as the geography of children) and by the sex of
    their children: all families, those with girls, those with boys (a family with both counts in both)."""
    base = _drill_base(session, scope, filters)
    level = (base.level if base is not None else 0) + 1
    unit = Territory.__table__.alias("unit")

    def having(sex):
        return func.count(func.distinct(case((CpChild.sex == sex, CpFamily.id))))

    query = (scoped_select(CpFamily, scope, unit.c.code, unit.c.name_ru, unit.c.name_ky, unit.c.name_en,
                           func.count(func.distinct(CpFamily.id)), having("F"), having("M"))
             .join(Territory, Territory.id == CpFamily.territory_id)
             .join(unit, Territory.path.startswith(unit.c.path))
             .outerjoin(CpChild, CpChild.family_id == CpFamily.id)
             .where(unit.c.level == level)
             .group_by(unit.c.code, unit.c.name_ru, unit.c.name_ky, unit.c.name_en).order_by(unit.c.code))
    if base is not None:
        query = query.where(Territory.path.startswith(base.path))
    from app.i18n import choose_name

    return frame_from([(r[0], choose_name({"ru": r[1], "ky": r[2], "en": r[3]}, mark_missing=False), *r[4:])
                       for r in session.execute(query).all()],
                      ["code", "territory", "families", "with_girls", "with_boys"])


def families_figure(frame):
    long = frame.melt(id_vars=["territory"], value_vars=["with_girls", "with_boys"], var_name="sex",
                      value_name="count")
    labels = {"with_girls": gettext("Families with girls"), "with_boys": gettext("Families with boys")}
    long["sex"] = [labels[v] for v in long["sex"]]
    return px.bar(long, x="territory", y="count", color="sex", barmode="group",
                  labels={"territory": gettext("Territory"), "count": gettext("Families"), "sex": ""})


def activity_outcomes(session, scope, filters, today=None):
    """Activities by plan and outcome: done, cancelled, overdue (deadline passed, not finished), planned and in
    progress (not yet due)."""
    today = today or local_today()
    outcome = case((service.overdue_condition(today), "overdue"), else_=CpActivity.status).label("outcome")
    rows = session.execute(scoped_select(CpActivity, scope, CpActivity.plan, outcome, func.count(CpActivity.id))
                           .group_by(CpActivity.plan, outcome)).all()
    order = list(OUTCOMES)
    return frame_from(sorted(rows, key=lambda r: (r[0], order.index(r[1]))), ["plan", "outcome", "activities"])


def outcome_figure(frame):
    shown = frame.assign(plan=[str(PLANS.get(p, p)) for p in frame["plan"]],
                         outcome=[str(OUTCOMES.get(o, o)) for o in frame["outcome"]])
    return px.bar(shown, x="outcome", y="activities", color="plan", barmode="group",
                  labels={"outcome": gettext("Outcome"), "activities": gettext("Activities"), "plan": gettext("Plan")})


def monitoring_coverage(session, scope, filters, today=None):
    """Open cases in activities or monitoring: visited in the last 90 days or not."""
    today = today or local_today()
    since = today - datetime.timedelta(days=COVERAGE_DAYS)
    visited = exists().where(CpVisit.child_id == CpChild.id, CpVisit.visited_on >= since)
    coverage = case((visited, "visited"), else_="not_visited").label("coverage")
    rows = session.execute(scoped_select(CpChild, scope, CpChild.status, coverage, func.count(CpChild.id))
                           .where(CpChild.status.in_(("activities", "monitoring")))
                           .group_by(CpChild.status, coverage).order_by(CpChild.status, coverage)).all()
    return frame_from(rows, ["status", "coverage", "children"])


def coverage_figure(frame):
    shown = frame.assign(status=[str(STATUSES.get(s, s)) for s in frame["status"]],
                         coverage=[str(COVERAGE.get(c, c)) for c in frame["coverage"]])
    return px.bar(shown, x="status", y="children", color="coverage", barmode="stack",
                  labels={"status": gettext("Case status"), "children": gettext("Children"), "coverage": ""})


def summary(session, scope, filters):
    return frame_from(service.summary(session, scope, local_today()), ["indicator", "value"])


def summary_figure(frame):
    shown = frame.assign(indicator=[str(service.SUMMARY_LABELS.get(i, i)) for i in frame["indicator"]])
    return px.bar(shown, y="indicator", x="value", orientation="h", labels={"indicator": "", "value": ""})


class ChildProtectionChartView(ChartView):
    route_base = "/childprotectioncharts"
    title = _l("Children in difficult life situations: reports")
    template = "child_protection/charts.html"
    charts = [
        Chart("identified", _l("Children identified, by sex"), identified_by_sex, identified_figure,
              columns={"group": _l("Group"), "sex": _l("Sex"), "children": _l("Children"), "cases": _l("Cases")},
              values={"group": GROUPS, "sex": SEXES}),
        Chart("statuses", _l("Cases by status"), by_status, status_figure,
              columns={"status": _l("Case status"), "children": _l("Cases")}, values={"status": STATUSES}),
        Chart("reasons", _l("Reasons for the difficult situation"), by_reason, reason_figure,
              columns={"code": _l("Code"), "reason": _l("Reason"), "children": _l("Children")}),
        Chart("geography", _l("Children by place of identification"), by_territory, territory_figure,
              filters={"territory": _l("Territory code (oblast: its rayons)")},
              columns={"code": _l("Code"), "territory": _l("Territory"), "children": _l("Children")}),
        Chart("families", _l("Families by territory and by the children's sex"), families_by_territory,
              families_figure, filters={"territory": _l("Territory code (oblast: its rayons)")},
              columns={"code": _l("Code"), "territory": _l("Territory"), "families": _l("Families"),
                       "with_girls": _l("Families with girls"), "with_boys": _l("Families with boys")}),
        Chart("activities", _l("Outcomes of activities"), activity_outcomes, outcome_figure,
              columns={"plan": _l("Plan"), "outcome": _l("Outcome"), "activities": _l("Activities")},
              values={"plan": PLANS, "outcome": OUTCOMES}),
        Chart("monitoring", _l("Monitoring coverage"), monitoring_coverage, coverage_figure,
              columns={"status": _l("Case status"), "coverage": _l("Monitoring"), "children": _l("Children")},
              values={"status": STATUSES, "coverage": COVERAGE}),
        Chart("summary", _l("Summary"), summary, summary_figure,
              columns={"indicator": _l("Indicator"), "value": _l("Value")},
              values={"indicator": service.SUMMARY_LABELS}),
    ]

    @expose("/summary.pdf")
    @has_access
    @permission_name("index")
    def summary_pdf(self):
        """The summary as a PDF (national for central users, territorial otherwise)."""
        from app.pdf import render_pdf

        session = self.appbuilder.session
        scope = current_scope()
        rows = [(str(service.SUMMARY_LABELS[k]), v) for k, v in service.summary(session, scope,
                                                                                 local_today())]
        territory = None if scope.national else session.get(Territory, scope.territory_id)
        data = render_pdf("child_protection/summary_pdf.html", title=gettext("Children in difficult life "
                                                                             "situations: summary"),
                          territory=territory.name if territory is not None else gettext("Kyrgyz Republic"),
                          rows=rows, printed_on=format_datetime(clock.now(), "short"))
        return Response(data, mimetype="application/pdf",
                        headers={"Content-Disposition": 'inline; filename="child-protection-summary.pdf"'})
