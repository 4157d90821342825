"""JSON API of the process administration (same rules as the pages): a task's form, instances
(list, show with history, suspend/resume/terminate) and definitions (list, validate, deploy)."""

from __future__ import annotations

from flask import g, jsonify, request

import engine
from domain import roles
from domain.masking import mask_card, mask_id_number, mask_phone
from services import processes, tasks
from web.access import guard
from web.extensions import db
from web.inbox import bp
from web.runtime import uow

# Task data keys whose values are personal: shown masked through the API.
_MASKS = {"id_number": mask_id_number, "bank_card": mask_card, "card": mask_card,
          "phone": mask_phone, "mobile": mask_phone}


def masked(value, key: str = ""):
    """Task data with ID and card numbers masked, at any depth."""
    if isinstance(value, dict):
        return {k: masked(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v, key) for v in value]
    mask = next((m for name, m in _MASKS.items() if key.endswith(name)), None)
    return mask(str(value)) if mask and value else value


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _instance(row) -> dict:
    return {"id": row.id, "process_id": row.process_id, "business_key": row.business_key,
            "status": row.status, "version": row.version, "started_by": row.started_by,
            "created_at": _plain(row.created_at), "updated_at": _plain(row.updated_at)}  # fmt: skip


@bp.get("/api/tasks/<int:human_task_id>")
@guard()
def api_task(human_task_id: int):
    """A task's form: title, instructions, fields (the generic page's content)."""
    form = tasks.task_form(uow(), g.actor, human_task_id)
    return jsonify(id=form.human_task_id, instance_id=form.instance_id,
                   process_id=form.process_id, bpmn_id=form.bpmn_id, title=form.title,
                   instructions=form.instructions, kind=form.kind, status=form.status,
                   fields=[{"name": f.name, "label": f.label, "type": f.type,
                            "required": f.required} for f in form.fields])  # fmt: skip


@bp.get("/api/instances")
@guard(roles.PROCESS_ADMIN)
def api_instances():
    rows = engine.list_instances(db.session, process_id=request.args.get("process_id") or None,
                                 status=request.args.get("status") or None,
                                 business_key=request.args.get("business_key") or None)  # fmt: skip
    return jsonify(instances=[_instance(r) for r in rows])


@bp.get("/api/instances/<int:instance_id>")
@guard(roles.PROCESS_ADMIN)
def api_instance(instance_id: int):
    """One instance: status, live tasks, jobs, incidents, history, data (personal data masked)."""
    info = engine.describe_instance(db.session, instance_id)
    return jsonify(
        id=info["id"], process_id=info["process_id"], business_key=info["business_key"],
        status=info["status"], version=info["version"], tasks=info["tasks"],
        jobs=[{k: _plain(v) for k, v in j.items()} for j in info["jobs"]],
        incidents=[{"id": i.id, "error": i.error, "resolved": i.resolved_at is not None}
                   for i in info["incidents"]],
        history=[{k: _plain(v) for k, v in h.items()} for h in info["human_tasks"]],
        actions=[{"action": a.action, "reason": a.reason, "by": a.by, "at": _plain(a.at)}
                 for a in info["actions"]],
        data=masked(info["data"]),
        task_history=[{**{k: _plain(v) for k, v in h.items() if k != "changes"},
                       "changes": masked(h["changes"])} for h in info["history"]],
        waiting=[{k: _plain(v) for k, v in w.items()} for w in info["waiting"]],
    )  # fmt: skip


@bp.post("/api/instances/<int:instance_id>/<any(suspend, resume, terminate):action>")
@guard(roles.PROCESS_ADMIN)
def api_instance_control(instance_id: int, action: str):
    body = request.get_json(silent=True)
    reason = body.get("reason", "") if isinstance(body, dict) else ""
    processes.control_instance(uow(), action, instance_id, by=g.actor.username,
                               actor_id=g.actor.user_id, reason=str(reason))  # fmt: skip
    return jsonify(ok=True, id=instance_id, action=action)


@bp.post("/api/instances/<int:instance_id>/migrate")
@guard(roles.PROCESS_ADMIN)
def api_instance_migrate(instance_id: int):
    """Move the instance to a newer version (body {to_version, dry_run, reason}); the plan:
    what moves and what cannot (409 with the reasons when the move is refused)."""
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    dry_run = body.get("dry_run") in (True, 1, "1", "true", "yes")
    plan = processes.migrate_instance(
        uow(), instance_id, processes.target_version(body.get("to_version")),
        by=g.actor.username, actor_id=g.actor.user_id, reason=str(body.get("reason") or ""),
        dry_run=dry_run)  # fmt: skip
    return jsonify(ok=plan.possible, dry_run=dry_run, id=instance_id,
                   from_version=plan.from_version, to_version=plan.to_version,
                   moves=plan.moves, blocked=plan.blocked, changed=plan.changed,
                   reason=plan.reason)  # fmt: skip


