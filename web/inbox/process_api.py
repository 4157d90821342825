"""JSON API of the process administration (same rules as the pages): a task's form, instances
(list, show with history, suspend/resume/terminate) and definitions (list, validate, deploy)."""

from __future__ import annotations

from flask import g, jsonify, request

import engine
from domain import roles
from domain.masking import mask_card, mask_id_number, mask_phone
from services import editor, processes, tasks
from web.access import guard
from web.extensions import db
from web.forms import json_object, json_value
from web.inbox import bp
from web.openapi import (
    GUARDED,
    NULLABLE_STR,
    errors,
    json_body,
    ok,
    operation,
    path_ids,
    query,
)
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
    reason = json_value(json_object(), "reason", "string", default="")
    processes.control_instance(uow(), action, instance_id, by=g.actor.username,
                               actor_id=g.actor.user_id, reason=reason)  # fmt: skip
    return jsonify(ok=True, id=instance_id, action=action)


@bp.post("/api/instances/<int:instance_id>/migrate")
@guard(roles.PROCESS_ADMIN)
def api_instance_migrate(instance_id: int):
    """Move the instance to a newer version (body {to_version, dry_run, reason}); the plan:
    what moves and what cannot (409 with the reasons when the move is refused)."""
    data = json_object()
    dry_run = bool(json_value(data, "dry_run", "boolean", default=False))
    plan = processes.migrate_instance(
        uow(), instance_id, processes.target_version(json_value(data, "to_version", "integer", required=True)),
        by=g.actor.username, actor_id=g.actor.user_id,
        reason=json_value(data, "reason", "string", default=""), dry_run=dry_run)  # fmt: skip
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


_ADMIN = (*GUARDED, )  # 403: not the process administrator
_OBJ = {"type": "object"}
_LIST = lambda key, item: {"type": "object", "required": [key],  # noqa: E731
                           "properties": {key: {"type": "array", "items": item}}}
