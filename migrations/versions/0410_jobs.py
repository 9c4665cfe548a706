"""background jobs (app/jobs.py): core_job, one row per queued import, export, PDF list or daily run

Revision ID: 0410_jobs
Revises: 0300_global_search
"""
import sqlalchemy as sa
from alembic import op

revision = "0410_jobs"
down_revision = "0300_global_search"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "core_job",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("owner_id", sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("payload", sa.Text),
        sa.Column("result_name", sa.String(255)),
        sa.Column("stored_name", sa.String(64)),
        sa.Column("content_type", sa.String(100)),
        sa.Column("size_bytes", sa.Integer),
        sa.Column("report", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("error_params", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_core_job_owner_id", "core_job", ["owner_id"])
    op.create_index("ix_core_job_created_at", "core_job", ["created_at"])


def downgrade():
    op.drop_table("core_job")
