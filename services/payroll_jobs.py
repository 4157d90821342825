"""The wage payment's service tasks (the operators ``bpmn/wage_payment.bpmn`` names):

- ``summary/RenderPdf``      the summary table PDF, with progress on the batch page
- ``bank/SubmitBatch``       pain.001 of the round's lines, recorded BEFORE it is sent
- ``bank/FetchStatus``       pain.002 per line and pacs.004 returns of the round's file; past the
                             answer deadline it says ``overdue`` (银行回执超时); after the GC
                             manager asked again it inquires per payment and resends a file the
                             bank never received (same MsgId)
- ``bank/Reconcile``         paid / rejected per line; the batch is paid or waits for corrections
- ``bank/WatchReturns``      returns and late reports of every file during the watch period after
                             payment (退汇观察期); a returned line reopens the correction
- ``notify/CompileOverdue``  the compile reminder after the settlement day

They are application services, not adapters: each loads the batch, calls the adapters in
``connectors/`` (PDF, ISO 20022, the bank adapter the project chose — services/bank_adapters.py) and stores the outcome.  Each runs in a
session of the app's session factory (the job executor calls it outside any instance lock), and
is safe to call again with the same job: a resent file carries the same MsgId, which the bank
refuses as a duplicate and answers with the earlier outcome.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from connectors import bank_files
from connectors.bank_client import BankClient
from connectors.bank_files import Layout
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
from domain.db import utcnow
from domain.i18n import Text
from domain.payroll import batches, payment
from domain.payroll.errors import PushRefused
from domain.payroll.lines import canonical_lines_digest, canonical_records_digest
from domain.payroll.model import WageBatch
from domain.payroll.period import PayPeriod, month_label
from services import notifications
from services.bank_adapters import BankAdapter, FileBank, adapter_of
from services.signatures import verify_before_push

log = logging.getLogger(__name__)
NOT_XSD_VALID = Text("支付报文不符合 pain.001 XSD：{errors}", "pain.001 fails the XSD: {errors}")
OPERATIONS = ("summary/RenderPdf", "bank/SubmitBatch", "bank/FetchStatus", "bank/Reconcile",
              "bank/WatchReturns", "notify/CompileOverdue")  # fmt: skip


def _hands_back_memory(job):
    """A job over a month's lines (50,000 at an enterprise's scale) leaves its freed memory in
    the process's heap, so the process would keep the peak of its largest job for good: when
    the job ends, collect and hand the free heap back to the OS (glibc's ``malloc_trim``)."""

    @functools.wraps(job)
    def run(self, params: dict, ctx) -> dict:
        try:
            return job(self, params, ctx)
        finally:
            gc.collect()
            if _LIBC is not None:
                _LIBC.malloc_trim(0)

    return run


def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


_LIBC = _libc()  # None where the C library has no malloc_trim (not glibc)


@dataclass(frozen=True)
class BankTerms:
    """How long the bank has to answer, and how long returns are watched for after payment."""

    answer_within: timedelta = timedelta(hours=24)
    watch_for: timedelta = timedelta(days=30)
    watch_every: str = "PT6H"  # ISO 8601 duration of the watch timer

    @classmethod
    def of(cls, settings: Mapping) -> BankTerms:
        return cls(timedelta(hours=float(settings.get("ZHUXIN_BANK_ANSWER_HOURS", 24))),
                   timedelta(days=float(settings.get("ZHUXIN_RETURN_WATCH_DAYS", 30))),
                   str(settings.get("ZHUXIN_RETURN_POLL", "PT6H")))  # fmt: skip


@dataclass
class PayrollConnectors:
    """The payroll operators bound to the app's session factory and one bank."""

    session_factory: Callable[[], Session]
    bank_url: str
    terms: BankTerms = field(default_factory=BankTerms)
    bank_client: Callable[[str], BankClient] = field(default=lambda url: BankClient(url))
    # The batch-file layouts by id (connectors/bank_layouts/); a project names one or iso20022.
    layouts: Callable[[], Mapping[str, Layout]] = field(default=bank_files.layouts)
    # Called right after the bank accepted a file and before it is recorded (crash tests).
    after_send: Callable[[], None] | None = None
    # The trust store the signatures are verified against before every push.
    trust: Callable[[], TrustStore] = field(default=lambda: TrustStore(()))

    def session(self) -> Session:
        return self.session_factory()

    def bank(self, session: Session, project_id: int) -> BankAdapter:
        """The adapter the project chose (工资设置 · 银行接口)."""
        chosen = adapter_of(session, project_id)
        if chosen == bank_files.ISO20022:
            return self.bank_client(self.bank_url)
        spec = self.layouts().get(chosen)
        if spec is None:
            raise LookupError(f"project {project_id}: no bank file layout {chosen!r}")
        return FileBank(session, spec)

    def _batch(self, session: Session, params: dict) -> WageBatch:
        batch = session.get(WageBatch, int(params["batch_id"]))
        if batch is None:
            raise LookupError(f"wage batch {params['batch_id']} does not exist")
        return batch

    # summary/RenderPdf -------------------------------------------------------------------
    @_hands_back_memory
    def render_pdf(self, params: dict, ctx) -> dict:
        with self.session() as session:
            batch = self._batch(session, params)
            lines = payment.lines_to_summarise(session, batch)
            header = SummaryHeader(
                project=batch.project.name, batch_no=batch.batch_no,
                pay_month=month_label(batch.pay_month),
                period=PayPeriod(batch.period_start, batch.period_end),
                company=batch.project.general_contractor.name,
                title=summary_title(batch.repay_round),
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
    @_hands_back_memory
    def submit_batch(self, params: dict, ctx) -> dict:
        with self.session() as session:
            batch = self._batch(session, params)
            sub = payment.submission_for_round(session, batch)
            if sub is None:
                sub = self._prepare(session, batch)
                session.commit()  # recorded before sending: a crash after the send resends it
            if sub.state == "prepared" or sub.send_count == 0:
                self._send(session, sub)
            batch.state = "awaiting_bank"
            payment.set_progress(batch, "bank", sub.line_count, sub.line_count)
            session.commit()
            return {"msg_id": sub.msg_id, "outcome": sub.outcome, "lines": sub.line_count}

    def _send(self, session: Session, sub) -> None:
        """Send the recorded file (again: the bank answers a known MsgId with its outcome)."""
        result = self.bank(session, payment.project_of(session, sub)).submit(sub.xml)
        if self.after_send:
            self.after_send()
        payment.mark_sent(sub, result.outcome, result.group_status, result.reason_text
                          or result.reason)  # fmt: skip
        payment.apply_line_status(session, sub, _answers(result.lines))

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
        # Both signatures trusted, by the right parties, over exactly these lines: the
        # month's summary for round 0, the round's supplementary summary for a re-payment.
        verify_before_push(session, batch, summary, digest, trust=self.trust())
        return payment.record_submission(session, batch, msg_id, xml, digest, paying,
                                         self.terms.answer_within)  # fmt: skip

    # bank/FetchStatus --------------------------------------------------------------------
    @_hands_back_memory
    def fetch_status(self, params: dict, ctx) -> dict:
        with self.session() as session:
            batch = self._batch(session, params)
            complete = self._read_bank(session, batch)
            sub = payment.submission_for_round(session, batch)
            overdue = not complete and sub is not None and payment.is_overdue(sub, utcnow())
            session.commit()
            return {"complete": complete, "overdue": overdue}

    def _read_bank(self, session: Session, batch: WageBatch) -> bool:
        sub = payment.submission_for_round(session, batch)
        if sub is None:
            return False
        if sub.state == "rejected":
            return payment.apply_line_status(session, sub, {})
        bank = self.bank(session, batch.project_id)
        complete = payment.apply_line_status(session, sub, _bank_answers(bank, sub.msg_id))
        if not complete and sub.asked_at is not None:
            complete = self._inquire(session, bank, sub)
        return complete

    def _inquire(self, session: Session, bank: BankAdapter, sub) -> bool:
        """再次询问银行: each payment still open is asked for by its EndToEndId; when the bank
        knows none of them, the file never arrived and is sent again under the same MsgId."""
        open_ids = payment.open_payment_ids(session, sub)
        found = {e2e: bank.inquire(e2e, sub.msg_id) for e2e in open_ids}
        if open_ids and all(answer is None for answer in found.values()):
            log.warning("bank does not know %s: sending it again", sub.msg_id)
            self._send(session, sub)
            found = {e2e: bank.inquire(e2e, sub.msg_id) for e2e in open_ids}
        known = {e2e: tx for e2e, tx in found.items() if tx is not None}
        return payment.apply_line_status(session, sub, _answers(known))

    # bank/Reconcile ----------------------------------------------------------------------
    @_hands_back_memory
    def reconcile(self, params: dict, ctx) -> dict:
        with self.session() as session:
            batch = self._batch(session, params)
            self._read_bank(session, batch)
            counts = payment.reconcile(session, batch)
            notifications.bank_answers(session, batch)  # 工资已发放 / 被退回, to each worker
            session.commit()
            return {**counts, "watch_after": self.terms.watch_every}

    # bank/WatchReturns -------------------------------------------------------------------
    def watch_returns(self, params: dict, ctx) -> dict:
        """Returns (pacs.004) and late rejections of every file of the batch, until the watch
        period after the last file's report is over."""
        with self.session() as session:
            batch = self._batch(session, params)
            bank = self.bank(session, batch.project_id)
            returned = 0
            for sub in payment.sent_submissions(session, batch):
                late = {e2e: answer for e2e, answer in _bank_answers(bank, sub.msg_id).items()
                        if answer[0] != payment.PAID}  # fmt: skip
                returned += payment.apply_late_answers(session, sub, late)
            if returned:
                payment.tell_returned(session, batch, returned)
                notifications.bank_answers(session, batch)
            over = payment.watch_over(session, batch, utcnow(), self.terms.watch_for)
            session.commit()
            return {"returned": returned, "over": over}

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


def _bank_answers(bank: BankAdapter, msg_id: str) -> dict:
    """The file's pain.002 answers per EndToEndId, with its pacs.004 returns over them."""
    answers = _answers(bank.fetch_status(msg_id) or {})
    for back in bank.fetch_returns(msg_id):
        answers[back.end_to_end_id] = (payment.RETURNED, back.reason_code, "退汇")
    return answers


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


def summary_title(round: int) -> str:
    """The title of a round's summary file (round n ≥ 1: the supplementary summary)."""
    return "农民工工资汇总表" if round == 0 else f"更正/补发汇总表（第 {round} 次重新支付）"


def register(registry, session_factory: Callable[[], Session], bank_url: str,
             trust: Callable[[], TrustStore], terms: BankTerms | None = None,
             ) -> PayrollConnectors:  # fmt: skip
    """Register the payroll operators on ``registry`` (called by the composition root)."""
    bound = PayrollConnectors(session_factory, bank_url, terms or BankTerms(), trust=trust)
    registry.register("summary/RenderPdf", bound.render_pdf)
    registry.register("bank/SubmitBatch", bound.submit_batch)
    registry.register("bank/FetchStatus", bound.fetch_status)
    registry.register("bank/Reconcile", bound.reconcile)
    registry.register("bank/WatchReturns", bound.watch_returns)
    registry.register("notify/CompileOverdue", bound.compile_overdue)
    return bound
