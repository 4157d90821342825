"""Deploys of several documents: a DMN decision with its BPMN file, a call activity to a
process deployed from another file (newest or pinned version), a collaboration of two pools."""

import pytest
from engine_helpers import DIAGRAMS, ROLES, tx

import engine
from engine.instances import describe_instance

DMN = (DIAGRAMS / "wage_band.dmn").read_text()
DECIDE = (DIAGRAMS / "decide_band.bpmn").read_text()
CALLEE = (DIAGRAMS / "callee_shared.bpmn").read_text()
CALLER = (DIAGRAMS / "caller_other_file.bpmn").read_text()
COLLAB = (DIAGRAMS / "collaboration.bpmn").read_text()


def _refused(es, xml, **kw):
    with pytest.raises(engine.DeployRefused) as info:
        tx.deploy(es, xml, known_roles=ROLES, **kw)
    return info.value.problems


def _run(es, process_id, **data):
    instance = tx.start_instance(es, process_id, data=data)
    es.rollback()
    return describe_instance(es, instance)


def test_a_business_rule_task_evaluates_the_decision_deployed_with_it(es):
    definition = tx.deploy(es, DECIDE, known_roles=ROLES, dmn=[DMN])
    assert definition.documents_json and "wage_band" in definition.documents_json
    assert _run(es, "decide_band", days=12)["data"]["band"] == "full"
    assert _run(es, "decide_band", days=3)["data"]["band"] == "low"
    again = tx.deploy(es, DECIDE, known_roles=ROLES, dmn=[DMN])
    assert again.unchanged and again.id == definition.id
    changed = tx.deploy(es, DECIDE, known_roles=ROLES, dmn=[DMN.replace('"low"', '"part"')])
    assert changed.version == 2 and _run(es, "decide_band", days=3)["data"]["band"] == "part"


def test_a_missing_decision_and_a_decision_breaking_the_policy_are_refused(es):
    assert _refused(es, DECIDE) == [
        ("band_rule", "decision 'wage_band' is in none of the DMN files deployed with it")
    ]
    bad = DMN.replace('"low"', "().__class__")
    [(element, reason)] = _refused(es, DECIDE, dmn=[bad])
    assert element == "r_low_band" and "script policy" in reason
    assert not engine.list_definitions(es, "decide_band")


def test_a_decision_runs_under_the_script_budget(es):
    hog = DMN.replace("<text>days</text>", "<text>len('a' * (days * 10 ** 8))</text>")
    tx.deploy(es, DECIDE, known_roles=ROLES, dmn=[hog])
    with pytest.raises(engine.ProcessError) as info:
        tx.start_instance(es, "decide_band", data={"days": 12})
    assert info.value.element_id == "band_rule"


def test_a_call_activity_runs_the_newest_process_of_another_file(es):
    assert _refused(es, CALLER) == [
        ("call_shared", "calls process 'shared_child', which is neither in this file nor deployed")
    ]
    tx.deploy(es, CALLEE.replace("VERSION_ADD", "1"), known_roles=ROLES)
    tx.deploy(es, CALLER, known_roles=ROLES)
    assert _run(es, "caller_other", base=10)["data"]["answer"] == 11
    tx.deploy(es, CALLEE.replace("VERSION_ADD", "2"), known_roles=ROLES)
    rebound = tx.deploy(es, CALLER, known_roles=ROLES)  # same text, a newer callee: not unchanged
    assert not rebound.unchanged and rebound.version == 2
    assert _run(es, "caller_other", base=10)["data"]["answer"] == 12


def test_a_call_activity_pins_a_version(es):
    tx.deploy(es, CALLEE.replace("VERSION_ADD", "1"), known_roles=ROLES)
    tx.deploy(es, CALLEE.replace("VERSION_ADD", "2"), known_roles=ROLES)
    pin = (
        '<bpmn:callActivity id="call_shared" calledElement="shared_child"><bpmn:extensionElements>'
        '<spiffworkflow:properties><spiffworkflow:property name="calledVersion" value="{v}"/>'
        "</spiffworkflow:properties></bpmn:extensionElements></bpmn:callActivity>"
    )
    pinned = CALLER.replace(
        '<bpmn:callActivity id="call_shared" calledElement="shared_child" />', pin.format(v=1)
    )
    tx.deploy(es, pinned, known_roles=ROLES)
    assert _run(es, "caller_other", base=10)["data"]["answer"] == 11
    assert _refused(es, pinned.replace('value="1"', 'value="7"')) == [
        (
            "call_shared",
            "calls version 7 of process 'shared_child', which is neither in this file nor deployed",
        )
    ]


def test_a_collaboration_of_two_pools_exchanging_messages_runs(es):
    definition = tx.deploy(es, COLLAB, known_roles=ROLES)
    assert definition.process_id == "pay_and_bank"
    info = _run(es, "pay_and_bank", total=5)
    assert info["status"] == "completed" and info["data"]["receipt"] == {"paid": 5}


def test_an_ambiguous_main_process_names_the_candidates_and_can_be_named(es):
    two = COLLAB.replace('<bpmn:participant id="p_bank" name="Bank" processRef="bank_side" />', "")
    [(element, reason)] = _refused(es, two)
    assert element is None and "candidates payer, bank_side" in reason
    assert tx.deploy(es, two, known_roles=ROLES, process_id="bank_side").process_id == "bank_side"
    assert (
        "'nope' is neither a process nor a collaboration"
        in _refused(es, two, process_id="nope")[0][1]
    )
