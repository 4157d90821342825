"""Path test of ``bpmn/wage_payment.bpmn`` through the engine API with fake connectors: three
units (the GC's own skips the sub review), a sub reject and a GC reject loop, the compile
reminder timer, summary, both signatures, a bank push whose status is overdue (银行回执超时,
再次询问银行) and then arrives by polling with two rejected lines, correction with a
supplementary summary signed again, re-payment, the bank's message path, a late return seen
during the watch period (退汇观察期) that reopens the correction, and the end when the watch is
over.  Every engine call saves and loads; the stored state must round-trip after each step."""

import time
from pathlib import Path

import pytest
from engine_helpers import (
    ROLES,
    assert_roundtrip,
    complete,
    drain,
    open_tasks,
    status,
    the_task,
    tx,
)

import engine
from engine.inbox import Grant

DIAGRAM = Path(__file__).resolve().parents[2] / "bpmn" / "wage_payment.bpmn"
OPS = ("notify/CompileOverdue", "summary/RenderPdf", "bank/SubmitBatch", "bank/FetchStatus",
       "bank/Reconcile", "bank/WatchReturns")  # fmt: skip
UNITS = [
    {"unit_id": 1, "name": "总包自有班组", "gc_own": True},
    {"unit_id": 2, "name": "恒固劳务", "gc_own": False},
    {"unit_id": 3, "name": "鑫达劳务", "gc_own": False},
]
KEY = "SH2026001-202511-01"
START = {"project_id": 1, "batch_id": 9, "batch_no": KEY, "units": UNITS,
         "remind_at": "2000-01-01T01:00:00+00:00", "poll_after": "PT1S"}  # fmt: skip


def deploy(es):
    return tx.deploy(es, DIAGRAM.read_text(), known_roles=ROLES, deployed_by="admin")


def do(es, bpmn_id, grant, data=None):
    (item,) = [i for i in open_tasks(es, [grant]) if i.bpmn_id == bpmn_id]
    complete(es, item, data or {}, grants=[grant])
    return item


def test_deploy_refuses_nothing_and_names_every_task(es, fakes):
    fakes.register(*OPS)
    definition = deploy(es)
    assert definition.process_id == "wage_payment"


