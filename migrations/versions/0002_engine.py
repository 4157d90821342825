"""engine: process definitions, instances, inbox, jobs, incidents, parked messages

Revision ID: 0002_engine
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_engine"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "engine_pending_message",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("business_key", sa.String(length=200), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("instance_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engine_pending_message")),
    )
    op.create_index(
        "ix_engine_pending_message_key",
        "engine_pending_message",
        ["business_key", "delivered_at"],
        unique=False,
    )
    op.create_table(
        "engine_process_definition",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("process_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("bpmn_xml", sa.Text(), nullable=False),
        sa.Column("spec_json", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("deployed_by", sa.String(length=200), nullable=True),
        sa.Column("deployed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engine_process_definition")),
        sa.UniqueConstraint(
            "process_id", "version", name=op.f("uq_engine_process_definition_process_id")
        ),
    )
    op.create_index(
        op.f("ix_engine_process_definition_process_id"),
        "engine_process_definition",
        ["process_id"],
        unique=False,
    )
    op.create_table(
        "engine_process_instance",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "definition_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("process_id", sa.String(length=200), nullable=False),
        sa.Column("definition_sha256", sa.String(length=64), nullable=False),
        sa.Column("business_key", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("has_timers", sa.Boolean(), nullable=False),
        sa.Column("state_json", sa.Text(), nullable=False),
        sa.Column("serializer_version", sa.String(length=10), nullable=False),
        sa.Column("started_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["engine_process_definition.id"],
            name=op.f("fk_engine_process_instance_definition_id_engine_process_definition"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engine_process_instance")),
    )
    op.create_index(
        op.f("ix_engine_process_instance_business_key"),
        "engine_process_instance",
        ["business_key"],
        unique=False,
    )
    op.create_index(
        op.f("ix_engine_process_instance_process_id"),
        "engine_process_instance",
        ["process_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_engine_process_instance_status"),
        "engine_process_instance",
        ["status"],
        unique=False,
    )
    op.create_table(
        "engine_human_task",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "instance_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("task_guid", sa.String(length=36), nullable=False),
        sa.Column("bpmn_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("process_id", sa.String(length=200), nullable=False),
        sa.Column("business_key", sa.String(length=200), nullable=True),
        sa.Column("role", sa.String(length=100), nullable=True),
        sa.Column("project_id", sa.BigInteger(), nullable=True),
        sa.Column("unit_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["engine_process_instance.id"],
            name=op.f("fk_engine_human_task_instance_id_engine_process_instance"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engine_human_task")),
    )
    op.create_index(
        "ix_engine_human_task_instance",
        "engine_human_task",
        ["instance_id", "status"],
        unique=False,
    )
    op.create_index(
        "ix_engine_human_task_open",
        "engine_human_task",
        ["status", "role", "project_id"],
        unique=False,
    )
    op.create_table(
        "engine_job",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("job_key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column(
            "instance_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("task_guid", sa.String(length=36), nullable=True),
        sa.Column("operation", sa.String(length=200), nullable=True),
        sa.Column("params_json", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("backoff_seconds", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("locked_by", sa.String(length=200), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["engine_process_instance.id"],
            name=op.f("fk_engine_job_instance_id_engine_process_instance"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engine_job")),
        sa.UniqueConstraint("job_key", name=op.f("uq_engine_job_job_key")),
    )
    op.create_index("ix_engine_job_due", "engine_job", ["status", "due_at"], unique=False)
    op.create_table(
        "engine_incident",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "instance_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["engine_process_instance.id"],
            name=op.f("fk_engine_incident_instance_id_engine_process_instance"),
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["engine_job.id"], name=op.f("fk_engine_incident_job_id_engine_job")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engine_incident")),
    )
    op.create_index(op.f("ix_engine_incident_job_id"), "engine_incident", ["job_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_engine_incident_job_id"), table_name="engine_incident")
    op.drop_table("engine_incident")
    op.drop_index("ix_engine_job_due", table_name="engine_job")
    op.drop_table("engine_job")
    op.drop_index("ix_engine_human_task_open", table_name="engine_human_task")
    op.drop_index("ix_engine_human_task_instance", table_name="engine_human_task")
    op.drop_table("engine_human_task")
    op.drop_index(op.f("ix_engine_process_instance_status"), table_name="engine_process_instance")
    op.drop_index(
        op.f("ix_engine_process_instance_process_id"), table_name="engine_process_instance"
    )
    op.drop_index(
        op.f("ix_engine_process_instance_business_key"), table_name="engine_process_instance"
    )
    op.drop_table("engine_process_instance")
    op.drop_index(
        op.f("ix_engine_process_definition_process_id"), table_name="engine_process_definition"
    )
    op.drop_table("engine_process_definition")
    op.drop_index("ix_engine_pending_message_key", table_name="engine_pending_message")
    op.drop_table("engine_pending_message")
