"""代发 batch files in a bank's own layout, and the bank's result file (回盘文件) read back.

Most Chinese banks take salary batches as a file uploaded to corporate e-banking, not as
ISO 20022 (domain.md §4.1).  A layout is data — ``connectors/bank_layouts/<id>.toml`` — so that
a new bank is a new file, not code:

- ``encoding`` (gbk, utf-8, utf-8-sig), ``separator`` and ``suffix``;
- ``[header]``, ``[detail]`` and an optional ``[trailer]``: each a list of ``fields``, every
  field a template over the names below (``"{amount}"``, ``"合计"``, ``"{count}笔"``);
- ``[result]``: the columns of the bank's answer file — ``reference`` (our EndToEndId, which the
  detail line carried), ``status`` with the values that mean paid (``ok``), ``reason``, an
  optional ``amount`` echoed back and checked, ``skip`` header lines, and ``codes`` mapping the
  bank's reason texts to the ISO 20022 reason codes the rest of the system uses.

Names for header and trailer: ``msg_id, debtor_account, debtor_name, count, total, total_fen,
date``; for detail lines also ``seq, name, account, cnaps, bank_name, amount, amount_fen,
purpose, reference, same_bank`` ("1" when the payee's bank is the wage account's bank by the
first three digits of the 联行号, else "0") and ``inter_bank`` ("本行"/"跨行").

The canonical payment document stays the pain.001 the signatures were checked against: the
file is written FROM it (``batch_from_pain001``), so the file pays exactly the signed lines.
"""

from __future__ import annotations

import csv
import io
import string
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from connectors.bank_iso20022 import (
    NS,
    CreditTransfer,
    DebtorAccount,
    Transactions,
    end_to_end_id,
    parse_end_to_end_id,
)
from connectors.bank_reports import REJECTED, TransactionStatus
from domain.i18n import Text
from domain.payroll.errors import PayrollError
from domain.payroll.money import plain

LAYOUTS = Path(__file__).with_name("bank_layouts")
ISO20022 = "iso20022"  # the adapter that talks to the bank online (mock-bank) instead
ACCEPTED_STATUS = "ACCP"
HEAD_NAMES = {"msg_id", "debtor_account", "debtor_name", "count", "total", "total_fen", "date"}
LINE_NAMES = HEAD_NAMES | {"seq", "name", "account", "cnaps", "bank_name", "amount",
                           "amount_fen", "purpose", "reference", "same_bank", "inter_bank"}  # fmt: skip


@dataclass(frozen=True)
class ResultColumns:
    reference: int
    status: int
    ok: tuple[str, ...]
    reason: int | None = None
    amount: int | None = None
    skip: int = 0
    codes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Layout:
    id: str
    name: str
    name_en: str
    encoding: str
    separator: str
    suffix: str
    detail: tuple[str, ...]
    result: ResultColumns
    header: tuple[str, ...] = ()
    trailer: tuple[str, ...] = ()

    def label(self, language: str = "zh") -> str:
        return self.name_en if language == "en" else self.name


@dataclass(frozen=True)
class FileBatch:
    """What the file pays: the wage account, the transfers and the day, under one MsgId."""

    msg_id: str
    debtor: DebtorAccount
    transfers: list[CreditTransfer]
    execution_date: date

    @property
    def total(self) -> Decimal:
        return sum((t.amount for t in self.transfers), Decimal("0.00"))


def _fields(table: dict | None, names: set[str], where: str) -> tuple[str, ...]:
    values = tuple((table or {}).get("fields", ()))
    for value in values:
        for _, name, _, _ in string.Formatter().parse(value):
            if name is not None and name not in names:
                raise ValueError(f"{where}: unknown field {{{name}}}")
    return values


