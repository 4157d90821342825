"""OpenAPI description of /api/signin/... (merged into /api/openapi.json by web/api.py)."""

from domain.signin.errors import MESSAGES
from web.openapi import (
    GUARDED,
    NULLABLE_INT,
    NULLABLE_STR,
    QUERY_ID,
    errors,
    json_body,
    ok,
    operation,
    or_empty,
    path_ids,
    query,
    ref,
)

_NUMBER_OR_TEXT = {"type": ["number", "string"]}  # text as a form posts it: "31.189384"
_LOCATION = query(
    *((n, or_empty({"type": "number"})) for n in ("lat", "lng", "accuracy")),
    ("location_error", {"type": "string", "enum": ["denied", "missing"]}),
    description={"lat": "WGS-84 latitude from the Geolocation API", "lng": "WGS-84 longitude",
                 "accuracy": "reported accuracy, metres",
                 "location_error": "why the phone gave no location"},
)  # fmt: skip
_REFUSED = {
    "description": "Sign-in refused by a rule (`reason`), e.g. out of range, code expired",
    "content": {"application/json": {"schema": ref("SignInRefused")}},
}
_SCAN_ANSWERS = {
    **errors(*GUARDED, 404, 413, _409="Already signed in today (`reason`: already_signed), or a "
             "concurrent update"),
    "422": _REFUSED,
}
_PID = path_ids("project_id")

PATHS = {
    "/api/signin/code": {"get": operation(
        "个人建设码: a fresh Ed25519-signed code (120 s) with its QR as SVG", "signin",
        {**ok("The code", ref("PersonalCode")), **errors(*GUARDED)},
        parameters=query(("svg", {"type": "string"}),
                         description={"svg": "0: without the QR's SVG"}),
    )},
    "/api/signin/ranges": {"get": operation(
        "Is the worker's location inside each of his projects' sign-in ranges?", "signin",
        {**ok("Each project's verdict", ref("Ranges")), **errors(*GUARDED)},
        parameters=_LOCATION,
    )},
    "/api/signin/worker-scan": {"post": operation(
        "工人扫班前签到员建设码 (worker scanned an officer's code)", "signin",
        {**ok("Signed in", ref("SignInResult")), **_SCAN_ANSWERS},
        requestBody=json_body(ref("ScanRequest")),
    )},
    "/api/signin/projects/{project_id}/officer-scan": {"post": operation(
        "班前签到员扫工人建设码 (officer scanned a worker's code); the answer, a refusal too, "
        "links the worker's photo", "signin",
        {**ok("Signed in", {"allOf": [ref("SignInResult"), ref("Photo")]}), **_SCAN_ANSWERS},
        parameters=_PID, requestBody=json_body(ref("ScanRequest")),
    )},
    "/api/signin/projects/{project_id}/point": {"post": operation(
        "手动录入坐标: set the sign-in point (stored as WGS-84), radius and hours", "signin",
        {**ok("The point in WGS-84, GCJ-02 and BD-09", ref("Point")),
         **errors(*GUARDED, 404, 409, 413)},
        parameters=_PID, requestBody=json_body(ref("PointRequest")),
    )},
    "/api/signin/projects/{project_id}/point-test": {"get": operation(
        "Test at my location: distance to the sign-in point and the range verdict", "signin",
        {**ok("The verdict", ref("Site")), **errors(*GUARDED, 404)},
        parameters=_PID + _LOCATION,
    )},
    "/api/signin/projects/{project_id}/attendance": {"get": operation(
        "考勤记录 with the filters of the page (an unreadable day is the default)", "signin",
        {**ok("Sign-ins", {"type": "object", "required": ["attendance"], "properties": {
            "attendance": {"type": "array", "items": ref("Attendance")}}}),
         **errors(*GUARDED, 404)},
        parameters=_PID + query(
            ("from", {"type": "string"}), ("to", {"type": "string"}), ("unit_id", QUERY_ID),
            ("team_id", QUERY_ID), ("name", {"type": "string"}), ("method", {"type": "string"}),
            description={"from": "YYYY-MM-DD (default: 6 days ago)", "to": "YYYY-MM-DD"}),
    )},
    "/api/signin/me/attendance": {"get": operation(
        "我的考勤: the logged-in worker's sign-ins of one month", "signin",
        {**ok("The month", ref("MyMonth")), **errors(*GUARDED)},
        parameters=query(("month", {"type": "string"}),
                         description={"month": "YYYY-MM; unreadable or empty: this month"}),
    )},
}  # fmt: skip

