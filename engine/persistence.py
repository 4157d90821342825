"""One transaction per mutation (实例事务): lock → load → act → engine steps → save →
jobs, timers, inbox → commit.

PostgreSQL locks the instance row with ``SELECT … FOR UPDATE``.  SQLite has no row locks, so the
save is a compare-and-set on the version counter and the whole mutation is retried on conflict.
Either way no completed task can be lost.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine import settings as engine_settings
from engine.clock import utcnow
from engine.definitions import specs_for
from engine.errors import ConcurrentUpdate, NotFound
from engine.models import ProcessInstance
from engine.runtime import EngineScriptEngine, attach_engine
from engine.serializer import SERIALIZER_VERSION, dump_state, load_state

T = TypeVar("T")


class StaleInstance(Exception):
    """The instance row changed since it was loaded (SQLite compare-and-set failed)."""


@dataclass
class Loaded:
    """An instance row, its live workflow, and the script engine attached for this mutation."""

    row: ProcessInstance
    wf: BpmnWorkflow
    engine: EngineScriptEngine
    version: int
    had_timers: bool = False


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def load_workflow(
    session: Session, row: ProcessInstance
) -> tuple[BpmnWorkflow, EngineScriptEngine]:
    """The workflow of ``row`` with a fresh script engine (tasks must be looked up again)."""
    spec, subs = specs_for(session, row.definition_id, row.definition_sha256)
    wf = load_state(row.state_json, spec, subs, row.serializer_version)
    return wf, attach_engine(wf)


def lock_and_load(session: Session, instance_id: int) -> Loaded:
    """Lock (PostgreSQL) or snapshot (SQLite) the instance row and load its workflow."""
    query = select(ProcessInstance).where(ProcessInstance.id == instance_id)
    if is_postgres(session):
        query = query.with_for_update()
    row = session.scalars(query.execution_options(populate_existing=True)).one_or_none()
    if row is None:
        raise NotFound(f"process instance {instance_id} does not exist")
    wf, engine = load_workflow(session, row)
    return Loaded(row, wf, engine, row.version, bool(row.has_timers))


def run_engine(wf: BpmnWorkflow) -> None:
    """do_engine_steps until nothing automatic is READY (a timer made READY by the trailing
    refresh_timers of do_engine_steps needs another pass)."""
    for _ in range(10):
        wf.do_engine_steps()
        if wf.get_next_task(state=TaskState.READY, manual=False) is None:
            return


def save(session: Session, loaded: Loaded) -> None:
    """Write the state with a version compare-and-set; raise StaleInstance on conflict."""
    from engine.events import timer_dues

    row, wf, now = loaded.row, loaded.wf, utcnow()
    done = wf.is_completed()
    values = {
        "has_timers": bool(timer_dues(wf)),
        "state_json": dump_state(wf),
        "serializer_version": SERIALIZER_VERSION,
        "version": loaded.version + 1,
        "status": "completed" if done else "running",
        "updated_at": now,
        "completed_at": now if done else None,
    }
    result = session.execute(
        update(ProcessInstance)
        .where(ProcessInstance.id == row.id, ProcessInstance.version == loaded.version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleInstance(row.id)
    for key, value in values.items():
        set_committed_value(row, key, value)


def after_action(session: Session, loaded: Loaded) -> None:
    """Engine steps, early messages, save, then jobs, timers and inbox rows of the instance."""
    from engine.events import deliver_parked_messages, sync_timers
    from engine.inbox import rebuild_inbox
    from engine.jobs import record_service_jobs

    run_engine(loaded.wf)
    deliver_parked_messages(session, loaded)
    save(session, loaded)
    record_service_jobs(session, loaded)
    sync_timers(session, loaded)
    rebuild_inbox(session, loaded)


def _is_sqlite_busy(exc: OperationalError) -> bool:
    return "locked" in str(exc.orig).lower() or "busy" in str(exc.orig).lower()


def mutate(session: Session, instance_id: int, action: Callable[[Loaded], T]) -> T:
    """Run ``action`` on the locked, loaded instance in one transaction and commit.

    The action may raise to refuse; then nothing is written.  On SQLite a conflicting
    concurrent save makes the whole mutation run again on the fresh state.
    """
    retries = engine_settings.current().cas_retries
    for attempt in range(retries):
        try:
            loaded = lock_and_load(session, instance_id)
            result = action(loaded)
            after_action(session, loaded)
            session.commit()
            return result
        except StaleInstance:
            session.rollback()
        except OperationalError as exc:
            session.rollback()
            if is_postgres(session) or not _is_sqlite_busy(exc):
                raise
        except BaseException:
            session.rollback()
            raise
        time.sleep(random.uniform(0, 0.005 * (attempt + 1)))
    raise ConcurrentUpdate(f"process instance {instance_id} kept changing; try again")
