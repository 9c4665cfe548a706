"""Charts pinned to the home page: a reusable piece (the role dashboards of the home page will use it too)."""
from flask import g
from sqlalchemy import select

from app.errors import DomainError


def pinned_charts(appbuilder, user=None):
    """[(saved chart, figure html, table, withheld?, error)] of the user's pinned charts in their order, each
    computed now inside the user's scope."""
    from models.catalogue import ChartPin, SavedChart
    from app.catalogue import charts
    from views.chart_builder import render

    user = user or getattr(g, "user", None)
    if user is None or not getattr(user, "is_authenticated", False) or \
            not appbuilder.sm.has_access("can_index", "ChartBuilderView"):
        return []
    session = appbuilder.session
    rows = session.scalars(select(SavedChart).join(ChartPin, ChartPin.chart_id == SavedChart.id)
                           .where(ChartPin.user_id == user.id,
                                  (SavedChart.owner_id == user.id) | SavedChart.shared.is_(True))
                           .order_by(ChartPin.position, ChartPin.id)).all()
    out = []
    for chart in rows:
        try:
            html, table, withheld = render(appbuilder, charts.ChartRequest.of(chart), title=chart.title)
            out.append((chart, html, table, withheld, None))
        except DomainError as exc:
            out.append((chart, None, None, False, str(exc)))
    return out
