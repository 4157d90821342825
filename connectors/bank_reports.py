"""What the bank sends back: `pain.002` status reports and `pacs.004` returns, read without
depending on their version (the mock bank writes pain.002.001.10 and pacs.004.001.09)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from connectors.bank_iso20022 import parse_end_to_end_id

FINAL_OK = {"ACSC", "ACCC"}  # settled at the creditor's side
ACCEPTED = {"ACCP", "ACSP", "ACSC", "ACCC", "ACWC"}
REJECTED = "RJCT"
DUPLICATE = "DUPL"


@dataclass(frozen=True)
class TransactionStatus:
    """The bank's word on one payment: status (ACCP, RJCT, …) and its reason code if any."""

    end_to_end_id: str
    status: str
    reason_code: str = ""
    reason_text: str = ""

    @property
    def line_id(self) -> str:
        return parse_end_to_end_id(self.end_to_end_id)[0]

    @property
    def attempt(self) -> int:
        return parse_end_to_end_id(self.end_to_end_id)[1]

    @property
    def rejected(self) -> bool:
        return self.status == REJECTED


@dataclass(frozen=True)
class StatusReport:
    """One pain.002: the group status of the original file and its per-payment statuses."""

    msg_id: str
    original_msg_id: str
    group_status: str
    group_reason: str = ""
    group_reason_text: str = ""
    transactions: tuple[TransactionStatus, ...] = ()

    @property
    def is_duplicate_refusal(self) -> bool:
        """The bank refusing a resent MsgId: says nothing about the original file's payments."""
        return self.group_status == REJECTED and self.group_reason == DUPLICATE


@dataclass(frozen=True)
class PaymentReturn:
    """A payment that settled and came back (pacs.004), e.g. AC04 account closed."""

    original_msg_id: str
    end_to_end_id: str
    amount: Decimal
    reason_code: str
    return_id: str = ""

    @property
    def line_id(self) -> str:
        return parse_end_to_end_id(self.end_to_end_id)[0]


def _find(element, path: str) -> str:
    found = element.find("/".join(f"{{*}}{tag}" for tag in path.split("/")))
    return (found.text or "").strip() if found is not None else ""


def _all(element, tag: str):
    return element.iter(f"{{*}}{tag}")


def _reason(element) -> tuple[str, str]:
    info = element.find("{*}StsRsnInf")
    if info is None:
        return "", ""
    return _find(info, "Rsn/Cd") or _find(info, "Rsn/Prtry"), _find(info, "AddtlInf")


def parse_pain002(xml: bytes) -> StatusReport:
    """A pain.002 (any version) as a StatusReport."""
    root = etree.fromstring(xml)
    group = next(_all(root, "OrgnlGrpInfAndSts"))
    reason, text = _reason(group)
    transactions = tuple(
        TransactionStatus(_find(tx, "OrgnlEndToEndId"), _find(tx, "TxSts"), *_reason(tx))
        for tx in _all(root, "TxInfAndSts")
    )
    status = _find(group, "GrpSts") or _implied_group_status(transactions)
    return StatusReport(
        _find(root, "CstmrPmtStsRpt/GrpHdr/MsgId"),
        _find(group, "OrgnlMsgId"),
        status,
        reason,
        text,
        transactions,
    )


def _implied_group_status(transactions) -> str:
    # A follow-up report (payment rejected at settlement) carries no group status.
    return "" if not transactions else ("RJCT" if all(t.rejected for t in transactions) else "PART")


def parse_pacs004(xml: bytes) -> list[PaymentReturn]:
    """Every returned payment in a pacs.004."""
    root = etree.fromstring(xml)
    original = _find(next(_all(root, "OrgnlGrpInf")), "OrgnlMsgId")
    returns = []
    for tx in _all(root, "TxInf"):
        amount = _find(tx, "RtrdIntrBkSttlmAmt") or _find(tx, "OrgnlIntrBkSttlmAmt")
        tx_original = _find(tx, "OrgnlGrpInf/OrgnlMsgId") or original
        returns.append(
            PaymentReturn(
                tx_original,
                _find(tx, "OrgnlEndToEndId"),
                Decimal(amount),
                _find(tx, "RtrRsnInf/Rsn/Cd"),
                _find(tx, "RtrId"),
            )
        )
    return returns


def merge_statuses(reports: list[StatusReport]) -> dict[str, TransactionStatus]:
    """The latest status per EndToEndId across the reports of one file, ignoring DUPL refusals."""
    latest: dict[str, TransactionStatus] = {}
    for report in reports:
        if report.is_duplicate_refusal:
            continue
        for tx in report.transactions:
            latest[tx.end_to_end_id] = tx
    return latest
