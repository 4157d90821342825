"""The settlement-day reminder (issue 5 item 2): on a project's settlement day the scheduler step
puts ONE ``create_batch_number`` task (bpmn/settlement_reminder.bpmn) in the GC manager's inbox
— however often it runs — and nobody else's; creating the month's batch number completes it,
and it can be dismissed.  Nothing is created silently."""

from datetime import date

import pytest
from sqlalchemy import select

import engine
from domain.access import load_actor
from domain.model import Project, User
from domain.payroll.model import WageBatch
from services.tasks import engine_grants

DAY = date(2026, 11, 25)  # settlement day 25: the 2026-11 table covers 26 Oct – 25 Nov
KEY = "REMIND-SH2026001-2026-11"
EVERY_LOGIN = ("gc_pm", "gc_op", "suba_pm", "suba_op", "subb_pm", "subb_op", "gc_ent", "admin",
               "w001")  # fmt: skip


@pytest.fixture
def due(app):
    """Project 1 settles on the 25th; returns ``run_step()`` (the scheduler step on DAY)."""
    from services.payroll import remind_settlement_day
    from web.extensions import db
    from web.runtime import uow, wiring

    assert "payroll.settlement_reminders" in wiring(app).scheduled_steps
    with app.app_context():
        db.session.get(Project, 1).settlement_day = 25
        db.session.commit()

    def run_step(today=DAY):
        with app.app_context():
            made = remind_settlement_day(uow(), today)
            db.session.remove()
            return made

    return run_step


def reminders_of(app, username):
    from web.extensions import db

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        items = engine.list_inbox(db.session, engine_grants(load_actor(db.session, user)),
                                  process_id="settlement_reminder")  # fmt: skip
        db.session.remove()
        return items


def instances(app):
    from web.extensions import db

    with app.app_context():
        rows = engine.list_instances(db.session, process_id="settlement_reminder")
        out = [(r.business_key, r.status) for r in rows]
        db.session.remove()
        return out


def test_step_twice_gives_one_inbox_item_for_the_gc_manager_only(app, due, client, auth):
    assert due(date(2026, 11, 24)) == 0  # not the settlement day
    assert due() == 1
    assert due() == 0  # the same day again: the business key exists
    assert instances(app) == [(KEY, "running")]
    for who in EVERY_LOGIN:
        items = reminders_of(app, who)
        if who == "gc_pm":
            assert [(i.bpmn_id, i.business_key, i.project_id) for i in items] == [
                ("create_batch_number", KEY, 1)
            ]
        else:
            assert items == [], who
    auth.login("gc_pm")
    (item,) = reminders_of(app, "gc_pm")
    assert f"/payroll/reminders/{item.id}" in client.get("/inbox").text
    assert f"/payroll/reminders/{item.id}" in client.get("/projects/1/payroll/compile").text
    page = client.get(f"/payroll/reminders/{item.id}").text
    assert "2026年11月" in page or "2026-11" in page
    assert "2026-10-26 ~ 2026-11-25" in page and "新增银行交换批次号" in page
    auth.logout()
    auth.login("gc_op")
    assert client.get(f"/payroll/reminders/{item.id}").status_code == 403
    assert "/payroll/reminders/" not in client.get("/inbox").text


def test_creating_the_batch_number_completes_the_reminder(app, due, client, auth):
    from web.extensions import db

    due()
    (item,) = reminders_of(app, "gc_pm")
    auth.login("gc_pm")
    r = client.post("/projects/1/payroll/batches", data={"month": "2026-11"})
    assert r.status_code == 302, r.text[:300]
    assert reminders_of(app, "gc_pm") == []
    assert instances(app) == [(KEY, "completed")]
    with app.app_context():
        batch = db.session.scalar(select(WageBatch).where(WageBatch.project_id == 1))
        assert batch.pay_month == "2026-11" and batch.instance_id
        db.session.remove()
    assert due() == 0  # the month has its batch number now


def test_dismissing_the_reminder_creates_nothing(app, due, client, auth):
    from web.extensions import db

    due()
    (item,) = reminders_of(app, "gc_pm")
    auth.login("gc_pm")
    r = client.post(f"/payroll/reminders/{item.id}")
    assert r.status_code == 302
    assert reminders_of(app, "gc_pm") == [] and instances(app) == [(KEY, "completed")]
    with app.app_context():
        assert db.session.scalar(select(WageBatch.id)) is None
        db.session.remove()
    assert due() == 0  # dismissed for this month: not started again
