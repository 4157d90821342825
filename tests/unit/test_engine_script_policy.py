"""Script policy: escape attempts are refused at deploy with the element id; ordinary
expressions pass; the runtime evaluator re-checks and hides the real builtins."""

from decimal import Decimal

import pytest
from lxml import etree

from engine.definitions import check_scripts
from engine.runtime import SafeEnvironment
from engine.script_policy import PolicyViolation, check_source

ESCAPES = [
    "().__class__.__base__.__subclasses__()",
    "__import__('os').system('id')",
    "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'Popen']",
    "getattr((), '__class__')",
    "eval('1+1')",
    "exec('import os')",
    "open('/etc/passwd').read()",
    "compile('1', 'x', 'eval')",
    "globals()['__builtins__']",
    "vars()",
    "(lambda: 1)()",
    "_secret",
    "x.__dict__",
    "'{0.__class__}'.format(1)",
    "type(1)",
]

ORDINARY = [
    "approved == True",
    "not approved",
    "amount > Decimal('0') and len(lines) >= 1",
    "sum(l['amount'] for l in lines) <= limit",
    "round(total * Decimal('1.06'), 2)",
    "[u['id'] for u in units if u.get('active')]",
    "{k: v for k, v in totals.items() if v}",
    "'PT' + str(days) + 'D'",
    "max(a, b) if a is not None else min(b, 3)",
    "date(2026, 11, 25) < due",
    "f'{batch}-{n}'",
    '"PT1S"',
]


@pytest.mark.parametrize("source", ESCAPES)
def test_escape_attempts_are_refused(source):
    with pytest.raises(PolicyViolation):
        check_source(source, "eval")


@pytest.mark.parametrize("source", ORDINARY)
def test_ordinary_expressions_pass(source):
    check_source(source, "eval")


@pytest.mark.parametrize(
    "script",
    ["import os", "from os import system", "def f():\n    pass", "while True:\n    pass",
     "class A:\n    pass", "try:\n    x = 1\nexcept Exception:\n    pass", "global x"],
)  # fmt: skip
def test_script_statements_outside_the_subset_are_refused(script):
    with pytest.raises(PolicyViolation):
        check_source(script, "exec")


def test_ordinary_scripts_pass():
    check_source("total = 0\nfor l in lines:\n    total += l['amount']\ndel lines", "exec")


BPMN = """<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d">
 <bpmn:process id="p" isExecutable="true">
  <bpmn:sequenceFlow id="flow_ok" sourceRef="a" targetRef="b">
   <bpmn:conditionExpression>approved == True</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="flow_evil" sourceRef="a" targetRef="b">
   <bpmn:conditionExpression>{expr}</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:serviceTask id="svc"><bpmn:extensionElements>
   <spiffworkflow:serviceTaskOperator id="x/Y"><spiffworkflow:parameters>
    <spiffworkflow:parameter id="p1" type="str" value="{param}"/>
   </spiffworkflow:parameters></spiffworkflow:serviceTaskOperator></bpmn:extensionElements>
  </bpmn:serviceTask>
  <bpmn:scriptTask id="scr"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
 </bpmn:process></bpmn:definitions>"""


def _problems(expr="1", param="1", script="x = 1"):
    xml = BPMN.format(expr=expr, param=param, script=script)
    return check_scripts(etree.fromstring(xml.encode()))


def test_problems_name_the_element():
    assert _problems() == []
    assert _problems(expr="().__class__.__base__.__subclasses__()")[0][0] == "flow_evil"
    assert _problems(param="__import__(&apos;os&apos;).system(&apos;id&apos;)")[0][0] == "svc"
    assert _problems(script="import os")[0][0] == "scr"


def test_runtime_evaluator_rechecks_and_restricts_builtins():
    env = SafeEnvironment()
    assert env.evaluate("round(a * Decimal('2'), 1)", {"a": Decimal("1.25")}) == Decimal("2.5")
    with pytest.raises(PolicyViolation):
        env.evaluate("().__class__", {})
    with pytest.raises(NameError):
        env.evaluate("print", {})  # a name the policy allows, but no real builtins behind it
    context = {"n": 2}
    env.execute("m = n * 2", context)
    assert context == {"n": 2, "m": 4}
