"""Pre-shift sign-in rules (班前签到): construction codes, coordinates, range and hours.

The rules (tokens, coords, geofence, hours, qr) are pure: no Flask, no database. ``model`` holds
the attendance tables, ``service`` composes the rules into the two scan directions, ``queries``,
``export`` and ``makeup`` serve attendance lists, Excel and make-up requests (补签).
"""

from domain.signin.coords import Point, from_wgs84, to_wgs84
from domain.signin.errors import SignInRefused
from domain.signin.geofence import LocationFix, RangeCheck, check_range
from domain.signin.hours import SignInHours, require_within_hours, sign_in_day
from domain.signin.tokens import CodeClaims, issue_code, verify_code

__all__ = [
    "CodeClaims",
    "LocationFix",
    "Point",
    "RangeCheck",
    "SignInHours",
    "SignInRefused",
    "check_range",
    "from_wgs84",
    "issue_code",
    "require_within_hours",
    "sign_in_day",
    "to_wgs84",
    "verify_code",
]
