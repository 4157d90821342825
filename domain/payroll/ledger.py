"""The wage ledger (工资支付台账) of a project and pay month: 条例 Art. 15 and the Shanghai
ledger notice (《关于在本市建筑工程开展人工费支付台账和工资支付台账登记的通知》).

One row per worker line of every unit's reviewed table of the month — the regular batch and
every back-pay batch (补发), each line with the bank's latest answer, so a re-paid line shows the
reference that paid it. Only tables the general contractor approved are ledger entries; a table
still being compiled is not. ``ledger_of`` is pure over the rows; ``ledger_for`` looks them up
in the actor's scope: the GC side every unit, a subcontractor his own unit only (the query
itself is limited to the units he may see).

Privacy: the ID number and the card are masked on the page and in both exports (个人信息保护法:
an export is a file that travels); the system keeps the full values behind the masked ones, in
the real-name register the ledger's names come from.

Retention: the rows behind the ledger are never deleted (``domain.retention``) and are kept at
least three years after the project ends (``RETENTION_NOTE``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.access import Actor
from domain.masking import mask_card, mask_id_number, mask_phone
from domain.model import Person, Project
from domain.payroll import confirmation
from domain.payroll.batches import get_project
from domain.payroll.documents import Attempt, WorkAndPay, attempts_of, local_time, work_and_pay
from domain.payroll.model import Compilation, WageBatch, WageLineRow
from domain.payroll.period import parse_pay_month
from domain.retention import RETENTION_NOTE

__all__ = ["RETENTION_NOTE", "Ledger", "LedgerRow", "Totals", "ledger_for", "ledger_months"]

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LedgerRow(WorkAndPay):
    """One worker line of the ledger."""

    unit: str
    batch_no: str
    back_pay: bool
    masked_id: str
    masked_phone: str
    status: str  # the line's bank status: none | sent | paid | rejected | returned
    status_reason: str
    paid_at: datetime | None  # Shanghai time the bank reported the line paid
    bank_name: str
    masked_card: str
    end_to_end_id: str  # the bank payment reference of the latest attempt
    msg_id: str
    confirmation: str = ""  # the worker's own confirmation (条例 Art. 31): a state of CONFIRM


@dataclass(frozen=True)
class Totals:
    """Sums of a unit's rows, or the project's."""

    label: str
    count: int
    gross: Decimal
    deductions: Decimal
    net: Decimal
    paid: Decimal  # net of the lines the bank reported paid

    @classmethod
    def of(cls, label: str, rows: list[LedgerRow]) -> Totals:
        def total(values) -> Decimal:
            return sum((v for v in values if v is not None), ZERO)

        return cls(label, len(rows), total(r.gross for r in rows),
                   total(r.deductions for r in rows), total(r.net for r in rows),
                   total(r.net for r in rows if r.status == "paid"))  # fmt: skip


@dataclass(frozen=True)
class Ledger:
    """工资支付台账 of one project and pay month (in the viewer's scope)."""

    gc_name: str
    project: str
    pay_month: str
    rows: tuple[LedgerRow, ...]
    generated_at: datetime  # Shanghai time

    @property
    def units(self) -> list[Totals]:
        names = list(dict.fromkeys(r.unit for r in self.rows))
        return [Totals.of(n, [r for r in self.rows if r.unit == n]) for n in names]

    @property
    def total(self) -> Totals:
        return Totals.of(self.project, list(self.rows))


def _latest(line: WageLineRow, attempts: list[Attempt]) -> Attempt | None:
    """The attempt that paid the line, else its latest attempt."""
    own = [a for a in attempts if a[0].line_id == line.id]
    paid = [a for a in own if a[0].status == "paid"]
    return max(paid or own, key=lambda a: a[0].attempt, default=None)


def ledger_row(line: WageLineRow, unit: str, batch: WageBatch, phone: str,
               attempts: list[Attempt]) -> LedgerRow:  # fmt: skip
    found = _latest(line, attempts)
    payment, msg_id = found if found is not None else (None, "")
    paid = payment is not None and payment.status == "paid" and line.bank_status == "paid"
    reason = line.bank_reason or "" if line.bank_status in ("rejected", "returned") else ""
    return LedgerRow(
        **work_and_pay(line), unit=unit, batch_no=batch.batch_no,
        back_pay=batch.kind == "back_pay", masked_id=mask_id_number(line.id_number),
        masked_phone=mask_phone(phone), status=line.bank_status, status_reason=reason,
        paid_at=local_time(payment.updated_at) if paid and payment is not None else None,
        bank_name=line.bank_name,
        masked_card=mask_card(payment.bank_card if payment is not None else line.bank_card),
        end_to_end_id=payment.end_to_end_id if payment is not None else "", msg_id=msg_id,
    )  # fmt: skip


# The worker's confirmation of his line, as the ledger names it.
CONFIRM = {"confirmed": "手机确认", "paper": "纸质签字", "resolved": "异议已答复未确认",
           "disputed": "有异议", "pending": "未确认"}  # fmt: skip


def ledger_of(project: Project, pay_month: str, lines: list[tuple[WageLineRow, Compilation]],
              phones: dict[int, str], attempts: list[Attempt], now: datetime,
              confirmed: dict[int, str] | None = None) -> Ledger:  # fmt: skip
    rows = tuple(replace(ledger_row(line, comp.unit.name, comp.batch,
                                    phones.get(line.person_id, ""), attempts),
                         confirmation=(confirmed or {}).get(line.id, ""))
                 for line, comp in lines)  # fmt: skip
    return Ledger(gc_name=project.general_contractor.name, project=project.name,
                  pay_month=pay_month, rows=rows, generated_at=now)  # fmt: skip


def visible_unit_ids(actor: Actor, project: Project) -> list[int]:
    """The units whose tables the actor may see: the GC side every unit, a subcontractor his."""
    return [u.id for u in project.units if actor.may("view_unit_table", project.id, u)]


def ledger_for(session: Session, actor: Actor, project_id: int, month: str,
               now: datetime) -> Ledger:  # fmt: skip
    """The ledger of the project's pay month, limited to the units the actor may see."""
    project = get_project(session, project_id)
    actor.must("view_ledger", project_id)
    pay_month = f"{parse_pay_month(month, field='month'):%Y-%m}"
    units = visible_unit_ids(actor, project)
    lines = list(session.execute(
        select(WageLineRow, Compilation)
        .join(Compilation, Compilation.id == WageLineRow.compilation_id)
        .join(WageBatch, WageBatch.id == Compilation.batch_id)
        .where(WageBatch.project_id == project_id, WageBatch.pay_month == pay_month,
               Compilation.state == "approved", Compilation.unit_id.in_(units))
        .order_by(Compilation.unit_id, WageBatch.sequence, WageLineRow.id)
    ).tuples())  # fmt: skip
    people = {line.person_id for line, _ in lines}
    phones: dict[int, str] = {}
    if people:
        phones = {pid: phone for pid, phone in session.execute(
            select(Person.id, Person.phone).where(Person.id.in_(people)))}  # fmt: skip
    attempts = attempts_of(session, [line.id for line, _ in lines])
    states = confirmation.states_for(session, [line for line, _ in lines])
    return ledger_of(project, pay_month, lines, phones, attempts, now,
                     {i: s.state for i, s in states.items()})  # fmt: skip


def ledger_months(session: Session, project_id: int) -> list[str]:
    """The pay months that have a batch on the project, newest first (the month picker)."""
    return list(session.scalars(
        select(WageBatch.pay_month).distinct().where(WageBatch.project_id == project_id)
        .order_by(WageBatch.pay_month.desc())
    ))  # fmt: skip
