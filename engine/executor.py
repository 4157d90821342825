"""The job executor (作业执行器): runs claimed jobs, in a thread of the app or a worker process.

The executor is the engine's own orchestration and owns its transactions: the claim is
committed before the connector runs (outside any instance lock); while it runs a heartbeat
renews the lease; its answer is committed on the job; the completion under the instance lock
is one transaction, a failure is recorded in another.  A completion that fails or meets a
concurrent save runs again with the stored answer: the connector is called once per job.
A connector's ``BpmnError`` is thrown into the diagram for an error boundary event to catch.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from uuid import UUID

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import ErrorEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from engine import settings as engine_settings
from engine.connectors import BpmnError, ConnectorContext, ConnectorRegistry
from engine.errors import ConcurrentUpdate, InstanceNotRunning
from engine.jobs import (
    Claimed,
    claim_jobs,
    default_worker_id,
    fail_job,
    finish_job,
    new_worker_id,
    renew_lease,
    set_aside,
    store_result,
)
from engine.models import Job
from engine.persistence import mutate
from engine.serializer import dump_value, load_value
from engine.store import Loaded, is_postgres

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Another worker holds the job now (our lease ran out); our result is dropped."""


class UncaughtBpmnError(Exception):
    """A connector's BpmnError that no boundary event of the task catches."""


class Heartbeat:
    """Renews a claimed job's lease from its own thread and connection while the connector
    runs (a share of the lease apart), so a slow call is never claimed by a second worker."""

    def __init__(self, session: Session, job: Claimed, worker_id: str):
        bind = session.get_bind()
        self.bind = bind if isinstance(bind, Engine) else None  # a test's shared connection
        self.job_id, self.worker_id = job.id, worker_id
        cfg = engine_settings.current()
        self.every = max(cfg.lease_seconds * cfg.heartbeat_share, 0.05)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _beat(self) -> None:
        assert self.bind is not None
        while not self._stop.wait(self.every):
            try:
                if not renew_lease(self.bind, self.job_id, self.worker_id):
                    return  # somebody else holds it: finishing will tell
            except Exception:  # a missed beat is not fatal: the next one tries again
                log.warning("lease renewal of job %s failed", self.job_id, exc_info=True)

    def __enter__(self) -> Heartbeat:
        if self.bind is not None:
            self._thread = threading.Thread(target=self._beat, name="engine-heartbeat",
                                            daemon=True)  # fmt: skip
            self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)


def _finish(session: Session, job: Claimed, worker_id: str, status: str) -> None:
    if finish_job(session, job.id, worker_id, status) != 1:
        raise LeaseLost(job.job_key)


def _apply_result(task, result) -> None:
    variable = task.task_spec.result_variable
    generated = variable.startswith("spiff__") and variable.endswith("_result")
    if generated and isinstance(result, dict):
        task.data.update(result)
    else:
        task.data[variable] = result


def _is_retryable(session: Session, exc: Exception) -> bool:
    if isinstance(exc, ConcurrentUpdate):
        return True
    text = str(getattr(exc, "orig", exc)).lower()
    return isinstance(exc, OperationalError) and not is_postgres(session) and (
        "locked" in text or "busy" in text
    )


def commit_retrying(session: Session, work: Callable[[], object]) -> None:
    """Run ``work`` and commit; on a concurrent save roll back and run it again."""
    retries = engine_settings.current().cas_retries
    for attempt in range(retries):
        try:
            work()
            session.commit()
            return
        except Exception as exc:
            session.rollback()
            if not _is_retryable(session, exc) or attempt == retries - 1:
                raise
        time.sleep(random.uniform(0, 0.005 * (attempt + 1)))


def _run_service(session, job: Claimed, worker_id: str, connectors: ConnectorRegistry) -> None:
    assert job.operation and job.instance_id and job.task_guid  # a service job has all three
    if job.result_json is not None:  # called before; only the completion failed
        result = load_value(job.result_json)
    else:
        result = _call(session, job, worker_id, connectors)

    def complete(loaded: Loaded) -> None:
        task = loaded.wf.get_task_from_id(UUID(job.task_guid))
        if task is None or task.state != TaskState.STARTED:
            _finish(session, job, worker_id, "cancelled")  # e.g. a boundary event cut it off
            return
        _apply_result(task, result)
        task.complete()
        _finish(session, job, worker_id, "done")

    commit_retrying(session, lambda: mutate(session, job.instance_id, complete))


