"""logins: attempts and lockouts (throttling across processes), the session version of a user

Revision ID: 0017_logins
Revises: 0016_job_result
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_logins"
down_revision = "0016_job_result"
branch_labels = None
depends_on = None


def _foreign_keys(on: bool) -> None:
    """Dropping the column copies ``user`` in SQLite batch mode, which fails while other tables
    point at it with foreign keys on; the pragma only works outside a transaction."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), nullable=False,
                                      server_default="0"))
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_key", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    for column in ("account_key", "address", "at"):
        op.create_index(op.f(f"ix_login_attempt_{column}"), "login_attempt", [column])
    op.create_table(
        "login_lockout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("lifted_by", sa.Integer(), nullable=True),
        sa.Column("lifted_at", sa.DateTime(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_login_lockout_user_id_user")),
        sa.ForeignKeyConstraint(["lifted_by"], ["user.id"],
                                name=op.f("fk_login_lockout_lifted_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_lockout")),
    )
    op.create_index(op.f("ix_login_lockout_key"), "login_lockout", ["key"])


def downgrade():
    op.drop_index(op.f("ix_login_lockout_key"), table_name="login_lockout")
    op.drop_table("login_lockout")
    for column in ("account_key", "address", "at"):
        op.drop_index(op.f(f"ix_login_attempt_{column}"), table_name="login_attempt")
    op.drop_table("login_attempt")
    _foreign_keys(False)
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("session_version")
    _foreign_keys(True)
