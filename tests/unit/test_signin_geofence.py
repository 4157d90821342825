"""Sign-in range rule (签到范围): distance − min(accuracy, cap) ≤ radius."""

import pytest
from haversine import Direction, Unit, inverse_haversine

from domain.signin.coords import Point, to_wgs84
from domain.signin.errors import SignInRefused
from domain.signin.geofence import ACCURACY_CAP_M, LocationFix, check_range

SITE = Point(31.2304, 121.4737)


def fix_at(metres_east: float, accuracy_m: float | None = 10.0) -> LocationFix:
    lat, lng = inverse_haversine((SITE.lat, SITE.lng), metres_east, Direction.EAST, Unit.METERS)
    return LocationFix(Point(lat, lng), accuracy_m)


def test_inside_the_radius_is_accepted_with_its_distance():
    result = check_range(SITE, 200, fix_at(150, accuracy_m=0))
    assert result.accepted and result.distance_m == pytest.approx(150, abs=0.01)


@pytest.mark.parametrize(
    ("east", "accuracy", "accepted"),
    [
        (199.9, 0, True),
        (200.1, 0, False),
        (229.9, 30, True),  # the accuracy counts in the worker's favour
        (230.1, 30, False),
        (299.9, 2000, True),  # ... up to the cap
        (300.1, 2000, False),  # a 2 km fix cannot stretch the range by 2 km
        (200.1, None, False),  # no accuracy reported counts as 0
        (200.1, -5, False),
        (200.1, float("nan"), False),
    ],
)
def test_edges_of_the_range_rule(east, accuracy, accepted):
    assert ACCURACY_CAP_M == 100
    assert check_range(SITE, 200, fix_at(east, accuracy)).accepted is accepted


def test_out_of_range_names_the_distance_in_metres():
    result = check_range(SITE, 200, fix_at(512.4, accuracy_m=5))
    assert result.reason == "out_of_range"
    with pytest.raises(SignInRefused) as caught:
        result.raise_if_refused()
    assert caught.value.params == {"distance": 512, "radius": 200}
    assert caught.value.message() == "不在项目签到范围内（距离签到点 512 米，允许 200 米）"


def test_a_project_without_a_point_says_so():
    result = check_range(None, 200, fix_at(0))
    assert result.reason == "point_not_set" and result.distance_m is None
    with pytest.raises(SignInRefused, match="point_not_set"):
        result.raise_if_refused()


def test_a_missing_location_has_its_own_reason():
    assert check_range(SITE, 200, None).reason == "location_missing"


def test_amap_point_and_phone_at_the_same_place_are_metres_apart():
    """The key scenario: point typed from AMap (GCJ-02), phone reports WGS-84."""
    point = to_wgs84(121.478223, 31.228458, "gcj02")
    phone = LocationFix(Point(31.2304, 121.4737), accuracy_m=15)
    result = check_range(point, 50, phone)
    assert result.accepted and result.distance_m < 1
    unconverted = check_range(Point(31.228458, 121.478223), 50, phone)
    assert unconverted.reason == "out_of_range" and unconverted.distance_m > 470
