"""Notifications (消息) use cases: who is told what, reading and marking messages, delivery.

The services that cause a message call one function here inside their own unit of work (so a
refused step tells nobody): ``table_returned`` (review), ``dispute_raised``/``dispute_resolved``
(工人确认), ``bank_answers`` (对账, 退汇).  A task arriving in someone's inbox is found at the inbox
itself: ``notify_new_tasks`` looks at the open ``engine_human_task`` rows no message was posted
for — whatever started the instance or completed the step before, page, API, CLI, timer or
message — so there is one hook for every route.  ``deliver`` (the scheduled step
``notify.deliver`` and ``flask zhuxin notify-send``) runs it, then sends the pending SMS
through the wired driver, recording each as sent or failed with its attempts.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import String, cast, exists, literal, select
from sqlalchemy.orm import Session

import engine
from domain import notifications as outbox
from domain import roles
from domain.access import Actor
from domain.db import utcnow
from domain.model import Project
from domain.notifications import Notification, Target
from domain.payroll.model import Compilation, LineConfirmation, WageBatch, WageLineRow
from engine.models import HumanTask
from services.tasks import engine_grants
from services.uow import UnitOfWork, use_case

log = logging.getLogger(__name__)
TASK_LOOKBACK = timedelta(days=14)  # an older open task was told about (or nobody could be)
MY_WAGES = Target("payroll.my_wages", {})


def _compilation_target(comp: Compilation) -> Target:
    return Target("payroll.compilation",
                  {"project_id": comp.batch.project_id, "compilation_id": comp.id})  # fmt: skip


# Triggers (called inside the causing use case) ---------------------------------------------


def table_returned(session: Session, actor: Actor, comp: Compilation, stage: str, reason: str):
    """退回: the unit's compilers learn that the table came back, and why."""
    batch = comp.batch
    to = [u for u in outbox.holders(session, roles.allowed("compile_unit", comp.unit),
                                    batch.project_id, comp.unit_id) if u != actor.user_id]  # fmt: skip
    outbox.post_to(session, to, "table_returned",
                   {"unit": comp.unit.name, "month": batch.pay_month, "reason": reason},
                   dedupe_key=f"returned:{comp.id}:{stage}:{utcnow():%Y%m%d%H%M%S%f}",
                   project_id=batch.project_id, target=_compilation_target(comp))  # fmt: skip


def funding_short(session: Session, project_id: int, state) -> int:
    """专户余额不足: the project's GC managers learn the balance, the wages due and the gap
    (``state``: domain.payroll.statements.Funding), once per statement day and gap."""
    project = session.get(Project, project_id)
    to = outbox.holders(session, (roles.GC_MANAGER,), project_id)
    return outbox.post_to(session, to, "funding_short",
                          {"project": project.name if project else "", "balance": f"{state.balance:,.2f}",
                           "day": str(state.balance_day), "due": f"{state.upcoming_total:,.2f}",
                           "gap": f"{state.shortfall:,.2f}"},
                          dedupe_key=f"funding:{project_id}:{state.balance_day}:{state.shortfall}",
                          project_id=project_id, target=Target("payroll.funding", {"project_id": project_id}))  # fmt: skip


def _dispute_people(session: Session, line: WageLineRow) -> list[int]:
    comp = line.compilation
    wanted = (*roles.allowed("compile_unit", comp.unit), *roles.MANAGERS)
    return outbox.holders(session, wanted, line.project_id, comp.unit_id)


def dispute_raised(session: Session, row: LineConfirmation) -> None:
    """有异议: the unit's compiler, its manager and the GC manager learn of it."""
    line = row.line
    outbox.post_to(session, _dispute_people(session, line), "dispute_raised",
                   {"worker": line.worker_name, "month": line.pay_month, "comment": row.comment},
                   dedupe_key=f"dispute:{row.id}:{row.disputed_at:%Y%m%d%H%M%S%f}",
                   project_id=line.project_id, target=_compilation_target(line.compilation))  # fmt: skip


def dispute_resolved(session: Session, row: LineConfirmation) -> None:
    """异议已答复: the worker reads the answer and is asked to confirm again."""
    line = row.line
    user_id = outbox.user_of_person(session, line.person_id)
    if user_id is None:
        return
    outbox.post(session, user_id, "dispute_resolved",
                {"month": line.pay_month, "resolution": row.resolution},
                dedupe_key=f"resolved:{row.id}:{row.resolved_at:%Y%m%d%H%M%S%f}",
                project_id=line.project_id, target=MY_WAGES)  # fmt: skip


