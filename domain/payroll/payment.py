"""生成汇总表 → signatures → 推送银行 → results: the batch's data side of the last steps.

Rendering, signing and HTTP live in ``connectors/``; this module decides what is paid, records
every payment file BEFORE it is sent (so a resend after a crash reuses the same MsgId), applies
the bank's per-line answers and reconciles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.access import Actor
from domain.audit import record
from domain.db import utcnow
from domain.errors import Conflict
from domain.i18n import Text
from domain.model import Unit
from domain.payroll.batches import add_reminder, dismiss_reminders
from domain.payroll.cards import refresh_line_card
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

NOT_APPROVED = Text(
    "总包审核完所有编制记录后才能生成汇总表", "Every unit's table must be approved first"
)
NOT_SIGNABLE = Text("汇总文件当前不能签署", "The summary file cannot be signed now")
NOTHING_TO_PAY = Text("没有需要支付的明细", "There is nothing to pay")
NOTHING_TO_CORRECT = Text("该批次当前没有待更正的明细", "This batch has no lines to correct")
NOTHING_SENT = Text("该批次还没有发往银行的文件", "No file of this batch has been sent")

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
    """生成汇总表 (GC manager only): every unit approved (each worker confirmed his line before
    his unit's table was submitted: ``confirmation.require_confirmed``)."""
    actor.must("generate_summary", batch.project_id)
    if batch.state != "approved":
        raise Conflict("tables_not_approved", NOT_APPROVED)
    batch.state = "summarising"
    set_progress(batch, "render", 0, 0)
    record(session, actor.user_id, "payroll.summary_requested", batch, None, batch.project_id)


def set_progress(batch: WageBatch, step: str | None, done: int, total: int) -> None:
    batch.step, batch.progress_done, batch.progress_total = step, done, total


def lines_to_summarise(session: Session, batch: WageBatch) -> list[WageLine]:
    """What the round's summary lists: round 0 every line of the batch; a supplementary
    summary (round n) only the lines paid again, with their data as they will be sent."""
    if batch.repay_round == 0:
        return batch_lines(session, batch)
    return [p.line for p in lines_to_pay(session, batch)]


def store_summary(session: Session, batch: WageBatch, pdf: bytes, digest: str,
                  lines: list[WageLine]) -> SummaryFile:  # fmt: skip
    """Keep the round's rendered summary file; the batch now waits for the PM (replaces an
    unsigned one of the same round)."""
    found = summary_of(session, batch)
    if found is not None and found.state != "rendered":
        return found  # a retried render after signing changes nothing
    summary = found or SummaryFile(batch_id=batch.id, round=batch.repay_round)
    summary.pdf, summary.lines_sha256, summary.line_count = pdf, digest, len(lines)
    summary.total_net = sum((line.net or Decimal(0) for line in lines), Decimal("0.00"))
    summary.state = "rendered"
    session.add(summary)
    batch.state = "pm_signing"
    set_progress(batch, None, 0, 0)
    return summary


def summary_of(session: Session, batch: WageBatch, round: int | None = None) -> SummaryFile | None:
    """The summary of the batch's current round (or of ``round``)."""
    number = batch.repay_round if round is None else round
    return session.scalar(select(SummaryFile).where(SummaryFile.batch_id == batch.id,
                                                    SummaryFile.round == number))  # fmt: skip


def summaries_of(session: Session, batch: WageBatch) -> list[SummaryFile]:
    """The month's summary and every supplementary summary, in round order."""
    return list(session.scalars(
        select(SummaryFile).where(SummaryFile.batch_id == batch.id).order_by(SummaryFile.round)
    ))  # fmt: skip


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
                      digest: str, paying: list[ToPay],
                      answer_within: timedelta = timedelta(hours=24)) -> BankSubmission:  # fmt: skip
    """Record the file and its payments BEFORE sending (the caller commits first).  The bank
    has ``answer_within`` to give every payment a final status."""
    if not paying:
        raise Conflict("nothing_to_pay", NOTHING_TO_PAY)
    sub = BankSubmission(
        batch_id=batch.id, msg_id=msg_id, round=batch.repay_round, xml=xml,
        records_sha256=digest, line_count=len(paying),
        total=sum((p.line.net or Decimal(0) for p in paying), Decimal("0.00")), state="prepared",
        deadline_at=utcnow() + answer_within,
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
        _record_answer(p, rows[p.line_id], answers[p.end_to_end_id])
    if answers:
        sub.reported_at = utcnow()
    return all(p.status != "sent" for p in payments)


def _record_answer(p: LinePayment, line: WageLineRow, answer: tuple[str, str, str]) -> None:
    """The bank's answer on one payment; the line follows when it is the line's latest attempt."""
    status, code, text = answer
    p.status, p.reason_code, p.reason_text, p.updated_at = (
        status, code or None, text or None, utcnow(),
    )  # fmt: skip
    if line.bank_attempt == p.attempt:
        line.bank_status = status
        line.bank_reason = " ".join(x for x in (code, text) if x) or None


def is_overdue(sub: BankSubmission, now: datetime) -> bool:
    """The bank's answer deadline has passed (银行回执超时)."""
    return sub.deadline_at is not None and now > sub.deadline_at


def project_of(session: Session, sub: BankSubmission) -> int:
    """The project whose wage account pays the file."""
    return session.scalars(select(WageBatch.project_id).where(WageBatch.id == sub.batch_id)).one()


def open_payment_ids(session: Session, sub: BankSubmission) -> list[str]:
    """EndToEndIds of the file's payments with no final answer yet."""
    return list(session.scalars(
        select(LinePayment.end_to_end_id).where(LinePayment.submission_id == sub.id,
                                                LinePayment.status == "sent")
        .order_by(LinePayment.id)
    ))  # fmt: skip


def ask_bank_again(session: Session, actor: Actor, batch: WageBatch,
                   answer_within: timedelta) -> BankSubmission:  # fmt: skip
    """再次询问银行 (GC manager): the next look at the bank also asks for each open payment by
    its EndToEndId (and resends a file the bank never got); the deadline starts again."""
    actor.must("generate_summary", batch.project_id)
    sub = submission_for_round(session, batch)
    if sub is None:
        raise Conflict("nothing_sent", NOTHING_SENT)
    sub.asked_at = utcnow()
    sub.deadline_at = sub.asked_at + answer_within
    record(session, actor.user_id, "payroll.bank_asked_again", batch, None, batch.project_id)
    return sub


def sent_submissions(session: Session, batch: WageBatch) -> list[BankSubmission]:
    """Every file of the batch the bank accepted (returns can come for any of them)."""
    return list(session.scalars(
        select(BankSubmission).where(BankSubmission.batch_id == batch.id,
                                     BankSubmission.state == "sent")
        .order_by(BankSubmission.round)
    ))  # fmt: skip


def apply_late_answers(session: Session, sub: BankSubmission, answers: dict) -> int:
    """A return (pacs.004) or a rejection that arrives after the payment was reported paid:
    the payment and, if it is the line's latest attempt, the line become returned/rejected.
    Returns how many payments changed."""
    changed = 0
    rows = _rows_by_id(session, sub.batch_id) if answers else {}
    for p in session.scalars(select(LinePayment).where(LinePayment.submission_id == sub.id)):
        if p.status != PAID or p.end_to_end_id not in answers:
            continue
        _record_answer(p, rows[p.line_id], answers[p.end_to_end_id])
        changed += 1
    return changed


def tell_returned(session: Session, batch: WageBatch, count: int) -> None:
    """The GC manager is told on the payroll pages: lines came back after payment."""
    add_reminder(session, batch.project_id, "line_returned",
                 f"returned:{batch.id}:{utcnow():%Y%m%d%H%M%S%f}",
                 f"{batch.batch_no} 有 {count} 笔工资被银行退汇，请更正后重新支付",
                 batch_id=batch.id)  # fmt: skip


def watch_over(session: Session, batch: WageBatch, now: datetime, watch_for: timedelta) -> bool:
    """The watch for returns ends ``watch_for`` after the last file was reported on."""
    times = [s.reported_at or s.sent_at for s in sent_submissions(session, batch)]
    last = max((t for t in times if t is not None), default=None)
    return last is None or now > last + watch_for


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


def begin_repay(session: Session, actor: Actor, batch: WageBatch) -> int:
    """重新支付: the rejected and returned lines take the card now on each worker's record
    and are listed on a supplementary summary (round n), which the PM and the enterprise sign
    before it goes out as the next file (MsgId -R<n>).  Returns how many cards changed."""
    actor.must("correct_lines", batch.project_id)
    if batch.state != "correcting":
        raise Conflict("nothing_to_correct", NOTHING_TO_CORRECT)
    lines = session.scalars(
        select(WageLineRow).where(WageLineRow.batch_id == batch.id,
                                  WageLineRow.bank_status.in_((REJECTED, RETURNED)))
    ).all()  # fmt: skip
    if not lines:
        raise Conflict("nothing_to_correct", NOTHING_TO_CORRECT)
    changed = sum(refresh_line_card(session, line) for line in lines)
    dismiss_reminders(session, batch.project_id, kind="line_returned", batch_id=batch.id)
    batch.repay_round += 1
    batch.state = "summarising"
    set_progress(batch, "render", 0, 0)
    record(session, actor.user_id, "payroll.repay", batch, None, batch.project_id)
    return changed


def payments_of(session: Session, batch: WageBatch) -> list[tuple[LinePayment, str]]:
    """Every payment attempt of the batch with its file's MsgId (bank results per line)."""
    return list(session.execute(
        select(LinePayment, BankSubmission.msg_id)
        .join(BankSubmission, BankSubmission.id == LinePayment.submission_id)
        .where(BankSubmission.batch_id == batch.id)
        .order_by(LinePayment.line_id, LinePayment.attempt)
    ).tuples())  # fmt: skip
