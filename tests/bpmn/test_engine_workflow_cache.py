"""The workflow cache (``engine.workflow_cache``): a step reuses the workflow this process saved
only while the row still carries that save's token; a save by another process, a failed step
and a rolled-back unit of work all make the next step load the stored state again."""

from datetime import date
from decimal import Decimal

import pytest
from engine_helpers import deploy_file, tx

import engine
import engine.persistence as persistence
import engine.store as store
from engine.inbox import Grant
from engine.instances import get_instance
from engine.workflow_cache import WorkflowCache

GRANTS = [Grant("sub_operator")]


@pytest.fixture
def loads(monkeypatch):
    """One entry per workflow a step restored from ``state_json`` (a cache miss; reading an
    instance, as ``describe_instance`` does, always loads and is not counted)."""
    count: list[int] = []
    real = store.load_workflow
    monkeypatch.setattr(store, "load_workflow", lambda *a: count.append(1) or real(*a))
    return count


@pytest.fixture
def wide(es):
    deploy_file(es, "wide.bpmn")
    iid = tx.start_instance(es, "wide", data={"items": [1, 2, 3]})
    return iid, engine.list_inbox(es, GRANTS)


def _complete(es, item, out=None):
    out = item.id if out is None else out
    tx.complete_task(es, item.id, {"out": out}, user="u", grants=GRANTS)


def _open_ids(es):
    es.rollback()
    return {i.id for i in engine.list_inbox(es, GRANTS)}


def _finish(es, iid, items):
    """Complete what is still open; the instance ends with every child's output."""
    for item in items:
        if item.id in _open_ids(es):
            _complete(es, item)
    es.rollback()
    info = engine.describe_instance(es, iid)
    assert info["status"] == "completed"
    return info["data"]["outs"]


def test_a_step_reuses_the_workflow_this_process_saved(es, wide, loads):
    iid, items = wide
    assert sorted(_finish(es, iid, items)) == sorted(i.id for i in items)
    assert loads == []  # every step after the start found its workflow in the cache


def test_a_save_by_another_process_makes_the_next_step_load_the_stored_state(
    es, wide, loads, monkeypatch
):
    iid, (first, second, third) = wide
    _complete(es, first)
    ours = store.workflow_cache
    monkeypatch.setattr(store, "workflow_cache", WorkflowCache())  # another process's cache
    _complete(es, second)
    assert loads == [1]  # that process had nothing cached
    monkeypatch.setattr(store, "workflow_cache", ours)  # back here: our entry is stale now
    _complete(es, third)
    assert loads == [1, 1]  # the row's token was not ours: loaded again, nothing lost
    es.rollback()
    info = engine.describe_instance(es, iid)
    assert info["status"] == "completed" and sorted(info["data"]["outs"]) == sorted(
        i.id for i in (first, second, third))  # fmt: skip


@pytest.mark.parametrize("stage", ["record_history", "rebuild_inbox", "sync_waits"])  # before, before, after save
def test_a_failed_step_leaves_no_workflow_that_is_used_again(es, wide, loads, monkeypatch, stage):
    iid, items = wide
    real = getattr(persistence, stage)

    def broken(session, loaded):
        raise RuntimeError(f"{stage} is down")  # the task has run: the workflow is mutated

    monkeypatch.setattr(persistence, stage, broken)
    with pytest.raises(engine.ProcessError):
        _complete(es, items[0])
    es.rollback()  # the caller's unit of work
    monkeypatch.setattr(persistence, stage, real)
    assert items[0].id in _open_ids(es)  # nothing of the failed step was kept
    _complete(es, items[1])
    assert loads == [1]  # the mutated workflow was not reused
    assert sorted(_finish(es, iid, items)) == sorted(i.id for i in items)


def test_a_rolled_back_save_is_never_reused(es, wide, loads):
    iid, (first, second, third) = wide
    version = get_instance(es, iid).version
    engine.complete_task(es, first.id, {"out": first.id}, user="u", grants=GRANTS)
    es.rollback()  # the unit of work failed after the save: its token never reached the row
    _complete(es, first)
    assert loads == [1]
    _complete(es, second)
    assert loads == [1]  # the committed save is reused again
    es.rollback()
    assert get_instance(es, iid).version == version + 2
    assert sorted(_finish(es, iid, [third])) == sorted(i.id for i in (first, second, third))


def test_data_a_json_round_trip_would_change_is_not_cached(es, wide, loads):
    iid, (first, second, third) = wide
    _complete(es, first, out=(1, 2))  # a tuple: stored as a list
    _complete(es, second)
    assert loads == [1]  # loaded: the next step sees the list a loaded workflow holds
    assert [1, 2] in _finish(es, iid, [third])


def test_decimal_and_date_data_is_cached_and_restores_the_same(es, wide, loads):
    iid, (first, second, third) = wide
    _complete(es, first, out={"amount": Decimal("1234.50"), "day": date(2026, 12, 1)})
    _complete(es, second)
    assert loads == []  # the registered types round-trip exactly: the workflow was kept
    assert {"amount": Decimal("1234.50"), "day": date(2026, 12, 1)} in _finish(es, iid, [third])


def test_the_cache_is_bounded():
    cache = WorkflowCache(size=2)
    for n in range(3):
        cache.put(("db", n), n, 1, object())  # type: ignore[arg-type]
    assert len(cache) == 2 and cache.take(("db", 0), 0, 1) is None
    assert cache.take(("db", 2), 2, 1) is not None and len(cache) == 1
