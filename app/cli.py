"""`flask sanarip …`: setup, reference data, demo data, users. Every step is idempotent."""
import os
import re
import secrets
import string

import click
from flask import current_app
from flask_babel import force_locale
from flask.cli import AppGroup, with_appcontext
from flask_appbuilder.exceptions import PasswordComplexityValidationError

from app.extensions import db

sanarip = AppGroup("sanarip", help="Sanarip set-up and data commands.")


def register_cli(app):
    for spec in app.extensions["sanarip_modules"]:
        for command in spec.commands:
            if command.name not in sanarip.commands:
                sanarip.add_command(command)
    app.cli.add_command(sanarip)


def _echo(message):
    click.echo(message)


def generate_password():
    """A random password that satisfies the complexity rule."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(14))
        if re.search(r"\d", candidate) and re.search(r"[a-z]", candidate) and re.search(r"[A-Z]", candidate):
            return candidate


def _templates():
    """Role templates of all enabled modules; a role several modules contribute to (e.g. "LSG clerk") gets the
    permissions of all of them."""
    from app.seed.roles import RoleTemplate

    merged = {}
    for spec in current_app.extensions["sanarip_modules"]:
        for template in spec.role_templates:
            known = merged.get(template.name)
            if known is None:
                merged[template.name] = RoleTemplate(template.name, template.label, list(template.permissions),
                                                     template.territorial, template.organisation, template.office,
                                                     template.organisation_of)
            else:
                known.permissions.extend(template.permissions)
                known.territorial = known.territorial and template.territorial
                known.organisation = known.organisation or template.organisation
                known.office = known.office or template.office
                known.organisation_of = known.organisation_of or template.organisation_of
    return list(merged.values())


def _role_context():
    """(templates, appbuilder, menus) for app.seed.roles: menus maps each view class to its MenuItem."""
    specs = current_app.extensions["sanarip_modules"]
    menus = {item.view: item for spec in specs for item in spec.menu}
    return _templates(), current_app.appbuilder, menus


def demo_access_request(today=None):
    """The access request of a demo child-protection account (cl. 13(3), 24): a made-up organisation with a
    well-formed INN, a well-formed PIN, valid from today for the longest term allowed."""
    import datetime

    from app.clock import local_today
    from app.services.accounts import DEFAULT_ACCESS_MAX_DAYS

    today = today or local_today()
    days = int(current_app.config.get("CHILD_PROTECTION_ACCESS_MAX_DAYS") or DEFAULT_ACCESS_MAX_DAYS)
    return {"organisation": "Демо: балдарды коргоо органы", "organisation_inn": "01203200510012",
            "organisation_address": "Бишкек ш., Демо көч., 1", "pin": "21505198000123", "position": "Адис",
            "valid_from": today, "valid_until": today + datetime.timedelta(days=days)}


def create_user(username, password, role_names, first_name="", last_name="", email=None, territory=None,
                access=None):
    """Create a login through the same rules as the UI (password complexity, the account rules of
    app/services/accounts.check_account: a child-protection role needs the access request `access` — organisation,
    organisation_inn, organisation_address, pin, position, valid_from, valid_until — and a territory). Returns the
    user or None if the username exists; a refused account raises DomainError and nothing is saved."""
    from types import SimpleNamespace

    from app.security import password_complexity
    from app.services.accounts import check_account

    sm = current_app.appbuilder.sm
    if sm.find_user(username=username) is not None:
        return None
    password_complexity(password)
    roles = [sm.find_role(name) for name in role_names]
    if any(r is None for r in roles):
        raise click.ClickException(f"unknown role in {role_names}")
    access = {k: v for k, v in (access or {}).items() if v not in (None, "")}
    check_account(SimpleNamespace(first_name=first_name or username, last_name=last_name or "-", roles=roles,
                                  territory=territory, territory_id=None,
                                  **{k: access.get(k) for k in ("organisation", "organisation_inn",
                                                                "organisation_address", "pin", "position",
                                                                "valid_from", "valid_until")}))
    user = sm.add_user(username, first_name or username, last_name or "-", email or f"{username}@sanarip.local",
                       roles, password)
    if not user:
        raise click.ClickException(f"could not create {username}")
    if territory is not None or access:
        user.territory = territory
        for name, value in access.items():
            setattr(user, name, value)
        sm.session.commit()
    return user


def sync_security():
    """Roles Admin/Public and every view's permissions, after the tables exist."""
    appbuilder = current_app.appbuilder
    current_app.config["FAB_CREATE_DB"] = True
    try:
        appbuilder.sm.create_db()
    finally:
        current_app.config["FAB_CREATE_DB"] = False
    appbuilder.add_permissions(update_perms=True)


