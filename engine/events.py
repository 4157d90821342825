"""Timers and messages (定时器与消息), as whole operations on instances.

Timers: firing one is ``refresh_timers()`` + engine steps under the instance lock.  Messages are
correlated by business key and delivered with the spiff ``MessageEventDefinition``; one that
arrives before its instance waits for it is parked and delivered by the save that makes the
instance wait.  Like every engine function these work in the caller's transaction.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.errors import ProcessError
from engine.event_index import waiting_instances
from engine.incidents import record_failure
from engine.messages import send, signal
from engine.models import PendingMessage, ProcessInstance
from engine.persistence import MESSAGE_SINKS, SIGNAL_SINKS, mutate
from engine.serializer import dump_value
from engine.waiting import waiting_message_names


def fire_timers(session: Session, instance_id: int) -> None:
    """Wake the instance: fire due timers and run engine steps (safe to call any time)."""
    mutate(session, instance_id, lambda loaded: loaded.wf.refresh_timers())


def deliver_message(session: Session, name: str, business_key: str | None, payload=None, *,
                    correlations: dict | None = None, exclude: int | None = None) -> list[int]:  # fmt: skip
    """Deliver message ``name`` to the running instances with ``business_key`` and to those
    waiting for it whose correlation values match ``correlations`` ({key: {property: value}},
    as a BPMN correlation key computes them) — but ``exclude``, the sender of a thrown message.

    Returns the ids of the instances that caught it.  When none waits for it yet, the message
    is parked and delivered as soon as one does.  Every instance with the key is saved in this
    transaction (a version bump even when it did not catch the message): an instance that
    begins to wait concurrently conflicts with this save, runs again and finds the parked
    message — no message is lost between "nobody waits" and "parked".  Each delivery runs in
    its own savepoint: an instance whose diagram fails on it is kept in the failure log and
    the others still get the message; for the failed one it stays parked.
    """
    if not business_key and not correlations:
        return []  # addressed to nobody: nothing to deliver, nothing to park
    ids = set(session.scalars(
        select(ProcessInstance.id)
        .where(ProcessInstance.business_key == business_key, ProcessInstance.status == "running",
               ProcessInstance.id != (exclude or 0))
    ).all()) if business_key else set()  # fmt: skip
    if correlations:
        ids |= set(waiting_instances(session, "message", name, correlations, exclude=exclude))
    caught, failed = _each(session, sorted(ids),
                           lambda wf: name in waiting_message_names(wf)
                           and send(wf, name, payload, correlations))  # fmt: skip
    if not caught or failed:
        session.add(PendingMessage(
            name=name, business_key=business_key or "", payload_json=dump_value(payload),
            correlations_json=json.dumps(correlations, sort_keys=True) if correlations else None,
            created_at=utcnow()))  # fmt: skip
        session.flush()
    return caught


def broadcast_signal(session: Session, name: str, payload=None, *,
                     exclude: int | None = None) -> list[int]:  # fmt: skip
    """Deliver signal ``name`` to every running instance waiting for it (but ``exclude``, the
    thrower, which caught its own already); the ids that caught it.  A signal nobody waits
    for is gone (BPMN: signals are not kept).  Each delivery in its own savepoint."""
    ids = waiting_instances(session, "signal", name, exclude=exclude)
    return _each(session, ids, lambda wf: signal(wf, name, payload))[0]


def _each(session: Session, ids, deliver) -> tuple[list[int], bool]:
    """Run ``deliver(wf)`` on each instance in its own savepoint; (ids where it returned true,
    whether any failed — kept in the failure log)."""
    caught, failed = [], False
    for instance_id in ids:
        savepoint = session.begin_nested()
        try:
            if mutate(session, instance_id, lambda loaded: deliver(loaded.wf)):
                caught.append(instance_id)
            savepoint.commit()
        except ProcessError as error:
            savepoint.rollback()
            record_failure(session, error)
            failed = True
    return caught, failed


MESSAGE_SINKS.append(deliver_message)
SIGNAL_SINKS.append(broadcast_signal)


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
