"""Exact money (金额): Decimal yuan with two places, integer fen on the wire. Never float."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain.i18n import Text
from domain.payroll.errors import PayrollError

CENT = Decimal("0.01")
# What a Numeric(12, 2) column holds: ten digits before the point.
MAX_AMOUNT = Decimal("9999999999.99")
_NUMBER = re.compile(r"^[0-9]+(?:\.([0-9]*))?$")

NOT_TEXT = Text(
    "金额须为文本或定点数，不能是 {kind}", "Amount must be given as text or Decimal, not {kind}"
)
BAD_FORMAT = Text("金额格式不正确：{value}", "Amount format is invalid: {value!r}")
NEGATIVE = Text("金额不能为负数：{value}", "Amount must not be negative: {value}")
TOO_PRECISE = Text("金额最多两位小数：{value}", "Amount has more than two decimals: {value}")
TOO_LARGE = Text("金额过大：{value}（最多 {max}）", "Amount is too large: {value} (at most {max})")


class AmountError(PayrollError):
    """An amount that is not a non-negative number of yuan with at most two decimals."""

    default_reason = "invalid_amount"


def parse_amount(value, field: str | None = None) -> Decimal:
    """'1234.5' → Decimal('1234.50'); refuses negatives, more than two decimals, amounts above
    ``MAX_AMOUNT``, floats and garbage.

    Accepts str, int and Decimal. In text, full-width characters (１２３．５) are read as their
    ASCII forms, and a leading ¥/￥ and thousands separators are tolerated. A refusal names
    ``field``, the input the amount was typed into.
    """
    try:
        return _parse(value)
    except AmountError as error:
        raise error.at(field) from None


def _parse(value) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise AmountError("invalid_amount", NOT_TEXT, kind=type(value).__name__)
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, Decimal):
        return _checked(value, str(value))
    shown = _shown(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().lstrip("¥").replace(",", "").strip()
    if text.startswith("-") and _NUMBER.match(text[1:]):
        raise _negative(shown)
    found = _NUMBER.match(text)
    if not found or text.endswith("."):
        raise AmountError("invalid_amount", BAD_FORMAT, value=shown)
    whole, decimals = text.split(".")[0].lstrip("0"), found.group(1) or ""
    if len(whole) > 10:
        raise _too_large(shown)
    if len(decimals.rstrip("0")) > 2:
        raise AmountError("amount_too_precise", TOO_PRECISE, value=shown)
    return _checked(Decimal(text), shown)


def _shown(value) -> str:
    """The text of a refused amount as a message shows it (not a whole page of it)."""
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _checked(amount: Decimal, shown: str) -> Decimal:
    if not amount.is_finite():
        raise AmountError("invalid_amount", BAD_FORMAT, value=_shown(shown))
    if amount < 0:
        raise _negative(_shown(shown))
    if amount > MAX_AMOUNT:
        raise _too_large(_shown(shown))
    if amount != amount.quantize(CENT):
        raise AmountError("amount_too_precise", TOO_PRECISE, value=_shown(shown))
    return amount.quantize(CENT)


def _negative(shown: str) -> AmountError:
    return AmountError("negative_amount", NEGATIVE, value=shown)


def _too_large(shown: str) -> AmountError:
    return AmountError("amount_too_large", TOO_LARGE, value=shown, max=format_yuan(MAX_AMOUNT))


def is_money(value) -> bool:
    """True for a Decimal that is finite, ≥ 0, at most ``MAX_AMOUNT`` with at most two decimals."""
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
        raise AmountError("amount_too_precise", TOO_PRECISE, value=str(amount))
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
