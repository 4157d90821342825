"""Settlement day (设置月工资结算日期), bank exchange batch numbers (新增银行交换批次号),
project payroll settings and reminders.

Starting the ``wage_payment`` process is not done here (domain does not know the engine): the
caller passes ``start_process(batch) -> instance id``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.access import Actor
from domain.audit import record
from domain.clock import SHANGHAI, today_in_shanghai
from domain.errors import AccessDenied, Conflict, InvalidInput, NotFound
from domain.i18n import Text
from domain.model import Project, Unit
from domain.payroll.errors import NO_BATCH, NO_PROJECT
from domain.payroll.model import (
    BATCH_KINDS,
    DEFAULT_LINE_CEILING,
    DEFAULT_PAY_FACTOR,
    Compilation,
    PayrollReminder,
    PayrollSetting,
    WageBatch,
)
from domain.payroll.paid_once import unpaid_workers
from domain.payroll.period import (
    MONTH_END,
    month_label,
    parse_pay_month,
    parse_settlement_day,
    pay_period_for,
)

SETTLEMENT_DAY_UNSET = Text("请先设置月工资结算日期", "Set the monthly settlement day first")


def get_project(session: Session, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound("unknown_project", NO_PROJECT)
    return project


def set_settlement_day(session: Session, actor: Actor, project_id: int, raw: str) -> Project:
    """设置月工资结算日期: 1–28, or "0"/"month_end" for the month end (GC manager only)."""
    actor.must("set_settlement_day", project_id)
    project = get_project(session, project_id)
    day = parse_settlement_day(raw, field="day")
    before = {"settlement_day": project.settlement_day}
    project.settlement_day = day
    record(session, actor.user_id, "payroll.settlement_day", project, before, project.id)
    return project


def settings_for(session: Session, project_id: int) -> PayrollSetting:
    found = session.get(PayrollSetting, project_id)
    return found or PayrollSetting(project_id=project_id, line_confirmation_required=True,
                                   remind_after_days=3, pay_factor=DEFAULT_PAY_FACTOR,
                                   line_ceiling=DEFAULT_LINE_CEILING, bank_adapter="iso20022")  # fmt: skip


def next_batch_number(session: Session, project: Project, pay_month: str) -> tuple[str, int]:
    """Project code + month + sequence, e.g. SH2026001-202511-01 (unique, readable)."""
    first = parse_pay_month(pay_month)
    used = session.scalar(
        select(func.max(WageBatch.sequence)).where(
            WageBatch.project_id == project.id, WageBatch.pay_month == f"{first:%Y-%m}"
        )
    )
    sequence = (used or 0) + 1
    return f"{project.code}-{first:%Y%m}-{sequence:02d}", sequence


MONTH_PAID = Text(
    "{month}已有正常发放批次 {batch_no}，同一工资月份只发放一次；漏发的工人请选择「补发」",
    "{month} already has its regular batch {batch_no}: a pay month is paid once; "
    "choose back pay for workers left out",
)
BACK_PAY_NEEDS_REGULAR = Text(
    "{month}还没有正常发放批次，请先新增正常批次",
    "{month} has no regular batch yet: create it first",
)
REGULAR_STILL_OPEN = Text(
    "{month}的正常批次 {batch_no} 仍在编制/审核中，补发须待其审核完成",
    "The regular batch {batch_no} of {month} is still being compiled: back pay comes after it",
)
NOTHING_UNPAID = Text(
    "{month}没有未发放工资的工人，无需补发", "Nobody is left unpaid for {month}: no back pay needed"
)
MONTH_IN_FUTURE = Text(
    "工资月份 {month} 晚于本月，不能发放", "Pay month {month} is after the current month"
)
MONTH_BEFORE_PROJECT = Text(
    "工资月份 {month} 早于项目创建的 {since}",
    "Pay month {month} is before the project began ({since})",
)
BAD_KIND = Text("批次类型须为正常发放或补发", "The batch kind must be regular or back pay")


def check_pay_month(project: Project, pay_month: str, today: date | None = None) -> date:
    """A real month (YYYY-MM), not after this month in Shanghai, not before the project."""
    first = parse_pay_month(pay_month, field="month")
    today = today or today_in_shanghai()
    label = month_label(first)
    if first > today.replace(day=1):
        raise InvalidInput("pay_month_in_future", MONTH_IN_FUTURE, field="month", month=label)
    began = project_began(project)
    if first < began:
        raise InvalidInput("pay_month_before_project", MONTH_BEFORE_PROJECT, field="month",
                           month=label, since=month_label(began))  # fmt: skip
    return first


def project_began(project: Project) -> date:
    """The first pay month of the project: the month it was created in (Shanghai time)."""
    created = project.created_at or datetime.now(UTC)
    return created.replace(tzinfo=UTC).astimezone(SHANGHAI).date().replace(day=1)


def regular_batch(session: Session, project_id: int, pay_month: str) -> WageBatch | None:
    """The month's one regular batch (正常发放), if it exists."""
    return session.scalar(
        select(WageBatch).where(WageBatch.project_id == project_id,
                                WageBatch.pay_month == pay_month, WageBatch.kind == "regular")
    )  # fmt: skip


