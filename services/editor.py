"""What the process editor (流程编辑) and the instance view's diagram read: the operators a
service task may name with the parameters they take, the roles a lane may be, and which
elements of an instance are completed, active or failed.  Reading only; nothing is changed."""

from __future__ import annotations

from lxml import etree
from SpiffWorkflow import TaskState
from sqlalchemy import select

import engine
from domain import roles
from engine.definitions import SPIFF_NS
from engine.instances import load_instance
from engine.models import HumanTask, Job, ProcessDefinition
from services.uow import UnitOfWork

_OPERATOR = f"{{{SPIFF_NS}}}serviceTaskOperator"
_PARAMETER = f"{{{SPIFF_NS}}}parameter"
_ACTIVE = TaskState.READY | TaskState.STARTED | TaskState.WAITING


def connector_catalogue(uow: UnitOfWork) -> list[dict]:
    """Each registered operator id with the parameters (id, type, value) the newest deployed
    diagrams pass it (the registry keeps only callables; the diagrams are what says how one
    is called), and the processes that use it."""
    seen: dict[str, dict] = {name: {"operator": name, "parameters": {}, "used_by": []}
                             for name in uow.wiring.connectors.names()}  # fmt: skip
    for definition in _newest_definitions(uow):
        root = etree.fromstring(definition.bpmn_xml.encode(),
                                etree.XMLParser(resolve_entities=False, no_network=True))  # fmt: skip
        for operator in root.iter(_OPERATOR):
            entry = seen.get(operator.get("id", ""))
            if entry is None:
                continue  # named by a diagram but not registered: deploy refuses it anyway
            if definition.process_id not in entry["used_by"]:
                entry["used_by"].append(definition.process_id)
            for p in operator.iter(_PARAMETER):
                entry["parameters"].setdefault(p.get("id", ""), {
                    "id": p.get("id", ""), "type": p.get("type", "str"), "value": p.get("value", "")})  # fmt: skip
    return [
        {**e, "parameters": [p for k, p in e["parameters"].items() if k]} for e in seen.values()
    ]


def _newest_definitions(uow: UnitOfWork):
    newest: dict[str, ProcessDefinition] = {}
    for definition in engine.list_definitions(uow.session):
        known = newest.get(definition.process_id)
        if known is None or definition.version > known.version:
            newest[definition.process_id] = definition
    return newest.values()


def lane_roles(lang: str) -> list[dict]:
    """The roles a lane may name (a lane's name is a role code), with their labels."""
    return [{"code": code, "label": label.pick(lang)} for code, label in roles.LABELS.items()]


def instance_marks(uow: UnitOfWork, instance_id: int) -> dict[str, list[str]]:
    """BPMN ids of an instance's elements by what happened there: ``completed``, ``active``
    (waiting for a person, a job, a timer or a message) and ``failed`` (an error, or a job
    that became an incident)."""
    wf = load_instance(uow.session, instance_id)
    incident_guids = set(uow.session.scalars(select(Job.task_guid).where(
        Job.instance_id == instance_id, Job.status == "incident")))  # fmt: skip
    done_rows = uow.session.scalars(select(HumanTask.bpmn_id).where(
        HumanTask.instance_id == instance_id, HumanTask.status == "completed"))  # fmt: skip
    marks: dict[str, set[str]] = {"completed": set(), "active": set(), "failed": set()}
    for task in wf.get_tasks():
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if not bpmn_id:
            continue  # the parser's own start and end tasks
        if task.state == TaskState.ERROR or str(task.id) in incident_guids:
            marks["failed"].add(bpmn_id)
        elif task.state & _ACTIVE:
            marks["active"].add(bpmn_id)
        elif task.state == TaskState.COMPLETED:
            marks["completed"].add(bpmn_id)
    marks["completed"].update(b for b in done_rows if b)  # a task of an earlier loop too
    marks["completed"] -= marks["active"] | marks["failed"]
    return {k: sorted(v) for k, v in marks.items()}