def parse_layout(text: str, source: str = "layout") -> Layout:
    """A layout from its TOML text; unknown field names are refused (ValueError)."""
    data = tomllib.loads(text)
    result = data["result"]
    columns = ResultColumns(int(result["reference"]), int(result["status"]),
                            tuple(str(v) for v in result["ok"]),
                            result.get("reason"), result.get("amount"), int(result.get("skip", 0)),
                            {str(k): str(v) for k, v in result.get("codes", {}).items()})  # fmt: skip
    "x".encode(data["encoding"])  # an unknown encoding fails here, not on the first batch
    return Layout(
        data["id"], data["name"], data.get("name_en", data["name"]), data["encoding"],
        data["separator"], data.get("suffix", "txt"),
        _fields(data["detail"], LINE_NAMES, f"{source} [detail]"), columns,
        _fields(data.get("header"), HEAD_NAMES, f"{source} [header]"),
        _fields(data.get("trailer"), HEAD_NAMES, f"{source} [trailer]"),
    )  # fmt: skip


@cache
def layouts() -> dict[str, Layout]:
    """Every layout under connectors/bank_layouts/, by id."""
    found = {}
    for path in sorted(LAYOUTS.glob("*.toml")):
        layout = parse_layout(path.read_text("utf-8"), path.name)
        found[layout.id] = layout
    return found


def layout(layout_id: str) -> Layout:
    try:
        return layouts()[layout_id]
    except KeyError:
        raise PayrollError("unknown_layout", Text("没有银行文件格式「{id}」", "No bank file layout {id!r}"),
                           id=layout_id) from None  # fmt: skip


def batch_from_pain001(xml: bytes) -> FileBatch:
    """What the signed pain.001 pays — the file is written from it, never from the lines."""

    def text(element, path: str) -> str:
        return element.findtext("/".join(f"{{{NS}}}{p}" for p in path.split("/"))) or ""

    transfers = []
    parsed = Transactions(xml)
    for tx in parsed:
        line_id, attempt = parse_end_to_end_id(text(tx, "PmtId/EndToEndId"))
        agent = "CdtrAgt/FinInstnId/"
        transfers.append(CreditTransfer(
            line_id, attempt, text(tx, "Cdtr/Nm"), text(tx, "CdtrAcct/Id/Othr/Id"),
            text(tx, agent + "ClrSysMmbId/MmbId"), text(tx, agent + "Nm"),
            Decimal(text(tx, "Amt/InstdAmt")), text(tx, "RmtInf/Ustrd"),
        ))  # fmt: skip
    init = parsed.root.find(f"{{{NS}}}CstmrCdtTrfInitn")
    info = init.find(f"{{{NS}}}PmtInf")
    debtor = DebtorAccount(text(info, "Dbtr/Nm"), text(info, "DbtrAcct/Id/Othr/Id"),
                           text(info, "DbtrAgt/FinInstnId/ClrSysMmbId/MmbId"),
                           text(info, "DbtrAgt/FinInstnId/Nm"))  # fmt: skip
    day = date.fromisoformat(text(info, "ReqdExctnDt/Dt") or text(info, "ReqdExctnDt"))
    return FileBatch(text(init, "GrpHdr/MsgId"), debtor, transfers, day)


def _head_values(batch: FileBatch) -> dict[str, str]:
    return {"msg_id": batch.msg_id, "debtor_account": batch.debtor.account_no,
            "debtor_name": batch.debtor.name, "count": str(len(batch.transfers)),
            "total": plain(batch.total), "total_fen": str(int(batch.total * 100)),
            "date": batch.execution_date.strftime("%Y%m%d")}  # fmt: skip


def _line_values(batch: FileBatch, seq: int, t: CreditTransfer) -> dict[str, str]:
    same = t.cnaps[:3] == batch.debtor.cnaps[:3]
    return {"seq": str(seq), "name": t.name, "account": t.account_no, "cnaps": t.cnaps,
            "bank_name": t.bank_name, "amount": plain(t.amount),
            "amount_fen": str(int(t.amount * 100)), "purpose": t.remittance,
            "reference": end_to_end_id(t.line_id, t.attempt),
            "same_bank": "1" if same else "0", "inter_bank": "本行" if same else "跨行"}  # fmt: skip