@bp.get("/api/definitions")
@guard(roles.PROCESS_ADMIN)
def api_definitions():
    return jsonify(definitions=[
        {"id": d.id, "process_id": d.process_id, "name": d.name, "version": d.version,
         "sha256": d.sha256, "deployed_by": d.deployed_by, "deployed_at": _plain(d.deployed_at)}
        for d in engine.list_definitions(db.session)
    ])  # fmt: skip


@bp.post("/api/definitions/validate")
@guard(roles.PROCESS_ADMIN)
def api_definitions_validate():
    """Every deploy check on the BPMN XML of the body; nothing is stored."""
    documents, main = _documents()
    bpmn, dmn = processes.split_documents(documents)
    process_id = processes.validate_diagram(uow(), bpmn[0], dmn=dmn, main=main)
    return jsonify(ok=True, process_id=process_id)


def _documents() -> tuple[list[bytes], str | None]:
    """The deployed files: multipart ``file`` parts (BPMN and DMN), else the body; ``main``
    from the form or the query string."""
    files = [f.read() for f in request.files.getlist("file") if f and f.filename]
    main = (request.form.get("main") or request.args.get("main") or "").strip() or None
    return files or [request.get_data()], main


@bp.post("/api/definitions")
@guard(roles.PROCESS_ADMIN)
def api_definitions_deploy():
    """Deploy the BPMN XML of the body, or multipart files (a BPMN file with its DMN files);
    ``?main=`` names the main process (the newest text again: ``unchanged``, nothing stored)."""
    documents, main = _documents()
    deployed = processes.deploy_documents(uow(), documents, by=g.actor.username, main=main)
    d = deployed[-1]
    return jsonify(ok=True, id=d.id, process_id=d.process_id, version=d.version,
                   unchanged=d.unchanged,
                   deployed=[{"id": x.id, "process_id": x.process_id, "version": x.version,
                              "unchanged": x.unchanged} for x in deployed])  # fmt: skip


def _op(summary: str, responses: dict, params=(), body=None) -> dict:
    op: dict = {"summary": summary, "tags": ["processes"],
                "responses": {**responses, "401": {"description": "Not logged in"},
                              "403": {"description": "Not the process administrator"}}}  # fmt: skip
    if params:
        op["parameters"] = [{"name": p, "in": "path", "required": True,
                             "schema": {"type": "integer"}} for p in params]  # fmt: skip
    if body:
        op["requestBody"] = {"required": True, "content": body}
    return op


_XML = {"application/xml": {"schema": {"type": "string"}},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "file": {"type": "array", "items": {"type": "string", "format": "binary"},
                     "description": "a BPMN file and the DMN files it uses"},
            "main": {"type": "string", "description": "the main process or collaboration"}}}}}
_REFUSED = {"400": {"description": "Diagram refused: {reason: diagram_refused, message}"}}
PATHS = {
    "/api/tasks/{human_task_id}": {"get": {**_op(
        "A task's form (title, instructions, fields)",
        {"200": {"description": "The form"}, "404": {"description": "No such task"}},
        ["human_task_id"]), "tags": ["tasks"]}},
    "/api/instances": {"get": _op("Process instances, newest first (?process_id, status, "
                                  "business_key)", {"200": {"description": "instances: […]"}})},
    "/api/instances/{instance_id}": {"get": _op(
        "One instance with its tasks, jobs, incidents, history and data (masked)",
        {"200": {"description": "The instance"}, "404": {"description": "No such instance"}},
        ["instance_id"])},
    **{f"/api/instances/{{instance_id}}/{a}": {"post": _op(
        f"{a.capitalize()} the instance" + (" (body {reason}, required)" if a == "terminate"
                                            else ""),
        {"200": {"description": "Done"}, "400": {"description": "Reason missing"},
         "404": {"description": "No such instance"},
         "409": {"description": "Not running / not suspended"}},
        ["instance_id"], {"application/json": {"schema": {"type": "object"}}})}
       for a in ("suspend", "resume", "terminate")},
    "/api/instances/{instance_id}/migrate": {"post": _op(
        "Move the instance to a newer version of its process; body {to_version, dry_run, "
        "reason}; answers the plan {moves, blocked, changed, reason}",
        {"200": {"description": "Moved, or the dry run's plan"},
         "400": {"description": "No target version"},
         "404": {"description": "No such instance"},
         "409": {"description": "Refused: an active task is not in the target, or not newer"}},
        ["instance_id"], {"application/json": {"schema": {"type": "object"}}})},
    "/api/definitions": {
        "get": _op("Deployed versions", {"200": {"description": "definitions: […]"}}),
        "post": _op("Deploy BPMN XML", {"200": {"description": "{id, version, unchanged}"},
                                        **_REFUSED}, body=_XML),
    },
    "/api/definitions/validate": {"post": _op(
        "Every deploy check, nothing stored", {"200": {"description": "{ok, process_id}"},
                                               **_REFUSED}, body=_XML)},
}  # fmt: skip
