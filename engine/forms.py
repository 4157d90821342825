"""Generic task forms (通用任务表单): what a page needs to show any user task.

A task declares fields with spiff properties ``field.<name>`` = ``type|label[|required]``
(types: text, textarea, int, decimal, date, bool, or ``choice:a,b,c``).  A task without fields is an
approval: approve/reject into ``approved`` and a comment into ``comment`` (property
``decision_variable`` / ``comment_variable`` rename them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from uuid import UUID

from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.inbox import Grant, check_may_act, get_human_task
from engine.instances import load_instance


@dataclass(frozen=True)
class FormField:
    """One input of a generic task form."""

    name: str
    label: str
    type: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskForm:
    """Everything a generic task page shows: title, instructions, and the inputs."""

    human_task_id: int
    instance_id: int
    process_id: str
    bpmn_id: str
    title: str
    instructions: str
    kind: str  # "fields" | "approval"
    fields: tuple[FormField, ...] = ()
    decision_variable: str = "approved"
    comment_variable: str = "comment"
    data: dict = field(default_factory=dict)
    status: str = "open"
    process_name: str = ""  # the diagram's name of the process (补签申请), for people


def parse_fields(properties: dict) -> tuple[FormField, ...]:
    """Fields declared by ``field.<name>`` properties, in declaration order."""
    fields = []
    for key, value in properties.items():
        if not key.startswith("field."):
            continue
        kind, _, rest = value.partition("|")
        label, _, flags = rest.partition("|")
        choices: tuple[str, ...] = ()
        if kind.startswith("choice:"):
            kind, choices = "choice", tuple(c.strip() for c in kind[7:].split(","))
        name = key[6:]
        fields.append(FormField(name, label or name, kind or "text", flags == "required", choices))
    return tuple(fields)


def task_form(session: Session, human_task_id: int, grants: list[Grant]) -> TaskForm:
    """The form of a task the holder of ``grants`` may act on (TaskNotAllowed otherwise)."""
    row = get_human_task(session, human_task_id)
    check_may_act(row, grants)
    wf = load_instance(session, row.instance_id)
    task = wf.get_task_from_id(UUID(row.task_guid))
    if task is None:
        raise NotFound(f"task {human_task_id} is gone from its instance")
    spec, ext = task.task_spec, task.task_spec.extensions or {}
    props = ext.get("properties") or {}
    fields = parse_fields(props)
    return TaskForm(
        human_task_id=row.id, instance_id=row.instance_id, process_id=row.process_id,
        bpmn_id=row.bpmn_id,
        title=row.name or row.bpmn_id,
        instructions=ext.get("instructionsForEndUser") or spec.documentation or "",
        kind="fields" if fields else "approval", fields=fields,
        decision_variable=props.get("decision_variable", "approved"),
        comment_variable=props.get("comment_variable", "comment"),
        data=dict(task.data), status=row.status,
        process_name=getattr(wf.spec, "description", None) or row.process_id,
    )  # fmt: skip


def _coerce(f: FormField, raw: str):
    converters: dict[str, Callable[[str], object]] = {"int": int, "decimal": Decimal, "date": date.fromisoformat,
                  "bool": lambda v: v.lower() in ("1", "true", "on", "yes")}  # fmt: skip
    if f.type == "choice" and raw not in f.choices:
        raise ValueError(f"{f.label}: not one of {', '.join(f.choices)}")
    try:
        return converters.get(f.type, str)(raw)
    except (ValueError, InvalidOperation):
        raise ValueError(f"{f.label}: {raw!r} is not a valid {f.type}") from None


def form_to_data(form: TaskForm, raw: dict[str, str]) -> dict:
    """Typed task data from submitted strings; ValueError names the bad field."""
    if form.kind == "approval":
        decision = raw.get("decision") or raw.get(form.decision_variable)
        if decision not in ("approve", "reject", "true", "false"):
            raise ValueError("choose approve or reject")
        approved = decision in ("approve", "true")
        return {form.decision_variable: approved, form.comment_variable: raw.get("comment", "")}
    data = {}
    for f in form.fields:
        value = (raw.get(f.name) or "").strip()
        if not value:
            if f.required:
                raise ValueError(f"{f.label}: required")
            data[f.name] = False if f.type == "bool" else None
            continue
        data[f.name] = _coerce(f, value)
    return data
