"""The JSON API's description: /api/openapi.json merges each area's paths (web/openapi.py)."""

from flask import Blueprint, jsonify

from web import openapi as oa
from web.access import public
from web.inbox import api as inbox_api
from web.inbox import process_api
from web.signin import openapi as signin_api

bp = Blueprint("api", __name__)

_ASSIGNMENT = {
    "type": "object",
    "required": ["id", "name", "unit_id", "state", "flags"],
    "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"},
        "id_number": {"type": "string", "description": "masked"}, "trade": oa.NULLABLE_STR,
        "unit_id": {"type": "integer"}, "unit": {"type": "string"}, "state": {"type": "string"},
        "reason": oa.NULLABLE_STR, "bank_card": oa.NULLABLE_STR, "id_valid_until": oa.NULLABLE_STR,
        "team_id": oa.NULLABLE_INT, "team": oa.NULLABLE_STR, "entered_on": oa.NULLABLE_STR,
        "exited_on": oa.NULLABLE_STR,
        "flags": {"type": "array", "items": {"type": "object", "properties": {
            "reason": {"type": "string"}, "message": {"type": "string"}}}},
    },
}  # fmt: skip
# Routes described here: this blueprint's, and the acceptance list (web/project/views.py).
_ASSIGNMENTS_OK = oa.ok("The assignments", {"type": "object", "required": ["assignments"],
                                           "properties": {"assignments": {"type": "array",
                                                                          "items": _ASSIGNMENT}}})
_SEARCH = {"type": "object", "properties": {
    k: {"type": "string"} for k in ("name", "id_number", "trade", "state", "unit_id", "team_id")}}

PATHS = {
    "/api/ping": {"get": {**oa.operation(
        "A trivial endpoint: the floor that benchmarks compare against", "api",
        {**oa.ok("Up", {"type": "object", "required": ["ok"],
                        "properties": {"ok": {"const": True}}}), **oa.errors(400)}),
        "security": []}},
    "/api/openapi.json": {"get": {**oa.operation(
        "This description (OpenAPI 3.1)", "api",
        {**oa.ok("The document", {"type": "object", "required": ["openapi", "paths"]}),
         **oa.errors(400)}),
        "security": []}},
    "/api/projects/{project_id}/assignments": {
        "get": oa.operation(
            "项目人员接收: the acceptance list with the filters and scope of the page "
            "(ID and card numbers masked); an ID number in the query is refused (400)", "projects",
            {**_ASSIGNMENTS_OK, **oa.errors(*oa.GUARDED, 404)},
            parameters=oa.path_ids("project_id") + oa.query(
                ("name", {"type": "string"}), ("id_number", {"type": "string"}),
                ("trade", {"type": "string"}), ("state", {"type": "string"}),
                ("unit_id", oa.QUERY_ID), ("team_id", oa.QUERY_ID))),
        "post": oa.operation(
            "The same list searched with the filters in the body (an ID number never in a URL)",
            "projects", {**_ASSIGNMENTS_OK, **oa.errors(*oa.GUARDED, 404, 413)},
            parameters=oa.path_ids("project_id"),
            requestBody={"required": False, "content": {
                "application/json": {"schema": _SEARCH}}}),
    },
}  # fmt: skip

# Areas that describe their /api/ routes: each has PATHS (and optionally SCHEMAS).
AREAS = (signin_api, inbox_api, process_api)


def openapi_document() -> dict:
    doc = oa.document(AREAS)
    doc["paths"].update(PATHS)
    return doc


@bp.route("/api/openapi.json")
@public
def openapi():
    return jsonify(openapi_document())


@bp.route("/api/ping")
@public
def ping():
    """A trivial endpoint: the floor that benchmarks compare against."""
    return jsonify(ok=True)