def _call(session, job: Claimed, worker_id: str, connectors: ConnectorRegistry):
    """Call the connector under a heartbeat and commit its answer on the job."""
    assert job.operation and job.instance_id and job.task_guid
    connector = connectors.get(job.operation)
    ctx = ConnectorContext(
        idempotency_key=job.job_key,
        business_key=job.business_key,
        instance_id=job.instance_id,
        task_guid=job.task_guid,
        operation=job.operation,
        attempt=job.attempts,
    )
    with Heartbeat(session, job, worker_id):
        result = connector(load_value(job.params_json) or {}, ctx)
    text = dump_value(result)  # only JSON-able values enter task data
    if store_result(session, job.id, worker_id, text) != 1:
        session.rollback()
        raise LeaseLost(job.job_key)
    session.commit()
    return load_value(text)


def _throw_error(session, job: Claimed, worker_id: str, error: BpmnError) -> None:
    """Throw the connector's error at the service task: its error boundary event takes over
    (the job is done, the error kept as its last word); no catcher → UncaughtBpmnError."""
    assert job.instance_id and job.task_guid

    def throw(loaded: Loaded) -> None:
        task = loaded.wf.get_task_from_id(UUID(job.task_guid))
        if task is None or task.state != TaskState.STARTED:
            _finish(session, job, worker_id, "cancelled")
            return
        catchers = [t for t in loaded.wf.event_manager.tasks.values()
                    if isinstance(t.task_spec.event_definition, ErrorEventDefinition)
                    and t.task_spec.event_definition.code in (None, error.code)]  # fmt: skip
        if not catchers:
            raise UncaughtBpmnError(f"{task.task_spec.bpmn_id}: BPMN error {error} "
                                    "is caught by no boundary event")  # fmt: skip
        # The catcher's own flavour of definition (the events match by class and code).
        definition = type(catchers[0].task_spec.event_definition)(error.code, code=error.code)
        event = BpmnEvent(definition, target=task.workflow,
                          payload={"error_code": error.code, "error_message": error.message})
        task.workflow.top_workflow.catch(event)
        _finish(session, job, worker_id, "done")

    commit_retrying(session, lambda: mutate(session, job.instance_id, throw))
    session.execute(update(Job).where(Job.id == job.id).values(last_error=f"BpmnError {error}"))
    session.commit()


def _run_timer(session, job: Claimed, worker_id: str) -> None:
    def fire(loaded: Loaded) -> None:
        loaded.wf.refresh_timers()
        _finish(session, job, worker_id, "done")

    commit_retrying(session, lambda: mutate(session, job.instance_id, fire))


def run_job(session: Session, job: Claimed, worker_id: str, connectors: ConnectorRegistry) -> bool:
    """Run one claimed job; on failure record the attempt.  True when it succeeded."""
    try:
        try:
            if job.kind == "service":
                _run_service(session, job, worker_id, connectors)
            else:
                _run_timer(session, job, worker_id)
        except BpmnError as error:
            session.rollback()
            _throw_error(session, job, worker_id, error)
        return True
    except LeaseLost:
        session.rollback()
        return False
    except InstanceNotRunning:  # suspended or terminated while it ran
        set_aside(session, job, worker_id)
        session.commit()
        return False
    except Exception as exc:  # every failure of a job is recorded, whatever it is
        log.warning("job %s failed: %s", job.job_key, exc)
        fail_job(session, job, worker_id, exc, final=isinstance(exc, UncaughtBpmnError))
        session.commit()
        return False


def run_due_jobs(
    session: Session,
    connectors: ConnectorRegistry,
    *,
    worker_id: str | None = None,
    limit: int = 20,
) -> int:
    """Claim and run one batch of due jobs; the number claimed."""
    worker_id = worker_id or default_worker_id()
    jobs = claim_jobs(session, worker_id, limit)
    session.commit()  # the claim is visible to other executors before anything runs
    for job in jobs:
        run_job(session, job, worker_id, connectors)
    return len(jobs)


class JobExecutor:
    """A thread that keeps running due jobs until stopped (the app's default executor)."""

    def __init__(self, session_factory: Callable[[], Session], connectors: ConnectorRegistry, *,
                 poll_seconds: float = 2.0, batch: int = 20):  # fmt: skip
        self.session_factory = session_factory
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.connectors = connectors
        self.worker_id = new_worker_id()  # its own, not the starting thread's
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_forever(self) -> None:
        """Loop in the calling thread: run batches, sleep when nothing was due."""
        while not self._stop.is_set():
            try:
                with self.session_factory() as session:
                    claimed = run_due_jobs(session, self.connectors, worker_id=self.worker_id,
                                           limit=self.batch)  # fmt: skip
            except Exception:  # keep the executor alive; the next poll retries
                log.exception("job executor batch failed")
                claimed = 0
            if not claimed:
                self._stop.wait(self.poll_seconds)

    def start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self.run_forever, name="engine-executor",
                                            daemon=True)  # fmt: skip
            self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
