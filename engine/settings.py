"""Engine settings (引擎配置): one object, each setting with a default; the app may replace it."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class EngineSettings:
    """Tunable behaviour of the engine."""

    project_key: str = "project_id"  # task-data key giving a human task's project scope
    unit_key: str = "unit_id"  # task-data key giving a human task's unit scope
    max_attempts: int = 3  # service-job attempts when the diagram has no spiffworkflow:retry
    backoff_seconds: int = 30  # first retry delay; doubles each attempt
    # A running job not renewed by then is claimed again (a crash on a node that does not come
    # back; a restarted node reclaims its own dead claims at once, engine.node).
    lease_seconds: int = 30
    # How often a running connector's lease is renewed (a share of the lease).
    heartbeat_share: float = 1 / 3
    cas_retries: int = 20  # SQLite compare-and-set retries before ConcurrentUpdate


settings = EngineSettings()


def configure(**changes) -> EngineSettings:
    """Replace the engine settings (called once by the composition root)."""
    global settings
    settings = replace(settings, **changes)
    return settings


def current() -> EngineSettings:
    """The settings in force."""
    return settings
