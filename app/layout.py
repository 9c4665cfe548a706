"""What the page layout shows around a page: the side navigation, the breadcrumb trail and the page title.

The side navigation is Flask-AppBuilder's own menu (every module's `ModuleSpec.menu`, FAB's security views, any
view registered later), filtered by the same checks FAB's navbar makes (`menu_access` and a menu item's `cond`):
a new module's menu appears without touching the templates, and a role sees only what it may open."""
from dataclasses import dataclass, field

from flask import current_app, g, request
from flask_babel import gettext


@dataclass
class NavItem:
    label: str
    url: str
    icon: str = ""
    active: bool = False


@dataclass
class NavGroup:
    key: str  # the menu category's name: the side nav remembers which groups a user opened by it
    label: str
    icon: str = ""
    items: list = field(default_factory=list)
    #: the platform's own groups (reference data, administration, FAB's security), shown after the modules' work
    platform: bool = False

    @property
    def active(self):
        return any(item.active for item in self.items)


def _visible(sm, item):
    return item.should_render() and sm.has_access("menu_access", item.name)


def _label(item):
    return str(gettext(item.label or item.name))


def _current(item, url):
    """Is `item` the page being shown (or the view that page belongs to: a record's show or edit page)?"""
    view = item.baseview
    if view is not None and getattr(view, "blueprint", None) is not None:
        return request.blueprint == view.blueprint.name
    return bool(url) and request.path == url.split("?")[0]


def navigation():
    """The current user's side navigation: [NavGroup], one per menu category (a top-level link is a group of
    its own), only entries the user may open. Computed once per request."""
    if "_sanarip_nav" in g:
        return g._sanarip_nav
    appbuilder = current_app.appbuilder
    sm = appbuilder.sm
    work, platform = set(), set()
    for spec in current_app.extensions.get("sanarip_modules", []):
        (platform if spec.key == "core" else work).update(item.category or item.name for item in spec.menu)
    work -= platform  # the platform's categories (reference data, administration) that modules add to
    groups = []
    for top in appbuilder.menu.get_list():
        if not _visible(sm, top):
            continue
        group = NavGroup(top.name, _label(top), top.icon or "", platform=top.name not in work)
        for child in top.childs or [top]:
            if not child or child.name == "-" or not _visible(sm, child):
                continue
            url = child.get_url()
            if url:
                group.items.append(NavItem(_label(child), url, child.icon or "", _current(child, url)))
        if group.items:
            groups.append(group)
    groups.sort(key=lambda group: group.platform)  # stable: menu order within each part
    g._sanarip_nav = groups
    return groups


def breadcrumbs(title=None):
    """[(label, url or None)] from the home page to the current page: the module, its menu entry, and the page's
    own title when it is not the menu entry (a record, a form)."""
    appbuilder = current_app.appbuilder
    trail = [(gettext("Home"), appbuilder.get_url_for_index)]
    for group in navigation():
        for item in group.items:
            if item.active:
                if len(group.items) > 1 or group.label != item.label:
                    trail.append((group.label, None))
                trail.append((item.label, item.url))
                title = str(title) if title else ""
                if title and title != item.label:
                    trail.append((title, None))
                return trail
    if title:
        trail.append((str(title), None))
    return trail


def page_title(title=None):
    """The <title> of a page: its own title, or its menu entry's label, then the application's name."""
    name = gettext("Sanarip")
    if not title:
        title = next((item.label for group in navigation() for item in group.items if item.active), None)
    return f"{title} · {name}" if title else name


def install(app):
    @app.context_processor
    def _layout():
        return {"sanarip_navigation": navigation, "sanarip_breadcrumbs": breadcrumbs,
                "sanarip_page_title": page_title}
