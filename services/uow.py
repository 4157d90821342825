"""The unit of work (工作单元): one transaction per use case, committed once.

A use case is a plain function ``fn(uow, actor, ...)`` decorated with ``@use_case``.  Called
from a view, the CLI, the executor or a bench, it runs inside ``uow.run``: everything it does —
domain rows, engine state, inbox rows, audit entries — is committed together or rolled back
together.  When the engine reports that an instance changed under it (``ConcurrentUpdate``, the
SQLite compare-and-set) or SQLite is busy, the whole use case runs again on fresh state.  A use
case called from another one joins the caller's unit of work.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

import engine

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")
RETRIES = 20


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class UnitOfWork:
    """What every use case receives: the session, the wiring, the settings and the clock."""

    session: Session
    wiring: Any  # services.wiring.Wiring, which imports the use cases (so not imported here)
    settings: Mapping[str, Any] = field(default_factory=dict)
    clock: Callable[[], datetime] = utc_now
    active: bool = False

    def run(self, work: Callable[[], T]) -> T:
        """Run ``work`` as one transaction: commit once, roll back on any error, run again
        on a concurrent update."""
        for attempt in range(RETRIES):
            self.active = True
            try:
                result = work()
                self.session.commit()
                return result
            except Exception as exc:
                self.session.rollback()
                if isinstance(exc, engine.ProcessError):
                    self._keep_failure(exc)
                if not self._retryable(exc) or attempt == RETRIES - 1:
                    raise
            finally:
                self.active = False
            time.sleep(random.uniform(0, 0.005 * (attempt + 1)))
        raise AssertionError("unreachable")

    def _keep_failure(self, error: engine.ProcessError) -> None:
        """The refused step's failure, for the process admin, in a transaction of its own."""
        try:
            engine.record_failure(self.session, error)
            self.session.commit()
        except Exception:  # the refusal still reaches the user; the log is best effort
            self.session.rollback()
            log.exception("could not record the process failure %s", error)

    def _retryable(self, exc: Exception) -> bool:
        if isinstance(exc, engine.ConcurrentUpdate):
            return True
        if not isinstance(exc, OperationalError):
            return False
        text = str(exc.orig).lower()
        if self.session.get_bind().dialect.name == "postgresql":
            return "deadlock detected" in text or "could not serialize" in text
        return "locked" in text or "busy" in text


def use_case(fn: Callable[Concatenate[UnitOfWork, P], T]) -> Callable[Concatenate[UnitOfWork, P], T]:
    """Run ``fn`` in its own unit of work, or in the caller's when one is active."""

    @wraps(fn)
    def run(uow: UnitOfWork, *args: P.args, **kwargs: P.kwargs) -> T:
        if uow.active:
            return fn(uow, *args, **kwargs)
        return uow.run(lambda: fn(uow, *args, **kwargs))

    run.use_case = True  # type: ignore[attr-defined]  # the layering test lists use cases by it
    return run
