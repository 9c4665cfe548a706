"""Official statistics at any level of the territory tree (republic, oblast, rayon, LSG unit), as their own
dataset beside the LSG passports."""
import sqlalchemy as sa
from alembic import op

revision = "0041_official_statistics"
down_revision = "0040_catalogue"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lsg_passport_official_figure", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("territory_id", sa.Integer(), sa.ForeignKey("ref_territory.id"), index=True),
        sa.Column("indicator_id", sa.Integer(), sa.ForeignKey("lsg_passport_indicator.id"), nullable=False,
                  index=True),
        sa.Column("year", sa.Integer(), nullable=False, index=True), sa.Column("reference_date", sa.Date()),
        sa.Column("value", sa.Numeric(18, 2), nullable=False), sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("source", sa.String(500), nullable=False), sa.Column("note", sa.Text()),
        sa.Column("created_on", sa.DateTime(), nullable=False), sa.Column("changed_on", sa.DateTime(), nullable=False),
        sa.Column("created_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id")),
        sa.Column("changed_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id")),
        sa.UniqueConstraint("territory_id", "indicator_id", "year", name="uq_lsg_official_figure"))
    op.create_index("uq_lsg_official_figure_republic", "lsg_passport_official_figure", ["indicator_id", "year"],
                    unique=True, sqlite_where=sa.text("territory_id IS NULL"),
                    postgresql_where=sa.text("territory_id IS NULL"))


def downgrade():
    op.drop_table("lsg_passport_official_figure")
