"""Process administration use cases (流程管理): deploy diagrams, retry incidents, run due jobs,
suspend, resume and terminate instances (each in the engine's action list and the audit log)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import select

import engine
from domain import roles
from domain.errors import InvalidInput
from domain.i18n import Text
from domain.model import AuditEntry
from engine.instances import get_instance
from engine.models import ProcessDefinition
from services.uow import UnitOfWork, use_case

REASON_REQUIRED = Text("终止流程须填写原因", "A reason is required to terminate a process")
CONTROLS = {"suspend": engine.suspend_instance, "resume": engine.resume_instance,
            "terminate": engine.terminate_instance}  # fmt: skip


@use_case
def control_instance(uow: UnitOfWork, action: str, instance_id: int, *, by: str,
                     actor_id: int | None = None, reason: str = "") -> None:  # fmt: skip
    """暂停 / 继续 / 终止 an instance (terminate needs a reason); audited as ``process.<action>``."""
    get_instance(uow.session, instance_id)  # no such instance: 404 before any other answer
    reason = (reason or "").strip()
    if action == "terminate" and not reason:
        raise InvalidInput("reason_required", REASON_REQUIRED, field="reason")
    CONTROLS[action](uow.session, instance_id, by=by, reason=reason)
    uow.session.add(AuditEntry(actor_user_id=actor_id, action=f"process.{action}",
                               entity="engine_process_instance", entity_id=instance_id,
                               after=json.dumps({"by": by, "reason": reason},
                                                ensure_ascii=False)))  # fmt: skip


@use_case
def deploy_diagram(uow: UnitOfWork, xml: str | bytes, *, by: str) -> ProcessDefinition:
    """Validate and store a diagram as the next version of its process (DeployRefused: nothing)."""
    return engine.deploy(uow.session, xml, known_roles=roles.ALL,
                         connectors=uow.wiring.connectors, deployed_by=by)  # fmt: skip


def validate_diagram(uow: UnitOfWork, xml: str | bytes) -> str:
    """Every deploy check, storing nothing: the process id (DeployRefused lists the problems)."""
    parsed = engine.validate(xml, known_roles=roles.ALL, connectors=uow.wiring.connectors)
    return parsed.process_id


@use_case
def deploy_changed(uow: UnitOfWork, directory: Path, *, by: str = "setup") -> list[str]:
    """Deploy each diagram in ``directory`` whose text is not its process's newest version
    (an older version's text becomes the newest again)."""
    deployed = []
    for path in sorted(directory.glob("*.bpmn")):
        text = path.read_text()
        if _is_newest(uow, hashlib.sha256(text.encode()).hexdigest()):
            continue  # no parse needed
        definition = deploy_diagram(uow, text, by=by)
        deployed.append(f"{definition.process_id} v{definition.version} ({path.name})")
    return deployed


def _is_newest(uow: UnitOfWork, digest: str) -> bool:
    known = uow.session.scalar(select(ProcessDefinition).where(ProcessDefinition.sha256 == digest)
                               .order_by(ProcessDefinition.version.desc()).limit(1))  # fmt: skip
    return known is not None and engine.latest_definition(uow.session, known.process_id).id == known.id


@use_case
def retry_incident(uow: UnitOfWork, incident_id: int, *, by: str) -> None:
    """Resolve an incident and make its job due again."""
    engine.retry_incident(uow.session, incident_id, by=by)


@use_case
def deliver_message(uow: UnitOfWork, name: str, business_key: str, payload=None) -> list[int]:
    """Correlate an external event (e.g. the bank's status report) by business key."""
    return engine.deliver_message(uow.session, name, business_key, payload)


def run_due_jobs(uow: UnitOfWork, *, limit: int = 20) -> int:
    """Claim and run one batch of due jobs with the wired connectors (the executor's step)."""
    return engine.run_due_jobs(uow.session, uow.wiring.connectors, limit=limit)
