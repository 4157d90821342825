"""The diagrams of ``bpmn/`` carry diagram interchange (tools/bpmn_layout.py), so bpmn-js draws
every flow node of them in the editor, and the instance view marks the active tasks."""

from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree
from playwright.sync_api import expect

import engine
from tests.unit.test_bpmn_di import BPMN, FLOW_NODES

pytestmark = pytest.mark.e2e
UNITS = [
    {"unit_id": 1, "name": "总包自有班组", "gc_own": True},
    {"unit_id": 2, "name": "恒固劳务", "gc_own": False},
    {"unit_id": 3, "name": "鑫达劳务", "gc_own": False},
]
LATER = (datetime.now(UTC) + timedelta(days=30)).isoformat()
STARTS = {  # process → (start data, tasks active right after the start)
    "wage_payment": (
        {"project_id": 1, "batch_id": 999, "batch_no": "DI-TEST-01", "units": UNITS,
         "remind_at": LATER, "poll_after": "PT30S"},
        ("compile_wage_table", "compile_own_wage_table"),
    ),
    "makeup_signin": ({"project_id": 1, "request_id": 999}, ("review_makeup",)),
    "wage_line_dispute": ({"project_id": 1, "unit_id": 2, "gc_own": False, "line_id": 999},
                          ("resolve_wage_dispute",)),
    "settlement_reminder": (
        {"project_id": 1, "project_name": "项目", "pay_month": "2026-11",
         "period_start": "2026-10-26", "period_end": "2026-11-25"},
        ("create_batch_number",),
    ),
}  # fmt: skip


def login(page, base, who):
    page.goto(f"{base}/login")
    page.fill("input[name=account]", who)
    page.fill("input[name=password]", "zhuxin2026")
    page.click("button[type=submit]")


def flow_nodes(xml: str) -> set[str]:
    root = etree.fromstring(xml.encode())
    return {e.get("id") for n in FLOW_NODES for e in root.iter(f"{{{BPMN}}}{n}")}


def drawn(page) -> set[str]:
    return set(page.evaluate(
        "() => window.bpmnViewer.get('elementRegistry').getAll().map(e => e.id)"
    ))  # fmt: skip


@pytest.mark.parametrize("process_id", sorted(STARTS))
def test_editor_and_instance_view_draw_the_diagram(live_server, launch, session, shots,
                                                   process_id):  # fmt: skip
    definition = engine.latest_definition(session, process_id)
    page = launch().new_page(viewport={"width": 1600, "height": 900})
    login(page, live_server, "admin")

    page.goto(f"{live_server}/admin/processes/{definition.id}/editor")
    expect(page.locator('[data-element-id="start"]')).to_be_visible()
    missing = flow_nodes(definition.bpmn_xml) - drawn(page)
    assert not missing, f"not drawn in the editor: {sorted(missing)}"
    page.screenshot(path=str(shots / f"di_editor_{process_id}.png"))

    data, active = STARTS[process_id]
    instance_id = engine.start_instance(session, process_id, data=data, business_key="DI-TEST")
    session.commit()
    page.goto(f"{live_server}/admin/instances/{instance_id}")
    for task in active:
        expect(page.locator(f'[data-element-id="{task}"].active-task')).to_be_visible()
    assert not flow_nodes(definition.bpmn_xml) - drawn(page)
    page.locator("#canvas").screenshot(path=str(shots / f"di_instance_{process_id}.png"))
