"""The engine on PostgreSQL: concurrent completions lose nothing, two executor processes run
each job once, and a connector killed mid-call is rerun with its idempotency key honoured.

Runs when TEST_DATABASE_URL is set (the suite's conftest then gives each session its own
schema and fails loudly if the server is unreachable); skipped otherwise.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

import engine
from engine.inbox import Grant

sys.path.insert(0, str(Path(__file__).parents[1] / "bpmn"))
from engine_helpers import DIAGRAMS, ROLES, complete_concurrently, tx  # noqa: E402

pytestmark = pytest.mark.postgres  # run by `make test-postgres`; fails without PostgreSQL
ROOT = Path(__file__).parents[2]
WORKER = Path(__file__).parent / "engine_worker.py"


@pytest.fixture
def pg(database_url):
    bind = sa.create_engine(database_url, pool_size=25, max_overflow=5)
    assert bind.dialect.name == "postgresql"
    with bind.begin() as conn:
        conn.execute(sa.text("CREATE TABLE IF NOT EXISTS engine_test_call (key text)"))
        conn.execute(sa.text("CREATE TABLE IF NOT EXISTS engine_test_effect (key text UNIQUE)"))
        conn.execute(sa.text("TRUNCATE engine_test_call, engine_test_effect"))
    yield database_url, bind, sessionmaker(bind)
    bind.dispose()


def _deploy(session, name):
    known = engine.ConnectorRegistry()  # the workers register the real fake themselves
    known.register("test/Effect", lambda params, ctx: {})
    tx.deploy(session, (DIAGRAMS / name).read_text(), known_roles=ROLES, connectors=known)


def test_twenty_threads_complete_twenty_branches_of_one_instance(pg):
    _, _, factory = pg
    with factory() as s:
        _deploy(s, "wide.bpmn")
        iid = tx.start_instance(s, "wide", data={"items": list(range(20))})
        items = engine.list_inbox(s, [Grant("sub_operator")])
    assert len(items) == 20
    errors = complete_concurrently(factory, items, [Grant("sub_operator")])
    assert errors == []
    with factory() as s:
        info = engine.describe_instance(s, iid)
    assert info["status"] == "completed"
    assert sorted(info["data"]["outs"]) == sorted(i.id for i in items)
    assert info["version"] == 21  # start + 20 completions, none lost
    assert {h["completed_by"] for h in info["human_tasks"]} == {f"u{i.id}" for i in items}


def test_threads_of_two_processes_complete_one_instance_without_a_stale_workflow(pg, monkeypatch):
    """As above, with every other thread in a second process (its own workflow cache): each
    process's cached workflow goes stale whenever the other saves, and must never be used."""
    import threading

    import engine.store as store
    from engine.workflow_cache import WorkflowCache

    caches, process_of = (store.workflow_cache, WorkflowCache()), {}

    class PerProcess:  # each thread belongs to one of the two "processes", alternately
        def __getattr__(self, name):
            me = threading.get_ident()
            return getattr(caches[process_of.setdefault(me, len(process_of) % 2)], name)

    _, _, factory = pg
    with factory() as s:
        _deploy(s, "wide.bpmn")
        iid = tx.start_instance(s, "wide", data={"items": list(range(20))})
        items = engine.list_inbox(s, [Grant("sub_operator")])
    monkeypatch.setattr(store, "workflow_cache", PerProcess())
    assert complete_concurrently(factory, items, [Grant("sub_operator")]) == []
    with factory() as s:
        info = engine.describe_instance(s, iid)
    assert info["status"] == "completed" and info["version"] == 21
    assert sorted(info["data"]["outs"]) == sorted(i.id for i in items)


def _spawn(url, **env):
    full = {**os.environ, "PYTHONPATH": str(ROOT), **{k: str(v) for k, v in env.items()}}
    return subprocess.Popen([sys.executable, str(WORKER), url], cwd=ROOT, env=full)


def _start_many(factory, n):
    with factory() as s:
        _deploy(s, "one_service.bpmn")
        return [tx.start_instance(s, "one_service", data={"n": i}) for i in range(n)]


def test_two_executor_processes_run_a_thousand_jobs_once_each(pg):
    url, bind, factory = pg
    _start_many(factory, 1000)
    workers = [_spawn(url, BATCH=10), _spawn(url, BATCH=10)]
    for w in workers:
        assert w.wait(300) == 0
    with bind.connect() as conn:
        calls = conn.execute(sa.text("SELECT count(*), count(DISTINCT key) FROM engine_test_call"))
        assert tuple(calls.one()) == (1000, 1000)
        done = conn.execute(sa.text("SELECT status, count(*) FROM engine_job GROUP BY status"))
        assert dict(done.all()) == {"done": 1000}
        workers = conn.execute(sa.text("SELECT count(DISTINCT locked_by) FROM engine_job"))
        assert workers.scalar() == 2  # both processes took a share
        states = conn.execute(
            sa.text("SELECT status, count(*) FROM engine_process_instance GROUP BY status")
        )
        assert dict(states.all()) == {"completed": 1000}


def test_a_connector_killed_mid_call_runs_again_with_one_external_effect(pg, tmp_path):
    url, bind, factory = pg
    (iid,) = _start_many(factory, 1)
    marker = tmp_path / "in_connector"
    crashing = _spawn(url, CRASH_MARKER=marker, LEASE_SECONDS=2)
    deadline = time.time() + 60
    while not marker.exists() and time.time() < deadline:
        time.sleep(0.05)
    assert marker.exists()
    crashing.send_signal(signal.SIGKILL)
    crashing.wait(10)

    restarted = _spawn(url, LEASE_SECONDS=2, IDLE_POLLS=20)  # outlives the dead worker's lease
    assert restarted.wait(120) == 0
    with bind.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM engine_test_call")).scalar() >= 2
        assert conn.execute(sa.text("SELECT count(*) FROM engine_test_effect")).scalar() == 1
    with factory() as s:
        info = engine.describe_instance(s, iid)
    assert info["status"] == "completed"
    assert info["jobs"][0]["status"] == "done" and info["jobs"][0]["attempts"] == 2
