"""上月对比: each worker's line of the latest earlier pay month on the project, for the reviewers'
difference (days, gross, net) and for 复制上月日工资."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.payroll.model import Compilation, WageLineRow

COMPARED = ("days_worked", "gross", "net")


def previous_lines(session: Session, project_id: int, pay_month: str,
                   person_ids) -> dict[int, WageLineRow]:  # fmt: skip
    """person id → his line of the latest pay month before ``pay_month`` on the project that
    paid him something or named a day rate (a cleared line is no month to compare with)."""
    ids = list(person_ids)
    if not ids:
        return {}
    rows = session.scalars(
        select(WageLineRow).where(
            WageLineRow.project_id == project_id, WageLineRow.pay_month < pay_month,
            WageLineRow.person_id.in_(ids),
        ).order_by(WageLineRow.pay_month, WageLineRow.id)
    )  # fmt: skip
    found: dict[int, WageLineRow] = {}
    for row in rows:  # later months overwrite earlier ones
        if row.day_rate is not None or (row.net or 0) > 0:
            found[row.person_id] = row
    return found


def _days(row: WageLineRow) -> int:
    return (row.days or 0) + (row.makeup_days or 0)


@dataclass(frozen=True)
class MonthChange:
    """One worker's line now and the one before (None: not paid on the project before)."""

    line: WageLineRow
    previous: WageLineRow | None

    def now(self, field: str) -> Decimal | int | None:
        return _days(self.line) if field == "days_worked" else getattr(self.line, field)

    def before(self, field: str) -> Decimal | int | None:
        if self.previous is None:
            return None
        return _days(self.previous) if field == "days_worked" else getattr(self.previous, field)

    def delta(self, field: str) -> Decimal | int | None:
        now, before = self.now(field), self.before(field)
        return None if now is None or before is None else now - before

    @property
    def changed(self) -> frozenset[str]:
        """The compared fields that differ (all of them for a worker new on the table)."""
        return frozenset(f for f in COMPARED if self.previous is None or self.delta(f) != 0)


def month_changes(session: Session, comp: Compilation) -> list[MonthChange]:
    """Every line of the table against the worker's previous month, in table order."""
    before = previous_lines(session, comp.batch.project_id, comp.batch.pay_month,
                            [line.person_id for line in comp.lines])  # fmt: skip
    return [MonthChange(line, before.get(line.person_id)) for line in comp.lines]
