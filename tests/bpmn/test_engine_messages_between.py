"""Messages between instances (issue 12 item 5): delivery to several waiting instances is
independent, a thrown message reaches the other instances with the business key, and thrown
events do not pile up in the stored state."""

import json

from engine_helpers import deploy_file, status, tx

import engine
from engine.instances import get_instance
from engine.models import Failure, PendingMessage


def test_one_failing_instance_does_not_lose_the_message_for_the_others(es):
    deploy_file(es, "message_catcher.bpmn")
    bad = tx.start_instance(es, "message_catcher", business_key="B-1", data={"fail": True})
    good = tx.start_instance(es, "message_catcher", business_key="B-1", data={"fail": False})
    assert tx.deliver_message(es, "paid", "B-1", {"n": 1}) == [good]
    assert status(es, good) == "completed" and status(es, bad) == "running"
    failure = es.query(Failure).one()
    assert failure.instance_id == bad and failure.element_id == "after"
    assert es.query(PendingMessage).filter_by(business_key="B-1").count() == 1  # kept for it


def test_a_thrown_message_reaches_the_instance_with_the_same_key(es):
    deploy_file(es, "message_catcher.bpmn")
    deploy_file(es, "message_thrower.bpmn")
    catcher = tx.start_instance(es, "message_catcher", business_key="B-2", data={"fail": False})
    thrower = tx.start_instance(es, "message_thrower", business_key="B-2", data={"amount": 5})
    assert status(es, thrower) == "completed"
    assert status(es, catcher) == "completed"
    assert engine.describe_instance(es, catcher)["data"]["paid"] == {"amount": 5}
    state = json.loads(get_instance(es, thrower).state_json)
    assert "bpmn_events" not in json.dumps(state) or not state.get("bpmn_events")


def test_a_message_thrown_before_anyone_waits_is_parked(es):
    deploy_file(es, "message_thrower.bpmn")
    tx.start_instance(es, "message_thrower", business_key="B-3", data={"amount": 7})
    parked = es.query(PendingMessage).filter_by(business_key="B-3").one()
    assert parked.name == "paid"
