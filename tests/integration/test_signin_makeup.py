"""补签 end to end: the worker's request, the BPMN routes it to the GC manager, the decision's
service task adds an attendance record marked as make-up, visible in every list."""

from datetime import datetime, timedelta

from sqlalchemy import select

import engine
from domain.access import load_actor
from domain.clock import SHANGHAI
from domain.model import User
from domain.signin import queries
from domain.signin.model import Attendance, MakeupRequest
from services import tasks
from services.processes import run_due_jobs
from services.tasks import engine_grants
from tests.web.test_route_access import _login_as
from web.runtime import uow


def actor(session, username):
    return load_actor(session, session.scalar(select(User).where(User.username == username)))


def decide(session, approved: bool, comment: str):
    gc_pm = actor(session, "gc_pm")
    (item,) = [
        i for i in engine.list_inbox(session, engine_grants(gc_pm)) if i.bpmn_id == "review_makeup"
    ]
    assert item.project_id == 1
    tasks.complete_task(uow(), gc_pm, item.id, {"approved": approved, "comment": comment},
                        route=tasks.PAGE)  # fmt: skip
    while run_due_jobs(uow()):
        pass


def test_makeup_request_approved_and_rejected(app, session):
    client = app.test_client()
    _login_as(client, app, "w001")
    day = datetime.now(SHANGHAI).date() - timedelta(days=60)  # before the demo's month
    r = client.post("/signin/makeup", data={"project_id": 1, "day": day, "reason": "手机没电"})
    assert r.status_code == 302
    req = session.scalar(select(MakeupRequest))
    assert (req.state, req.person_id, req.process_instance_id is not None) == ("pending", 1, True)
    again = client.post("/signin/makeup", data={"project_id": 1, "day": day, "reason": "再次"})
    assert "正在审核中" in again.text and session.scalar(select(MakeupRequest.id).offset(1)) is None

    decide(session, True, "情况属实")
    session.expire_all()
    row = session.scalar(select(Attendance).where(Attendance.makeup_request_id == req.id))
    assert (row.method, row.makeup, row.day, row.person_id) == ("makeup", True, day, 1)
    assert session.get(MakeupRequest, req.id).state == "approved"
    cal = queries.my_calendar(session, actor(session, "w001"), day.year, day.month)
    assert cal.makeup_days == 1
    q = queries.AttendanceQuery(day_from=day, day_to=day)
    (listed,) = queries.list_attendance(session, actor(session, "gc_pm"), 1, q)
    assert listed.makeup
    page = client.get(f"/signin/my?month={day:%Y-%m}").text
    assert "其中补签 1 天" in page
    gc = app.test_client()
    gc.post("/login", data={"account": "gc_pm", "password": "zhuxin2026"})
    listed_page = gc.get(f"/projects/1/signin/attendance?from={day}&to={day}")
    assert '<mark class="makeup">补签</mark>' in listed_page.text, listed_page.text[-800:]

    client.post("/login", data={"account": "w001", "password": "zhuxin2026"})
    other = day - timedelta(days=1)
    r = client.post("/signin/makeup", data={"project_id": 1, "day": other, "reason": "忘记签到"})
    assert r.status_code == 302, r.text[-1500:]
    decide(session, False, "无依据")
    session.expire_all()
    assert session.scalar(select(Attendance).where(Attendance.day == other)) is None
    assert "已驳回" in client.get("/signin/makeup").text
