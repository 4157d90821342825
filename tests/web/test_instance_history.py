"""The instance's history (issue 12 item 6): every task completed or cancelled, by whom, when,
the data it changed with personal data masked; its waiting events and incidents — on the
instance page and in the API."""

from pathlib import Path

import pytest

import engine
from engine.history import instance_history
from services.processes import deploy_diagram
from web.runtime import uow

DIAGRAM = Path(__file__).parent / "diagrams" / "site_review.bpmn"
ID_NUMBER = "310101199001011234"


@pytest.fixture
def instance(session):
    deploy_diagram(uow(), DIAGRAM.read_text(), by="test")
    iid = engine.start_instance(session, "site_review", data={"project_id": 1, "area": "3号楼"})
    session.commit()
    return iid


def _complete(session, iid, bpmn_id, data, user):
    [item] = [i for i in engine.list_inbox(session, [engine.Grant("gc_operator"),
                                                     engine.Grant("gc_manager")])
              if i.instance_id == iid and i.bpmn_id == bpmn_id]  # fmt: skip
    engine.complete_task(session, item.id, data, user=user,
                         grants=[engine.Grant("gc_operator"), engine.Grant("gc_manager")])  # fmt: skip
    session.commit()


def test_every_finished_task_with_who_when_and_what_it_changed(session, instance):
    _complete(session, instance, "report", {"findings": "ok", "people": 3,
                                            "worker_id_number": ID_NUMBER}, "gc_op")  # fmt: skip
    rows = instance_history(session, instance)
    assert [r["bpmn_id"] for r in rows] == ["start", "report"]
    report = rows[-1]
    assert report["by"] == "gc_op" and report["outcome"] == "completed"
    assert report["changes"]["set"] == {"findings": "ok", "people": 3,
                                        "worker_id_number": ID_NUMBER}  # fmt: skip
    assert rows[0]["by"] is None  # the engine's own step


def test_the_page_and_the_api_show_it_masked(client, auth, session, instance):
    _complete(session, instance, "report", {"findings": "ok", "people": 3,
                                            "worker_id_number": ID_NUMBER}, "gc_op")  # fmt: skip
    engine.terminate_instance(session, instance, by="admin", reason="测试")
    session.commit()
    auth.login("admin")
    page = client.get(f"/admin/instances/{instance}").text
    assert 'class="task-history"' in page and "gc_op" in page
    assert ID_NUMBER not in page and "3101" in page  # masked
    assert "3号楼" in page  # the data as text, Chinese as itself (no \\u escapes)
    assert 'id="waiting"' in page and 'id="instance-incidents"' in page
    shown = client.get(f"/api/instances/{instance}").json
    report = [h for h in shown["task_history"] if h["bpmn_id"] == "report"][0]
    assert report["by"] == "gc_op" and ID_NUMBER not in str(report["changes"])

