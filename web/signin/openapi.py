"""OpenAPI description of /api/signin/... (merged into /api/openapi.json by web/api.py)."""

from domain.signin.errors import MESSAGES

_REFUSAL = {
    "description": "Refused (422), or already signed in today (409)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SignInRefused"}}},
}
_INVALID = {
    "description": "Invalid input: ``field`` names the value at fault",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}},
}
_LOCATION = [
    {"name": n, "in": "query", "schema": {"type": "number"}, "description": d}
    for n, d in (
        ("lat", "WGS-84 latitude from the Geolocation API"),
        ("lng", "WGS-84 longitude"),
        ("accuracy", "reported accuracy, metres"),
    )
] + [
    {
        "name": "location_error",
        "in": "query",
        "schema": {"type": "string", "enum": ["denied", "missing"]},
    }
]
_SCAN_BODY = {
    "required": True,
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ScanRequest"}}},
}
_OK = {
    "description": "Signed in",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SignInResult"}}},
}
_PID = [{"name": "project_id", "in": "path", "required": True, "schema": {"type": "integer"}}]

PATHS = {
    "/api/signin/code": {
        "get": {
            "summary": "个人建设码: a fresh Ed25519-signed code (120 s) with its QR as SVG",
            "tags": ["signin"],
            "responses": {"200": {"description": "token, issued_at, expires_at, svg"}},
        }
    },
    "/api/signin/ranges": {
        "get": {
            "summary": "Is the worker's location inside each of his projects' sign-in ranges?",
            "tags": ["signin"],
            "parameters": _LOCATION,
            "responses": {"200": {"description": "sites[], can_sign_in"}},
        }
    },
    "/api/signin/worker-scan": {
        "post": {
            "summary": "工人扫班前签到员建设码 (worker scanned an officer's code)",
            "tags": ["signin"],
            "requestBody": _SCAN_BODY,
            "responses": {"200": _OK, "409": _REFUSAL, "422": _REFUSAL},
        }
    },
    "/api/signin/projects/{project_id}/officer-scan": {
        "post": {
            "summary": "班前签到员扫工人建设码 (officer scanned a worker's code)",
            "tags": ["signin"],
            "parameters": _PID,
            "requestBody": _SCAN_BODY,
            "responses": {"200": _OK, "409": _REFUSAL, "422": _REFUSAL},
        }
    },
    "/api/signin/projects/{project_id}/point": {
        "post": {
            "summary": "手动录入坐标: set the sign-in point (stored as WGS-84)",
            "tags": ["signin"],
            "parameters": _PID,
            "requestBody": {
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/PointRequest"}}
                }
            },
            "responses": {
                "200": {"description": "the point in WGS-84, GCJ-02 and BD-09"},
                "400": _INVALID,
            },
        }
    },
    "/api/signin/projects/{project_id}/point-test": {
        "get": {
            "summary": "Test at my location: distance to the sign-in point and the range verdict",
            "tags": ["signin"],
            "parameters": _PID + _LOCATION,
            "responses": {"200": {"description": "inside, distance_m, reason, message"}},
        }
    },
    "/api/signin/projects/{project_id}/attendance": {
        "get": {
            "summary": "考勤记录 with filters",
            "tags": ["signin"],
            "parameters": _PID
            + [
                {"name": n, "in": "query", "schema": {"type": t}}
                for n, t in (
                    ("from", "string"),
                    ("to", "string"),
                    ("unit_id", "integer"),
                    ("name", "string"),
                    ("method", "string"),
                )
            ],
            "responses": {"200": {"description": "attendance[]"}},
        }
    },
    "/api/signin/me/attendance": {
        "get": {
            "summary": "我的考勤: the logged-in worker's sign-ins of one month",
            "tags": ["signin"],
            "parameters": [{"name": "month", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "month, signed_days, attendance[]"}},
        }
    },
}

