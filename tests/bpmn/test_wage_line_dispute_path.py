"""Path test of ``bpmn/wage_line_dispute.bpmn`` through the engine API: a worker's dispute of
his wage line puts the answer task in the inbox of his unit's operator only — the sub operator
of that unit for a subcontractor's worker, the GC operator for the GC's own crews — and the
answer ends the process.  The diagram calls no connector.  The stored state must round-trip."""

from pathlib import Path

import pytest
from engine_helpers import (
    ROLES,
    assert_roundtrip,
    complete,
    deploy_file,
    open_tasks,
    status,
    the_task,
    tx,
)

import engine
from engine.inbox import Grant

DIAGRAM = Path(__file__).resolve().parents[2] / "bpmn" / "wage_line_dispute.bpmn"


def start(es, unit_id: int, gc_own: bool):
    deploy_file(es, DIAGRAM, deployed_by="admin")
    data = {"project_id": 1, "unit_id": unit_id, "gc_own": gc_own, "line_id": 7,
            "worker_name": "王伟", "comment": "少算两天", "net": "8400.00"}  # fmt: skip
    return tx.start_instance(es, "wage_line_dispute", data=data, business_key="dispute-7-1",
                             started_by="w001")  # fmt: skip


@pytest.mark.parametrize(("unit_id", "gc_own", "task", "role"), [
    (2, False, "resolve_wage_dispute", "sub_operator"),
    (1, True, "resolve_own_wage_dispute", "gc_operator"),
])  # fmt: skip
def test_the_dispute_goes_to_the_units_operator_and_the_answer_ends_it(es, fakes, unit_id,
                                                                       gc_own, task, role):  # fmt: skip
    iid = start(es, unit_id, gc_own)
    assert_roundtrip(es, iid)
    item = the_task(es, task)
    assert (item.role, item.project_id, item.unit_id) == (role, 1, unit_id)
    operator = Grant(role, 1, unit_id)
    assert [i.id for i in open_tasks(es, [operator])] == [item.id]
    assert open_tasks(es, [Grant(role, 1, 3)]) == []  # another unit's operator
    for other in ROLES:
        if other not in (role, "process_admin"):
            assert open_tasks(es, [Grant(other, 1)]) == [], other
    form = engine.task_form(es, item.id, [operator])
    assert form.data["comment"] == "少算两天" and [f.name for f in form.fields] == ["resolution"]
    assert form.fields[0].required
    complete(es, item, {"resolution": "已核对考勤"}, grants=[operator])
    assert status(es, iid) == "completed"
