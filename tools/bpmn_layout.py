"""Diagram interchange (DI) for the engine-written diagrams in ``bpmn/``, so that bpmn-js (the
editor at /admin/processes/<id>/editor and the instance view) can draw them.

    .venv/bin/python tools/bpmn_layout.py bpmn/wage_payment.bpmn ...   # rewrite DI in place
    .venv/bin/python tools/bpmn_layout.py --check bpmn/*.bpmn          # exit 1 on missing DI

The layout is PyPI ``bpmn-io`` 0.2.2 (``layout_process``, a port of bpmn-auto-layout; a dev
dependency).  Only the ``<bpmndi:BPMNDiagram>`` it computes is kept: it replaces any DI of the
file and everything else — ids, comments, spiffworkflow extensions, formatting — stays byte for
byte.  bpmn-io draws a sub-process collapsed and puts its content on the same plane; here each
sub-process is expanded instead (its content laid inside its box, the rest of the plane moved
right and down to make room), so the instance view shows the active tasks inside it.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
NS = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI}
FLOW_NODES = (
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
    "boundaryEvent", "task", "userTask", "serviceTask", "scriptTask", "manualTask",
    "sendTask", "receiveTask", "businessRuleTask", "callActivity", "subProcess",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
    "complexGateway",
)  # fmt: skip
PAD = 40  # inside an expanded sub-process box
DI_BLOCK = re.compile(r"\s*<bpmndi:BPMNDiagram\b.*?</bpmndi:BPMNDiagram>", re.S)


def flow_node_ids(root) -> list[str]:
    return [e.get("id") for name in FLOW_NODES for e in root.iter(f"{{{BPMN}}}{name}")]


def missing_di(text: str) -> list[str]:
    """Ids of flow nodes without a BPMNShape and sequence flows without a BPMNEdge."""
    root = etree.fromstring(text.encode())
    shapes = {e.get("bpmnElement") for e in root.iter(f"{{{BPMNDI}}}BPMNShape")}
    edges = {e.get("bpmnElement") for e in root.iter(f"{{{BPMNDI}}}BPMNEdge")}
    flows = [e.get("id") for e in root.iter(f"{{{BPMN}}}sequenceFlow")]
    return [i for i in flow_node_ids(root) if i not in shapes] + [
        i for i in flows if i not in edges
    ]


def _bounds(shape):
    b = shape.find("dc:Bounds", NS)
    return b, float(b.get("x")), float(b.get("y")), float(b.get("width")), float(b.get("height"))


def _expand_subprocess(plane, sub, inside: set[str]) -> None:
    """Lay the content of ``sub`` (ids ``inside``) inside its box; stretch the rest around it."""
    by_id = {e.get("bpmnElement"): e for e in plane}
    box = by_id[sub.get("id")]
    b, x0, y0, w0, h0 = _bounds(box)
    content = [e for e in plane if e.get("bpmnElement") in inside]
    xs, ys = [], []
    for e in content:
        if e.tag == f"{{{BPMNDI}}}BPMNShape":
            _, x, y, w, h = _bounds(e)
            xs += [x, x + w]
            ys += [y, y + h]
        for p in e.findall("di:waypoint", NS):
            xs.append(float(p.get("x")))
            ys.append(float(p.get("y")))
    width, height = max(xs) - min(xs) + 2 * PAD, max(ys) - min(ys) + 2 * PAD
    dx_in, dy_in = x0 + PAD - min(xs), y0 + PAD - min(ys)
    grow_x, grow_y = max(0.0, width - w0), max(0.0, height - h0)

    def stretch(x: float, y: float) -> tuple[float, float]:
        """Right of the box: move right; below it (and not right of it): move down."""
        if x >= x0 + w0:
            return x + grow_x, y
        return x, (y + grow_y if y > y0 + h0 else y)

    for e in plane:
        moved = e.get("bpmnElement") in inside
        if e.tag == f"{{{BPMNDI}}}BPMNShape" and e is not box:
            bb, x, y, w, h = _bounds(e)
            nx, ny = (x + dx_in, y + dy_in) if moved else stretch(x, y)
            bb.set("x", f"{nx:g}")
            bb.set("y", f"{ny:g}")
        for p in e.findall("di:waypoint", NS):
            x, y = float(p.get("x")), float(p.get("y"))
            nx, ny = (x + dx_in, y + dy_in) if moved else stretch(x, y)
            p.set("x", f"{nx:g}")
            p.set("y", f"{ny:g}")
    b.set("width", f"{width:g}")
    b.set("height", f"{height:g}")
    box.set("isExpanded", "true")
    # The flows into and out of the box meet its left and right sides at the middle.
    middle = y0 + height / 2
    for e in plane.findall("bpmndi:BPMNEdge", NS):
        points = e.findall("di:waypoint", NS)
        if not points or e.get("bpmnElement") in inside:
            continue
        target, source = e.get("_target"), e.get("_source")
        if target == sub.get("id"):
            _elbow(e, points, end=(x0, middle))
        if source == sub.get("id"):
            _elbow(e, points, start=(x0 + width, middle))


def _elbow(edge, points, start=None, end=None) -> None:
    """Reroute a straight flow to an orthogonal one that meets ``start``/``end``."""
    (sx, sy) = start or (float(points[0].get("x")), float(points[0].get("y")))
    (ex, ey) = end or (float(points[-1].get("x")), float(points[-1].get("y")))
    for p in points:
        edge.remove(p)
    route = [(sx, sy), (ex, ey)]
    if abs(sy - ey) > 0.5:
        mid = (sx + ex) / 2
        route = [(sx, sy), (mid, sy), (mid, ey), (ex, ey)]
    for x, y in route:
        etree.SubElement(edge, f"{{{DI}}}waypoint", x=f"{x:g}", y=f"{y:g}")


def layout(text: str) -> str:
    """The file's text with freshly computed DI (everything outside the DI unchanged)."""
    from bpmn_io import layout_process

    bare = DI_BLOCK.sub("", text)
    laid = etree.fromstring(layout_process(bare).encode())
    model = etree.fromstring(bare.encode())
    diagrams = laid.findall("bpmndi:BPMNDiagram", NS)
    flows = {f.get("id"): f for f in model.iter(f"{{{BPMN}}}sequenceFlow")}
    for diagram in diagrams:
        plane = diagram.find("bpmndi:BPMNPlane", NS)
        for e in plane.findall("bpmndi:BPMNEdge", NS):  # remember the ends for rerouting
            flow = flows.get(e.get("bpmnElement"))
            if flow is not None:
                e.set("_source", flow.get("sourceRef"))
                e.set("_target", flow.get("targetRef"))
        for sub in model.iter(f"{{{BPMN}}}subProcess"):
            inside = {e.get("id") for e in sub.iter() if e is not sub and e.get("id")}
            if sub.get("id") in {e.get("bpmnElement") for e in plane}:
                _expand_subprocess(plane, sub, inside)
        for e in plane.iter():
            for attr in ("_source", "_target"):
                e.attrib.pop(attr, None)
    blocks = []
    for diagram in diagrams:
        etree.indent(diagram, space="  ", level=1)
        blocks.append("  " + etree.tostring(diagram, encoding="unicode").strip())
    out = bare.rstrip()
    closing = out.rindex("</bpmn:definitions>")
    out = out[:closing].rstrip() + "\n" + "\n".join(blocks) + "\n" + out[closing:] + "\n"
    return _declare_namespaces(out)


def _declare_namespaces(text: str) -> str:
    start = text.index("<bpmn:definitions")
    end = text.index(">", start)
    tag = text[start:end]
    extra = "".join(
        f' xmlns:{prefix}="{uri}"'
        for prefix, uri in (("bpmndi", BPMNDI), ("dc", DC), ("di", DI))
        if f"xmlns:{prefix}=" not in tag
    )
    return text[:end] + extra + text[end:]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="only report missing DI")
    args = parser.parse_args(argv)
    bad = 0
    for path in args.files:
        text = path.read_text()
        if not args.check:
            text = layout(text)
            path.write_text(text)
        missing = missing_di(text)
        bad += bool(missing)
        print(f"{path}: {'DI complete' if not missing else 'no DI for ' + ', '.join(missing)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
