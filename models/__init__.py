"""Declarative models. Every model derives from flask_appbuilder.Model so that FAB's security tables and ours share
one metadata (Alembic sees them all)."""
