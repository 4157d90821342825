"""One mutation of an instance (实例变更): lock → load → act → engine steps → save → jobs, timers,
inbox — inside the caller's transaction.  The engine never commits: the use case that called it
owns the unit of work, commits once, and runs again when ``ConcurrentUpdate`` says the instance
changed under it (SQLite compare-and-set; PostgreSQL locks the row and never conflicts here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy.orm import Session

from engine.errors import ConcurrentUpdate, ProcessError
from engine.inbox import rebuild_inbox
from engine.jobs import record_service_jobs
from engine.messages import deliver_parked_messages
from engine.store import Loaded, StaleInstance, lock_and_load, run_engine, save
from engine.timers import sync_timers

T = TypeVar("T")


def after_action(session: Session, loaded: Loaded) -> None:
    """Engine steps, early messages, save, then jobs, timers and inbox rows of the instance."""
    run_engine(loaded.wf)
    deliver_parked_messages(session, loaded)
    save(session, loaded)
    record_service_jobs(session, loaded)
    sync_timers(session, loaded)
    rebuild_inbox(session, loaded)


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
    try:
        loaded = lock_and_load(session, instance_id, via_task)
        result = action(loaded)
        after_action(session, loaded)
    except StaleInstance:
        raise ConcurrentUpdate(f"process instance {instance_id or ''} changed; try again") from None
    except SpiffWorkflowException as exc:
        raise ProcessError(f"process {instance_id or ''} failed: {exc}") from exc
    return result
