"""notify: the outbox of messages to users (in-app, and an SMS channel with attempts)

Revision ID: 0019_notify
Revises: 0019_platform
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_notify"
down_revision = "0019_platform"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("sms_state", sa.String(length=10), nullable=False),
        sa.Column("sms_attempts", sa.Integer(), nullable=False),
        sa.Column("sms_error", sa.String(length=300), nullable=True),
        sa.Column("sms_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "sms_state in ('none', 'pending', 'sent', 'failed')",
            name=op.f("ck_notification_sms_state"),
        ),
        sa.CheckConstraint("sms_attempts >= 0", name=op.f("ck_notification_sms_attempts")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_notification_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint(
            "user_id", "dedupe_key", name=op.f("uq_notification_user_id_dedupe_key")
        ),
    )
    op.create_index("ix_notification_user_read", "notification", ["user_id", "read_at"])
    op.create_index("ix_notification_sms", "notification", ["sms_state"])


def downgrade():
    op.drop_index("ix_notification_sms", table_name="notification")
    op.drop_index("ix_notification_user_read", table_name="notification")
    op.drop_table("notification")
