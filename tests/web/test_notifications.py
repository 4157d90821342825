"""Notifications (消息): each trigger through the real service that causes it, the delivery step
and its SMS driver, the 消息 page with mark-read (never another user's message), the header."""

import io
import json
import re

import pytest
from sqlalchemy import func, select

from domain.model import User
from domain.notifications import SMS_MAX_ATTEMPTS, Notification, SmsFailed
from domain.payroll.batches import month_choices
from domain.payroll.model import Compilation, WageBatch, WageLineRow
from services.pki import DEMO_ENTERPRISE_PASSWORD
from tests.login_helpers import log_in_directly
from tests.web.payroll_helpers import (
    FakeBank,
    bound_connectors,
    confirm_lines,
    drain,
    drive_to_enterprise_signing,
)

P = "/projects/1/payroll"


def ok(r):
    assert r.status_code == 302, r.text[:500]
    return r


def messages_of(app, username, kind=None):
    from web.extensions import db

    with app.app_context():
        uid = db.session.scalar(select(User.id).where(User.username == username))
        stmt = select(Notification).where(Notification.user_id == uid)
        if kind:
            stmt = stmt.where(Notification.kind == kind)
        rows = list(db.session.scalars(stmt.order_by(Notification.id)))
        db.session.expunge_all()
        return rows


def deliver(app):
    from services.notifications import deliver as run
    from web.extensions import db
    from web.runtime import uow

    with app.app_context():
        done = run(uow())
        db.session.remove()
        return done


def batch_and_compiled(app, client, unit=2, who="suba_op"):
    """A batch of the month; the unit's table compiled. → (batch id, compilation id)."""
    from web.extensions import db

    log_in_directly(client, app, "gc_pm")
    ok(client.post(f"{P}/settlement", data={"day": "25"}))
    month = month_choices(type("P", (), {"settlement_day": 25})())[0][0]
    ok(client.post(f"{P}/batches", data={"month": month}))
    with app.app_context():
        batch_id = db.session.scalar(select(WageBatch.id).order_by(WageBatch.id.desc()))
        comp_id = db.session.scalar(select(Compilation.id).where(
            Compilation.batch_id == batch_id, Compilation.unit_id == unit))  # fmt: skip
    log_in_directly(client, app, who)
    ok(client.post(f"{P}/compilations/new", data={"compilation_id": comp_id}))
    return batch_id, comp_id


def test_a_task_arriving_tells_its_role_holders_once(payroll_app, client):
    app = payroll_app
    batch_and_compiled(app, client)
    assert messages_of(app, "suba_op", "task_arrived") == []  # told by the delivery step
    done = deliver(app)
    assert done["tasks"] >= 3
    for who in ("gc_op", "suba_op", "subb_op"):
        (msg,) = messages_of(app, who, "task_arrived")
        assert "工资支付表" in msg.text("zh") and msg.text("en").startswith("New task")
        assert msg.link()["endpoint"] == "task"
    # The GC manager stands in for the GC operator only when nobody holds that role.
    assert messages_of(app, "gc_pm", "task_arrived") == []
    assert deliver(app)["tasks"] == 0  # run twice: nobody is told twice
    assert len(messages_of(app, "suba_op", "task_arrived")) == 1
    log_in_directly(client, app, "suba_op")
    page = client.get("/messages").text
    link = re.search(r'name="next" value="([^"]+)"', page).group(1)
    assert link.startswith("/payroll/tasks/") or link.startswith("/tasks/")
    assert client.get(link, follow_redirects=True).status_code == 200


def test_a_returned_table_tells_its_compiler_with_the_reason(payroll_app, client):
    app = payroll_app
    _, comp = batch_and_compiled(app, client)
    confirm_lines(app, comp)
    ok(client.post(f"{P}/compilations/{comp}/submit"))
    log_in_directly(client, app, "suba_pm")
    ok(client.post(f"{P}/compilations/{comp}/review",
                   data={"decision": "reject", "reason": "扣款无原因"}))  # fmt: skip
    (msg,) = messages_of(app, "suba_op", "table_returned")
    assert "扣款无原因" in msg.text("zh") and "returned" in msg.text("en")
    assert msg.link() == {"endpoint": "payroll.compilation",
                          "args": {"project_id": 1, "compilation_id": comp}}  # fmt: skip
    assert messages_of(app, "suba_pm", "table_returned") == []  # who returned it is not told
    assert messages_of(app, "subb_op", "table_returned") == []  # another unit's compiler


