"""The scheduler (调度器): APScheduler running registered, named batch steps.

Each step runs at most once at a time per process (``max_instances=1``) and, on PostgreSQL,
once at a time across processes (``pg_try_advisory_lock`` per run; a process that does not
get the lock skips that run).  On SQLite steps must be idempotent: they create work under
unique keys.  ``start()`` is guarded so that a process never runs two schedulers.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text
from sqlalchemy.engine import Engine

from engine.executor import run_due_jobs

log = logging.getLogger(__name__)

_started_in_pid: int | None = None
_guard = threading.Lock()


@dataclass(frozen=True)
class Step:
    """A named batch step and its trigger (``interval`` seconds or ``cron`` fields)."""

    name: str
    fn: Callable[[], object]
    seconds: float | None = None
    cron: dict | None = None


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_try_advisory_lock``."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class EngineScheduler:
    """A BackgroundScheduler wrapper with a registry of named steps."""

    def __init__(self, bind: Engine | None = None, *, timezone: str = "Asia/Shanghai"):
        self.bind = bind
        self.steps: dict[str, Step] = {}
        self._scheduler = BackgroundScheduler(timezone=timezone)

    def register_step(self, name: str, fn: Callable[[], object], *, seconds: float | None = None,
                      cron: dict | None = None) -> Step:  # fmt: skip
        """Register ``fn`` as step ``name``, every ``seconds`` or on ``cron`` (e.g. hour=2)."""
        if (seconds is None) == (cron is None):
            raise ValueError("give exactly one of seconds or cron")
        step = self.steps[name] = Step(name, fn, seconds, cron)
        if self._scheduler.running:
            self._add(step)
        return step

    def run_step(self, name: str) -> bool:
        """Run a step now, under the cross-process lock on PostgreSQL; False when skipped."""
        step = self.steps[name]
        if self.bind is None or self.bind.dialect.name != "postgresql":
            step.fn()
            return True
        with self.bind.connect() as conn:
            key = advisory_key(f"engine-step:{name}")
            if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                return False
            try:
                step.fn()
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
        return True

    def _safe_run(self, name: str) -> None:
        try:
            self.run_step(name)
        except Exception:  # a failing step must not stop the scheduler
            log.exception("scheduled step %s failed", name)

    def _add(self, step: Step) -> None:
        trigger, args = (
            ("interval", {"seconds": step.seconds}) if step.seconds else ("cron", step.cron or {})
        )
        self._scheduler.add_job(self._safe_run, trigger, args=[step.name], id=step.name,
                                replace_existing=True, max_instances=1, coalesce=True, **args)  # fmt: skip

    def start(self) -> bool:
        """Start the scheduler unless one already runs in this process; True if started."""
        global _started_in_pid
        with _guard:
            if _started_in_pid == os.getpid():
                return False
            for step in self.steps.values():
                self._add(step)
            self._scheduler.start()
            _started_in_pid = os.getpid()
            return True

    def shutdown(self) -> None:
        global _started_in_pid
        with _guard:
            if self._scheduler.running:
                self._scheduler.shutdown(wait=False)
                _started_in_pid = None

    @property
    def running(self) -> bool:
        return self._scheduler.running


def install_job_poller(scheduler: EngineScheduler, session_factory, connectors, *,
                       seconds: float = 5) -> Step:  # fmt: skip
    """Register the ``engine.poll_jobs`` step: run due jobs in batches until none are due."""

    def poll() -> None:
        with session_factory() as session:
            while run_due_jobs(session, connectors):
                pass

    return scheduler.register_step("engine.poll_jobs", poll, seconds=seconds)
