"""The history of an instance (实例历史): every task that finished in a mutation — completed
(by the user who completed it, or the engine) or cancelled (an active task a boundary event,
a gateway or a terminate took away) — with the task data it changed.  Written with the save,
in the same transaction; read by the instance page and the API (which mask personal data)."""

from __future__ import annotations

import json

from SpiffWorkflow import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import TaskHistory
from engine.serializer import dump_value, load_value
from engine.store import Loaded

MAX_CHANGES = 20_000  # characters of changed data kept per task; beyond, only the keys


def changes_of(task) -> dict:
    """What the task changed in its data relative to its parent: set values, deleted keys."""
    before = task.parent.data if task.parent is not None else {}
    changed = {k: v for k, v in task.data.items() if k not in before or before[k] != v}
    deleted = sorted(k for k in before if k not in task.data)
    return {k: v for k, v in (("set", changed), ("deleted", deleted)) if v}


def _changes_json(task) -> str | None:
    changes = changes_of(task)
    if not changes:
        return None
    try:  # plain JSON data (most of it) needs none of the registry's typed values
        text = json.dumps(changes, ensure_ascii=False)
    except TypeError:  # Decimal, date, datetime, a set ...: the same text dump_value gives
        text = dump_value(changes)
    if len(text) > MAX_CHANGES:
        text = json.dumps({"keys": sorted(changes.get("set", {})), "truncated": True})
    return text


def record_history(session: Session, loaded: Loaded) -> None:
    """Rows for the tasks that finished since the instance was loaded, queued on ``loaded``:
    the save writes them in its own statement (``store.save``), so a refused save writes none."""
    wf = loaded.wf
    by = loaded.close["c_by"] if loaded.close else None
    rows = loaded.history
    for task in finished_since(wf, loaded.loaded_at):
        if getattr(task.task_spec, "bpmn_id", None):
            rows.append(_row(task, "completed", by if str(task.id) in loaded.closed else None,
                             _changes_json(task)))  # fmt: skip
    for task_id in loaded.active_before:
        task = wf.get_task_from_id(task_id)
        if task is not None and task.state == TaskState.CANCELLED:
            rows.append(_row(task, "cancelled", None, None))


def finished_since(wf, moment: float) -> list:
    """The tasks of ``wf`` and its subprocesses completed at or after ``moment``, in the order
    they completed (a multi-instance child before the parent it completed).

    A flat look at every task: SpiffWorkflow's walk for completed tasks does not descend into
    a task that has not finished, so the children a running multi-instance task completed
    were missed (and when it finished, all but the last); its walk of the definite states as
    well costs more than this loop."""
    done = TaskState.COMPLETED
    found = [task for workflow in (wf, *wf.subprocesses.values())
             for task in workflow.tasks.values()
             if task.state == done and task.last_state_change >= moment]  # fmt: skip
    return sorted(found, key=lambda task: task.last_state_change)  # stable: creation breaks ties


def _row(task, outcome: str, by, changes) -> dict:
    spec = task.task_spec
    return {"task_guid": str(task.id), "bpmn_id": spec.bpmn_id,
            "name": spec.bpmn_name or spec.bpmn_id, "kind": type(spec).__name__,
            "outcome": outcome, "by": by, "changes_json": changes}  # fmt: skip


def instance_history(session: Session, instance_id: int) -> list[dict]:
    """The instance's finished tasks, oldest first, with their data changes (raw)."""
    rows = session.scalars(select(TaskHistory).where(TaskHistory.instance_id == instance_id)
                           .order_by(TaskHistory.id))  # fmt: skip
    return [{"task_guid": r.task_guid, "bpmn_id": r.bpmn_id, "name": r.name, "kind": r.kind,
             "outcome": r.outcome, "by": r.by, "at": r.at,
             "changes": load_value(r.changes_json) if r.changes_json else {}}
            for r in rows]  # fmt: skip
