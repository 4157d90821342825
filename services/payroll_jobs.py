"""The wage payment's service tasks (the operators ``bpmn/wage_payment.bpmn`` names):

- ``summary/RenderPdf``      the summary table PDF, with progress on the batch page
- ``bank/SubmitBatch``       pain.001 of the round's lines, recorded BEFORE it is sent
- ``bank/FetchStatus``       pain.002 per line and pacs.004 returns of the round's file
- ``bank/Reconcile``         paid / rejected per line; the batch is paid or waits for corrections
- ``notify/CompileOverdue``  the compile reminder after the settlement day

They are application services, not adapters: each loads the batch, calls the adapters in
``connectors/`` (PDF, ISO 20022, the bank's HTTP client) and stores the outcome.  Each runs in a
session of the app's session factory (the job executor calls it outside any instance lock), and
is safe to call again with the same job: a resent file carries the same MsgId, which the bank
refuses as a duplicate and answers with the earlier outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from connectors.bank_client import BankClient
from connectors.bank_iso20022 import (
    CreditTransfer,
    DebtorAccount,
    PaymentBatch,
    bank_records_from_pain001,
    build_pain001,
    msg_id_for,
    validate_pain001,
)
from connectors.bank_reports import ACCEPTED, REJECTED
from connectors.summary_pdf import SummaryHeader, render_summary_pdf
from connectors.trust import TrustStore
from domain.checks import bank_card_digits
from domain.clock import today_in_shanghai
from domain.i18n import Text
from domain.payroll import batches, payment
from domain.payroll.errors import PushRefused
from domain.payroll.lines import canonical_lines_digest, canonical_records_digest
from domain.payroll.model import WageBatch
from domain.payroll.period import PayPeriod, month_label
from services.signatures import verify_before_push

log = logging.getLogger(__name__)
NOT_XSD_VALID = Text("支付报文不符合 pain.001 XSD：{errors}", "pain.001 fails the XSD: {errors}")
OPERATIONS = ("summary/RenderPdf", "bank/SubmitBatch", "bank/FetchStatus", "bank/Reconcile",
              "notify/CompileOverdue")  # fmt: skip


@dataclass
class PayrollConnectors:
    """The payroll operators bound to the app's session factory and one bank."""

    session_factory: Callable[[], Session]
    bank_url: str
    bank_client: Callable[[str], BankClient] = field(default=lambda url: BankClient(url))
    # Called right after the bank accepted a file and before it is recorded (crash tests).
    after_send: Callable[[], None] | None = None
    # The trust store the signatures are verified against before every push.
    trust: Callable[[], TrustStore] = field(default=lambda: TrustStore(()))

    def session(self) -> Session:
        return self.session_factory()

    def _batch(self, session: Session, params: dict) -> WageBatch:
        batch = session.get(WageBatch, int(params["batch_id"]))
        if batch is None:
            raise LookupError(f"wage batch {params['batch_id']} does not exist")
        return batch

    # summary/RenderPdf -------------------------------------------------------------------
    def render_pdf(self, params: dict, ctx) -> dict:
        with self.session() as session:
            batch = self._batch(session, params)
            lines = payment.batch_lines(session, batch)
            header = SummaryHeader(
                project=batch.project.name, batch_no=batch.batch_no,
                pay_month=month_label(batch.pay_month),
                period=PayPeriod(batch.period_start, batch.period_end),
                company=batch.project.general_contractor.name,
            )  # fmt: skip
            progress = self._progress_writer(batch.id, "render")
            pdf = render_summary_pdf(header, lines, progress)
            digest = canonical_lines_digest(lines)
            payment.store_summary(session, batch, pdf, digest, lines)
            session.commit()
            return {"lines": len(lines), "sha256": digest, "bytes": len(pdf)}

    def _progress_writer(self, batch_id: int, step: str):
        def write(done: int, total: int) -> None:
            with self.session() as s:
                batch = s.get(WageBatch, batch_id)
                if batch is not None:
                    payment.set_progress(batch, step, done, total)
                s.commit()

        write(0, 0)
        return write

    # bank/SubmitBatch --------------------------------------------------------------------
    def submit_batch(self, params: dict, ctx) -> dict:
        with self.session() as session:
            batch = self._batch(session, params)
            sub = payment.submission_for_round(session, batch)
            if sub is None:
                sub = self._prepare(session, batch)
                session.commit()  # recorded before sending: a crash after the send resends it
            if sub.state == "prepared" or sub.send_count == 0:
                result = self.bank_client(self.bank_url).submit(sub.xml)
                if self.after_send:
                    self.after_send()
                payment.mark_sent(sub, result.outcome, result.group_status, result.reason_text
                                  or result.reason)  # fmt: skip
                payment.apply_line_status(session, sub, _answers(result.lines))
            batch.state = "awaiting_bank"
            payment.set_progress(batch, "bank", sub.line_count, sub.line_count)
            session.commit()
            return {"msg_id": sub.msg_id, "outcome": sub.outcome, "lines": sub.line_count}

    def _prepare(self, session: Session, batch: WageBatch):
        summary = payment.summary_of(session, batch)
        paying = payment.lines_to_pay(session, batch)
        msg_id = msg_id_for(batch.batch_no, batch.repay_round)
        payment.set_progress(batch, "push", 0, len(paying))
        xml = build_pain001(_payment_batch(batch, msg_id, paying))
        errors = validate_pain001(xml)
        if errors:
            raise PushRefused("pain001_invalid", NOT_XSD_VALID, errors="; ".join(errors[:3]))
        digest = canonical_records_digest(bank_records_from_pain001(xml))
        # Both signatures trusted, by the right parties, over these lines (a re-payment round
        # pays a subset of the signed lines: its digest is not compared).
        verify_before_push(session, batch, summary, digest if batch.repay_round == 0 else None,
                           trust=self.trust())  # fmt: skip
        return payment.record_submission(session, batch, msg_id, xml, digest, paying)

    # bank/FetchStatus --------------------------------------------------------------------
    def fetch_status(self, params: dict, ctx) -> dict:
        with self.session() as session:
            batch = self._batch(session, params)
            complete = self._read_bank(session, batch)
            session.commit()
            return {"complete": complete}

    def _read_bank(self, session: Session, batch: WageBatch) -> bool:
        sub = payment.submission_for_round(session, batch)
        if sub is None:
            return False
        if sub.state == "rejected":
            return payment.apply_line_status(session, sub, {})
        bank = self.bank_client(self.bank_url)
        answers = _answers(bank.fetch_status(sub.msg_id) or {})
        for back in bank.fetch_returns(sub.msg_id):
            answers[back.end_to_end_id] = (payment.RETURNED, back.reason_code, "退汇")
        return payment.apply_line_status(session, sub, answers)

    # bank/Reconcile ----------------------------------------------------------------------
    def reconcile(self, params: dict, ctx) -> dict:
        with self.session() as session:
            batch = self._batch(session, params)
            self._read_bank(session, batch)
            counts = payment.reconcile(session, batch)
            session.commit()
            return counts

    # notify/CompileOverdue ---------------------------------------------------------------
    def compile_overdue(self, params: dict, ctx) -> dict:
        with self.session() as session:
            batch = self._batch(session, params)
            unit_id = int(params["unit_id"])
            added = batches.add_reminder(
                session, batch.project_id, "compile_overdue", f"compile:{batch.id}:{unit_id}",
                f"{batch.batch_no} 的工资支付表已过结算日仍未提交审核，请尽快编制",
                batch_id=batch.id, unit_id=unit_id,
            )  # fmt: skip
            session.commit()
            return {"reminded": bool(added)}


