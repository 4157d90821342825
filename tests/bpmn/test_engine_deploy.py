"""Deploy: versions, refusals with element ids that change nothing, running instances keep
their version."""

import pytest
from engine_helpers import DIAGRAMS, ROLES, complete, deploy_file, open_tasks, tx

import engine

GOOD = (DIAGRAMS / "modeler_saved.bpmn").read_text()


def _count(es):
    es.rollback()
    return len(engine.list_definitions(es))


def _refused(es, xml, **kw):
    before = _count(es)
    with pytest.raises(engine.DeployRefused) as info:
        tx.deploy(es, xml, known_roles=kw.pop("roles", ROLES), **kw)
    assert _count(es) == before  # nothing stored
    return info.value.problems


def test_versions_and_running_instances_keep_theirs(es):
    first = deploy_file(es, "modeler_saved.bpmn", deployed_by="admin")
    old = tx.start_instance(es, "modeler_review")
    changed = GOOD.replace('name="Extra review"', 'name="Extra review v2"')
    second = tx.deploy(es, changed, known_roles=ROLES, deployed_by="admin")
    assert (first.version, second.version) == (1, 2)
    assert second.sha256 != first.sha256 and second.deployed_by == "admin"
    new = tx.start_instance(es, "modeler_review")
    names = {i.instance_id: i.name for i in open_tasks(es)}
    assert names == {old: "Extra review", new: "Extra review v2"}
    for item in open_tasks(es):
        complete(es, item, {"approved": True})
    assert {r.status for r in engine.list_instances(es)} == {"completed"}


def test_refuses_xml_that_does_not_parse(es):
    assert _refused(es, "<bpmn:definitions")[0][1].startswith("XML does not parse")


def test_refuses_invalid_bpmn(es):
    xml = GOOD.replace("<bpmn:endEvent ", "<bpmn:noSuchThing ").replace(
        "</bpmn:endEvent>", "</bpmn:noSuchThing>"
    )
    assert "invalid BPMN" in _refused(es, xml)[0][1]


def test_refuses_an_unknown_lane_and_a_task_in_no_lane(es):
    assert _refused(es, GOOD.replace('name="gc_manager"', 'name="Foreman"')) == [
        ("Activity_review", "lane 'Foreman' is not a known role")
    ]
    no_lane = GOOD.replace("<bpmn:flowNodeRef>Activity_review</bpmn:flowNodeRef>", "")
    assert _refused(es, no_lane) == [("Activity_review", "user task is in no lane")]


def test_refuses_an_unregistered_connector(es, fakes):
    xml = (DIAGRAMS / "sample_payroll.bpmn").read_text()
    fakes.register("summary/RenderPdf", "notify/Remind", "bank/PollStatus")
    problems = _refused(es, xml)
    assert problems == [("push", "no connector registered for 'bank/SubmitBatch'")]


@pytest.mark.parametrize(
    "evil",
    ["().__class__.__base__.__subclasses__()", "__import__('os').system('id')",
     "open('/etc/passwd').read()", "getattr(x, 'y')"],
)  # fmt: skip
def test_refuses_script_policy_breaches_with_the_element_id(es, evil):
    xml = GOOD.replace(
        '<bpmn:sequenceFlow id="Flow_2" sourceRef="Activity_review" targetRef="Event_end" />',
        '<bpmn:sequenceFlow id="Flow_2" sourceRef="Activity_review" targetRef="Event_end">'
        f"<bpmn:conditionExpression>{evil}</bpmn:conditionExpression></bpmn:sequenceFlow>",
    ).replace("'", "&apos;")
    ((element, reason),) = _refused(es, xml)
    assert element == "Flow_2" and reason.startswith("script policy")
