"""Jobs (作业): service calls and timer wake-ups, claimed by executors and run exactly once.

A service task records a job and stays STARTED.  An executor claims due jobs (``FOR UPDATE
SKIP LOCKED`` on PostgreSQL, a conditional update on SQLite), runs the connector outside any
instance lock, then completes the task under the lock.  A claim is a lease: a job whose
executor died is claimed again when the lease runs out.  Failures back off; the last one
becomes an incident.
"""

from __future__ import annotations

import os
import socket
import traceback
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from engine import settings as engine_settings
from engine.clock import utcnow
from engine.incidents import open_incident
from engine.models import Job, ProcessInstance
from engine.serializer import dump_value
from engine.store import Loaded, is_postgres

_worker_ids: dict[int, str] = {}


def default_worker_id() -> str:
    """host:pid:random, fixed for the process — who holds a claim."""
    pid = os.getpid()
    if pid not in _worker_ids:
        _worker_ids[pid] = f"{socket.gethostname()}:{pid}:{uuid.uuid4().hex[:6]}"
    return _worker_ids[pid]


def record_service_jobs(session: Session, loaded: Loaded) -> None:
    """Insert a job for every service call the engine steps requested."""
    cfg, now = engine_settings.current(), utcnow()
    for call in loaded.engine.service_calls:
        session.add(
            Job(
                job_key=f"service:{loaded.row.id}:{call.task_guid}",
                kind="service",
                instance_id=loaded.row.id,
                task_guid=call.task_guid,
                operation=call.operation,
                params_json=dump_value(call.params),
                status="pending",
                due_at=now,
                attempts=0,
                max_attempts=call.max_attempts or cfg.max_attempts,
                backoff_seconds=call.backoff_base or cfg.backoff_seconds,
                created_at=now,
            )
        )
    loaded.engine.service_calls.clear()


@dataclass(frozen=True)
class Claimed:
    """A job this worker holds the lease of."""

    id: int
    job_key: str
    kind: str
    instance_id: int | None
    task_guid: str | None
    operation: str | None
    params_json: str | None
    attempts: int
    max_attempts: int
    backoff_seconds: int
    business_key: str | None


def _claimable(now):
    return or_(
        (Job.status == "pending") & (Job.due_at <= now),
        (Job.status == "running") & (Job.locked_until < now),
    )


def claim_jobs(session: Session, worker_id: str, limit: int = 20) -> list[Claimed]:
    """Claim up to ``limit`` due jobs for ``worker_id`` (the executor commits the claim at once)."""
    now = utcnow()
    lease = now + timedelta(seconds=engine_settings.current().lease_seconds)
    query = select(Job.id).where(_claimable(now)).order_by(Job.due_at, Job.id).limit(limit)
    if is_postgres(session):
        ids = session.scalars(query.with_for_update(skip_locked=True)).all()
    else:
        ids = session.scalars(query).all()
    claimed = []
    for job_id in ids:
        result = session.execute(
            update(Job)
            .where(Job.id == job_id, _claimable(now))
            .values(status="running", locked_by=worker_id, locked_until=lease,
                    attempts=Job.attempts + 1)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        if result.rowcount == 1:  # type: ignore[attr-defined]  # a CursorResult
            claimed.append(job_id)
    return _describe(session, claimed)


def _describe(session: Session, ids: list[int]) -> list[Claimed]:
    if not ids:
        return []
    rows = session.execute(
        select(Job, ProcessInstance.business_key)
        .outerjoin(ProcessInstance, ProcessInstance.id == Job.instance_id)
        .where(Job.id.in_(ids))
        .execution_options(populate_existing=True)
    ).all()
    return [
        Claimed(j.id, j.job_key, j.kind, j.instance_id, j.task_guid, j.operation,
                j.params_json, j.attempts, j.max_attempts, j.backoff_seconds, key)
        for j, key in sorted(rows, key=lambda r: r[0].id)
    ]  # fmt: skip


def finish_job(session: Session, job_id: int, worker_id: str, status: str = "done") -> int:
    """Mark a claimed job finished inside the caller's transaction; 1 if we still held it."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.locked_by == worker_id)
        .values(status=status, finished_at=utcnow(), locked_until=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount  # type: ignore[attr-defined]  # a CursorResult


def fail_job(session: Session, job: Claimed, worker_id: str, error: BaseException) -> None:
    """Record a failed attempt: back off, or open an incident after the last one.

    Rolls back the failed attempt's work first; the caller commits the record."""
    session.rollback()
    text = "".join(traceback.format_exception_only(type(error), error)).strip()
    row = session.get(Job, job.id, populate_existing=True)
    if row is None or row.locked_by != worker_id or row.status != "running":
        return
    row.last_error, row.locked_until = text, None
    if job.attempts >= job.max_attempts:
        row.status = "incident"
        open_incident(session, row, text)
    else:
        row.status = "pending"
        delay = job.backoff_seconds * 2 ** (job.attempts - 1)
        row.due_at = utcnow() + timedelta(seconds=delay)
    session.flush()
