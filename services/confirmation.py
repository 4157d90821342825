"""工人确认 use cases (条例 Art. 31): the worker confirms or disputes his line, the operator
answers a dispute (a user task of ``bpmn/wage_line_dispute.bpmn``) or uploads the worker's
signed paper confirmation, the GC manager turns the rule on or off.  Each is one unit of work;
the rules are in ``domain.payroll.confirmation`` (and ``compile.submit`` enforces them)."""

from __future__ import annotations

import engine
from domain.access import Actor
from domain.errors import Conflict
from domain.payroll import confirmation
from domain.payroll.confirmation import PROCESS_ID, RESOLVE_TASKS
from domain.payroll.model import LineConfirmation
from services import notifications, tasks
from services.tasks import OpenTask, TaskHandler, TaskHandlers
from services.uow import UnitOfWork, use_case


@use_case
def confirm_line(uow: UnitOfWork, actor: Actor, line_id: int) -> LineConfirmation:
    """确认无误 (worker): his line as it is now."""
    return confirmation.confirm(uow.session, actor, line_id)


@use_case
def dispute_line(uow: UnitOfWork, actor: Actor, line_id: int, comment: str) -> LineConfirmation:
    """有异议 (worker): record the dispute and open its task for the unit's operator, together."""
    row = confirmation.dispute(uow.session, actor, line_id, comment)
    row.instance_id = engine.start_instance(
        uow.session, PROCESS_ID, data=confirmation.dispute_data(row),
        business_key=f"dispute-{row.line_id}-{row.id}", started_by=actor.username,
    )  # fmt: skip
    notifications.dispute_raised(uow.session, row)
    return row


def dispute_tasks(uow: UnitOfWork, actor: Actor, project_id: int, unit_id: int | None = None):
    """The open dispute tasks the actor may answer (the compile page links each)."""
    return tasks.open_tasks(uow, actor, process_id=PROCESS_ID, bpmn_ids=RESOLVE_TASKS,
                            project_id=project_id, unit_id=unit_id)  # fmt: skip


@use_case
def resolve_dispute(uow: UnitOfWork, actor: Actor, line_id: int, resolution: str) -> None:
    """处理工资异议 from the compile page: complete the line's open dispute task."""
    row = uow.session.query(LineConfirmation).filter_by(line_id=line_id).one_or_none()
    if row is None or row.instance_id is None:
        raise Conflict("no_open_dispute", confirmation.NOT_DISPUTED)
    open_ = [t for t in dispute_tasks(uow, actor, row.line.project_id)
             if t.instance_id == row.instance_id]  # fmt: skip
    if not open_:
        raise Conflict("no_open_dispute", confirmation.NOT_DISPUTED)
    tasks.complete_task(uow, actor, open_[0].id, {"resolution": resolution}, route=tasks.PAGE)


def resolve_handler(uow: UnitOfWork, actor: Actor, task: OpenTask, inputs: dict) -> dict:
    """处理工资异议: the operator's answer (required) is recorded on the line's confirmation;
    the worker sees it and is asked to confirm again."""
    row = confirmation.resolve(uow.session, actor, int(task.data.get("line_id") or 0),
                               str(inputs.get("resolution") or ""))  # fmt: skip
    notifications.dispute_resolved(uow.session, row)
    return {"resolution": row.resolution}


@use_case
def upload_paper(uow: UnitOfWork, actor: Actor, line_id: int, data: bytes) -> LineConfirmation:
    """纸质确认 (the unit's operator): the worker's signed paper confirmation of his line."""
    return confirmation.upload_paper(uow.session, actor, line_id, data)


@use_case
def set_required(uow: UnitOfWork, actor: Actor, project_id: int, on: bool):
    """工人确认工资后方可提交审核: on (the default) or off — the GC manager only, audited."""
    return confirmation.set_required(uow.session, actor, project_id, on)


def register(handlers: TaskHandlers) -> None:
    handlers.register(PROCESS_ID, RESOLVE_TASKS,
                      TaskHandler(resolve_handler, page="payroll.dispute_task"))  # fmt: skip
