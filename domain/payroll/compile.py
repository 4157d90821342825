"""新增编制: a unit's wage table from the sign-ins of the pay period; draft, Excel, submit.

Lines are rows (``WageLineRow``); the checks of ``lines.py`` run on ``WageLine`` views of them.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sqlalchemy import Row, case, func, select
from sqlalchemy.orm import Session, object_session

from domain import gates
from domain.access import Actor
from domain.audit import record
from domain.db import utcnow
from domain.errors import Conflict, DomainError, InvalidInput, NotFound
from domain.i18n import Text
from domain.model import Person
from domain.payroll import confirmation, excel
from domain.payroll.amount_limits import amount_limits
from domain.payroll.cards import card_findings, refresh_line_cards
from domain.payroll.errors import NO_COMPILATION
from domain.payroll.lines import (
    ERROR,
    TEXT_LIMITS,
    Finding,
    WageLine,
    has_errors,
    validate_lines,
)
from domain.payroll.model import Compilation, TradeRate, WageBatch, WageLineRow
from domain.payroll.money import MAX_AMOUNT, format_yuan, is_money, parse_amount, round_fen
from domain.payroll.paid_once import people_with_line
from domain.payroll.period import PayPeriod
from domain.roster import site as roster_site
from domain.signin.model import Attendance

EDITABLE_STATES = ("draft", "rejected")
# Platform default day rates (工种日工资, yuan) when neither project nor platform table has one.
DEFAULT_DAY_RATES = {
    "钢筋工": "420.00", "木工": "400.00", "混凝土工": "380.00", "架子工": "410.00",
    "砌筑工": "370.00", "电工": "430.00", "焊工": "450.00", "普工": "300.00",
}  # fmt: skip
# The card is not among them: a line is paid to the card on the worker's record, which only the
# worker changes (domain/payroll/cards.py); no compiler types a card into a payment line.
EDIT_FIELDS = ("day_rate", "gross", "deductions", "deduction_reason", "net", "amount_reason")
AMOUNT_CELLS = ("day_rate", "gross", "deductions", "net")
COLUMN_LABELS = {
    "day_rate": Text("日工资", "day rate"), "gross": Text("应发工资", "gross pay"),
    "deductions": Text("扣款金额", "deductions"), "deduction_reason": Text("扣款原因", "deduction reason"),
    "net": Text("实发工资", "net pay"), "bank_card": Text("工资卡号", "bank card"),
    "bank_name": Text("开户银行", "bank name"), "bank_cnaps": Text("联行号", "CNAPS code"),
    "amount_reason": Text("金额说明", "amount reason"),
}  # fmt: skip
FINDING_CELLS = {"cnaps": "bank_cnaps"}  # a check's field → the table's input
INPUT_FIELDS = {"bank_cnaps": "cnaps"}  # the table's input → the line's field
LOCKED = Text("该编制已提交审核，不能修改", "This table has been submitted and is locked")
NOT_COMPILED = Text("请先点击【新增编制】生成工人名单", "Compile the table from sign-ins first")
CELL_REFUSED = Text(
    "第 {row} 行（{name}）{column}：{detail}", "Row {row} ({name}) {column}: {detail}"
)
CELLS_REFUSED = Text(
    "有 {n} 处填写不正确，第一处：第 {row} 行（{name}）{column}：{detail}",
    "{n} cells are wrong; the first: row {row} ({name}) {column}: {detail}",
)
TOTAL_TOO_LARGE = Text(
    "本表{column}合计 {total} 超出可记录的最大金额 {max}",
    "The table's total {column} {total} is more than the largest amount {max}",
)
TABLE_HAS_ERRORS = Text(
    "有 {n} 处错误，第一处：第 {row} 行 {msg}", "{n} errors; first: row {row} {msg}"
)
NOT_COUNTED = Text(
    "未列入编制：{name}本周期 {days} 天签到均不计入（{why}）",
    "Left out of the table: none of {name}'s {days} sign-ins of the period count ({why})",
)
DAYS_NOT_COUNTED = Text(
    "{name}有 {days} 天签到不计入出勤（{why}）",
    "{days} of {name}'s sign-ins are not counted ({why})",
)


def cell_name(line_id, field: str) -> str:
    """The name of a cell of the wage table as the page posts it: ``l-<line id>-<field>``."""
    return f"l-{line_id}-{field}"


def cells_from_form(items) -> dict[str, dict[str, str]]:
    """The posted cells (name → text pairs) as line id → {field: text}; other names ignored."""
    lines: dict[str, dict[str, str]] = {}
    for key, value in items:
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == "l" and parts[2] in EDIT_FIELDS:
            lines.setdefault(parts[1], {})[parts[2]] = value
    return lines


def get_compilation(session: Session, actor: Actor, compilation_id: int, project_id=None):
    """A unit's table the actor may see (its unit's people and the GC side)."""
    comp = session.get(Compilation, compilation_id)
    if comp is None or (project_id is not None and comp.batch.project_id != project_id):
        raise NotFound("unknown_compilation", NO_COMPILATION)
    actor.must("view_unit_table", comp.batch.project_id, comp.unit)
    return comp


def visible_compilations(session: Session, actor: Actor, batch: WageBatch) -> list[Compilation]:
    return [
        c for c in batch.compilations
        if actor.may("view_unit_table", batch.project_id, c.unit)
    ]  # fmt: skip


def require_compiler(actor: Actor, comp: Compilation) -> None:
    actor.must("compile_unit", comp.batch.project_id, comp.unit)


def require_editable(comp: Compilation) -> None:
    if comp.state not in EDITABLE_STATES:
        raise Conflict("table_locked", LOCKED)


def day_rates_for(session: Session, project_id: int, trades) -> dict[str, Decimal]:
    """trade → default day rate for many trades at once (project, then platform, then the
    built-in defaults): one query instead of one per worker."""
    out = {t: Decimal(v) for t, v in DEFAULT_DAY_RATES.items() if t in trades}
    rows = session.scalars(
        select(TradeRate).where(TradeRate.trade.in_(list(trades)),
                                (TradeRate.project_id == project_id) | TradeRate.project_id.is_(None))
    ).all() if trades else []  # fmt: skip
    for rate in sorted(rows, key=lambda r: r.project_id is not None):  # the project's rate wins
        out[rate.trade] = rate.day_rate
    return out


def attendance_counts(session: Session, project_id: int, unit_id: int, period: PayPeriod):
    """person id → (days signed in, make-up days) in the period, for one unit."""
    makeup = func.sum(case((Attendance.makeup.is_(True), 1), else_=0))
    rows = session.execute(
        select(Attendance.person_id, func.count(), makeup)
        .where(Attendance.project_id == project_id, Attendance.unit_id == unit_id,
               Attendance.day >= period.start, Attendance.day <= period.end)
        .group_by(Attendance.person_id)
    )  # fmt: skip
    return {pid: (int(total) - int(mk or 0), int(mk or 0)) for pid, total, mk in rows}


def counted_attendance(session: Session, comp: Compilation
                       ) -> tuple[dict[int, tuple[int, int]], list[gates.Finding]]:  # fmt: skip
    """person id → (days signed in, make-up days) of the period that count: the days the worker
    held a labour contract in force and was on site (``domain.roster.site``: entered, not yet
    exited); and a note for each worker with days that do not count, saying why."""
    batch = comp.batch
    in_period = (Attendance.project_id == batch.project_id, Attendance.unit_id == comp.unit_id,
                 Attendance.day >= batch.period_start, Attendance.day <= batch.period_end)  # fmt: skip
    makeup = func.sum(case((Attendance.makeup.is_(True), 1), else_=0))
    spans = session.execute(
        select(Attendance.person_id, func.min(Attendance.day), func.max(Attendance.day),
               func.count(), makeup)
        .where(*in_period).group_by(Attendance.person_id)
    ).tuples().all()  # fmt: skip
    records = roster_site.records_for(session, batch.project_id, comp.unit.enterprise_id,
                                      [pid for pid, *_ in spans])  # fmt: skip
    counts: dict[int, tuple[int, int]] = {}
    checked = []  # the workers whose first to last sign-in one contract and stint do not cover
    for person_id, first, last, total, made_up in spans:
        if records[person_id].covers(first, last):  # the usual case: every day counts
            counts[person_id] = (int(total) - int(made_up or 0), int(made_up or 0))
        else:
            checked.append(person_id)
    notes: list[gates.Finding] = []
    for person_id, signed in _days_of(session, in_period, checked).items():
        record = records[person_id]
        refused = [(d, record.refusal(d)) for d, _ in signed]
        kept = [mk for (_, mk), (_, why) in zip(signed, refused, strict=True) if why is None]
        left = [why for _, why in refused if why is not None]
        if kept:
            counts[person_id] = (len(kept) - sum(kept), sum(kept))
        if left:
            text = DAYS_NOT_COUNTED if kept else NOT_COUNTED
            notes.append(gates.Finding(left[0].reason, text, {
                "name": record.name, "days": len(left), "why": roster_site.short(left[0])}))
    return counts, notes


def _days_of(session: Session, in_period, person_ids: list[int]) -> dict[int, list[tuple]]:
    """person id → [(day, make-up)] of the period, in person then day order."""
    days: dict[int, list[tuple]] = {}
    ids = sorted(person_ids)
    for start in range(0, len(ids), 1000):
        for person_id, day, makeup in session.execute(
            select(Attendance.person_id, Attendance.day, Attendance.makeup)
            .where(*in_period, Attendance.person_id.in_(ids[start:start + 1000]))
            .order_by(Attendance.person_id, Attendance.day)
        ).tuples():  # fmt: skip
            days.setdefault(person_id, []).append((day, bool(makeup)))
    return days


def compile_from_attendance(session: Session, actor: Actor, compilation_id: int) -> Compilation:
    """新增编制: list every worker of the unit who signed in during the period, with days and
    make-up days; amounts default to the trade's day rate × days.  Amounts already filled for
    a worker are kept when the table is compiled again.  A worker who already has a line for
    the pay month in another table (any batch) is left out: a month is paid once; so is a
    worker whose age keeps him off site in the period (``left_out_by_age`` says why). Only the
    days with a labour contract in force and on site count (``left_out_by_roster`` says
    which do not, and why).  A line already on the table whose worker is no longer listed is
    cleared, never deleted."""
    comp = get_compilation(session, actor, compilation_id)
    require_compiler(actor, comp)
    require_editable(comp)
    batch = comp.batch
    counts, _notes = counted_attendance(session, comp)
    existing = {line.person_id: line for line in comp.lines}
    for person_id in people_with_line(session, batch.project_id, batch.pay_month, comp.id):
        counts.pop(person_id, None)
    people = session.scalars(select(Person).where(Person.id.in_(counts))).all() if counts else []
    people = [p for p in people if _age_refusal(p, batch) is None]
    rates = day_rates_for(session, batch.project_id, {p.trade for p in people})  # one query
    for person in sorted(people, key=lambda p: p.id):
        days, makeup = counts[person.id]
        line = existing.pop(person.id, None)
        if line is None:
            line = _new_line(comp, person, days + makeup, rates.get(person.trade))
            session.add(line)
        line.days, line.makeup_days = days, makeup
    confirmation.forget_lines(session, [gone.id for gone in existing.values()])
    for gone in existing.values():  # no longer listed: kept (lines are never deleted), unpaid
        _clear(gone)
    comp.compiled_at = utcnow()
    session.flush()
    record(session, actor.user_id, "payroll.compiled", comp, None, batch.project_id)
    return comp


def _clear(line: WageLineRow) -> None:
    """A line whose worker the table no longer lists (no sign-in left for the unit in the
    period, or his age keeps him off site): no days and nothing to pay, so it is not sent to
    the bank; the row stays, as every wage line does (``domain.retention``)."""
    line.days = line.makeup_days = 0
    line.gross = line.net = line.deductions = Decimal("0.00")
    line.deduction_reason = line.amount_reason = ""


def _age_refusal(person: Person, batch: WageBatch) -> gates.Finding | None:
    return gates.refusal_in_period(person.id_number, batch.period_start, batch.period_end,
                                   person.name)  # fmt: skip


def left_out_by_age(session: Session, comp: Compilation) -> list[gates.Finding]:
    """The workers of the unit who signed in during the period but are left out of the table
    because of their age (under 18, over the site age), each with the reason."""
    batch = comp.batch
    counts = attendance_counts(session, batch.project_id, comp.unit_id,
                               PayPeriod(batch.period_start, batch.period_end))  # fmt: skip
    if not counts:
        return []
    people = session.scalars(select(Person).where(Person.id.in_(counts)).order_by(Person.id))
    return [f for f in (_age_refusal(p, batch) for p in people) if f is not None]


def left_out_by_roster(session: Session, comp: Compilation) -> list[gates.Finding]:
    """The workers of the unit with sign-ins in the period that do not count (no labour
    contract in force that day, not yet entered, exited before it), with how many and why."""
    return counted_attendance(session, comp)[1]


def _new_line(comp: Compilation, person: Person, days_worked: int, rate) -> WageLineRow:
    gross = round_fen(rate * days_worked) if rate is not None else None
    if gross is not None and not is_money(gross):  # beyond what the column holds: left to fill
        gross = None
    return WageLineRow(
        compilation_id=comp.id, batch_id=comp.batch_id, person_id=person.id,
        project_id=comp.batch.project_id, pay_month=comp.batch.pay_month,
        worker_name=person.name, id_number=person.id_number, trade=person.trade,
        day_rate=rate, gross=gross, deductions=Decimal("0.00"), deduction_reason="",
        net=gross, bank_card=person.bank_card, bank_name=person.bank_name,
        bank_cnaps=person.bank_cnaps, bank_status="none",
    )  # fmt: skip


def as_wage_line(row: WageLineRow | Row, unit_name: str = "") -> WageLine:
    """A line of the table (an entity, or a row of its columns) as the checks see it."""
    return WageLine(
        line_id=row.id, worker_name=row.worker_name, id_number=row.id_number, trade=row.trade,
        unit=unit_name, days=row.days, makeup_days=row.makeup_days, day_rate=row.day_rate,
        gross=row.gross, deductions=row.deductions, deduction_reason=row.deduction_reason or "",
        net=row.net, bank_card=row.bank_card, bank_name=row.bank_name, cnaps=row.bank_cnaps,
        amount_reason=row.amount_reason or "",
    )  # fmt: skip


def findings_for(comp: Compilation) -> list[Finding]:
    """Every check's finding on the table (the page, the reviewers and submit show the same)."""
    period = PayPeriod(comp.batch.period_start, comp.batch.period_end)
    limits = amount_limits(object_session(comp), comp.batch.project_id)
    lines = [as_wage_line(r, comp.unit.name) for r in comp.lines]
    found = validate_lines(lines, period, limits=limits)
    session = object_session(comp)
    assert session is not None  # a table read from the database
    return found + card_findings(session, comp.batch.project_id, comp.lines)