def demo_territory():
    """Demo territorial users work in one rayon."""
    from app.seed import DEMO_RAYON
    from models.reference import Territory

    return db.session.query(Territory).filter(Territory.code == DEMO_RAYON).first()


def prepare_database(echo=_echo):
    """Everything a database needs before anyone logs in (the same for `setup`, tests and benchmarks)."""
    from flask_migrate import upgrade

    from app.seed import roles

    echo("1/5 applying migrations")
    upgrade(revision="heads")  # each module's migrations form their own branch from the platform's
    echo("2/5 syncing roles and permissions")
    sync_security()
    echo("3/5 loading reference data")
    load_reference(echo)
    echo("4/5 seeding role templates")
    templates, appbuilder, menus = _role_context()
    roles.seed(appbuilder.sm, templates, appbuilder, menus, echo)
    # roles seeded by an earlier version keep what they have: say what this version would add, do not add it
    changes = roles.diff(appbuilder.sm, templates, appbuilder, menus)
    for name, pairs in changes.items():
        echo(f"  role {name}: {len(pairs)} permissions of this version missing")
    if changes:
        echo("  review with `flask sanarip roles diff`, add with `flask sanarip roles apply`")


@sanarip.command("setup")
@click.option("--demo/--no-demo", default=False, help="Also seed demo data and one demo user per role.")
@with_appcontext
def setup_command(demo):
    """Migrate, sync permissions, load reference data, seed roles, create the admin (and demo data)."""
    prepare_database()
    _echo("5/5 admin account")
    password = os.environ.get("ADMIN_PASSWORD") or None
    generated = password is None
    password = password or generate_password()
    user = create_user(os.environ.get("ADMIN_USERNAME", "admin"), password, [current_app.config["AUTH_ROLE_ADMIN"]],
                       "Admin", "Sanarip")
    if user is not None:
        _echo(f"  admin login: {user.username} / {password}" + (" (generated, shown once)" if generated else ""))
    else:
        _echo("  admin exists (password unchanged)")
    if demo:
        seed_demo()


def load_reference(echo=_echo):
    for spec in current_app.extensions["sanarip_modules"]:
        if spec.seed_reference is not None:
            spec.seed_reference(db.session, echo)
    db.session.commit()


@sanarip.command("load-reference")
@with_appcontext
def load_reference_command():
    """Load reference data (territories, classifiers) that is missing."""
    load_reference()


def seed_demo_data(echo=_echo):
    """Each module's demo data, through its services."""
    for spec in current_app.extensions["sanarip_modules"]:
        if spec.seed_demo is not None:
            spec.seed_demo(db.session, echo)
    db.session.commit()


def demo_username(template):
    from app.seed.roles import role_key

    return "demo_" + role_key(template.name)


def _demo_last_name(template):
    with force_locale("ky"):  # the demo user's name reads as a person's in the Kyrgyz screens
        return str(template.label)[:64]  # FAB keeps 64 characters


def _needs_access_request(template):
    from app.services.accounts import needs_access_request
    from types import SimpleNamespace

    return needs_access_request(SimpleNamespace(roles=[SimpleNamespace(name=template.name)]))


def seed_demo():
    password = os.environ.get("DEMO_PASSWORD") or None
    generated = password is None
    password = password or generate_password()
    territory = demo_territory()
    printed = False

    def created(username, template, scope=""):
        nonlocal printed
        if not printed:
            _echo(f"  demo users (password {password}{', generated, shown once' if generated else ''}):")
            printed = True
        _echo(f"    {username}: {template.name}{scope}")

    templates = _templates()
    for template in templates:
        if template.organisation or template.office:
            continue  # bound to an organisation or an office of the demo data: created after it (below)
        username = demo_username(template)
        user = create_user(username, password, [template.name], "Демо", _demo_last_name(template),
                           territory=territory if template.territorial else None,
                           access=demo_access_request() if _needs_access_request(template) else None)
        if user is not None:
            created(username, template,
                    f" in {territory.name_ru}" if template.territorial and territory is not None else "")
    seed_demo_data()
    for template in templates:
        if template.office:
            office_demo_user(template, password, created)
        elif template.organisation:
            organisation_demo_user(template, password, created)


