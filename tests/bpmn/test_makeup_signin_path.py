"""Path test of ``bpmn/makeup_signin.bpmn`` through the engine API with a fake connector: the
worker's request puts ``review_makeup`` in the GC manager's inbox (scoped to the project and
the worker's unit, nobody else's); the approval form's decision goes to ``signin/DecideMakeup``
(approve and reject), whose answer lands in ``makeup_result``; the instance then completes.
The stored state must round-trip after each step."""

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
DIAGRAM = Path(__file__).resolve().parents[2] / "bpmn" / "makeup_signin.bpmn"
OP = "signin/DecideMakeup"
GC = Grant("gc_manager", 1)
START = {"request_id": 42, "project_id": 1, "unit_id": 2, "project_name": "示范项目",
         "worker_name": "张三", "day": "2026-11-20", "reason": "手机没电，未能扫码"}  # fmt: skip
OTHERS = [Grant(role, 1) for role in ROLES if role not in ("gc_manager", "process_admin")]


def start(es, fakes, request_id=42):
    fakes.register(OP)
    deploy_file(es, DIAGRAM, deployed_by="admin")
    data = {**START, "request_id": request_id}
    return tx.start_instance(es, "makeup_signin", data=data,
                                 business_key=f"makeup-{request_id}", started_by="w001")  # fmt: skip


def decide(es, raw, request_id=42):
    """Complete the review as the web's generic approval page does: form → typed data."""
    item = the_task(es, "review_makeup")
    form = engine.task_form(es, item.id, [GC])
    assert form.kind == "approval"
    assert (form.decision_variable, form.comment_variable) == ("approved", "comment")
    assert form.data["request_id"] == request_id and "补签" in form.instructions
    complete(es, item, engine.form_to_data(form, raw), grants=[GC], user="gc_pm")


def test_the_review_is_the_gc_managers_only(es, fakes):
    iid = start(es, fakes)
    assert_roundtrip(es, iid)
    item = the_task(es, "review_makeup")
    assert (item.role, item.project_id, item.unit_id) == ("gc_manager", 1, 2)
    assert item.business_key == "makeup-42"
    assert [i.id for i in open_tasks(es, [GC])] == [item.id]
    assert open_tasks(es, [Grant("gc_manager", 2)]) == []  # another project's manager
    for grant in OTHERS:
        assert open_tasks(es, [grant]) == [], grant.role
    with pytest.raises(engine.TaskNotAllowed):
        complete(es, item, {"approved": True}, grants=[Grant("sub_manager", 1, 2)])
    drain(es)
    assert fakes.calls == []  # nothing is decided before the review
    assert status(es, iid) == "running"


def test_approval_is_applied_and_the_instance_completes(es, fakes):
    iid = start(es, fakes)
    fakes.answers[OP] = {"state": "approved", "attendance_id": 7}
    decide(es, {"decision": "approve", "comment": "情况属实"})
    assert_roundtrip(es, iid)
    drain(es)
    assert fakes.ops() == [OP]
    ((_, params, ctx),) = fakes.calls
    assert params == {"request_id": 42, "approved": True, "comment": "情况属实"}
    assert (ctx.operation, ctx.business_key, ctx.instance_id) == (OP, "makeup-42", iid)
    assert open_tasks(es) == []
    assert status(es, iid) == "completed"
    data = engine.describe_instance(es, iid)["data"]
    assert data["makeup_result"] == {"state": "approved", "attendance_id": 7}
    assert data["approved"] is True


def test_rejection_is_applied_and_the_instance_completes(es, fakes):
    iid = start(es, fakes, request_id=43)
    fakes.answers[OP] = {"state": "rejected", "attendance_id": None}
    decide(es, {"decision": "reject"}, request_id=43)
    assert_roundtrip(es, iid)
    drain(es)
    ((op, params, _),) = fakes.calls
    assert (op, params) == (OP, {"request_id": 43, "approved": False, "comment": ""})
    assert status(es, iid) == "completed"
    data = engine.describe_instance(es, iid)["data"]
    assert data["makeup_result"] == {"state": "rejected", "attendance_id": None}
    assert data["approved"] is False


def test_the_form_refuses_no_decision(es, fakes):
    start(es, fakes)
    item = the_task(es, "review_makeup")
    form = engine.task_form(es, item.id, [GC])
    with pytest.raises(ValueError):
        engine.form_to_data(form, {"comment": "没选"})
