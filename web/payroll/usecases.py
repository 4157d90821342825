"""Use cases that move the ``wage_payment`` process: a domain change and the completion of the
matching user task, committed together (the engine commits the session it is given)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_login import current_user
from sqlalchemy.orm import Session

import engine
from connectors import signing
from connectors.signing_pki import PersonalCredential
from domain.access import Actor
from domain.errors import Conflict, InvalidInput
from domain.i18n import Text
from domain.model import User
from domain.payroll import batches, compile, credentials, payment, review
from domain.payroll.model import WageBatch
from domain.payroll.period import pay_period_for
from web.payroll.pki import issue_pm_credential, trust_roots
from web.runtime import engine_grants

PROCESS = "wage_payment"
COMPILE_TASKS = ("compile_wage_table", "compile_own_wage_table")
REMINDER_PROCESS = "settlement_reminder"  # bpmn/settlement_reminder.bpmn
REMINDER_TASK = "create_batch_number"
NOT_AT_STEP = Text("流程当前不在这一步，或您无权办理", "The process is not at this step for you")
SHORT_PASSWORD = Text("签署密码至少 8 位", "The signing password needs at least 8 characters")


def pki_dir() -> Path:
    return Path(current_app.config["ZHUXIN_PKI_DIR"])


def _username() -> str:
    return getattr(current_user, "username", "system")


def open_task(session: Session, actor: Actor, batch: WageBatch, bpmn_ids, unit_id=None):
    """The open task of this batch's instance the actor may do now, or None."""
    items = engine.list_inbox(session, engine_grants(actor), project_id=batch.project_id,
                              process_id=PROCESS)  # fmt: skip
    for item in items:
        if item.instance_id == batch.instance_id and item.bpmn_id in bpmn_ids:
            if unit_id is None or item.unit_id == unit_id:
                return item
    return None


def _complete(session, actor, batch, bpmn_ids, data=None, unit_id=None) -> None:
    item = open_task(session, actor, batch, bpmn_ids, unit_id)
    if item is None:
        raise Conflict("not_at_this_step", NOT_AT_STEP)
    engine.complete_task(session, item.id, data or {}, user=_username(),
                         grants=engine_grants(actor))  # fmt: skip


def create_batch(session: Session, actor: Actor, project_id: int, pay_month: str) -> WageBatch:
    """新增银行交换批次号 and start its ``wage_payment`` instance (business key = number)."""
    setting = batches.settings_for(session, project_id)
    poll = current_app.config["ZHUXIN_BANK_POLL"]

    def start(batch: WageBatch) -> int:
        data = batches.process_start_data(batch, setting.remind_after_days, poll)
        return engine.start_instance(session, PROCESS, data=data, business_key=batch.batch_no,
                                     started_by=_username())  # fmt: skip

    batch = batches.create_batch(session, actor, project_id, pay_month, start)
    session.commit()
    _complete_reminder(session, actor, batch)
    return batch


def reminder_key(project, pay_month: str) -> str:
    """Business key of the settlement-day reminder: one per project and pay month."""
    return f"REMIND-{project.code}-{pay_month}"


def remind_settlement_day(session: Session, today=None) -> int:
    """Scheduler step: on each project's settlement day, start one ``settlement_reminder``
    (an inbox task for its GC manager) when the month has no batch number yet.  Running it
    again the same day starts nothing more (the business key is looked up first)."""
    started = 0
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


def reminder_tasks(session: Session, actor: Actor, project_id: int | None = None):
    """The open settlement-day reminders the actor may act on."""
    return engine.list_inbox(session, engine_grants(actor), project_id=project_id,
                             process_id=REMINDER_PROCESS)  # fmt: skip


def _complete_reminder(session: Session, actor: Actor, batch: WageBatch) -> None:
    """Creating the month's batch number completes its settlement-day reminder, if any."""
    key = reminder_key(batch.project, batch.pay_month)
    for item in reminder_tasks(session, actor, batch.project_id):
        if item.business_key == key and item.bpmn_id == REMINDER_TASK:
            engine.complete_task(session, item.id, {"batch_no": batch.batch_no},
                                 user=_username(), grants=engine_grants(actor))  # fmt: skip


def dismiss_reminder(session: Session, actor: Actor, human_task_id: int) -> None:
    """忽略: close the reminder without creating a batch number."""
    engine.complete_task(session, human_task_id, {"dismissed": True}, user=_username(),
                         grants=engine_grants(actor))  # fmt: skip