#: organisation-bound templates whose demo user belongs to another organisation than an e-government employee's:
#: template name -> "module:function" giving it from the session (RoleTemplate.organisation_of, when a template
#: does not name it itself)
DEMO_ORGANISATION_OF = {"Service centre partner organisation": "app.seed.service_centre:demo_partner_agency"}


def _organisation_of(template):
    if template.organisation_of is not None:
        return template.organisation_of
    target = DEMO_ORGANISATION_OF.get(template.name)
    if target is None:
        return None
    import importlib

    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)


def office_demo_user(template, password, created):
    """The demo user of an office-bound role (the service centre's operator, back-office specialist, office head):
    bound to the first demo office (`scope_office_id`), the account of its staff member of that role, and the head
    of the office for the head's role; not created while the demo data has no office (an unbound user would see
    every office)."""
    from app.seed import service_centre

    username = demo_username(template)
    if current_app.appbuilder.sm.find_user(username=username) is not None:
        return
    office = service_centre.first_office(db.session)
    if office is None:
        _echo(f"    {username}: not created, the demo data has no office of the public service centre")
        return
    user = create_user(username, password, [template.name], "Демо", _demo_last_name(template))
    if user is not None:
        service_centre.bind_demo_user(db.session, office, template.name, user)
        db.session.commit()
        created(username, template, f" at {office.code} {office.name_ru}")


def organisation_demo_user(template, password, created):
    """The demo user of an organisation-bound role: for the e-government register's authorised employee the account
    of the demo data's first authorised employee valid today without one, bound to that employee's organisation;
    for a role naming its organisation (`organisation_of`, e.g. the service centre's partner: the agency of the
    first demo service) bound to that one. Not created while the demo data has no organisation (an unbound user
    would be national)."""
    from models.egov_registry import EgovEmployee, EgovOrganisation

    username = demo_username(template)
    if current_app.appbuilder.sm.find_user(username=username) is not None:
        return
    from app.clock import local_today

    today = local_today()
    organisation_of = _organisation_of(template)
    if organisation_of is not None:
        employee, organisation = None, organisation_of(db.session)
    else:
        employee = next((e for e in db.session.query(EgovEmployee).filter(EgovEmployee.user_id.is_(None))
                         .order_by(EgovEmployee.id) if e.valid_on(today)), None)  # appointed and valid today
        organisation = employee.organisation if employee is not None else \
            db.session.query(EgovOrganisation).order_by(EgovOrganisation.id).first()
    if organisation is None:
        _echo(f"    {username}: not created, the demo data has no organisation of the e-government register")
        return
    user = create_user(username, password, [template.name], "Демо", _demo_last_name(template))
    if user is not None:
        user.scope_organisation_id = organisation.id
        if employee is not None:
            employee.user_id = user.id  # the account the operator granted to the employee's e-mail (cl. 19)
        db.session.commit()
        created(username, template, f" of {organisation.name_ru}")


