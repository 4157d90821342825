"""Language-dependent formatting the templates share."""

from flask import g

from domain.payroll.period import parse_pay_month


def localized_month(pay_month) -> str:
    """A pay month as '2026年11月' in Chinese, 'Nov 2026' in English."""
    first = parse_pay_month(pay_month)
    return first.strftime("%b %Y") if g.get("lang") == "en" else f"{first.year}年{first.month}月"
