"""Migration of a running instance (issue 12 item 6) from the instance page (dry run, then the
move), the CLI and the REST API; audited as ``process.migrate``."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

import engine
from domain.model import AuditEntry
from services.processes import deploy_diagram
from web.runtime import uow

DIAGRAM = Path(__file__).parent / "diagrams" / "site_review.bpmn"
V1 = DIAGRAM.read_text()
V2 = V1.replace('name="填写检查记录"', 'name="填写检查记录（新版）"')
# Version 3 has no 填写检查记录: an instance waiting there cannot move to it.
GONE = re.sub(r'<bpmn:userTask id="report".*?</bpmn:userTask>', "", V1, flags=re.S).replace(
    '<bpmn:sequenceFlow id="f2" sourceRef="report" targetRef="approve_report" />', "").replace(
    'targetRef="report"', 'targetRef="approve_report"').replace(
    "<bpmn:flowNodeRef>report</bpmn:flowNodeRef>", "")  # fmt: skip


@pytest.fixture
def instance(session):
    deploy_diagram(uow(), V1, by="test")
    iid = engine.start_instance(session, "site_review", data={"project_id": 1, "area": "3号楼"})
    session.commit()
    return iid


def _definition(session, iid):
    session.expire_all()
    return engine.describe_instance(session, iid)["definition_id"]


def test_the_page_shows_the_dry_run_then_moves(client, auth, session, instance):
    deploy_diagram(uow(), V2, by="test")
    auth.login("admin")
    page = client.get(f"/admin/instances/{instance}").text
    assert 'id="migrate-dry-run"' in page and 'id="migrate-now"' not in page
    before = _definition(session, instance)
    r = client.post(f"/admin/instances/{instance}/migrate", data={"to_version": "2", "dry_run": "1"})
    assert r.status_code == 200 and 'class="migrate-move"' in r.text and 'id="migrate-now"' in r.text
    assert _definition(session, instance) == before  # a dry run changes nothing
    r = client.post(f"/admin/instances/{instance}/migrate",
                    data={"to_version": "2", "dry_run": "0", "reason": "改名"})  # fmt: skip
    assert r.status_code == 302 and _definition(session, instance) != before
    assert "填写检查记录（新版）" in client.get(f"/admin/instances/{instance}").text
    audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "process.migrate"))
    assert audit.entity_id == instance and '"to": 2' in audit.after
    r = client.post(f"/admin/instances/{instance}/migrate", data={"to_version": "x"})
    assert r.status_code == 400 and "请填写要迁移到的版本号" in r.text


def test_the_cli_dry_run_lists_what_cannot_move(app, session, instance):
    deploy_diagram(uow(), GONE, by="test")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["engine", "migrate", str(instance), "--to", "2", "--dry-run"])
    assert result.exit_code == 1 and "CANNOT   report (READY): not in version 2" in result.output
    result = runner.invoke(args=["engine", "migrate", str(instance), "--to", "2"])
    assert result.exit_code != 0 and "不能迁移到第 2 版" in result.output


def test_the_api_migrates_and_answers_409_when_refused(client, auth, session, instance):
    deploy_diagram(uow(), GONE, by="test")
    deploy_diagram(uow(), V2, by="test")
    auth.login("admin")
    r = client.post(f"/api/instances/{instance}/migrate", json={"to_version": 2, "dry_run": True})
    assert r.status_code == 200 and r.json["ok"] is False and r.json["blocked"][0]["bpmn_id"] == "report"
    assert client.post(f"/api/instances/{instance}/migrate", json={"to_version": 2}).status_code == 409
    r = client.post(f"/api/instances/{instance}/migrate", json={"to_version": 3})
    assert r.status_code == 200 and r.json["ok"] and r.json["moves"][0]["bpmn_id"] == "report"
    auth.logout()
    auth.login("gc_pm")
    assert client.post(f"/api/instances/{instance}/migrate", json={"to_version": 3}).status_code == 403
