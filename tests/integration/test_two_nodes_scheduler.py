"""Each scheduled step fires once per tick across nodes (issue 11 item 9): every node runs a
scheduler, and before the advisory lock only kept two runs from overlapping — a node firing a
moment after the other had finished ran the step a second time.  Now a scheduled run claims its
tick in ``engine_job`` (a unique key) first."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import func, select

from engine.models import Job
from engine.scheduler import EngineScheduler, tick_of


def test_two_nodes_fire_a_tick_once_and_the_next_tick_again(database_url):
    bind = sa.create_engine(database_url)
    ran: list[str] = []
    nodes = [EngineScheduler(bind), EngineScheduler(bind)]
    for name, node in zip("ab", nodes, strict=True):
        node.register_step("close_day", lambda n=name: ran.append(n), cron={"hour": 2})
        node.register_step("every_10s", lambda n=name: ran.append("10s" + n), seconds=10)
    at = datetime(2026, 12, 1, 2, 0, 0, 120000, tzinfo=UTC)
    fired = [node.run_scheduled("close_day", at + timedelta(milliseconds=40 * i))
             for i, node in enumerate(nodes)]  # fmt: skip
    assert fired == [True, False] and ran == ["a"]  # b fired the same minute: skipped
    assert nodes[1].run_scheduled("close_day", at + timedelta(days=1))  # the next day's tick
    first = [nodes[1].run_scheduled("every_10s", at), nodes[0].run_scheduled("every_10s", at)]
    later = nodes[0].run_scheduled("every_10s", at + timedelta(seconds=10))
    assert first == [True, False] and later and ran == ["a", "b", "10sb", "10sa"]
    with bind.connect() as conn:
        rows = conn.execute(select(Job.job_key, Job.status).where(Job.kind == "step")).all()
        assert {status for _, status in rows} == {"done"} and len(rows) == 4
        assert conn.execute(select(func.count()).select_from(Job)
                            .where(Job.status != "done")).scalar() == 0  # fmt: skip
    bind.dispose()


def test_a_step_for_every_node_and_a_manual_run_claim_nothing(database_url):
    bind = sa.create_engine(database_url)
    ran = []
    nodes = [EngineScheduler(bind), EngineScheduler(bind)]
    for node in nodes:
        node.register_step("engine.poll_jobs", lambda: ran.append(1), seconds=5, every_node=True)
        node.register_step("settle", lambda: ran.append(2), seconds=60)
    at = datetime.now(UTC)
    assert all(node.run_scheduled("engine.poll_jobs", at) for node in nodes)
    assert nodes[0].run_step("settle") and nodes[1].run_step("settle")  # by hand: always runs
    assert ran == [1, 1, 2, 2]
    with bind.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Job)).scalar() == 0
    bind.dispose()


def test_interval_ticks_are_slots_since_the_epoch_and_cron_ticks_minutes():
    from engine.scheduler import Step

    every = Step("x", lambda: None, seconds=30)
    at = datetime(2026, 12, 1, 0, 0, 29, tzinfo=UTC)
    assert tick_of(every, at) != tick_of(every, at + timedelta(seconds=1))
    assert tick_of(every, at + timedelta(seconds=1)) == tick_of(every, at + timedelta(seconds=30))
    daily = Step("y", lambda: None, cron={"hour": 8})
    assert tick_of(daily, at) == "2026-12-01T00:00"
