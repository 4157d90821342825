"""What the process editor reads from the server (issue 12 item 7): the registered operators
with their parameters, the lane roles, the deploy validation's problems by element id, the
posted diagram kept after a refused deploy, and the instance view's completed / active /
failed elements."""

from pathlib import Path

import engine
from domain import roles
from services.editor import instance_marks
from services.processes import deploy_diagram
from web.runtime import uow, wiring

DIAGRAM = Path(__file__).parent / "diagrams" / "editor_panel.bpmn"


def test_connectors_are_the_registered_operators_with_their_parameters(app, client, auth):
    auth.login("admin")
    listed = {c["operator"]: c for c in client.get("/api/connectors").json["connectors"]}
    assert set(listed) == set(wiring(app).connectors.names())
    compile_overdue = listed["notify/CompileOverdue"]
    assert [(p["id"], p["type"]) for p in compile_overdue["parameters"]] == [
        ("batch_id", "int"), ("unit_id", "int")]  # fmt: skip
    assert "wage_payment" in compile_overdue["used_by"]


def test_roles_are_the_role_list_with_labels(client, auth):
    auth.login("admin")
    shown = client.get("/api/roles").json["roles"]
    assert [r["code"] for r in shown] == list(roles.ALL)
    assert {"code": "gc_manager", "label": "施工总包项目经理"} in shown


def test_the_lists_are_for_the_process_administrator_only(client, auth):
    auth.login("gc_pm")
    assert client.get("/api/connectors").status_code == 403
    assert client.get("/api/roles").status_code == 403


def test_validation_names_each_failing_element(client, auth):
    auth.login("admin")
    bad = (DIAGRAM.read_text().replace("'PT1H'", "PT1H")
           .replace('id="signin/DecideMakeup"', 'id="nobody/Listens"')
           .replace('name="gc_manager"', 'name="foreman"'))  # fmt: skip
    r = client.post("/api/definitions/validate", data=bad, content_type="application/xml")
    assert r.status_code == 400 and r.json["reason"] == "diagram_refused"
    by_element = {p["element"]: p["message"] for p in r.json["problems"]}
    # The timer's problem names its definition's id: the editor marks the event that owns it.
    assert "带引号" in by_element["wait_timer"]  # "must be a quoted string", in the page's language
    assert "nobody/Listens" in by_element["send_notice"]
    assert "foreman" in by_element["confirm"]
    ok = client.post("/api/definitions/validate", data=DIAGRAM.read_bytes(),
                     content_type="application/xml")  # fmt: skip
    assert ok.json == {"ok": True, "process_id": "editor_panel"}


def test_a_refused_deploy_shows_the_editor_again_with_the_posted_diagram(client, auth, session):
    first = deploy_diagram(uow(), DIAGRAM.read_text(), by="test")
    session.commit()
    auth.login("admin")
    editor = f"/admin/processes/{first.id}/editor"
    page = client.get(editor).text
    assert 'id="editor-config"' in page and "bpmn_editor.js" in page
    edited = DIAGRAM.read_text().replace("'PT1H'", "PT2H").replace("确认", "复核")
    r = client.post("/admin/processes/deploy", data={"xml": edited},
                    headers={"Referer": "http://localhost" + editor})  # fmt: skip
    assert r.status_code == 400 and "PT2H" in r.text and "复核" in r.text
    assert engine.latest_definition(session, "editor_panel").version == 1


def test_instance_marks_follow_the_run(app, client, auth, session):
    def refuse(params, ctx):
        raise engine.BpmnError("refused", "the request is gone")

    wiring(app).connectors.register("signin/DecideMakeup", refuse)
    deploy_diagram(uow(), DIAGRAM.read_text(), by="test")
    session.commit()
    iid = engine.start_instance(session, "editor_panel", data={"request_id": 1})
    session.commit()
    assert instance_marks(uow(), iid) == {"completed": ["start"], "active": ["send_notice"],
                                          "failed": []}  # fmt: skip
    engine.run_due_jobs(session, wiring(app).connectors)  # no boundary event: an incident
    assert instance_marks(uow(), iid) == {"completed": ["start"], "active": [],
                                          "failed": ["send_notice"]}  # fmt: skip
    auth.login("admin")
    page = client.get(f"/admin/instances/{iid}").text
    assert 'data-failed="send_notice"' in page and 'data-completed="start"' in page
