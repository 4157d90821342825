"""JSON API of the inbox: the open tasks of the user, and completing one through its handler."""

from flask import g, jsonify

import engine
from services import tasks
from web.access import guard
from web.extensions import db
from web.forms import json_object, json_value
from web.inbox import bp
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


PATHS = {
    "/api/tasks": {
        "get": {
            "summary": "待办: the open tasks the user may do now",
            "tags": ["tasks"],
            "responses": {"200": {"description": "tasks: [{id, process_id, bpmn_id, name, …}]"},
                          "401": {"description": "Not logged in"}},
        }
    },
    "/api/tasks/{human_task_id}/complete": {
        "post": {
            "summary": "Complete a task through its handler (the same rules as its page)",
            "tags": ["tasks"],
            "parameters": [{"name": "human_task_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {
                "200": {"description": "Completed"},
                "400": {"description": "A field is wrong: {reason, message, field}"},
                "403": {"description": "Not your task"},
                "404": {"description": "No such task"},
                "409": {"description": "Not open, or only on its own page: {reason, message, page}"},
            },
        }
    },
}  # fmt: skip
