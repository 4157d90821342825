"""The wage account's statements reconciled, and whether the account can pay what is coming.

Shanghai's rules put the client (建设单位) in charge of funding the wage account with the
labour cost (人工费) before the pay day, and topping it up when it falls short.  So two
questions are asked of every statement:

- **Reconciliation** (对账): each debit that is one of our wage payments is matched to its
  payment by reference (``EndToEndId`` = ``WL<line>-<attempt>``), batch number (``MsgId``) and
  amount; a return is matched the same way; money received is the client's labour cost
  (``funding``); anything else — a debit nobody here sent, a credit that names a payment we do
  not know, fees — is ``unmatched`` and listed for the GC manager.
- **Funding** (资金): the balance on the latest statement against the batches signed or being
  signed and not yet paid; a shortfall becomes a reminder for the GC manager (and the warnings
  dashboard) before the push is refused by the bank for insufficient funds.

The statement's own parsing is connectors/bank_statements.py; this module gets its parsed
``Statement``/``Entry`` values (attributes only) and the accounts that are the project's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.errors import InvalidInput
from domain.i18n import Text
from domain.payroll import batches
from domain.payroll.model import (
    BankStatement,
    BankSubmission,
    LinePayment,
    StatementEntry,
    SummaryFile,
    WageBatch,
    WageLineRow,
)
from domain.payroll.period import month_label

MATCHED, FUNDING, UNMATCHED = "matched", "funding", "unmatched"
NOT_THIS_ACCOUNT = Text("对账单的账户 {account} 不是本项目的工资专用账户",
                        "The statement's account {account} is not this project's wage account")  # fmt: skip
# Batches whose money is about to leave the account (signed, being signed or being sent).
UPCOMING = ("approved", "summarising", "pm_signing", "enterprise_signing", "pushing")


def store_statements(session: Session, project_id: int, parsed, content: bytes, source: str,
                     accounts: set[str], actor_id: int | None = None) -> list[BankStatement]:  # fmt: skip
    """Keep each statement of ``parsed`` not kept before (by its id) with its entries
    reconciled; refused whole when one is of another account.  Returns the new ones."""
    for st in parsed:
        if st.account not in accounts:
            raise InvalidInput("statement_account", NOT_THIS_ACCOUNT, field="statement_file",
                               account=st.account)  # fmt: skip
    new = []
    for st in parsed:
        if session.scalar(select(BankStatement.id).where(BankStatement.project_id == project_id,
                                                         BankStatement.statement_id == st.id)):  # fmt: skip
            continue
        row = BankStatement(project_id=project_id, statement_id=st.id[:35], sequence=st.sequence,
                            day_from=st.day_from, day_to=st.day_to, opening=st.opening,
                            closing=st.closing, source=source, content=content,
                            created_by=actor_id)  # fmt: skip
        session.add(row)
        session.flush()
        for entry in st.entries:
            session.add(_reconciled(session, row, entry))
        new.append(row)
    session.flush()
    return new


def _reconciled(session: Session, statement: BankStatement, e) -> StatementEntry:
    row = StatementEntry(statement_id=statement.id, ref=e.ref[:60], credit=e.credit, amount=e.amount,
                         booked=e.booked, kind=e.kind, msg_id=e.msg_id[:35],
                         end_to_end_id=e.end_to_end_id[:35], counterparty=e.counterparty[:140],
                         note=e.note[:300], state=UNMATCHED)  # fmt: skip
    if e.kind == "received":
        row.state = FUNDING
    elif e.kind in ("payment", "return") and e.end_to_end_id:
        payment = _our_payment(session, statement.project_id, e.end_to_end_id, e.msg_id, e.amount)
        if payment is not None:
            row.payment_id, row.state = payment, MATCHED
    return row


def _our_payment(session: Session, project_id: int, e2e: str, msg_id: str, amount: Decimal) -> int | None:
    """The wage payment with this reference, of this project, in the file ``msg_id`` (when the
    bank gave it), for this amount; None when there is none."""
    stmt = (
        select(LinePayment.id)
        .join(BankSubmission, BankSubmission.id == LinePayment.submission_id)
        .join(WageBatch, WageBatch.id == BankSubmission.batch_id)
        .where(LinePayment.end_to_end_id == e2e, WageBatch.project_id == project_id,
               LinePayment.amount == amount)
    )  # fmt: skip
    if msg_id:
        stmt = stmt.where(BankSubmission.msg_id == msg_id)
    return session.scalar(stmt)


def statements_of(session: Session, project_id: int) -> list[BankStatement]:
    return list(session.scalars(select(BankStatement).where(BankStatement.project_id == project_id)
                                .order_by(BankStatement.day_to.desc(), BankStatement.sequence.desc())))  # fmt: skip


def entries_of(session: Session, project_id: int, state: str | None = None, month: str | None = None):
    """The project's statement entries, newest first; by state and/or booking month."""
    stmt = (select(StatementEntry).join(BankStatement, BankStatement.id == StatementEntry.statement_id)
            .where(BankStatement.project_id == project_id))  # fmt: skip
    if state:
        stmt = stmt.where(StatementEntry.state == state)
    if month:
        first = date.fromisoformat(month + "-01")
        stmt = stmt.where(StatementEntry.booked >= first, StatementEntry.booked < _next_month(first))
    return list(session.scalars(stmt.order_by(StatementEntry.booked.desc(), StatementEntry.id.desc())))


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