def save_draft(session: Session, actor: Actor, compilation_id: int, form: dict[str, dict]):
    """Save edited cells: ``form`` maps line id → {field: text} (see ``cells_from_form``).

    Every cell is checked; a bad amount or a too long text refuses the whole save, naming the
    row and column of the first bad cell and every bad cell's input (``cell_name``), so that
    nothing is half-saved. The rule checks are shown, not enforced, until submit."""
    comp = get_compilation(session, actor, compilation_id)
    require_compiler(actor, comp)
    require_editable(comp)
    rows = {str(r.id): (number, r) for number, r in enumerate(comp.lines, start=1)}
    changes: list[tuple[WageLineRow, str, object]] = []
    refusals: list[tuple[int, WageLineRow, str, DomainError]] = []
    for line_id, values in form.items():
        number, row = rows.get(str(line_id), (0, None))
        if row is None:
            continue
        for field in EDIT_FIELDS:
            if field in values:
                try:
                    changes.append((row, field, _cell_value(field, values[field])))
                except DomainError as refusal:
                    refusals.append((number, row, field, refusal))
    if refusals:  # nothing is changed
        refusals.sort(key=lambda r: (r[0], EDIT_FIELDS.index(r[2])))
        number, row, field, first = refusals[0]
        raise InvalidInput(
            first.reason, CELLS_REFUSED if len(refusals) > 1 else CELL_REFUSED,
            field=cell_name(row.id, field), fields=[cell_name(r.id, f) for _, r, f, _ in refusals],
            n=len(refusals), row=number, name=row.worker_name, column=COLUMN_LABELS[field],
            detail=first,
        )  # fmt: skip
    for row, field, value in changes:
        setattr(row, field, value)
    session.flush()
    return comp


