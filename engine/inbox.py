"""The inbox (待办): one ``engine_human_task`` row per READY user task, queried over a user's
role grants; who may act on a row.  Completing a task is ``engine.tasks``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow import TaskState
from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session

from engine import settings as engine_settings
from engine.clock import as_utc, utcnow
from engine.errors import NotFound, TaskNotAllowed
from engine.models import HumanTask
from engine.store import ACTIVE, Loaded


@dataclass(frozen=True)
class Grant:
    """A role held in a scope: ``project_id`` None = every project, ``unit_id`` None = every unit."""

    role: str
    project_id: int | None = None
    unit_id: int | None = None

    def covers(self, role: str | None, project_id: int | None, unit_id: int | None) -> bool:
        """Whether this grant lets its holder act on a task of ``role`` in that scope."""
        if role != self.role:
            return False
        if self.project_id is not None and project_id != self.project_id:
            return False
        return self.unit_id is None or unit_id == self.unit_id


def _as_int(value) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def rebuild_inbox(session: Session, loaded: Loaded) -> None:
    """Make the instance's open rows match its READY user tasks, with the save (queued on
    ``loaded``, written by ``store.save``): rows for new ones, the cancel of rows of those that
    left without being completed (e.g. a boundary event).  Nothing when the set is unchanged."""
    active = loaded.wf.get_tasks(state=ACTIVE)  # the walk of store.active_tasks, kept for
    ready = {str(t.id): t for t in active  # the next step of the cached workflow
             if t.state == TaskState.READY and t.task_spec.manual}  # fmt: skip
    loaded.seen = frozenset(ready), frozenset(t.id for t in active)
    loaded.gone = sorted(loaded.ready_before - ready.keys() - loaded.closed)
    loaded.opened = [_new_row(task) for guid, task in ready.items() if guid not in loaded.ready_before]


def _new_row(task) -> dict:
    cfg, spec = engine_settings.current(), task.task_spec
    return dict(
        task_guid=str(task.id), bpmn_id=spec.bpmn_id, name=spec.bpmn_name or spec.bpmn_id,
        role=spec.lane, project_id=_as_int(task.data.get(cfg.project_key)),
        unit_id=_as_int(task.data.get(cfg.unit_key)),
    )  # fmt: skip


def _grants_clause(grants: Iterable[Grant]):
    clauses = []
    for g in grants:
        parts = [HumanTask.role == g.role]
        if g.project_id is not None:
            parts.append(HumanTask.project_id == g.project_id)
        if g.unit_id is not None:
            parts.append(HumanTask.unit_id == g.unit_id)
        clauses.append(and_(*parts))
    return or_(*clauses) if clauses else false()


@dataclass(frozen=True)
class InboxItem:
    """One open task as the inbox lists it."""

    id: int
    instance_id: int
    bpmn_id: str
    name: str
    process_id: str
    business_key: str | None
    role: str | None
    project_id: int | None
    unit_id: int | None
    created_at: datetime

    def age_seconds(self, now: datetime | None = None) -> float:
        return ((now or utcnow()) - as_utc(self.created_at)).total_seconds()


def _open_query(grants, project_id=None, process_id=None, name=None):
    query = select(HumanTask).where(HumanTask.status == "open", _grants_clause(grants))
    if project_id is not None:
        query = query.where(HumanTask.project_id == project_id)
    if process_id:
        query = query.where(HumanTask.process_id == process_id)
    if name:
        query = query.where(or_(HumanTask.name.contains(name), HumanTask.bpmn_id == name))
    return query


def list_inbox(
    session: Session,
    grants: Iterable[Grant],
    *,
    project_id: int | None = None,
    process_id: str | None = None,
    name: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[InboxItem]:
    """Open tasks the holder of ``grants`` may do now, oldest first, with optional filters."""
    query = _open_query(list(grants), project_id, process_id, name)
    rows = session.scalars(
        query.order_by(HumanTask.created_at, HumanTask.id).limit(limit).offset(offset)
    )
    return [_item(r) for r in rows]


def inbox_counts(
    session: Session, grants: Iterable[Grant], *, project_id: int | None = None
) -> dict[tuple[str, str, str], int]:
    """Open task counts per (process id, task BPMN id, task name) for the holder of ``grants``."""
    sub = _open_query(list(grants), project_id).subquery()
    query = select(sub.c.process_id, sub.c.bpmn_id, sub.c.name, func.count()).group_by(
        sub.c.process_id, sub.c.bpmn_id, sub.c.name
    )
    return {(p, b, n): c for p, b, n, c in session.execute(query)}


def open_count(grants: Iterable[Grant]):
    """A scalar subquery: how many open tasks the holder of ``grants`` may do now — the length
    of his ``list_inbox`` unfiltered, to embed in a caller's own query (the page header)."""
    ids = _open_query(list(grants)).with_only_columns(HumanTask.id).subquery()
    return select(func.count()).select_from(ids).scalar_subquery()


def _item(r: HumanTask) -> InboxItem:
    return InboxItem(
        r.id, r.instance_id, r.bpmn_id, r.name or r.bpmn_id, r.process_id, r.business_key,
        r.role, r.project_id, r.unit_id, as_utc(r.created_at),
    )  # fmt: skip


def get_human_task(session: Session, human_task_id: int) -> HumanTask:
    row = session.get(HumanTask, human_task_id, populate_existing=True)
    if row is None:
        raise NotFound(f"task {human_task_id} does not exist")
    return row


def check_may_act(row, grants: Iterable[Grant]) -> None:
    """Raise TaskNotAllowed unless a grant covers the task's role and scope."""
    if not any(g.covers(row.role, row.project_id, row.unit_id) for g in grants):
        raise TaskNotAllowed(f"you may not act on task {row.id} ({row.name})")
