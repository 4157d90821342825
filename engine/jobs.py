"""Jobs (作业): service calls and timer wake-ups, claimed by executors and run exactly once.

A service task records a job and stays STARTED.  An executor claims due jobs (``FOR UPDATE
SKIP LOCKED`` on PostgreSQL, a conditional update on SQLite), runs the connector outside any
instance lock, stores its answer, then completes the task under the lock.  A claim is a
short lease, renewed by a heartbeat while the connector runs; a job whose executor died is
claimed again when the lease runs out, and that crash counts as an attempt.  Failures back
off; the last one (crash or error) becomes an incident.  Each claiming thread has its own
worker id, so two executors of one process never finish each other's jobs; the ids start with
the process's node identity, so a restarted process hands back its predecessor's claims at once
(``engine.node.start_node``).
"""

from __future__ import annotations

import threading
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
from engine.node import node_identity
from engine.serializer import dump_value
from engine.store import Loaded, is_postgres

_thread_ids = threading.local()
CRASHED = "the worker running this job stopped {n} times before finishing it (lease expired)"


def new_worker_id() -> str:
    """<node identity>:random — a fresh identity (one per executor); the node identity is
    ``node#slot`` (``engine.node``), else ``host:pid``."""
    return f"{node_identity()}:{uuid.uuid4().hex[:8]}"


def default_worker_id() -> str:
    """The calling thread's identity, fixed for the thread — who holds a claim."""
    node, known = node_identity(), getattr(_thread_ids, "ids", None)
    if known is None or known[0] != node:  # a new thread, a forked process, a node started
        known = _thread_ids.ids = (node, new_worker_id())
    return known[1]


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
    result_json: str | None = None


def _expired(now):
    return (Job.status == "running") & (Job.locked_until < now)


def _claimable(now):
    return or_(
        (Job.status == "pending") & (Job.due_at <= now),
        _expired(now) & (Job.attempts < Job.max_attempts),
    )


def _give_up_on_crashed(session: Session, now) -> None:
    """A job whose worker died on its last attempt becomes an incident, not a fresh claim."""
    query = select(Job).where(_expired(now), Job.attempts >= Job.max_attempts)
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    for job in session.scalars(query):
        job.status, job.locked_until = "incident", None
        job.last_error = job.last_error or CRASHED.format(n=job.attempts)
        open_incident(session, job, CRASHED.format(n=job.attempts))
    session.flush()


def claim_jobs(session: Session, worker_id: str, limit: int = 20) -> list[Claimed]:
    """Claim up to ``limit`` due jobs for ``worker_id`` (the executor commits the claim at once)."""
    now = utcnow()
    lease = now + timedelta(seconds=engine_settings.current().lease_seconds)
    _give_up_on_crashed(session, now)
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
                j.params_json, j.attempts, j.max_attempts, j.backoff_seconds, key, j.result_json)
        for j, key in sorted(rows, key=lambda r: r[0].id)
    ]  # fmt: skip


def finish_job(session: Session, job_id: int, worker_id: str, status: str = "done") -> int:
    """Mark a claimed job finished inside the caller's transaction; 1 if we still held it."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.locked_by == worker_id, Job.status == "running")
        .values(status=status, finished_at=utcnow(), locked_until=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount  # type: ignore[attr-defined]  # a CursorResult


def renew_lease(bind, job_id: int, worker_id: str) -> bool:
    """Extend the lease of a job we still hold, in its own short transaction (the heartbeat);
    False when another worker holds it now."""
    lease = utcnow() + timedelta(seconds=engine_settings.current().lease_seconds)
    with bind.begin() as conn:
        result = conn.execute(
            update(Job)
            .where(Job.id == job_id, Job.locked_by == worker_id, Job.status == "running")
            .values(locked_until=lease)
        )
    return result.rowcount == 1


def store_result(session: Session, job_id: int, worker_id: str, result_json: str) -> int:
    """Keep the connector's answer on the job we hold (the caller commits); 1 if we held it."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.locked_by == worker_id, Job.status == "running")
        .values(result_json=result_json)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount  # type: ignore[attr-defined]  # a CursorResult


def set_aside(session: Session, job: Claimed, worker_id: str) -> None:
    """A claimed job of a suspended instance waits for the resume (its stored answer kept);
    of a terminated one, it is cancelled.  The caller commits."""
    session.rollback()
    status = session.scalar(select(ProcessInstance.status)
                            .where(ProcessInstance.id == job.instance_id))  # fmt: skip
    session.execute(
        update(Job)
        .where(Job.id == job.id, Job.locked_by == worker_id, Job.status == "running")
        .values(status="suspended" if status == "suspended" else "cancelled", locked_until=None)
        .execution_options(synchronize_session=False)
    )


def fail_job(session: Session, job: Claimed, worker_id: str, error: BaseException,
             final: bool = False) -> None:  # fmt: skip
    """Record a failed attempt: back off, or open an incident after the last one (or at once
    when ``final``: an answer that another attempt would not change).

    Rolls back the failed attempt's work first; the caller commits the record."""
    session.rollback()
    text = "".join(traceback.format_exception_only(type(error), error)).strip()
    row = session.get(Job, job.id, populate_existing=True)
    if row is None or row.locked_by != worker_id or row.status != "running":
        return
    row.last_error, row.locked_until = text, None
    if final or job.attempts >= job.max_attempts:
        row.status = "incident"
        open_incident(session, row, text)
    else:
        row.status = "pending"
        delay = job.backoff_seconds * 2 ** (job.attempts - 1)
        row.due_at = utcnow() + timedelta(seconds=delay)
    session.flush()
