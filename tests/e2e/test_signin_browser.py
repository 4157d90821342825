"""班前签到 in two browsers: one shows a personal construction code, a second "phone" with a
fake camera (a .y4m made from a screenshot of that code) and a geolocation scans it."""

from datetime import UTC, datetime, timedelta

import pytest
import qrcode
from playwright.sync_api import expect
from sqlalchemy import select

from domain.signin.model import Attendance
from domain.signin.tokens import issue_code
from tests.e2e.conftest import PHONE, SHOTS, fake_camera_args, png_to_y4m

pytestmark = pytest.mark.e2e
PASSWORD = "zhuxin2026"


@pytest.fixture
def site(open_all_day):
    """The demo project open for sign-in all day; → its sign-in point (WGS-84)."""
    lat, lng = open_all_day
    return {"latitude": lat, "longitude": lng, "accuracy": 15}


def login(page, base, account):
    page.goto(f"{base}/login")
    page.fill("input[name=account]", account)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def show_code(browser, base, account, png):
    """Browser A: log in and show the personal construction code; screenshot the QR."""
    page = browser.new_context(**PHONE).new_page()
    login(page, base, account)
    page.goto(f"{base}/signin/code")
    expect(page.locator("#qrbox svg")).to_be_visible()
    page.screenshot(path=str(SHOTS / f"code_{account}.png"), full_page=True)
    page.locator("#qrbox").screenshot(path=str(png))
    return page


def phone(launch, y4m, base, account, geolocation):
    browser = launch(fake_camera_args(y4m))
    ctx = browser.new_context(
        **PHONE, geolocation=geolocation, permissions=["geolocation", "camera"]
    )
    page = ctx.new_page()
    login(page, base, account)
    return page


def attendance(app, person_id):
    from web.extensions import db

    with app.app_context():
        return db.session.scalars(select(Attendance).where(Attendance.person_id == person_id)).all()


def today_rows(app, person_id):
    from domain.clock import SHANGHAI

    today = datetime.now(SHANGHAI).date()
    return [a for a in attendance(app, person_id) if a.day == today]


def test_worker_scans_the_officers_code(app, live_server, launch, site, shots, tmp_path):
    show_code(launch(), live_server, "w004", tmp_path / "officer_qr.png")
    y4m = png_to_y4m(tmp_path / "officer_qr.png", tmp_path / "officer_qr.y4m")
    page = phone(launch, y4m, live_server, "w001", site)
    page.goto(f"{live_server}/")
    page.screenshot(path=str(shots / "worker_home.png"), full_page=True)
    page.click("#service-signin")
    expect(page.locator("#signin-button.ready")).to_be_enabled()
    expect(page.locator("#sites li.inside")).to_contain_text("在签到范围内")
    page.screenshot(path=str(shots / "worker_scan_ready.png"), full_page=True)
    page.click("#signin-button")
    expect(page.locator(".result.ok")).to_contain_text("签到成功", timeout=15000)
    page.screenshot(path=str(shots / "worker_scan_done.png"), full_page=True)
    (row,) = today_rows(app, 1)
    assert (row.method, row.officer_person_id) == ("worker_scan", 4)
    assert row.distance_m < 1 and row.accuracy_m == 15


def test_officer_scans_a_workers_code(app, live_server, launch, site, shots, tmp_path):
    show_code(launch(), live_server, "w001", tmp_path / "worker_qr.png")
    y4m = png_to_y4m(tmp_path / "worker_qr.png", tmp_path / "worker_qr.y4m")
    page = phone(launch, y4m, live_server, "w004", site)
    page.goto(f"{live_server}/")
    page.click("#service-officer")
    page.screenshot(path=str(shots / "officer_projects.png"), full_page=True)
    page.click("a[href='/signin/officer/projects/1']")
    page.click("#start-button")
    expect(page.locator("#results li.ok")).to_contain_text("签到成功", timeout=15000)
    expect(page.locator("#count")).to_have_text("1")
    page.screenshot(path=str(shots / "officer_scan_done.png"), full_page=True)
    (row,) = today_rows(app, 1)
    assert (row.method, row.officer_person_id) == ("officer_scan", 4)


def test_out_of_range_both_directions(app, live_server, launch, site, shots, tmp_path):
    far = {**site, "latitude": site["latitude"] + 0.01}  # 1.1 km north
    show_code(launch(), live_server, "w001", tmp_path / "worker_qr.png")
    y4m = png_to_y4m(tmp_path / "worker_qr.png", tmp_path / "worker_qr.y4m")
    worker = phone(launch, y4m, live_server, "w002", far)
    worker.goto(f"{live_server}/signin/scan")
    expect(worker.locator("#sites li.outside")).to_contain_text("距离签到点 1112 米")
    expect(worker.locator("#signin-button")).to_be_disabled()
    worker.screenshot(path=str(shots / "worker_out_of_range.png"), full_page=True)
    officer = phone(launch, y4m, live_server, "w004", far)
    officer.goto(f"{live_server}/signin/officer/projects/1")
    officer.click("#start-button")
    expect(officer.locator("#results li.refused")).to_contain_text("不在项目签到范围内")
    assert today_rows(app, 1) == []


def test_an_expired_code_is_refused(app, live_server, launch, site, shots, tmp_path):
    from web.signin.common import code_keys

    with app.app_context():
        key = code_keys().private_key
    old = issue_code(key, 4, datetime.now(UTC) - timedelta(minutes=3))
    qrcode.make(old, box_size=8, border=4).save(tmp_path / "expired.png")
    page = phone(
        launch, png_to_y4m(tmp_path / "expired.png", tmp_path / "e.y4m"), live_server, "w001", site
    )
    page.goto(f"{live_server}/signin/scan")
    page.click("#signin-button.ready")
    expect(page.locator(".result.refused")).to_contain_text("二维码已过期", timeout=15000)
    page.screenshot(path=str(shots / "worker_expired.png"), full_page=True)
    assert today_rows(app, 1) == []