def write_batch_file(spec: Layout, batch: FileBatch) -> bytes:
    """The batch in the layout: header, one line per transfer, trailer; in its encoding."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=spec.separator, lineterminator="\r\n",
                        quoting=csv.QUOTE_MINIMAL)  # fmt: skip
    head = _head_values(batch)
    rows = [[f.format_map(head) for f in spec.header]] if spec.header else []
    for seq, t in enumerate(batch.transfers, start=1):
        values = head | _line_values(batch, seq, t)
        rows.append([f.format_map(values) for f in spec.detail])
    if spec.trailer:
        rows.append([f.format_map(head) for f in spec.trailer])
    for number, row in enumerate(rows, start=1):
        for value in row:
            _check_encodable(value, spec.encoding, number)
        writer.writerow(row)
    return out.getvalue().encode(spec.encoding)


def _check_encodable(text: str, encoding: str, row: int) -> None:
    try:
        text.encode(encoding)
    except UnicodeEncodeError as error:
        raise PayrollError(
            "not_encodable",
            Text("第 {row} 行：字符「{char}」无法写入银行文件的编码 {encoding}",
                 "Row {row}: {char!r} cannot be written in the bank file's encoding {encoding}"),
            row=row, char=text[error.start], encoding=encoding,
        ) from error  # fmt: skip


def _refuse(row: int, zh: str, en: str, **params) -> PayrollError:
    return PayrollError("result_file", Text("回盘文件第 {row} 行：" + zh, "Result file row {row}: " + en),
                        field="result_file", row=row, **params)  # fmt: skip


def read_result_file(spec: Layout, data: bytes, sent: dict[str, Decimal]) -> dict[str, TransactionStatus]:
    """The bank's answer per EndToEndId.  ``sent``: EndToEndId → amount of the file it answers;
    a line naming a payment the file did not hold, or echoing another amount, refuses the whole
    result file (it belongs to another batch or was edited)."""
    try:
        text = data.decode(spec.encoding)
    except UnicodeDecodeError:
        raise PayrollError("result_file", Text("回盘文件不是 {encoding} 编码的文本",
                                               "The result file is not {encoding} text"),
                           field="result_file", encoding=spec.encoding) from None  # fmt: skip
    found: dict[str, TransactionStatus] = {}
    columns = spec.result
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=spec.separator))
    for number, row in enumerate(rows, start=1):
        if number <= columns.skip or not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(columns.reference, columns.status):
            raise _refuse(number, "列数不足（{n} 列）", "only {n} columns", n=len(row))
        reference, status = row[columns.reference].strip(), row[columns.status].strip()
        if reference not in sent:
            raise _refuse(number, "参考号 {ref} 不属于这个支付文件",
                          "reference {ref} is not a payment of this file", ref=reference)  # fmt: skip
        if columns.amount is not None and not _same_amount(row, columns.amount, sent[reference]):
            raise _refuse(number, "金额与支付文件不符（应为 {amount}）",
                          "the amount differs from the payment file ({amount})",
                          amount=plain(sent[reference]))  # fmt: skip
        if reference in found:
            raise _refuse(number, "参考号 {ref} 重复", "reference {ref} appears twice", ref=reference)
        if status in columns.ok:
            found[reference] = TransactionStatus(reference, ACCEPTED_STATUS)
        else:
            reason = row[columns.reason].strip() if columns.reason is not None and len(row) > columns.reason else ""
            reason = reason or status
            found[reference] = TransactionStatus(reference, REJECTED,
                                                 columns.codes.get(reason, "NARR"), reason)  # fmt: skip
    if not found:
        raise PayrollError("result_file", Text("回盘文件中没有任何明细", "The result file holds no lines"),
                           field="result_file")  # fmt: skip
    return found


def _same_amount(row: list[str], column: int, expected: Decimal) -> bool:
    try:
        return len(row) > column and Decimal(row[column].strip()) == expected
    except InvalidOperation:
        return False