def create_batch(
    session: Session,
    actor: Actor,
    project_id: int,
    pay_month: str,
    start_process: Callable[[WageBatch], int],
    kind: str = "regular",
    today: date | None = None,
) -> WageBatch:
    """新增银行交换批次号: a unique number for the pay month, one draft table per unit, and one
    ``wage_payment`` process started by ``start_process`` (the caller commits).

    A month has one regular batch; a back-pay batch (补发) of it has a table only for the units
    with workers still unpaid that month (signed in, no line in any batch of the month)."""
    actor.must("create_batch", project_id)
    project = get_project(session, project_id)
    if kind not in BATCH_KINDS:
        raise InvalidInput("invalid_batch_kind", BAD_KIND, field="kind")
    if project.settlement_day is None:
        raise Conflict("settlement_day_unset", SETTLEMENT_DAY_UNSET, field="month")
    first = check_pay_month(project, pay_month, today)
    month = f"{first:%Y-%m}"
    period = pay_period_for(first, project.settlement_day)
    units = _units_to_pay(session, project, month, period, kind)
    batch_no, sequence = next_batch_number(session, project, month)
    batch = WageBatch(
        batch_no=batch_no, project_id=project.id, pay_month=month, sequence=sequence,
        kind=kind, period_start=period.start, period_end=period.end, state="compiling",
        created_by=actor.user_id,
    )  # fmt: skip
    session.add(batch)
    for unit in units:
        batch.compilations.append(Compilation(unit=unit, state="draft"))
    session.flush()
    record(session, actor.user_id, "payroll.batch_created", batch, None, project.id)
    batch.instance_id = start_process(batch)
    return batch


def _units_to_pay(session: Session, project: Project, month: str, period, kind: str):
    """Every unit for the regular batch; for back pay the units with someone still unpaid."""
    label = month_label(month)
    regular = regular_batch(session, project.id, month)
    if kind == "regular":
        if regular is not None:
            raise Conflict("month_already_paid", MONTH_PAID, field="month", month=label,
                           batch_no=regular.batch_no)  # fmt: skip
        return list(project.units)
    if regular is None:
        raise Conflict("no_regular_batch", BACK_PAY_NEEDS_REGULAR, field="month", month=label)
    if regular.state == "compiling":
        raise Conflict("regular_batch_open", REGULAR_STILL_OPEN, field="month", month=label,
                       batch_no=regular.batch_no)  # fmt: skip
    unpaid = unpaid_workers(session, project.id, month, period)
    units = [u for u in project.units if unpaid.get(u.id)]
    if not units:
        raise Conflict("nothing_unpaid", NOTHING_UNPAID, field="month", month=label)
    return units


def process_start_data(batch: WageBatch, remind_after_days: int, poll_after: str) -> dict:
    """What the ``wage_payment`` instance starts with (ids and strings only)."""
    units = [
        {"unit_id": c.unit.id, "name": c.unit.name, "gc_own": bool(c.unit.is_gc_own)}
        for c in sorted(batch.compilations, key=lambda c: c.unit_id)
    ]
    remind = datetime.combine(batch.period_end + timedelta(days=remind_after_days), time(9, 0))
    return {
        "project_id": batch.project_id,
        "batch_id": batch.id,
        "batch_no": batch.batch_no,
        "units": units,
        "remind_at": remind.replace(tzinfo=SHANGHAI).astimezone(UTC).isoformat(),
        "poll_after": poll_after,
    }


def get_batch(session: Session, actor: Actor, batch_id: int, project_id: int | None = None):
    """A batch the actor may see (every contractor role and the enterprise on its project)."""
    batch = session.get(WageBatch, batch_id)
    if batch is None or (project_id is not None and batch.project_id != project_id):
        raise NotFound("unknown_batch", NO_BATCH)
    actor.must("view_batches", batch.project_id)
    return batch


SUMMARY_NOT_FOR_UNITS = Text(
    "汇总文件含全部单位的工资明细且已签署，不能按单位拆分；请在【编制详情】查看或导出本单位的工资表",
    "The signed summary file holds every unit's wages and cannot be cut: "
    "see or export your unit's table on its page",
)


