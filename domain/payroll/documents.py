"""Wage documents after payment: the worker's payslip (工资清单, 条例 Art. 15) and the payment
voucher (代发工资凭证, Art. 31) the general contractor gives a subcontractor for its workers.

``payslip_of`` and ``voucher_of`` are pure functions over the rows; the ``*_for`` functions
look the rows up and check who may see them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.access import Actor
from domain.clock import shanghai_time
from domain.errors import Conflict, NotFound
from domain.i18n import Text
from domain.masking import mask_card, mask_id_number
from domain.model import Project, Unit
from domain.payroll.batches import get_batch
from domain.payroll.compile import get_compilation
from domain.payroll.errors import NO_LINE
from domain.payroll.model import BankSubmission, Compilation, LinePayment, WageBatch, WageLineRow

PAID = "paid"
FINAL = ("paid", "rejected", "returned")
NOT_PAID = Text("这笔工资尚未由银行支付", "This wage has not been paid by the bank yet")
BATCH_NOT_PAID = Text("该批次尚未全部支付，工资清单在支付后提供",
                      "Payslips are available once the whole batch is paid")  # fmt: skip
NOTHING_PAID = Text("该单位在本批次还没有银行结果，支付后才有代发凭证",
                    "No bank result for this unit in this batch yet: the voucher comes after payment")  # fmt: skip
NO_UNIT = Text("该批次没有这个单位", "This batch has no such unit")

Attempt = tuple[LinePayment, str]  # a payment attempt and its file's MsgId


@dataclass(frozen=True)
class WorkAndPay:
    """What a worker's line says about his work and pay (the payslip's and the ledger's)."""

    worker_name: str
    trade: str
    days: int
    makeup_days: int
    day_rate: Decimal | None
    gross: Decimal | None
    deductions: Decimal | None
    deduction_reason: str
    net: Decimal | None

    @property
    def days_worked(self) -> int:
        """Days paid for: signed-in days plus make-up days (补签)."""
        return self.days + self.makeup_days


def work_and_pay(line: WageLineRow) -> dict:
    """The ``WorkAndPay`` fields of a line, as keyword arguments."""
    return dict(worker_name=line.worker_name, trade=line.trade, days=line.days,
                makeup_days=line.makeup_days, day_rate=line.day_rate, gross=line.gross,
                deductions=line.deductions, deduction_reason=line.deduction_reason or "",
                net=line.net)  # fmt: skip


@dataclass(frozen=True)
class Payslip(WorkAndPay):
    """One worker's 工资清单 for one pay month."""

    employer: str
    project: str
    pay_month: str
    period_start: date
    period_end: date
    masked_id: str
    paid_at: datetime | None  # Shanghai time the bank reported the line paid
    masked_card: str
    bank_name: str
    batch_no: str
    end_to_end_id: str
    msg_id: str


@dataclass(frozen=True)
class VoucherRow:
    """One payment attempt with the bank's final answer."""

    worker_name: str
    masked_id: str
    masked_card: str
    amount: Decimal
    status: str  # paid | rejected | returned
    answered_at: datetime
    end_to_end_id: str
    msg_id: str
    reason: str


@dataclass(frozen=True)
class Voucher:
    """代发工资凭证: what the GC paid from the wage account to one unit's workers in a batch."""

    gc_name: str
    project: str
    wage_bank: str
    wage_account: str
    unit: str
    batch_no: str
    pay_month: str
    rows: tuple[VoucherRow, ...]

    @property
    def paid_total(self) -> Decimal:
        return sum((r.amount for r in self.rows if r.status == PAID), Decimal("0.00"))

    @property
    def paid_count(self) -> int:
        return sum(1 for r in self.rows if r.status == PAID)

    @property
    def unpaid_count(self) -> int:
        return len(self.rows) - self.paid_count


def local_time(stored: datetime) -> datetime:
    """A stored naive UTC timestamp as naive Shanghai time (what the documents print)."""
    return shanghai_time(stored.replace(tzinfo=UTC)).replace(tzinfo=None)


def paid_attempt(line: WageLineRow, attempts: list[Attempt]) -> Attempt | None:
    """The attempt of the line that the bank reported paid (its latest one), if any."""
    paid = [(p, m) for p, m in attempts if p.line_id == line.id and p.status == PAID]
    return max(paid, key=lambda a: a[0].attempt, default=None)


