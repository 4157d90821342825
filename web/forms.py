"""Small helpers for parsing request input into domain values."""

from urllib.parse import urlsplit

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


def back_url(fallback: str | None) -> str | None:
    """The page the form was posted from, if it is on this site; otherwise ``fallback``."""
    referrer = request.referrer
    if not referrer:
        return fallback
    parts = urlsplit(referrer)
    if parts.netloc == request.host or (not parts.netloc and referrer.startswith("/")):
        return referrer
    return fallback
