"""national platform: the upload state of every object (platform_sync)

Revision ID: 0019_platform
Revises: 0019_bank
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_platform"
down_revision = "0019_bank"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "platform_sync",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("object_key", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("request_code", sa.String(length=64), nullable=True),
        sa.Column("platform_ref", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("state IN ('not_sent', 'pending', 'accepted', 'refused')",
                           name=op.f("ck_platform_sync_state")),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], name=op.f("fk_platform_sync_project_id_project")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_sync")),
        sa.UniqueConstraint("project_id", "kind", "object_key",
                            name=op.f("uq_platform_sync_project_id_kind_object_key")),
    )
    op.create_index(op.f("ix_platform_sync_project_id"), "platform_sync", ["project_id"])
    op.create_index(op.f("ix_platform_sync_request_code"), "platform_sync", ["request_code"])


def downgrade():
    op.drop_table("platform_sync")