def bank_answers(session: Session, batch: WageBatch) -> int:
    """The bank's answer on each line's latest attempt (paid, or rejected/returned) goes to
    its worker, once per attempt and answer; how many messages were new."""
    kinds = {"paid": "wage_paid", "rejected": "wage_returned", "returned": "wage_returned"}
    lines = session.scalars(select(WageLineRow).where(WageLineRow.batch_id == batch.id,
                                                      WageLineRow.bank_status.in_(kinds))).all()  # fmt: skip
    users = outbox.users_of_people(session, (line.person_id for line in lines))
    return outbox.post_many(session, [
        outbox.Message(users[line.person_id], kinds[line.bank_status],
                       {"month": line.pay_month, "net": f"{line.net or 0:.2f}",
                        "reason": line.bank_reason or ""},
                       f"bank:{line.id}:{line.bank_attempt}:{line.bank_status}",
                       project_id=line.project_id, target=MY_WAGES)
        for line in lines if line.person_id in users
    ])  # fmt: skip


@use_case
def notify_new_tasks(uow: UnitOfWork) -> int:
    """待办到达: one message per recipient for each open task told to nobody yet."""
    session = uow.session
    key = literal("task:") + cast(HumanTask.id, String)
    told = exists().where(Notification.dedupe_key == key)
    since = uow.clock() - TASK_LOOKBACK
    rows = session.scalars(select(HumanTask).where(HumanTask.status == "open",
                                                   HumanTask.created_at >= since, ~told)
                           .order_by(HumanTask.id))  # fmt: skip
    posted = 0
    for task in rows:
        target = Target("task", {"human_task_id": task.id, "process_id": task.process_id,
                                 "bpmn_id": task.bpmn_id})  # fmt: skip
        to = outbox.task_recipients(session, task.role, task.project_id, task.unit_id)
        posted += outbox.post_to(session, to, "task_arrived", {"task": task.name or task.bpmn_id},
                                 dedupe_key=f"task:{task.id}", project_id=task.project_id,
                                 target=target)  # fmt: skip
    return posted


def send_pending_sms(uow: UnitOfWork, limit: int = 100) -> tuple[int, int]:
    """Send the pending SMS through the wired driver, each committed on its own (a crash
    between sending and recording sends that one again: at least once). → (sent, failed)."""
    driver, session = uow.wiring.sms, uow.session
    sent = failed = 0
    for row, phone in outbox.pending_sms(session, limit):
        try:
            driver.send(phone or "", row.text("zh"))
            error = None
        except Exception as exc:  # any driver failure is one failed attempt, never a crash
            error = f"{type(exc).__name__}: {exc}"
            log.warning("SMS %s failed: %s", row.id, error)
        outbox.record_sms(row, error)
        session.commit()
        sent, failed = sent + (error is None), failed + (error is not None)
    return sent, failed


def deliver(uow: UnitOfWork) -> dict:
    """The delivery step: tell new tasks, then send pending SMS."""
    told = notify_new_tasks(uow)
    sent, failed = send_pending_sms(uow)
    return {"tasks": told, "sms_sent": sent, "sms_failed": failed}


# The reader's side ----------------------------------------------------------------------


def messages(uow: UnitOfWork, actor: Actor, page: int = 1, unread_only: bool = False):
    return outbox.messages_of(uow.session, actor.user_id, page, unread_only=unread_only)


@use_case
def mark_read(uow: UnitOfWork, actor: Actor, notification_id: int) -> Notification:
    """已读: one of the actor's own messages (another's is NotFound)."""
    return outbox.mark_read(uow.session, actor.user_id, notification_id)


@use_case
def mark_all_read(uow: UnitOfWork, actor: Actor) -> int:
    """全部已读."""
    return outbox.mark_all_read(uow.session, actor.user_id)


def header_counts(session: Session, actor: Actor) -> tuple[int, int]:
    """(open tasks the actor may do, his unread messages) in one query, for every page."""
    row = session.execute(select(engine.open_count(engine_grants(actor)),
                                 outbox.unread_count_query(actor.user_id))).one()  # fmt: skip
    return int(row[0] or 0), int(row[1] or 0)
