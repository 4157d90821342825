"""Small helpers for reading request input into domain values (parsing is domain/inputs.py)."""

from urllib.parse import urlsplit

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


def back_url(fallback: str | None) -> str | None:
    """The page the form was posted from, if it is on this site; otherwise ``fallback``."""
    referrer = request.referrer
    if not referrer:
        return fallback
    parts = urlsplit(referrer)
    if parts.netloc == request.host or (not parts.netloc and referrer.startswith("/")):
        return referrer
    return fallback
