"""The user guides at /help/ (app/help.py): the guides of the user's own roles first, the others below, in the
user's language; the screenshots they show are served from docs/screenshots/ as the browser tests wrote them."""
from flask import abort, send_from_directory, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import get_locale, lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from app import help as guides


class HelpView(BaseView):
    route_base = "/help"
    default_view = "index"
    base_permissions = ["can_index"]
    # one permission for the list, a guide and its screenshots: every signed-in user has it (common())
    method_permission_name = {"index": "index", "guide": "index", "screenshot": "index"}
    title = _l("Help")

    def lists(self):
        return guides.ordered(str(get_locale() or "ru"), [role.name for role in current_user.roles])

    @expose("/")
    @has_access
    def index(self):
        own, rest = self.lists()
        return self.render_template("sanarip/help.html", own=own, rest=rest, guide=None, body=None,
                                    title=self.title, appbuilder=self.appbuilder)

    @expose("/<string:role_key>")
    @has_access
    def guide(self, role_key):
        own, rest = self.lists()
        guide = next((g for g in [*own, *rest] if g.key == role_key), None)
        if guide is None:
            abort(404)
        body = Markup(guides.render(guide.text(), lambda name: url_for("HelpView.screenshot", name=name)))
        return self.render_template("sanarip/help.html", own=own, rest=rest, guide=guide, body=body,
                                    title=guide.title, appbuilder=self.appbuilder)

    @expose("/screenshots/<path:name>")
    @has_access
    def screenshot(self, name):
        if not name.endswith(".png"):
            abort(404)
        # send_from_directory refuses a name that leaves the folder (404)
        return send_from_directory(guides.SCREENSHOTS, name, max_age=300)
