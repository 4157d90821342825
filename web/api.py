"""The JSON API's description: /api/openapi.json merges each area's paths (OpenAPI 3.1)."""

from flask import Blueprint, jsonify

from web.access import public
from web.inbox import api as inbox_api
from web.inbox import process_api
from web.signin import openapi as signin_api

bp = Blueprint("api", __name__)

# Areas that describe their /api/ routes: each has PATHS (and optionally SCHEMAS).
AREAS = (signin_api, inbox_api, process_api)


def openapi_document() -> dict:
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "筑薪 zhuxin API", "version": "1"},
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "session"}},
            "schemas": {},
        },
        "security": [{"session": []}],
        "paths": {},
    }
    for area in AREAS:
        doc["paths"].update(area.PATHS)
        doc["components"]["schemas"].update(getattr(area, "SCHEMAS", {}))
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
