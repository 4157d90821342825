"""Incidents (故障): jobs that failed their last attempt, listed for admins and retried by them;
and failures (失败记录): steps refused because the diagram's logic failed, kept for the admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.errors import NotFound, ProcessError, TaskNotOpen
from engine.models import Failure, Incident, Job


def open_incident(session: Session, job: Job, error: str) -> Incident:
    """Record an incident for ``job`` in the caller's transaction."""
    incident = Incident(
        job_id=job.id, instance_id=job.instance_id, error=error, created_at=utcnow()
    )
    session.add(incident)
    return incident


@dataclass(frozen=True)
class IncidentView:
    """An incident as the admin page and the CLI show it."""

    id: int
    job_id: int
    instance_id: int | None
    operation: str | None
    kind: str
    attempts: int
    error: str
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None


def list_incidents(
    session: Session, *, open_only: bool = True, instance_id: int | None = None
) -> list[IncidentView]:
    """Incidents, newest first."""
    query = incidents_query(open_only=open_only, instance_id=instance_id)
    return [incident_view(row) for row in session.execute(query).tuples()]


def incidents_query(*, open_only: bool = True, instance_id: int | None = None) -> Select:
    """The statement of ``list_incidents`` (rows of Incident and Job; ``incident_view`` each)."""
    query = select(Incident, Job).join(Job, Job.id == Incident.job_id)
    if open_only:
        query = query.where(Incident.resolved_at.is_(None))
    if instance_id is not None:
        query = query.where(Incident.instance_id == instance_id)
    return query.order_by(Incident.id.desc())


def incident_view(row: tuple[Incident, Job]) -> IncidentView:
    i, j = row
    return IncidentView(i.id, i.job_id, i.instance_id, j.operation, j.kind, j.attempts, i.error,
                        i.created_at, i.resolved_at, i.resolved_by)  # fmt: skip


def retry_incident(session: Session, incident_id: int, *, by: str | None = None) -> None:
    """Resolve the incident and make its job due again with fresh attempts (in the caller's transaction)."""
    incident = session.get(Incident, incident_id, populate_existing=True)
    if incident is None:
        raise NotFound(f"incident {incident_id} does not exist")
    if incident.resolved_at is not None:
        raise TaskNotOpen(f"incident {incident_id} was already resolved")
    job = session.get(Job, incident.job_id, populate_existing=True)
    if job is None:
        raise NotFound(f"the job of incident {incident_id} does not exist")
    job.status, job.attempts, job.due_at = "pending", 0, utcnow()
    job.locked_by = job.locked_until = None
    incident.resolved_at, incident.resolved_by = utcnow(), by
    session.flush()


@dataclass(frozen=True)
class RetryingJob:
    """A job that failed and will run again: its operation, last error and next attempt."""

    id: int
    operation: str | None
    attempts: int
    last_error: str | None
    due_at: datetime


def retrying_jobs(session: Session, instance_id: int) -> list[RetryingJob]:
    """Jobs of the instance that failed at least once and wait for their next attempt."""
    query = select(Job).where(Job.instance_id == instance_id, Job.status == "pending",
                              Job.attempts > 0, Job.last_error.is_not(None))  # fmt: skip
    return [RetryingJob(j.id, j.operation, j.attempts, j.last_error, j.due_at)
            for j in session.scalars(query.order_by(Job.id))]  # fmt: skip


def record_failure(session: Session, error: ProcessError) -> Failure:
    """Keep a refused step's ProcessError (the caller commits it in a transaction of its own,
    after rolling back the step)."""
    failure = Failure(instance_id=error.instance_id, element_id=error.element_id,
                      error=error.detail[:4000], user=error.user, created_at=utcnow())  # fmt: skip
    session.add(failure)
    session.flush()
    return failure


def list_failures(session: Session, *, instance_id: int | None = None,
                  limit: int = 50) -> list[Failure]:  # fmt: skip
    """The newest failures, of one instance or all."""
    return list(session.scalars(failures_query(instance_id=instance_id).limit(limit)))


def failures_query(*, instance_id: int | None = None) -> Select:
    """The statement of ``list_failures`` without a limit."""
    query = select(Failure).order_by(Failure.id.desc())
    if instance_id is not None:
        query = query.where(Failure.instance_id == instance_id)
    return query
