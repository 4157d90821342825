"""Process instances (流程实例): start, list and describe."""

from __future__ import annotations

import json

from SpiffWorkflow import TaskState
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.control import instance_actions
from engine.definitions import latest_definition, specs_for
from engine.errors import NotFound
from engine.history import instance_history
from engine.incidents import list_incidents
from engine.models import EventWait, HumanTask, Job, PendingMessage, ProcessInstance
from engine.persistence import run_steps
from engine.runtime import new_workflow
from engine.serializer import SERIALIZER_VERSION
from engine.store import Loaded, load_workflow


def start_instance(
    session: Session,
    process_id: str,
    *,
    data: dict | None = None,
    business_key: str | None = None,
    started_by: str | None = None,
) -> int:
    """Start the newest version of ``process_id`` with ``data``; run it to its first wait (in the caller's transaction)."""
    definition = latest_definition(session, process_id)
    spec, subs = specs_for(session, definition.id, definition.sha256)
    wf = new_workflow(spec, subs, data)
    now = utcnow()
    row = ProcessInstance(
        definition_id=definition.id, definition_sha256=definition.sha256, process_id=process_id, business_key=business_key,
        status="running", version=0, has_timers=False, state_json="{}",
        serializer_version=SERIALIZER_VERSION, started_by=started_by, created_at=now,
        updated_at=now,
    )  # fmt: skip
    session.add(row)
    session.flush()
    run_steps(session, Loaded(row, wf, wf.script_engine, 0))
    return row.id


def list_instances(
    session: Session,
    *,
    process_id: str | None = None,
    status: str | None = None,
    business_key: str | None = None,
    limit: int = 100,
) -> list[ProcessInstance]:
    """Instances, newest first, optionally filtered."""
    query = instances_query(process_id=process_id, status=status, business_key=business_key)
    return list(session.scalars(query.limit(limit)))


def instances_query(*, process_id: str | None = None, status: str | None = None,
                    business_key: str | None = None) -> Select:  # fmt: skip
    """The statement of ``list_instances`` without a limit (a page of it is the caller's)."""
    query = select(ProcessInstance).order_by(ProcessInstance.id.desc())
    if process_id:
        query = query.where(ProcessInstance.process_id == process_id)
    if status:
        query = query.where(ProcessInstance.status == status)
    if business_key:
        query = query.where(ProcessInstance.business_key == business_key)
    return query


def _task_view(task) -> dict:
    spec = task.task_spec
    return {
        "id": str(task.id),
        "bpmn_id": getattr(spec, "bpmn_id", None),
        "name": getattr(spec, "bpmn_name", None) or spec.name,
        "state": TaskState.get_name(task.state),
        "lane": getattr(spec, "lane", None),
    }


def _current_data(wf) -> dict:
    if wf.is_completed():
        return dict(wf.data)
    return dict(wf.last_task.data) if wf.last_task is not None else {}


def _job_view(job: Job) -> dict:
    keys = ("id", "kind", "operation", "status", "attempts", "max_attempts", "due_at",
            "last_error", "job_key")  # fmt: skip
    return {k: getattr(job, k) for k in keys}


def get_instance(session: Session, instance_id: int) -> ProcessInstance:
    row = session.get(ProcessInstance, instance_id)
    if row is None:
        raise NotFound(f"process instance {instance_id} does not exist")
    return row


def load_instance(session: Session, instance_id: int):
    """The workflow of an instance for reading only (no lock; do not save it)."""
    return load_workflow(session, get_instance(session, instance_id))[0]


def waiting_events(session: Session, row: ProcessInstance) -> list[dict]:
    """What the instance waits for: messages and signals (with its correlation values),
    its pending timers, and messages parked for its business key."""
    waits = [{"kind": w.kind, "name": w.name,
              "correlations": json.loads(w.correlations_json) if w.correlations_json else None}
             for w in session.scalars(select(EventWait).where(EventWait.instance_id == row.id)
                                      .order_by(EventWait.id))]  # fmt: skip
    timers = [{"kind": "timer", "name": "", "due_at": j.due_at}
              for j in session.scalars(select(Job).where(Job.instance_id == row.id,
                                                         Job.kind == "timer",
                                                         Job.status == "pending"))]  # fmt: skip
    parked = [{"kind": "parked message", "name": m.name, "created_at": m.created_at}
              for m in session.scalars(select(PendingMessage).where(
                  PendingMessage.business_key == row.business_key,
                  PendingMessage.delivered_at.is_(None)))] if row.business_key else []  # fmt: skip
    return waits + timers + parked


def describe_instance(session: Session, instance_id: int) -> dict:
    """State, data, live tasks, jobs, incidents, inbox rows, the history of its tasks and
    what it waits for, of one instance."""
    row = get_instance(session, instance_id)
    wf = load_workflow(session, row)[0]
    live = TaskState.READY | TaskState.STARTED | TaskState.WAITING | TaskState.ERROR
    jobs = session.scalars(select(Job).where(Job.instance_id == row.id).order_by(Job.id))
    human = session.scalars(select(HumanTask).where(HumanTask.instance_id == row.id)
                           .order_by(HumanTask.id))  # fmt: skip
    return {
        "id": row.id, "process_id": row.process_id, "definition_id": row.definition_id,
        "business_key": row.business_key, "status": row.status, "version": row.version,
        "created_at": row.created_at, "updated_at": row.updated_at,
        "data": _current_data(wf),
        "tasks": [_task_view(t) for t in wf.get_tasks(state=live)],
        "jobs": [_job_view(j) for j in jobs],
        "human_tasks": [
            {"id": h.id, "bpmn_id": h.bpmn_id, "name": h.name, "role": h.role,
             "status": h.status, "created_at": h.created_at, "completed_by": h.completed_by,
             "completed_at": h.completed_at} for h in human
        ],
        "actions": instance_actions(session, row.id),
        "history": instance_history(session, row.id),
        "waiting": waiting_events(session, row),
        "incidents": list_incidents(session, open_only=False, instance_id=row.id),
    }  # fmt: skip
