"""The process administration's REST API (issue 12 item 8): the same rules as the pages, every
answer JSON, described in /api/openapi.json."""

from pathlib import Path

import engine
from services.processes import deploy_diagram
from web.runtime import uow

DIAGRAM = Path(__file__).parent / "diagrams" / "site_review.bpmn"


def _start(session, data=None) -> int:
    deploy_diagram(uow(), DIAGRAM.read_text(), by="test")
    iid = engine.start_instance(session, "site_review", business_key="SR-API",
                                data={"project_id": 1, "area": "3号楼", **(data or {})})
    session.commit()
    return iid


def test_definitions_validate_and_deploy(client, auth):
    auth.login("admin")
    xml = DIAGRAM.read_bytes()
    r = client.post("/api/definitions/validate", data=xml, content_type="application/xml")
    assert r.status_code == 200 and r.json["process_id"] == "site_review"
    assert all(d["process_id"] != "site_review" for d in client.get("/api/definitions").json[
        "definitions"])  # validating stored nothing
    r = client.post("/api/definitions", data=xml, content_type="application/xml")
    assert r.json["version"] == 1 and not r.json["unchanged"]
    r = client.post("/api/definitions", data=xml, content_type="application/xml")
    assert r.json["unchanged"]
    bad = xml.replace(b'name="gc_manager"', b'name="nobody"')
    r = client.post("/api/definitions/validate", data=bad, content_type="application/xml")
    assert r.status_code == 400 and "nobody" in r.json["message"]


def test_instances_list_show_control_and_masking(client, auth, session):
    iid = _start(session, {"id_number": "310104199003070018", "bank_card": "6222020000000100110"})
    auth.login("admin")
    assert iid in [i["id"] for i in client.get("/api/instances?process_id=site_review").json[
        "instances"]]
    shown = client.get(f"/api/instances/{iid}").json
    assert shown["status"] == "running" and shown["history"][0]["bpmn_id"] == "report"
    assert "310104199003070018" not in str(shown) and "6222020000000100110" not in str(shown)
    assert client.post(f"/api/instances/{iid}/suspend", json={}).json["ok"]
    r = client.post(f"/api/instances/{iid}/terminate", json={})
    assert r.status_code == 400 and r.json["reason"] == "reason_required"
    assert client.post(f"/api/instances/{iid}/terminate", json={"reason": "测试"}).json["ok"]
    assert client.get(f"/api/instances/{iid}").json["actions"][-1]["reason"] == "测试"
    assert client.get("/api/instances/999999").status_code == 404


def test_a_tasks_form_for_its_holder_only(client, auth, session):
    _start(session)
    auth.login("gc_op")
    task = client.get("/api/tasks").json["tasks"][0]
    form = client.get(f"/api/tasks/{task['id']}").json
    assert form["title"] == "填写检查记录" and {f["name"] for f in form["fields"]} == {
        "findings", "people"}
    auth.logout()
    auth.login("suba_op")
    assert client.get(f"/api/tasks/{task['id']}").status_code == 403
    auth.logout()
    auth.login("gc_pm")
    assert client.get("/api/instances").status_code == 403


def test_the_openapi_document_lists_the_process_api(client):
    paths = client.get("/api/openapi.json").json["paths"]
    for path in ("/api/tasks/{human_task_id}", "/api/instances", "/api/instances/{instance_id}",
                 "/api/instances/{instance_id}/terminate", "/api/definitions",
                 "/api/definitions/validate"):
        assert path in paths
    assert "409" in paths["/api/instances/{instance_id}/resume"]["post"]["responses"]
