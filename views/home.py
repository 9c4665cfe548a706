"""The start page: the public links, and for a signed-in user the role's dashboard (app/dashboard.py) and the
charts they pinned."""
from flask import current_app, url_for
from flask_appbuilder import IndexView, expose
from flask_appbuilder.models.sqla.filters import FilterEqual

from app import dashboard
from app.clock import local_today
from app.scope import current_scope


class HomeView(IndexView):
    index_template = "sanarip/index.html"

    @expose("/")
    def index(self):
        from charts.pinned import pinned_charts
        from views.chart_builder import _args_of

        return self.render_template(self.index_template, appbuilder=self.appbuilder,
                                    pinned=pinned_charts(self.appbuilder), chart_args=_args_of,
                                    dashboard=self.dashboard())

    def dashboard(self):
        """The tiles of every module that the user may open, counted in their scope."""
        from flask_login import current_user

        if not current_user.is_authenticated:
            return []
        registered = {type(v): v for v in self.appbuilder.baseviews}
        tiles = [t for spec in current_app.extensions["sanarip_modules"] for t in spec.dashboard
                 if t.view in registered]
        sm = self.appbuilder.sm

        def may_open(tile):
            view = registered[tile.view]
            return sm.has_access("can_index" if tile.is_report else "can_list", view.class_permission_name)

        def url_of(tile):
            view = registered[tile.view]
            if tile.is_report:
                return url_for(f"{view.endpoint}.index")
            if tile.filter is None:
                return url_for(f"{view.endpoint}.list")
            column, value = tile.filter
            return view.filter_url(column, FilterEqual, value, endpoint=f"{view.endpoint}.list")

        def show_url(tile, row):
            view = registered[tile.view]
            return url_for(f"{view.endpoint}.show", pk=row.id) if sm.has_access("can_show",
                                                                                view.class_permission_name) else None

        return dashboard.tiles_for(self.appbuilder.session, tiles, current_scope(), local_today(), may_open,
                                   url_of, show_url)
