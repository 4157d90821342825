"""Deploy (issue 12 item 4): an older text deployed again becomes the newest version, the
newest text again stores nothing and says so; timer literals are checked at deploy."""

import pytest
from engine_helpers import DIAGRAMS, ROLES, tx

import engine

TIMER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x">
  <bpmn:process id="timer_literal" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition><bpmn:timeDuration>{value}</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>"""


def deploy(session, xml):
    return tx.deploy(session, xml, known_roles=ROLES)


def test_a_b_then_a_again_makes_a_the_newest(es, fakes):
    fakes.register("test/Effect")
    a = (DIAGRAMS / "one_service.bpmn").read_text()
    b = a.replace('name="External effect"', 'name="External effect, renamed"')
    assert deploy(es, a).version == 1
    assert deploy(es, b).version == 2
    again = deploy(es, a)
    assert again.version == 3 and not again.unchanged
    assert engine.latest_definition(es, "one_service").bpmn_xml == a
    same = deploy(es, a)
    assert same.unchanged and same.version == 3
    assert len(engine.list_definitions(es, "one_service")) == 3


@pytest.mark.parametrize("value, problem", [
    ("PT10S", "must be a quoted string"),
    ("'PT10 seconds'", "not ISO 8601"),
])  # fmt: skip
def test_a_bad_timer_literal_is_refused_at_deploy(es, value, problem):
    with pytest.raises(engine.DeployRefused) as err:
        deploy(es, TIMER.format(value=value))
    assert err.value.problems[0][0] == "wait" and problem in err.value.problems[0][1]


@pytest.mark.parametrize("value", ["'PT10S'", "wait_for", "'P1D'"])
def test_good_or_computed_timers_deploy(es, value):
    assert deploy(es, TIMER.format(value=value)).version >= 1


def test_a_correlation_message_path_is_checked_at_deploy(es):
    xml = TIMER.format(value="'PT1S'").replace(
        '<bpmn:process id="timer_literal"',
        '<bpmn:correlationProperty id="cp" name="batch">'
        '<bpmn:correlationPropertyRetrievalExpression messageRef="m">'
        "<bpmn:messagePath>__import__('os').system('id')</bpmn:messagePath>"
        '</bpmn:correlationPropertyRetrievalExpression></bpmn:correlationProperty>'
        '<bpmn:message id="m" name="m" />'
        '<bpmn:process id="timer_literal"')
    with pytest.raises(engine.DeployRefused) as err:
        deploy(es, xml)
    assert "script policy" in str(err.value)
