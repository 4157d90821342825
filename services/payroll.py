"""Wage payment use cases (工资支付): each is one unit of work.

A step of the ``wage_payment`` process is done by completing its user task through
``services.tasks.complete_task``; the domain change lives in the task's handler
(``services.payroll_tasks``), so the page, the generic task page, the API and the CLI all run
it.  The use cases here find the actor's open task and pass the page's inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

import engine
from domain import inputs
from domain.access import Actor
from domain.clock import shanghai_time
from domain.errors import Conflict, DomainError, InvalidInput, NotFound
from domain.i18n import Text
from domain.model import User
from domain.payroll import (
    amount_limits,
    batches,
    cards,
    compile,
    credentials,
    payment,
    rates,
)
from domain.payroll.model import BankCardChange, BankSubmission, WageBatch
from domain.payroll.period import pay_period_for
from services import signatures, tasks
from services.pki import issue_pm_credential
from services.uow import UnitOfWork, use_case

PROCESS = "wage_payment"
COMPILE_TASKS = ("compile_wage_table", "compile_own_wage_table")
REVIEW_TASKS = {"sub": "sub_review", "gc": "gc_review"}
BATCH_TASKS = ("generate_summary_table", "pm_sign", "enterprise_sign", "correct_rejected_lines",
               "bank_overdue")  # fmt: skip
REMINDER_PROCESS = "settlement_reminder"  # bpmn/settlement_reminder.bpmn
REMINDER_TASK = "create_batch_number"
NOT_THIS_STEP = Text("流程当前不在这一步，或您无权办理", "The process is not at this step for you")
BAD_STAGE = Text("审核环节不正确", "Unknown review stage")
SHORT_PASSWORD = Text("签署密码至少 8 位", "The signing password needs at least 8 characters")
NO_USER = Text("用户不存在", "No such user")
NOTHING_CHECKED = Text("请勾选要审核通过的编制记录", "Tick the tables to approve")
BAD_SOURCE = Text("日工资来源不正确", "Unknown source of day rates")
NO_INCIDENT = Text("该批次没有这个故障", "This batch has no such incident")


@dataclass(frozen=True)
class BankProblem:
    """A failed (``incident_id``) or retrying (``retry_at``) step of a batch's process."""

    operation: str
    error: str
    incident_id: int | None
    retry_at: datetime | None


def pki_dir(uow: UnitOfWork) -> Path:
    return Path(uow.settings["ZHUXIN_PKI_DIR"])


def open_batch_tasks(uow: UnitOfWork, actor: Actor, batch: WageBatch, bpmn_ids=None,
                     unit_id: int | None = None) -> list[engine.InboxItem]:  # fmt: skip
    """The open tasks of this batch's process the actor may do now."""
    return tasks.open_tasks(uow, actor, process_id=PROCESS, business_key=batch.batch_no,
                            bpmn_ids=bpmn_ids, project_id=batch.project_id, unit_id=unit_id)  # fmt: skip


def _complete_step(uow: UnitOfWork, actor: Actor, batch: WageBatch, bpmn_ids, inputs=None,
                   unit_id: int | None = None) -> None:  # fmt: skip
    found = open_batch_tasks(uow, actor, batch, bpmn_ids, unit_id)
    if not found:
        raise Conflict("not_at_this_step", NOT_THIS_STEP)
    tasks.complete_task(uow, actor, found[0].id, inputs or {}, route=tasks.PAGE)


@use_case
def create_batch(uow: UnitOfWork, actor: Actor, project_id: int, pay_month: str,
                 kind: str = "regular") -> WageBatch:  # fmt: skip
    """新增银行交换批次号 (``kind`` regular, or back_pay: 补发 of the still unpaid) and start its
    ``wage_payment`` instance (business key = number); the month's settlement-day reminder, if
    any, is completed with the regular batch."""
    session = uow.session
    setting = batches.settings_for(session, project_id)
    poll = uow.settings["ZHUXIN_BANK_POLL"]

    def start(batch: WageBatch) -> int:
        data = batches.process_start_data(batch, setting.remind_after_days, poll)
        return engine.start_instance(session, PROCESS, data=data, business_key=batch.batch_no,
                                     started_by=actor.username)  # fmt: skip

    batch = batches.create_batch(
        session, actor, project_id, pay_month, start, kind, today=shanghai_time(uow.clock()).date()
    )
    key = reminder_key(batch.project, batch.pay_month)
    for item in reminder_tasks(uow, actor, batch.project_id):
        if item.business_key == key:
            tasks.complete_task(uow, actor, item.id, {"batch_no": batch.batch_no},
                                route=tasks.PAGE)  # fmt: skip
    return batch


