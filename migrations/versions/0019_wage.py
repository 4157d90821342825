"""the sign-in point as the manager typed it (GCJ-02 from AMap, or the system he chose)

Shown beside the stored WGS-84 on 项目班前签到定位调整. Plain ADD COLUMN (no table rebuild:
``project`` keeps no triggers, and none are lost on SQLite).

Revision ID: 0019_wage
Revises: 0019_notify
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_wage"
down_revision = "0019_notify"
branch_labels = None
depends_on = None
COLUMNS = (("signin_typed_lat", sa.Float()), ("signin_typed_lng", sa.Float()),
           ("signin_typed_system", sa.String(length=5)))  # fmt: skip


def upgrade():
    for name, kind in COLUMNS:
        op.add_column("project", sa.Column(name, kind, nullable=True))


def downgrade():
    with op.batch_alter_table("project", schema=None) as batch_op:
        for name, _kind in reversed(COLUMNS):
            batch_op.drop_column(name)
