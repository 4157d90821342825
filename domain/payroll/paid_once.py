"""One pay period is paid once (一个工资月份只发放一次): who already has a line in a month, and
who is still unpaid (the back-pay batch, 补发, lists only them).

The database holds the rule too: a unique index on (person, project, pay month) of
``wage_line`` (``uq_wage_line_person_month``) and one regular batch per project and month
(``uq_wage_batch_regular_month``); these functions keep the pages from ever hitting them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.payroll.model import WageLineRow
from domain.payroll.period import PayPeriod
from domain.signin.model import Attendance


def people_with_line(session: Session, project_id: int, pay_month: str,
                     except_compilation: int | None = None) -> set[int]:  # fmt: skip
    """Person ids that have a line for the month in any batch (but ``except_compilation``)."""
    stmt = select(WageLineRow.person_id).where(
        WageLineRow.project_id == project_id, WageLineRow.pay_month == pay_month,
        WageLineRow.legacy_repeat.is_(False),
    )  # fmt: skip
    if except_compilation is not None:
        stmt = stmt.where(WageLineRow.compilation_id != except_compilation)
    return set(session.scalars(stmt))


def unpaid_workers(session: Session, project_id: int, pay_month: str,
                   period: PayPeriod) -> dict[int, set[int]]:  # fmt: skip
    """unit id → the people who signed in for the unit during the period and have no line for
    the month in any batch yet."""
    rows = session.execute(
        select(Attendance.unit_id, Attendance.person_id)
        .where(Attendance.project_id == project_id, Attendance.day >= period.start,
               Attendance.day <= period.end)
        .distinct()
    )  # fmt: skip
    paid = people_with_line(session, project_id, pay_month)
    out: dict[int, set[int]] = {}
    for unit_id, person_id in rows:
        if person_id not in paid:
            out.setdefault(unit_id, set()).add(person_id)
    return out
