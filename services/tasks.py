"""User tasks and their handlers (任务处理器): the one way a user task is completed.

Every user task whose completion means something in the domain has a handler, registered by
its process and BPMN id in the composition root.  ``complete_task`` is the only use case that
completes a user task: the task's own page, the generic task page, the JSON API and the CLI all
call it, so a handler's rules hold on every route.  A handler checks the inputs and applies
the domain change (in the same unit of work), and returns the data the task completes with —
inputs such as a signing password or a certificate never enter the task data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import engine
from domain import roles
from domain.access import Actor
from domain.errors import Conflict, InvalidInput
from domain.i18n import Text
from engine.forms import TaskForm
from engine.inbox import check_may_act, get_human_task
from services.uow import UnitOfWork, use_case

# Routes a completion can come from.
PAGE, GENERIC, API, CLI = "page", "generic", "api", "cli"
ROUTES = (PAGE, GENERIC, API, CLI)
BAD_FORM = Text("表单填写有误：{detail}", "The form has an error: {detail}")
NEED_DECISION = Text("请选择通过或退回", "Choose approve or reject")


class NeedsOwnPage(Conflict):
    """This task is done on its own page (it needs inputs the generic routes cannot give)."""

    def __init__(self, page: str, human_task_id: int):
        super().__init__("needs_own_page", Text("该任务须在其专用页面办理", "This task is done on its own page"))
        self.page, self.human_task_id = page, human_task_id  # the web layer links the page


@dataclass(frozen=True)
class OpenTask:
    """An open user task as a handler sees it: the inbox row's scope and the task data."""

    id: int
    process_id: str
    bpmn_id: str
    business_key: str | None
    project_id: int | None
    unit_id: int | None
    data: Mapping[str, Any]


Apply = Callable[[UnitOfWork, Actor, OpenTask, dict], dict]


@dataclass(frozen=True)
class TaskHandler:
    """Check + apply for one user task.

    ``apply(uow, actor, task, inputs) -> task data`` raises a DomainError to refuse.
    ``page`` names the task's own page (an endpoint); with ``page_only`` the task can only be
    completed there (e.g. signing: a password or a certificate file), every other route is
    refused with a link to it.
    """

    apply: Apply
    page: str | None = None
    page_only: bool = False


@dataclass
class TaskHandlers:
    """Handlers by (process id, BPMN id of the user task)."""

    handlers: dict[tuple[str, str], TaskHandler] = field(default_factory=dict)

    def register(self, process_id: str, bpmn_ids: Iterable[str] | str, handler: TaskHandler):
        for bpmn_id in [bpmn_ids] if isinstance(bpmn_ids, str) else bpmn_ids:
            self.handlers[(process_id, bpmn_id)] = handler

    def get(self, process_id: str, bpmn_id: str) -> TaskHandler | None:
        return self.handlers.get((process_id, bpmn_id))

    def page_of(self, process_id: str, bpmn_id: str) -> str | None:
        handler = self.get(process_id, bpmn_id)
        return handler.page if handler else None


def engine_grants(actor: Actor | None) -> list[engine.Grant]:
    """The actor's role grants as the engine's inbox grants (lanes are role codes), with the
    roles each one stands in for (``roles.STANDS_IN_FOR``) in the same scope."""
    if actor is None:
        return []
    return [engine.Grant(role, g.project_id, g.unit_id) for g in actor.grants
            for role in (g.role, *roles.STANDS_IN_FOR.get(g.role, ()))]  # fmt: skip


def task_form(uow: UnitOfWork, actor: Actor, human_task_id: int) -> TaskForm:
    """The generic form of a task the actor may act on (for the generic page and the API)."""
    return engine.task_form(uow.session, human_task_id, engine_grants(actor))


@use_case
def complete_task(
    uow: UnitOfWork, actor: Actor, human_task_id: int, inputs: dict, *, route: str
) -> None:
    """Complete a user task from ``route``: its handler's check and apply, then the engine's
    own checks and the completion, in one unit of work.

    On the generic routes (generic page, API, CLI) ``inputs`` are the submitted strings; a task
    without a handler takes them through its declared form (types, required fields).
    """
    if route not in ROUTES:
        raise ValueError(f"unknown route {route!r}")
    grants = engine_grants(actor)
    row = get_human_task(uow.session, human_task_id)
    check_may_act(row, grants)
    handler = uow.wiring.task_handlers.get(row.process_id, row.bpmn_id)
    if handler is not None and handler.page_only and route != PAGE:
        raise NeedsOwnPage(handler.page or "", human_task_id)
    form = engine.task_form(uow.session, human_task_id, grants)
    if handler is None:
        data = dict(inputs) if route == PAGE else parse_form(form, inputs)
    else:
        task = OpenTask(row.id, row.process_id, row.bpmn_id, row.business_key, row.project_id,
                        row.unit_id, form.data)  # fmt: skip
        data = handler.apply(uow, actor, task, dict(inputs))
    engine.complete_task(uow.session, human_task_id, data, user=actor.username or actor.name,
                         grants=grants)  # fmt: skip


def parse_form(form: TaskForm, raw: Mapping[str, Any]) -> dict:
    """Typed task data from the strings of a generic form (InvalidInput names the field)."""
    try:
        return engine.form_to_data(form, {k: "" if v is None else str(v) for k, v in raw.items()})
    except ValueError as err:
        raise InvalidInput("invalid_task_form", BAD_FORM, detail=str(err)) from None


def decision(inputs: Mapping[str, Any]) -> tuple[bool, str]:
    """An approve/reject decision and its reason from a page (``approved``: bool) or a generic
    route (``decision``: approve|reject, or ``approved``: true|false)."""
    raw = inputs.get("approved", inputs.get("decision"))
    approved = {"approve": True, "true": True, "reject": False, "false": False}.get(
        str(raw).lower(), raw
    )
    if not isinstance(approved, bool):
        raise InvalidInput("decision_required", NEED_DECISION, field="decision")
    reason = str(inputs.get("reason") or inputs.get("comment") or "").strip()
    return approved, reason


def open_tasks(uow: UnitOfWork, actor: Actor, *, process_id: str, business_key: str | None = None,
               bpmn_ids: Iterable[str] | None = None, project_id: int | None = None,
               unit_id: int | None = None) -> list[engine.InboxItem]:  # fmt: skip
    """The open tasks of a process the actor may do now, narrowed by key, ids and unit."""
    items = engine.list_inbox(uow.session, engine_grants(actor), project_id=project_id,
                              process_id=process_id)  # fmt: skip
    wanted = set(bpmn_ids) if bpmn_ids is not None else None
    return [
        i for i in items
        if (business_key is None or i.business_key == business_key)
        and (wanted is None or i.bpmn_id in wanted)
        and (unit_id is None or i.unit_id == unit_id)
    ]  # fmt: skip
