"""Every diagram in ``bpmn/`` carries diagram interchange (DI) for every flow node and sequence
flow, so the bpmn-js editor and the instance view can draw it (``tools/bpmn_layout.py`` makes
it); an expanded sub-process holds its content inside its box."""

from pathlib import Path

import pytest
from lxml import etree

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
FLOW_NODES = (
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
    "boundaryEvent", "task", "userTask", "serviceTask", "scriptTask", "manualTask",
    "sendTask", "receiveTask", "businessRuleTask", "callActivity", "subProcess",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
    "complexGateway",
)  # fmt: skip
DIAGRAMS = sorted(BPMN_DIR.glob("*.bpmn"))


def test_the_known_diagrams_are_there():
    names = {p.name for p in DIAGRAMS}
    assert {"wage_payment.bpmn", "makeup_signin.bpmn", "settlement_reminder.bpmn"} <= names


def _bounds(shape):
    b = shape.find(f"{{{DC}}}Bounds")
    x, y = float(b.get("x")), float(b.get("y"))
    return x, y, x + float(b.get("width")), y + float(b.get("height"))


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_every_flow_node_and_flow_has_di(path):
    root = etree.parse(str(path)).getroot()
    shapes = {s.get("bpmnElement"): s for s in root.iter(f"{{{BPMNDI}}}BPMNShape")}
    edges = {e.get("bpmnElement") for e in root.iter(f"{{{BPMNDI}}}BPMNEdge")}
    nodes = [e for n in FLOW_NODES for e in root.iter(f"{{{BPMN}}}{n}")]
    assert nodes
    assert not [n.get("id") for n in nodes if n.get("id") not in shapes], "flow nodes without DI"
    flows = [f.get("id") for f in root.iter(f"{{{BPMN}}}sequenceFlow")]
    assert not [f for f in flows if f not in edges], "sequence flows without DI"
    di_ids = [e.get("id") for e in root.iter(f"{{{BPMNDI}}}*")]
    assert len(di_ids) == len(set(di_ids)), "DI ids must be unique"
    for sub in root.iter(f"{{{BPMN}}}subProcess"):
        box = shapes[sub.get("id")]
        assert box.get("isExpanded") == "true"
        x0, y0, x1, y1 = _bounds(box)
        for child in sub:
            if child.get("id") in shapes:
                cx0, cy0, cx1, cy1 = _bounds(shapes[child.get("id")])
                assert x0 <= cx0 and cx1 <= x1 and y0 <= cy0 and cy1 <= y1, child.get("id")
