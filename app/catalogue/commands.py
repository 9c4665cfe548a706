"""`flask sanarip promote-field | catalogue-snapshot | catalogue-apply`: a developer's and an installer's tools for
the catalogue (views/catalogue.py is the admin's)."""
import json

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app import clock
from app.catalogue import admin
from app.errors import DomainError
from models.catalogue import CustomField


@click.command("promote-field")
@click.argument("dataset")
@click.argument("key")
@click.option("--revision", default=None, help="Revision id of the migration (default: next number).")
@click.option("--directory", default=None, help="Folder of the migrations (default: migrations/versions).")
@with_appcontext
def promote_field_command(dataset, key, revision, directory):
    """Generate an Alembic migration that makes a custom field a real column (for a developer to review)."""
    import os

    from app.extensions import db

    field = db.session.scalar(select(CustomField).where(CustomField.dataset == dataset, CustomField.key == key))
    if field is None:
        raise click.ClickException(f"no custom field {dataset}.{key}")
    if field.status == "promoted":
        raise click.ClickException(f"{dataset}.{key} is promoted already")
    directory = directory or os.path.join(current_app.root_path, os.pardir, "migrations", "versions")
    try:
        path, revision = admin.write_promotion(field, os.path.abspath(directory), revision)
    except DomainError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"wrote {path} (revision {revision})")
    click.echo("add to the model, then review and run `flask db upgrade`:")
    click.echo(admin.model_line(field))


@click.command("catalogue-snapshot")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def catalogue_snapshot_command(path):
    """Write the catalogue configuration (custom fields, classifier items, texts, parameters, open data) as JSON."""
    from app.catalogue import snapshot
    from app.extensions import db

    with open(path, "w", encoding="utf-8") as fh:
        json.dump(snapshot.take(db.session), fh, ensure_ascii=False, indent=1)
    click.echo(f"wrote {path}")


@click.command("catalogue-apply")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Only list what would change.")
@with_appcontext
def catalogue_apply_command(path, dry_run):
    """Apply a catalogue snapshot: add what is missing, change what differs, all or nothing (nothing is deleted)."""
    from app.catalogue import snapshot
    from app.extensions import db

    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    try:
        lines = snapshot.apply(db.session, data, clock.local_today(), clock.now(), dry_run=dry_run)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc))
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for line in lines:
        click.echo(line)
    click.echo(f"{len(lines)} changes" + (" (dry run: nothing written)" if dry_run else ""))
