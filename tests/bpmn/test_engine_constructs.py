"""Ordinary BPMN constructs behave through the engine as in SpiffWorkflow itself."""

import time
from decimal import Decimal

import pytest
from engine_helpers import complete, deploy_file, drain, open_tasks, status, the_task, tx

import engine
from engine.forms import form_to_data, task_form
from engine.inbox import Grant


def _data(es, iid):
    es.rollback()
    return engine.describe_instance(es, iid)["data"]


def test_parallel_inclusive_exclusive_gateways(es):
    deploy_file(es, "gateways.bpmn")
    iid = tx.start_instance(es, "gateways", data={"x": 4, "y": 3})
    assert {i.bpmn_id: i.role for i in open_tasks(es)} == {
        "task_a": "gc_manager", "task_b": "gc_operator"}  # fmt: skip
    complete(es, the_task(es, "task_b"))
    assert [i.bpmn_id for i in open_tasks(es)] == ["task_a"]  # the join waits
    complete(es, the_task(es, "task_a"))
    data = _data(es, iid)
    assert (data["saw_x"], data["saw_y"], data["size"]) == (True, True, "big")

    iid = tx.start_instance(es, "gateways", data={"x": 1, "y": 0})
    for item in open_tasks(es):
        complete(es, item)
    data = _data(es, iid)
    assert data.get("saw_x") and "saw_y" not in data and data["size"] == "small"


def test_call_activity(es):
    deploy_file(es, "call_activity.bpmn")
    iid = tx.start_instance(es, "caller")
    complete(es, the_task(es, "ask"), {"answer": 21})
    assert status(es, iid) == "completed"
    assert _data(es, iid)["total"] == 42


def test_sequential_and_parallel_multi_instance(es):
    deploy_file(es, "multi_instance.bpmn")
    iid = tx.start_instance(es, "multi_instance", data={"items": ["a", "b", "c"]})
    for expected in ["a", "b", "c"]:  # sequential: one at a time, in order
        (item,) = open_tasks(es)
        es.rollback()
        assert item.bpmn_id == "seq"
        form = task_form(es, item.id, [Grant("sub_operator")])
        assert form.data["item"] == expected
        complete(es, item, {"done": expected.upper()})
    items = open_tasks(es)
    assert [i.bpmn_id for i in items] == ["par"] * 3  # parallel: all at once
    for n, item in enumerate(reversed(items)):
        complete(es, item, {"part": n})
    assert status(es, iid) == "completed"
    data = _data(es, iid)
    assert data["seq_out"] == ["A", "B", "C"]
    assert sorted(data["par_out"]) == [0, 1, 2]


def test_boundary_error_message_and_timer(es):
    deploy_file(es, "boundaries.bpmn")
    bad = tx.start_instance(es, "boundaries", data={"amount": -1})
    assert (status(es, bad), _data(es, bad)["outcome"]) == ("completed", "error")

    cancelled = tx.start_instance(es, "boundaries", data={"amount": 1}, business_key="K1")
    assert [i.bpmn_id for i in open_tasks(es)] == ["work"]
    assert tx.deliver_message(es, "cancel", "K1", {"by": "pm"}) == [cancelled]
    assert _data(es, cancelled)["outcome"] == "cancelled"
    assert open_tasks(es) == []  # the interrupted task left the inbox

    late = tx.start_instance(es, "boundaries", data={"amount": 1})
    complete(es, the_task(es, "work"))
    time.sleep(1.1)
    drain(es)
    assert (status(es, late), _data(es, late)["outcome"]) == ("completed", "late")


def test_modeler_saved_diagram_and_generic_form(es):
    deploy_file(es, "modeler_saved.bpmn")
    iid = tx.start_instance(es, "modeler_review", data={"unit": "Steel", "project_id": 3})
    item = the_task(es, "Activity_review", grants=[Grant("gc_manager", 3)])
    es.rollback()
    form = task_form(es, item.id, [Grant("gc_manager", 3)])
    assert (form.title, form.kind) == ("Extra review", "approval")
    assert "approve or reject" in form.instructions
    data = form_to_data(form, {"decision": "reject", "comment": "missing days"})
    complete(es, item, data, grants=[Grant("gc_manager", 3)])
    assert _data(es, iid)["approved"] is False


def test_declared_fields_are_typed(es, fakes):
    fakes.register("summary/RenderPdf", "notify/Remind", "bank/SubmitBatch", "bank/PollStatus")
    deploy_file(es, "sample_payroll.bpmn")
    tx.start_instance(es, "sample_payroll", data={"units": [{"id": 1, "name": "S"}],
                                                      "project_id": 1, "rejections": 0})  # fmt: skip
    item = open_tasks(es)[0]
    es.rollback()
    form = task_form(es, item.id, [Grant("sub_operator", 1, 1)])
    assert [(f.name, f.type, f.required) for f in form.fields] == [("amount", "decimal", True)]
    assert form_to_data(form, {"amount": "12.30"}) == {"amount": Decimal("12.30")}


def test_a_failing_expression_is_a_process_error_and_changes_nothing(es):
    deploy_file(es, "gateways.bpmn")
    iid = tx.start_instance(es, "gateways", data={"x": 1})  # no y: the inclusive gateway fails
    complete(es, the_task(es, "task_b"))
    with pytest.raises(engine.ProcessError):
        complete(es, the_task(es, "task_a"))
    assert [i.bpmn_id for i in open_tasks(es)] == ["task_a"]  # rolled back, still open
    assert engine.describe_instance(es, iid)["version"] == 2
