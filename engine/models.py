"""Engine tables (流程引擎表) on their own declarative base.

Created only by the Alembic migration ``0002_engine``; nothing here touches the database at
import time.  Types are portable between SQLite and PostgreSQL; JSON lives in ``Text`` columns.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BigInteger ids become INTEGER on SQLite so that they stay rowid aliases (autoincrement).
Id = BigInteger().with_variant(Integer, "sqlite")


class EngineBase(DeclarativeBase):
    """Declarative base of the engine's tables, separate from the application's."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ProcessDefinition(EngineBase):
    """One deployed version of a BPMN process (流程定义版本)."""

    __tablename__ = "engine_process_definition"
    __table_args__ = (UniqueConstraint("process_id", "version"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    bpmn_xml: Mapped[str] = mapped_column(Text)
    spec_json: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    # The DMN texts deployed with it and the versions its calls to other files were bound to
    # ({"dmn": [...], "calls": {process id: version}}); None when it has neither.
    documents_json: Mapped[str | None] = mapped_column(Text)
    deployed_by: Mapped[str | None] = mapped_column(String(200))
    deployed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Set by ``deploy`` (not stored): the text was already the newest version, nothing stored.
    unchanged = False


class ProcessInstance(EngineBase):
    """One running or finished process instance (流程实例) with its serialized state."""

    __tablename__ = "engine_process_instance"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("engine_process_definition.id"))
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    definition_sha256: Mapped[str] = mapped_column(String(64))  # part of the spec cache key
    business_key: Mapped[str | None] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # running|suspended|completed|terminated
    version: Mapped[int] = mapped_column(Integer, default=0)
    # Random per save: a process reuses the workflow it saved only while the row still carries
    # it (``engine.workflow_cache``); None before the first save.
    state_token: Mapped[int | None] = mapped_column(BigInteger)
    has_timers: Mapped[bool] = mapped_column(Boolean, default=False)  # any pending timer jobs
    state_json: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(10))
    started_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class HumanTask(EngineBase):
    """An inbox row (待办): one READY user task, its role (lane) and scope."""

    __tablename__ = "engine_human_task"
    __table_args__ = (
        Index("ix_engine_human_task_open", "status", "role", "project_id"),
        Index("ix_engine_human_task_instance", "instance_id", "status"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("engine_process_instance.id"))
    task_guid: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(300))
    process_id: Mapped[str] = mapped_column(String(200))
    business_key: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(100))
    project_id: Mapped[int | None] = mapped_column(BigInteger)
    unit_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))  # open|completed|cancelled
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_by: Mapped[str | None] = mapped_column(String(200))


class Job(EngineBase):
    """Work for the executor (作业): a service call or a timer wake-up, run once per key."""

    __tablename__ = "engine_job"
    __table_args__ = (Index("ix_engine_job_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    job_key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # service|timer|step (a fired scheduler tick)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("engine_process_instance.id"))
    task_guid: Mapped[str | None] = mapped_column(String(36))
    operation: Mapped[str | None] = mapped_column(String(200))
    params_json: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # pending|running|done|incident|cancelled
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    backoff_seconds: Mapped[int] = mapped_column(Integer, default=30)
    last_error: Mapped[str | None] = mapped_column(Text)
    # The connector's answer, stored in its own transaction before the completion: a failure
    # after the call retries the completion with it and never calls the connector again.
    result_json: Mapped[str | None] = mapped_column(Text)
    locked_by: Mapped[str | None] = mapped_column(String(200))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Incident(EngineBase):
    """A job that failed its last attempt (故障), waiting for an admin's retry."""

    __tablename__ = "engine_incident"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("engine_job.id"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("engine_process_instance.id"))
    error: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(String(200))


class InstanceAction(EngineBase):
    """An admin's suspend, resume or terminate of an instance, with who, when and why."""

    __tablename__ = "engine_instance_action"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("engine_process_instance.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # suspend|resume|terminate
    reason: Mapped[str] = mapped_column(String(500), default="")
    by: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Failure(EngineBase):
    """A step of a diagram that failed and was not saved (a user's completion refused, an
    instance that could not start): kept for the process admin, with its element and user."""

    __tablename__ = "engine_failure"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    element_id: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str] = mapped_column(Text)
    user: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class PendingMessage(EngineBase):
    """A message that arrived before its instance waited for it (待投递消息)."""

    __tablename__ = "engine_pending_message"
    __table_args__ = (Index("ix_engine_pending_message_key", "business_key", "delivered_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    business_key: Mapped[str] = mapped_column(String(200))
    payload_json: Mapped[str] = mapped_column(Text)
    # The message's correlation values ({key: {property: value}}), when it has any: it waits
    # for an instance whose correlation values match (its business key may then be "").
    correlations_json: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    instance_id: Mapped[int | None] = mapped_column(BigInteger)


class TaskHistory(EngineBase):
    """A task of an instance that finished (任务历史): completed or cancelled, by whom (None:
    the engine), when, and the task data it changed (raw here; pages mask personal data)."""

    __tablename__ = "engine_task_history"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("engine_process_instance.id"), index=True)
    task_guid: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str | None] = mapped_column(String(40))  # the spec class: UserTask, ScriptTask…
    outcome: Mapped[str] = mapped_column(String(20))  # completed|cancelled
    by: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changes_json: Mapped[str | None] = mapped_column(Text)  # {"set": {...}, "deleted": [...]}


class EventWait(EngineBase):
    """A message or signal an instance waits for now (等待的事件), with the instance's
    correlation values: how a thrown message finds its instances by correlation key and a
    signal every instance that waits for it.  Rebuilt by the save that changes them."""

    __tablename__ = "engine_event_wait"
    __table_args__ = (Index("ix_engine_event_wait_name", "kind", "name"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("engine_process_instance.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # message|signal
    name: Mapped[str] = mapped_column(String(200))
    correlations_json: Mapped[str | None] = mapped_column(Text)  # {key: {property: value}}
