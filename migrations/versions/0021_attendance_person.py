"""attendance: no separate index on person_id

The unique key (person_id, project_id, day) begins with person_id, so it serves every look-up
by person (a worker's own month, the foreign key's checks) as well; the single-column index
only cost an index insert per sign-in and its space at 1,000,000 rows.

Revision ID: 0021_attendance_person
Revises: 0020_engine_step
"""

from alembic import op

revision = "0021_attendance_person"
down_revision = "0020_engine_step"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_attendance_person_id", table_name="attendance")


def downgrade():
    op.create_index("ix_attendance_person_id", "attendance", ["person_id"])