def _cell_value(field: str, raw):
    """A typed cell as stored: an amount (empty: none, 0 for deductions) or a bounded text."""
    text = (raw or "").strip()
    if field in AMOUNT_CELLS:
        if text == "":
            return Decimal("0.00") if field == "deductions" else None
        return parse_amount(text)
    limit = TEXT_LIMITS[INPUT_FIELDS.get(field, field)]
    if len(text) > limit:
        raise InvalidInput("text_too_long", excel.TOO_LONG, max=limit)
    return text


def export_excel(session: Session, actor: Actor, compilation_id: int) -> tuple[str, bytes]:
    comp = get_compilation(session, actor, compilation_id)
    title = f"{comp.batch.batch_no} {comp.unit.name} 工资编制表"
    lines = [replace(as_wage_line(r, comp.unit.name), bank_card=r.masked_card) for r in comp.lines]
    data = excel.export_compile_table(lines, title)  # full card numbers only in the bank files
    return f"{comp.batch.batch_no}-{comp.unit_id}.xlsx", data


def import_excel(session: Session, actor: Actor, compilation_id: int, data: bytes):
    """Merge an edited export; returns the per-cell errors (nothing applied from a bad row)."""
    comp = get_compilation(session, actor, compilation_id)
    require_compiler(actor, comp)
    require_editable(comp)
    existing = [as_wage_line(r, comp.unit.name) for r in comp.lines]
    merged, errors = excel.import_compile_table(data, existing)
    rows = {r.id: r for r in comp.lines}
    for line in merged:
        row = rows[line.line_id]
        for field in ("day_rate", "gross", "deductions", "net", "amount_reason"):
            setattr(row, field, getattr(line, field))
        row.deduction_reason = line.deduction_reason
    session.flush()
    return errors


