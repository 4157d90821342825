"""A restarted process reclaims its own dead claims at once (issue 11 item 8): each process
that runs jobs holds a slot of its node (a flock the kernel drops when it dies), the worker ids
it makes start with ``node#slot``, and at start it expires the leases still held under that
name — so recovery after a SIGKILL takes the restart, not the lease."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

import engine
from engine import node
from engine.models import Job

sys.path.insert(0, str(Path(__file__).parents[1] / "bpmn"))
from engine_helpers import DIAGRAMS, ROLES, tx  # noqa: E402

ROOT = Path(__file__).parents[2]
WORKER = Path(__file__).parent / "engine_worker.py"


@pytest.fixture
def factory(database_url):
    bind = sa.create_engine(database_url)
    yield sessionmaker(bind)
    bind.dispose()


def _start(session, n=1):
    known = engine.ConnectorRegistry()
    known.register("test/Effect", lambda params, ctx: {})
    tx.deploy(session, (DIAGRAMS / "one_service.bpmn").read_text(), known_roles=ROLES,
              connectors=known)  # fmt: skip
    return [tx.start_instance(session, "one_service", data={"n": i}) for i in range(n)]


def test_two_live_processes_never_share_a_slot_and_a_dead_ones_slot_is_taken_again(tmp_path):
    first = node.take_slot("site-a", tmp_path)
    assert first == "site-a#0" and node.take_slot("site-a", tmp_path) == "site-a#1"
    holder = subprocess.Popen(  # another process holds the next slot, then is killed
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from engine.node import take_slot; print(take_slot('site-a', Path(sys.argv[1])), "
         "flush=True); time.sleep(60)", str(tmp_path)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "site-a#2"
    holder.send_signal(signal.SIGKILL)
    holder.wait(10)
    assert node.take_slot("site-a", tmp_path) == "site-a#2"  # the dead one's slot, at once
    with pytest.raises(ValueError):
        node.take_slot("bad/name", tmp_path)


def test_the_claims_of_a_dead_incarnation_are_claimed_again_at_once_and_count_an_attempt(factory):
    with factory() as s:
        mine, sibling, other = _start(s, 3)
        for iid, holder in ((mine, "site-a#1:dead0001"), (sibling, "site-a#10:live0002"),
                            (other, "site-b#1:live0003")):  # fmt: skip
            claimed = engine.claim_jobs(s, holder, limit=1)
            assert [c.instance_id for c in claimed] == [iid]
        s.commit()
        assert not engine.claim_jobs(s, "site-a#1:new", limit=5)  # leases still running
        assert node.reclaim_own_claims(s, "site-a#1") == 1  # not site-a#10, not site-b#1
        s.commit()
        (again,) = engine.claim_jobs(s, "site-a#1:new", limit=5)
        s.commit()
        assert again.instance_id == mine and again.attempts == 2  # the crash counted
        held = dict(s.execute(select(Job.instance_id, Job.locked_by)).all())
        assert held == {mine: "site-a#1:new", sibling: "site-a#10:live0002",
                        other: "site-b#1:live0003"}  # fmt: skip


def test_worker_ids_start_with_the_node_identity():
    from engine.jobs import new_worker_id

    assert new_worker_id().startswith(node.node_identity() + ":")


@pytest.mark.postgres
def test_a_worker_killed_mid_call_is_resumed_by_its_restart_in_seconds_not_the_lease(
    database_url, factory, tmp_path
):
    bind = factory.kw["bind"]
    with bind.begin() as conn:
        conn.execute(sa.text("CREATE TABLE IF NOT EXISTS engine_test_call (key text)"))
        conn.execute(sa.text("CREATE TABLE IF NOT EXISTS engine_test_effect (key text UNIQUE)"))
        conn.execute(sa.text("TRUNCATE engine_test_call, engine_test_effect"))
    with factory() as s:
        (iid,) = _start(s)
    marker = tmp_path / "in_connector"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LEASE_SECONDS": "300", "NODE_ID": "crash",
           "NODE_DIR": str(tmp_path / "nodes")}  # fmt: skip
    crashing = subprocess.Popen([sys.executable, str(WORKER), database_url], cwd=ROOT,
                                env={**env, "CRASH_MARKER": str(marker)})  # fmt: skip
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists()
    crashing.send_signal(signal.SIGKILL)
    crashing.wait(10)
    killed = time.monotonic()
    restarted = subprocess.Popen([sys.executable, str(WORKER), database_url], cwd=ROOT, env=env)
    assert restarted.wait(60) == 0
    assert time.monotonic() - killed < 30  # a 300 s lease was not waited for
    with bind.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM engine_test_effect")).scalar() == 1
    with factory() as s:
        info = engine.describe_instance(s, iid)
    assert info["status"] == "completed"
    assert info["jobs"][0]["status"] == "done" and info["jobs"][0]["attempts"] == 2
