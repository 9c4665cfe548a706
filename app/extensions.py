"""Extension objects, created once and bound to each app in create_app."""
from flask_appbuilder import Model
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

# One metadata for FAB's security tables and ours, so foreign keys to ab_user resolve and Alembic sees everything.
db = SQLAlchemy(metadata=Model.metadata)
migrate = Migrate(render_as_batch=True)  # SQLite needs batch mode for ALTER TABLE
csrf = CSRFProtect()


def limiter():
    """Flask-AppBuilder's security manager owns the app's Flask-Limiter; use that one rather than a second."""
    from flask import current_app

    return current_app.appbuilder.sm.limiter
