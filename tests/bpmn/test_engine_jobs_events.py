"""Jobs, incidents, parked messages, the executor thread and the scheduler."""

from decimal import Decimal

import pytest
from engine_helpers import complete, deploy_file, drain, status, the_task, tx, wait_until_completed

import engine
from engine.executor import JobExecutor
from engine.scheduler import EngineScheduler, install_job_poller
from engine.settings import configure, current


@pytest.fixture
def fast_retries():
    before = current()
    configure(max_attempts=2, backoff_seconds=0)
    yield
    configure(**before.__dict__)


def test_failing_connector_becomes_an_incident_and_retry_finishes_it(es, fakes, fast_retries):
    fakes.register("test/Effect")
    deploy_file(es, "one_service.bpmn")
    fails = {"left": 2}

    def flaky(params, ctx):
        if fails["left"]:
            fails["left"] -= 1
            raise ConnectionError("bank API timeout")
        return {"paid": params["n"], "key": ctx.idempotency_key}

    fakes.answers["test/Effect"] = flaky
    iid = tx.start_instance(es, "one_service", data={"n": Decimal("3.50")})
    drain(es)
    (incident,) = engine.list_incidents(es)
    assert incident.instance_id == iid and "bank API timeout" in incident.error
    assert incident.attempts == 2 and status(es, iid) == "running"

    tx.retry_incident(es, incident.id, by="admin")
    drain(es)
    assert engine.list_incidents(es) == []
    assert status(es, iid) == "completed"
    result = engine.describe_instance(es, iid)["data"]["effect_result"]
    assert result["paid"] == Decimal("3.50")
    assert len({ctx.idempotency_key for _, _, ctx in fakes.calls}) == 1  # same key every attempt


def test_a_message_that_arrives_early_is_kept_and_delivered(es):
    deploy_file(es, "early_message.bpmn")
    iid = tx.start_instance(es, "early_message", business_key="BATCH-9")
    assert tx.deliver_message(es, "receipt", "BATCH-9", {"amount": Decimal("10.00")}) == []
    assert status(es, iid) == "running"
    complete(es, the_task(es, "prepare"))  # now it waits, and the parked message is there
    assert status(es, iid) == "completed"
    assert engine.describe_instance(es, iid)["data"]["receipt"] == {"amount": Decimal("10.00")}


def test_executor_thread_runs_jobs(db, es, fakes):
    fakes.register("test/Effect")
    deploy_file(es, "one_service.bpmn")
    iid = tx.start_instance(es, "one_service", data={"n": 1})
    executor = JobExecutor(db, fakes.registry, poll_seconds=0.05)
    executor.start()
    try:
        assert wait_until_completed(es, iid) == "completed"
    finally:
        executor.stop()


def test_scheduler_runs_named_steps_and_starts_once_per_process(db, es, fakes):
    fakes.register("test/Effect")
    deploy_file(es, "one_service.bpmn")
    iid = tx.start_instance(es, "one_service", data={"n": 1})
    scheduler = EngineScheduler(es.get_bind())
    install_job_poller(scheduler, db, fakes.registry, seconds=0.1)
    ran = []
    scheduler.register_step("daily_close", lambda: ran.append(1), cron={"hour": 2})
    assert scheduler.run_step("daily_close") and ran == [1]
    assert scheduler.start()
    try:
        assert not EngineScheduler(es.get_bind()).start()  # a second one in this process: no
        assert wait_until_completed(es, iid) == "completed"
    finally:
        scheduler.shutdown()


@pytest.mark.postgres  # advisory locks are PostgreSQL's; SQLite steps rely on unique job keys
def test_step_is_skipped_while_another_process_holds_its_advisory_lock(es):
    bind = es.get_bind()
    import sqlalchemy as sa

    from engine.scheduler import advisory_key

    scheduler = EngineScheduler(bind)
    scheduler.register_step("settle", lambda: None, seconds=60)
    with bind.connect() as other:
        other.execute(
            sa.text("SELECT pg_advisory_lock(:k)"), {"k": advisory_key("engine-step:settle")}
        )
        assert scheduler.run_step("settle") is False
        other.execute(sa.text("SELECT pg_advisory_unlock_all()"))
    assert scheduler.run_step("settle") is True
