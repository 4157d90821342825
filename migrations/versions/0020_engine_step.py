"""Engine step: ``engine_process_instance.state_token``, the random token each save writes;
a process reuses the workflow it saved while the row still carries it (``engine.workflow_cache``).

Revision ID: 0020_engine_step
Revises: 0020_attendance_index
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_engine_step"
down_revision = "0020_attendance_index"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("engine_process_instance", sa.Column("state_token", sa.BigInteger()))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+ too): a batch rebuild would drop the table that the
    # inbox and job tables reference, which SQLite refuses with foreign keys on.
    op.execute("ALTER TABLE engine_process_instance DROP COLUMN state_token")