def _answers(statuses: dict) -> dict:
    """Bank TransactionStatus per EndToEndId → (our status, reason code, reason text)."""
    out = {}
    for e2e, tx in statuses.items():
        if tx.status == REJECTED:
            out[e2e] = (payment.REJECTED, tx.reason_code, tx.reason_text)
        elif tx.status in ACCEPTED:
            out[e2e] = (payment.PAID, "", "")
    return out


def _payment_batch(batch: WageBatch, msg_id: str, paying) -> PaymentBatch:
    project = batch.project
    company = project.general_contractor.name
    debtor = DebtorAccount(f"{company}{project.name}农民工工资专用账户", project.wage_account_no,
                           project.wage_bank_cnaps, project.wage_bank_name)  # fmt: skip
    remittance = f"{month_label(batch.pay_month)}工资 {batch.batch_no}"
    transfers = [
        CreditTransfer(p.line.line_id, p.attempt, p.line.worker_name.strip(),
                       bank_card_digits(p.line.bank_card), p.line.cnaps.strip(),
                       p.line.bank_name.strip(), p.line.net, remittance)
        for p in paying
    ]  # fmt: skip
    return PaymentBatch(msg_id, debtor, transfers, today_in_shanghai(), company)


def transfers_for_csv(session: Session, batch: WageBatch) -> list[CreditTransfer]:
    """The lines of the batch's current round as transfers (for the 代发 CSV export)."""
    paying = payment.lines_to_pay(session, batch)
    return _payment_batch(batch, msg_id_for(batch.batch_no, batch.repay_round), paying).transfers


def register(registry, session_factory: Callable[[], Session], bank_url: str,
             trust: Callable[[], TrustStore]) -> PayrollConnectors:  # fmt: skip
    """Register the payroll operators on ``registry`` (called by the composition root)."""
    bound = PayrollConnectors(session_factory, bank_url, trust=trust)
    registry.register("summary/RenderPdf", bound.render_pdf)
    registry.register("bank/SubmitBatch", bound.submit_batch)
    registry.register("bank/FetchStatus", bound.fetch_status)
    registry.register("bank/Reconcile", bound.reconcile)
    registry.register("notify/CompileOverdue", bound.compile_overdue)
    return bound
