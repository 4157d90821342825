"""The wage account's bank behind one interface, chosen per project (工资设置 · 银行接口).

``BankAdapter`` is what the payment operators (services/payroll_jobs.py) call: ``submit`` a
payment file, ``fetch_status`` / ``fetch_returns`` of a file, ``inquire`` about one payment.

- ``iso20022``: connectors/bank_client.BankClient — online, pain.001 in, pain.002/pacs.004 out
  (mock-bank here).
- a batch-file layout id (connectors/bank_layouts/<id>.toml): ``FileBank`` — ``submit`` writes
  the file in the bank's layout once per MsgId and keeps it for the GC operator to download and
  upload in the bank's e-banking; the answers are the result files (回盘文件) he uploads back
  (services.payroll.upload_bank_result).  Until one is uploaded, the file has no answer and the
  payment process keeps waiting (and, past the bank's deadline, asks the GC manager to act), as
  with an online bank that has not reported yet.

Both take the same signed pain.001, so the signatures are checked against one document
whichever way the money leaves.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from connectors.bank_client import ACCEPTED, ALREADY_SENT, SubmitResult
from connectors.bank_files import (
    ISO20022,
    Layout,
    batch_from_pain001,
    read_result_file,
    write_batch_file,
)
from connectors.bank_reports import PaymentReturn, TransactionStatus
from domain.payroll.model import BankFile, BankSubmission, LinePayment, PayrollSetting

PENDING = "PDNG"


class BankAdapter(Protocol):
    def submit(self, pain001: bytes) -> SubmitResult: ...

    def fetch_status(self, msg_id: str) -> dict[str, TransactionStatus] | None: ...

    def fetch_returns(self, msg_id: str) -> list[PaymentReturn]: ...

    def inquire(self, end_to_end_id: str, msg_id: str) -> TransactionStatus | None: ...


def adapter_of(session: Session, project_id: int) -> str:
    """The project's choice: ``iso20022`` unless its wage settings name a layout."""
    setting = session.get(PayrollSetting, project_id)
    return setting.bank_adapter if setting is not None else ISO20022


class FileBank:
    """A bank reached by files, on the connector's session (the caller commits)."""

    def __init__(self, session: Session, spec: Layout):
        self.session, self.spec = session, spec

    def _submission(self, msg_id: str) -> BankSubmission:
        sub = self.session.scalar(select(BankSubmission).where(BankSubmission.msg_id == msg_id))
        if sub is None:
            raise LookupError(f"no payment file {msg_id}")
        return sub

    def submit(self, pain001: bytes) -> SubmitResult:
        batch = batch_from_pain001(pain001)
        sub = self._submission(batch.msg_id)
        if out_file(self.session, sub.id) is not None:  # written before: the same file, once
            return SubmitResult(batch.msg_id, ALREADY_SENT, lines=self.fetch_status(batch.msg_id) or {})
        content = write_batch_file(self.spec, batch)
        self.session.add(BankFile(
            submission_id=sub.id, direction="out", number=1, layout=self.spec.id,
            filename=f"{batch.msg_id}-{self.spec.id}.{self.spec.suffix}", content=content,
            sha256=hashlib.sha256(content).hexdigest(), lines=len(batch.transfers),
        ))  # fmt: skip
        self.session.flush()
        return SubmitResult(batch.msg_id, ACCEPTED, PENDING)

    def fetch_status(self, msg_id: str) -> dict[str, TransactionStatus] | None:
        """The uploaded result files of the file, later ones over earlier; None before any."""
        sub = self._submission(msg_id)
        files = self.session.scalars(
            select(BankFile).where(BankFile.submission_id == sub.id, BankFile.direction == "in")
            .order_by(BankFile.number)
        ).all()  # fmt: skip
        if not files:
            return None
        sent = sent_amounts(self.session, sub)
        found: dict[str, TransactionStatus] = {}
        for f in files:
            found.update(read_result_file(self.spec, f.content, sent))
        return found

    def fetch_returns(self, msg_id: str) -> list[PaymentReturn]:
        return []  # a batch-file bank reports a later return in a new result file (RJCT)

    def inquire(self, end_to_end_id: str, msg_id: str) -> TransactionStatus | None:
        return (self.fetch_status(msg_id) or {}).get(end_to_end_id)


def out_file(session: Session, submission_id: int) -> BankFile | None:
    return session.scalar(select(BankFile).where(BankFile.submission_id == submission_id,
                                                 BankFile.direction == "out"))  # fmt: skip


def sent_amounts(session: Session, sub: BankSubmission) -> dict:
    """EndToEndId → amount of every payment of the file."""
    rows = session.execute(select(LinePayment.end_to_end_id, LinePayment.amount)
                           .where(LinePayment.submission_id == sub.id))  # fmt: skip
    return {e2e: amount for e2e, amount in rows}


def next_result_number(session: Session, submission_id: int) -> int:
    last = session.scalar(select(func.max(BankFile.number)).where(
        BankFile.submission_id == submission_id, BankFile.direction == "in"))  # fmt: skip
    return (last or 0) + 1
