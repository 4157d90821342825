"""生成汇总表 → signatures → 推送银行 → results: the batch's data side of the last steps.

Rendering, signing and HTTP live in ``connectors/``; this module decides what is paid, records
every payment file BEFORE it is sent (so a resend after a crash reuses the same MsgId), applies
the bank's per-line answers and reconciles.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.access import Actor
from domain.audit import record
from domain.db import utcnow
from domain.errors import Conflict
from domain.i18n import Text
from domain.model import Unit
from domain.payroll.batches import settings_for
from domain.payroll.compile import as_wage_line
from domain.payroll.lines import WageLine
from domain.payroll.model import (
    BankSubmission,
    Compilation,
    LinePayment,
    SummaryFile,
    WageBatch,
    WageLineRow,
)
from domain.payroll.review import unconfirmed_count

NOT_APPROVED = Text(
    "总包审核完所有编制记录后才能生成汇总表", "Every unit's table must be approved first"
)
UNCONFIRMED = Text("还有 {n} 名工人未确认工资", "{n} workers have not confirmed")
NOT_SIGNABLE = Text("汇总文件当前不能签署", "The summary file cannot be signed now")
NOTHING_TO_PAY = Text("没有需要支付的明细", "There is nothing to pay")
NOTHING_TO_CORRECT = Text("该批次当前没有待更正的明细", "This batch has no lines to correct")

PAID, REJECTED, RETURNED = "paid", "rejected", "returned"


def batch_lines(session: Session, batch: WageBatch) -> list[WageLine]:
    """Every line of the batch as WageLines, in unit order then line order."""
    rows = session.execute(
        select(WageLineRow, Unit.name)
        .join(Compilation, Compilation.id == WageLineRow.compilation_id)
        .join(Unit, Unit.id == Compilation.unit_id)
        .where(WageLineRow.batch_id == batch.id)
        .order_by(Compilation.unit_id, WageLineRow.id)
    ).all()
    return [as_wage_line(row, unit) for row, unit in rows]


def start_summary(session: Session, actor: Actor, batch: WageBatch) -> None:
    """生成汇总表 (GC manager only): every unit approved; worker confirmation if it is a gate."""
    actor.must("generate_summary", batch.project_id)
    if batch.state != "approved":
        raise Conflict("tables_not_approved", NOT_APPROVED)
    if settings_for(session, batch.project_id).confirmation_gate:
        missing = unconfirmed_count(session, batch)
        if missing:
            raise Conflict("workers_unconfirmed", UNCONFIRMED, n=missing)
    batch.state = "summarising"
    set_progress(batch, "render", 0, 0)
    record(session, actor.user_id, "payroll.summary_requested", batch, None, batch.project_id)


def set_progress(batch: WageBatch, step: str | None, done: int, total: int) -> None:
    batch.step, batch.progress_done, batch.progress_total = step, done, total


def store_summary(session: Session, batch: WageBatch, pdf: bytes, digest: str,
                  lines: list[WageLine]) -> SummaryFile:  # fmt: skip
    """Keep the rendered summary file; the batch now waits for the PM (replaces an unsigned one)."""
    found = session.scalar(select(SummaryFile).where(SummaryFile.batch_id == batch.id))
    if found is not None and found.state != "rendered":
        return found  # a retried render after signing changes nothing
    summary = found or SummaryFile(batch_id=batch.id)
    summary.pdf, summary.lines_sha256, summary.line_count = pdf, digest, len(lines)
    summary.total_net = sum((line.net or Decimal(0) for line in lines), Decimal("0.00"))
    summary.state = "rendered"
    session.add(summary)
    batch.state = "pm_signing"
    set_progress(batch, None, 0, 0)
    return summary


def summary_of(session: Session, batch: WageBatch) -> SummaryFile | None:
    return session.scalar(select(SummaryFile).where(SummaryFile.batch_id == batch.id))


def _summary_in(session, batch, state: str) -> SummaryFile:
    summary = summary_of(session, batch)
    if summary is None or summary.state != state:
        raise Conflict("summary_not_signable", NOT_SIGNABLE)
    return summary


def store_pm_signature(session: Session, actor: Actor, batch: WageBatch, signed: bytes):
    """去签署 (PM): the file now carries the PM's signature and waits for the enterprise."""
    actor.must("sign_pm", batch.project_id)
    summary = _summary_in(session, batch, "rendered")
    summary.pdf, summary.state = signed, "pm_signed"
    summary.pm_signed_by, summary.pm_signed_at = actor.user_id, utcnow()
    batch.state = "enterprise_signing"
    record(session, actor.user_id, "payroll.pm_signed", batch, None, batch.project_id)
    return summary


def store_enterprise_signature(session: Session, actor: Actor, batch: WageBatch, signed: bytes):
    """去签署 (企业端): the second signature; next the batch goes to the bank."""
    actor.must("sign_enterprise", batch.project_id)
    summary = _summary_in(session, batch, "pm_signed")
    summary.pdf, summary.state = signed, "enterprise_signed"
    summary.enterprise_signed_by, summary.enterprise_signed_at = actor.user_id, utcnow()
    batch.state = "pushing"
    record(session, actor.user_id, "payroll.enterprise_signed", batch, None, batch.project_id)
    return summary


@dataclass(frozen=True)
class ToPay:
    """One line of a payment file and its attempt number (EndToEndId WL<line>-<attempt>)."""

    line: WageLine
    attempt: int


