"""Timers and messages (定时器与消息).

Timers: after each save the due times from ``waiting_events()`` become ``timer`` jobs; firing
one is ``refresh_timers()`` + engine steps under the instance lock.  Messages are correlated by
business key and delivered with the spiff ``MessageEventDefinition``; one that arrives before
its instance waits for it is parked and delivered by the save that makes the instance wait.
"""

from __future__ import annotations

import json
from datetime import datetime

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.specs.event_definitions.message import (
    MessageEventDefinition as BpmnMessageEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import as_utc, utcnow
from engine.models import Job, PendingMessage, ProcessInstance
from engine.persistence import Loaded, mutate
from engine.serializer import dump_value, load_value


def _waiting_definitions(wf):
    """(task, event definition) pairs the workflow waits on.

    ``waiting_events()`` reports an event-based gateway as one MultipleEventDefinition with
    no name or due time, so the gateway's inner definitions are expanded here.
    """
    for task in list(wf.event_manager.tasks.values()):
        definition = task.task_spec.event_definition
        if isinstance(definition, MultipleEventDefinition):
            for inner in definition.event_definitions:
                yield task, inner
        else:
            yield task, definition


def _due(definition, task) -> datetime | None:
    value = task._get_internal_data("event_value")
    if isinstance(value, dict):
        value = value.get("next")
    if not isinstance(value, str):
        return None
    try:
        if isinstance(definition, TimeDateEventDefinition):
            return as_utc(TimerEventDefinition.parse_time_or_duration(value))
        return as_utc(TimerEventDefinition.get_datetime(value))
    except Exception:  # an unparsable value never fires; the definition check caught most
        return None


def timer_dues(wf) -> set[datetime]:
    """Due times (UTC) of the timers the workflow waits on."""
    dues = set()
    for task, definition in _waiting_definitions(wf):
        if isinstance(definition, TimerEventDefinition):
            if (due := _due(definition, task)) is not None:
                dues.add(due)
    return dues


def waiting_message_names(wf) -> set[str]:
    """Names of the messages the workflow waits on now."""
    return {
        d.name for _, d in _waiting_definitions(wf) if isinstance(d, BpmnMessageEventDefinition)
    }


def sync_timers(session: Session, loaded: Loaded) -> None:
    """Make the instance's pending timer jobs match its waiting timers."""
    row, dues = loaded.row, timer_dues(loaded.wf)
    if not dues and not loaded.had_timers:
        return
    pending = session.scalars(
        select(Job).where(Job.instance_id == row.id, Job.kind == "timer", Job.status == "pending")
    )
    for job in pending:
        due = as_utc(job.due_at)
        if due in dues:
            dues.discard(due)
        else:
            job.status = "cancelled"
    for due in dues:
        session.add(_timer_job(row.id, due, row.version))


def _timer_job(instance_id: int, due: datetime, version: int) -> Job:
    return Job(
        job_key=f"timer:{instance_id}:{due.isoformat()}:{version}",
        kind="timer",
        instance_id=instance_id,
        status="pending",
        due_at=due,
        attempts=0,
        max_attempts=5,
        backoff_seconds=10,
        created_at=utcnow(),
    )


def fire_timers(session: Session, instance_id: int) -> None:
    """Wake the instance: fire due timers and run engine steps (safe to call any time)."""
    mutate(session, instance_id, lambda loaded: loaded.wf.refresh_timers())


def _send(wf, name: str, payload) -> None:
    wf.send_event(BpmnEvent(MessageEventDefinition(name), payload=payload))


def deliver_parked_messages(session: Session, loaded: Loaded) -> None:
    """Deliver parked messages the instance now waits for, oldest first."""
    from engine.persistence import run_engine

    row, wf = loaded.row, loaded.wf
    if not row.business_key or not waiting_message_names(wf):
        return
    parked = session.scalars(
        select(PendingMessage)
        .where(PendingMessage.business_key == row.business_key)
        .where(PendingMessage.delivered_at.is_(None))
        .order_by(PendingMessage.id)
    ).all()
    for message in parked:
        if message.name in waiting_message_names(wf):
            _send(wf, message.name, load_value(message.payload_json))
            run_engine(wf)
            message.delivered_at, message.instance_id = utcnow(), row.id


def deliver_message(session: Session, name: str, business_key: str, payload=None) -> list[int]:
    """Deliver message ``name`` to the running instances with ``business_key``; commit.

    Returns the ids of the instances that caught it.  When none waits for it yet, the message
    is parked and delivered as soon as one does.
    """
    ids = session.scalars(
        select(ProcessInstance.id).where(
            ProcessInstance.business_key == business_key, ProcessInstance.status == "running"
        )
    ).all()
    caught = [i for i in ids if _deliver_to(session, i, name, payload)]
    if caught:
        return caught
    message = PendingMessage(
        name=name, business_key=business_key, payload_json=dump_value(payload), created_at=utcnow()
    )
    session.add(message)
    session.commit()
    # An instance that began to wait while we parked it picks it up under its own lock.
    for instance_id in ids:
        mutate(session, instance_id, lambda loaded: None)
    return [message.instance_id] if message.delivered_at else []


def _deliver_to(session: Session, instance_id: int, name: str, payload) -> bool:
    def act(loaded: Loaded) -> bool:
        if name not in waiting_message_names(loaded.wf):
            return False
        _send(loaded.wf, name, payload)
        return True

    return mutate(session, instance_id, act)


def list_parked_messages(session: Session, business_key: str | None = None) -> list[dict]:
    """Undelivered messages (for the admin views)."""
    query = select(PendingMessage).where(PendingMessage.delivered_at.is_(None))
    if business_key:
        query = query.where(PendingMessage.business_key == business_key)
    return [
        {"id": m.id, "name": m.name, "business_key": m.business_key,
         "payload": json.loads(m.payload_json), "created_at": m.created_at}
        for m in session.scalars(query.order_by(PendingMessage.id))
    ]  # fmt: skip
