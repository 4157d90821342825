"""Instance control (实例控制): suspend, resume, terminate — each with who, when and why.

A suspended instance does nothing: its open inbox rows and its pending jobs are set aside
(status ``suspended``), messages for it are parked, and any step on it (a completion, a
message, a timer, a job's completion) is refused with ``InstanceNotRunning``; a job whose
connector was already running keeps its stored answer and completes after the resume.
Resuming puts them back and runs one step (parked messages, due timers).  Terminating ends
it for good: inbox rows and jobs are cancelled.  Like every engine function these work in the
caller's transaction; the status change bumps the version, so a concurrent step conflicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.errors import InstanceNotRunning, NotFound
from engine.models import HumanTask, InstanceAction, Job, ProcessInstance
from engine.persistence import mutate

ACTIVE = ("running", "suspended")


@dataclass(frozen=True)
class ActionView:
    action: str
    reason: str
    by: str | None
    at: datetime


def _set_status(session: Session, instance_id: int, from_states, to: str, **values) -> None:
    result = session.execute(
        update(ProcessInstance)
        .where(ProcessInstance.id == instance_id, ProcessInstance.status.in_(from_states))
        .values(status=to, version=ProcessInstance.version + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]  # a CursorResult
        row = session.get(ProcessInstance, instance_id)
        if row is None:
            raise NotFound(f"process instance {instance_id} does not exist")
        raise InstanceNotRunning(f"process instance {instance_id} is {row.status}")


def _move(session: Session, model, instance_id: int, from_states, to: str) -> None:
    session.execute(
        update(model)
        .where(model.instance_id == instance_id, model.status.in_(from_states))
        .values(status=to)
        .execution_options(synchronize_session=False)
    )


def _note(session: Session, instance_id: int, action: str, by: str | None, reason: str) -> None:
    session.add(InstanceAction(instance_id=instance_id, action=action, reason=reason[:500],
                               by=by, at=utcnow()))  # fmt: skip
    session.flush()


def suspend_instance(session: Session, instance_id: int, *, by: str | None,
                     reason: str = "") -> None:  # fmt: skip
    """Pause a running instance: nothing of it runs until it is resumed."""
    _set_status(session, instance_id, ("running",), "suspended")
    _move(session, HumanTask, instance_id, ("open",), "suspended")
    _move(session, Job, instance_id, ("pending",), "suspended")
    _note(session, instance_id, "suspend", by, reason)


def resume_instance(session: Session, instance_id: int, *, by: str | None,
                    reason: str = "") -> None:  # fmt: skip
    """Go on where it stopped: inbox rows and jobs back, parked messages and due timers now."""
    _set_status(session, instance_id, ("suspended",), "running")
    _move(session, HumanTask, instance_id, ("suspended",), "open")
    _move(session, Job, instance_id, ("suspended",), "pending")
    _note(session, instance_id, "resume", by, reason)
    mutate(session, instance_id, lambda loaded: loaded.wf.refresh_timers())


def terminate_instance(session: Session, instance_id: int, *, by: str | None,
                       reason: str) -> None:  # fmt: skip
    """End a running or suspended instance for good (a reason is required)."""
    if not (reason or "").strip():
        raise ValueError("a reason is required to terminate an instance")
    _set_status(session, instance_id, ACTIVE, "terminated", completed_at=utcnow())
    _move(session, HumanTask, instance_id, ("open", "suspended"), "cancelled")
    _move(session, Job, instance_id, ("pending", "suspended", "running"), "cancelled")
    _note(session, instance_id, "terminate", by, reason.strip())


def instance_actions(session: Session, instance_id: int) -> list[ActionView]:
    """Who suspended, resumed or terminated the instance, when and why, oldest first."""
    rows = session.scalars(select(InstanceAction).where(InstanceAction.instance_id == instance_id)
                           .order_by(InstanceAction.id))  # fmt: skip
    return [ActionView(r.action, r.reason, r.by, r.at) for r in rows]
