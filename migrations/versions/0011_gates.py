"""age and ID gates: the ID card's validity end (身份证有效期至) on each person

Existing people get NULL (not recorded: they were registered before it was asked); 长期 is
stored as 9999-12-31. The age gates need no column: they are computed from the ID number.

Revision ID: 0011_gates
Revises: 0010_board
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_gates"
down_revision = "0010_board"
branch_labels = None
depends_on = None


def _foreign_keys(on: bool) -> None:
    """Dropping the column copies ``person`` in SQLite batch mode, which fails while other
    tables point at it with foreign keys on; the pragma only works outside a transaction."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id_valid_until", sa.Date(), nullable=True))


def downgrade():
    _foreign_keys(False)
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("id_valid_until")
    _foreign_keys(True)
