"""The process administrator edits a diagram in the bpmn-js modeler and deploys it; the saved
diagram runs through the engine; the instance view marks the active task."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

import engine
from engine.models import HumanTask
from services.processes import deploy_diagram
from web.runtime import uow

pytestmark = pytest.mark.e2e
DIAGRAM = Path(__file__).parents[1] / "bpmn" / "diagrams" / "modeler_saved.bpmn"


def login(page, base, who):
    page.goto(f"{base}/login")
    page.fill("input[name=account]", who)
    page.fill("input[name=password]", "zhuxin2026")
    page.click("button[type=submit]")


def test_edit_in_the_modeler_deploy_and_run(live_server, launch, session, shots):
    first = deploy_diagram(uow(), DIAGRAM.read_text(), by="t")
    page = launch().new_page(viewport={"width": 1280, "height": 900})
    login(page, live_server, "admin")
    page.goto(f"{live_server}/admin/processes/{first.id}/editor")
    expect(page.locator('[data-element-id="Activity_review"]')).to_be_visible()
    page.evaluate("""() => {
        const v = window.bpmnViewer;
        const task = v.get('elementRegistry').get('Activity_review');
        v.get('modeling').updateProperties(task, { name: '安全员复核' });
    }""")
    page.screenshot(path=str(shots / "editor.png"))
    page.click("text=保存并部署")
    expect(page.locator(".flash-success")).to_contain_text("modeler_review")
    second = engine.latest_definition(session, "modeler_review")
    assert second.version == first.version + 1 and "安全员复核" in second.bpmn_xml

    instance_id = engine.start_instance(session, "modeler_review",
                                        data={"project_id": 1, "unit": "总包自有班组"})  # fmt: skip
    session.commit()
    task = session.query(HumanTask).filter_by(instance_id=instance_id).one()
    assert (task.name, task.role) == ("安全员复核", "gc_manager")

    page.goto(f"{live_server}/admin/instances/{instance_id}")
    expect(page.locator('[data-element-id="Activity_review"].active-task')).to_be_visible()
    page.screenshot(path=str(shots / "instance_view.png"), full_page=True)
