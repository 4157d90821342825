"""Coordinate systems for sign-in points (签到点坐标): WGS-84, GCJ-02 (火星坐标) and BD-09.

Phones (GPS, W3C Geolocation) report WGS-84; AMap (高德) shows GCJ-02, about 480 m away in
Shanghai; Baidu shows BD-09. We store WGS-84. Every function here takes ``(lat, lng)`` in that
order, except ``to_wgs84(lng, lat, system)``, which follows the order users copy from AMap.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

# Krasovsky 1940 ellipsoid, as in the published GCJ-02 algorithm.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0
_INVERSE_TOLERANCE_DEG = 1e-10  # about 1 cm
_INVERSE_MAX_STEPS = 30


@dataclass(frozen=True)
class Point:
    """A latitude/longitude pair in degrees; the system is the caller's to know."""

    lat: float
    lng: float

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lng <= 180.0):
            raise ValueError(f"not a (lat, lng) pair: ({self.lat}, {self.lng})")


def out_of_china(p: Point) -> bool:
    """True outside the crude bounding box where GCJ-02 applies (no offset there)."""
    return not (72.004 <= p.lng <= 137.8347 and 0.8293 <= p.lat <= 55.8271)


def _lat_offset(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _lng_offset(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(p: Point) -> Point:
    """WGS-84 → GCJ-02 (standard Krasovsky formula); unchanged outside China."""
    if out_of_china(p):
        return p
    x, y = p.lng - 105.0, p.lat - 35.0
    rad_lat = math.radians(p.lat)
    magic = 1.0 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = _lat_offset(x, y) * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = _lng_offset(x, y) * 180.0 / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return Point(p.lat + d_lat, p.lng + d_lng)


def gcj02_to_bd09(p: Point) -> Point:
    """GCJ-02 → BD-09 (Baidu)."""
    x, y = p.lng, p.lat
    z = math.hypot(x, y) + 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) + 0.000003 * math.cos(x * _X_PI)
    return Point(z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065)


def _invert(forward: Callable[[Point], Point], target: Point) -> Point:
    """Solve ``forward(p) == target`` by fixed-point iteration; the offsets are nearly constant
    over a few hundred metres, so each step gains several digits."""
    p = target
    for _ in range(_INVERSE_MAX_STEPS):
        image = forward(p)
        d_lat, d_lng = image.lat - target.lat, image.lng - target.lng
        if abs(d_lat) < _INVERSE_TOLERANCE_DEG and abs(d_lng) < _INVERSE_TOLERANCE_DEG:
            break
        p = Point(p.lat - d_lat, p.lng - d_lng)
    return p


def gcj02_to_wgs84(p: Point) -> Point:
    """GCJ-02 → WGS-84, exact iterative inverse (error far below 5 cm)."""
    return p if out_of_china(p) else _invert(wgs84_to_gcj02, p)


def bd09_to_gcj02(p: Point) -> Point:
    """BD-09 → GCJ-02, exact iterative inverse of ``gcj02_to_bd09``."""
    return _invert(gcj02_to_bd09, p)


def _bd09_to_wgs84(p: Point) -> Point:
    return gcj02_to_wgs84(bd09_to_gcj02(p))


def _wgs84_to_bd09(p: Point) -> Point:
    return gcj02_to_bd09(wgs84_to_gcj02(p))


def _same(p: Point) -> Point:
    return p


# system -> (to WGS-84, from WGS-84)
_CONVERSIONS: dict[str, tuple[Callable[[Point], Point], Callable[[Point], Point]]] = {
    "gcj02": (gcj02_to_wgs84, wgs84_to_gcj02),
    "wgs84": (_same, _same),
    "bd09": (_bd09_to_wgs84, _wgs84_to_bd09),
}
SYSTEMS = tuple(_CONVERSIONS)


def _conversions(system: str) -> tuple[Callable[[Point], Point], Callable[[Point], Point]]:
    if system not in _CONVERSIONS:
        raise ValueError(f"unknown coordinate system {system!r}; expected one of {SYSTEMS}")
    return _CONVERSIONS[system]


def to_wgs84(lng: float, lat: float, system: str) -> Point:
    """A point typed by a user as "lng, lat" (AMap's order) in ``system`` → WGS-84 for storage."""
    return _conversions(system)[0](Point(lat, lng))


def from_wgs84(p: Point, system: str) -> Point:
    """A stored WGS-84 point shown in ``system`` (e.g. GCJ-02 for an AMap link)."""
    return _conversions(system)[1](p)
