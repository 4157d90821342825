"""Task handlers of ``bpmn/wage_payment.bpmn`` and ``bpmn/settlement_reminder.bpmn``.

Each handler is the domain meaning of completing its user task; whichever route completes the
task runs it (``services.tasks.complete_task``).  The process orders the steps (a task can only
be completed while it is open); the handlers check what the domain requires at that step.
"""

from __future__ import annotations

from sqlalchemy import select

from connectors import signing
from connectors.signing_pki import PersonalCredential
from domain.access import Actor
from domain.errors import Conflict, InvalidInput, NotFound
from domain.i18n import Text
from domain.payroll import batches, compile, credentials, payment, review
from domain.payroll.errors import NO_BATCH, NO_COMPILATION
from domain.payroll.model import Compilation, WageBatch
from services import notifications, signatures
from services.payroll_jobs import BankTerms
from services.tasks import OpenTask, TaskHandler, TaskHandlers, decision
from services.uow import UnitOfWork

PROCESS = "wage_payment"
REMINDER_PROCESS = "settlement_reminder"
NO_CERTIFICATE = Text("请选择企业数字证书文件（.p12）", "Choose the enterprise certificate")
NO_MONTH_BATCH = Text(
    "该月尚未新增银行交换批次号，请先新增批次号或忽略提醒",
    "The month has no bank exchange batch number yet: create one or dismiss the reminder",
)


def _batch(uow: UnitOfWork, task: OpenTask) -> WageBatch:
    batch = uow.session.scalar(select(WageBatch).where(WageBatch.batch_no == task.business_key))
    if batch is None:
        raise NotFound("unknown_batch", NO_BATCH)
    return batch


def _compilation(uow: UnitOfWork, task: OpenTask) -> Compilation:
    batch = _batch(uow, task)
    comp = next((c for c in batch.compilations if c.unit_id == task.unit_id), None)
    if comp is None:
        raise NotFound("unknown_compilation", NO_COMPILATION)
    return comp


def compile_table(uow: UnitOfWork, actor: Actor, task: OpenTask, inputs: dict) -> dict:
    """工资支付表编制 → 提交审核: every check of the table passes; the table is locked."""
    comp = compile.submit(uow.session, actor, _compilation(uow, task).id)
    batches.dismiss_reminders(uow.session, comp.batch.project_id, kind="compile_overdue",
                              batch_id=comp.batch_id, unit_id=comp.unit_id)  # fmt: skip
    return {"compilation_id": comp.id}


def _review(stage: str):
    def handle(uow: UnitOfWork, actor: Actor, task: OpenTask, inputs: dict) -> dict:
        approved, reason = decision(inputs)
        comp = review.review(uow.session, actor, _compilation(uow, task).id, stage, approved,
                             reason)  # fmt: skip
        if not approved:
            notifications.table_returned(uow.session, actor, comp, stage, reason)
        return {"approved": approved, "reason": reason, "compilation_id": comp.id}

    handle.__doc__ = f"{stage} review: approve, or reject back to the compiler with a reason."
    return handle


def generate_summary(uow: UnitOfWork, actor: Actor, task: OpenTask, inputs: dict) -> dict:
    """生成汇总表: every unit approved (and confirmed, when that is a gate)."""
    payment.start_summary(uow.session, actor, _batch(uow, task))
    return {}


def pm_sign(uow: UnitOfWork, actor: Actor, task: OpenTask, inputs: dict) -> dict:
    """去签署 (PM): his stored key, unlocked by the signing password, signs the rendered file
    once its certificate is trusted and he is the project's GC manager."""
    batch, session = _batch(uow, task), uow.session
    summary = payment.summary_of(session, batch)
    if summary is None or summary.state != "rendered":
        raise Conflict("summary_not_signable", payment.NOT_SIGNABLE)
    cert, key, chain = credentials.credential_parts(session, actor.user_id)
    signer = signing.PersonalKeySigner(PersonalCredential(cert, key, chain),
                                       str(inputs.get("password") or ""))  # fmt: skip
    signatures.check_pm_signer(actor, batch, signer, signatures.trust_store(uow.settings))
    signed = signer.sign_revision(summary.pdf, signing.PM_REVISION)
    payment.store_pm_signature(session, actor, batch, signed)
    return {}


