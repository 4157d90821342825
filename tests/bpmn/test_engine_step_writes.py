"""What one step writes (``store.save``): the state, the inbox row it closed, the history rows
and the inbox changes — on PostgreSQL in one statement, on SQLite after the compare-and-set.
A refused save writes none of them; a step of a cached workflow writes exactly what a step of
the loaded one writes; a concurrent step waits for the instance lock."""

import threading

import pytest
import sqlalchemy as sa
from engine_helpers import deploy_file, tx

import engine
import engine.persistence as persistence
from engine.history import instance_history
from engine.inbox import Grant
from engine.models import HumanTask, TaskHistory
from engine.workflow_cache import workflow_cache

TICKER = [Grant("gc_manager")]
OPERATOR = [Grant("sub_operator")]


def _rows(es, iid):
    """The instance's inbox rows and history, without ids and times (oldest first)."""
    es.rollback()
    inbox = es.execute(
        sa.select(HumanTask.bpmn_id, HumanTask.name, HumanTask.role, HumanTask.status,
                  HumanTask.completed_by)
        .where(HumanTask.instance_id == iid).order_by(HumanTask.id)
    ).all()  # fmt: skip
    history = [(r["bpmn_id"], r["name"], r["kind"], r["outcome"], r["by"], r["changes"])
               for r in instance_history(es, iid)]  # fmt: skip
    return [tuple(r) for r in inbox], history


def _tick_three_times(es, iid):
    for n in range(3):
        [item] = [i for i in engine.list_inbox(es, TICKER) if i.instance_id == iid]
        tx.complete_task(es, item.id, {"round": n}, user=f"u{n}", grants=TICKER)


def test_a_step_of_the_cached_workflow_writes_what_a_step_of_the_loaded_one_writes(es, monkeypatch):
    deploy_file(es, "loop_ticks.bpmn")
    cached = tx.start_instance(es, "loop_ticks", data={"limit": 5})
    _tick_three_times(es, cached)
    real = persistence.lock_and_load

    def without_cache(*args, **kwargs):
        workflow_cache.clear()  # every step restores state_json and walks its tasks again
        return real(*args, **kwargs)

    monkeypatch.setattr(persistence, "lock_and_load", without_cache)
    loaded = tx.start_instance(es, "loop_ticks", data={"limit": 5})
    _tick_three_times(es, loaded)
    inbox, history = _rows(es, cached)
    assert (inbox, history) == _rows(es, loaded)
    assert [r[3] for r in inbox] == ["completed"] * 3 + ["open"]
    assert [r[4] for r in inbox[:3]] == ["u0", "u1", "u2"]
    assert [(h[0], h[3], h[4]) for h in history[-4:]] == [
        ("tick", "completed", "u2"), ("count", "completed", None),
        ("tell", "completed", None), ("more", "completed", None)]  # fmt: skip


def test_a_step_that_cancels_a_task_from_the_cached_workflow_records_it(es):
    deploy_file(es, "boundaries.bpmn")
    iid = tx.start_instance(es, "boundaries", data={"amount": 1}, business_key="W1")
    assert len(workflow_cache) >= 1
    tx.deliver_message(es, "cancel", "W1", {"by": "pm"})  # the cached workflow's active tasks
    inbox, history = _rows(es, iid)
    assert ("work", "cancelled") in {(h[0], h[3]) for h in history}
    assert "open" not in [r[3] for r in inbox]


def test_a_refused_save_writes_no_history_and_no_inbox_rows(es, monkeypatch):
    deploy_file(es, "loop_ticks.bpmn")
    iid = tx.start_instance(es, "loop_ticks", data={"limit": 5})
    before = _rows(es, iid)
    [item] = [i for i in engine.list_inbox(es, TICKER) if i.instance_id == iid]
    real = persistence.lock_and_load

    def behind(*args, **kwargs):  # as if another save had moved the version on meanwhile
        loaded = real(*args, **kwargs)
        loaded.version -= 1
        return loaded

    monkeypatch.setattr(persistence, "lock_and_load", behind)
    with pytest.raises(engine.ConcurrentUpdate):
        engine.complete_task(es, item.id, {}, user="u", grants=TICKER)
    # Still in the failed step's transaction: nothing but the close (rolled back next) happened.
    history = es.scalar(sa.select(sa.func.count()).where(TaskHistory.instance_id == iid))
    opened = es.scalar(sa.select(sa.func.count()).where(
        HumanTask.instance_id == iid, HumanTask.status == "open"))  # fmt: skip
    assert history == len(before[1]) and opened == 0
    es.rollback()
    assert _rows(es, iid) == before
    monkeypatch.setattr(persistence, "lock_and_load", real)
    tx.complete_task(es, item.id, {}, user="u", grants=TICKER)  # the step runs again
    inbox, history_after = _rows(es, iid)
    assert [r[3] for r in inbox] == ["completed", "open"] and len(history_after) > len(before[1])


@pytest.mark.postgres  # SQLite has no row locks: its concurrent saves conflict (ConcurrentUpdate)
def test_a_concurrent_step_waits_for_the_instance_lock(db):
    with db() as es:
        deploy_file(es, "wide.bpmn")
        iid = tx.start_instance(es, "wide", data={"items": [1, 2]})
        first, second = engine.list_inbox(es, OPERATOR)
    holder, waiter = db(), db()
    engine.complete_task(holder, first.id, {"out": 1}, user="a", grants=OPERATOR)  # holds it
    waiter.execute(sa.text("SET LOCAL lock_timeout = '100ms'"))
    with pytest.raises(sa.exc.OperationalError, match="lock"):  # as a Core statement raises it
        engine.complete_task(waiter, second.id, {"out": 2}, user="b", grants=OPERATOR)
    waiter.rollback()
    done = threading.Event()

    def step():
        engine.complete_task(waiter, second.id, {"out": 2}, user="b", grants=OPERATOR)
        waiter.commit()
        done.set()

    thread = threading.Thread(target=step)
    thread.start()
    assert not done.wait(0.3)  # blocked on the lock the first step holds
    holder.commit()
    thread.join(10)
    assert done.is_set()
    holder.close()
    waiter.close()
    with db() as es:
        info = engine.describe_instance(es, iid)
        assert info["status"] == "completed" and sorted(info["data"]["outs"]) == [1, 2]
