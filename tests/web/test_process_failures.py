"""No raw failure from a diagram (issue 12 item 1): a script after a user task that fails with
a plain Python error (here a TypeError) refuses the completion on every route with the element
and the reason, saves nothing, and is kept on the process admin's 异常 page."""

from pathlib import Path

import pytest
from sqlalchemy import select

import engine
from engine.models import Failure, HumanTask
from services.processes import deploy_diagram
from web.runtime import uow

DIAGRAM = Path(__file__).parent / "diagrams" / "failing_after_task.bpmn"


@pytest.fixture
def task_id(session):
    deploy_diagram(uow(), DIAGRAM.read_text(), by="test")
    engine.start_instance(session, "failing_after_task", data={"project_id": 1})
    session.commit()
    return session.scalar(select(HumanTask.id).where(HumanTask.bpmn_id == "count"))


def _still_open(session, task_id) -> bool:
    session.expire_all()
    return session.get(HumanTask, task_id).status == "open"


@pytest.mark.parametrize("route", ["page", "api"])
def test_a_failing_script_refuses_the_completion_and_is_recorded(client, auth, session, task_id,
                                                                 route):
    auth.login("gc_op")
    if route == "page":
        r = client.post(f"/tasks/{task_id}", data={"people": "3"})
        assert r.status_code == 409
        assert "split" in r.text and "本次操作未保存" in r.text and "TypeError" in r.text
    else:
        r = client.post(f"/api/tasks/{task_id}/complete", json={"people": "3"})
        assert r.status_code == 409 and r.json["reason"] == "process_failed"
        assert "split" in r.json["message"]
    assert _still_open(session, task_id)
    failure = session.scalar(select(Failure).order_by(Failure.id.desc()))
    assert failure.element_id == "split" and "TypeError" in failure.error
    assert failure.user == "gc_op"
    auth.logout()
    auth.login("admin")
    page = client.get("/admin/incidents").text
    assert "split" in page and "TypeError" in page


def test_the_refusal_is_in_english_too(client, auth, session, task_id):
    auth.login("gc_op")
    client.get("/lang/en")
    r = client.post(f"/api/tasks/{task_id}/complete", json={"people": "3"})
    assert r.status_code == 409 and "nothing was saved" in r.json["message"]


def test_a_multi_instance_without_its_collection_is_a_process_error_not_a_type_error(session):
    xml = (Path(__file__).parents[1] / "bpmn" / "diagrams" / "multi_instance.bpmn").read_text()
    deploy_diagram(uow(), xml, by="test")
    process_id = xml.split('process id="')[1].split('"')[0]
    with pytest.raises(engine.ProcessError) as err:
        engine.start_instance(session, process_id, data={})
    session.rollback()
    assert err.value.element_id


def test_deploying_the_newest_text_again_says_nothing_changed(client, auth):
    auth.login("admin")
    xml = DIAGRAM.read_text()
    r = client.post("/admin/processes/deploy", data={"xml": xml}, follow_redirects=True)
    assert "已部署 failing_after_task 第 1 版" in r.text
    r = client.post("/admin/processes/deploy", data={"xml": xml}, follow_redirects=True)
    assert "未改变" in r.text and "第 1 版" in r.text