def test_a_refused_return_tells_nobody(payroll_app, client):
    app = payroll_app
    _, comp = batch_and_compiled(app, client)
    confirm_lines(app, comp)
    ok(client.post(f"{P}/compilations/{comp}/submit"))
    log_in_directly(client, app, "suba_pm")
    r = client.post(f"{P}/compilations/{comp}/review", data={"decision": "reject", "reason": ""})
    assert r.status_code in (400, 409)
    assert messages_of(app, "suba_op", "table_returned") == []


def _worker_of_line(app, comp):
    from web.extensions import db

    with app.app_context():
        line = db.session.scalar(select(WageLineRow).where(WageLineRow.compilation_id == comp)
                                 .order_by(WageLineRow.id))  # fmt: skip
        user = db.session.scalar(select(User.username).where(User.person_id == line.person_id))
        return line.id, user


def test_a_dispute_tells_the_compiler_and_managers_and_its_answer_tells_the_worker(
    payroll_app, client
):
    app = payroll_app
    _, comp = batch_and_compiled(app, client)
    line_id, worker = _worker_of_line(app, comp)
    log_in_directly(client, app, worker)
    ok(client.post(f"/my/wages/{line_id}", data={"decision": "dispute", "comment": "少算两天"}))
    for who in ("suba_op", "suba_pm", "gc_pm"):
        (msg,) = messages_of(app, who, "dispute_raised")
        assert "少算两天" in msg.text("zh")
    for who in ("subb_op", "subb_pm", "gc_op"):
        assert messages_of(app, who, "dispute_raised") == []
    log_in_directly(client, app, "suba_op")
    ok(client.post(f"{P}/lines/{line_id}/resolve", data={"resolution": "已补记两天"}))
    (msg,) = messages_of(app, worker, "dispute_resolved")
    assert "已补记两天" in msg.text("zh") and msg.link()["endpoint"] == "payroll.my_wages"


def test_paid_and_returned_wages_tell_each_worker_and_sms_goes_through_the_driver(
    payroll_app, client, auth, tmp_path
):
    app = payroll_app
    bank = FakeBank()
    bound_connectors(app).bank_client = bank
    month = month_choices(type("P", (), {"settlement_day": 25})())[0][0]
    batch_id = drive_to_enterprise_signing(app, client, auth, month)
    from web.extensions import db

    with app.app_context():
        lines = list(db.session.scalars(select(WageLineRow).where(WageLineRow.batch_id == batch_id)
                                        .order_by(WageLineRow.id)))  # fmt: skip
        users = dict(db.session.execute(select(User.person_id, User.username)).tuples().all())
        db.session.expunge_all()
    rejected = lines[0]
    bank.reject = {f"WL{rejected.id}-1"}
    auth.logout()
    ok(auth.login("gc_ent"))
    p12 = (tmp_path / "pki" / "enterprise_demo.p12").read_bytes()
    ok(client.post(f"/enterprise/batches/{batch_id}/sign", data={
        "p12": (io.BytesIO(p12), "enterprise.p12"), "password": DEMO_ENTERPRISE_PASSWORD},
        content_type="multipart/form-data"))  # fmt: skip
    drain(app)
    (back,) = messages_of(app, users[rejected.person_id], "wage_returned")
    assert "账户已销户" in back.text("zh") and f"{rejected.net:.2f}" in back.text("zh")
    paid_worker = users[lines[1].person_id]
    (paid,) = messages_of(app, paid_worker, "wage_paid")
    assert f"{lines[1].net:.2f}" in paid.text("zh")
    assert messages_of(app, paid_worker, "wage_returned") == []

    driver = app.extensions["zhuxin"].sms
    done = deliver(app)
    assert done["sms_sent"] >= 2 and done["sms_failed"] == 0
    sent_texts = [text for _, text in driver.sent]
    assert back.text("zh") in sent_texts and paid.text("zh") in sent_texts
    assert messages_of(app, paid_worker, "wage_paid")[0].sms_state == "sent"
    assert deliver(app)["sms_sent"] == 0  # sent once


class BrokenSms:
    def send(self, phone, text):
        raise SmsFailed("gateway unreachable")


def test_a_failing_driver_records_attempts_and_gives_up(payroll_app, client):
    app = payroll_app
    batch_and_compiled(app, client)
    app.extensions["zhuxin"].sms = BrokenSms()
    for _ in range(SMS_MAX_ATTEMPTS):
        deliver(app)
    (msg,) = messages_of(app, "suba_op", "task_arrived")
    assert (msg.sms_state, msg.sms_attempts) == ("failed", SMS_MAX_ATTEMPTS)
    assert "gateway unreachable" in msg.sms_error
    assert msg.read_at is None  # the in-app message stays


