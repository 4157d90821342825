"""The inbox and the generic task page: a review step added by a diagram alone, no new code."""

from pathlib import Path

import pytest

import engine
from engine.models import HumanTask
from services.processes import deploy_diagram
from web.runtime import uow

DIAGRAM = Path(__file__).parent / "diagrams" / "site_review.bpmn"


@pytest.fixture
def review(session):
    deploy_diagram(uow(), DIAGRAM.read_text(), by="test")
    instance_id = engine.start_instance(session, "site_review",
                                        data={"project_id": 1, "area": "3号楼"},
                                        business_key="SR-1")  # fmt: skip
    session.commit()
    return instance_id


def open_task(session, bpmn_id):
    session.expire_all()
    return session.query(HumanTask).filter_by(bpmn_id=bpmn_id, status="open").one()


def test_inbox_lists_tasks_by_role_and_scope(client, auth, session, review):
    auth.login("gc_op")
    page = client.get("/inbox").text
    assert "填写检查记录" in page and "SR-1" in page
    auth.logout()
    auth.login("suba_op")
    assert "填写检查记录" not in client.get("/inbox").text
    task = open_task(session, "report")
    assert client.get(f"/tasks/{task.id}").status_code == 403


def test_generic_task_page_fields_and_approval_loop(client, auth, session, review):
    auth.login("gc_op")
    task = open_task(session, "report")
    page = client.get(f"/tasks/{task.id}").text
    assert "请填写 3号楼 的检查结果。" in page and "在场人数" in page
    r = client.post(
        f"/tasks/{task.id}",
        data={"findings": "脚手架缺扣件", "people": "x"},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 400 and "在场人数" in r.json["message"]
    r = client.post(f"/tasks/{task.id}", data={"findings": "脚手架缺扣件", "people": "12"})
    assert r.status_code == 302
    again = client.post(
        f"/tasks/{task.id}",
        data={"findings": "x", "people": "1"},
        headers={"Accept": "application/json"},
    )
    assert again.status_code in (403, 409)  # done, and no longer this user's to do
    auth.logout()
    auth.login("gc_pm")
    approval = open_task(session, "approve_report")
    assert "通过" in client.get(f"/tasks/{approval.id}").text
    client.post(f"/tasks/{approval.id}", data={"decision": "reject", "comment": "补充照片"})
    assert open_task(session, "report").id != task.id  # looped back
    done = session.get(HumanTask, approval.id)
    assert (done.status, done.completed_by) == ("completed", "gc_pm")


def test_process_admin_pages_and_deploy_refusal(client, auth, session, review):
    auth.login("admin")
    assert "site_review" in client.get("/admin/processes").text
    assert client.get(f"/admin/instances/{review}").status_code == 200
    evil = DIAGRAM.read_text().replace(
        "<bpmn:conditionExpression>approved",
        "<bpmn:conditionExpression>().__class__.__base__.__subclasses__()",
    )
    r = client.post(
        "/admin/processes/deploy", data={"xml": evil}, headers={"Accept": "application/json"}
    )
    assert r.status_code == 400 and "f_end" in r.json["message"]
    versions = [d.version for d in engine.list_definitions(session, "site_review")]
    assert versions == [1]
    assert client.get("/admin/incidents").status_code == 200
