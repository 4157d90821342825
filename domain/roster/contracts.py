"""用人单位聘用登记: the labour contract (劳动合同) between a worker and his employer.

The employer is the enterprise of the unit the worker is assigned to. A contract is
``fixed_term`` (固定期限: start and end) or ``per_task`` (以完成一定工作任务为期限: the task
and its expected end, which counts as its end until a renewal). The signed contract is uploaded
as a PDF, JPEG or PNG of at most ``MAX_FILE_BYTES``; its type is read from the bytes, never
from the name or the browser's claim. A new contract supersedes the earlier ones of the same
worker and employer from its start on and never deletes them (the history stays).

A contract is *in force* on a day when it started and has not ended (``effective_until``).
Without one, a worker is refused at acceptance, at both sign-in scans and at the make-up
request, and the day is not counted in the compile (``domain.roster.site``); one ending within
``EXPIRY_WARNING_DAYS`` is flagged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from domain import inputs
from domain.access import Actor
from domain.audit import record, snapshot
from domain.errors import Conflict, InvalidInput, NotFound
from domain.gates import Finding
from domain.i18n import Text
from domain.model import Assignment, Unit
from domain.roster.model import CONTRACT_KINDS, LabourContract, LabourContractFile
from domain.uploads import sniff_document

MAX_FILE_BYTES = 10 * 1024 * 1024
EXPIRY_WARNING_DAYS = 30

KIND_LABELS = {
    "fixed_term": Text("固定期限", "fixed term"),
    "per_task": Text("以完成一定工作任务为期限", "until a task is done"),
}
KIND_SHORT = {"fixed_term": Text("固定期限", "fixed term"), "per_task": Text("完成任务为期", "per task")}
# Field names of the contract fieldset (人员登记 and 劳动合同 pages post the same names).
FIELDS = ("contract_kind", "contract_starts_on", "contract_ends_on", "contract_task")
FILE_FIELD = "contract_file"

STARTS_ON = Text("合同开始日期", "Contract start")
ENDS_ON = Text("合同结束日期", "Contract end")
TASK = Text("工作任务", "Task")
BAD_KIND = Text("请选择劳动合同类型：固定期限或以完成一定工作任务为期限",
                "Choose the contract kind: fixed term or until a task is done")  # fmt: skip
DATE_REQUIRED = Text("请填写{label}", "{label} is required")
BAD_TERM = Text("合同结束日期不能早于开始日期", "The contract cannot end before it starts")
ALREADY_ENDED = Text(
    "合同结束日期 {until} 已过：请登记有效的劳动合同",
    "The contract ended on {until}: record a contract in force",
)
TASK_REQUIRED = Text("以完成一定工作任务为期限的合同须写明工作任务",
                     "A contract until a task is done names the task")  # fmt: skip
FILE_REQUIRED = Text("请上传签订的劳动合同（PDF 或照片）",
                     "Upload the signed labour contract (PDF or photo)")  # fmt: skip
FILE_TOO_LARGE = Text("劳动合同文件不能超过 {max} MB", "The contract file may be at most {max} MB")
FILE_TYPE = Text("劳动合同文件须为 PDF、JPEG 或 PNG", "The contract file must be a PDF, JPEG or PNG")
UNKNOWN_CONTRACT = Text("找不到该劳动合同", "No such labour contract")

# Refusals (the gate of ``domain.roster.site``); the sign-in refusals use the same texts.
NO_CONTRACT = Text(
    "{name}没有登记劳动合同，不得进场作业",
    "{name} has no labour contract on record and may not work on site",
)
CONTRACT_EXPIRED = Text(
    "{name}的劳动合同已于 {until} 到期，不得进场作业",
    "{name}'s labour contract ended on {until}: no work on site",
)
CONTRACT_NOT_STARTED = Text(
    "{name}的劳动合同 {start} 起生效，此前不得进场作业",
    "{name}'s labour contract starts on {start}: no work on site before",
)
# Flags (shown on the roster and the acceptance list).
FLAG_MISSING = Text("未登记劳动合同", "No labour contract on record")
FLAG_EXPIRED = Text("劳动合同已到期（{until}）", "Labour contract ended ({until})")
FLAG_EXPIRING = Text("劳动合同即将到期（{until}）", "Labour contract ends soon ({until})")
FLAG_NOT_STARTED = Text("劳动合同 {start} 起生效", "Labour contract starts on {start}")


@dataclass
class ContractForm:
    """The contract fieldset as posted: texts, and the uploaded file's name and bytes."""

    kind: str = ""
    starts_on: str = ""
    ends_on: str = ""
    task: str = ""
    file_name: str = ""
    data: bytes = b""

    @classmethod
    def from_fields(cls, form, file_name: str = "", data: bytes = b"") -> ContractForm:
        """From a mapping with the names of ``FIELDS`` (a posted form)."""
        kind, starts_on, ends_on, task = (str(form.get(name, "") or "") for name in FIELDS)
        return cls(kind, starts_on, ends_on, task, file_name, data)

    def is_empty(self) -> bool:
        return not (self.kind.strip() or self.starts_on.strip() or self.ends_on.strip()
                    or self.task.strip() or self.data)  # fmt: skip


