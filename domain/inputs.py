"""Parsing what users type (or pages post) into domain values.

A wrong value raises ``InvalidInput`` naming the field, never a bare ``ValueError``: whole
numbers within what the database holds, finite decimal numbers, ISO dates. Full-width forms
(１２３, as a Chinese input method types them) read as their ASCII forms.
"""

import math
import re
import unicodedata
from datetime import date

from domain.errors import InvalidInput
from domain.i18n import Text

INT_MAX = 2**31 - 1  # what an INTEGER column holds (ids, counts)
YEARS = (1900, 2100)  # dates outside are typing errors

NOT_A_NUMBER = Text("【{label}】应为数字", "{label} must be a number")
OUT_OF_RANGE = Text("【{label}】应在 {lo}–{hi} 之间", "{label} must be between {lo} and {hi}")
NOT_A_DATE = Text("【{label}】应为日期，如 2026-03-01", "{label} must be a date such as 2026-03-01")
TOO_LONG = Text("【{label}】最多 {max} 个字", "{label} takes at most {max} characters")
_WHOLE = re.compile(r"^[+-]?[0-9]{1,12}$")
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]{1,12}(?:\.[0-9]{0,15})?|\.[0-9]{1,15})$")
_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")


def normalized(raw) -> str:
    """Typed text as compared and parsed: NFKC (full-width → ASCII), outer spaces removed."""
    return unicodedata.normalize("NFKC", "" if raw is None else str(raw)).strip()


def whole_number(raw, field: str, label: Text | str | None = None, *, lo: int = -INT_MAX,
                 hi: int = INT_MAX, default: int | None = None) -> int | None:  # fmt: skip
    """'42' → 42; empty → ``default``; anything else, or outside ``lo``..``hi``, is refused."""
    text = normalized(raw)
    if text == "":
        return default
    if not _WHOLE.match(text):
        raise InvalidInput("not_a_number", NOT_A_NUMBER, field=field, label=label or field)
    value = int(text)
    if not lo <= value <= hi:
        raise InvalidInput("out_of_range", OUT_OF_RANGE, field=field, label=label or field,
                           lo=lo, hi=hi)  # fmt: skip
    return value


def decimal_number(raw, field: str, label: Text | str | None = None) -> float | None:
    """'121.46558' → 121.46558 (coordinates, accuracies); empty → None; no exponents, no
    infinities, no NaN."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if math.isfinite(raw):
            return float(raw)
        raise InvalidInput("not_a_number", NOT_A_NUMBER, field=field, label=label or field)
    text = normalized(raw)
    if text == "":
        return None
    if not _DECIMAL.match(text):
        raise InvalidInput("not_a_number", NOT_A_NUMBER, field=field, label=label or field)
    return float(text)


def iso_day(raw, field: str, label: Text | str | None = None) -> date | None:
    """'2026-03-01' → date; empty → None; '2026-13-45' or a year far off is refused."""
    if isinstance(raw, date):
        return raw
    text = normalized(raw)
    if text == "":
        return None
    found = _DATE.match(text)
    try:
        day = date(*(int(part) for part in found.groups())) if found else None
    except ValueError:
        day = None
    if day is None or not YEARS[0] <= day.year <= YEARS[1]:
        raise InvalidInput("not_a_date", NOT_A_DATE, field=field, label=label or field)
    return day


def day_or(raw, default: date | None) -> date | None:
    """A lenient filter: the day in ``raw``, or ``default`` when it is empty or unreadable."""
    try:
        return iso_day(raw, "day") or default
    except InvalidInput:
        return default


def bounded_text(raw, field: str, label: Text | str, limit: int) -> str:
    """Text with outer spaces removed, refused when longer than ``limit`` characters."""
    text = ("" if raw is None else str(raw)).strip()
    if len(text) > limit:
        raise InvalidInput("text_too_long", TOO_LONG, field=field, label=label, max=limit)
    return text
