"""JSON API of the inbox: the open tasks of the user, and completing one through its handler."""

from flask import g, jsonify

import engine
from services import tasks
from web.access import guard
from web.extensions import db
from web.forms import json_object, json_value
from web.inbox import bp
from web.openapi import (
    GUARDED,
    NULLABLE_INT,
    NULLABLE_STR,
    errors,
    json_body,
    ok,
    operation,
    path_ids,
)
from web.runtime import uow


@bp.get("/api/tasks")
@guard()
def api_tasks():
    """待办: the open tasks the user may do now."""
    items = engine.list_inbox(db.session, tasks.engine_grants(g.actor))
    return jsonify(tasks=[
        {"id": i.id, "process_id": i.process_id, "bpmn_id": i.bpmn_id, "name": i.name,
         "business_key": i.business_key, "project_id": i.project_id, "unit_id": i.unit_id,
         "created_at": i.created_at.isoformat()} for i in items
    ])  # fmt: skip


@bp.post("/api/tasks/<int:human_task_id>/complete")
@guard()
def api_task_complete(human_task_id: int):
    """Complete a task with the fields of a JSON object (e.g. {"decision": "reject",
    "comment": "…"}); the task's handler runs exactly as on its own page."""
    body = json_object()
    inputs = {name: json_value(body, name, "scalar") for name in body}
    tasks.complete_task(uow(), g.actor, human_task_id, inputs, route=tasks.API)
    return jsonify(ok=True, id=human_task_id)


_TASK = {
    "type": "object",
    "required": ["id", "process_id", "bpmn_id", "name"],
    "properties": {
        "id": {"type": "integer"}, "process_id": {"type": "string"},
        "bpmn_id": {"type": "string"}, "name": {"type": ["string", "null"]},
        "business_key": NULLABLE_STR, "project_id": NULLABLE_INT, "unit_id": NULLABLE_INT,
        "created_at": {"type": "string"},
    },
}
PATHS = {
    "/api/tasks": {"get": operation(
        "待办: the open tasks the user may do now", "tasks",
        {**ok("The open tasks", {"type": "object", "required": ["tasks"], "properties": {
            "tasks": {"type": "array", "items": _TASK}}}),
         **errors(400, 401)},
    )},
    "/api/tasks/{human_task_id}/complete": {"post": operation(
        "Complete a task through its handler (the same rules as its page); the body's fields "
        "are the task form's, each a string, number, boolean or null", "tasks",
        {**ok("Completed", {"type": "object", "required": ["ok", "id"], "properties": {
            "ok": {"const": True}, "id": {"type": "integer"}}}),
         **errors(*GUARDED, 404, 413, 422, _409="Not open, suspended, or done only on its own "
                  "page (`reason`: needs_own_page, `page`: its URL)")},
        parameters=path_ids("human_task_id"),
        requestBody=json_body({"type": "object", "additionalProperties": {
            "type": ["string", "number", "boolean", "null"]}}, required=False),
    )},
}  # fmt: skip