@dataclass(frozen=True)
class CleanContract:
    kind: str
    starts_on: date
    ends_on: date
    task: str | None
    file_name: str
    file_type: str
    data: bytes


def clean_contract(form: ContractForm, today: date) -> CleanContract:
    """Every field checked; the first fault raises ``InvalidInput`` naming its input."""
    kind = form.kind.strip()
    if kind not in CONTRACT_KINDS:
        raise InvalidInput("invalid_contract_kind", BAD_KIND, field="contract_kind")
    starts = _day(form.starts_on, "contract_starts_on", STARTS_ON)
    ends = _day(form.ends_on, "contract_ends_on", ENDS_ON)
    if ends < starts:
        raise InvalidInput("invalid_contract_term", BAD_TERM, field="contract_ends_on")
    if ends < today:
        raise InvalidInput("contract_already_ended", ALREADY_ENDED, field="contract_ends_on",
                           until=ends.isoformat())  # fmt: skip
    task = inputs.bounded_text(form.task, "contract_task", TASK, 200) or None
    if kind == "per_task" and task is None:
        raise InvalidInput("contract_task_required", TASK_REQUIRED, field="contract_task")
    data = form.data or b""
    if not data:
        raise InvalidInput("contract_file_required", FILE_REQUIRED, field=FILE_FIELD)
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput("contract_file_too_large", FILE_TOO_LARGE, field=FILE_FIELD,
                           max=MAX_FILE_BYTES // (1024 * 1024))  # fmt: skip
    found = sniff_document(data)
    if found is None:
        raise InvalidInput("contract_file_type", FILE_TYPE, field=FILE_FIELD)
    file_type, extension = found
    return CleanContract(kind, starts, ends, task if kind == "per_task" else None,
                         _file_name(form.file_name, extension), file_type, data)  # fmt: skip


def _day(raw: str, field: str, label: Text) -> date:
    day = inputs.iso_day(raw, field, label)
    if day is None:
        raise InvalidInput("date_required", DATE_REQUIRED, field=field, label=label)
    return day


def _file_name(raw: str, extension: str) -> str:
    """The uploaded name without any path, bounded, ending in the sniffed type's extension."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(c for c in name if c.isprintable() and c not in '"<>') or "contract"
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return stem[: 200 - len(extension)] + extension


def record_contract(session: Session, actor: Actor, assignment: Assignment, form: ContractForm,
                    today: date) -> LabourContract:  # fmt: skip
    """聘用登记 / 续签: record a contract of the assignment's worker with the unit's employer;
    it supersedes the earlier ones from its start on."""
    actor.must("record_contract", assignment.project_id, assignment.unit_id)
    clean = clean_contract(form, today)
    unit = session.get(Unit, assignment.unit_id)
    assert unit is not None  # a foreign key
    contract = LabourContract(
        person_id=assignment.person_id, enterprise_id=unit.enterprise_id,
        project_id=assignment.project_id, unit_id=unit.id, kind=clean.kind,
        starts_on=clean.starts_on, ends_on=clean.ends_on, task=clean.task,
        effective_until=clean.ends_on, file_name=clean.file_name, file_type=clean.file_type,
        file_size=len(clean.data), file_sha256=hashlib.sha256(clean.data).hexdigest(),
        recorded_by=actor.user_id,
    )  # fmt: skip
    session.add(contract)
    session.flush()
    session.add(LabourContractFile(contract_id=contract.id, data=clean.data))
    for earlier in contracts_of(session, assignment.person_id, unit.enterprise_id):
        if earlier.id != contract.id and earlier.effective_until >= clean.starts_on:
            before = snapshot(earlier)
            earlier.effective_until = clean.starts_on - timedelta(days=1)
            earlier.superseded_by_id = earlier.superseded_by_id or contract.id
            record(session, actor.user_id, "contract.superseded", earlier, before)
    record(session, actor.user_id, "contract.record", contract)
    return contract


def on_registration(session: Session, actor: Actor, assignment: Assignment,
                    form: ContractForm | None, today: date) -> LabourContract | None:  # fmt: skip
    """人员登记's contract fieldset: a contract is recorded with the registration; it may be
    left empty only when the worker already has a contract in force (or starting) with the
    unit's employer, e.g. one registered again after a rejection."""
    if form is not None and not form.is_empty():
        return record_contract(session, actor, assignment, form, today)
    unit = session.get(Unit, assignment.unit_id)
    assert unit is not None
    held = contracts_of(session, assignment.person_id, unit.enterprise_id)
    if any(c.effective_until >= today and c.starts_on <= c.effective_until for c in held):
        return None
    raise InvalidInput("contract_file_required", FILE_REQUIRED, field=FILE_FIELD)


def contracts_of(session: Session, person_id: int, enterprise_id: int) -> list[LabourContract]:
    """Every contract of the worker with the employer, the newest first."""
    return list(session.scalars(
        select(LabourContract)
        .where(LabourContract.person_id == person_id,
               LabourContract.enterprise_id == enterprise_id)
        .order_by(LabourContract.id.desc())
    ))  # fmt: skip


def contracts_by_pair(session: Session, pairs: Iterable[tuple[int, int]]
                      ) -> dict[tuple[int, int], list[LabourContract]]:  # fmt: skip
    """(person id, enterprise id) → contracts, newest first, for many workers in one query."""
    wanted = sorted(set(pairs))
    out: dict[tuple[int, int], list[LabourContract]] = {p: [] for p in wanted}
    if not wanted:
        return out
    for chunk in range(0, len(wanted), 500):
        rows = session.scalars(
            select(LabourContract)
            .where(tuple_(LabourContract.person_id, LabourContract.enterprise_id)
                   .in_(wanted[chunk:chunk + 500]))
            .order_by(LabourContract.id.desc())
        )  # fmt: skip
        for c in rows:
            out[(c.person_id, c.enterprise_id)].append(c)
    return out


def _effective(contracts) -> list:
    return [c for c in contracts if c.starts_on <= c.effective_until]


def in_force(contracts, day: date):
    """The contract in force on ``day`` (the newest that covers it), or None."""
    return next((c for c in contracts if c.starts_on <= day <= c.effective_until), None)


def current(contracts, day: date):
    """The contract to show: in force on ``day``, else the next to start, else the last one."""
    effective = _effective(contracts)
    later = sorted((c for c in effective if c.starts_on > day), key=lambda c: c.starts_on)
    return in_force(effective, day) or (later[0] if later else None) or (
        max(effective, key=lambda c: c.effective_until) if effective else None
    ) or (contracts[0] if contracts else None)  # fmt: skip


def contract_refusal(contracts, day: date, name: str = "") -> Finding | None:
    """Why the worker has no contract in force on ``day`` (none, ended, not started), or None."""
    if in_force(contracts, day) is not None:
        return None
    effective = _effective(contracts)
    ended = [c.effective_until for c in effective if c.effective_until < day]
    if ended:
        return Finding("contract_expired", CONTRACT_EXPIRED,
                       {"name": name, "until": max(ended).isoformat()})  # fmt: skip
    later = [c.starts_on for c in effective if c.starts_on > day]
    if later:
        return Finding("contract_not_started", CONTRACT_NOT_STARTED,
                       {"name": name, "start": min(later).isoformat()})  # fmt: skip
    return Finding("no_contract", NO_CONTRACT, {"name": name})


def contract_flag(contracts, day: date) -> Finding | None:
    """Missing, ended, not yet started, or ending within 30 days; None when in force longer."""
    now = in_force(contracts, day)
    if now is not None:
        if now.effective_until <= day + timedelta(days=EXPIRY_WARNING_DAYS):
            return Finding("contract_expiring", FLAG_EXPIRING,
                           {"until": now.effective_until.isoformat()})  # fmt: skip
        return None
    refusal = contract_refusal(contracts, day)
    assert refusal is not None
    flag = {"no_contract": FLAG_MISSING, "contract_expired": FLAG_EXPIRED,
            "contract_not_started": FLAG_NOT_STARTED}[refusal.reason]  # fmt: skip
    params = {k: v for k, v in refusal.params.items() if k != "name"}
    return Finding(refusal.reason, flag, params)


def refuse_without_contract(session: Session, assignment: Assignment, day: date,
                            field: str | None = None) -> None:  # fmt: skip
    """项目人员接收: a worker without a contract in force on ``day`` is refused (``Conflict``)."""
    unit = session.get(Unit, assignment.unit_id)
    assert unit is not None
    finding = contract_refusal(contracts_of(session, assignment.person_id, unit.enterprise_id),
                               day, assignment.person.name)  # fmt: skip
    if finding is not None:
        raise Conflict(finding.reason, finding.text, field=field, **finding.params)


def contract_file(session: Session, actor: Actor, project_id: int, contract_id: int
                  ) -> tuple[LabourContract, bytes]:  # fmt: skip
    """The signed document, for those who may see the worker on this project: his
    assignment's unit is in their scope, and the contract is with that unit's employer or was
    recorded on this project."""
    contract = session.get(LabourContract, contract_id)
    assignment = contract and session.scalar(
        select(Assignment).where(Assignment.person_id == contract.person_id,
                                 Assignment.project_id == project_id)
    )  # fmt: skip
    if contract is None or assignment is None:
        raise NotFound("unknown_contract", UNKNOWN_CONTRACT)
    actor.must("view_roster", project_id, assignment.unit_id)
    unit = session.get(Unit, assignment.unit_id)
    if contract.project_id != project_id and (unit is None
                                              or unit.enterprise_id != contract.enterprise_id):
        raise NotFound("unknown_contract", UNKNOWN_CONTRACT)  # fmt: skip
    stored = session.get(LabourContractFile, contract.id)
    if stored is None:
        raise NotFound("unknown_contract", UNKNOWN_CONTRACT)
    return contract, stored.data
