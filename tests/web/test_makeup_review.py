"""补签: the window, a pay period already submitted, the review page, the reason to reject and
the real decider on every route that completes ``review_makeup`` (own page, generic, API)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from domain.clock import today_in_shanghai
from domain.model import Assignment, AuditEntry, Project, User
from domain.payroll.model import Compilation, WageBatch
from domain.signin.makeup import pay_month_of
from domain.signin.model import Attendance, MakeupRequest
from tests.login_helpers import log_in_directly
from web.extensions import db

TODAY = today_in_shanghai()


@pytest.fixture
def window(app):
    app.config["ZHUXIN_MAKEUP_WINDOW_DAYS"] = 31  # the default (tests/conftest.py widens it)
    return app


def client_of(app, username):
    client = app.test_client()
    log_in_directly(client, app, username)
    return client


def ask(app, day, reason="手机没电", lang=""):
    form = {"project_id": "1", "day": str(day), "reason": reason}
    return client_of(app, "w001").post("/signin/makeup" + lang, data=form)


def free_day(app) -> date:
    """A recent day without a sign-in of worker 1 (the demo signs most days in)."""
    with app.app_context():
        signed = set(db.session.scalars(select(Attendance.day).where(Attendance.person_id == 1)))
    return next(d for d in (TODAY - timedelta(days=n) for n in range(2, 30)) if d not in signed)


def test_a_day_outside_the_window_is_refused(window):
    r = ask(window, date(2025, 1, 15))
    assert r.status_code == 400 and "只能申请最近 31 天内的补签，2025-01-15 已超出期限" in r.text
    assert 'value="2025-01-15"' in r.text  # kept
    en = ask(window, TODAY - timedelta(days=40), lang="?lang=en")
    assert "only be asked for the last 31 days" in en.text
    page = client_of(window, "w001").get("/signin/makeup").text
    assert f'min="{TODAY - timedelta(days=31)}"' in page


def submit_the_table_of(app, day):
    """The pay-month table of worker 1's unit covering ``day``, as submitted."""
    with app.app_context():
        month = pay_month_of(day, db.session.get(Project, 1).settlement_day)
        unit_id = db.session.scalar(select(Assignment.unit_id).where(
            Assignment.person_id == 1, Assignment.project_id == 1))  # fmt: skip
        batch = db.session.scalar(select(WageBatch).where(WageBatch.project_id == 1,
                                                          WageBatch.pay_month == month))  # fmt: skip
        if batch is None:
            batch = WageBatch(batch_no=f"T{month}", project_id=1, pay_month=month, sequence=9,
                              period_start=day, period_end=day)  # fmt: skip
            db.session.add(batch)
            db.session.flush()
        table = db.session.scalar(select(Compilation).where(Compilation.batch_id == batch.id,
                                                            Compilation.unit_id == unit_id))  # fmt: skip
        if table is None:
            table = Compilation(batch_id=batch.id, unit_id=unit_id)
            db.session.add(table)
        table.state = "submitted"
        db.session.commit()


def test_a_day_of_a_submitted_table_is_refused(window):
    day = free_day(window)
    submit_the_table_of(window, day)
    r = ask(window, day)
    assert r.status_code == 409 and "工资表已提交或已发放，不能再补签" in r.text
    with window.app_context():
        assert db.session.scalar(select(MakeupRequest.id)) is None


def open_review(app):
    gc = client_of(app, "gc_pm")
    (task,) = [t for t in gc.get("/api/tasks").json["tasks"] if t["bpmn_id"] == "review_makeup"]
    return gc, task["id"]


def decided(app):
    with app.app_context():
        req = db.session.scalar(select(MakeupRequest))
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "signin.makeup_decide"))  # fmt: skip
        gc_pm = db.session.scalar(select(User.id).where(User.username == "gc_pm"))
        return req, entry, gc_pm


def test_the_review_page_shows_who_when_why_and_the_days_around(window):
    day = free_day(window)
    assert ask(window, day, "手机没电，未能扫码").status_code == 302
    gc, task_id = open_review(window)
    inbox = gc.get("/inbox").text
    assert f"/signin/makeup/tasks/{task_id}" in inbox  # the inbox links to the task's own page
    page = gc.get(f"/signin/makeup/tasks/{task_id}").text
    assert "补签申请 · " in page and "流程实例" not in page and "review_makeup" not in page
    assert '<dd id="makeup-reason">手机没电，未能扫码</dd>' in page
    assert f"<strong>{day}</strong>" in page and 'id="makeup-unit">' in page
    assert page.count("<tr") == 1 + 7 and '<tr class="asked">' in page
    assert 'class="worker-photo"' in page
    assert (
        "Sign-ins three days either side" in gc.get(f"/signin/makeup/tasks/{task_id}?lang=en").text
    )


ROUTES = {
    "page": lambda gc, t, form: gc.post(f"/signin/makeup/tasks/{t}", data=form),
    "generic": lambda gc, t, form: gc.post(f"/tasks/{t}", data=form),
    "api": lambda gc, t, form: gc.post(f"/api/tasks/{t}/complete", json=form),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_reject_needs_a_reason_and_the_decider_is_recorded(window, route):
    assert ask(window, free_day(window)).status_code == 302
    gc, task_id = open_review(window)
    refused = ROUTES[route](gc, task_id, {"decision": "reject", "comment": " "})
    assert refused.status_code == 400
    assert "驳回补签申请时须填写原因" in (
        refused.text if route != "api" else refused.json["message"]
    )
    req, entry, _ = decided(window)
    assert req.state == "pending" and entry is None
    done = ROUTES[route](gc, task_id, {"decision": "reject", "comment": "当天未到场"})
    assert done.status_code in (200, 302)
    req, entry, gc_pm = decided(window)
    assert (req.state, req.decision_note, req.decided_by) == ("rejected", "当天未到场", gc_pm)
    assert entry.actor_user_id == gc_pm and entry.project_id == 1


def test_an_approval_on_the_api_adds_the_day_as_the_reviewers(window):
    day = free_day(window)
    assert ask(window, day).status_code == 302
    gc, task_id = open_review(window)
    assert gc.post(f"/api/tasks/{task_id}/complete", json={"decision": "approve"}).json["ok"]
    req, entry, gc_pm = decided(window)
    assert (req.state, req.decided_by, entry.actor_user_id) == ("approved", gc_pm, gc_pm)
    with window.app_context():
        row = db.session.scalar(select(Attendance).where(Attendance.makeup_request_id == req.id))
        assert row.day == day and row.makeup


def test_an_approval_after_the_table_was_submitted_is_refused(window):
    day = free_day(window)
    assert ask(window, day).status_code == 302
    submit_the_table_of(window, day)
    gc, task_id = open_review(window)
    r = gc.post(f"/api/tasks/{task_id}/complete", json={"decision": "approve"})
    assert r.status_code == 409 and r.json["reason"] == "makeup_period_closed"
    req, entry, _ = decided(window)
    assert req.state == "pending" and entry is None
    done = gc.post(
        f"/api/tasks/{task_id}/complete", json={"decision": "reject", "comment": "已发放"}
    )
    assert done.json["ok"] and decided(window)[0].state == "rejected"
