"""工资支付表审核 (sub and GC review, approve or reject with a reason), the worker's own lines,
and the lines the bank rejected or returned (his confirmation: ``confirmation.py``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.access import Actor
from domain.audit import record
from domain.db import utcnow
from domain.errors import Conflict, InvalidInput
from domain.i18n import Text
from domain.model import Person
from domain.payroll.compile import get_compilation
from domain.payroll.model import Compilation, WageBatch, WageLineRow

STAGES = {
    # stage: (action, state it reviews, state after approval)
    "sub": ("review_sub", "submitted", "sub_approved"),
    "gc": ("review_gc", "sub_approved", "approved"),
}
NOT_WAITING = Text("该编制当前不在待审核状态", "This table is not waiting for this review")
REASON_REQUIRED = Text("退回时须填写原因", "A reason is required to reject")


def review(session: Session, actor: Actor, compilation_id: int, stage: str, approve: bool,
           reason: str = "") -> Compilation:  # fmt: skip
    """Approve, or reject back to the compiler with a reason (required)."""
    action, expected, after = STAGES[stage]
    comp = get_compilation(session, actor, compilation_id)
    actor.must(action, comp.batch.project_id, comp.unit_id)
    if comp.state != expected:
        raise Conflict("not_waiting_for_review", NOT_WAITING)
    reason = (reason or "").strip()
    if not approve and not reason:
        raise InvalidInput("reason_required", REASON_REQUIRED, field="reason")
    comp.state = after if approve else "rejected"
    comp.reject_reason = None if approve else reason[:300]
    comp.rejected_by = None if approve else stage
    comp.reviewed_by, comp.reviewed_at = actor.user_id, utcnow()
    record(session, actor.user_id, f"payroll.{stage}_{'approved' if approve else 'rejected'}",
           comp, None, comp.batch.project_id)  # fmt: skip
    if approve and after == "approved":
        _maybe_all_approved(comp.batch)
    return comp


def _maybe_all_approved(batch: WageBatch) -> None:
    if all(c.state == "approved" for c in batch.compilations):
        batch.state = "approved"


def my_lines(session: Session, actor: Actor) -> list[WageLineRow]:
    """The worker's own lines, newest batch first (工资确认 on the phone)."""
    if actor.person_id is None:
        return []
    return list(session.scalars(
        select(WageLineRow).where(WageLineRow.person_id == actor.person_id)
        .order_by(WageLineRow.id.desc())
    ))  # fmt: skip


def rejected_lines(session: Session, batch: WageBatch) -> list[WageLineRow]:
    return list(session.scalars(
        select(WageLineRow).where(WageLineRow.batch_id == batch.id,
                                  WageLineRow.bank_status.in_(("rejected", "returned")))
        .order_by(WageLineRow.id)
    ))  # fmt: skip


def people_of(session: Session, lines: list[WageLineRow]) -> list[Person]:
    """The workers of these lines (their card on record)."""
    ids = {line.person_id for line in lines}
    return list(session.scalars(select(Person).where(Person.id.in_(ids)))) if ids else []
