"""HTTP client for the bank counterparty: PyPI `mock-bank` 0.9.0 in development, tests and demo.

Exactly-once push: the `MsgId` (the bank exchange batch number, suffixed per re-payment file) is
the idempotency key. The bank refuses a `MsgId` it has seen with `DUPL`; `submit` turns that
refusal into ALREADY_SENT with the outcome of the earlier file, never into a new payment or a
rejection. So a retry after a timeout, or after a crash between sending and recording, simply
resends the same file. Mailbox messages are read with `?leave` and never taken, so a poller that
dies between reading and recording loses nothing; reports are matched to files by `OrgnlMsgId`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import requests
from lxml import etree

from connectors.bank_reports import (
    DUPLICATE,
    PaymentReturn,
    StatusReport,
    TransactionStatus,
    merge_statuses,
    parse_pacs004,
    parse_pain002,
)
from domain.i18n import Text
from domain.payroll.errors import PayrollError

ACCEPTED, ALREADY_SENT, FILE_REJECTED = "accepted", "already_sent", "file_rejected"


class BankUnavailable(PayrollError):
    """The bank did not answer (retry later with the same file: the MsgId makes it safe)."""

    status = 503


@dataclass(frozen=True)
class SubmitResult:
    """What happened to a file: ACCEPTED now, ALREADY_SENT earlier, or FILE_REJECTED whole."""

    msg_id: str
    outcome: str
    group_status: str = ""
    reason: str = ""
    reason_text: str = ""
    lines: dict[str, TransactionStatus] = field(default_factory=dict)


def iban_alias(account_number: str, bank: str = "MOCK", country: str = "NL") -> str:
    """An IBAN-shaped alias with valid ISO 13616 check digits, e.g. NL14MOCK0000000099.

    mock-bank keys accounts by IBAN; a CNY account is also found by its `account_number`.
    """
    bban = bank + account_number[-10:].rjust(10, "0")
    digits = "".join(str(int(char, 36)) for char in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


class BankClient:
    def __init__(self, base_url: str, auth: tuple[str, str] | None = None, timeout: float = 30):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.auth = auth
        self.timeout = timeout

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        try:
            return self.session.request(
                method, self.base_url + path, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as error:
            raise BankUnavailable(
                "bank_unavailable",
                Text("银行未响应：{error}", "The bank did not answer: {error}"),
                error=str(error),
            ) from error

    def _json(self, method: str, path: str, expect: tuple[int, ...], **kwargs):
        response = self._call(method, path, **kwargs)
        if response.status_code not in expect:
            raise PayrollError(
                "bank_error",
                Text("银行返回 {status}：{body}", "The bank answered {status}: {body}"),
                status=response.status_code,
                body=response.text[:300],
            )
        return response.json()

    def register_account(
        self,
        account_id: str,
        name: str,
        account_number: str,
        *,
        currency: str = "CNY",
        balance_fen: int = 0,
        behaviour: str = "accept",
        iban: str | None = None,
    ) -> dict:
        """Register an account (≤ 17-digit number, IBAN-shaped alias) at the mock bank."""
        body = {
            "id": account_id,
            "name": name,
            "account_number": account_number,
            "iban": iban or iban_alias(account_number),
            "currency": currency,
            "balance": balance_fen,
            "behaviour": behaviour,
        }
        return self._json("POST", "/_mock/accounts", (201,), json=body)

    def update_account(self, account_id: str, **fields) -> dict:
        """PATCH an account: behaviour (closed-account, return-later, …), parameters, closed."""
        return self._json("PATCH", f"/_mock/accounts/{account_id}", (200,), json=fields)

    def submit(self, pain001: bytes) -> SubmitResult:
        """Send a pain.001. A resent MsgId comes back ALREADY_SENT with the earlier outcome."""
        msg_id = _msg_id(pain001)
        answer = self._json(
            "POST",
            "/payments",
            (202, 422),
            data=pain001,
            headers={"Content-Type": "application/xml"},
        )
        if answer.get("reason") == DUPLICATE:
            earlier = self.fetch_status(msg_id)
            return SubmitResult(msg_id, ALREADY_SENT, lines=earlier or {})
        if answer.get("status") == "RJCT" and answer.get("reason"):
            return SubmitResult(
                msg_id, FILE_REJECTED, "RJCT", answer["reason"], answer.get("reason_text") or ""
            )
        lines = {p["end_to_end_id"]: _line(p) for p in answer.get("payments", [])}
        return SubmitResult(msg_id, ACCEPTED, answer.get("status", ""), lines=lines)

    def _mailbox(self, kind: str) -> list[bytes]:
        messages = self._json("GET", "/_mock/mailbox", (200,), params={"leave": "", "type": kind})
        return [m["body"].encode("utf-8") for m in messages]

    def fetch_reports(self, msg_id: str) -> list[StatusReport]:
        """Every pain.002 about the file `msg_id`, oldest first (DUPL refusals included)."""
        reports = [parse_pain002(body) for body in self._mailbox("pain.002")]
        return [r for r in reports if r.original_msg_id == msg_id]

    def fetch_status(self, msg_id: str) -> dict[str, TransactionStatus] | None:
        """Latest status per EndToEndId of the file, or None while the bank has not reported."""
        reports = [r for r in self.fetch_reports(msg_id) if not r.is_duplicate_refusal]
        return merge_statuses(reports) if reports else None

    def fetch_returns(self, msg_id: str) -> list[PaymentReturn]:
        """Payments of the file that settled and came back (pacs.004)."""
        found = [r for body in self._mailbox("pacs.004") for r in parse_pacs004(body)]
        return [r for r in found if r.original_msg_id == msg_id]

    def fetch_statements(self) -> list[bytes]:
        """Every camt.053 statement the bank has issued to us (read, never taken: the caller
        keeps each once, by its statement id)."""
        return self._mailbox("camt.053")

    def inquire(self, end_to_end_id: str, msg_id: str) -> TransactionStatus | None:
        """Payment status inquiry by EndToEndId (逐笔查询) within the file ``msg_id``: the bank's
        decision on that payment (a later return comes as pacs.004), or None when the bank has
        never received it."""
        answer = self._call("GET", f"/_mock/payments/{end_to_end_id}", params={"all": ""})
        if answer.status_code == 404:
            return None
        if answer.status_code != 200:
            raise BankUnavailable(
                "bank_answer", Text("银行返回 HTTP {status}", "The bank answered HTTP {status}"),
                status=answer.status_code,
            )
        found = [p for p in answer.json() if p.get("msg_id") == msg_id]
        if not found:
            return None
        decided = found[0]  # newest first
        status = "RJCT" if decided.get("status") == "rejected" else "ACCP"
        return TransactionStatus(end_to_end_id, status, decided.get("reason") or "",
                                 decided.get("reason_text") or "")  # fmt: skip


def _msg_id(pain001: bytes) -> str:
    """The group header's MsgId, read without parsing the transactions after it."""
    found = next((e for _, e in etree.iterparse(io.BytesIO(pain001), tag="{*}MsgId")), None)
    if found is None or not (found.text or "").strip():
        raise PayrollError(
            "no_msg_id", Text("支付文件缺少报文标识 MsgId", "The payment file has no MsgId")
        )
    return found.text.strip()


def _line(payment: dict) -> TransactionStatus:
    status = "ACCP" if payment.get("outcome") == "accepted" else "RJCT"
    return TransactionStatus(
        payment["end_to_end_id"],
        status,
        payment.get("reason") or "",
        payment.get("reason_text") or "",
    )
