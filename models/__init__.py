"""Declarative models. Every model derives from flask_appbuilder.Model so that FAB's security tables and ours share
one metadata (Alembic sees them all)."""


def import_all():
    """Import every model module, so the metadata is whole whichever modules are switched on (foreign keys
    between modules resolve, and Alembic sees every table)."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
