"""The sign-in pages changed by issue 13 in Chromium at 390 px and 1366 px: the worker's scan
page before he scans (the hours, 今日已签到 07:12, the button green only when he can sign in),
项目班前签到定位调整 (one field, the 仍然保存 step) and 审核补签申请 (worker, day, reason, the days
around). Screenshots in test-output/e2e/signin13_*.png."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from domain.clock import today_in_shanghai
from domain.model import Assignment
from domain.signin.hours import clock_label
from domain.signin.model import Attendance
from tests.e2e.conftest import PHONE, SHOTS
from tests.e2e.test_payroll_browser import as_user
from tests.login_helpers import log_in_directly
from tests.retention_helpers import deleting_allowed
from tests.web.test_scan_page import not_signed_today
from web.extensions import db

pytestmark = pytest.mark.e2e
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
SIZES = (("390", PHONE), ("1366", DESKTOP))


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"signin13_{name}.png"), full_page=True)


def sign_in_now(app) -> datetime:
    at = datetime.now(UTC).replace(microsecond=0)
    with app.app_context():
        unit = db.session.scalar(select(Assignment.unit_id).where(
            Assignment.person_id == 1, Assignment.project_id == 1))  # fmt: skip
        db.session.add(Attendance(project_id=1, unit_id=unit, person_id=1, day=today_in_shanghai(),
                                  signed_at=at.replace(tzinfo=None), method="worker_scan"))  # fmt: skip
        db.session.commit()
    return at


def test_scan_page_says_the_hours_and_todays_sign_in(app, live_server, launch, open_all_day):
    lat, lng = open_all_day
    not_signed_today(app)
    browser = launch()
    where = {"geolocation": {"latitude": lat, "longitude": lng, "accuracy": 10},
             "permissions": ["geolocation"]}  # fmt: skip
    for size, context in SIZES:
        page = as_user(browser, live_server, "w001", **context, **where)
        page.goto(f"{live_server}/signin/scan")
        expect(page.locator("#signin-button.ready")).to_be_enabled()
        expect(page.locator("#sites li.inside")).to_contain_text("签到时间 00:00–24:00")
        shot(page, f"scan_ready_{size}")
    at = sign_in_now(app)
    for size, context in SIZES:
        page = as_user(browser, live_server, "w001", **context, **where)
        page.goto(f"{live_server}/signin/scan")
        expect(page.locator("#sites li.signed")).to_contain_text(f"今日已签到 {clock_label(at)}")
        page.wait_for_timeout(800)  # the ranges answer came back: still grey
        expect(page.locator("#signin-button")).to_be_disabled()
        assert "ready" not in (page.locator("#signin-button").get_attribute("class") or "")
        expect(page.locator("#sites li.signed")).to_contain_text(f"今日已签到 {clock_label(at)}")
        shot(page, f"scan_signed_{size}")


def test_point_page_takes_amap_input_and_asks_before_a_far_move(app, live_server, launch):
    browser = launch()
    for size, context in SIZES:
        page = as_user(browser, live_server, "gc_pm", **context)
        page.goto(f"{live_server}/projects/1/signin/point")
        page.fill("input[name=point]", "https://uri.amap.com/marker?position=116.397128,39.916527")
        page.click("main form button[type=submit]")
        expect(page.locator(".flash-error")).to_contain_text("不在上海市范围内")
        assert page.locator("input[name=point]").input_value().endswith("116.397128,39.916527")
        assert page.locator("input[name=end]").get_attribute("type") == "time"
        shot(page, f"point_confirm_{size}")
        page.fill("input[name=point]", "31.189384，121.46558")  # latitude first, full-width comma
        page.click("main form button[type=submit]")
        expect(page.locator("#typed")).to_have_text("121.465580, 31.189384")
        expect(page.locator("main")).to_contain_text("输入的是“纬度,经度”")
        shot(page, f"point_saved_{size}")


def test_makeup_review_shows_worker_day_reason_and_days_around(app, live_server, launch):
    day = today_in_shanghai() - timedelta(days=3)
    with app.app_context():
        with deleting_allowed(db.session):
            db.session.execute(delete(Attendance).where(
                Attendance.person_id == 1, Attendance.day == day))  # fmt: skip
        db.session.commit()
    worker = app.test_client()
    log_in_directly(worker, app, "w001")
    r = worker.post("/signin/makeup", data={"project_id": "1", "day": str(day),
                                            "reason": "手机没电，未能扫码"})  # fmt: skip
    assert r.status_code == 302, r.text[:400]
    browser = launch()
    for size, context in SIZES:
        page = as_user(browser, live_server, "gc_pm", **context)
        page.goto(f"{live_server}/inbox")
        page.click("a[href^='/signin/makeup/tasks/'] >> nth=0")
        expect(page.locator("#makeup-reason")).to_have_text("手机没电，未能扫码")
        expect(page.locator("#makeup-day")).to_have_text(str(day))
        expect(page.locator("#makeup-around tr.asked")).to_contain_text("申请补签")
        assert page.locator("#makeup-around tbody tr").count() == 7
        assert "流程实例" not in page.locator("main").text_content()
        shot(page, f"makeup_review_{size}")
    page.click("button[value=reject]")
    expect(page.locator(".flash-error")).to_contain_text("驳回补签申请时须填写原因")
    page.fill("textarea[name=comment]", "当天未到场")
    page.click("button[value=reject]")
    expect(page.locator(".flash-success")).to_contain_text("补签审核结果已保存")