def test_wage_payment_runs_to_the_end_with_rejects_and_repayment(es, fakes):
    fakes.register(*OPS)
    rounds = iter([{"complete": False, "overdue": True}, {"complete": False}, {"complete": True}])
    fakes.answers["bank/FetchStatus"] = lambda p, c: next(rounds)
    results = iter([{"paid": 8, "rejected": 2, "watch_after": "PT1S"},
                    {"paid": 10, "rejected": 0, "watch_after": "PT1S"},
                    {"paid": 9, "rejected": 1, "watch_after": "PT1S"},
                    {"paid": 10, "rejected": 0, "watch_after": "PT1S"}])  # fmt: skip
    fakes.answers["bank/Reconcile"] = lambda p, c: next(results)
    watched = iter([{"returned": 0, "over": False}, {"returned": 1, "over": False},
                    {"returned": 0, "over": True}])  # fmt: skip
    fakes.answers["bank/WatchReturns"] = lambda p, c: next(watched)
    deploy(es)
    iid = tx.start_instance(es, "wage_payment", data=START, business_key=KEY)
    assert_roundtrip(es, iid)

    # Compile tasks by lane and scope: the GC operator compiles the GC's own unit only.
    items = open_tasks(es)
    assert sorted((i.bpmn_id, i.unit_id, i.role) for i in items) == [
        ("compile_own_wage_table", 1, "gc_operator"),
        ("compile_wage_table", 2, "sub_operator"),
        ("compile_wage_table", 3, "sub_operator"),
    ]
    assert open_tasks(es, [Grant("sub_operator", 1, 2)])[0].unit_id == 2
    assert open_tasks(es, [Grant("sub_operator", 2, 2)]) == []  # another project
    with pytest.raises(engine.TaskNotAllowed):
        other = open_tasks(es, [Grant("sub_operator", 1, 3)])[0]
        complete(es, other, {}, grants=[Grant("sub_operator", 1, 2)])

    drain(es)  # the reminder timer (already due) fires once per open compile task
    assert fakes.ops().count("notify/CompileOverdue") == 3
    assert {c[1]["unit_id"] for c in fakes.calls if c[0] == "notify/CompileOverdue"} == {1, 2, 3}

    do(es, "compile_own_wage_table", Grant("gc_operator", 1))
    do(es, "compile_wage_table", Grant("sub_operator", 1, 2))
    do(es, "compile_wage_table", Grant("sub_operator", 1, 3))
    assert_roundtrip(es, iid)
    # The GC's own unit skips the sub review.
    assert sorted(i.unit_id for i in open_tasks(es) if i.bpmn_id == "sub_review") == [2, 3]
    assert [i.unit_id for i in open_tasks(es) if i.bpmn_id == "gc_review"] == [1]

    do(es, "sub_review", Grant("sub_manager", 1, 2), {"approved": False, "reason": "天数不对"})
    do(es, "sub_review", Grant("sub_manager", 1, 3), {"approved": True})
    assert_roundtrip(es, iid)
    assert [i.unit_id for i in open_tasks(es) if i.bpmn_id == "compile_wage_table"] == [2]

    gc = Grant("gc_manager", 1)
    gc_reviews = {i.unit_id: i for i in open_tasks(es, [gc]) if i.bpmn_id == "gc_review"}
    complete(es, gc_reviews[3], {"approved": False, "reason": "扣款无原因"}, grants=[gc])
    complete(es, gc_reviews[1], {"approved": True}, grants=[gc])
    assert sorted(i.unit_id for i in open_tasks(es) if i.bpmn_id == "compile_wage_table") == [2, 3]
    assert not [i for i in open_tasks(es) if i.bpmn_id == "generate_summary_table"]

    for unit_id in (2, 3):
        do(es, "compile_wage_table", Grant("sub_operator", 1, unit_id))
        do(es, "sub_review", Grant("sub_manager", 1, unit_id), {"approved": True})
        do(es, "gc_review", gc, {"approved": True})
        assert_roundtrip(es, iid)

    drain(es)  # reminders of the re-opened compile tasks (the timer is past due)
    # Only the GC manager generates the summary, once every unit is approved.
    assert open_tasks(es, [Grant("gc_operator", 1)]) == []
    item = do(es, "generate_summary_table", gc)
    assert item.unit_id is None and item.project_id == 1
    drain(es)
    assert fakes.calls[-1][0] == "summary/RenderPdf" and fakes.calls[-1][1] == {"batch_id": 9}
    do(es, "pm_sign", gc)
    assert not [i for i in open_tasks(es, [gc]) if i.bpmn_id == "enterprise_sign"]  # 企业端 only
    do(es, "enterprise_sign", Grant("gc_enterprise", 1))
    drain(es)
    assert fakes.ops()[-1] == "bank/SubmitBatch"
    assert fakes.calls[-1][2].business_key == KEY
    first_push_key = fakes.calls[-1][2].idempotency_key
    assert_roundtrip(es, iid)

    # The first poll finds the answer overdue: the GC manager asks the bank again, which looks
    # at once; the next poll (incomplete, then complete) reconciles.
    time.sleep(1.1)
    drain(es)
    overdue = the_task(es, "bank_overdue")
    assert overdue.role == "gc_manager"
    complete(es, overdue, {}, grants=[gc])
    drain(es)
    time.sleep(1.1)
    drain(es)
    assert fakes.ops()[-4:] == ["bank/FetchStatus"] * 3 + ["bank/Reconcile"]

    def repay_with_supplementary_summary():
        item = the_task(es, "correct_rejected_lines")
        assert item.role == "gc_operator"
        complete(es, item, {}, grants=[Grant("gc_operator", 1)])
        drain(es)
        assert fakes.ops()[-1] == "summary/RenderPdf"  # the supplementary summary
        do(es, "pm_sign", gc)
        do(es, "enterprise_sign", Grant("gc_enterprise", 1))
        drain(es)
        assert fakes.ops()[-1] == "bank/SubmitBatch"

    repay_with_supplementary_summary()
    assert fakes.calls[-1][2].idempotency_key != first_push_key  # a new file for the re-payment

    # This time the bank's status message arrives before the poll.
    assert tx.deliver_message(es, "bank_status", KEY, {"msg_id": KEY + "-R1"}) == [iid]
    drain(es)
    assert fakes.ops()[-1] == "bank/Reconcile"
    assert status(es, iid) != "completed"  # paid; returns are watched for
    data = engine.describe_instance(es, iid)["data"]
    assert data["bank_report"] == {"msg_id": KEY + "-R1"}

    # The watch: nothing, then a late return reopens the correction.
    for _ in range(2):
        time.sleep(1.1)
        drain(es)
    assert fakes.ops()[-3:] == ["bank/WatchReturns", "bank/WatchReturns", "bank/Reconcile"]
    repay_with_supplementary_summary()
    assert tx.deliver_message(es, "bank_status", KEY, {"msg_id": KEY + "-R2"}) == [iid]
    drain(es)
    time.sleep(1.1)
    drain(es)
    assert fakes.ops()[-1] == "bank/WatchReturns"
    assert status(es, iid) == "completed"
    assert engine.describe_instance(es, iid)["data"]["watched"] == {"returned": 0, "over": True}
