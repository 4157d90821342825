"""What a workflow waits on (等待事件): the due times of its timers and the names of its messages.

Pure functions of a live workflow; the store, the timer jobs and message delivery read them.
"""

from __future__ import annotations

import json
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    TimeDateEventDefinition,
    TimerEventDefinition,
)

from engine.clock import as_utc


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
    return {d.name for _, d in _waiting_definitions(wf) if isinstance(d, MessageEventDefinition)}


def waiting_index(wf) -> frozenset[tuple[str, str]]:
    """(kind, name) of the messages and signals the workflow waits on now."""
    waits = set()
    for _, definition in _waiting_definitions(wf):
        if isinstance(definition, MessageEventDefinition):
            waits.add(("message", definition.name))
        elif isinstance(definition, SignalEventDefinition):
            waits.add(("signal", definition.name))
    return frozenset(waits)


def waits_of(wf) -> tuple[frozenset[tuple[str, str]], str | None]:
    """What the workflow waits for (:func:`waiting_index`) and its correlation values as JSON."""
    correlations = wf.correlations
    return waiting_index(wf), (json.dumps(correlations, sort_keys=True, default=str)
                               if correlations else None)  # fmt: skip