def submission_for_round(session: Session, batch: WageBatch) -> BankSubmission | None:
    return session.scalar(
        select(BankSubmission).where(BankSubmission.batch_id == batch.id,
                                     BankSubmission.round == batch.repay_round)
    )  # fmt: skip


def lines_to_pay(session: Session, batch: WageBatch) -> list[ToPay]:
    """Round 0: every line with net > 0. Later rounds: the rejected or returned lines."""
    rows = session.scalars(
        select(WageLineRow).where(WageLineRow.batch_id == batch.id).order_by(WageLineRow.id)
    ).all()
    if batch.repay_round == 0:
        chosen = [r for r in rows if r.net and r.net > 0]
    else:
        chosen = [r for r in rows if r.bank_status in (REJECTED, RETURNED)]
    return [ToPay(as_wage_line(r), r.bank_attempt + 1) for r in chosen]


def record_submission(session: Session, batch: WageBatch, msg_id: str, xml: bytes,
                      digest: str, paying: list[ToPay]) -> BankSubmission:  # fmt: skip
    """Record the file and its payments BEFORE sending (the caller commits first)."""
    if not paying:
        raise Conflict("nothing_to_pay", NOTHING_TO_PAY)
    sub = BankSubmission(
        batch_id=batch.id, msg_id=msg_id, round=batch.repay_round, xml=xml,
        records_sha256=digest, line_count=len(paying),
        total=sum((p.line.net or Decimal(0) for p in paying), Decimal("0.00")), state="prepared",
    )  # fmt: skip
    session.add(sub)
    session.flush()
    rows = _rows_by_id(session, batch.id)
    for p in paying:
        row = rows[int(p.line.line_id)]
        row.bank_attempt, row.bank_status, row.bank_reason = p.attempt, "sent", None
        session.add(LinePayment(
            line_id=row.id, submission_id=sub.id, attempt=p.attempt,
            end_to_end_id=f"WL{row.id}-{p.attempt}", amount=p.line.net,
            bank_card=p.line.bank_card, status="sent",
        ))  # fmt: skip
    return sub


def _rows_by_id(session: Session, batch_id: int) -> dict[int, WageLineRow]:
    """Every line of a batch by id, in one query (not one ``session.get`` per payment)."""
    rows = session.scalars(select(WageLineRow).where(WageLineRow.batch_id == batch_id))
    return {r.id: r for r in rows}


def mark_sent(sub: BankSubmission, outcome: str, group_status: str, reason: str = "") -> None:
    sub.send_count += 1
    sub.state = "rejected" if outcome == "file_rejected" else "sent"
    sub.outcome, sub.group_status, sub.reason = outcome, group_status or None, reason or None
    sub.sent_at = sub.sent_at or utcnow()


def apply_line_status(session: Session, sub: BankSubmission, answers: dict) -> bool:
    """``answers``: EndToEndId → (status, reason code, reason text) with status paid, rejected
    or returned.  True when every payment of the file has a final answer."""
    payments = session.scalars(select(LinePayment).where(LinePayment.submission_id == sub.id)).all()
    if sub.state == "rejected":  # the whole file was refused: every line is rejected
        answers = {p.end_to_end_id: (REJECTED, "FILE", sub.reason or "") for p in payments}
    rows = _rows_by_id(session, sub.batch_id) if answers else {}
    for p in payments:
        if p.end_to_end_id not in answers or p.status == RETURNED:
            continue
        status, code, text = answers[p.end_to_end_id]
        p.status, p.reason_code, p.reason_text, p.updated_at = (
            status,
            code or None,
            text or None,
            utcnow(),
        )
        line = rows[p.line_id]
        if line.bank_attempt == p.attempt:
            line.bank_status = status
            line.bank_reason = " ".join(x for x in (code, text) if x) or None
    if answers:
        sub.reported_at = utcnow()
    return all(p.status != "sent" for p in payments)


def reconcile(session: Session, batch: WageBatch) -> dict:
    """对账: counts per status; the batch is paid, or waits for corrections."""
    rows = session.scalars(select(WageLineRow).where(WageLineRow.batch_id == batch.id)).all()
    counts = {"paid": 0, "rejected": 0, "sent": 0, "unpaid": 0}
    for r in rows:
        key = {PAID: "paid", REJECTED: "rejected", RETURNED: "rejected", "sent": "sent"}.get(
            r.bank_status, "unpaid"
        )
        counts[key] += 1
    batch.state = "correcting" if counts["rejected"] else "paid"
    set_progress(batch, None, 0, 0)
    return counts


def begin_repay(session: Session, actor: Actor, batch: WageBatch) -> None:
    """重新支付: after corrections the rejected lines go out in the next file (MsgId -R<n>)."""
    actor.must("correct_lines", batch.project_id)
    if batch.state != "correcting":
        raise Conflict("nothing_to_correct", NOTHING_TO_CORRECT)
    batch.repay_round += 1
    batch.state = "pushing"
    record(session, actor.user_id, "payroll.repay", batch, None, batch.project_id)


def payments_of(session: Session, batch: WageBatch) -> list[tuple[LinePayment, str]]:
    """Every payment attempt of the batch with its file's MsgId (bank results per line)."""
    return list(session.execute(
        select(LinePayment, BankSubmission.msg_id)
        .join(BankSubmission, BankSubmission.id == LinePayment.submission_id)
        .where(BankSubmission.batch_id == batch.id)
        .order_by(LinePayment.line_id, LinePayment.attempt)
    ).tuples())  # fmt: skip
