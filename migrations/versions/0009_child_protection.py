"""child protection: children and families in difficult life situations, relatives, case history, assessments,
plan rules, activities, monitoring visits, reasons

Revision ID: 0009_child_protection
Revises: e41522e00e95
"""
from alembic import op
import sqlalchemy as sa

revision = "0009_child_protection"
down_revision = "e41522e00e95"  # relatives are linked to household-book persons
branch_labels = ("child_protection",)
depends_on = None


def _tracked():
    return [
        sa.Column("created_on", sa.DateTime(), nullable=False),
        sa.Column("changed_on", sa.DateTime(), nullable=False),
        sa.Column("created_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("changed_by_fk", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
    ]


def _names():
    return [sa.Column("name_ky", sa.String(255)), sa.Column("name_ru", sa.String(255), nullable=False),
            sa.Column("name_en", sa.String(255))]


def _child_fk():
    return sa.Column("child_id", sa.Integer(), sa.ForeignKey("child_protection_child.id"), nullable=False)


def _indexes(table, *columns):
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade():
    op.create_table(
        "child_protection_reason",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_names(), *_tracked(),
    )
    op.create_table(
        "child_protection_family",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("address", sa.String(255)),
        sa.Column("note", sa.Text()),
        sa.Column("anonymised_on", sa.Date()),
        sa.Column("territory_id", sa.Integer(), sa.ForeignKey("ref_territory.id"), nullable=False),
        *_tracked(),
    )
    _indexes("child_protection_family", "territory_id")
    op.create_table(
        "child_protection_child",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("patronymic", sa.String(100)),
        sa.Column("full_name", sa.String(310), nullable=False),
        sa.Column("sex", sa.String(1), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("pin", sa.String(14)),
        sa.Column("pin_unknown", sa.Boolean(), nullable=False),
        sa.Column("identified_on", sa.Date(), nullable=False),
        sa.Column("identification_address", sa.String(255)),
        sa.Column("residence_address", sa.String(255)),
        sa.Column("family_id", sa.Integer(), sa.ForeignKey("child_protection_family.id")),
        sa.Column("disability", sa.Boolean(), nullable=False),
        sa.Column("survivor_pension", sa.Boolean(), nullable=False),
        sa.Column("monthly_benefit", sa.Boolean(), nullable=False),
        sa.Column("fixed_housing", sa.Boolean(), nullable=False),
        sa.Column("property_inventory", sa.Text()),
        sa.Column("legal_status", sa.String(20), nullable=False),
        sa.Column("migrant_parents", sa.Boolean(), nullable=False),
        sa.Column("other_needs", sa.Text()),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("anonymised_on", sa.Date()),
        sa.Column("territory_id", sa.Integer(), sa.ForeignKey("ref_territory.id"), nullable=False),
        *_tracked(),
    )
    _indexes("child_protection_child", "full_name", "pin", "family_id", "status", "territory_id")
    op.create_table(
        "child_protection_child_reason",
        sa.Column("child_id", sa.Integer(), sa.ForeignKey("child_protection_child.id"), primary_key=True),
        sa.Column("reason_id", sa.Integer(), sa.ForeignKey("child_protection_reason.id"), primary_key=True),
    )
    op.create_table(
        "child_protection_relative",
        sa.Column("id", sa.Integer(), primary_key=True),
        _child_fk(),
        sa.Column("relation", sa.String(20), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("last_name", sa.String(100)),
        sa.Column("first_name", sa.String(100)),
        sa.Column("patronymic", sa.String(100)),
        sa.Column("pin", sa.String(14)),
        sa.Column("household_member_id", sa.Integer(), sa.ForeignKey("household_book_member.id")),
        sa.Column("note", sa.String(500)),
        *_tracked(),
    )
    _indexes("child_protection_relative", "child_id", "pin", "household_member_id")
    op.create_table(
        "child_protection_transition",
        sa.Column("id", sa.Integer(), primary_key=True),
        _child_fk(),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("from_status", sa.String(12)),
        sa.Column("to_status", sa.String(12), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        *_tracked(),
    )
    _indexes("child_protection_transition", "child_id")
    domains = ("health", "education", "family", "housing", "income", "safety")
    op.create_table(
        "child_protection_assessment",
        sa.Column("id", sa.Integer(), primary_key=True),
        _child_fk(),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        *[c for d in domains for c in (sa.Column(f"{d}_risk", sa.String(6), nullable=False),
                                       sa.Column(f"{d}_note", sa.Text()))],
        *_tracked(),
    )
    _indexes("child_protection_assessment", "child_id")
    op.create_table(
        "child_protection_plan_rule",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("plan", sa.String(6), nullable=False),
        sa.Column("field1", sa.String(20), nullable=False),
        sa.Column("operator1", sa.String(4), nullable=False),
        sa.Column("value1", sa.String(40), nullable=False),
        sa.Column("field2", sa.String(20)),
        sa.Column("operator2", sa.String(4)),
        sa.Column("value2", sa.String(40)),
        sa.Column("responsible", sa.String(20), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_names(), *_tracked(),
    )
    op.create_table(
        "child_protection_activity",
        sa.Column("id", sa.Integer(), primary_key=True),
        _child_fk(),
        sa.Column("plan", sa.String(6), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("responsible", sa.String(20), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("done_on", sa.Date()),
        sa.Column("outcome", sa.Text()),
        sa.Column("rule_id", sa.Integer(), sa.ForeignKey("child_protection_plan_rule.id")),
        sa.Column("edited", sa.Boolean(), nullable=False),
        *_tracked(),
        sa.UniqueConstraint("child_id", "rule_id", name="uq_cp_activity_rule"),
    )
    _indexes("child_protection_activity", "child_id", "deadline", "rule_id")
    op.create_table(
        "child_protection_visit",
        sa.Column("id", sa.Integer(), primary_key=True),
        _child_fk(),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(12), nullable=False),
        sa.Column("note", sa.Text()),
        *_tracked(),
    )
    _indexes("child_protection_visit", "child_id")


def downgrade():
    for table in ("child_protection_visit", "child_protection_activity", "child_protection_plan_rule",
                  "child_protection_assessment", "child_protection_transition", "child_protection_relative",
                  "child_protection_child_reason", "child_protection_child", "child_protection_family",
                  "child_protection_reason"):
        op.drop_table(table)
