"""The process editor's properties panel (issue 12 item 7): the process administrator picks a
service task's operator from the registered connectors and edits a timer in the panel; 检查
marks the element the deploy validation refuses, with its message; fixed, the diagram deploys,
an unchanged diagram deploys nothing, and the new version runs; the instance view marks what is
completed and what is waiting. No Content Security Policy violation on the way."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

import engine
from services.processes import deploy_diagram
from web.runtime import BPMN_DIR, uow, wiring

pytestmark = pytest.mark.e2e
DIAGRAM = Path(__file__).parents[1] / "web" / "diagrams" / "editor_panel.bpmn"


def _open_editor(browser, base, definition_id, problems, element="send_notice"):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.on("console", lambda m: m.type == "error" and ("Content Security Policy" in m.text
                                                        or "Refused to" in m.text)
            and problems.append(m.text))  # fmt: skip
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{base}/login")
    page.fill("input[name=account]", "admin")
    page.fill("input[name=password]", "zhuxin2026")
    page.click("button[type=submit]")
    page.goto(f"{base}/admin/processes/{definition_id}/editor")
    expect(page.locator(f'[data-element-id="{element}"]').first).to_be_visible()
    return page


def _select(page, element_id):
    """Click an element on the diagram (a click on the selected element would deselect it)."""
    panel = page.locator("#zhuxin-panel")
    if panel.get_attribute("data-element") != element_id:
        page.click(f'[data-element-id="{element_id}"]')
    expect(panel).to_have_attribute("data-element", element_id)


def _deploy_unchanged(page, process_id, version, session):
    """保存并部署 on the diagram as it was loaded: the server deploys nothing and says so."""
    expect(page.locator('[data-element-id="send_notice"]')).to_be_visible()
    page.click("#deploy-diagram")
    expect(page.locator(".flash-info")).to_contain_text(f"已是最新的第 {version} 版，未部署新版本")
    assert engine.latest_definition(session, process_id).version == version


def _set_timer(page, value):
    _select(page, "wait_a_while")
    page.fill("#zx-timer-value", value)
    page.press("#zx-timer-value", "Tab")  # an input commits when it loses focus


def test_edit_operator_and_timer_check_fix_deploy_and_run(live_server, launch, session, shots, app):
    app.config["WTF_CSRF_ENABLED"] = True  # as in production: 检查 sends the page's token
    calls = []
    wiring(app).connectors.register("notify/CompileOverdue",
                                    lambda params, ctx: calls.append(params) or {"sent": True})  # fmt: skip
    first = deploy_diagram(uow(), DIAGRAM.read_text(), by="t")
    session.commit()
    problems: list[str] = []
    browser = launch()
    page = _open_editor(browser, live_server, first.id, problems)
    _deploy_unchanged(page, "editor_panel", 1, session)  # the text as deployed from the file
    page.goto(f"{live_server}/admin/processes/{first.id}/editor")

    # The operator, from the server's list; its parameters come with it.
    _select(page, "send_notice")
    expect(page.locator("#zx-operator")).to_have_value("signin/DecideMakeup")
    page.select_option("#zx-operator", "notify/CompileOverdue")
    expect(page.locator("#zx-param-id-0")).to_have_value("batch_id")
    expect(page.locator("#zx-param-id-1")).to_have_value("unit_id")

    # An unquoted ISO duration reads as a variable name: 检查 marks the timer with the reason.
    _set_timer(page, "PT5M")
    page.click("#check-diagram")
    expect(page.locator("#check-status")).to_have_class("check-failed")
    expect(page.locator('g[data-element-id="wait_a_while"].check-error')).to_have_count(1)
    expect(page.locator(".check-error-note")).to_contain_text("带引号")
    expect(page.locator("#check-problems")).to_contain_text("wait_a_while")
    page.screenshot(path=str(shots / "editor_panel_check.png"))

    _set_timer(page, "'PT5M'")
    page.click("#check-diagram")
    expect(page.locator("#check-status")).to_have_class("check-ok")
    expect(page.locator(".check-error")).to_have_count(0)
    page.click("#deploy-diagram")
    expect(page.locator(".flash-success")).to_contain_text("editor_panel 第 2 版")
    second = engine.latest_definition(session, "editor_panel")
    assert second.version == 2
    assert 'id="notify/CompileOverdue"' in second.bpmn_xml and "'PT5M'" in second.bpmn_xml
    assert 'id="batch_id"' in second.bpmn_xml and "request_id" not in second.bpmn_xml

    # Saved again without a change: the server deploys nothing and says so.
    page.goto(f"{live_server}/admin/processes/{second.id}/editor")
    _deploy_unchanged(page, "editor_panel", 2, session)

    # The new version runs: the notice is sent through the chosen operator, the timer waits.
    instance_id = engine.start_instance(session, "editor_panel", data={"batch_id": 7, "unit_id": 3})
    session.commit()
    engine.run_due_jobs(session, wiring(app).connectors)
    assert calls == [{"batch_id": 7, "unit_id": 3}]
    page.goto(f"{live_server}/admin/instances/{instance_id}")
    expect(page.locator('g[data-element-id="send_notice"].completed-task')).to_have_count(1)
    expect(page.locator('g[data-element-id="start"].completed-task')).to_have_count(1)
    expect(page.locator('g[data-element-id="wait_a_while"].active-task')).to_have_count(1)
    page.screenshot(path=str(shots / "editor_panel_instance.png"))
    assert not problems, problems


def test_every_shipped_diagram_survives_the_editor(live_server, launch, session):
    """Opened and saved by the modeler with the spiffworkflow descriptor, each diagram of bpmn/
    keeps every extension element the engine reads and still passes the deploy checks."""
    problems: list[str] = []
    newest = {d.process_id: d for d in sorted(engine.list_definitions(session),
                                              key=lambda d: d.version)}  # fmt: skip
    page = None
    for path in sorted(BPMN_DIR.glob("*.bpmn")):
        process_id = next(pid for pid, d in newest.items() if d.bpmn_xml == path.read_text())
        if page is None:
            page = _open_editor(launch(), live_server, newest[process_id].id, problems, "start")
        else:
            page.goto(f"{live_server}/admin/processes/{newest[process_id].id}/editor")
        page.wait_for_function(
            "() => window.bpmnViewer && document.querySelector('#zhuxin-panel h4')"
        )
        saved = page.evaluate("""async () => {
            const { xml } = await window.bpmnViewer.saveXML({ format: true });
            const answer = await fetch('/api/definitions/validate', { method: 'POST', body: xml,
                headers: { 'Content-Type': 'application/xml', Accept: 'application/json' } });
            return { xml, answer: await answer.json() };
        }""")
        assert saved["answer"].get("ok"), (path.name, saved["answer"])
        for tag in set(re.findall(r"<spiffworkflow:\w+", path.read_text())):
            assert saved["xml"].count(tag) == path.read_text().count(tag), (path.name, tag)
    assert not problems, problems
