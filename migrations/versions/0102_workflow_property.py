"""decommissioning acts of municipal property on the one workflow (app/workflow.py): their history table
`municipal_property_decommission_step` in the StatusHistory shape, backfilled so that every existing act's history
is complete (drawn up → awaiting approval at the act's creation; approved or rejected on its decision day)

Revision ID: 0102_workflow_property
Revises: 0101_workflow_social_passport
"""
import datetime

from alembic import op
import sqlalchemy as sa


revision = "0102_workflow_property"
down_revision = "0101_workflow_social_passport"
branch_labels = None
depends_on = None

TABLE = "municipal_property_decommission_step"
UTC = datetime.timezone.utc


def upgrade():
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("act_id", sa.Integer(), sa.ForeignKey("municipal_property_decommission.id"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("created_on", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_on", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("changed_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_municipal_property_decommission_step_act_id"), ["act_id"],
                              unique=False)
    _backfill()


def _backfill():
    """One "awaiting approval" step per act (when and by whom it was drawn up), and the decision step of every
    decided act: its decision day (at the moment of the act's last change when that fell on the decision day,
    else noon of that day in the configured zone), by who decided."""
    from app.clock import local_zone

    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    acts = sa.table("municipal_property_decommission", sa.column("id", sa.Integer()),
                    sa.column("status", sa.String()), sa.column("decided_on", sa.Date()),
                    sa.column("decided_by_fk", sa.Integer()), sa.column("created_on", sa.DateTime(timezone=True)),
                    sa.column("changed_on", sa.DateTime(timezone=True)), sa.column("created_by_fk", sa.Integer()))
    steps = sa.table(TABLE, sa.column("act_id", sa.Integer()), sa.column("at", sa.DateTime(timezone=True)),
                     sa.column("from_status", sa.String()), sa.column("to_status", sa.String()),
                     sa.column("actor_id", sa.Integer()), sa.column("created_on", sa.DateTime(timezone=True)),
                     sa.column("changed_on", sa.DateTime(timezone=True)))

    def aware(value):
        return None if value is None else (value.replace(tzinfo=UTC) if value.tzinfo is None else value)

    def stored(value):  # SQLite keeps UTC as naive text, PostgreSQL an aware timestamptz
        return value.astimezone(UTC).replace(tzinfo=None) if sqlite else value.astimezone(UTC)

    zone = local_zone()
    migrated = datetime.datetime.now(UTC)
    rows = []
    for act in bind.execute(sa.select(acts).order_by(acts.c.id)).mappings():
        drawn = aware(act["created_on"]) or migrated
        rows.append({"act_id": act["id"], "at": stored(drawn), "from_status": None, "to_status": "pending",
                     "actor_id": act["created_by_fk"], "created_on": stored(migrated), "changed_on": stored(migrated)})
        if act["status"] in ("approved", "rejected"):
            changed = aware(act["changed_on"])
            if act["decided_on"] is None:
                decided = changed or drawn
            elif changed is not None and changed.astimezone(zone).date() == act["decided_on"]:
                decided = changed
            else:
                decided = datetime.datetime.combine(act["decided_on"], datetime.time(12), zone)
            rows.append({"act_id": act["id"], "at": stored(max(decided, drawn)), "from_status": "pending",
                         "to_status": act["status"], "actor_id": act["decided_by_fk"],
                         "created_on": stored(migrated), "changed_on": stored(migrated)})
    if rows:
        op.bulk_insert(steps, rows)


def downgrade():
    op.drop_table(TABLE)
