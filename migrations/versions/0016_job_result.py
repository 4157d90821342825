"""engine jobs: the connector's answer stored on its job before the completion; the failure log

A failure after the call (a script after the service task, a concurrent save) then retries the
completion with the stored answer and never calls the connector a second time.  engine_failure
keeps each step refused because the diagram's logic failed (element, error, user, when);
engine_instance_action each suspend, resume and terminate (who, when, why).

Revision ID: 0016_job_result
Revises: 0015_ledger
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_job_result"
down_revision = "0015_ledger"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("engine_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result_json", sa.Text(), nullable=True))
    op.create_table(
        "engine_failure",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("instance_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  nullable=True),
        sa.Column("element_id", sa.String(length=200), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("user", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engine_failure")),
    )
    op.create_index(op.f("ix_engine_failure_created_at"), "engine_failure", ["created_at"])
    op.create_table(
        "engine_instance_action",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("instance_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["engine_process_instance.id"],
                                name=op.f("fk_engine_instance_action_instance_id_engine_process_instance")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engine_instance_action")),
    )
    op.create_index(op.f("ix_engine_instance_action_instance_id"), "engine_instance_action",
                    ["instance_id"])


def downgrade():
    op.drop_index(op.f("ix_engine_instance_action_instance_id"),
                  table_name="engine_instance_action")
    op.drop_table("engine_instance_action")
    op.drop_index(op.f("ix_engine_failure_created_at"), table_name="engine_failure")
    op.drop_table("engine_failure")
    with op.batch_alter_table("engine_job", schema=None) as batch_op:
        batch_op.drop_column("result_json")
