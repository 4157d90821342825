"""Shanghai minimum wage (上海市最低工资标准) with effective dates, and the partial-month rule.

Rates (domain.md §0/§1.4, sources S11, S12): ¥2,690/month and ¥24/hour from 2023-07-01;
¥2,740/month and ¥25/hour from 2025-07-01. Earlier rates are not in our verified sources, so a
day before the first row has no rate and the check is skipped rather than guessed.

Partial month: the monthly minimum is for a full legal month of 21.75 paid days
(劳社部发〔2008〕3号: (365 − 104 weekend days) / 12). A worker paid for fewer days is held to
monthly × days / 21.75, rounded half up to the fen; 21.75 days or more are held to the monthly
minimum itself (extra days are overtime, which the minimum excludes). 2,740 / 21.75 ≈ ¥125.98 a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.payroll.money import round_fen

LEGAL_DAYS_PER_MONTH = Decimal("21.75")


@dataclass(frozen=True)
class MinimumWage:
    effective_from: date
    monthly: Decimal
    hourly: Decimal


@dataclass(frozen=True)
class MinimumWageTable:
    """Rates ordered by effective date; the rate on a day is the latest one in effect."""

    rates: tuple[MinimumWage, ...]

    def rate_on(self, day: date) -> MinimumWage | None:
        found = None
        for rate in sorted(self.rates, key=lambda r: r.effective_from):
            if rate.effective_from <= day:
                found = rate
        return found

    def monthly_on(self, day: date) -> Decimal | None:
        rate = self.rate_on(day)
        return rate.monthly if rate else None

    def minimum_for_days(self, days_worked: Decimal | int, day: date) -> Decimal | None:
        """Minimum pay for `days_worked` paid days in a period ending on `day` (None: no rate)."""
        monthly = self.monthly_on(day)
        if monthly is None:
            return None
        days = Decimal(days_worked)
        if days >= LEGAL_DAYS_PER_MONTH:
            return monthly
        return round_fen(monthly * days / LEGAL_DAYS_PER_MONTH)


SHANGHAI = MinimumWageTable(
    (
        MinimumWage(date(2023, 7, 1), Decimal("2690.00"), Decimal("24.00")),
        MinimumWage(date(2025, 7, 1), Decimal("2740.00"), Decimal("25.00")),
    )
)


def monthly_minimum_on(day: date, table: MinimumWageTable = SHANGHAI) -> Decimal | None:
    """Shanghai monthly minimum wage in force on `day`, or None before the first known rate."""
    return table.monthly_on(day)


def minimum_for_days(days_worked, period_end: date, table: MinimumWageTable = SHANGHAI):
    """Pro-rata minimum for the days worked; the rate is the one in force on the period's end."""
    return table.minimum_for_days(days_worked, period_end)
