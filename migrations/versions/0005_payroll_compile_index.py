"""payroll: index of a unit's sign-in days (the compile lists a unit's days in a pay period)

Revision ID: 0005_payroll_compile_index
Revises: 0003_signin, 0004_payroll
"""

from alembic import op

revision = "0005_payroll_compile_index"
down_revision = ("0003_signin", "0004_payroll")
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_attendance_project_unit_day", "attendance", ["project_id", "unit_id", "day"],
        unique=False,
    )  # fmt: skip


def downgrade():
    op.drop_index("ix_attendance_project_unit_day", table_name="attendance")
