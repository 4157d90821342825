"""Message delivery inside one mutation (消息): send a named message into a live workflow, and
deliver the parked messages that the instance now waits for."""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.specs.event_definitions.message import (
    MessageEventDefinition as BaseMessage,
)
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.models import PendingMessage
from engine.serializer import load_value
from engine.store import Loaded, run_engine
from engine.waiting import waiting_message_names


def send(wf, name: str, payload) -> None:
    wf.send_event(BpmnEvent(MessageEventDefinition(name), payload=payload))


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
    """Deliver parked messages the instance now waits for, oldest first."""
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
            send(wf, message.name, load_value(message.payload_json))
            run_engine(wf)
            message.delivered_at, message.instance_id = utcnow(), row.id
