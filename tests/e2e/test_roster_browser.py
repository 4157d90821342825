"""Shanghai's three steps in the browser: 人员登记 with the labour contract uploaded, a refused
upload keeps the typed fields, 接收 with the entry date, the roster with its team and flags,
派工 to another team; screenshots in test-output/e2e (roster-*.png)."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from domain.clock import today_in_shanghai
from domain.model import Assignment, Person
from domain.photos import portrait
from domain.roster.demo import demo_pdf
from tests.e2e.conftest import SHOTS
from tests.web.test_bad_input import GOOD

pytestmark = pytest.mark.e2e


def test_register_accept_enter_and_dispatch(app, live_server, launch, tmp_path):
    from web.extensions import db

    browser = launch()
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)

    def login(account):
        page.context.clear_cookies()
        page.goto(f"{live_server}/login")
        page.fill("input[name=account]", account)
        page.fill("input[name=password]", "zhuxin2026")
        page.click("form:has(input[name=account]) button[type=submit]")  # not the header's 退出登录
        page.wait_for_url(f"{live_server}/")

    scan = tmp_path / "合同扫描.pdf"
    scan.write_bytes(demo_pdf(["Labour contract (browser test)"]))
    fake = tmp_path / "contract.pdf"
    fake.write_bytes(b"<html>not a contract</html>")
    today = today_in_shanghai()

    login("suba_op")
    page.goto(f"{live_server}/projects/1/workers/new")
    for name in ("name", "id_number", "phone", "bank_card", "bank_name", "bank_cnaps",
                 "id_valid_until"):  # fmt: skip
        page.fill(f"input[name={name}]", GOOD[name])
    page.select_option("select[name=trade]", GOOD["trade"])
    page.select_option("select[name=contract_kind]", "fixed_term")
    page.fill("input[name=contract_starts_on]", (today - timedelta(days=3)).isoformat())
    page.fill("input[name=contract_ends_on]", (today + timedelta(days=20)).isoformat())
    page.set_input_files("input[name=contract_file]", str(fake))
    page.click("main button[type=submit]")
    expect(page.locator(".flash-error")).to_contain_text("劳动合同文件须为 PDF、JPEG 或 PNG")
    expect(page.locator("input[name=id_number]")).to_have_value(GOOD["id_number"])
    expect(page.locator("input[name=contract_ends_on]")).to_have_value(
        (today + timedelta(days=20)).isoformat())  # fmt: skip
    page.screenshot(path=str(SHOTS / "roster-1-refused-upload.png"), full_page=True)
    page.set_input_files("input[name=contract_file]", str(scan))
    photo = tmp_path / "me.jpg"
    photo.write_bytes(portrait(GOOD["name"], 2).jpeg)
    page.set_input_files("input[name=photo]", str(photo))
    page.click("main button[type=submit]")
    expect(page.locator(".flash-warning")).to_contain_text("劳动合同即将到期")
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.id_number_is(GOOD["id_number"])))
        a_id = db.session.scalar(select(Assignment.id).where(Assignment.person_id == person.id))
        db.session.remove()

    login("gc_pm")
    page.goto(f"{live_server}/projects/1/acceptance")
    expect(page.locator("input[type=date][name=entered_on]")).to_have_value(today.isoformat())
    page.check(f"input[name=ids][value='{a_id}']")
    page.click("button[form=accept-form]")
    expect(page.locator(".flash-success")).to_contain_text("已接收 1 名人员")
    with app.app_context():
        assert db.session.get(Assignment, a_id).entered_on == today
        db.session.remove()

    page.goto(f"{live_server}/projects/1/roster?unit_id=2")
    row = page.locator(f"#roster-{a_id}")
    expect(row).to_contain_text("劳动合同即将到期")
    expect(row).to_contain_text(today.isoformat())
    page.check(f"#roster-{a_id} input[name=ids]")
    page.select_option("select[name=team_id]", "4")
    page.click("#dispatch")
    expect(page.locator(".flash-success")).to_contain_text("已派工 1 人")
    with app.app_context():
        assert db.session.get(Assignment, a_id).team_id == 4
        db.session.remove()
    page.goto(f"{live_server}/projects/1/roster?unit_id=2&team=4")
    page.screenshot(path=str(SHOTS / "roster-2-team.png"), full_page=True)
    page.goto(f"{live_server}/projects/1/workers/{a_id}/contract")
    expect(page.locator("#contract-state")).to_contain_text("有效合同")
    page.screenshot(path=str(SHOTS / "roster-3-contract.png"), full_page=True)
    page.goto(f"{live_server}/projects/1/teams")
    page.screenshot(path=str(SHOTS / "roster-4-teams.png"), full_page=True)
