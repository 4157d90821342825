"""Path test of the sample payroll diagram: parallel MI subprocess over units, reject loop,
service tasks with fake connectors, a non-interrupting boundary timer, an event-based gateway
(timer → poll, or the bank's message), all through the engine API.  Every engine call saves and
loads; after each step the stored state must round-trip unchanged."""

import time
from decimal import Decimal

import pytest
from engine_helpers import (
    ALL_GRANTS,
    assert_roundtrip,
    complete,
    deploy_file,
    drain,
    open_tasks,
    status,
    the_task,
    tx,
)

import engine
from engine.inbox import Grant

OPS = ("summary/RenderPdf", "notify/Remind", "bank/SubmitBatch", "bank/PollStatus")
START = {
    "units": [{"id": 1, "name": "Steel"}, {"id": 2, "name": "Concrete"}],
    "project_id": 7,
    "rejections": 0,
    "remind_after": "PT1S",
    "poll_after": "PT1S",
    "batch_no": "B-2026-11",
}


def _compile_both_units(es, amounts):
    for unit_id, amount in amounts.items():
        mine = [Grant("sub_operator", 7, unit_id)]
        (item,) = open_tasks(es, mine)
        assert (item.bpmn_id, item.unit_id, item.project_id) == ("compile", unit_id, 7)
        complete(es, item, {"amount": amount}, grants=mine, user=f"op{unit_id}")
    for unit_id in amounts:
        mine = [Grant("sub_manager", 7, unit_id)]
        (item,) = open_tasks(es, mine)
        complete(es, item, {"approved": True}, grants=mine)


def test_sample_payroll_runs_to_the_end(es, fakes):
    fakes.register(*OPS)
    deploy_file(es, "sample_payroll.bpmn", deployed_by="admin")
    iid = tx.start_instance(es, "sample_payroll", data=START, business_key="B-2026-11")
    assert_roundtrip(es, iid)

    # Scope: another project's operator sees nothing; unit 1 cannot touch unit 2's table.
    assert open_tasks(es, [Grant("sub_operator", 8)]) == []
    other = open_tasks(es, [Grant("sub_operator", 7, 2)])[0]
    with pytest.raises(engine.TaskNotAllowed):
        complete(es, other, {"amount": Decimal("1")}, grants=[Grant("sub_operator", 7, 1)])

    _compile_both_units(es, {1: Decimal("100.50"), 2: Decimal("200.25")})
    assert_roundtrip(es, iid)
    complete(es, the_task(es, "gc_review"), {"approved": False, "comment": "unit 2 too high"})
    assert_roundtrip(es, iid)
    assert {i.bpmn_id for i in open_tasks(es)} == {"compile"}  # looped back, MI recreated

    _compile_both_units(es, {2: Decimal("150.00"), 1: Decimal("100.50")})
    complete(es, the_task(es, "gc_review"), {"approved": True})
    assert_roundtrip(es, iid)
    assert open_tasks(es) == []  # render is STARTED, waiting for the executor
    drain(es)
    assert fakes.calls[0][0] == "summary/RenderPdf"
    assert fakes.calls[0][1] == {"total": Decimal("250.50"), "lines": 2}
    assert fakes.calls[0][2].business_key == "B-2026-11"

    time.sleep(1.1)  # the boundary reminder on pm_sign is due
    drain(es)
    assert "notify/Remind" in fakes.ops()
    pm_sign = the_task(es, "pm_sign")  # non-interrupting: still open
    complete(es, pm_sign, {}, user="pm")
    assert_roundtrip(es, iid)
    drain(es)  # bank/SubmitBatch, then the event-based gateway waits
    assert fakes.ops()[-1] == "bank/SubmitBatch"

    time.sleep(1.1)  # the poll timer branch of the gateway fires, polls, and loops back
    drain(es)
    assert fakes.ops()[-1] == "bank/PollStatus"
    assert_roundtrip(es, iid)

    assert tx.deliver_message(es, "bank_status", "B-2026-11", {"paid": 2}) == [iid]
    complete(es, the_task(es, "reconcile"), {})
    assert status(es, iid) == "completed"
    data = engine.describe_instance(es, iid)["data"]
    assert data["rejections"] == 1
    assert data["report"] == {"paid": 2}
    assert sorted(r["unit"] for r in data["results"]) == [1, 2]
    assert sum(r["amount"] for r in data["results"]) == Decimal("250.50")


def test_completion_records_who_and_refuses_a_second_time(es, fakes):
    fakes.register(*OPS)
    deploy_file(es, "sample_payroll.bpmn")
    iid = tx.start_instance(es, "sample_payroll", data=START)
    item = open_tasks(es, [Grant("sub_operator", 7, 1)])[0]
    complete(es, item, {"amount": Decimal("1")}, grants=ALL_GRANTS, user="wang")
    with pytest.raises(engine.TaskNotOpen):
        complete(es, item, {"amount": Decimal("2")})
    rows = engine.describe_instance(es, iid)["human_tasks"]
    done = [r for r in rows if r["id"] == item.id][0]
    assert (done["status"], done["completed_by"]) == ("completed", "wang")