@dataclass(frozen=True)
class Upcoming:
    batch_id: int
    batch_no: str
    pay_month: str
    state: str
    total: Decimal


@dataclass(frozen=True)
class Funding:
    """资金: the latest balance, what the month received and paid, and what is coming."""

    month: str
    balance: Decimal | None
    balance_day: date | None
    received: Decimal
    paid: Decimal
    upcoming: list[Upcoming]

    @property
    def upcoming_total(self) -> Decimal:
        return sum((u.total for u in self.upcoming), Decimal("0.00"))

    @property
    def shortfall(self) -> Decimal:
        """How much the account lacks for what is coming (0 when it covers it or is unknown)."""
        if self.balance is None:
            return Decimal("0.00")
        return max(self.upcoming_total - self.balance, Decimal("0.00"))


def _batch_total(session: Session, batch: WageBatch) -> Decimal:
    summary = session.scalar(select(SummaryFile.total_net).where(SummaryFile.batch_id == batch.id,
                                                                  SummaryFile.round == batch.repay_round))  # fmt: skip
    if summary is not None:
        return summary
    lines = session.scalar(select(func.sum(WageLineRow.net)).where(WageLineRow.batch_id == batch.id))
    return lines or Decimal("0.00")


def funding(session: Session, project_id: int, month: str) -> Funding:
    latest = next(iter(statements_of(session, project_id)), None)
    credits = entries_of(session, project_id, FUNDING, month)
    debits = [e for e in entries_of(session, project_id, MATCHED, month) if not e.credit]
    upcoming = [
        Upcoming(b.id, b.batch_no, b.pay_month, b.state, _batch_total(session, b))
        for b in session.scalars(select(WageBatch).where(WageBatch.project_id == project_id,
                                                         WageBatch.state.in_(UPCOMING))
                                 .order_by(WageBatch.id))
    ]  # fmt: skip
    return Funding(month, latest.closing if latest else None, latest.day_to if latest else None,
                   sum((e.amount for e in credits), Decimal("0.00")),
                   sum((e.amount for e in debits), Decimal("0.00")), upcoming)  # fmt: skip


def remind_shortfall(session: Session, project_id: int, today: date) -> int:
    """A reminder for the GC manager when the latest balance does not cover the batches coming
    (once per project, day of balance and amount); 1 when added."""
    month = f"{today:%Y-%m}"
    state = funding(session, project_id, month)
    if state.shortfall <= 0 or state.balance_day is None:
        return 0
    names = "、".join(f"{u.batch_no}（{month_label(u.pay_month)}）" for u in state.upcoming)
    message = (f"工资专用账户余额 {state.balance:,.2f} 元（{state.balance_day} 对账单）不足以支付待发工资 "
               f"{state.upcoming_total:,.2f} 元（{names}），缺口 {state.shortfall:,.2f} 元，请通知建设单位及时拨付人工费")
    key = f"funding:{project_id}:{state.balance_day}:{state.shortfall}"
    return batches.add_reminder(session, project_id, "funding_short", key, message)