_INSTANCE = {
    "type": "object",
    "required": ["id", "process_id", "status"],
    "properties": {"id": {"type": "integer"}, "process_id": {"type": "string"},
                   "business_key": NULLABLE_STR, "status": {"type": "string"},
                   "version": {"type": "integer"}, "started_by": NULLABLE_STR,
                   "created_at": NULLABLE_STR, "updated_at": NULLABLE_STR},
}
_FORM = {
    "type": "object",
    "required": ["id", "instance_id", "process_id", "bpmn_id", "fields"],
    "properties": {"id": {"type": "integer"}, "instance_id": {"type": "integer"},
                   "process_id": {"type": "string"}, "bpmn_id": {"type": "string"},
                   "title": {"type": "string"}, "instructions": {"type": "string"},
                   "kind": {"type": "string", "enum": ["fields", "approval"]},
                   "status": {"type": "string"},
                   "fields": {"type": "array", "items": {"type": "object", "properties": {
                       "name": {"type": "string"}, "label": {"type": "string"},
                       "type": {"type": "string"}, "required": {"type": "boolean"}}}}},
}
_DETAIL = {
    "type": "object",
    "required": ["id", "process_id", "status", "tasks", "jobs", "incidents", "history",
                 "actions", "data"],
    "properties": {"id": {"type": "integer"}, "process_id": {"type": "string"},
                   "business_key": NULLABLE_STR, "status": {"type": "string"},
                   "version": {"type": "integer"},
                   **{k: {"type": "array", "items": _OBJ}
                      for k in ("tasks", "jobs", "incidents", "history", "actions")},
                   "data": _OBJ},
}
_DEFINITION = {
    "type": "object",
    "required": ["id", "process_id", "version", "sha256"],
    "properties": {"id": {"type": "integer"}, "process_id": {"type": "string"},
                   "name": NULLABLE_STR, "version": {"type": "integer"},
                   "sha256": {"type": "string"}, "deployed_by": NULLABLE_STR,
                   "deployed_at": NULLABLE_STR},
}
_XML = {"required": True, "content": {"application/xml": {"schema": {"type": "string"}}}}
_REFUSED = "The diagram was refused (`reason`: diagram_refused; the message names each problem)"
_IID = path_ids("instance_id")
_P = "processes"
PATHS = {
    "/api/tasks/{human_task_id}": {"get": operation(
        "A task's form (title, instructions, fields)", "tasks",
        {**ok("The form", _FORM), **errors(*GUARDED, 404)},
        parameters=path_ids("human_task_id"))},
    "/api/instances": {"get": operation(
        "Process instances, newest first", _P,
        {**ok("The instances", _LIST("instances", _INSTANCE)), **errors(*_ADMIN)},
        parameters=query(("process_id", {"type": "string"}), ("status", {"type": "string"}),
                         ("business_key", {"type": "string"})))},
    "/api/instances/{instance_id}": {"get": operation(
        "One instance with its tasks, jobs, incidents, history and data (personal data "
        "masked)", _P, {**ok("The instance", _DETAIL), **errors(*_ADMIN, 404)},
        parameters=_IID)},
    **{f"/api/instances/{{instance_id}}/{a}": {"post": operation(
        f"{a.capitalize()} the instance" + (" (`reason` required)" if a == "terminate" else ""),
        _P, {**ok("Done", {"type": "object", "required": ["ok", "id", "action"], "properties": {
            "ok": {"const": True}, "id": {"type": "integer"}, "action": {"const": a}}}),
            **errors(*_ADMIN, 404, 413, _409="Not running, or not suspended")},
        parameters=_IID,
        requestBody=json_body({"type": "object", "properties": {"reason": {"type": "string"}}},
                              required=False))}
       for a in ("suspend", "resume", "terminate")},
    "/api/instances/{instance_id}/migrate": {"post": operation(
        "Move the instance to a newer version of its process (or only plan it: `dry_run`)", _P,
        {**ok("Moved, or the dry run's plan", {"type": "object", "required": ["ok", "id", "to_version"],
                                                "properties": {
            "ok": {"type": "boolean"}, "dry_run": {"type": "boolean"}, "id": {"type": "integer"},
            "from_version": {"type": "integer"}, "to_version": {"type": "integer"},
            "moves": {"type": "array"}, "blocked": {"type": "array"}, "changed": {"type": "array"},
            "reason": NULLABLE_STR}}),
         **errors(*_ADMIN, 404, 413, _409="Refused: an active task is not in the target, or it is not newer")},
        parameters=_IID,
        requestBody=json_body({"type": "object", "required": ["to_version"], "properties": {
            "to_version": {"type": ["integer", "string"], "description": "3 or v3"},
            "dry_run": {"type": "boolean"}, "reason": {"type": "string"}}}))},
    "/api/definitions": {
        "get": operation("Deployed versions", _P,
                         {**ok("The versions", _LIST("definitions", _DEFINITION)),
                          **errors(*_ADMIN)}),
        "post": operation(
            "Deploy BPMN XML (the newest version's text again: `unchanged`, nothing stored)", _P,
            {**ok("Deployed", {"type": "object", "required": ["ok", "id", "version"],
                               "properties": {"ok": {"const": True}, "id": {"type": "integer"},
                                              "process_id": {"type": "string"},
                                              "version": {"type": "integer"},
                                              "unchanged": {"type": "boolean"}}}),
             **errors(*_ADMIN, 409, 413, _400=_REFUSED)},
            requestBody={"required": True, "content": {
                "application/xml": {"schema": {"type": "string"}},
                "multipart/form-data": {"schema": {"type": "object", "properties": {
                    "file": {"type": "array", "items": {"type": "string", "format": "binary"},
                             "description": "a BPMN file with the DMN files it uses"}}}}}},
            parameters=query(("main", {"type": "string"}),
                             description={"main": "the main process of a file with several"})),
    },
    "/api/definitions/validate": {"post": operation(
        "Every deploy check on the BPMN XML; nothing is stored", _P,
        {**ok("Valid", {"type": "object", "required": ["ok", "process_id"], "properties": {
            "ok": {"const": True}, "process_id": {"type": "string"}}}),
         **errors(*_ADMIN, 413, _400=_REFUSED)},
        requestBody=_XML)},
}  # fmt: skip


# -- the process editor's lists (流程编辑) ----------------------------------------------------


@bp.get("/api/connectors")
@guard(roles.PROCESS_ADMIN)
def api_connectors():
    """The registered service-task operators with the parameters the diagrams pass them."""
    return jsonify(connectors=editor.connector_catalogue(uow()))


@bp.get("/api/roles")
@guard(roles.PROCESS_ADMIN)
def api_roles():
    """The roles a lane may name (a lane's name is its role code)."""
    return jsonify(roles=editor.lane_roles(g.get("lang", "zh")))


PATHS.update({
    "/api/connectors": {"get": operation(
        "Registered service-task operators, each with the parameters the diagrams pass it", _P,
        {**ok("The operators: [{operator, parameters: [{id, type, value}], used_by}]",
              _LIST("connectors", _OBJ)), **errors(*_ADMIN)})},
    "/api/roles": {"get": operation(
        "The roles a lane may name", _P,
        {**ok("The roles: [{code, label}]", _LIST("roles", _OBJ)), **errors(*_ADMIN)})},
})  # fmt: skip
