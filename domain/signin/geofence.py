"""Sign-in range (签到范围): is a phone's location fix close enough to the project's point?

The rule, with d the haversine distance from the fix to the sign-in point (both WGS-84), a the
accuracy the phone reports (radius of its uncertainty circle, metres) and r the project radius:

    accept  when  d − min(a, ACCURACY_CAP_M) ≤ r

The accuracy counts in the worker's favour, because a fix 30 m outside with 40 m accuracy may well
be inside (indoor fixes are often ~100 m off). It counts only up to the cap, so a coarse fix
(e.g. 2 km accuracy from cell towers) can never stretch the range by more than the cap. A missing
or nonsensical accuracy counts as 0.
"""

import math
from dataclasses import dataclass

from haversine import Unit, haversine

from domain.signin.coords import Point
from domain.signin.errors import SignInRefused

ACCURACY_CAP_M = 100.0  # most accuracy (metres) that may count in the user's favour


@dataclass(frozen=True)
class LocationFix:
    """A phone's reported location (定位), in WGS-84, with its accuracy in metres."""

    point: Point
    accuracy_m: float | None = None


@dataclass(frozen=True)
class RangeCheck:
    """Outcome of the range rule: ``reason`` is None when accepted."""

    reason: str | None
    distance_m: float | None = None
    radius_m: float | None = None

    @property
    def accepted(self) -> bool:
        return self.reason is None

    def raise_if_refused(self) -> None:
        """Raise ``SignInRefused`` naming the reason (and the distance when out of range)."""
        if self.reason == "out_of_range":
            # check_range reports out_of_range only with both measured
            assert self.distance_m is not None and self.radius_m is not None
            raise SignInRefused(
                "out_of_range", distance=round(self.distance_m), radius=round(self.radius_m)
            )
        if self.reason is not None:
            raise SignInRefused(self.reason)


def _counted_accuracy(accuracy_m: float | None, cap_m: float) -> float:
    if accuracy_m is None or not math.isfinite(accuracy_m) or accuracy_m < 0:
        return 0.0
    return min(accuracy_m, cap_m)


def distance_m(point: Point, fix: LocationFix) -> float:
    """Haversine distance in metres from the sign-in point to the fix (both WGS-84)."""
    return haversine((point.lat, point.lng), (fix.point.lat, fix.point.lng), unit=Unit.METERS)


def check_range(
    point: Point | None,
    radius_m: float,
    fix: LocationFix | None,
    accuracy_cap_m: float = ACCURACY_CAP_M,
) -> RangeCheck:
    """Apply the range rule to ``fix`` against the project's sign-in ``point`` (WGS-84)."""
    if point is None:
        return RangeCheck("point_not_set")
    if fix is None:
        return RangeCheck("location_missing")
    distance = distance_m(point, fix)
    allowance = _counted_accuracy(fix.accuracy_m, accuracy_cap_m)
    reason = None if distance - allowance <= radius_m else "out_of_range"
    return RangeCheck(reason, distance, radius_m)
