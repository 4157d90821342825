"""The instance row (实例存储): lock or snapshot it, load its workflow, save it with a version
compare-and-set, with the inbox row a completion came through closed, the history rows and the
inbox changes of the step written by the same save.

The workflow a save stored stays live in ``workflow_cache`` under the save's random
``state_token`` (with the ids of its ready and active tasks the save walked): the next step of
that instance in this process reuses it when the locked row still carries the token, and
restores it from ``state_json`` otherwise.

PostgreSQL locks the instance row with ``SELECT … FOR UPDATE`` (lock and load in one statement)
and saves in one statement (:func:`_pg_write`); both run on the session's psycopg connection
(``engine.driver``), so a step is ``BEGIN``, the lock, the save and the caller's ``COMMIT``.
SQLite has no row locks, so the save is a compare-and-set on the version counter; a conflict
raises ``StaleInstance`` and the caller's unit of work runs again on the fresh state.  Either
way no completed task can be lost.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import Engine, Table, bindparam, select, update
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine import driver
from engine.clock import utcnow
from engine.definitions import specs_for
from engine.errors import NotFound, TaskNotOpen
from engine.models import HumanTask, ProcessInstance, TaskHistory
from engine.runtime import EngineScriptEngine, attach_engine
from engine.serializer import SERIALIZER_VERSION, dump_state_exact, load_state
from engine.waiting import timer_dues, waits_of
from engine.workflow_cache import new_token, workflow_cache


class StaleInstance(Exception):
    """The instance row changed since it was loaded (SQLite compare-and-set failed)."""


@dataclass
class Loaded:
    """An instance row, its live workflow, and the script engine attached for this mutation."""

    row: Any  # a ProcessInstance, or a Core row with the same columns
    wf: BpmnWorkflow
    engine: EngineScriptEngine
    version: int
    had_timers: bool = False
    ready_before: frozenset[str] = frozenset()  # READY user tasks at load = the open inbox rows
    closed: set[str] = field(default_factory=set)  # user tasks this mutation completed
    human_task: TaskRef | None = None  # the inbox row the instance was locked through
    close: dict | None = None  # close this open inbox row with the save (see close_human_task)
    waits: tuple | None = None  # what it waited for at load (``engine.event_index``); None: new
    loaded_at: float = 0.0  # tasks that changed state after this changed in this mutation
    active_before: frozenset = frozenset()  # ids of its active tasks at load (``engine.history``)
    seen: tuple | None = None  # ``active_tasks`` after the steps (``engine.inbox``), for the cache
    # What the save writes besides the state (see :func:`save`): history rows of the tasks that
    # finished (``engine.history``), inbox rows of new READY user tasks and the task ids of
    # open rows to cancel (``engine.inbox``).
    history: list[dict] = field(default_factory=list)
    opened: list[dict] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)


def close_human_task(loaded: Loaded, human_task_id: int, user: str) -> None:
    """Mark inbox row ``human_task_id`` completed by ``user`` in the save of this mutation.

    The save updates it only while it is still open; if it is not, the save raises
    TaskNotOpen and nothing is written.  On PostgreSQL the close and the state update are one
    statement (one round trip less per completed task).
    """
    loaded.close = {"c_id": human_task_id, "c_by": user, "c_at": utcnow()}


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def load_workflow(
    session: Session, row: Any
) -> tuple[BpmnWorkflow, EngineScriptEngine]:
    """The workflow of ``row`` with a fresh script engine (tasks must be looked up again)."""
    spec, subs = specs_for(session, row.definition_id, row.definition_sha256)
    wf = load_state(row.state_json, spec, subs, row.serializer_version)
    return wf, attach_engine(wf)


_DATABASES: WeakKeyDictionary[Engine, str] = WeakKeyDictionary()  # rendering a URL costs 50 µs


def _cache_key(session: Session, instance_id: int) -> tuple[str, int]:
    engine = session.get_bind().engine
    name = _DATABASES.get(engine)
    if name is None:
        name = _DATABASES[engine] = str(engine.url)
    return name, instance_id


def _workflow_to_mutate(session: Session, row: Any):
    """The workflow this process saved with the row's token (taken out of the cache: a step
    that fails leaves nothing behind) and what its save saw of it (:func:`active_tasks`), else the
    one in ``state_json`` and None."""
    entry = workflow_cache.take(_cache_key(session, row.id), row.state_token, row.definition_id)
    if entry is None:
        return *load_workflow(session, row), None
    return entry.wf, attach_engine(entry.wf), entry.seen


def active_tasks(wf: BpmnWorkflow) -> tuple[frozenset[str], frozenset]:
    """One walk of the tree: the ids of the READY user tasks (= the open inbox rows) and of
    every active task (``engine.history`` looks for the ones a step cancelled)."""
    active = wf.get_tasks(state=ACTIVE)
    ready = frozenset(str(t.id) for t in active
                      if t.state == TaskState.READY and t.task_spec.manual)  # fmt: skip
    return ready, frozenset(t.id for t in active)


_INSTANCE = ProcessInstance.__table__
_TASK = HumanTask.__table__
assert isinstance(_INSTANCE, Table) and isinstance(_TASK, Table)  # for the type checker
_TASK_COLUMNS = [
    _TASK.c[name].label(f"task_{name}")
    for name in ("id", "name", "role", "project_id", "unit_id", "task_guid", "status")
]


@dataclass(frozen=True)
class TaskRef:
    """The columns of the inbox row an instance was locked through."""

    id: int
    name: str | None
    role: str | None
    project_id: int | None
    unit_id: int | None
    task_guid: str
    status: str


# Built once: building and cache-keying a statement per call cost more than its round trip.
_BY_ID = select(_INSTANCE).where(_INSTANCE.c.id == bindparam("instance_id"))
_BY_TASK = (
    select(_INSTANCE, *_TASK_COLUMNS)
    .join(_TASK, _TASK.c.instance_id == _INSTANCE.c.id)
    .where(_TASK.c.id == bindparam("task_id"))
)
_LOCK = {  # (via task, postgres) -> statement
    (False, False): _BY_ID,
    (False, True): _BY_ID.with_for_update(of=_INSTANCE),
    (True, False): _BY_TASK,
    (True, True): _BY_TASK.with_for_update(of=_INSTANCE),
}
_PG_LOCK = {via: str(_LOCK[via, True].compile(dialect=psycopg_dialect())) for via in (False, True)}
# The SET columns come from the keys of the parameters (always the same keys).
_SAVE = update(_INSTANCE).where(
    _INSTANCE.c.id == bindparam("b_id"), _INSTANCE.c.version == bindparam("b_version")
)
_CLOSE_VALUES = {"status": "completed", "completed_by": bindparam("c_by"),
                 "completed_at": bindparam("c_at")}  # fmt: skip
_CLOSE = (
    update(_TASK)
    .where(_TASK.c.id == bindparam("c_id"), _TASK.c.status == "open")
    .values(_CLOSE_VALUES)
)
# The other writes of a save, where the database has no CTEs to carry them (SQLite).
_HISTORY = TaskHistory.__table__
assert isinstance(_HISTORY, Table)
_INSERT_HISTORY = _HISTORY.insert()
_INSERT_TASKS = _TASK.insert()
_CANCEL = _TASK.update().where(
    _TASK.c.instance_id == bindparam("b_instance_id"),
    _TASK.c.status == "open",
    _TASK.c.task_guid.in_(bindparam("b_guids", expanding=True)),
)
# Columns a save sets; the keys of the values :func:`save` builds.
_STATE_COLUMNS = ("has_timers", "state_json", "state_token", "serializer_version", "version",
                  "status", "updated_at", "completed_at")  # fmt: skip
_HISTORY_FIELDS = ("task_guid", "bpmn_id", "name", "kind", "outcome", "by", "changes_json")
_OPENED_FIELDS = ("task_guid", "bpmn_id", "name", "role", "project_id", "unit_id")


@cache
def _pg_write(close: bool, history: bool, gone: bool, opened: bool) -> str:
    """PostgreSQL: the whole save as one statement (one round trip): the state update with the
    version check, and as CTEs the close of the inbox row the completion came through, the
    history rows, the cancelled and the new inbox rows (the last three only when the state
    update matched).  Returns how many instance rows it updated and inbox rows it closed."""
    sets = ", ".join(f"{c} = %({c})s" for c in _STATE_COLUMNS)
    ctes = [f"saved AS (UPDATE engine_process_instance SET {sets} "
            "WHERE id = %(b_id)s::bigint AND version = %(b_version)s RETURNING id)"]  # fmt: skip
    if close:
        ctes.append("closed AS (UPDATE engine_human_task SET status = 'completed', "
                    "completed_by = %(c_by)s, completed_at = %(c_at)s "
                    "WHERE id = %(c_id)s::bigint AND status = 'open' RETURNING id)")  # fmt: skip
    if history:  # rows as one JSON array: one parameter, whatever their number
        ctes.append(
            'history AS (INSERT INTO engine_task_history (instance_id, task_guid, bpmn_id, name, '
            'kind, outcome, "by", at, changes_json) SELECT %(b_id)s::bigint, h.task_guid, '
            'h.bpmn_id, h.name, h.kind, h.outcome, h."by", %(now)s::timestamptz, h.changes_json '
            "FROM json_to_recordset(%(history)s::json) AS h(task_guid text, bpmn_id text, "
            'name text, kind text, outcome text, "by" text, changes_json text) '
            "WHERE EXISTS (SELECT FROM saved))"
        )
    if gone:
        ctes.append("cancelled AS (UPDATE engine_human_task SET status = 'cancelled' "
                    "WHERE instance_id = %(b_id)s::bigint AND status = 'open' "
                    "AND task_guid = ANY(%(gone)s::text[]) AND EXISTS (SELECT FROM saved))")  # fmt: skip
    if opened:
        ctes.append(
            "opened AS (INSERT INTO engine_human_task (instance_id, task_guid, bpmn_id, name, "
            "process_id, business_key, role, project_id, unit_id, status, created_at) "
            "SELECT %(b_id)s::bigint, n.task_guid, n.bpmn_id, n.name, %(process_id)s::text, "
            "%(business_key)s::text, n.role, n.project_id, n.unit_id, 'open', "
            "%(now)s::timestamptz FROM json_to_recordset(%(opened)s::json) AS n(task_guid text, "
            "bpmn_id text, name text, role text, project_id bigint, unit_id bigint) "
            "WHERE EXISTS (SELECT FROM saved))"
        )
    closed = "(SELECT count(*) FROM closed)" if close else "0"
    return f"WITH {', '.join(ctes)} SELECT (SELECT count(*) FROM saved) AS saved, {closed} AS closed"


def lock_and_load(session: Session, instance_id: int | None, via_task: int | None = None):
    """Lock (PostgreSQL) or snapshot (SQLite) the instance row and load its workflow.

    With ``via_task`` the instance is found through that inbox row in the same statement
    (one round trip less); the row's columns come along in ``Loaded.human_task``.  Core rows
    and prebuilt statements on the session's connection, not ORM objects: this is the hot
    path of every step.
    """
    postgres = is_postgres(session)
    params = {"instance_id": instance_id} if via_task is None else {"task_id": via_task}
    if postgres:  # the same statement, straight on psycopg (``engine.driver``)
        row = driver.fetch_one(session, _PG_LOCK[via_task is not None], params)
    else:
        row = session.connection().execute(_LOCK[via_task is not None, False], params).one_or_none()
    if row is None:
        raise NotFound(f"process instance {instance_id or 'of task ' + str(via_task)} not found")
    wf, engine, seen = _workflow_to_mutate(session, row)
    # A cached workflow is the one its save walked (inbox rows, history): no walk again.
    ready, active = seen if seen is not None else active_tasks(wf)
    loaded = Loaded(row, wf, engine, row.version, bool(row.has_timers), ready)
    loaded.waits, loaded.loaded_at = waits_of(wf), time.time()
    loaded.active_before = active
    if via_task is not None:
        loaded.human_task = TaskRef(*(getattr(row, c.name) for c in _TASK_COLUMNS))
    return loaded


ACTIVE = TaskState.READY | TaskState.STARTED | TaskState.WAITING | TaskState.ERROR


def run_engine(wf: BpmnWorkflow) -> None:
    """do_engine_steps until nothing automatic is READY (a timer made READY by the trailing
    refresh_timers of do_engine_steps needs another pass)."""
    for _ in range(10):
        wf.do_engine_steps()
        # Only the trailing refresh_timers() can have left work: look at event tasks only.
        if not any(t.state == TaskState.READY for t in wf.event_manager.tasks.values()):
            return


def save(session: Session, loaded: Loaded) -> None:
    """Write the state with a version compare-and-set (raise StaleInstance on conflict) and a
    new token, with the inbox row a completion came through closed, the history rows and the
    inbox changes the mutation queued on ``loaded``; keep the workflow in the cache under the
    token when it restores exactly.

    PostgreSQL: one statement (:func:`_pg_write`) on the psycopg connection.  SQLite: the
    close, the compare-and-set, then the other writes only when it matched.
    """
    row, wf, now = loaded.row, loaded.wf, utcnow()
    done = wf.is_completed()
    state_json, exact = dump_state_exact(wf, check=not done)  # a finished one is not cached
    token = new_token()
    values = {
        "has_timers": bool(timer_dues(wf)),
        "state_json": state_json,
        "state_token": token,
        "serializer_version": SERIALIZER_VERSION,
        "version": loaded.version + 1,
        "status": "completed" if done else "running",
        "updated_at": now,
        "completed_at": now if done else None,
    }
    close = loaded.close
    if is_postgres(session):
        closed = _save_postgres(session, loaded, values, now)
    else:
        closed = _save_portable(session, loaded, values, now)
    if close is not None and closed != 1:
        raise TaskNotOpen(f"task {close['c_id']} was completed by someone else")
    if isinstance(row, ProcessInstance):  # a new instance's ORM object stays current
        for key, value in values.items():
            set_committed_value(row, key, value)
    if exact and not done:  # a rolled-back save leaves the old token: the entry never matches
        workflow_cache.put(_cache_key(session, row.id), token, row.definition_id, wf, loaded.seen)


def _save_postgres(session: Session, loaded: Loaded, values: dict, now) -> int:
    """The save in one statement; how many inbox rows it closed."""
    row, close = loaded.row, loaded.close
    params = {"b_id": row.id, "b_version": loaded.version, "now": now, **values, **(close or {})}
    if loaded.history:
        params["history"] = json.dumps([{k: r[k] for k in _HISTORY_FIELDS} for r in loaded.history],
                                       ensure_ascii=False)  # fmt: skip
    if loaded.gone:
        params["gone"] = loaded.gone
    if loaded.opened:
        params["opened"] = json.dumps([{k: r[k] for k in _OPENED_FIELDS} for r in loaded.opened],
                                      ensure_ascii=False)  # fmt: skip
        params["process_id"], params["business_key"] = row.process_id, row.business_key
    sql = _pg_write(close is not None, bool(loaded.history), bool(loaded.gone), bool(loaded.opened))
    saved, closed = driver.fetch_one(session, sql, params)
    if saved != 1:
        raise StaleInstance(row.id)
    return closed


def _save_portable(session: Session, loaded: Loaded, values: dict, now) -> int:
    """The save as Core statements (SQLite); how many inbox rows it closed."""
    row, close, conn = loaded.row, loaded.close, session.connection()
    closed = conn.execute(_CLOSE, close).rowcount if close is not None else 0
    if conn.execute(_SAVE, {"b_id": row.id, "b_version": loaded.version, **values}).rowcount != 1:
        raise StaleInstance(row.id)
    if loaded.history:  # Core executemany, not ORM objects: one batch, no flush bookkeeping
        conn.execute(_INSERT_HISTORY, [{**r, "instance_id": row.id, "at": now}
                                       for r in loaded.history])  # fmt: skip
    if loaded.gone:
        conn.execute(_CANCEL, {"b_instance_id": row.id, "b_guids": loaded.gone,
                               "status": "cancelled"})  # fmt: skip
    if loaded.opened:
        conn.execute(_INSERT_TASKS, [
            {**r, "instance_id": row.id, "process_id": row.process_id,
             "business_key": row.business_key, "status": "open", "created_at": now,
             "completed_at": None, "completed_by": None}
            for r in loaded.opened
        ])  # fmt: skip
    return closed
