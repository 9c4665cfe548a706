"""A per-user session version: every session cookie and token carries it, and logout, a password change, a lock
or an admin's "End sessions" increase it, which ends every session and token issued before."""
import sqlalchemy as sa
from alembic import op

revision = "0010_session_version"
down_revision = "0041_official_statistics"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ab_user") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("ab_user") as batch:
        batch.drop_column("session_version")
