"""A worker registered with his photo activates his account on his phone, and the officer's scan
shows that photo next to his name (screenshots in test-output/e2e/accounts_*.png)."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from domain.photos import portrait
from domain.roster.demo import demo_pdf
from tests.e2e.conftest import PHONE, fake_camera_args, png_to_y4m
from tests.e2e.test_signin_browser import login
from tests.web.test_bad_input import GOOD

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "anquan2026"


def test_register_activate_and_be_seen_on_the_officers_scan(
    app, live_server, launch, open_all_day, shots, tmp_path
):
    lat, lng = open_all_day
    site = {"latitude": lat, "longitude": lng, "accuracy": 15}
    photo = tmp_path / "me.jpg"
    photo.write_bytes(portrait(GOOD["name"], 2).jpeg)

    # The subcontractor's operator registers him with his photo and reads the code once.
    office = launch().new_context(viewport={"width": 1100, "height": 900}).new_page()
    login(office, live_server, "suba_op")
    office.goto(f"{live_server}/projects/1/workers/new")
    for name in ("name", "id_number", "phone", "id_valid_until", "bank_card", "bank_name",
                 "bank_cnaps"):  # fmt: skip
        office.fill(f"input[name={name}]", GOOD[name])
    office.select_option("select[name=trade]", GOOD["trade"])
    office.select_option("select[name=unit_id]", GOOD["unit_id"])
    office.set_input_files("input[name=photo]", str(photo))
    contract = tmp_path / "contract.pdf"
    contract.write_bytes(demo_pdf(["Labour contract"]))
    office.select_option("select[name=contract_kind]", "fixed_term")
    office.fill("input[name=contract_starts_on]", (date.today() - timedelta(days=30)).isoformat())
    office.fill("input[name=contract_ends_on]", (date.today() + timedelta(days=365)).isoformat())
    office.set_input_files("input[name=contract_file]", str(contract))
    office.screenshot(path=str(shots / "accounts_register.png"), full_page=True)
    office.click("form[enctype] button[type=submit]")
    expect(office.locator("#activation-code")).to_contain_text("工人账号激活码")
    office.screenshot(path=str(shots / "accounts_code_shown.png"), full_page=True)
    code = office.locator(".activation-code").get_attribute("data-code")
    assert code and re.fullmatch(r"\d{8}", code)
    office.goto(f"{live_server}/projects/1/acceptance?name={GOOD['name']}")
    office.click("button:has-text('接收')")
    expect(office.locator(".flash-success, .flash")).to_contain_text("已接收 1 名人员")
    # 总包进场登记: the GC records his entry (a subcontractor's acceptance records none).
    gc = launch().new_context(viewport={"width": 1300, "height": 900}).new_page()
    login(gc, live_server, "gc_pm")
    gc.goto(f"{live_server}/projects/1/roster?unit_id=2&name={GOOD['name']}")
    gc.locator("tr", has_text=GOOD["name"]).locator("input[name=ids]").check()
    gc.click("#entry")
    expect(gc.locator(".flash-success")).to_be_visible()
    office.goto(f"{live_server}/projects/1/acceptance?name={GOOD['name']}&state=accepted")
    office.click("a.account-link")
    expect(office.locator("main")).to_contain_text("待激活")
    expect(office.locator("img.worker-photo")).to_be_visible()
    office.screenshot(path=str(shots / "accounts_account_page.png"), full_page=True)

    # On his phone: 首次登录/激活 from the login page, a wrong password twice first.
    worker = launch().new_context(**PHONE).new_page()
    worker.goto(f"{live_server}/login")
    worker.click("#activate-link")
    worker.fill("input[name=phone]", GOOD["phone"])
    worker.fill("input[name=code]", code)
    worker.fill("input[name=password]", NEW_PASSWORD)
    worker.fill("input[name=password_again]", "anquan2027")
    worker.click("main form button[type=submit]")
    expect(worker.locator("main")).to_contain_text("两次输入的密码不一致")
    assert worker.input_value("input[name=phone]") == GOOD["phone"]
    worker.fill("input[name=password]", NEW_PASSWORD)
    worker.fill("input[name=password_again]", NEW_PASSWORD)
    worker.screenshot(path=str(shots / "accounts_activate_phone.png"), full_page=True)
    worker.click("main form button[type=submit]")
    worker.wait_for_url(f"{live_server}/")
    expect(worker.locator("main")).to_contain_text("您好，测试工人")
    worker.screenshot(path=str(shots / "accounts_worker_home_phone.png"), full_page=True)
    worker.goto(f"{live_server}/signin/code")
    expect(worker.locator("#qrbox svg")).to_be_visible()
    worker.locator("#qrbox").screenshot(path=str(tmp_path / "qr.png"))

    # The officer scans his code: the result shows the photo next to the name.
    y4m = png_to_y4m(tmp_path / "qr.png", tmp_path / "qr.y4m")
    officer = launch(fake_camera_args(y4m)).new_context(
        **PHONE, geolocation=site, permissions=["geolocation", "camera"]
    ).new_page()
    login(officer, live_server, "w004")
    officer.goto(f"{live_server}/signin/officer/projects/1")
    officer.click("#start-button")
    result = officer.locator("#results li.ok")
    expect(result).to_contain_text("测试工人", timeout=15000)
    expect(result.locator("img.scan-photo")).to_be_visible()
    officer.wait_for_function("document.querySelector('img.scan-photo').naturalWidth > 0")
    officer.evaluate("document.getElementById('video').pause()")
    officer.screenshot(path=str(shots / "accounts_officer_scan_photo.png"), full_page=True)