@sanarip.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Demo data and one demo user per role template (skips what exists)."""
    seed_demo()


@sanarip.command("demo-users")
@with_appcontext
def demo_users_command():
    """The demo logins (username, role, territory); the password only when DEMO_PASSWORD is set and is theirs (a
    generated one was shown once, by `setup --demo`)."""
    from werkzeug.security import check_password_hash

    from models.user import SanaripUser

    password = os.environ.get("DEMO_PASSWORD") or None
    users = [(template, db.session.query(SanaripUser).filter_by(username=demo_username(template)).first())
             for template in _templates()]
    users = [(template, user) for template, user in users if user is not None]
    if not users:
        _echo("  no demo users: `flask sanarip setup --demo` creates them")
        return
    known = password is not None and all(check_password_hash(user.password, password) for _, user in users)
    _echo(f"  demo logins (password {password}):" if known else
          "  demo logins (password: the one `setup --demo` printed when it created them, or DEMO_PASSWORD if it "
          "was set then; set it now to print it):")
    for template, user in users:
        place = f" in {user.territory.name_ru}" if user.territory is not None else \
            f" at {user.scope_office.code}" if user.scope_office is not None else \
            f" of {user.scope_organisation.name_ru}" if user.scope_organisation is not None else ""
        _echo(f"    {user.username}: {template.name}{place}")


@sanarip.command("create-user")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--first-name", default="")
@click.option("--last-name", default="")
@click.option("--email", default=None)
@click.option("--territory", "territory_code", default=None, help="SOATE code of the user's scope")
@click.option("--organisation", default=None, help="access request: the organisation (child protection roles)")
@click.option("--organisation-inn", default=None, help="access request: the organisation's INN")
@click.option("--organisation-address", default=None, help="access request: the organisation's address")
@click.option("--pin", default=None, help="access request: the person's PIN")
@click.option("--position", default=None, help="access request: the person's position")
@click.option("--valid-from", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.option("--valid-until", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@with_appcontext
def create_user_command(username, roles, password, first_name, last_name, email, territory_code, organisation,
                        organisation_inn, organisation_address, pin, position, valid_from, valid_until):
    """Create a login (password complexity and the account rules apply here too: a child-protection role needs
    the access request and a validity period)."""
    from app.errors import DomainError
    from models.reference import Territory

    territory = None
    if territory_code:
        territory = db.session.query(Territory).filter_by(code=territory_code).first()
        if territory is None:
            raise click.ClickException(f"no territory with code {territory_code}")
    access = {"organisation": organisation, "organisation_inn": organisation_inn,
              "organisation_address": organisation_address, "pin": pin, "position": position,
              "valid_from": valid_from.date() if valid_from else None,
              "valid_until": valid_until.date() if valid_until else None}
    try:
        user = create_user(username, password, list(roles), first_name, last_name, email, territory, access)
    except PasswordComplexityValidationError as exc:
        raise click.ClickException(str(exc))
    except DomainError as exc:
        raise click.ClickException(f"{exc.field or ''}: {exc}" if exc.field else str(exc))
    if user is None:
        raise click.ClickException(f"user {username} exists")
    _echo(f"created {username}")


@sanarip.command("unlock")
@click.argument("username")
@with_appcontext
def unlock_command(username):
    """Unlock a login (by user name or e-mail) and forget its failed logins: the way back when the only admin is
    locked."""
    from app.services.accounts import unlock

    user = current_app.appbuilder.sm.find_login_user(username)
    if user is None:
        raise click.ClickException(f"no user {username}")
    unlock(db.session, user)
    db.session.commit()
    _echo(f"unlocked {user.username}")


# --- backups (app/backup.py) ----------------------------------------------------------------------------------
def _backup_folder(folder):
    return folder or current_app.config.get("BACKUP_DIR") or os.path.join(current_app.instance_path, "backups")


@sanarip.command("backup")
@click.option("--to", "folder", default=None, help="Folder for the backup (default BACKUP_DIR or <instance>/backups).")
@click.option("--verify", is_flag=True, help="Check the written backup against its manifest.")
@click.option("--keep", type=int, default=0, help="Keep only the newest N backups in the folder (0: keep all).")
@with_appcontext
def backup_command(folder, verify, keep):
    """Back up the whole database with a manifest (time, schema revision, row counts, checksums)."""
    from app import backup, clock

    try:
        path, manifest_path = backup.backup(db.engine, _backup_folder(folder), clock.now())
        with open(manifest_path, encoding="utf-8") as fh:
            manifest = __import__("json").load(fh)
        _echo(f"backup {path}: {sum(t['rows'] for t in manifest['tables'].values())} rows in "
              f"{len(manifest['tables'])} tables, schema {', '.join(manifest['schema_revisions'])}, "
              f"sha256 {manifest['sha256'][:16]}…")
        if verify:
            backup.verify_file(path, db.engine)
            _echo("verified: checksum, tables, counts and contents match the manifest")
        for name in backup.prune(os.path.dirname(path), keep) if keep else []:
            _echo(f"removed old {name}")
    except backup.BackupError as exc:
        raise click.ClickException(str(exc))


@sanarip.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--verify", "verify_only", is_flag=True, help="Only check the backup; change nothing.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(file, verify_only, yes):
    """Restore the database from a backup (its content replaces the current one), then compare every table."""
    from app import backup

    try:
        if verify_only:
            manifest = backup.verify_file(file, db.engine)
            _echo(f"verified {file}: taken {manifest['created_at']}, schema {', '.join(manifest['schema_revisions'])}"
                  f", {len(manifest['tables'])} tables match the manifest")
            return
        if not yes:
            click.confirm("This replaces every table of the database by the backup. Continue?", abort=True)
        db.session.remove()
        manifest = backup.restore(db.engine, file)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc))
    _echo(f"restored {file} (taken {manifest['created_at']}): {len(manifest['tables'])} tables match the manifest")
    _echo(f"schema {', '.join(manifest['schema_revisions'])}: run `flask sanarip setup` if this code is newer")


# --- periodic duties ------------------------------------------------------------------------------------------
def run_daily(now, echo=_echo):
    """Every enabled module's periodic duty (ModuleSpec.daily), each in its own transaction; a failing duty is
    rolled back and reported, the others still run. Returns the names of the duties that failed."""
    failed = []
    for spec in current_app.extensions["sanarip_modules"]:
        if spec.daily is None:
            continue
        try:
            lines = spec.daily(db.session, now) or []
            db.session.commit()
        except Exception as exc:  # reported, and the exit status says so: cron/systemd then mail the operator
            db.session.rollback()
            current_app.logger.exception("daily duty of %s failed", spec.key)
            failed.append(spec.key)
            echo(f"{spec.key}: FAILED: {exc}")
            continue
        for line in lines:
            echo(f"{spec.key}: {line}")
    return failed


def _register_daily_job():
    """`flask sanarip daily` as a background job an administrator starts from My jobs (views/jobs.py)."""
    from flask_babel import lazy_gettext as _l

    from app import clock, jobs

    @jobs.handler("daily")
    def daily_job(job, payload, progress):
        lines = []
        progress.set_total(len([s for s in current_app.extensions["sanarip_modules"] if s.daily is not None]))
        failed = run_daily(clock.now(), echo=lambda line: (lines.append(line), progress.step(len(lines))))
        progress.report = [[0, "", line] for line in lines]
        if failed:
            raise jobs.JobError(_l("These duties failed: %(names)s."), report=progress.report,
                                names=", ".join(failed))


_register_daily_job()


@sanarip.command("daily")
@click.option("--backup", "with_backup", is_flag=True, help="Also back up the database (to BACKUP_DIR).")
@with_appcontext
def daily_command(with_backup):
    """Run every periodic duty once (child-record retention, annual review of social passports, …); for a daily
    systemd timer or cron line. Idempotent: a second run the same day changes nothing."""
    from app import backup, clock

    now = clock.now()
    _echo(f"daily duties at {now.isoformat(timespec='seconds')}")
    failed = run_daily(now)
    if with_backup:
        try:
            path, _ = backup.backup(db.engine, _backup_folder(None), now)
            backup.verify_file(path)
            _echo(f"backup: {path}")
        except backup.BackupError as exc:
            failed.append("backup")
            _echo(f"backup: FAILED: {exc}")
    if failed:
        raise click.ClickException(f"failed: {', '.join(failed)}")


roles_group = AppGroup("roles", help="Seeded roles against the role templates of this version.")
sanarip.add_command(roles_group)


def _print_changes(changes, verb):
    if not changes:
        _echo("every seeded role has all the permissions of its template")
        return
    for name, pairs in changes.items():
        _echo(f"{name}: {verb} {len(pairs)}")
        for permission, view_menu in pairs:
            _echo(f"  + {permission} on {view_menu}")


@roles_group.command("diff")
@with_appcontext
def roles_diff_command():
    """Per seeded role, the permissions its template grants in this version and the role lacks."""
    from app.seed import roles

    templates, appbuilder, menus = _role_context()
    _print_changes(roles.diff(appbuilder.sm, templates, appbuilder, menus), "would add")


@roles_group.command("apply")
@with_appcontext
def roles_apply_command():
    """Add what `roles diff` lists. Adds only: a permission an admin granted stays, none is removed (one an admin
    revoked from a template's role comes back: review `roles diff` first)."""
    from app.audit import record
    from app.seed import roles

    templates, appbuilder, menus = _role_context()
    changes = roles.apply(appbuilder.sm, templates, appbuilder, menus)
    for name, pairs in changes.items():  # the audit trail says which version's templates changed a role
        record(db.session, "roles_apply", "Role", details={"role": name, "added": [list(p) for p in pairs]},
               username="cli")
    db.session.commit()
    _print_changes(changes, "added")
