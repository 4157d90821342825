"""Small helpers for reading request input into domain values (parsing is domain/inputs.py)."""

from urllib.parse import unquote, urlsplit

from flask import request

from domain import inputs
from domain.i18n import Text

# What the ids and numbers posted by the pages are called in a refusal.
LABELS = {
    "unit_id": Text("参建单位", "Unit"),
    "person_id": Text("人员", "Person"),
    "ids": Text("人员", "Workers"),
    "compilation_id": Text("编制记录", "Wage table"),
    "line_id": Text("工资明细", "Wage line"),
    "project_id": Text("项目", "Project"),
    "radius": Text("签到半径", "Radius"),
    "before": Text("翻页位置", "Page position"),
}


def int_arg(name: str, source=None, default=None) -> int | None:
    """The whole number (an id, a count ≥ 0) named ``name`` in the form or query (or
    ``source``); ``default`` when it is empty; a refusal naming the field otherwise."""
    raw = (request.values if source is None else source).get(name, "")
    return inputs.whole_number(raw, name, LABELS.get(name), lo=0, default=default)


def int_list(name: str) -> list[int]:
    values = (
        inputs.whole_number(v, name, LABELS.get(name), lo=0) for v in request.form.getlist(name)
    )
    return [v for v in values if v is not None]


def site_path(target: str | None) -> str | None:
    """``target`` when it is a path of this site, else None.  Normalised as a browser would
    read it: percent-decoded, no control character (a browser drops a tab, so ``/%09/x`` is
    ``//x``), no backslash (read as ``/``), no scheme or host, not ``//`` (another host)."""
    if not target:
        return None
    decoded = unquote(target)
    if any(ord(c) < 32 or ord(c) == 127 for c in target + decoded) or "\\" in decoded:
        return None
    parts = urlsplit(decoded)
    if parts.scheme or parts.netloc or not decoded.startswith("/") or decoded.startswith("//"):
        return None
    return target


def back_url(fallback: str | None) -> str | None:
    """The page the form was posted from, if it is on this site; otherwise ``fallback``."""
    referrer = request.referrer
    if not referrer:
        return fallback
    parts = urlsplit(referrer)
    if parts.netloc == request.host:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return site_path(path) or fallback
    return site_path(referrer) or fallback
