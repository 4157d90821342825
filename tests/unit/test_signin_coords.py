"""Coordinate systems (WGS-84 / GCJ-02 / BD-09) with the Shanghai vectors of domain.md §3."""

import pytest
from haversine import Unit, haversine

from domain.signin.coords import (
    Point,
    bd09_to_gcj02,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    out_of_china,
    to_wgs84,
    wgs84_to_gcj02,
)

PEOPLES_SQUARE = Point(31.2304, 121.4737)


def metres(a: Point, b: Point) -> float:
    return haversine((a.lat, a.lng), (b.lat, b.lng), unit=Unit.METERS)


def shanghai_grid():
    """About 400 WGS-84 points over Shanghai's land area (30.7–31.9 N, 120.9–122.0 E)."""
    return [Point(30.7 + i * 0.06, 120.9 + j * 0.055) for i in range(21) for j in range(21)]


def test_peoples_square_vector_forward():
    gcj = wgs84_to_gcj02(PEOPLES_SQUARE)
    assert gcj.lat == pytest.approx(31.228458, abs=1e-6)
    assert gcj.lng == pytest.approx(121.478223, abs=1e-6)


def test_peoples_square_vector_backward():
    wgs = gcj02_to_wgs84(Point(31.228458, 121.478223))
    assert wgs.lat == pytest.approx(31.2304, abs=1e-6)
    assert wgs.lng == pytest.approx(121.4737, abs=1e-6)


@pytest.mark.parametrize(
    ("wgs", "offset_m"),
    [
        (PEOPLES_SQUARE, 481),
        (Point(31.2397, 121.4998), 477),  # Lujiazui
        (Point(31.0323, 121.2277), 482),  # Songjiang
        (Point(31.6226, 121.3975), 484),  # Chongming
        (Point(30.7420, 121.3416), 496),  # Jinshan
        (Point(30.8998, 121.9300), 471),  # Lingang
    ],
)
def test_the_gcj_offset_in_shanghai_is_about_480_m(wgs, offset_m):
    assert metres(wgs, wgs84_to_gcj02(wgs)) == pytest.approx(offset_m, abs=1)


def test_the_exact_inverse_is_within_5_cm_everywhere_in_shanghai():
    worst = max(metres(p, gcj02_to_wgs84(wgs84_to_gcj02(p))) for p in shanghai_grid())
    assert worst < 0.05


def test_bd09_round_trip_is_within_5_cm():
    for p in shanghai_grid():
        gcj = wgs84_to_gcj02(p)
        assert metres(gcj, bd09_to_gcj02(gcj02_to_bd09(gcj))) < 0.05


def test_bd09_of_peoples_square_is_offset_further_from_gcj():
    gcj = wgs84_to_gcj02(PEOPLES_SQUARE)
    bd = gcj02_to_bd09(gcj)
    assert 500 < metres(gcj, bd) < 1000
    assert bd.lat > gcj.lat and bd.lng > gcj.lng


def test_a_point_typed_from_amap_lands_on_the_true_location():
    """The PM copies "121.478223,31.228458" (lng,lat, GCJ-02) from the AMap picker."""
    stored = to_wgs84(121.478223, 31.228458, "gcj02")
    assert metres(stored, PEOPLES_SQUARE) < 0.5
    assert metres(Point(31.228458, 121.478223), PEOPLES_SQUARE) > 470  # had we not converted


def test_to_wgs84_takes_lng_first_for_every_system():
    assert to_wgs84(121.4737, 31.2304, "wgs84") == PEOPLES_SQUARE
    bd = from_wgs84(PEOPLES_SQUARE, "bd09")
    assert metres(to_wgs84(bd.lng, bd.lat, "bd09"), PEOPLES_SQUARE) < 0.05
    gcj = from_wgs84(PEOPLES_SQUARE, "gcj02")
    assert metres(to_wgs84(gcj.lng, gcj.lat, "gcj02"), PEOPLES_SQUARE) < 0.05


def test_swapped_shanghai_coordinates_are_refused():
    with pytest.raises(ValueError):
        Point(121.4737, 31.2304)
    with pytest.raises(ValueError):
        to_wgs84(31.2304, 121.4737, "gcj02")


def test_unknown_system_is_refused():
    with pytest.raises(ValueError, match="gcj02"):
        to_wgs84(121.4737, 31.2304, "amap")


def test_outside_china_nothing_moves():
    paris = Point(48.8566, 2.3522)
    assert out_of_china(paris) and not out_of_china(PEOPLES_SQUARE)
    assert wgs84_to_gcj02(paris) == paris == gcj02_to_wgs84(paris)