def payslip_of(line: WageLineRow, unit: Unit, batch: WageBatch, project: Project,
               attempts: list[Attempt]) -> Payslip:  # fmt: skip
    """The payslip of a line paid by the bank (``NOT_PAID`` otherwise)."""
    found = paid_attempt(line, attempts) if line.bank_status == PAID else None
    if found is None:
        raise Conflict("wage_not_paid", NOT_PAID)
    payment, msg_id = found
    return Payslip(
        **work_and_pay(line), employer=unit.name, project=project.name,
        pay_month=batch.pay_month, period_start=batch.period_start, period_end=batch.period_end,
        masked_id=line.masked_id, paid_at=local_time(payment.updated_at), masked_card=payment.masked_card,
        bank_name=line.bank_name, batch_no=batch.batch_no,
        end_to_end_id=payment.end_to_end_id, msg_id=msg_id,
    )  # fmt: skip


def voucher_of(batch: WageBatch, project: Project, unit: Unit, lines: list[WageLineRow],
               attempts: list[Attempt]) -> Voucher:  # fmt: skip
    """The unit's voucher: every attempt of its lines the bank answered, in line order."""
    by_id = {line.id: line for line in lines}
    rows = tuple(
        VoucherRow(
            worker_name=by_id[p.line_id].worker_name,
            masked_id=mask_id_number(by_id[p.line_id].id_number),
            masked_card=mask_card(p.bank_card), amount=p.amount, status=p.status,
            answered_at=local_time(p.updated_at), end_to_end_id=p.end_to_end_id,
            msg_id=msg_id, reason=" ".join(x for x in (p.reason_code, p.reason_text) if x),
        )
        for p, msg_id in attempts
        if p.line_id in by_id and p.status in FINAL
    )  # fmt: skip
    if not rows:
        raise Conflict("nothing_paid", NOTHING_PAID)
    account = project.wage_account_no
    return Voucher(
        gc_name=project.general_contractor.name, project=project.name,
        wage_bank=project.wage_bank_name, wage_account=account, unit=unit.name,
        batch_no=batch.batch_no, pay_month=batch.pay_month, rows=rows,
    )  # fmt: skip


def attempts_of(session: Session, line_ids: list[int]) -> list[Attempt]:
    """Every payment attempt of these lines with its file's MsgId, by line then attempt."""
    if not line_ids:
        return []
    return list(session.execute(
        select(LinePayment, BankSubmission.msg_id)
        .join(BankSubmission, BankSubmission.id == LinePayment.submission_id)
        .where(LinePayment.line_id.in_(line_ids))
        .order_by(LinePayment.line_id, LinePayment.attempt)
    ).tuples())  # fmt: skip


def my_payslip(session: Session, actor: Actor, line_id: int) -> Payslip:
    """工资条 on the worker's phone: only his own line, once the bank paid it."""
    line = session.get(WageLineRow, line_id)
    if line is None or actor.person_id is None or line.person_id != actor.person_id:
        raise NotFound("unknown_wage_line", NO_LINE)
    comp = line.compilation
    return payslip_of(line, comp.unit, comp.batch, comp.batch.project,
                      attempts_of(session, [line.id]))  # fmt: skip


def unit_payslips(session: Session, actor: Actor, compilation_id: int,
                  project_id: int) -> list[Payslip]:  # fmt: skip
    """The payslips of a unit's paid lines, for whoever may see the unit's table, once the
    whole batch is paid."""
    comp = get_compilation(session, actor, compilation_id, project_id)
    if comp.batch.state != PAID:
        raise Conflict("batch_not_paid", BATCH_NOT_PAID)
    attempts = attempts_of(session, [line.id for line in comp.lines])
    return [payslip_of(line, comp.unit, comp.batch, comp.batch.project, attempts)
            for line in comp.lines if line.bank_status == PAID]  # fmt: skip


def unit_voucher(session: Session, actor: Actor, batch_id: int, unit_id: int,
                 project_id: int) -> Voucher:  # fmt: skip
    """The voucher of one unit of a batch: the GC side for every unit, a subcontractor for
    his own (the scope of the unit's table)."""
    batch = get_batch(session, actor, batch_id, project_id)
    comp = next((c for c in batch.compilations if c.unit_id == unit_id), None)
    if comp is None:
        raise NotFound("unknown_unit", NO_UNIT)
    comp = get_compilation(session, actor, comp.id, project_id)
    lines = list(comp.lines)
    return voucher_of(batch, batch.project, comp.unit, lines,
                      attempts_of(session, [line.id for line in lines]))  # fmt: skip


def answered_units(session: Session, batch: WageBatch) -> set[int]:
    """Units of the batch with at least one payment the bank answered (they have a voucher)."""
    return set(session.scalars(
        select(Compilation.unit_id).distinct()
        .join(WageLineRow, WageLineRow.compilation_id == Compilation.id)
        .join(LinePayment, LinePayment.line_id == WageLineRow.id)
        .where(Compilation.batch_id == batch.id, LinePayment.status.in_(FINAL))
    ))  # fmt: skip
