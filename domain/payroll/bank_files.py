"""The project's choice of bank interface, and the bank's result files (回盘文件) kept per file.

What the layouts say and how files are written and read is in connectors/bank_files.py; this
module holds the rules: who may choose, when the choice may change, and which payment file a
result file may answer.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.access import Actor
from domain.audit import record
from domain.errors import Conflict, InvalidInput, NotFound
from domain.i18n import Text
from domain.payroll.batches import settings_for
from domain.payroll.model import BankFile, BankSubmission, WageBatch

UNKNOWN_ADAPTER = Text("没有这个银行接口：{choice}", "No such bank interface: {choice}")
BANK_BUSY = Text("批次 {batch} 正在等待银行回执，待其对账完成后再更换银行接口",
                 "Batch {batch} is waiting for the bank's answer; change the bank interface after it is reconciled")  # fmt: skip
NOT_A_FILE_BANK = Text("该支付文件不是以银行文件方式提交的，无需上传回盘文件",
                       "This payment file was not sent as a bank file: there is no result file to upload")  # fmt: skip
NO_OPEN_FILE = Text("该批次没有等待银行回执的支付文件", "This batch has no payment file waiting for the bank's answer")
EMPTY_FILE = Text("请选择银行的回盘文件", "Choose the bank's result file")


def set_bank_adapter(session: Session, actor: Actor, project_id: int, choice: str,
                     choices: set[str]) -> None:  # fmt: skip
    """工资设置 · 银行接口 (GC manager): ``choice`` is one of ``choices`` (iso20022 or a layout
    id); refused while a batch of the project waits for the bank under the old interface."""
    actor.must("set_settlement_day", project_id)
    choice = (choice or "").strip()
    if choice not in choices:
        raise InvalidInput("unknown_bank_adapter", UNKNOWN_ADAPTER, field="bank_adapter", choice=choice)
    setting = settings_for(session, project_id)
    if setting.bank_adapter == choice:
        return
    waiting = session.scalar(select(WageBatch.batch_no).where(
        WageBatch.project_id == project_id, WageBatch.state == "awaiting_bank").limit(1))  # fmt: skip
    if waiting is not None:
        raise Conflict("bank_adapter_busy", BANK_BUSY, field="bank_adapter", batch=waiting)
    before = {"bank_adapter": setting.bank_adapter}
    setting.bank_adapter = choice
    session.add(setting)
    record(session, actor.user_id, "payroll.bank_adapter", setting, before, project_id,
           facts={"bank_adapter": choice})  # fmt: skip


def awaiting_file(session: Session, batch: WageBatch) -> BankSubmission:
    """The batch's current payment file, written in a bank layout and not yet fully answered."""
    sub = session.scalar(select(BankSubmission).where(BankSubmission.batch_id == batch.id,
                                                      BankSubmission.round == batch.repay_round))  # fmt: skip
    if sub is None or sub.state != "sent":
        raise Conflict("no_open_bank_file", NO_OPEN_FILE, field="result_file")
    if outgoing(session, sub) is None:
        raise Conflict("not_a_file_bank", NOT_A_FILE_BANK, field="result_file")
    return sub


def outgoing(session: Session, sub: BankSubmission) -> BankFile | None:
    return session.scalar(select(BankFile).where(BankFile.submission_id == sub.id,
                                                 BankFile.direction == "out"))  # fmt: skip


def files_of(session: Session, batch: WageBatch) -> list[BankFile]:
    """Every bank file of the batch, by payment file then direction and number."""
    return list(session.scalars(
        select(BankFile).join(BankSubmission, BankSubmission.id == BankFile.submission_id)
        .where(BankSubmission.batch_id == batch.id)
        .order_by(BankSubmission.round, BankFile.direction.desc(), BankFile.number)
    ))  # fmt: skip


def bank_file(session: Session, batch: WageBatch, file_id: int) -> BankFile:
    found = next((f for f in files_of(session, batch) if f.id == file_id), None)
    if found is None:
        raise NotFound("unknown_bank_file", Text("没有这个银行文件", "No such bank file"))
    return found


def require_content(content: bytes) -> None:
    if not content:
        raise InvalidInput("empty_result_file", EMPTY_FILE, field="result_file")


def store_result_file(session: Session, actor: Actor, sub: BankSubmission, filename: str,
                      content: bytes, lines: int) -> BankFile:  # fmt: skip
    """Keep a result file that was read and checked against ``sub`` (``lines`` answers)."""
    require_content(content)
    number = (session.scalar(select(func.max(BankFile.number)).where(
        BankFile.submission_id == sub.id, BankFile.direction == "in")) or 0) + 1  # fmt: skip
    out = outgoing(session, sub)
    assert out is not None  # awaiting_file() checked it
    row = BankFile(submission_id=sub.id, direction="in", number=number, layout=out.layout,
                   filename=(filename or "result")[:200], content=content,
                   sha256=hashlib.sha256(content).hexdigest(), lines=lines,
                   created_by=actor.user_id)  # fmt: skip
    session.add(row)
    project_id = session.scalars(select(WageBatch.project_id).where(WageBatch.id == sub.batch_id)).one()
    record(session, actor.user_id, "payroll.bank_result_file", row, None, project_id,
           facts={"msg_id": sub.msg_id, "number": number, "lines": lines, "sha256": row.sha256})  # fmt: skip
    return row
