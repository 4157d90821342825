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


class ConcurrentUpdate(EngineError):
    """The instance changed under us too many times in a row (SQLite compare-and-set)."""


class ProcessError(EngineError):
    """The diagram's own logic failed while running (a script, expression or event)."""