_REFUSAL_PROPERTIES = {
    "ok": {"type": "boolean", "example": False},
    "error": {
        "type": "string",
        "description": "the kind: invalid_input, not_found, conflict, signin_refused, ...",
    },
    "reason": {"type": "string", "description": "a stable code, e.g. invalid_coordinates"},
    "message": {"type": "string", "description": "in the request's language"},
    "field": {"type": ["string", "null"], "description": "the input at fault"},
    "fields": {"type": "array", "items": {"type": "string"}},
    "params": {"type": "object", "description": "the values the message names"},
}

SCHEMAS = {
    "ScanRequest": {
        "type": "object",
        "required": ["code"],
        "properties": {
            "code": {"type": "string", "description": "the scanned PCC1: code"},
            "lat": {"type": "number"},
            "lng": {"type": "number"},
            "accuracy": {"type": "number"},
            "location_error": {"type": "string", "enum": ["denied", "missing"]},
        },
    },
    "SignInResult": {
        "type": "object",
        "properties": {
            "ok": {"type": "boolean"},
            "attendance_id": {"type": "integer"},
            "person_name": {"type": "string"},
            "project_name": {"type": "string"},
            "time": {"type": "string", "example": "07:12"},
            "method": {"type": "string", "enum": ["worker_scan", "officer_scan", "makeup"]},
            "distance_m": {"type": "integer"},
        },
    },
    "Refusal": {
        "type": "object",
        "description": "Every refusal of the API (and of a page asked for JSON)",
        "properties": _REFUSAL_PROPERTIES,
    },
    "SignInRefused": {
        "type": "object",
        "properties": {
            **_REFUSAL_PROPERTIES,
            "error": {"type": "string", "enum": ["signin_refused"]},
            "reason": {"type": "string", "enum": sorted(MESSAGES)},
            "person_name": {"type": "string"},
        },
    },
    "PointRequest": {
        "type": "object",
        "required": ["lng", "lat"],
        "properties": {
            "lng": {"type": "number"},
            "lat": {"type": "number"},
            "system": {"type": "string", "enum": ["gcj02", "wgs84", "bd09"], "default": "gcj02"},
            "radius": {"type": "integer", "default": 300},
            "start": {"type": "string", "example": "04:00"},
            "end": {"type": "string", "example": "12:00"},
        },
    },
}

# -- the worker's day before he scans (issue 13 item 8); appended so the entries above stay ----
SCHEMAS["RangesAnswer"] = {
    "type": "object",
    "properties": {
        "can_sign_in": {"type": "boolean", "description": "some site has can_sign_in"},
        "sites": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "project_id": {"type": "integer"},
                    "project_name": {"type": "string"},
                    "radius_m": {"type": "integer"},
                    "hours": {"type": "string", "example": "04:00–12:00"},
                    "inside": {"type": "boolean", "description": "inside the sign-in range"},
                    "distance_m": {"type": "integer", "nullable": True},
                    "reason": {"type": "string", "nullable": True},
                    "message": {"type": "string"},
                    "open_now": {"type": "boolean", "description": "inside the sign-in hours"},
                    "signed_today": {"type": "string", "nullable": True, "example": "07:12"},
                    "blocked": {
                        "type": "object",
                        "nullable": True,
                        "description": "why not now whatever the location: already_signed or "
                        "outside_hours, with its message",
                        "properties": {"reason": {"type": "string"}, "message": {"type": "string"}},
                    },
                    "can_sign_in": {
                        "type": "boolean",
                        "description": "inside the range and the hours, not yet signed in today",
                    },
                },
            },
        },
    },
}
PATHS["/api/signin/ranges"]["get"]["responses"]["200"] = {
    "description": "sites[] with the range, the hours and today's sign-in; can_sign_in",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RangesAnswer"}}},
}
SCHEMAS["PointRequest"]["properties"]["point"] = {
    "type": "string",
    "description": "instead of lng and lat: what AMap gives (121.46558,31.189384, a full-width "
    "comma, a space, or a share URL with position= or lng=&lat=); latitude first is swapped",
    "example": "121.46558,31.189384",
}
SCHEMAS["PointRequest"].pop("required", None)  # lng and lat, or point