_SITE = {
    "type": "object",
    "required": ["project_id", "project_name", "inside"],
    "properties": {
        "project_id": {"type": "integer"}, "project_name": {"type": "string"},
        "radius_m": NULLABLE_INT, "hours": {"type": "string"}, "inside": {"type": "boolean"},
        "distance_m": {"type": ["integer", "number", "null"]}, "reason": NULLABLE_STR,
        "message": {"type": "string"},
        # the worker's day before he scans: the hours open, today's sign-in, why not now
        "open_now": {"type": "boolean"}, "signed_today": NULLABLE_STR,
        "blocked": {"type": ["object", "null"], "properties": {
            "reason": {"type": "string"}, "message": {"type": "string"}}},
        "can_sign_in": {"type": "boolean",
                        "description": "inside the range and the hours, not yet signed in today"},
    },
}  # fmt: skip
_ATTENDANCE = {
    "type": "object",
    "required": ["id", "day", "person_id", "method"],
    "properties": {
        "id": {"type": "integer"}, "day": {"type": "string", "format": "date"},
        "time": {"type": "string"}, "person_id": {"type": "integer"}, "name": {"type": "string"},
        "unit_id": NULLABLE_INT, "method": {"type": "string"}, "officer": NULLABLE_STR,
        "distance_m": NULLABLE_INT, "accuracy_m": {"type": ["number", "null"]},
        "makeup": {"type": ["boolean", "null"]}, "project_name": {"type": "string"},
    },
}  # fmt: skip

SCHEMAS = {
    "ScanRequest": {
        "type": "object",
        "required": ["code"],
        "properties": {
            "code": {"type": "string", "description": "the scanned PCC1: code"},
            "lat": _NUMBER_OR_TEXT, "lng": _NUMBER_OR_TEXT, "accuracy": _NUMBER_OR_TEXT,
            "location_error": {"type": "string", "enum": ["denied", "missing"]},
        },
    },
    "SignInResult": {
        "type": "object",
        "required": ["ok", "attendance_id", "person_id", "project_id", "time", "method"],
        "properties": {
            "ok": {"const": True}, "attendance_id": {"type": "integer"},
            "person_id": {"type": "integer"}, "person_name": {"type": "string"},
            "project_id": {"type": "integer"}, "project_name": {"type": "string"},
            "signed_at": {"type": "string", "format": "date-time"},
            "time": {"type": "string", "example": "07:12"},
            "method": {"type": "string", "enum": ["worker_scan", "officer_scan", "makeup"]},
            "distance_m": NULLABLE_INT,
        },
    },
    "Photo": {
        "type": "object",
        "properties": {"photo_url": {**NULLABLE_STR, "description": "null: no photo on file"}},
    },
    "SignInRefused": {
        "allOf": [ref("Error")],
        "properties": {
            "error": {"const": "signin_refused"},
            "reason": {"type": "string", "enum": sorted(MESSAGES)},
            "person_id": {"type": "integer"}, "person_name": {"type": "string"},
            "photo_url": NULLABLE_STR,
        },
    },
    "PointRequest": {
        "type": "object",
        "description": "lng and lat, or point",
        "properties": {
            "point": {"type": "string", "example": "121.46558,31.189384",
                      "description": "instead of lng and lat: what AMap gives (lng,lat, a full-width "
                                     "comma, a space, a share URL with position= or lng=&lat=); "
                                     "latitude first is swapped"},
            "lng": _NUMBER_OR_TEXT, "lat": _NUMBER_OR_TEXT,
            "system": {"type": "string", "enum": ["gcj02", "wgs84", "bd09"], "default": "gcj02"},
            "radius": {"type": ["integer", "string"], "default": 300,
                       "description": "metres (a whole number, as text too)"},
            "start": {"type": "string", "example": "04:00"},
            "end": {"type": "string", "example": "12:00"},
        },
    },
    "Point": {
        "type": "object",
        "required": ["project_id", "set"],
        "properties": {
            "project_id": {"type": "integer"}, "set": {"type": "boolean"},
            "radius_m": NULLABLE_INT, "start": NULLABLE_STR, "end": NULLABLE_STR,
            "points": {"type": ["object", "null"], "additionalProperties": {
                "type": "object", "properties": {"lat": {"type": "number"},
                                                 "lng": {"type": "number"}}}},
            "typed": {"type": ["object", "null"], "description": "the point as typed, its system"},
            "notes": {"type": "array", "items": {"type": "object", "properties": {
                "code": {"type": "string"}, "message": {"type": "string"}}}},
        },
    },
    "PersonalCode": {
        "type": "object",
        "required": ["token", "issued_at", "expires_at", "lifetime_s"],
        "properties": {
            "token": {"type": "string"}, "issued_at": {"type": "integer"},
            "expires_at": {"type": "integer"}, "lifetime_s": {"type": "integer"},
            "svg": {"type": "string"},
        },
    },
    "Site": _SITE,
    "Ranges": {
        "type": "object",
        "required": ["sites", "can_sign_in"],
        "properties": {"sites": {"type": "array", "items": _SITE},
                       "can_sign_in": {"type": "boolean"}},
    },
    "Attendance": _ATTENDANCE,
    "MyMonth": {
        "type": "object",
        "required": ["month", "signed_days", "attendance"],
        "properties": {"month": {"type": "string"}, "signed_days": {"type": "integer"},
                       "attendance": {"type": "array", "items": _ATTENDANCE}},
    },
}  # fmt: skip
