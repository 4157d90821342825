"""What every part of /api/openapi.json shares (OpenAPI 3.1): the one error answer, the
answers by status code, id parameters, JSON bodies, and the document that merges the areas.

An area (``web/signin/openapi.py``, ``web/inbox/api.py``, ``web/inbox/process_api.py``,
``web/api.py``) describes its routes in ``PATHS`` (and ``SCHEMAS``) with these helpers, so that
each operation lists the errors it really answers, each with the shared ``Error`` schema.
``tests/web/test_openapi.py`` checks that every /api/ route is described, and
``tests/web/test_api_fuzz.py`` (schemathesis) that the answers keep to the description.
"""

ERROR_REF = {"$ref": "#/components/schemas/Error"}

# The statuses of the API's refusals (web/errors.py, web/access.py) and what they mean.
STATUS = {
    400: "Invalid input: `field` names the value at fault (a wrong JSON type, a body that is "
         "no JSON object, a number out of range, control characters in any input)",
    401: "Not logged in (`error`: login_required)",
    403: "Logged in without the role in this project or unit (`error`: forbidden)",
    404: "No such object, or an id beyond what the database holds",
    409: "Conflict with the current state (a task already done, a concurrent update, a "
         "process that failed: nothing was saved)",
    413: "Request body too large (`error`: too_large)",
    422: "Refused by a rule (`reason` says which)",
}  # fmt: skip
# What any logged-in route can answer: bad input anywhere, logged out, no role here.
GUARDED = (400, 401, 403)

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every refusal of the API: the kind, a stable reason code, a message in the "
                   "request's language, and the input at fault",
    "required": ["error", "message"],
    "properties": {
        "ok": {"const": False},
        "error": {"type": "string", "description": "the kind: invalid_input, not_found, "
                  "conflict, forbidden, login_required, signin_refused, too_large, …"},
        "reason": {"type": "string", "description": "a stable code, e.g. invalid_coordinates"},
        "message": {"type": "string", "description": "in the request's language"},
        "field": {"type": ["string", "null"], "description": "the input at fault"},
        "fields": {"type": "array", "items": {"type": "string"}},
        "params": {"type": "object", "description": "the values the message names"},
        "page": {"type": "string", "description": "a task done only on its own page: its URL"},
    },
}  # fmt: skip


def errors(*codes: int, **described: str) -> dict:
    """The error answers ``codes`` (and ``described``, e.g. ``_409="…"``), each with the
    shared Error schema."""
    texts = {**{c: STATUS[c] for c in codes}, **{int(k[1:]): v for k, v in described.items()}}
    return {
        str(code): {"description": text, "content": {"application/json": {"schema": ERROR_REF}}}
        for code, text in sorted(texts.items())
    }


def ok(description: str, schema: dict, status: int = 200) -> dict:
    return {str(status): {"description": description,
                          "content": {"application/json": {"schema": schema}}}}  # fmt: skip


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def path_ids(*names: str) -> list[dict]:
    """Integer ids in the path (0 … 2**31-1: beyond, no route answers, 404)."""
    return [{"name": n, "in": "path", "required": True,
             "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}} for n in names]  # fmt: skip


def query(*params: tuple[str, dict], description: dict | None = None) -> list[dict]:
    """Optional query parameters (name, schema)."""
    notes = description or {}
    return [{"name": n, "in": "query", "schema": s, **({"description": notes[n]} if n in notes
             else {})} for n, s in params]  # fmt: skip


def json_body(schema: dict, required: bool = True) -> dict:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def operation(summary: str, tag: str, answers: dict, **more) -> dict:
    return {"summary": summary, "tags": [tag], "responses": answers, **more}


def or_empty(schema: dict) -> dict:
    """A query value that may also be empty (``?unit_id=``: a form's "all"; no value)."""
    return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


QUERY_ID = or_empty({"type": "integer", "minimum": 0, "maximum": 2**31 - 1})
NULLABLE_INT = {"type": ["integer", "null"]}
NULLABLE_STR = {"type": ["string", "null"]}


def document(areas) -> dict:
    """The OpenAPI document of the areas' ``PATHS`` and ``SCHEMAS``."""
    doc: dict = {
        "openapi": "3.1.0",
        "info": {"title": "筑薪 zhuxin API", "version": "1",
                 "description": "JSON API of the mobile pages and integrations. Log in with "
                                "POST /login (form: account, password); the session cookie "
                                "authenticates every call."},  # fmt: skip
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "session"}},
            "schemas": {"Error": ERROR_SCHEMA},
        },
        "security": [{"session": []}],
        "paths": {},
    }
    for area in areas:
        doc["paths"].update(area.PATHS)
        doc["components"]["schemas"].update(getattr(area, "SCHEMAS", {}))
    return doc
