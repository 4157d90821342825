"""Small helpers for reading request input into domain values (parsing is domain/inputs.py)."""

import math
from urllib.parse import unquote, urlsplit

from flask import request
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

from domain import inputs
from domain.errors import InvalidInput
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
    "code": Text("建设码", "Code"),
    "lat": Text("纬度", "Latitude"),
    "lng": Text("经度", "Longitude"),
    "accuracy": Text("定位精度", "Accuracy"),
    "location_error": Text("定位错误", "Location error"),
    "system": Text("坐标系", "Coordinate system"),
    "start": Text("签到开始时间", "Sign-in start"),
    "end": Text("签到结束时间", "Sign-in end"),
    "reason": Text("原因", "Reason"),
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


class IdConverter(IntegerConverter):
    """``<int:…>`` of every route (registered as ``int`` by the app factory): a whole number
    from 0 to what an INTEGER column holds. Anything else (``-1``, ``2147483648``, 30 digits)
    matches no route, so it is a 404 before any view or database sees it (PostgreSQL raises on
    a parameter beyond its column's range)."""

    regex = r"\d{1,10}"  # INT_MAX has 10 digits: a longer number is no match for any rule

    def __init__(self, url_map, fixed_digits: int = 0, min: int = 0,
                 max: int = inputs.INT_MAX, signed: bool = False) -> None:  # fmt: skip
        super().__init__(url_map, fixed_digits, min, max, signed)

    def to_python(self, value: str) -> int:
        # Out of range is a 404 here, not a ValidationError: Werkzeug would otherwise answer
        # 405 when a rule of the same path with another method exists (GET and POST …/paper).
        try:
            return super().to_python(value)
        except ValidationError:
            raise NotFound() from None


# -- JSON bodies of the API ------------------------------------------------------------------

NOT_AN_OBJECT = Text("请求内容应为 JSON 对象（以花括号括起的字段与值）",
                     "The request body must be a JSON object (fields and values in braces)")
WRONG_TYPE = Text("【{label}】应为{kind}", "{label} must be {kind}")
REQUIRED = Text("请填写【{label}】", "{label} is required")
# JSON type → what the message calls it, and the Python types taken for it. A number may come
# as text too ("121.46558", as a form posts it): the domain parses it and names the field.
KINDS = {
    "string": (Text("文本", "text"), (str,)),
    "number": (Text("数字", "a number"), (int, float, str)),
    "integer": (Text("整数", "a whole number"), (int, str)),
    "boolean": (Text("true 或 false", "true or false"), (bool,)),
    "scalar": (Text("文本、数字或 true/false", "text, a number or true/false"),
               (str, int, float, bool)),
}  # fmt: skip


def json_object() -> dict:
    """The JSON object of the request body; no body is ``{}``. Any other body (not JSON, a
    list, a number, ``null``) is refused naming ``body``, whatever its Content-Type."""
    data = request.get_json(force=True, silent=True)
    if data is None and not request.get_data(cache=True).strip():
        return {}
    if not isinstance(data, dict):
        raise InvalidInput("not_an_object", NOT_AN_OBJECT, field="body")
    return data


def json_value(data: dict, name: str, kind: str, *, required: bool = False, default=None):
    """``data[name]`` when it is JSON of ``kind`` (see ``KINDS``); absent or ``null`` is
    ``default`` (refused when ``required``); another type is refused naming the field."""
    value = data.get(name)
    label = LABELS.get(name, name)
    if value is None:
        if required:
            raise InvalidInput("required", REQUIRED, field=name, label=label)
        return default
    shown, types = KINDS[kind]
    if isinstance(value, bool) and bool not in types or not isinstance(value, types):
        raise InvalidInput("wrong_type", WRONG_TYPE, field=name, label=label, kind=shown)
    if isinstance(value, int | float) and not _finite(value):  # 1e400 reads as inf
        raise InvalidInput("not_a_number", inputs.NOT_A_NUMBER, field=name, label=label)
    return value


def _finite(value: float) -> bool:
    """Whether ``value`` is a finite number (an int of 400 digits has no float: no)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


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