def reminder_key(project, pay_month: str) -> str:
    """Business key of the settlement-day reminder: one per project and pay month."""
    return f"REMIND-{project.code}-{pay_month}"


@use_case
def remind_settlement_day(uow: UnitOfWork, today=None) -> int:
    """Scheduler step: on each project's settlement day, start one ``settlement_reminder``
    (an inbox task for its GC manager) when the month has no batch number yet.  Running it
    again the same day starts nothing more (the business key is looked up first)."""
    started, session = 0, uow.session
    for project, month in batches.due_settlements(session, today):
        key = reminder_key(project, month)
        if engine.list_instances(session, process_id=REMINDER_PROCESS, business_key=key):
            continue
        period = pay_period_for(month, project.settlement_day)
        data = {"project_id": project.id, "project_name": project.name, "pay_month": month,
                "period_start": period.start.isoformat(), "period_end": period.end.isoformat()}  # fmt: skip
        engine.start_instance(session, REMINDER_PROCESS, data=data, business_key=key,
                              started_by="scheduler")  # fmt: skip
        started += 1
    return started


def reminder_tasks(uow: UnitOfWork, actor: Actor, project_id: int | None = None):
    """The open settlement-day reminders the actor may act on."""
    return tasks.open_tasks(uow, actor, process_id=REMINDER_PROCESS, bpmn_ids=(REMINDER_TASK,),
                            project_id=project_id)  # fmt: skip


@use_case
def dismiss_reminder(uow: UnitOfWork, actor: Actor, human_task_id: int) -> None:
    """忽略: close the reminder without creating a batch number."""
    tasks.complete_task(uow, actor, human_task_id, {"dismissed": True}, route=tasks.PAGE)


@use_case
def set_settlement(uow: UnitOfWork, actor: Actor, project_id: int, day: str,
                   pay_factor: str = "", line_ceiling: str = "") -> None:  # fmt: skip
    """设置月工资结算日期 and the amount checks (pay factor, per-line ceiling; empty keeps
    them).  Worker confirmation is its own setting (``services.confirmation.set_required``)."""
    batches.set_settlement_day(uow.session, actor, project_id, day)
    amount_limits.set_amount_limits(uow.session, actor, project_id, pay_factor, line_ceiling)


@use_case
def set_trade_rates(uow: UnitOfWork, actor: Actor, project_id: int, values: dict,
                    new_trade: str = "") -> None:  # fmt: skip
    """工种日工资: the project's default day rate per trade (``new_trade``: the new row's)."""
    rates.set_trade_rates(uow.session, actor, project_id, values, new_trade)


@use_case
def compile_from_attendance(uow: UnitOfWork, actor: Actor, compilation_id: int):
    """新增编制: the unit's table filled from the period's sign-ins."""
    return compile.compile_from_attendance(uow.session, actor, compilation_id)


@use_case
def save_draft(uow: UnitOfWork, actor: Actor, compilation_id: int, lines: dict) -> None:
    """保存草稿: the compiler's amounts (all or nothing)."""
    compile.save_draft(uow.session, actor, compilation_id, lines)


@use_case
def fill_day_rates(uow: UnitOfWork, actor: Actor, compilation_id: int, source: str,
                   lines: dict | None = None) -> int:  # fmt: skip
    """按工种日工资填充 (``trade_rates``) / 复制上月日工资 (``last_month``): the page's last
    edits are saved first, then every line gets its rate (audited); → lines changed."""
    if source not in rates.FILL_SOURCES:
        raise InvalidInput("unknown_rate_source", BAD_SOURCE, field="source")
    if lines:
        compile.save_draft(uow.session, actor, compilation_id, lines)
    return rates.fill_day_rates(uow.session, actor, compilation_id, source)


@use_case
def import_excel(uow: UnitOfWork, actor: Actor, compilation_id: int, data: bytes):
    """导入: the lines from an edited export; returns the per-cell errors."""
    return compile.import_excel(uow.session, actor, compilation_id, data)


