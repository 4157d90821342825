"""Correlation keys and signals between instances (issue 12 item 5): a thrown message finds
the instance whose correlation values match (not another waiting for the same message), an
early correlated message is kept, a signal reaches every waiting instance, and delivered or
thrown events do not pile up in the stored state."""

import json

from engine_helpers import deploy_file, status, tx

import engine
from engine.instances import get_instance
from engine.models import EventWait, PendingMessage


def _data(es, instance):
    es.rollback()
    return engine.describe_instance(es, instance)["data"]


def test_a_thrown_message_reaches_the_instance_with_its_correlation_key(es):
    deploy_file(es, "order_waiter.bpmn")
    deploy_file(es, "order_approver.bpmn")
    seven = tx.start_instance(es, "order_waiter", data={"order_id": 7})
    eight = tx.start_instance(es, "order_waiter", data={"order_id": 8})
    waits = es.query(EventWait).filter_by(instance_id=eight).one()
    assert (waits.kind, waits.name) == ("message", "approval")
    assert json.loads(waits.correlations_json) == {"order_key": {"order_id": 8}}
    tx.start_instance(es, "order_approver", data={"order_id": 8})
    assert status(es, eight) == "completed" and status(es, seven) == "running"
    assert _data(es, eight)["approval"] == {"order_id": 8, "ok": True}
    assert es.query(EventWait).filter_by(instance_id=eight).count() == 0  # waits no more
    caught = tx.deliver_message(es, "approval", None, {"order_id": 7, "ok": False},
                                correlations={"order_key": {"order_id": 7}})  # fmt: skip
    assert caught == [seven] and status(es, seven) == "completed"


def test_an_early_correlated_message_is_kept_for_its_instance(es):
    deploy_file(es, "order_waiter.bpmn")
    deploy_file(es, "order_approver.bpmn")
    tx.start_instance(es, "order_approver", data={"order_id": 9})
    parked = es.query(PendingMessage).filter_by(name="approval").one()
    assert json.loads(parked.correlations_json) == {"order_key": {"order_id": 9}}
    other = tx.start_instance(es, "order_waiter", data={"order_id": 10})
    assert status(es, other) == "running"  # not its key: stays parked
    waiter = tx.start_instance(es, "order_waiter", data={"order_id": 9})
    assert status(es, waiter) == "completed"
    es.rollback()
    assert es.get(PendingMessage, parked.id).instance_id == waiter


def test_a_signal_reaches_every_waiting_instance(es):
    deploy_file(es, "signal_waiter.bpmn")
    deploy_file(es, "signal_thrower.bpmn")
    waiters = [tx.start_instance(es, "signal_waiter") for _ in range(3)]
    thrower = tx.start_instance(es, "signal_thrower")
    assert status(es, thrower) == "completed"
    assert [status(es, w) for w in waiters] == ["completed"] * 3
    late = tx.start_instance(es, "signal_waiter")  # a signal is not kept
    assert status(es, late) == "running"
    assert tx.broadcast_signal(es, "month_closed") == [late] and status(es, late) == "completed"


def test_delivered_and_thrown_events_do_not_pile_up_in_the_state(es):
    deploy_file(es, "order_waiter.bpmn")
    waiter = tx.start_instance(es, "order_waiter", data={"order_id": 1})
    sizes = []
    for n in range(30):  # messages for other orders: not caught, parked, not in the state
        tx.deliver_message(es, "approval", None, {"order_id": 100 + n},
                           correlations={"order_key": {"order_id": 100 + n}})  # fmt: skip
        sizes.append(len(get_instance(es, waiter).state_json))
        es.rollback()
    assert len(set(sizes)) == 1
    state = json.loads(get_instance(es, waiter).state_json)
    assert not state.get("bpmn_events")
