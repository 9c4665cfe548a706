"""Social passport charts, aggregated in SQL inside the user's scope.

- Share of low-income families by territory: per territory one level below the user's own (oblasts for a national
  user), families with an approved passport that needs state support, divided by ALL households of the household
  book there (not by passports: a passport is made only for families that ask, so dividing by passports would
  measure the survey, not the territory). The table also gives the passports and the share among them.
- Families by reason of low income: approved passports that need state support, counted once per reason they
  give (a family with two reasons counts under both)."""
import plotly.express as px
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import and_, case, func, select

from app.i18n import choose_name
from app.scope import scoped_select
from charts.base import Chart, ChartView, frame_from
from models.household_book import Household
from models.reference import Territory
from models.social_passport import Reason, SocialPassport, passport_reason

NEEDY = and_(SocialPassport.status == "approved", SocialPassport.needs_support.is_(True))


def _name(row, offset):
    """The unit's name in the current language (ru, ky, en at offset, offset+1, offset+2), Russian as fallback."""
    ru, ky, en = row[offset:offset + 3]
    return choose_name({"ru": ru, "ky": ky, "en": en}, mark_missing=False)


def low_income_share(session, scope, filters):
    level = (scope.territory_level or 0) + 1
    unit = Territory.__table__.alias("unit")
    names = (unit.c.code, unit.c.name_ru, unit.c.name_ky, unit.c.name_en)

    def per_unit(model, *columns):
        return session.execute(
            scoped_select(model, scope, *names, *columns)
            .join(Territory, Territory.id == model.territory_id)
            .join(unit, Territory.path.startswith(unit.c.path))
            .where(unit.c.level == level)
            .group_by(*names)
        ).all()

    households = {r[0]: r for r in per_unit(Household, func.count(Household.id))}
    passports = {r[0]: r for r in per_unit(SocialPassport, func.count(SocialPassport.id),
                                           func.sum(case((NEEDY, 1), else_=0)))}
    rows = []
    for code in sorted(set(households) | set(passports)):
        row = households.get(code) or passports[code]
        homes = households[code][4] if code in households else 0
        made, needy = (passports[code][4], int(passports[code][5] or 0)) if code in passports else (0, 0)
        rows.append((code, _name(row, 1), homes, made, needy, round(100.0 * needy / homes, 1) if homes else 0.0,
                     round(100.0 * needy / made, 1) if made else 0.0))
    return frame_from(rows, ["code", "territory", "households", "passports", "needy", "share", "share_passports"])


def share_figure(frame):
    return px.bar(frame, x="territory", y="share",
                  labels={"territory": gettext("Territory"),
                          "share": gettext("Low-income families, per cent of households")})


def families_by_reason(session, scope, filters):
    counts = (scoped_select(SocialPassport, scope, passport_reason.c.reason_id,
                            func.count(SocialPassport.id).label("families"))
              .join(passport_reason, SocialPassport.id == passport_reason.c.passport_id)
              .where(NEEDY)
              .group_by(passport_reason.c.reason_id).subquery())
    rows = session.execute(
        select(Reason.code, Reason.name_ru, Reason.name_ky, Reason.name_en, func.coalesce(counts.c.families, 0))
        .outerjoin(counts, counts.c.reason_id == Reason.id)
        .where(Reason.active.is_(True) | (counts.c.families > 0))
        .order_by(func.coalesce(counts.c.families, 0).desc(), Reason.sort_order)
    ).all()
    return frame_from([(r[0], _name(r, 1), r[4]) for r in rows], ["code", "reason", "families"])


def reason_figure(frame):
    figure = px.bar(frame, x="families", y="reason", orientation="h",
                    labels={"reason": gettext("Reason of low income"), "families": gettext("Families")})
    figure.update_yaxes(autorange="reversed")
    return figure


class SocialPassportChartView(ChartView):
    route_base = "/socialpassportcharts"
    title = _l("Social passport charts")
    charts = [
        Chart("share", _l("Share of low-income families by territory"), low_income_share, share_figure,
              columns={"code": _l("Code"), "territory": _l("Territory"), "households": _l("Households"),
                       "passports": _l("Social passports"), "needy": _l("Families needing state support"),
                       "share": _l("Low-income families, per cent of households"),
                       "share_passports": _l("Low-income families, per cent of passports")}),
        Chart("reasons", _l("Families by reason of low income"), families_by_reason, reason_figure,
              columns={"code": _l("Code"), "reason": _l("Reason of low income"), "families": _l("Families")}),
    ]