@use_case
def submit_compilation(uow: UnitOfWork, actor: Actor, compilation_id: int, lines=None):
    """提交审核: save the last edits, then complete the unit's compile task (its handler checks
    and locks the table)."""
    comp = compile.get_compilation(uow.session, actor, compilation_id)
    if lines:
        compile.save_draft(uow.session, actor, compilation_id, lines)
    _complete_step(uow, actor, comp.batch, COMPILE_TASKS, unit_id=comp.unit_id)
    return comp


@use_case
def review_compilation(uow: UnitOfWork, actor: Actor, compilation_id: int, stage: str,
                       approve: bool, reason: str = ""):  # fmt: skip
    """Approve or reject (sub or GC stage): complete the unit's review task with the decision."""
    comp = compile.get_compilation(uow.session, actor, compilation_id)
    if stage not in REVIEW_TASKS:
        raise InvalidInput("unknown_review_stage", BAD_STAGE, field="stage")
    _complete_step(uow, actor, comp.batch, (REVIEW_TASKS[stage],),
                   {"approved": approve, "reason": reason}, unit_id=comp.unit_id)  # fmt: skip
    return comp


def review_stage(actor: Actor, comp) -> str | None:
    """The review the actor may do on the table now: ``sub`` (分包审核), ``gc`` (总包审核)."""
    pid, uid = comp.batch.project_id, comp.unit_id
    if comp.state == "submitted" and actor.may("review_sub", pid, uid):
        return "sub"
    if comp.state == "sub_approved" and actor.may("review_gc", pid):
        return "gc"
    return None


@dataclass(frozen=True)
class UnitReview:
    """One table of a bulk approval: approved (``refusal`` None) or why not."""

    compilation_id: int
    unit_name: str
    refusal: DomainError | None = None


def approve_compilations(uow: UnitOfWork, actor: Actor, project_id: int,
                         compilation_ids) -> list[UnitReview]:  # fmt: skip
    """批量审核通过: each table is approved by its own ``review_compilation`` (its own unit of
    work, the same checks and process step as approving it alone); a refused table is
    reported and the others go on. Not a use case itself, so that one refusal rolls back only
    its own table."""
    ids = [inputs.whole_number(raw, "compilation_id", lo=1) for raw in compilation_ids]
    if not any(ids):
        raise InvalidInput("nothing_checked", NOTHING_CHECKED, field="compilation_id")
    outcomes = []
    for compilation_id in dict.fromkeys(i for i in ids if i is not None):
        try:
            comp = compile.get_compilation(uow.session, actor, compilation_id, project_id)
        except DomainError as refusal:
            outcomes.append(UnitReview(compilation_id, "#" + str(compilation_id), refusal))
            continue
        unit_name, stage = comp.unit.name, review_stage(actor, comp)
        try:
            if stage is None:
                raise Conflict("not_at_this_step", NOT_THIS_STEP)
            review_compilation(uow, actor, compilation_id, stage, True)
        except DomainError as refusal:  # its own unit of work has rolled back
            outcomes.append(UnitReview(compilation_id, unit_name, refusal))
            continue
        outcomes.append(UnitReview(compilation_id, unit_name))
    return outcomes


@use_case
def generate_summary(uow: UnitOfWork, actor: Actor, batch_id: int) -> None:
    """生成汇总表: the summary file is rendered next by ``summary/RenderPdf``."""
    batch = batches.get_batch(uow.session, actor, batch_id)
    _complete_step(uow, actor, batch, ("generate_summary_table",))


@use_case
def pm_sign(uow: UnitOfWork, actor: Actor, batch_id: int, password: str) -> None:
    """去签署 (PM): unlock his stored key with the signing password and sign."""
    batch = batches.get_batch(uow.session, actor, batch_id)
    _complete_step(uow, actor, batch, ("pm_sign",), {"password": password})


@use_case
def enterprise_sign(uow: UnitOfWork, actor: Actor, batch_id: int, p12: bytes, password: str):
    """去签署 (企业端): sign with the uploaded PKCS#12 in memory; nothing of it is stored."""
    batch = batches.get_batch(uow.session, actor, batch_id)
    _complete_step(uow, actor, batch, ("enterprise_sign",), {"p12": p12, "password": password})


@use_case
def propose_card(uow: UnitOfWork, actor: Actor, batch_id: int, line_id: int, card: str,
                 bank_name: str, cnaps: str) -> BankCardChange:  # fmt: skip
    """更正退回明细: propose the worker's new card; it counts once the worker confirms it."""
    batch = batches.get_batch(uow.session, actor, batch_id)
    return cards.propose_for_line(uow.session, actor, batch, line_id, card, bank_name, cnaps)


