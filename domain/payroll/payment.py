"""生成汇总表 → signatures → 推送银行 → results: the batch's data side of the last steps.

Rendering, signing and HTTP live in ``connectors/``; this module decides what is paid, records
every payment file BEFORE it is sent (so a resend after a crash reuses the same MsgId), applies
the bank's per-line answers and reconciles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from domain.access import Actor
from domain.audit import record
from domain.db import utcnow
from domain.errors import Conflict
from domain.i18n import Text
from domain.model import Unit
from domain.payroll.batches import add_reminder, dismiss_reminders
from domain.payroll.cards import refresh_line_cards
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


# What a WageLine is made of (``compile.as_wage_line``), read as rows: 50,000 lines are not
# 50,000 ORM objects in the session.
LINE_COLUMNS = (
    WageLineRow.id, WageLineRow.worker_name, WageLineRow.id_number, WageLineRow.trade,
    WageLineRow.days, WageLineRow.makeup_days, WageLineRow.day_rate, WageLineRow.gross,
    WageLineRow.deductions, WageLineRow.deduction_reason, WageLineRow.net, WageLineRow.bank_card,
    WageLineRow.bank_name, WageLineRow.bank_cnaps, WageLineRow.amount_reason,
    WageLineRow.bank_attempt,
)  # fmt: skip


def batch_lines(session: Session, batch: WageBatch) -> list[WageLine]:
    """Every line of the batch as WageLines, in unit order then line order."""
    rows = session.execute(
        select(*LINE_COLUMNS, Unit.name.label("unit_name"))
        .join(Compilation, Compilation.id == WageLineRow.compilation_id)
        .join(Unit, Unit.id == Compilation.unit_id)
        .where(WageLineRow.batch_id == batch.id)
        .order_by(Compilation.unit_id, WageLineRow.id)
    )  # fmt: skip
    return [as_wage_line(row, row.unit_name) for row in rows]


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
    if batch.repay_round == 0:
        chosen = WageLineRow.net > 0
    else:
        chosen = WageLineRow.bank_status.in_((REJECTED, RETURNED))
    rows = session.execute(select(*LINE_COLUMNS).where(WageLineRow.batch_id == batch.id, chosen)
                           .order_by(WageLineRow.id))  # fmt: skip
    return [ToPay(as_wage_line(r), r.bank_attempt + 1) for r in rows]


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
    # Bulk statements, not 50,000 ORM objects: the lines by primary key, then the payments.
    session.execute(update(WageLineRow), [
        {"id": int(p.line.line_id), "bank_attempt": p.attempt, "bank_status": "sent",
         "bank_reason": None} for p in paying
    ])  # fmt: skip
    session.execute(insert(LinePayment), [
        dict(line_id=int(p.line.line_id), submission_id=sub.id, attempt=p.attempt,
             end_to_end_id=f"WL{p.line.line_id}-{p.attempt}", amount=p.line.net,
             bank_card=p.line.bank_card, status="sent")
        for p in paying
    ])  # fmt: skip
    _expire(session, WageLineRow, LinePayment)
    return sub


def mark_sent(sub: BankSubmission, outcome: str, group_status: str, reason: str = "") -> None:
    sub.send_count += 1
    sub.state = "rejected" if outcome == "file_rejected" else "sent"
    sub.outcome, sub.group_status, sub.reason = outcome, group_status or None, reason or None
    sub.sent_at = sub.sent_at or utcnow()


def apply_line_status(session: Session, sub: BankSubmission, answers: dict) -> bool:
    """``answers``: EndToEndId → (status, reason code, reason text) with status paid, rejected
    or returned.  True when every payment of the file has a final answer."""
    payments = _payments_of(session, sub)
    if sub.state == "rejected":  # the whole file was refused: every line is rejected
        answers = {p.end_to_end_id: (REJECTED, "FILE", sub.reason or "") for p in payments}
    chosen = [(p, answers[p.end_to_end_id]) for p in payments
              if p.end_to_end_id in answers and p.status != RETURNED]  # fmt: skip
    _record_answers(session, sub.batch_id, chosen)
    if answers:
        sub.reported_at = utcnow()
    now = {p.id: status for p, (status, _, _) in chosen}
    return all(now.get(p.id, p.status) != "sent" for p in payments)


def _payments_of(session: Session, sub: BankSubmission) -> list:
    """The file's payments as rows (id, end_to_end_id, status, line_id, attempt): one query."""
    return list(session.execute(
        select(LinePayment.id, LinePayment.end_to_end_id, LinePayment.status, LinePayment.line_id,
               LinePayment.attempt).where(LinePayment.submission_id == sub.id)
    ))  # fmt: skip


def _record_answers(session: Session, batch_id: int, chosen: list) -> None:
    """The bank's answers on payments [(payment row, (status, code, text))], by primary key in
    bulk; each line follows when the payment is the line's latest attempt."""
    if not chosen:
        return
    now = utcnow()
    session.execute(update(LinePayment), [
        {"id": p.id, "status": status, "reason_code": code or None, "reason_text": text or None,
         "updated_at": now} for p, (status, code, text) in chosen
    ])  # fmt: skip
    latest = dict(session.execute(select(WageLineRow.id, WageLineRow.bank_attempt)
                                  .where(WageLineRow.batch_id == batch_id)).tuples().all())  # fmt: skip
    lines = [{"id": p.line_id, "bank_status": status,
              "bank_reason": " ".join(x for x in (code, text) if x) or None}
             for p, (status, code, text) in chosen if latest.get(p.line_id) == p.attempt]  # fmt: skip
    if lines:
        session.execute(update(WageLineRow), lines)
    _expire(session, WageLineRow, LinePayment)


def _expire(session: Session, *classes) -> None:
    """Bulk UPDATEs by primary key leave the objects already loaded as they were: reload them."""
    for obj in [o for o in session.identity_map.values() if isinstance(o, classes)]:
        session.expire(obj)


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
    chosen = [(p, answers[p.end_to_end_id]) for p in _payments_of(session, sub)
              if p.status == PAID and p.end_to_end_id in answers]  # fmt: skip
    _record_answers(session, sub.batch_id, chosen)
    return len(chosen)


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
    changed = refresh_line_cards(session, lines)
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
