"""Message delivery inside one mutation (消息): send a named message into a live workflow, and
deliver the parked messages that the instance now waits for."""

from __future__ import annotations

import json

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.specs.event_definitions.message import (
    MessageEventDefinition as BaseMessage,
)
from SpiffWorkflow.spiff.specs.event_definitions import (
    MessageEventDefinition,
    SignalEventDefinition,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.models import PendingMessage
from engine.serializer import load_value
from engine.store import Loaded, run_engine
from engine.waiting import waiting_message_names


def correlated(wanted: dict | None, stored: dict | str | None) -> bool:
    """Whether correlation values share a key with equal values (as SpiffWorkflow compares)."""
    values = json.loads(stored) if isinstance(stored, str) else (stored or {})
    return any(values.get(key) == value for key, value in (wanted or {}).items())


def send(wf, name: str, payload, correlations: dict | None = None) -> bool:
    """Deliver message ``name`` into the workflow; whether a task caught it (its correlation
    values, when it has any, must match ``correlations``)."""
    event = BpmnEvent(MessageEventDefinition(name), payload=payload, correlations=correlations)
    return bool(wf.event_manager.catch(event, internal=False))


def signal(wf, name: str, payload) -> bool:
    """Deliver signal ``name`` into the workflow; whether a task caught it."""
    event = BpmnEvent(SignalEventDefinition(name), payload=payload)
    return bool(wf.event_manager.catch(event, internal=False))


def catch_own_messages(wf) -> list:
    """Deliver the messages the workflow threw to itself where it waits for them now, and
    return the rest (for other instances).  The pools of a collaboration run in one workflow:
    a message one pool throws before the other waits for it is caught when that one does."""
    passed_on: list = []
    while True:
        waiting, caught = waiting_message_names(wf), 0
        for event in wf.get_events():
            definition = event.event_definition
            if (isinstance(definition, BaseMessage) and definition.name in waiting
                    and wf.event_manager.catch(event, internal=False)):  # fmt: skip
                caught += 1
            else:
                passed_on.append(event)
        if not caught:
            return passed_on
        run_engine(wf)


def deliver_parked_messages(session: Session, loaded: Loaded) -> None:
    """Deliver parked messages the instance now waits for, oldest first: those with its
    business key, and those whose correlation values match the instance's."""
    row, wf = loaded.row, loaded.wf
    names = waiting_message_names(wf)
    if not names:
        return
    mine = PendingMessage.correlations_json.is_not(None) & PendingMessage.name.in_(names)
    if row.business_key:
        mine = mine | (PendingMessage.business_key == row.business_key)
    parked = session.scalars(
        select(PendingMessage).where(mine, PendingMessage.delivered_at.is_(None))
        .order_by(PendingMessage.id)
    ).all()  # fmt: skip
    for message in parked:
        correlations = json.loads(message.correlations_json or "null")
        ours = (row.business_key and message.business_key == row.business_key) or correlated(
            correlations, wf.correlations)  # fmt: skip
        if not ours or message.name not in waiting_message_names(wf):
            continue
        if send(wf, message.name, load_value(message.payload_json), correlations):
            run_engine(wf)
            message.delivered_at, message.instance_id = utcnow(), row.id
