"""Jobs run once unless they are meant to run again (issue 12 item 2): a crash counts as an
attempt and ends in an incident; a lease is renewed while a slow connector runs; each executor
has its own identity; the connector's result is stored before the completion, so a failure
after the call retries the completion, never the call; a connector's declared business error is
caught by an error boundary event."""

import threading
import time
from datetime import timedelta

import pytest
from engine_helpers import deploy_file, drain, status, tx
from sqlalchemy import select, update

import engine
from engine.clock import utcnow
from engine.executor import JobExecutor
from engine.jobs import new_worker_id
from engine.models import Job
from engine.settings import configure, current


@pytest.fixture
def settings():
    before = current()
    yield configure
    configure(**before.__dict__)


def the_job(session, instance_id) -> Job:
    session.rollback()
    return session.scalar(select(Job).where(Job.instance_id == instance_id, Job.kind == "service"))


def data(session, instance_id) -> dict:
    return engine.describe_instance(session, instance_id)["data"]


def test_a_failure_after_the_call_retries_the_completion_and_never_the_call(es, fakes, settings):
    settings(max_attempts=2, backoff_seconds=0)
    fakes.register("test/Effect")
    deploy_file(es, "service_error.bpmn")
    iid = tx.start_instance(es, "service_error", data={"n": 1, "fail_after": True})
    drain(es)
    (incident,) = engine.list_incidents(es)
    assert "ZeroDivisionError" in incident.error or "division" in incident.error
    assert len(fakes.calls) == 1  # two attempts at the completion, one call of the connector
    job = the_job(es, iid)
    assert job.result_json is not None and job.attempts == 2
    tx.retry_incident(es, incident.id, by="admin")  # the admin's retry: the completion again
    drain(es)
    assert len(fakes.calls) == 1 and len(engine.list_incidents(es)) == 1


def test_a_worker_that_dies_mid_call_counts_as_an_attempt_and_ends_in_an_incident(es, fakes,
                                                                                  settings):
    settings(max_attempts=2, lease_seconds=60)
    fakes.register("test/Effect")
    deploy_file(es, "one_service.bpmn")
    iid = tx.start_instance(es, "one_service", data={"n": 1})
    for crash in range(2):  # claimed, then the worker "dies": its lease runs out
        assert engine.claim_jobs(es, f"dead-{crash}")
        es.execute(update(Job).where(Job.instance_id == iid)
                   .values(locked_until=utcnow() - timedelta(seconds=1)))  # fmt: skip
        es.commit()
    assert not engine.claim_jobs(es, "third")  # not claimed a third time...
    es.commit()
    (incident,) = engine.list_incidents(es)  # ...but an incident, naming the crashes
    assert incident.instance_id == iid and "2" in incident.error
    assert the_job(es, iid).status == "incident" and fakes.calls == []


def test_a_connector_slower_than_the_lease_runs_once(db, es, fakes, settings):
    settings(lease_seconds=1)
    calls, release = [], threading.Event()

    def slow(params, ctx):
        calls.append(ctx.idempotency_key)
        release.wait(3.5)  # three leases long
        return {"ok": True}

    fakes.register("test/Effect")
    fakes.answers["test/Effect"] = slow
    deploy_file(es, "one_service.bpmn")
    iid = tx.start_instance(es, "one_service", data={"n": 1})
    first = JobExecutor(db, fakes.registry, poll_seconds=0.05)
    second = JobExecutor(db, fakes.registry, poll_seconds=0.05)
    assert first.worker_id != second.worker_id  # each executor has its own identity
    first.start()
    time.sleep(0.3)
    second.start()
    try:
        time.sleep(2.5)  # the lease ran out twice over: the heartbeat kept it
        release.set()
        deadline = time.monotonic() + 10
        while status(es, iid) != "completed" and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        first.stop()
        second.stop()
    assert status(es, iid) == "completed"
    assert len(calls) == 1
    assert the_job(es, iid).status == "done"


def test_each_thread_claims_under_its_own_worker_id():
    ids = []
    threads = [threading.Thread(target=lambda: ids.append(engine.default_worker_id()))
               for _ in range(2)]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 2 and new_worker_id() != new_worker_id()


def test_a_declared_connector_error_is_caught_by_the_error_boundary_event(es, fakes):
    def refuse(params, ctx):
        raise engine.BpmnError("BANK_REFUSED", "账户状态异常")

    fakes.register("test/Effect")
    fakes.answers["test/Effect"] = refuse
    deploy_file(es, "service_error.bpmn")
    iid = tx.start_instance(es, "service_error", data={"n": 1, "fail_after": False})
    drain(es)
    assert status(es, iid) == "completed"
    assert data(es, iid)["outcome"] == "refused"
    assert engine.list_incidents(es) == []
    assert the_job(es, iid).status == "done"
    assert "BANK_REFUSED" in the_job(es, iid).last_error


def test_a_declared_error_nobody_catches_is_an_incident_at_once(es, fakes, settings):
    settings(max_attempts=5, backoff_seconds=0)

    def refuse(params, ctx):
        raise engine.BpmnError("NO_SUCH_ACCOUNT", "收款账户不存在")

    fakes.register("test/Effect")
    fakes.answers["test/Effect"] = refuse
    deploy_file(es, "one_service.bpmn")
    iid = tx.start_instance(es, "one_service", data={"n": 1})
    drain(es)
    (incident,) = engine.list_incidents(es)
    assert incident.attempts == 1 and "NO_SUCH_ACCOUNT" in incident.error
    assert status(es, iid) == "running" and len(fakes.calls) == 1


def test_a_job_running_while_its_instance_is_suspended_completes_after_the_resume(db, es,
                                                                                   fakes):
    started, release = threading.Event(), threading.Event()

    def slow(params, ctx):
        started.set()
        release.wait(5)
        return {"ok": True}

    fakes.register("test/Effect")
    fakes.answers["test/Effect"] = slow
    deploy_file(es, "one_service.bpmn")
    iid = tx.start_instance(es, "one_service", data={"n": 1})
    worker = threading.Thread(target=lambda: drain_in(db))
    worker.start()
    assert started.wait(5)
    tx.suspend_instance(es, iid, by="admin", reason="核对中")
    release.set()
    worker.join(10)
    job = the_job(es, iid)
    assert job.status == "suspended" and job.result_json is not None
    assert status(es, iid) == "suspended"
    tx.resume_instance(es, iid, by="admin")
    drain(es)
    assert status(es, iid) == "completed" and len(fakes.calls) == 1


def drain_in(factory):
    with factory() as session:
        drain(session)
