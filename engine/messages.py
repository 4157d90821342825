"""Message delivery inside one mutation (消息): send a named message into a live workflow, and
deliver the parked messages that the instance now waits for."""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnEvent
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