def submit_compilation(session: Session, actor: Actor, compilation_id: int):
    """提交审核: lock the table and complete its compile task."""
    comp = compile.submit(session, actor, compilation_id)
    _complete(session, actor, comp.batch, COMPILE_TASKS, unit_id=comp.unit_id)
    batches.dismiss_reminders(session, comp.batch.project_id, kind="compile_overdue",
                              batch_id=comp.batch_id, unit_id=comp.unit_id)  # fmt: skip
    session.commit()
    return comp


def review_compilation(session, actor, compilation_id: int, stage: str, approve: bool, reason=""):
    """Approve or reject (sub or GC stage) and complete the review task with the decision."""
    comp = review.review(session, actor, compilation_id, stage, approve, reason)
    task = "sub_review" if stage == "sub" else "gc_review"
    _complete(session, actor, comp.batch, (task,), {"approved": approve, "reason": reason},
              unit_id=comp.unit_id)  # fmt: skip
    session.commit()
    return comp


def generate_summary(session: Session, actor: Actor, batch: WageBatch) -> None:
    """生成汇总表: the summary file is rendered next by ``summary/RenderPdf``."""
    payment.start_summary(session, actor, batch)
    _complete(session, actor, batch, ("generate_summary_table",))
    session.commit()


def pm_sign(session: Session, actor: Actor, batch: WageBatch, password: str) -> None:
    """去签署 (PM): unlock his stored key with the signing password, sign, complete pm_sign."""
    summary = payment.summary_of(session, batch)
    if summary is None or summary.state != "rendered":
        raise Conflict("summary_not_signable", payment.NOT_SIGNABLE)
    cert, key, chain = credentials.credential_parts(session, actor.user_id)
    signed = signing.sign_as_pm(summary.pdf, PersonalCredential(cert, key, chain), password)
    payment.store_pm_signature(session, actor, batch, signed)
    _complete(session, actor, batch, ("pm_sign",))
    session.commit()


def enterprise_sign(session, actor: Actor, batch: WageBatch, p12: bytes, password: str) -> None:
    """去签署 (企业端): sign with the uploaded PKCS#12 in memory; nothing of it is stored."""
    summary = payment.summary_of(session, batch)
    if summary is None or summary.state != "pm_signed":
        raise Conflict("summary_not_signable", payment.NOT_SIGNABLE)
    signed = signing.sign_as_enterprise(summary.pdf, p12, password)
    payment.store_enterprise_signature(session, actor, batch, signed)
    _complete(session, actor, batch, ("enterprise_sign",))
    session.commit()


def repay(session: Session, actor: Actor, batch: WageBatch) -> None:
    """重新支付: the corrected lines go out under the same batch number (MsgId -R<n>)."""
    payment.begin_repay(session, actor, batch)
    _complete(session, actor, batch, ("correct_rejected_lines",))
    session.commit()


def verify(session: Session, batch: WageBatch) -> dict:
    """Each signature (signer, time, validity) and whether each payment file is the signed data."""
    summary = payment.summary_of(session, batch)
    if summary is None:
        return {"summary": None, "report": None, "files": []}
    report = signing.verify_pdf(summary.pdf, trust_roots(pki_dir()))
    files = [
        {"msg_id": s.msg_id, "round": s.round, "lines": s.line_count, "total": s.total,
         "matches": s.records_sha256 == summary.lines_sha256 if s.round == 0 else None}
        for s in sorted(batch_submissions(session, batch), key=lambda s: s.round)
    ]  # fmt: skip
    return {"summary": summary, "report": report, "files": files}


def batch_submissions(session: Session, batch: WageBatch):
    from sqlalchemy import select

    from domain.payroll.model import BankSubmission

    return session.scalars(select(BankSubmission).where(BankSubmission.batch_id == batch.id)).all()


def issue_signing_credential(session: Session, user: User, password: str, company: str):
    """The platform CA issues the user's personal signing certificate (key under ``password``)."""
    if len(password or "") < 8:
        raise InvalidInput("password_too_short", SHORT_PASSWORD, field="password")
    cred = issue_pm_credential(pki_dir(), user.display_name, company, f"PM-{user.id:04d}",
                               password)  # fmt: skip
    credentials.store_credential(session, user.id, cred.cert_pem, cred.encrypted_key_pem,
                                 cred.chain_pem)  # fmt: skip
    session.commit()
