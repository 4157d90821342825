"""attendance: indexes in the order of the attendance list (考勤记录 at 1,000,000 sign-ins)

The list is ordered by day (newest first), time and id; with an index in exactly that order,
within the project or within one unit, a page's ids are read by an index-only scan from
whichever end is nearer (no sort of every row in the range) and the total is counted from the
index alone.  They replace the indexes on (project, day) and (project, unit, day), which are
their prefixes (the payroll compile's look-up of a unit's days uses the second one the same way).

Revision ID: 0020_attendance_index
Revises: 0019_pipl
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_attendance_index"
down_revision = "0019_pipl"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_attendance_list", "attendance",
                    ["project_id", sa.text("day DESC"), "signed_at", "id"])  # fmt: skip
    op.create_index("ix_attendance_unit_list", "attendance",
                    ["project_id", "unit_id", sa.text("day DESC"), "signed_at", "id"])  # fmt: skip
    op.drop_index("ix_attendance_project_day", table_name="attendance")
    op.drop_index("ix_attendance_project_unit_day", table_name="attendance")


def downgrade():
    op.create_index("ix_attendance_project_day", "attendance", ["project_id", "day"])
    op.create_index("ix_attendance_project_unit_day", "attendance",
                    ["project_id", "unit_id", "day"])  # fmt: skip
    op.drop_index("ix_attendance_unit_list", table_name="attendance")
    op.drop_index("ix_attendance_list", table_name="attendance")
