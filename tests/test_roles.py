"""Role templates: every entry is a code reference that grants something in the running app, and `roles diff` /
`roles apply` bring a role seeded by an earlier version up to the current templates without removing anything."""
import pytest


def _context(app):
    from app.cli import _role_context

    return _role_context()


def test_every_template_entry_is_a_class_reference_granting_existing_permissions(app):
    """A string pattern or an entry matching no permission of the running app (a renamed view, a removed
    method, a menu item that moved) fails here, per module and template."""
    from flask_appbuilder.security.sqla.models import PermissionView

    from app.seed.roles import Grant, resolve

    with app.app_context():
        _, appbuilder, menus = _context(app)
        existing = {(pv.permission.name, pv.view_menu.name)
                    for pv in appbuilder.sm.session.query(PermissionView).all()}
        checked, problems = 0, []
        for spec in app.extensions["sanarip_modules"]:
            for template in spec.role_templates:
                for entry in template.permissions:
                    checked += 1
                    if not isinstance(entry, Grant):
                        problems.append((spec.key, template.name, entry, "not a grant()"))
                        continue
                    pairs = resolve(entry, appbuilder, menus)
                    absent = [pair for pair in pairs if pair not in existing]
                    if not pairs or absent:
                        problems.append((spec.key, template.name, str(entry), absent))
        assert checked > 100 and problems == []


def test_a_grant_of_an_action_the_class_does_not_declare_fails(app):
    from app.seed.roles import TemplateError, grant, resolve
    from views.household_book import HouseholdApi, MovementView

    with app.app_context():
        _, appbuilder, menus = _context(app)
        with pytest.raises(TemplateError, match="can_edit"):
            resolve(grant(MovementView, "can_edit"), appbuilder, menus)  # movements are never edited
        with pytest.raises(TemplateError, match="menu"):
            resolve(grant(HouseholdApi, "read", menu=True), appbuilder, menus)
        assert set(resolve(grant(HouseholdApi, "read"), appbuilder, menus)) == {
            ("can_get", "HouseholdApi"), ("can_info", "HouseholdApi")}
        assert ("menu_access", "Household book") in resolve(grant(MovementView, "read", menu=True), appbuilder, menus)
    with pytest.raises(TypeError):
        grant("MovementView", "read")  # names are what the templates no longer are


def test_roles_diff_lists_what_a_previous_version_lacked_and_apply_adds_it_keeping_admin_grants(app):
    from flask_appbuilder.security.sqla.models import PermissionView

    from app.cli import prepare_database
    from app.seed import roles

    with app.app_context():
        templates, appbuilder, menus = _context(app)
        sm = appbuilder.sm
        role = sm.find_role("LSG head")
        assert roles.diff(sm, templates, appbuilder, menus) == {}  # freshly seeded: nothing to add

        def pv(permission, view_menu):
            return sm.session.query(PermissionView).filter(
                PermissionView.permission.has(name=permission), PermissionView.view_menu.has(name=view_menu)).one()

        new_in_this_version = pv("can_print", "SupportListView")
        admin_extra = pv("can_add", "HouseholdView")  # not in the LSG head template: an admin's decision
        role.permissions.remove(new_in_this_version)  # as seeded by a version without the printed support list
        role.permissions.append(admin_extra)
        sm.session.commit()
        try:
            runner = app.test_cli_runner()
            out = runner.invoke(args=["sanarip", "roles", "diff"])
            assert out.exit_code == 0, out.output
            assert "LSG head: would add 1" in out.output and "+ can_print on SupportListView" in out.output
            assert "can_add on HouseholdView" not in out.output

            lines = []
            prepare_database(echo=lines.append)  # setup reports the diff and changes nothing
            assert "  role LSG head: 1 permissions of this version missing" in lines
            sm.session.expire_all()
            assert new_in_this_version not in sm.find_role("LSG head").permissions

            out = runner.invoke(args=["sanarip", "roles", "apply"])
            assert out.exit_code == 0, out.output
            assert "LSG head: added 1" in out.output
            sm.session.expire_all()
            role = sm.find_role("LSG head")
            assert new_in_this_version in role.permissions and admin_extra in role.permissions
            assert roles.diff(sm, templates, appbuilder, menus) == {}
            out = runner.invoke(args=["sanarip", "roles", "diff"])
            assert "every seeded role has all the permissions of its template" in out.output
        finally:
            role = sm.find_role("LSG head")
            if admin_extra in role.permissions:
                role.permissions.remove(admin_extra)
            if new_in_this_version not in role.permissions:
                role.permissions.append(new_in_this_version)
            sm.session.commit()
