"""工资设置 · 银行接口, and the batch-file banks' files (银行文件): download the file written in
the bank's layout, upload the bank's result file (回盘文件) back.

The payment process itself does not change with the interface: its status poll
(``bank/FetchStatus``) reads the uploaded result files through ``bank_adapters.FileBank`` as it
reads an online bank's reports, so reconciliation, corrections and re-payment files work alike.
"""

from __future__ import annotations

from connectors import bank_files as formats
from domain.access import Actor
from domain.payroll import bank_files as rules
from domain.payroll import batches
from domain.payroll.model import BankFile, WageBatch
from services.bank_adapters import sent_amounts
from services.uow import UnitOfWork, use_case


def choices(language: str = "zh") -> dict[str, str]:
    """Every bank interface a project may choose, id → label (online ISO 20022 first)."""
    online = "ISO 20022 银企直联（pain.001 / pain.002）" if language != "en" else "ISO 20022 host-to-host (pain.001 / pain.002)"
    return {formats.ISO20022: online, **{i: s.label(language) for i, s in formats.layouts().items()}}


def chosen(uow: UnitOfWork, project_id: int) -> str:
    return batches.settings_for(uow.session, project_id).bank_adapter


@use_case
def set_bank_adapter(uow: UnitOfWork, actor: Actor, project_id: int, choice: str) -> None:
    """The project's bank interface (GC manager), refused while a batch waits for the bank."""
    rules.set_bank_adapter(uow.session, actor, project_id, choice, set(choices()))


def files(uow: UnitOfWork, actor: Actor, project_id: int, batch_id: int) -> tuple[WageBatch, list[BankFile]]:
    """The batch (whole-batch access: the files hold every worker's card) and its bank files."""
    batch = batches.batch_for(uow.session, actor, batch_id, project_id, "export_bank_file")
    return batch, rules.files_of(uow.session, batch)


def download(uow: UnitOfWork, actor: Actor, project_id: int, batch_id: int, file_id: int) -> BankFile:
    batch = batches.batch_for(uow.session, actor, batch_id, project_id, "export_bank_file")
    return rules.bank_file(uow.session, batch, file_id)


@use_case
def upload_result(uow: UnitOfWork, actor: Actor, project_id: int, batch_id: int, filename: str,
                  content: bytes) -> int:  # fmt: skip
    """上传回盘文件: read in the layout of the batch's current file and checked against it (every
    line one of its payments, the same amount) before it is kept; the status poll applies it.
    Returns the number of answers it holds."""
    session = uow.session
    batch = batches.batch_for(session, actor, batch_id, project_id, "export_bank_file")
    sub = rules.awaiting_file(session, batch)
    out = rules.outgoing(session, sub)
    assert out is not None  # awaiting_file() checked it
    rules.require_content(content)
    answers = formats.read_result_file(formats.layout(out.layout), content, sent_amounts(session, sub))
    rules.store_result_file(session, actor, sub, filename, content, len(answers))
    return len(answers)
