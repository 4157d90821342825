"""Instance history (issue 12 item 6): a task a boundary event interrupts is recorded as
cancelled; the message it waited for is among its waiting events until then."""

from engine_helpers import deploy_file, tx

import engine
from engine.history import instance_history


def test_a_cancelled_task_and_the_waiting_message(es):
    deploy_file(es, "boundaries.bpmn")
    iid = tx.start_instance(es, "boundaries", data={"amount": 1}, business_key="H1")
    es.rollback()
    assert {"kind": "message", "name": "cancel", "correlations": None} in (
        engine.describe_instance(es, iid)["waiting"])
    tx.deliver_message(es, "cancel", "H1", {"by": "pm"})
    rows = {r["bpmn_id"]: r for r in instance_history(es, iid)}
    assert rows["work"]["outcome"] == "cancelled"
    assert rows["on_cancel"]["outcome"] == "completed"
    assert rows["mark_cancel"]["changes"]["set"] == {"outcome": "cancelled"}
    es.rollback()
    assert engine.describe_instance(es, iid)["waiting"] == []
