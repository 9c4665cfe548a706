"""The start page: the public links, and for a signed-in user the charts they pinned."""
from flask_appbuilder import IndexView, expose


class HomeView(IndexView):
    index_template = "sanarip/index.html"

    @expose("/")
    def index(self):
        from charts.pinned import pinned_charts
        from views.chart_builder import _args_of

        return self.render_template(self.index_template, appbuilder=self.appbuilder,
                                    pinned=pinned_charts(self.appbuilder), chart_args=_args_of)
