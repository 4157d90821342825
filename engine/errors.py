"""Errors the engine raises; each carries a message fit for a user or an admin."""

from __future__ import annotations


class EngineError(Exception):
    """Base of the engine's errors."""


class DeployRefused(EngineError):
    """A diagram was refused at deploy; ``problems`` lists (element id, reason)."""

    def __init__(self, problems: list[tuple[str | None, str]]):
        self.problems = problems
        lines = "; ".join(f"{eid or '-'}: {reason}" for eid, reason in problems)
        super().__init__(f"deploy refused: {lines}")


class NotFound(EngineError):
    """The definition, instance, task or incident does not exist."""


class TaskNotAllowed(EngineError):
    """The user may not complete this task (no role in its scope)."""


class TaskNotOpen(EngineError):
    """The task was already completed, cancelled, or is not READY any more."""


class InstanceNotRunning(TaskNotOpen):
    """The instance is suspended or terminated: nothing of it runs now."""


class ConcurrentUpdate(EngineError):
    """The instance changed under us too many times in a row (SQLite compare-and-set)."""


class ProcessError(EngineError):
    """The diagram's own logic failed while running (a script, expression or event): nothing
    of that step is saved. ``element_id`` names the BPMN element, ``detail`` what went wrong;
    ``instance_id`` and ``user`` say where and for whom (the failure log, ``engine_failure``)."""

    def __init__(self, detail: str, *, element_id: str | None = None,
                 instance_id: int | None = None, user: str | None = None):  # fmt: skip
        self.detail, self.element_id = detail, element_id
        self.instance_id, self.user = instance_id, user
        where = f" at {element_id}" if element_id else ""
        super().__init__(f"process {instance_id or ''} failed{where}: {detail}")