def test_the_notify_send_command(payroll_app, client):
    app = payroll_app
    batch_and_compiled(app, client)
    result = app.test_cli_runner().invoke(args=["zhuxin", "notify-send"])
    assert result.exit_code == 0, result.output
    assert re.search(r"tasks told: [1-9]", result.output) and "SMS sent: " in result.output


def _post_messages(app, username, n):
    from domain import notifications as outbox
    from web.extensions import db

    with app.app_context():
        uid = db.session.scalar(select(User.id).where(User.username == username))
        for i in range(n):
            outbox.post(db.session, uid, "task_arrived", {"task": f"任务{i}"}, dedupe_key=f"t{i}")
        db.session.commit()
        return uid


def test_the_messages_page_pages_marks_read_and_the_header_counts(app, client):
    _post_messages(app, "suba_op", 25)
    log_in_directly(client, app, "suba_op")
    page = client.get("/messages").text
    assert "任务24" in page and "任务4" not in page and "第 1 / 2 页" in page
    assert re.search(r'id="header-messages"[^>]*>消息<span class="count on">25<', page)
    second = client.get("/messages?page=2").text
    assert "任务4" in second and "任务24" not in second
    first = messages_of(app, "suba_op")[0]
    ok(client.post(f"/messages/{first.id}/read"))
    assert messages_of(app, "suba_op")[0].read_at is not None
    assert ">24<" in client.get("/messages").text
    assert "任务0" not in client.get("/messages?unread=1&page=2").text
    ok(client.post("/messages/read-all"))
    assert all(m.read_at for m in messages_of(app, "suba_op"))
    assert re.search(r'id="header-messages"[^>]*>消息<span class="count">0<', client.get("/").text)


def test_nobody_sees_or_marks_another_users_messages(app, client):
    _post_messages(app, "suba_op", 2)
    theirs = messages_of(app, "suba_op")[0]
    log_in_directly(client, app, "subb_op")
    assert "任务0" not in client.get("/messages").text
    r = client.post(f"/messages/{theirs.id}/read")
    assert r.status_code == 404
    assert client.post("/messages/999999/read").status_code == 404
    ok(client.post("/messages/read-all"))
    assert messages_of(app, "suba_op")[0].read_at is None


def test_mark_read_needs_the_csrf_token(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    _post_messages(app, "suba_op", 1)
    log_in_directly(client, app, "suba_op")
    mine = messages_of(app, "suba_op")[0]
    assert client.post(f"/messages/{mine.id}/read").status_code == 400
    assert messages_of(app, "suba_op")[0].read_at is None


def test_the_header_counts_open_tasks_in_one_query(payroll_app, client):
    from sqlalchemy import event

    from web.extensions import db

    app = payroll_app
    batch_and_compiled(app, client, unit=2, who="suba_op")
    log_in_directly(client, app, "subb_op")
    with app.app_context():
        engine = db.engine
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    page = client.get("/messages").text
    event.remove(engine, "before_cursor_execute", seen)
    assert re.search(r'id="header-tasks"[^>]*>待办<span class="count on">1<', page)
    counting = [s for s in statements if "engine_human_task" in s and "notification" in s]
    assert len(counting) == 1


def test_the_messages_page_in_english(app, client):
    _post_messages(app, "suba_op", 1)
    log_in_directly(client, app, "suba_op")
    page = client.get("/messages?lang=en").text
    assert "New task: 任务0" in page and "Mark all read" in page and "Messages" in page


def test_anonymous_pages_run_no_count(app, client):
    assert client.get("/login").status_code == 200
    assert client.get("/messages").status_code == 302


def test_json_params_keep_chinese(app):
    _post_messages(app, "suba_op", 1)
    from web.extensions import db

    with app.app_context():
        raw = db.session.scalar(select(Notification.params).limit(1))
        assert json.loads(raw) == {"task": "任务0"} and "任务0" in raw
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 1


def test_the_delivery_step_is_scheduled_and_the_driver_configured(app, caplog):
    import logging

    from connectors import sms

    wired = app.extensions["zhuxin"]
    assert wired.scheduled_steps["notify.deliver"].seconds == 30
    assert isinstance(wired.sms, sms.LogSmsDriver)
    with pytest.raises(ValueError, match="unknown SMS driver"):
        sms.driver_for({"ZHUXIN_SMS_DRIVER": "aliyun"})
    with caplog.at_level(logging.INFO, logger="zhuxin.sms"):
        sms.LogSmsDriver().send("13800000004", "新的待办：总包审核")
    assert "138****0004" in caplog.text and "13800000004" not in caplog.text
    with pytest.raises(SmsFailed):
        sms.LogSmsDriver().send("", "x")
