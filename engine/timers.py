"""Timer jobs (定时器作业): after each save the instance's pending ``timer`` jobs are made to match
the due times it waits on; firing one is ``refresh_timers()`` + engine steps under the lock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import as_utc, utcnow
from engine.models import Job
from engine.store import Loaded
from engine.waiting import timer_dues


def sync_timers(session: Session, loaded: Loaded) -> None:
    """Make the instance's pending timer jobs match its waiting timers."""
    row, dues = loaded.row, timer_dues(loaded.wf)
    if not dues and not loaded.had_timers:
        return
    pending = session.scalars(
        select(Job).where(Job.instance_id == row.id, Job.kind == "timer", Job.status == "pending")
    )
    for job in pending:
        due = as_utc(job.due_at)
        if due in dues:
            dues.discard(due)
        else:
            job.status = "cancelled"
    for due in dues:
        session.add(_timer_job(row.id, due, row.version))


def _timer_job(instance_id: int, due: datetime, version: int) -> Job:
    return Job(
        job_key=f"timer:{instance_id}:{due.isoformat()}:{version}",
        kind="timer",
        instance_id=instance_id,
        status="pending",
        due_at=due,
        attempts=0,
        max_attempts=5,
        backoff_seconds=10,
        created_at=utcnow(),
    )
