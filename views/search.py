"""The global search page (`/search/?q=`): the targets the modules declare (`ModuleSpec.search`, app/search.py)."""
from flask import current_app, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from app import search
from app.scope import current_scope


class SearchView(BaseView):
    route_base = "/search"
    default_view = "index"
    base_permissions = ["can_index"]
    title = _l("Search")

    def targets(self):
        """The declared targets whose view is registered, with that view (its permission name and endpoint)."""
        registered = {type(v): v for v in self.appbuilder.baseviews}
        return [(t, registered[t.view]) for spec in current_app.extensions["sanarip_modules"]
                for t in spec.search if t.view in registered]

    @expose("/")
    @has_access
    def index(self):
        query = request.args.get("q", "")
        views = dict(self.targets())
        sm = self.appbuilder.sm
        groups = search.search(
            self.appbuilder.session, query, list(views), current_scope(),
            may_show=lambda t: sm.has_access("can_show", views[t].class_permission_name),
            url_of=lambda t, row: url_for(f"{views[t].endpoint}.show", pk=row.id),
            label_of=lambda t: views[t].entity_plural or views[t].list_title)
        return self.render_template("sanarip/search.html", query=query.strip(), groups=groups,
                                    title=self.title, appbuilder=self.appbuilder)
