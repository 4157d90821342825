"""Connector registry (连接器注册表): service-task operator id → Python callable.

The composition root (``services.wiring``) builds one registry and registers the real
implementations in it; tests build theirs with fakes under the same ids.  There is no global
registry.  A connector is ``fn(params: dict, ctx: ConnectorContext) -> dict`` and must be safe to call
again with the same ``ctx.idempotency_key`` (a crash after the call re-runs the job).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ConnectorContext:
    """What a connector knows about the call besides its parameters."""

    idempotency_key: str
    business_key: str | None
    instance_id: int
    task_guid: str
    operation: str
    attempt: int


class BpmnError(Exception):
    """Raised by a connector for a business failure the diagram may handle: an error boundary
    event on the service task whose errorCode is ``code`` catches it (its data gets
    ``error_code`` and ``error_message``); when none does, the job is an incident at once
    (trying again would not change the answer).  Any other exception is retried."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(f"{code}: {message}" if message else code)
        self.code, self.message = code, message


Connector = Callable[[dict, ConnectorContext], dict | None]


class ConnectorRegistry:
    """Name-keyed registry of connectors."""

    def __init__(self):
        self._connectors: dict[str, Connector] = {}

    def register(self, operation: str, fn: Connector) -> Connector:
        """Register ``fn`` under ``operation`` (replacing an earlier registration)."""
        self._connectors[operation] = fn
        return fn

    def unregister(self, operation: str) -> None:
        self._connectors.pop(operation, None)

    def get(self, operation: str) -> Connector:
        try:
            return self._connectors[operation]
        except KeyError:
            raise LookupError(f"no connector registered for {operation!r}") from None

    def __contains__(self, operation: str) -> bool:
        return operation in self._connectors

    def names(self) -> list[str]:
        return sorted(self._connectors)

