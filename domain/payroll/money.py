"""Exact money (金额): Decimal yuan with two places, integer fen on the wire. Never float."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain.payroll.messages import PayrollError

CENT = Decimal("0.01")
_AMOUNT = re.compile(r"^\d+(\.\d{1,2})?$")


class AmountError(PayrollError):
    """An amount that is not a non-negative number of yuan with at most two decimals."""


def parse_amount(value) -> Decimal:
    """'1234.5' → Decimal('1234.50'); refuses negatives, more than two decimals, floats, garbage.

    Accepts str, int and Decimal. A leading ¥/￥ and thousands separators are tolerated in text.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise AmountError(
            "Amount must be given as text or Decimal, not {kind}",
            "金额须为文本或定点数，不能是 {kind}",
            kind=type(value).__name__,
        )
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, Decimal):
        return _checked(value, str(value))
    text = str(value).strip().lstrip("¥￥").replace(",", "").strip()
    if text.startswith("-"):
        raise _negative(value)
    if not _AMOUNT.match(text):
        raise AmountError(
            "Amount format is invalid: {value!r}", "金额格式不正确：{value}", value=str(value)
        )
    return Decimal(text).quantize(CENT)


def _checked(amount: Decimal, shown: str) -> Decimal:
    if not amount.is_finite():
        raise AmountError(
            "Amount format is invalid: {value!r}", "金额格式不正确：{value}", value=shown
        )
    if amount < 0:
        raise _negative(shown)
    if amount != amount.quantize(CENT):
        raise AmountError(
            "Amount has more than two decimals: {value}", "金额最多两位小数：{value}", value=shown
        )
    return amount.quantize(CENT)


def _negative(value) -> AmountError:
    return AmountError(
        "Amount must not be negative: {value}", "金额不能为负数：{value}", value=str(value)
    )


def is_money(value) -> bool:
    """True for a Decimal that is finite, ≥ 0 and has at most two decimals."""
    try:
        return isinstance(value, Decimal) and _checked(value, str(value)) is not None
    except (AmountError, InvalidOperation):
        return False


def round_fen(amount: Decimal) -> Decimal:
    """Round half up to the fen (分), the rounding Chinese payroll uses."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def to_fen(amount: Decimal) -> int:
    """Yuan → integer fen; refuses amounts that are not whole fen."""
    if amount != amount.quantize(CENT):
        raise AmountError(
            "Amount has more than two decimals: {value}",
            "金额最多两位小数：{value}",
            value=str(amount),
        )
    return int(amount * 100)


def from_fen(fen: int) -> Decimal:
    """Integer fen → Decimal yuan with two places."""
    return (Decimal(int(fen)) / 100).quantize(CENT)


def format_yuan(amount: Decimal, symbol: bool = True) -> str:
    """Decimal('1234.5') → '¥1,234.50'."""
    text = f"{amount.quantize(CENT):,.2f}"
    return f"¥{text}" if symbol else text


def plain(amount: Decimal) -> str:
    """Decimal → '1234.50' (no symbol, no separators): what files and digests carry."""
    return f"{amount.quantize(CENT):.2f}"
