"""Small helpers for parsing request input into domain values."""

from flask import request

from domain.errors import InvalidInput
from domain.i18n import Text

NOT_A_NUMBER = Text("【{field}】应为数字", "{field} must be a number")


def int_arg(name: str, source=None, default=None) -> int | None:
    raw = (source or request.values).get(name, "")
    if raw in ("", None):
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(NOT_A_NUMBER, field=name) from None


def int_list(name: str) -> list[int]:
    try:
        return [int(v) for v in request.form.getlist(name) if v]
    except ValueError:
        raise InvalidInput(NOT_A_NUMBER, field=name) from None
