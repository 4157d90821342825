"""Path test of ``bpmn/settlement_reminder.bpmn`` through the engine API: the scheduler's start
(one instance per project and pay month) puts ``create_batch_number`` in the project's GC
manager's inbox and nobody else's; creating the batch number completes it (its number in the
data), and so does dismissing it.  The diagram calls no connector: the fakes must receive
nothing on either path (nothing is created silently).  The stored state must round-trip."""

from pathlib import Path

import pytest
from engine_helpers import (
    ROLES,
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

# Absolute, so deploy_file's ``DIAGRAMS / name`` is this path (the product diagram, not a sample).
DIAGRAM = Path(__file__).resolve().parents[2] / "bpmn" / "settlement_reminder.bpmn"
KEY = "REMIND-SH2026001-2026-11"
START = {"project_id": 1, "project_name": "示范项目", "pay_month": "2026-11",
         "period_start": "2026-10-26", "period_end": "2026-11-25"}  # fmt: skip
GC = Grant("gc_manager", 1)
OTHERS = [Grant(role, 1) for role in ROLES if role not in ("gc_manager", "process_admin")]


def start(es):
    deploy_file(es, DIAGRAM, deployed_by="admin")
    return tx.start_instance(es, "settlement_reminder", data=START, business_key=KEY,
                                 started_by="scheduler")  # fmt: skip


def test_the_reminder_is_the_gc_managers_only(es, fakes):
    iid = start(es)
    assert_roundtrip(es, iid)
    item = the_task(es, "create_batch_number")
    assert (item.role, item.project_id, item.unit_id) == ("gc_manager", 1, None)
    assert (item.business_key, item.process_id) == (KEY, "settlement_reminder")
    assert [i.id for i in open_tasks(es, [GC], process_id="settlement_reminder")] == [item.id]
    assert open_tasks(es, [Grant("gc_manager", 2)]) == []  # another project's manager
    for grant in OTHERS:
        assert open_tasks(es, [grant]) == [], grant.role
    with pytest.raises(engine.TaskNotAllowed):
        complete(es, item, {"dismissed": True}, grants=[Grant("gc_operator", 1)])
    form = engine.task_form(es, item.id, [GC])
    assert "结算日" in form.instructions and form.data["pay_month"] == "2026-11"
    assert engine.list_instances(es, process_id="settlement_reminder", business_key=KEY)
    assert status(es, iid) == "running"


def test_creating_the_batch_number_completes_the_reminder(es, fakes):
    iid = start(es)
    # What web.payroll.usecases does once the batch exists: complete with its number.
    complete(es, the_task(es, "create_batch_number"), {"batch_no": "SH2026001-202611-01"},
             grants=[GC], user="gc_pm")  # fmt: skip
    assert_roundtrip(es, iid)
    drain(es)
    assert fakes.calls == []
    assert open_tasks(es) == []
    assert status(es, iid) == "completed"
    data = engine.describe_instance(es, iid)["data"]
    assert data["batch_no"] == "SH2026001-202611-01" and "dismissed" not in data
    assert data["pay_month"] == "2026-11"


def test_dismissing_the_reminder_completes_it_and_creates_nothing(es, fakes):
    iid = start(es)
    complete(es, the_task(es, "create_batch_number"), {"dismissed": True}, grants=[GC])
    assert_roundtrip(es, iid)
    drain(es)
    assert fakes.calls == []
    assert open_tasks(es) == []
    assert status(es, iid) == "completed"
    data = engine.describe_instance(es, iid)["data"]
    assert data["dismissed"] is True and "batch_no" not in data
