"""Instance control (issue 12 item 6): the process admin suspends, resumes and terminates an
instance from its page and the CLI; a suspended instance does nothing on any route, a parked
message waits for the resume; each action is in the instance's history and the audit log."""

from pathlib import Path

import pytest
from sqlalchemy import select

import engine
from domain.model import AuditEntry
from engine.models import HumanTask, Job
from services.processes import deploy_diagram
from web.runtime import uow

DIAGRAM = Path(__file__).parent / "diagrams" / "site_review.bpmn"


@pytest.fixture
def instance(session):
    deploy_diagram(uow(), DIAGRAM.read_text(), by="test")
    iid = engine.start_instance(session, "site_review", data={"project_id": 1, "area": "3号楼"},
                                business_key="SR-9")  # fmt: skip
    session.commit()
    return iid


def _task(session, iid) -> HumanTask:
    session.expire_all()
    return session.scalar(select(HumanTask).where(HumanTask.instance_id == iid))


def test_suspend_resume_terminate_from_the_page(client, auth, session, instance):
    auth.login("admin")
    assert "暂停" in client.get(f"/admin/instances/{instance}").text
    assert client.post(f"/admin/instances/{instance}/suspend").status_code == 302
    assert _task(session, instance).status == "suspended"
    auth.logout()
    auth.login("gc_op")  # the task is out of his inbox, and refused on every route
    assert "填写检查记录" not in client.get("/inbox").text
    task = _task(session, instance)
    r = client.post(f"/api/tasks/{task.id}/complete", json={"findings": "x", "people": "1"})
    assert r.status_code in (403, 409)
    r = client.post(f"/tasks/{task.id}", data={"findings": "x", "people": "1"})
    assert r.status_code in (403, 409)
    assert _task(session, instance).status == "suspended"
    auth.logout()
    auth.login("admin")
    client.post(f"/admin/instances/{instance}/resume")
    assert _task(session, instance).status == "open"
    r = client.post(f"/admin/instances/{instance}/terminate", data={"reason": ""})
    assert r.status_code == 400 and "终止流程须填写原因" in r.text
    r = client.post(f"/admin/instances/{instance}/terminate", data={"reason": "重复发起"})
    assert r.status_code == 302
    session.expire_all()
    assert engine.describe_instance(session, instance)["status"] == "terminated"
    assert _task(session, instance).status == "cancelled"
    page = client.get(f"/admin/instances/{instance}").text
    assert "重复发起" in page and "admin" in page and 'id="terminate"' not in page
    actions = session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "engine_process_instance", AuditEntry.entity_id == instance)).all()
    assert actions == ["process.suspend", "process.resume", "process.terminate"]
    r = client.post(f"/admin/instances/{instance}/resume")
    assert r.status_code == 409 and "已暂停或已终止" in r.text


def test_only_the_process_admin_controls_instances(client, auth, instance):
    auth.login("gc_pm")
    assert client.post(f"/admin/instances/{instance}/suspend").status_code == 403


def test_the_cli_suspends_and_a_message_waits_for_the_resume(app, session, instance):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["engine", "control", "suspend", str(instance)])
    assert result.exit_code == 0, result.output
    assert engine.deliver_message(session, "nothing_waits", "SR-9") == []
    session.commit()
    jobs = session.scalars(select(Job.status).where(Job.instance_id == instance)).all()
    assert "pending" not in jobs
    result = runner.invoke(args=["engine", "control", "resume", str(instance)])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert engine.describe_instance(session, instance)["status"] == "running"
