"""The scheduler (调度器): APScheduler running registered, named batch steps.

Each step runs at most once at a time per process (``max_instances=1``) and, on PostgreSQL,
once at a time across processes (``pg_try_advisory_lock`` per run; a process that does not
get the lock skips that run).  Every node runs a scheduler, so a scheduled run first claims its
*tick* — ``step:<name>:<tick>`` inserted into ``engine_job``, unique, ``ON CONFLICT DO NOTHING``
— and only the node whose insert wins runs it: each tick fires once across all nodes (interval
steps are aligned to the epoch so that every node's ticks coincide; a cron step's tick is its
minute).  A step registered ``every_node`` (the job poller) skips the claim.  Steps must still be
idempotent (they create work under unique keys).  ``start()`` is guarded so that a process never
runs two schedulers.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

from engine.clock import utcnow
from engine.executor import run_due_jobs
from engine.jobs import default_worker_id
from engine.models import Job

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
    every_node: bool = False  # runs on every node at each tick (no tick claim)


def tick_of(step: Step, at: datetime) -> str:
    """The tick a scheduled run at ``at`` belongs to: its interval slot since the epoch, or
    for a cron step its minute (cron fires at most once a minute)."""
    if step.seconds:
        return str(math.floor(at.timestamp() / step.seconds))
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def claim_tick(bind: Engine, step: Step, at: datetime) -> bool:
    """Record that this node fires ``step``'s tick at ``at``; False when another node did."""
    now, key = utcnow(), f"step:{step.name}:{tick_of(step, at)}"
    values = dict(job_key=key, kind="step", operation=step.name, status="done", due_at=now,
                  attempts=1, max_attempts=1, backoff_seconds=0, locked_by=default_worker_id(),
                  created_at=now, finished_at=now)  # fmt: skip
    insert = pg_insert if bind.dialect.name == "postgresql" else sqlite_insert
    with bind.begin() as conn:
        won = conn.execute(insert(Job).values(**values).on_conflict_do_nothing()
                           .returning(Job.id)).scalar()  # fmt: skip
    return won is not None


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
                      cron: dict | None = None, every_node: bool = False) -> Step:  # fmt: skip
        """Register ``fn`` as step ``name``, every ``seconds`` or on ``cron`` (e.g. hour=2)."""
        if (seconds is None) == (cron is None):
            raise ValueError("give exactly one of seconds or cron")
        step = self.steps[name] = Step(name, fn, seconds, cron, every_node)
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

    def run_scheduled(self, name: str, at: datetime | None = None) -> bool:
        """A scheduled run: claim the tick (unless ``every_node``), then ``run_step``."""
        step = self.steps[name]
        if self.bind is not None and not step.every_node:
            if not claim_tick(self.bind, step, at or datetime.now(UTC)):
                return False  # another node fired this tick
        return self.run_step(name)

    def _safe_run(self, name: str) -> None:
        try:
            self.run_scheduled(name)
        except Exception:  # a failing step must not stop the scheduler
            log.exception("scheduled step %s failed", name)

    def _add(self, step: Step) -> None:
        if step.seconds:  # aligned to the epoch: every node's ticks coincide
            first = math.ceil(time.time() / step.seconds) * step.seconds
            trigger = "interval"
            args = {"seconds": step.seconds, "start_date": datetime.fromtimestamp(first, UTC)}
        else:
            trigger, args = "cron", step.cron or {}
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

    return scheduler.register_step("engine.poll_jobs", poll, seconds=seconds, every_node=True)