@use_case
def change_own_card(uow: UnitOfWork, actor: Actor, card: str, bank_name: str, cnaps: str):
    """我的工资卡 (worker): his new wage card, at once."""
    return cards.change_own_card(uow.session, actor, card, bank_name, cnaps)


@use_case
def decide_card_change(uow: UnitOfWork, actor: Actor, change_id: int, agree: bool):
    """The worker confirms or refuses a card an operator proposed for him."""
    return cards.decide_change(uow.session, actor, change_id, agree)


@use_case
def repay(uow: UnitOfWork, actor: Actor, batch_id: int) -> None:
    """重新支付: the corrected lines are listed on a supplementary summary that the PM and the
    enterprise sign; then they go out under the same batch number (MsgId -R<n>)."""
    batch = batches.get_batch(uow.session, actor, batch_id)
    _complete_step(uow, actor, batch, ("correct_rejected_lines",))


@use_case
def ask_bank_again(uow: UnitOfWork, actor: Actor, batch_id: int) -> None:
    """再次询问银行 (GC manager) when the bank's answer is overdue."""
    batch = batches.get_batch(uow.session, actor, batch_id)
    _complete_step(uow, actor, batch, ("bank_overdue",))


def bank_problems(uow: UnitOfWork, actor: Actor, batch: WageBatch) -> list[BankProblem]:
    """What holds the batch's money back, for the GC manager on the batch page: failed steps
    (an incident: a refused push, a bank that cannot be reached) and steps retrying now."""
    if batch.instance_id is None or not actor.may("generate_summary", batch.project_id):
        return []
    problems = [BankProblem(i.operation or "", i.error, i.id, None)
                for i in engine.list_incidents(uow.session, instance_id=batch.instance_id)]  # fmt: skip
    problems += [BankProblem(j.operation or "", j.last_error or "", None, j.due_at)
                 for j in engine.retrying_jobs(uow.session, batch.instance_id)]  # fmt: skip
    return problems


@use_case
def retry_bank_step(uow: UnitOfWork, actor: Actor, batch_id: int, incident_id: int) -> None:
    """重试 (GC manager): run the failed step of this batch's process again."""
    batch = batches.get_batch(uow.session, actor, batch_id)
    actor.must("generate_summary", batch.project_id)
    mine = {i.id for i in engine.list_incidents(uow.session, instance_id=batch.instance_id)}
    if batch.instance_id is None or incident_id not in mine:
        raise NotFound("unknown_incident", NO_INCIDENT)
    engine.retry_incident(uow.session, incident_id, by=actor.username)


def verify(uow: UnitOfWork, batch: WageBatch, round: int | None = None) -> dict:
    """验签 of the round's summary (default: the current round): every check of
    ``signatures.verify_summary`` (the push runs the same), each signature's signer and time,
    and whether each payment file is the data of its round's signed summary."""
    summary = payment.summary_of(uow.session, batch, round)
    if summary is None:
        return {"summary": None, "report": None, "files": []}
    expected = signatures.expectations_for(uow.session, batch, summary)
    report = signatures.verify_summary(summary.pdf, signatures.trust_store(uow.settings), expected)
    signed = {s.round: s.lines_sha256 for s in payment.summaries_of(uow.session, batch)}
    files = [
        {"msg_id": s.msg_id, "round": s.round, "lines": s.line_count, "total": s.total,
         "matches": s.records_sha256 == signed.get(s.round)}
        for s in sorted(batch_submissions(uow, batch), key=lambda s: s.round)
    ]  # fmt: skip
    return {"summary": summary, "report": report, "files": files}


def batch_submissions(uow: UnitOfWork, batch: WageBatch):
    return uow.session.scalars(
        select(BankSubmission).where(BankSubmission.batch_id == batch.id)
    ).all()


@use_case
def issue_signing_credential(uow: UnitOfWork, user_id: int, password: str, company: str):
    """The platform CA issues the user's personal signing certificate (key under ``password``)."""
    if len(password or "") < 8:
        raise InvalidInput("password_too_short", SHORT_PASSWORD, field="password")
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound("unknown_user", NO_USER)
    cred = issue_pm_credential(pki_dir(uow), user.display_name, company, f"PM-{user.id:04d}",
                               password)  # fmt: skip
    credentials.store_credential(uow.session, user.id, cred.cert_pem, cred.encrypted_key_pem,
                                 cred.chain_pem)  # fmt: skip