def batch_for(session: Session, actor: Actor, batch_id: int, project_id: int, action: str):
    """A batch for a document of the whole batch (``view_summary``, ``export_bank_file``):
    refused to whoever may see only some units' wages."""
    batch = get_batch(session, actor, batch_id, project_id)
    if not actor.may(action, project_id):
        raise AccessDenied("summary_whole_batch", SUMMARY_NOT_FOR_UNITS)
    return batch


def batches_query(actor: Actor, project_id: int, query: str = "", states=None):
    """查询: the project's batches, newest first, optionally by number and by state."""
    actor.must("view_batches", project_id)
    stmt = select(WageBatch).where(WageBatch.project_id == project_id)
    if query.strip():
        stmt = stmt.where(WageBatch.batch_no.contains(query.strip()))
    if states is not None:
        stmt = stmt.where(WageBatch.state.in_(states))
    return stmt.order_by(WageBatch.id.desc())


def list_batches(session: Session, actor: Actor, project_id: int, query: str = ""):
    """Every batch of the project, newest first, optionally filtered by number."""
    return session.scalars(batches_query(actor, project_id, query)).all()


def month_choices(project: Project, today: date | None = None, count: int = 6):
    """Recent pay months with their periods, for every month picker (newest first)."""
    today = today or today_in_shanghai()
    first, out = today.replace(day=1), []
    for _ in range(count):
        key = f"{first:%Y-%m}"
        period = (
            pay_period_for(key, project.settlement_day)
            if project.settlement_day is not None
            else None
        )
        out.append((key, month_label(key), period))
        first = (first - timedelta(days=1)).replace(day=1)
    return out


def due_settlements(session: Session, today: date | None = None) -> list[tuple[Project, str]]:
    """(project, pay month) for each project whose settlement day is today and which has no
    batch number for that month yet: the scheduler puts a reminder in its GC manager's inbox
    (``settlement_reminder`` process) — a reminder, never a silent creation."""
    today = today or today_in_shanghai()
    month, due = f"{today:%Y-%m}", []
    for project in session.scalars(select(Project).where(Project.settlement_day.is_not(None))):
        if project.settlement_day is None or not _is_settlement_day(project.settlement_day, today):
            continue
        exists = session.scalar(
            select(WageBatch.id).where(WageBatch.project_id == project.id,
                                       WageBatch.pay_month == month,
                                       WageBatch.kind == "regular").limit(1)
        )  # fmt: skip
        if not exists:
            due.append((project, month))
    return due


def _is_settlement_day(day: int, today: date) -> bool:
    if day == MONTH_END:
        return (today + timedelta(days=1)).month != today.month
    return today.day == day


def add_reminder(session, project_id, kind, key, message, batch_id=None, unit_id=None) -> int:
    """Add a reminder once (its key is unique); 1 when added."""
    if session.scalar(select(PayrollReminder.id).where(PayrollReminder.key == key)):
        return 0
    session.add(PayrollReminder(project_id=project_id, kind=kind, key=key, message=message,
                                batch_id=batch_id, unit_id=unit_id))  # fmt: skip
    session.flush()
    return 1


def open_reminders(session: Session, actor: Actor, project_id: int) -> list[PayrollReminder]:
    """Reminders for what this actor can act on."""
    rows = session.scalars(
        select(PayrollReminder).where(PayrollReminder.project_id == project_id,
                                      PayrollReminder.dismissed_at.is_(None))
    ).all()  # fmt: skip
    out = []
    for r in rows:
        if r.kind == "compile_overdue" and _may_compile(session, actor, project_id, r.unit_id):
            out.append(r)
        elif r.kind == "line_returned" and actor.may("correct_lines", project_id):
            out.append(r)
        elif r.kind == "funding_short" and actor.may("set_settlement_day", project_id):
            out.append(r)
    return out


def _may_compile(session, actor: Actor, project_id: int, unit_id: int | None) -> bool:
    unit = session.get(Unit, unit_id) if unit_id else None
    return unit is not None and actor.may("compile_unit", project_id, unit)


def dismiss_reminders(session, project_id, *, kind, month=None, batch_id=None, unit_id=None):
    stmt = select(PayrollReminder).where(
        PayrollReminder.project_id == project_id, PayrollReminder.kind == kind,
        PayrollReminder.dismissed_at.is_(None),
    )  # fmt: skip
    if month:
        stmt = stmt.where(PayrollReminder.key.endswith(f":{month}"))
    if batch_id:
        stmt = stmt.where(PayrollReminder.batch_id == batch_id)
    if unit_id:
        stmt = stmt.where(PayrollReminder.unit_id == unit_id)
    for r in session.scalars(stmt):
        r.dismissed_at = datetime.now(UTC).replace(tzinfo=None)