def submit(session: Session, actor: Actor, compilation_id: int) -> Compilation:
    """提交审核: refused while any line has an error, and (when the project requires it) while a
    worker has not confirmed his line or his dispute is open; warnings go to the reviewers."""
    comp = get_compilation(session, actor, compilation_id)
    require_compiler(actor, comp)
    require_editable(comp)
    if comp.compiled_at is None:
        raise Conflict("not_compiled", NOT_COMPILED)
    # the card on each worker's record now (he may have changed it)
    refresh_line_cards(session, comp.lines)
    _check_totals(comp)
    errors = [f for f in findings_for(comp) if f.severity == ERROR]
    if has_errors(errors):
        first = errors[0]
        cells = [cell_name(f.line_id, FINDING_CELLS.get(f.field, f.field)) for f in errors]
        raise InvalidInput("table_has_errors", TABLE_HAS_ERRORS, fields=cells, n=len(errors),
                           row=first.row, msg=first)  # fmt: skip
    confirmation.require_confirmed(session, comp)
    comp.state = "sub_approved" if comp.unit.is_gc_own else "submitted"
    comp.reject_reason = None
    comp.submitted_by, comp.submitted_at = actor.user_id, utcnow()
    record(session, actor.user_id, "payroll.submitted", comp, None, comp.batch.project_id)
    return comp


def _check_totals(comp: Compilation) -> None:
    """Each sum of the table fits the money columns (the summary file records the sums)."""
    sums = totals(comp.lines)
    for field in ("gross", "net"):
        if sums[field] > MAX_AMOUNT:
            raise InvalidInput("total_too_large", TOTAL_TOO_LARGE, field=field,
                               column=COLUMN_LABELS[field], total=format_yuan(sums[field]),
                               max=format_yuan(MAX_AMOUNT))  # fmt: skip


def totals(lines) -> dict:
    """Headcount and sums of a list of rows or WageLines."""
    count = 0
    sums = {"gross": Decimal("0.00"), "deductions": Decimal("0.00"), "net": Decimal("0.00")}
    for line in lines:
        count += 1
        for key in sums:
            sums[key] += getattr(line, key) or 0
    return {"count": count, **sums}


def with_unit(line: WageLine, unit: str) -> WageLine:
    return replace(line, unit=unit)
