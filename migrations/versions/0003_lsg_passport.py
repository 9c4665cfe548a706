"""LSG passport: classifiers, passports, indicator values, social objects, problems and needs

Revision ID: 0003_lsg_passport
Revises: e41522e00e95
Create Date: 2026-11-24 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0003_lsg_passport"
down_revision = "e41522e00e95"
branch_labels = ("lsg_passport",)
depends_on = None


def _tracked():
    return [
        sa.Column("created_on", sa.DateTime(), nullable=False),
        sa.Column("changed_on", sa.DateTime(), nullable=False),
        sa.Column("created_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("changed_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
    ]


def _names():
    return [
        sa.Column("name_ky", sa.String(length=255), nullable=True),
        sa.Column("name_ru", sa.String(length=255), nullable=False),
        sa.Column("name_en", sa.String(length=255), nullable=True),
    ]


def upgrade():
    op.create_table(
        "lsg_passport_object_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        *_names(), *_tracked(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "lsg_passport_activity_sphere",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        *_names(), *_tracked(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "lsg_passport_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        *_names(), *_tracked(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "lsg_passport_passport",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("administrative_centre", sa.String(length=255), nullable=True),
        sa.Column("area_km2", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("settlements", sa.Integer(), nullable=True),
        sa.Column("infrastructure", sa.Text(), nullable=True),
        sa.Column("activity_note", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("population_refreshed_on", sa.DateTime(), nullable=True),
        sa.Column("territory_id", sa.Integer(), sa.ForeignKey("ref_territory.id"), nullable=False),
        *_tracked(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("territory_id", "year", name="uq_lsg_passport_territory_year"),
    )
    with op.batch_alter_table("lsg_passport_passport", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lsg_passport_passport_territory_id"), ["territory_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lsg_passport_passport_year"), ["year"], unique=False)

    op.create_table(
        "lsg_passport_passport_sphere",
        sa.Column("passport_id", sa.Integer(), sa.ForeignKey("lsg_passport_passport.id"), nullable=False),
        sa.Column("sphere_id", sa.Integer(), sa.ForeignKey("lsg_passport_activity_sphere.id"), nullable=False),
        sa.PrimaryKeyConstraint("passport_id", "sphere_id"),
    )
    op.create_table(
        "lsg_passport_indicator_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("passport_id", sa.Integer(), sa.ForeignKey("lsg_passport_passport.id"), nullable=False),
        sa.Column("indicator_id", sa.Integer(), sa.ForeignKey("lsg_passport_indicator.id"), nullable=False),
        sa.Column("value", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=255), nullable=True),
        *_tracked(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("passport_id", "indicator_id", "source", name="uq_lsg_passport_value"),
    )
    with op.batch_alter_table("lsg_passport_indicator_value", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lsg_passport_indicator_value_passport_id"), ["passport_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_lsg_passport_indicator_value_indicator_id"), ["indicator_id"],
                              unique=False)

    op.create_table(
        "lsg_passport_social_object",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("passport_id", sa.Integer(), sa.ForeignKey("lsg_passport_passport.id"), nullable=False),
        sa.Column("object_type_id", sa.Integer(), sa.ForeignKey("lsg_passport_object_type.id"), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("settlement_id", sa.Integer(), sa.ForeignKey("ref_territory.id"), nullable=True),
        sa.Column("condition", sa.String(length=16), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("year_built", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        *_tracked(),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lsg_passport_social_object", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lsg_passport_social_object_passport_id"), ["passport_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_lsg_passport_social_object_object_type_id"), ["object_type_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_lsg_passport_social_object_settlement_id"), ["settlement_id"],
                              unique=False)

    op.create_table(
        "lsg_passport_problem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("passport_id", sa.Integer(), sa.ForeignKey("lsg_passport_passport.id"), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("estimated_cost", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("social_object_id", sa.Integer(), sa.ForeignKey("lsg_passport_social_object.id"),
                  nullable=True),
        sa.Column("funding_source", sa.String(length=255), nullable=True),
        *_tracked(),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lsg_passport_problem", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lsg_passport_problem_passport_id"), ["passport_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lsg_passport_problem_social_object_id"), ["social_object_id"],
                              unique=False)


def downgrade():
    for table, indexes in (
            ("lsg_passport_problem", ["passport_id", "social_object_id"]),
            ("lsg_passport_social_object", ["passport_id", "object_type_id", "settlement_id"]),
            ("lsg_passport_indicator_value", ["passport_id", "indicator_id"]),
            ("lsg_passport_passport_sphere", []),
            ("lsg_passport_passport", ["territory_id", "year"]),
            ("lsg_passport_indicator", []),
            ("lsg_passport_activity_sphere", []),
            ("lsg_passport_object_type", [])):
        if indexes:
            with op.batch_alter_table(table, schema=None) as batch_op:
                for column in indexes:
                    batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
        op.drop_table(table)
