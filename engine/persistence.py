"""One mutation of an instance (实例变更): lock → load → act → engine steps → history, inbox →
save → jobs, timers, awaited events — inside the caller's transaction.  The engine never
commits: the use case that called it owns the unit of work, commits once, and runs again when
``ConcurrentUpdate`` says the instance changed under it (SQLite compare-and-set; PostgreSQL
locks the row and never conflicts here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from engine.errors import ConcurrentUpdate, EngineError, InstanceNotRunning, ProcessError
from engine.event_index import sync_waits
from engine.history import record_history
from engine.inbox import rebuild_inbox
from engine.jobs import record_service_jobs
from engine.messages import catch_own_messages, deliver_parked_messages
from engine.pruning import prune_history
from engine.store import Loaded, StaleInstance, lock_and_load, run_engine, save
from engine.timers import sync_timers

T = TypeVar("T")


def as_process_error(exc: Exception, wf, instance_id: int | None) -> ProcessError:
    """Any failure of the diagram's logic as a ProcessError naming its element: the task a
    SpiffWorkflow error names, else the one left in ERROR (Spiff marks it before re-raising)."""
    task = getattr(exc, "task", None)
    if task is None and wf is not None:
        task = next(iter(wf.get_tasks(state=TaskState.ERROR)), None)
    element = getattr(getattr(task, "task_spec", None), "bpmn_id", None)
    detail = str(exc) if isinstance(exc, SpiffWorkflowException) else f"{type(exc).__name__}: {exc}"
    return ProcessError(detail, element_id=element, instance_id=instance_id)


def run_steps(session: Session, loaded: Loaded) -> None:
    """``after_action`` with every non-database failure of the diagram as a ProcessError
    (a TypeError from a multi-instance, a policy violation, a bad timer literal, ...)."""
    try:
        after_action(session, loaded)
    except (StaleInstance, SQLAlchemyError, EngineError):
        raise
    except Exception as exc:
        raise as_process_error(exc, loaded.wf, loaded.row.id) from exc


def after_action(session: Session, loaded: Loaded) -> None:
    """Engine steps, early messages (its own pools' too), the history of the tasks that
    finished, the cut of finished history, the inbox rows of the instance, save (the state
    with the history and inbox rows: one statement on PostgreSQL), then jobs, timers and
    awaited events; last, the messages and signals it threw go to other instances."""
    run_engine(loaded.wf)
    deliver_parked_messages(session, loaded)
    thrown = catch_own_messages(loaded.wf)  # taken out: thrown events never pile up in the state
    record_history(session, loaded)  # before the cut: it reads the tasks that just finished
    prune_history(loaded.wf)  # the finished past leaves the state: steps cost the same later
    rebuild_inbox(session, loaded)  # queued, like the history: the save writes both
    save(session, loaded)
    record_service_jobs(session, loaded)
    sync_timers(session, loaded)
    sync_waits(session, loaded)
    _pass_on(session, loaded, thrown)


# Where thrown messages and signals go: ``engine.events`` registers its delivery here (a hook,
# not an import: delivering an event is itself a mutation, built on this module).
MESSAGE_SINKS: list[Callable[..., object]] = []
SIGNAL_SINKS: list[Callable[..., object]] = []


def _pass_on(session: Session, loaded: Loaded, thrown) -> None:
    """A message thrown by a send task or throw event reaches the other running instances
    with the same business key or matching correlation values (parked when none waits yet);
    a signal reaches every other instance waiting for it; other events end here."""
    key, me = loaded.row.business_key, loaded.row.id
    for event in thrown:
        definition = event.event_definition
        if isinstance(definition, MessageEventDefinition) and (key or event.correlations):
            for sink in MESSAGE_SINKS:
                sink(session, definition.name, key, event.payload,
                     correlations=event.correlations or None, exclude=me)  # fmt: skip
        elif isinstance(definition, SignalEventDefinition):
            for sink in SIGNAL_SINKS:
                sink(session, definition.name, event.payload, exclude=me)


def mutate(
    session: Session,
    instance_id: int | None,
    action: Callable[[Loaded], T],
    *,
    via_task: int | None = None,
) -> T:
    """Run ``action`` on the locked, loaded instance and save it, without committing.

    The action may raise to refuse; the caller rolls back.  A conflicting concurrent save
    raises ConcurrentUpdate: the caller's whole unit of work should run again.
    """
    loaded = None
    try:
        loaded = lock_and_load(session, instance_id, via_task)
        if loaded.row.status in ("suspended", "terminated"):
            raise InstanceNotRunning(f"process instance {loaded.row.id} is {loaded.row.status}")
        result = action(loaded)  # its own refusals pass through as they are
        run_steps(session, loaded)
    except StaleInstance:
        raise ConcurrentUpdate(f"process instance {instance_id or ''} changed; try again") from None
    except SpiffWorkflowException as exc:
        raise as_process_error(exc, loaded and loaded.wf, loaded and loaded.row.id) from exc
    return result
