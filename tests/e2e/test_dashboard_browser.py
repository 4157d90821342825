"""预警 and 消息 in Chromium at 390 px and 1366 px: the GC manager's warnings, each with its link;
the header's counts; the messages page, marking one read (CSRF on) and then all.  Screenshots in
test-output/e2e to be looked at."""

import pytest
from sqlalchemy import select

from tests.e2e.conftest import PHONE, SHOTS

pytestmark = pytest.mark.e2e
WIDE = {"viewport": {"width": 1366, "height": 900}}


def log_in(page, base, who):
    page.goto(f"{base}/login")
    page.fill("input[name=account]", who)
    page.fill("input[name=password]", "zhuxin2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def messages_for(app, username, n=3):
    from domain import notifications as outbox
    from domain.model import User
    from domain.notifications import Target
    from web.extensions import db

    texts = ["工资支付表编制", "总包审核", "处理工资异议"]
    with app.app_context():
        uid = db.session.scalar(select(User.id).where(User.username == username))
        for i in range(n):
            outbox.post(db.session, uid, "task_arrived", {"task": texts[i % 3]},
                        dedupe_key=f"e2e:{i}")  # fmt: skip
        outbox.post(db.session, uid, "table_returned",
                    {"unit": "上海恒固劳务有限公司", "month": "2026-11", "reason": "扣款无原因，请补充说明"},
                    dedupe_key="e2e:returned",
                    target=Target("payroll.compile_index", {"project_id": 1}))  # fmt: skip
        db.session.commit()


@pytest.mark.parametrize("size", ["phone", "wide"])
def test_warnings_and_messages_pages(app, live_server, launch, size):
    app.config["WTF_CSRF_ENABLED"] = True
    messages_for(app, "gc_pm")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = launch().new_page(**(PHONE if size == "phone" else WIDE))
    log_in(page, live_server, "gc_pm")

    page.goto(f"{live_server}/warnings")
    rows = page.locator("tr.warn-row")
    assert rows.count() >= 1
    assert page.locator('tr[data-kind="no_settlement_day"] a.warn-act').count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(SHOTS / f"warnings_{size}.png"), full_page=True)
    page.locator('tr[data-kind="no_settlement_day"] a.warn-act').click()
    page.wait_for_url(f"{live_server}/projects/1/payroll/settlement")

    page.goto(f"{live_server}/projects/1")
    assert page.locator("#home-warnings .warn-chip").count() == 3
    assert page.locator("#header-messages .count").inner_text() == "4"

    page.goto(f"{live_server}/messages")
    assert page.locator("li.message.unread").count() == 4
    page.screenshot(path=str(SHOTS / f"messages_{size}.png"), full_page=True)
    assert page.locator("li.message .message-actions button", has_text="去处理").count() == 1
    page.locator("li.message.unread button.mark-read").first.click()
    page.wait_for_load_state()
    assert page.locator("li.message.unread").count() == 3
    assert page.locator("#header-messages .count").inner_text() == "3"
    page.click("#read-all")
    page.wait_for_load_state()
    assert page.locator("li.message.unread").count() == 0
    assert page.locator("#header-messages .count").inner_text() == "0"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(SHOTS / f"messages_read_{size}.png"), full_page=True)
    page.locator("li.message .message-actions button", has_text="去处理").click()
    page.wait_for_url(f"{live_server}/projects/1/payroll/compile")
