"""engine: DMN documents and bound calls of a definition; the history of an instance's tasks;
the messages and signals instances wait for; the correlation values of a parked message

Revision ID: 0019_engine
Revises: 0019_wage
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_engine"
down_revision = "0019_wage"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    with op.batch_alter_table("engine_process_definition", schema=None) as batch_op:
        batch_op.add_column(sa.Column("documents_json", sa.Text(), nullable=True))
    op.create_table(
        "engine_task_history",
        sa.Column("id", Id, nullable=False),
        sa.Column(
            "instance_id",
            Id,
            sa.ForeignKey(
                "engine_process_instance.id",
                name="fk_engine_task_history_instance_id_engine_process_instance",
            ),
            nullable=False,
        ),
        sa.Column("task_guid", sa.String(36), nullable=False),
        sa.Column("bpmn_id", sa.String(200), nullable=True),
        sa.Column("name", sa.String(300), nullable=True),
        sa.Column("kind", sa.String(40), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("by", sa.String(200), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes_json", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_engine_task_history"),
    )
    op.create_index("ix_engine_task_history_instance_id", "engine_task_history", ["instance_id"])
    with op.batch_alter_table("engine_pending_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("correlations_json", sa.Text(), nullable=True))
    op.create_table(
        "engine_event_wait",
        sa.Column("id", Id, nullable=False),
        sa.Column("instance_id", Id, sa.ForeignKey("engine_process_instance.id",
                  name="fk_engine_event_wait_instance_id_engine_process_instance"),
                  nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("correlations_json", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_engine_event_wait"),
    )
    op.create_index("ix_engine_event_wait_instance_id", "engine_event_wait", ["instance_id"])
    op.create_index("ix_engine_event_wait_name", "engine_event_wait", ["kind", "name"])


def downgrade():
    op.drop_index("ix_engine_event_wait_name", table_name="engine_event_wait")
    op.drop_index("ix_engine_event_wait_instance_id", table_name="engine_event_wait")
    op.drop_table("engine_event_wait")
    with op.batch_alter_table("engine_pending_message", schema=None) as batch_op:
        batch_op.drop_column("correlations_json")
    op.drop_index("ix_engine_task_history_instance_id", table_name="engine_task_history")
    op.drop_table("engine_task_history")
    with op.batch_alter_table("engine_process_definition", schema=None) as batch_op:
        batch_op.drop_column("documents_json")