def enterprise_sign(uow: UnitOfWork, actor: Actor, task: OpenTask, inputs: dict) -> dict:
    """去签署 (企业端): the uploaded PKCS#12 signs in memory once its certificate is trusted and
    bound to the project's general contractor; nothing of it is stored."""
    batch, session = _batch(uow, task), uow.session
    summary = payment.summary_of(session, batch)
    if summary is None or summary.state != "pm_signed":
        raise Conflict("summary_not_signable", payment.NOT_SIGNABLE)
    p12 = inputs.get("p12")
    if not isinstance(p12, bytes) or not p12:
        raise InvalidInput("certificate_required", NO_CERTIFICATE, field="p12")
    signer = signing.Pkcs12Signer(p12, str(inputs.get("password") or ""))
    signatures.check_enterprise_signer(session, batch, signer, signatures.trust_store(uow.settings))
    signed = signer.sign_revision(summary.pdf, signing.ENTERPRISE_REVISION)
    payment.store_enterprise_signature(session, actor, batch, signed)
    return {}


def correct_rejected(uow: UnitOfWork, actor: Actor, task: OpenTask, inputs: dict) -> dict:
    """重新支付: the rejected and returned lines take each worker's card on record and are
    listed on a supplementary summary, which is signed again before it is sent."""
    changed = payment.begin_repay(uow.session, actor, _batch(uow, task))
    return {"cards_changed": changed}


def bank_overdue(uow: UnitOfWork, actor: Actor, task: OpenTask, inputs: dict) -> dict:
    """银行回执超时 → 再次询问银行: the next look asks per payment and resends a file the bank
    never received; the answer deadline starts again."""
    bound = uow.wiring.payroll
    terms = bound.terms if bound is not None else BankTerms.of(uow.settings)
    payment.ask_bank_again(uow.session, actor, _batch(uow, task), terms.answer_within)
    return {"asked_again": True}


def settlement_reminder(uow: UnitOfWork, actor: Actor, task: OpenTask, inputs: dict) -> dict:
    """结算日提醒: done when the month's batch number exists, or dismissed (忽略)."""
    if inputs.get("dismissed") is True:
        return {"dismissed": True}
    project_id, month = task.data.get("project_id"), task.data.get("pay_month")
    batch_no = uow.session.scalar(
        select(WageBatch.batch_no).where(WageBatch.project_id == project_id,
                                         WageBatch.pay_month == month,
                                         WageBatch.kind == "regular").limit(1)
    )  # fmt: skip
    if batch_no is None:
        raise InvalidInput("no_batch_for_month", NO_MONTH_BATCH)
    return {"batch_no": batch_no, "dismissed": False}


def register(handlers: TaskHandlers) -> None:
    """The payroll task handlers, by the BPMN ids of their user tasks (ids are API)."""
    compile_page = TaskHandler(compile_table, page="payroll.task")
    handlers.register(PROCESS, ("compile_wage_table", "compile_own_wage_table"), compile_page)
    handlers.register(PROCESS, "sub_review", TaskHandler(_review("sub"), page="payroll.task"))
    handlers.register(PROCESS, "gc_review", TaskHandler(_review("gc"), page="payroll.task"))
    handlers.register(PROCESS, "generate_summary_table",
                      TaskHandler(generate_summary, page="payroll.task"))  # fmt: skip
    handlers.register(PROCESS, "pm_sign",
                      TaskHandler(pm_sign, page="payroll.task", page_only=True))  # fmt: skip
    handlers.register(PROCESS, "enterprise_sign",
                      TaskHandler(enterprise_sign, page="payroll.task", page_only=True))  # fmt: skip
    handlers.register(PROCESS, "correct_rejected_lines",
                      TaskHandler(correct_rejected, page="payroll.task"))  # fmt: skip
    handlers.register(PROCESS, "bank_overdue", TaskHandler(bank_overdue, page="payroll.task"))
    handlers.register(REMINDER_PROCESS, "create_batch_number",
                      TaskHandler(settlement_reminder, page="payroll.reminder_task"))  # fmt: skip
