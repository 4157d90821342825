"""Pay period (工资结算周期) of a pay month, from the project's settlement day (月工资结算日期)."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import NamedTuple

from domain.payroll.messages import PayrollError

MONTH_END = 0  # settlement on the last day of the month (月末)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class PayPeriod(NamedTuple):
    """Inclusive first and last day of a pay period."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def parse_pay_month(pay_month: date | str) -> date:
    """'2025-11' or any date in the month → the first day of that month."""
    if isinstance(pay_month, date):
        return pay_month.replace(day=1)
    found = _MONTH.match(str(pay_month).strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise PayrollError(
            "Pay month must look like 2025-11: {value!r}",
            "工资月份格式应为 2025-11：{value}",
            value=str(pay_month),
        )
    return date(int(found.group(1)), int(found.group(2)), 1)


def check_settlement_day(settlement_day: int | None) -> int:
    """None or 0 → month end; otherwise 1..28 (so every month has the day)."""
    if settlement_day in (None, MONTH_END):
        return MONTH_END
    if isinstance(settlement_day, bool) or not isinstance(settlement_day, int):
        raise _bad_day(settlement_day)
    if not 1 <= settlement_day <= 28:
        raise _bad_day(settlement_day)
    return settlement_day


def _bad_day(value) -> PayrollError:
    return PayrollError(
        "Settlement day must be 1-28 or month end, not {value}",
        "结算日须为 1–28 日或月末，不能是 {value}",
        value=value,
    )


def pay_period_for(pay_month: date | str, settlement_day: int | None) -> PayPeriod:
    """The days a pay month's table covers.

    Settlement day 25: the November table covers 26 Oct – 25 Nov. Month end: the whole month.
    """
    first = parse_pay_month(pay_month)
    day = check_settlement_day(settlement_day)
    if day == MONTH_END:
        last = calendar.monthrange(first.year, first.month)[1]
        return PayPeriod(first, first.replace(day=last))
    previous = first - timedelta(days=1)
    return PayPeriod(previous.replace(day=day) + timedelta(days=1), first.replace(day=day))


def month_label(pay_month: date | str) -> str:
    """'2025-11' → '2025年11月'."""
    first = parse_pay_month(pay_month)
    return f"{first.year}年{first.month}月"
