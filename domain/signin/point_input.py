"""The sign-in point as typed (签到点坐标录入): whatever AMap's picker or share link gives.

Accepted, in AMap's order (longitude first): ``121.46558,31.189384``, a full-width comma
``121.46558，31.189384``, spaces ``121.46558 31.189384``, the share URL
``https://uri.amap.com/marker?position=121.46558,31.189384`` and the one with named parts
``…lng=121.46558&lat=31.189384`` (or its tail ``121.46558&lat=31.189384`` as the manual shows).
A point in China typed latitude first is swapped, and the caller says so. Nothing here knows the
coordinate system: that is the caller's (``domain.signin.coords``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import unquote

from domain.errors import InvalidInput
from domain.i18n import Text
from domain.signin.coords import Point

BAD_POINT = Text(
    "无法识别坐标：请粘贴“经度,纬度”（如 121.46558,31.189384）或高德分享链接",
    "Cannot read the point: paste “longitude,latitude” (e.g. 121.46558,31.189384) "
    "or an AMap share link",
)
SWAPPED = Text(
    "输入的是“纬度,经度”，已按“经度 {lng}，纬度 {lat}”识别",
    "You typed latitude first; read as longitude {lng}, latitude {lat}",
)
OUTSIDE_SHANGHAI = Text(
    "该坐标（经度 {lng}，纬度 {lat}）不在上海市范围内，请确认是否为本项目的位置",
    "This point (longitude {lng}, latitude {lat}) is outside Shanghai: is it this project's site?",
)
MOVED_FAR = Text(
    "新签到点距原签到点 {distance} 米（超过 1 公里），请确认",
    "The new point is {distance} m from the previous one (more than 1 km): please confirm",
)

_NUMBER = r"[-+]?\d{1,3}(?:\.\d+)?"
_NAMED = re.compile(rf"(?:^|[?&\s])(lng|lon|lat)=({_NUMBER})", re.IGNORECASE)
_POSITION = re.compile(rf"position=({_NUMBER}),({_NUMBER})", re.IGNORECASE)
_BARE_PAIR = re.compile(rf"^\s*({_NUMBER})\s*(?:[,，、;；]\s*|\s+)({_NUMBER})\s*$")
_TAIL = re.compile(rf"^\s*({_NUMBER})\s*&\s*lat=({_NUMBER})\s*$", re.IGNORECASE)
# mainland China, loosely (GCJ-02's own box in coords.out_of_china is wider)
_CHINA_LNG, _CHINA_LAT = (73.0, 136.0), (3.0, 54.0)
# Shanghai's administrative area with a margin (Chongming to Jinshan, Qingpu to Nanhui)
_SHANGHAI_LNG, _SHANGHAI_LAT = (120.85, 122.25), (30.65, 31.90)
MOVE_WARN_M = 1000.0
_EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class TypedPoint:
    """A point as typed: longitude, latitude (as the user meant them) and whether we swapped."""

    lng: float
    lat: float
    swapped: bool = False


def parse_point(raw: str | None, field: str = "point") -> TypedPoint:
    """The point in ``raw`` (any form above) → ``TypedPoint``; refused naming ``field``."""
    text = unquote(str(raw or "")).strip().replace("＆", "&").replace("＝", "=")
    pair = _pair(text)
    if pair is None:
        raise InvalidInput("invalid_coordinates", BAD_POINT, field=field)
    lng, lat = pair
    swapped = _in(lat, _CHINA_LNG) and _in(lng, _CHINA_LAT)  # the ranges do not overlap
    if swapped:
        lng, lat = lat, lng
    if not (-180.0 <= lng <= 180.0 and -90.0 <= lat <= 90.0):
        raise InvalidInput("invalid_coordinates", BAD_POINT, field=field)
    return TypedPoint(lng, lat, swapped)


def _pair(text: str) -> tuple[float, float] | None:
    named = {k.lower().replace("lon", "lng"): float(v) for k, v in _NAMED.findall(text)}
    if "lng" in named and "lat" in named:
        return named["lng"], named["lat"]
    for pattern in (_POSITION, _BARE_PAIR, _TAIL):
        found = pattern.search(text) if pattern is _POSITION else pattern.match(text)
        if found:
            return float(found.group(1)), float(found.group(2))
    return None


def _in(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def in_shanghai(lng: float, lat: float) -> bool:
    """True inside a box around Shanghai (a warning's test, not a border)."""
    return _in(lng, _SHANGHAI_LNG) and _in(lat, _SHANGHAI_LAT)


def metres_between(a: Point, b: Point) -> float:
    """Great-circle distance (haversine) in metres."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    d_lat, d_lng = p2 - p1, math.radians(b.lng - a.lng)
    h = math.sin(d_lat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(d_lng / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class PointNote:
    """Something to tell the manager about a point he typed: a text and its parameters."""

    code: str  # swapped | outside_shanghai | moved_far
    text: Text
    params: dict

    def message(self, lang: str = "zh") -> str:
        return self.text.format(lang, **self.params)

    @property
    def needs_confirm(self) -> bool:
        """A swap is only said; the others ask for 仍然保存."""
        return self.code != "swapped"


class PointNotes(tuple):
    """The notes of one point, shown as one message (a refusal's parameter)."""

    def message(self, lang: str = "zh") -> str:
        return (
            "；".join(n.message(lang) for n in self)
            if lang == "zh"
            else "; ".join(n.message(lang) for n in self)
        )


def point_notes(typed: TypedPoint, stored_wgs: Point, previous_wgs: Point | None) -> PointNotes:
    """What to say about a point before saving it: swapped, outside Shanghai, moved > 1 km."""
    shown = {"lng": f"{typed.lng:.6f}", "lat": f"{typed.lat:.6f}"}
    notes = [PointNote("swapped", SWAPPED, shown)] if typed.swapped else []
    if not in_shanghai(stored_wgs.lng, stored_wgs.lat):
        notes.append(PointNote("outside_shanghai", OUTSIDE_SHANGHAI, shown))
    if previous_wgs is not None:
        moved = metres_between(previous_wgs, stored_wgs)
        if moved > MOVE_WARN_M:
            notes.append(PointNote("moved_far", MOVED_FAR, {"distance": round(moved)}))
    return PointNotes(notes)
