"""Pay period (工资结算周期) of a pay month, from the project's settlement day (月工资结算日期)."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, timedelta
from typing import NamedTuple

from domain.i18n import Text
from domain.payroll.errors import PayrollError

MONTH_END = 0  # settlement on the last day of the month (月末)
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
YEARS = (2000, 2099)  # the pay months the platform handles
BAD_MONTH = Text("工资月份格式应为 2025-11：{value}", "Pay month must look like 2025-11: {value!r}")
DAY_REQUIRED = Text("请选择月工资结算日期", "Choose the monthly settlement day")
BAD_DAY = Text(
    "结算日须为 1–28 日或月末，不能是 {value}",
    "Settlement day must be 1-28 or month end, not {value}",
)


class PayPeriod(NamedTuple):
    """Inclusive first and last day of a pay period."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def parse_pay_month(pay_month: date | str, field: str | None = None) -> date:
    """'2025-11' or any date in the month → the first day of that month."""
    if isinstance(pay_month, date):
        return pay_month.replace(day=1)
    found = _MONTH.match(str(pay_month).strip())
    year, month = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
    if not (YEARS[0] <= year <= YEARS[1] and 1 <= month <= 12):
        raise PayrollError("invalid_pay_month", BAD_MONTH, field=field, value=str(pay_month)[:40])
    return date(year, month, 1)


def parse_settlement_day(raw: str | None, field: str | None = None) -> int:
    """The settlement day as typed or chosen: "1".."28", or "0"/"month_end"/"月末"."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if text in ("0", "month_end", "月末"):
        return MONTH_END
    if not text:
        raise PayrollError("settlement_day_required", DAY_REQUIRED, field=field)
    if not (len(text) <= 2 and text.isascii() and text.isdigit()) or not 1 <= int(text) <= 28:
        raise _bad_day(raw, field)
    return int(text)


def check_settlement_day(settlement_day: int | None) -> int:
    """None or 0 → month end; otherwise 1..28 (so every month has the day)."""
    if settlement_day in (None, MONTH_END):
        return MONTH_END
    if isinstance(settlement_day, bool) or not isinstance(settlement_day, int):
        raise _bad_day(settlement_day)
    if not 1 <= settlement_day <= 28:
        raise _bad_day(settlement_day)
    return settlement_day


def _bad_day(value, field: str | None = None) -> PayrollError:
    return PayrollError("invalid_settlement_day", BAD_DAY, field=field, value=str(value)[:40])


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
