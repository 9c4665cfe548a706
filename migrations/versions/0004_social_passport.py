"""social passport of a low-income family

Revision ID: 0004_social_passport
Revises: e41522e00e95
Create Date: 2026-11-23 03:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0004_social_passport"
down_revision = "e41522e00e95"
branch_labels = ("social_passport",)
depends_on = None


def _tracked():
    return [
        sa.Column("created_on", sa.DateTime(), nullable=False),
        sa.Column("changed_on", sa.DateTime(), nullable=False),
        sa.Column("created_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("changed_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
    ]


def _classifier(name):
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(length=40), nullable=False, unique=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("name_ky", sa.String(length=255), nullable=True),
        sa.Column("name_ru", sa.String(length=255), nullable=False),
        sa.Column("name_en", sa.String(length=255), nullable=True),
        *_tracked(),
    )


def _money(name, nullable=False):
    return sa.Column(name, sa.Numeric(precision=12, scale=2), nullable=nullable)


def upgrade():
    op.create_table(
        "social_passport_poverty_line",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), sa.ForeignKey("ref_territory.id"), nullable=True),
        _money("amount"),
        _money("guaranteed_minimum_income", nullable=True),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        *_tracked(),
        sa.UniqueConstraint("year", "territory_id", name="uq_social_passport_poverty_line"),
    )
    with op.batch_alter_table("social_passport_poverty_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_social_passport_poverty_line_year"), ["year"], unique=False)

    _classifier("social_passport_need")
    _classifier("social_passport_reason")

    op.create_table(
        "social_passport_passport",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("territory_id", sa.Integer(), sa.ForeignKey("ref_territory.id"), nullable=False),
        sa.Column("household_id", sa.Integer(), sa.ForeignKey("household_book_household.id"), nullable=False,
                  unique=True),
        sa.Column("surveyed_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("snapshot_on", sa.Date(), nullable=True),
        sa.Column("household_number", sa.String(length=20), nullable=True),
        sa.Column("address", sa.String(length=255), nullable=True),
        sa.Column("head_name", sa.String(length=310), nullable=True),
        *[sa.Column(c, sa.Integer(), nullable=False) for c in (
            "members_count", "children_under_18", "children_under_16", "disabled_count", "pensioners_count",
            "unemployed_count", "dependants_count")],
        *[_money(c) for c in ("income_wages", "income_pensions", "income_benefits", "income_agriculture",
                              "income_remittances", "income_other")],
        sa.Column("housing_tenure", sa.String(length=12), nullable=False),
        sa.Column("housing_type", sa.String(length=12), nullable=False),
        sa.Column("housing_condition", sa.String(length=12), nullable=False),
        *[sa.Column(c, sa.Boolean(), nullable=False) for c in (
            "has_water", "has_electricity", "has_heating", "has_sanitation")],
        sa.Column("land_ha", sa.Numeric(precision=8, scale=2), nullable=False),
        *[sa.Column(c, sa.Integer(), nullable=False) for c in (
            "cattle", "small_ruminants", "horses", "poultry", "children_out_of_school")],
        sa.Column("no_health_access", sa.Boolean(), nullable=False),
        sa.Column("receives_family_benefit", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        _money("income_total"),
        _money("income_per_member"),
        sa.Column("poverty_line_id", sa.Integer(), sa.ForeignKey("social_passport_poverty_line.id"), nullable=True),
        _money("poverty_line_amount", nullable=True),
        sa.Column("welfare_score", sa.Integer(), nullable=False),
        sa.Column("score_details", sa.Text(), nullable=True),
        sa.Column("needs_support", sa.Boolean(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("approved_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("review_due_on", sa.Date(), nullable=True),
        *_tracked(),
    )
    with op.batch_alter_table("social_passport_passport", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_social_passport_passport_territory_id"), ["territory_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_social_passport_passport_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_social_passport_passport_needs_support"), ["needs_support"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_social_passport_passport_review_due_on"), ["review_due_on"],
                              unique=False)

    op.create_table(
        "social_passport_passport_need",
        sa.Column("passport_id", sa.Integer(), sa.ForeignKey("social_passport_passport.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("need_id", sa.Integer(), sa.ForeignKey("social_passport_need.id"), primary_key=True),
    )
    op.create_table(
        "social_passport_passport_reason",
        sa.Column("passport_id", sa.Integer(), sa.ForeignKey("social_passport_passport.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("reason_id", sa.Integer(), sa.ForeignKey("social_passport_reason.id"), primary_key=True),
    )

    op.create_table(
        "social_passport_member",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("passport_id", sa.Integer(), sa.ForeignKey("social_passport_passport.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("pin", sa.String(length=14), nullable=True),
        sa.Column("full_name", sa.String(length=310), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("relation", sa.String(length=20), nullable=True),
        sa.Column("employment", sa.String(length=20), nullable=True),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("pensioner", sa.Boolean(), nullable=False),
        sa.Column("unemployed", sa.Boolean(), nullable=False),
    )
    with op.batch_alter_table("social_passport_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_social_passport_member_passport_id"), ["passport_id"], unique=False)

    op.create_table(
        "social_passport_status_change",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("passport_id", sa.Integer(), sa.ForeignKey("social_passport_passport.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
    )
    with op.batch_alter_table("social_passport_status_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_social_passport_status_change_passport_id"), ["passport_id"],
                              unique=False)


def downgrade():
    for table, indexes in (
        ("social_passport_status_change", ["passport_id"]),
        ("social_passport_member", ["passport_id"]),
        ("social_passport_passport_reason", []),
        ("social_passport_passport_need", []),
        ("social_passport_passport", ["territory_id", "status", "needs_support", "review_due_on"]),
        ("social_passport_reason", []),
        ("social_passport_need", []),
        ("social_passport_poverty_line", ["year"]),
    ):
        if indexes:
            with op.batch_alter_table(table, schema=None) as batch_op:
                for column in indexes:
                    batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
        op.drop_table(table)
