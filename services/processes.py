"""Process administration use cases (流程管理): deploy diagrams, retry incidents, run due jobs,
suspend, resume and terminate instances (each in the engine's action list and the audit log)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from lxml import etree
from sqlalchemy import select

import engine
from domain import roles
from domain.errors import Conflict, InvalidInput
from domain.i18n import Text
from domain.model import AuditEntry
from engine.documents import called_versions, is_dmn, xml_root
from engine.instances import get_instance
from engine.migration import MigrationPlan, MigrationRefused, plan_migration
from engine.migration import migrate_instance as engine_migrate
from engine.models import ProcessDefinition
from services.uow import UnitOfWork, use_case

NO_BPMN = Text("请选择要部署的 BPMN 文件（可同时选择它用到的 DMN 决策文件）",
               "Please choose a BPMN file to deploy (with the DMN decision files it uses)")
VERSION_REQUIRED = Text("请填写要迁移到的版本号", "Please give the version to move to")
MIGRATION_REFUSED = Text("不能迁移到第 {version} 版：{detail}", "Cannot move to version {version}: {detail}")
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
    _audit(uow, action, instance_id, actor_id, {"by": by, "reason": reason})


def _audit(uow: UnitOfWork, action: str, instance_id: int, actor_id: int | None, after: dict):
    uow.session.add(AuditEntry(actor_user_id=actor_id, action=f"process.{action}",
                               entity="engine_process_instance", entity_id=instance_id,
                               after=json.dumps(after, ensure_ascii=False)))  # fmt: skip


def target_version(raw) -> int:
    """The target version of a migration as typed (``3`` or ``v3``), or InvalidInput."""
    text = str(raw if raw is not None else "").strip().lower().removeprefix("v")
    if not text.isdigit() or len(text) > 9 or int(text) < 1:  # a version fits an INTEGER
        raise InvalidInput("version_required", VERSION_REQUIRED, field="to_version")
    return int(text)


@use_case
def migrate_instance(uow: UnitOfWork, instance_id: int, to_version: int, *, by: str,
                     actor_id: int | None = None, reason: str = "",
                     dry_run: bool = False) -> MigrationPlan:  # fmt: skip
    """迁移 a running instance to a newer version of its process when its active tasks exist
    there; ``dry_run`` only lists what would move and what cannot.  Audited as
    ``process.migrate``; a refused move changes nothing (Conflict with the reasons)."""
    get_instance(uow.session, instance_id)
    if dry_run:
        return plan_migration(uow.session, instance_id, to_version)
    try:
        plan = engine_migrate(uow.session, instance_id, to_version, by=by, reason=reason.strip())
    except MigrationRefused as refused:
        raise Conflict("migration_refused", MIGRATION_REFUSED, version=to_version,
                       detail=str(refused)) from None  # fmt: skip
    _audit(uow, "migrate", instance_id, actor_id, {"by": by, "from": plan.from_version,
                                                   "to": plan.to_version, "reason": reason,
                                                   "moved": [m["bpmn_id"] for m in plan.moves]})  # fmt: skip
    return plan


@use_case
def deploy_diagram(uow: UnitOfWork, xml: str | bytes, *, by: str, dmn: Sequence[bytes | str] = (),
                   main: str | None = None) -> ProcessDefinition:  # fmt: skip
    """Validate and store a diagram (with the DMN files its business rule tasks use) as the
    next version of its process, ``main`` naming it when the file has several (DeployRefused:
    nothing stored)."""
    return engine.deploy(uow.session, xml, known_roles=roles.ALL, dmn=dmn, process_id=main,
                         connectors=uow.wiring.connectors, deployed_by=by)  # fmt: skip


def validate_diagram(uow: UnitOfWork, xml: str | bytes, *, dmn: Sequence[bytes | str] = (),
                     main: str | None = None) -> str:  # fmt: skip
    """Every deploy check, storing nothing: the process id (DeployRefused lists the problems)."""
    parsed = engine.validate(xml, known_roles=roles.ALL, connectors=uow.wiring.connectors,
                             dmn=dmn, process_id=main, session=uow.session)  # fmt: skip
    return parsed.process_id


def split_documents(documents: Sequence[bytes]) -> tuple[list[bytes], list[bytes]]:
    """(BPMN documents, DMN documents) of an upload; at least one BPMN, or InvalidInput.
    BPMN files whose processes the others call come first (a call binds a stored version)."""
    dmn = [d for d in documents if is_dmn(d)]
    bpmn = [d for d in documents if d.strip() and not is_dmn(d)]
    if not bpmn:
        raise InvalidInput(NO_BPMN, field="file")
    defined = [_ids_of(d) for d in bpmn]

    def calls_others(i: int) -> int:
        called = set(called_versions(_root(bpmn[i])))
        return sum(1 for j, ids in enumerate(defined) if j != i and ids & called)

    order = sorted(range(len(bpmn)), key=calls_others)
    return [bpmn[i] for i in order], dmn


def _root(document: bytes):
    try:
        return xml_root(document)
    except (etree.XMLSyntaxError, ValueError):
        return etree.Element("none")  # the deploy says what is wrong with it


def _ids_of(document: bytes, kinds=("process",)) -> set[str]:
    """Ids of the document's elements of those kinds (processes, collaborations)."""
    return {n.get("id") for n in _root(document).iter() if isinstance(n.tag, str)
            and etree.QName(n).localname in kinds}  # fmt: skip


@use_case
def deploy_documents(uow: UnitOfWork, documents: Sequence[bytes], *, by: str,
                     main: str | None = None) -> list[ProcessDefinition]:  # fmt: skip
    """Deploy an upload of several files in one unit of work: each BPMN file with the DMN
    files among them; ``main`` names the main process of the file that has it."""
    bpmn, dmn = split_documents(documents)
    return [deploy_diagram(uow, xml, by=by, dmn=dmn,
                           main=main if main and main in _ids_of(xml, ("process", "collaboration")) else None)
            for xml in bpmn]  # fmt: skip


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
def deliver_message(uow: UnitOfWork, name: str, business_key: str | None, payload=None, *,
                    correlations: dict | None = None) -> list[int]:  # fmt: skip
    """Correlate an external event (e.g. the bank's status report) by business key and/or
    BPMN correlation values ({key: {property: value}})."""
    return engine.deliver_message(uow.session, name, business_key, payload,
                                  correlations=correlations)  # fmt: skip


@use_case
def send_signal(uow: UnitOfWork, name: str, payload=None) -> list[int]:
    """Broadcast a signal to every running instance that waits for it."""
    return engine.broadcast_signal(uow.session, name, payload)


def run_due_jobs(uow: UnitOfWork, *, limit: int = 20) -> int:
    """Claim and run one batch of due jobs with the wired connectors (the executor's step)."""
    return engine.run_due_jobs(uow.session, uow.wiring.connectors, limit=limit)
