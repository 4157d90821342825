"""The wage account's statements (账户对账单): ISO 20022 ``camt.053`` read without depending
on its version (mock-bank writes camt.053.001.08; banks that export statements as a file can
give the same document to upload).

Each statement has its account, day(s), opening and closing booked balance, and its entries;
an entry is a debit or a credit with the bank's own reference (``AcctSvcrRef``), the booking
day, the payment references it carries (``MsgId``, ``EndToEndId`` — for our payments the
batch number and the wage line's payment id) and what kind of movement the bank code says:

- ``payment``  a credit transfer the account sent (PMNT/ICDT/ESCT, a debit);
- ``return``   one of those coming back (PMNT/ICDT/RRTN, a credit);
- ``received`` money arriving from somebody else (PMNT/RCDT, a credit) — for a wage account
  the client's labour cost (人工费拨付);
- ``other``    anything else (fees, interest, …).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from domain.i18n import Text
from domain.payroll.errors import PayrollError

PAYMENT, RETURN, RECEIVED, OTHER = "payment", "return", "received", "other"
NOT_CAMT053 = Text("不是 camt.053 银行对账单：{detail}", "Not a camt.053 bank statement: {detail}")


@dataclass(frozen=True)
class Entry:
    ref: str
    credit: bool
    amount: Decimal
    booked: date
    kind: str
    msg_id: str = ""
    end_to_end_id: str = ""
    counterparty: str = ""
    note: str = ""


@dataclass(frozen=True)
class Statement:
    id: str
    sequence: int
    account: str
    currency: str
    day_from: date
    day_to: date
    opening: Decimal
    closing: Decimal
    entries: tuple[Entry, ...]


def _find(element, path: str):
    return element.find("/".join(f"{{*}}{p}" for p in path.split("/")))


def _text(element, path: str) -> str:
    found = _find(element, path)
    return (found.text or "").strip() if found is not None else ""


def _day(value: str) -> date:
    return date.fromisoformat(value[:10])


def _signed(amount: str, indicator: str) -> Decimal:
    value = Decimal(amount)
    return -value if indicator == "DBIT" else value


def _kind(entry, credit: bool) -> str:
    code = (_text(entry, "BkTxCd/Domn/Cd"), _text(entry, "BkTxCd/Domn/Fmly/Cd"),
            _text(entry, "BkTxCd/Domn/Fmly/SubFmlyCd"))  # fmt: skip
    if code[:2] == ("PMNT", "ICDT"):
        return RETURN if credit and code[2] == "RRTN" else PAYMENT if not credit else OTHER
    if code[:2] == ("PMNT", "RCDT") and credit:
        return RECEIVED
    return OTHER


def _entry(ntry) -> Entry:
    credit = _text(ntry, "CdtDbtInd") == "CRDT"
    tx = _find(ntry, "NtryDtls/TxDtls")
    refs = _find(tx, "Refs") if tx is not None else None
    e2e = _text(refs, "EndToEndId") if refs is not None else ""
    party = "RltdPties/Dbtr/Pty/Nm" if credit else "RltdPties/Cdtr/Pty/Nm"
    notes = [n.text or "" for n in tx.iterfind("{*}RmtInf/{*}Ustrd")] if tx is not None else []
    return Entry(
        ref=_text(ntry, "AcctSvcrRef") or _text(ntry, "NtryRef"), credit=credit,
        amount=Decimal(_text(ntry, "Amt")), booked=_day(_text(ntry, "BookgDt/Dt") or _text(ntry, "BookgDt/DtTm")),
        kind=_kind(ntry, credit), msg_id=_text(refs, "MsgId") if refs is not None else "",
        end_to_end_id="" if e2e == "NOTPROVIDED" else e2e,
        counterparty=_text(tx, party) if tx is not None else "", note="".join(notes)[:300],
    )  # fmt: skip


def _balance(stmt, code: str) -> Decimal:
    for bal in stmt.iterfind("{*}Bal"):
        if _text(bal, "Tp/CdOrPrtry/Cd") == code:
            return _signed(_text(bal, "Amt"), _text(bal, "CdtDbtInd"))
    raise ValueError(f"no {code} balance")


def parse_camt053(data: bytes) -> list[Statement]:
    """Every statement of the document; PayrollError (field ``statement_file``) when it is not
    a readable camt.053."""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        if not etree.QName(root).namespace or "camt.053" not in etree.QName(root).namespace:
            raise ValueError("the document is not camt.053")
        statements = []
        for stmt in root.iterfind("{*}BkToCstmrStmt/{*}Stmt"):
            account = _text(stmt, "Acct/Id/IBAN") or _text(stmt, "Acct/Id/Othr/Id")
            day_from = _day(_text(stmt, "FrToDt/FrDtTm"))
            statements.append(Statement(
                _text(stmt, "Id"), int(_text(stmt, "ElctrncSeqNb") or _text(stmt, "LglSeqNb") or 0),
                account, _text(stmt, "Acct/Ccy"), day_from,
                _day(_text(stmt, "FrToDt/ToDtTm") or _text(stmt, "FrToDt/FrDtTm")),
                _balance(stmt, "OPBD"), _balance(stmt, "CLBD"),
                tuple(_entry(n) for n in stmt.iterfind("{*}Ntry")),
            ))  # fmt: skip
    except (etree.XMLSyntaxError, ValueError, InvalidOperation, TypeError, AttributeError) as error:
        raise PayrollError("statement_file", NOT_CAMT053, field="statement_file",
                           detail=str(error)[:200]) from None  # fmt: skip
    if not statements:
        raise PayrollError("statement_file", NOT_CAMT053, field="statement_file", detail="no Stmt")
    return statements
