"""The regulations' path in the browser (issue 10): a worker is registered with his labour
contract and photo (聘用登记), entered by the GC (进场登记) and dispatched to a team (派工登记);
he activates his account on his phone, signs in before his shift (the officer's scan shows his
photo), and confirms his wage line; a second worker disputes his, the operator answers and he
confirms; the table is submitted; after the bank paid, the worker's payslip, the project's
wage ledger and the unit's payment voucher hold his line with its bank reference.

Screenshots: test-output/e2e/regulations_*.png (phones at 390 px)."""

import io
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

import engine
from domain.clock import today_in_shanghai
from domain.model import Assignment, Person, User
from domain.payroll.batches import month_choices
from domain.payroll.model import Compilation, WageBatch, WageLineRow
from domain.photos import portrait
from domain.roster.demo import demo_pdf
from services.pki import DEMO_ENTERPRISE_PASSWORD
from tests.e2e.conftest import PHONE, SHOTS, fake_camera_args, png_to_y4m
from tests.web.payroll_helpers import (
    PM_PASSWORD,
    FakeBank,
    bound_connectors,
    configure_payroll,
    confirm_lines,
    drain,
)
from tests.web.test_bad_input import GOOD
from web.runtime import wiring

pytestmark = pytest.mark.e2e
PASSWORD = "zhuxin2026"
NEW_PASSWORD = "anquan2026"
P = "/projects/1/payroll"


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"regulations_{name}.png"), full_page=True)


def as_user(browser, base, account, password=PASSWORD, **context):
    page = browser.new_context(**context).new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=account]", account)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def scalar(app, query):
    from web.extensions import db

    with app.app_context():
        value = db.session.scalar(query)
        db.session.remove()
        return value


def ok(response):
    assert response.status_code == 302, response.text[:400]


def test_the_regulations_path(app, client, auth, live_server, launch, open_all_day, tmp_path):
    lat, lng = open_all_day
    site = {"latitude": lat, "longitude": lng, "accuracy": 15}
    base, browser = live_server, launch()
    configure_payroll(app, tmp_path / "pki")
    bank = FakeBank()
    bound_connectors(app).bank_client = bank
    today = today_in_shanghai()
    (tmp_path / "me.jpg").write_bytes(portrait(GOOD["name"], 2).jpeg)
    (tmp_path / "contract.pdf").write_bytes(demo_pdf(["Labour contract of the test worker"]))

    # 1. 用人单位聘用登记: the subcontractor registers him with his contract and his photo.
    office = as_user(browser, base, "suba_op", viewport={"width": 1280, "height": 900})
    office.goto(f"{base}/projects/1/workers/new")
    for name in ("name", "id_number", "phone", "id_valid_until", "bank_card", "bank_name",
                 "bank_cnaps"):  # fmt: skip
        office.fill(f"input[name={name}]", GOOD[name])
    office.select_option("select[name=trade]", GOOD["trade"])
    office.select_option("select[name=contract_kind]", "fixed_term")
    office.fill("input[name=contract_starts_on]", (today - timedelta(days=40)).isoformat())
    office.fill("input[name=contract_ends_on]", (today + timedelta(days=365)).isoformat())
    office.set_input_files("input[name=contract_file]", str(tmp_path / "contract.pdf"))
    office.set_input_files("input[name=photo]", str(tmp_path / "me.jpg"))
    shot(office, "01_register_with_contract_and_photo")
    office.click("main form[enctype] button[type=submit]")
    expect(office.locator("#activation-code")).to_contain_text("工人账号激活码")
    code = office.locator(".activation-code").get_attribute("data-code")
    assert code and re.fullmatch(r"\d{8}", code)
    shot(office, "02_activation_code_shown_once")
    person_id = scalar(app, select(Person.id).where(Person.id_number_is(GOOD["id_number"])))
    a_id = scalar(app, select(Assignment.id).where(Assignment.person_id == person_id))

    # 2. 总包进场登记: the GC accepts him with today's entry date.
    gc = as_user(browser, base, "gc_pm", viewport={"width": 1280, "height": 900})
    gc.goto(f"{base}/projects/1/acceptance")
    gc.check(f"input[name=ids][value='{a_id}']")
    gc.click("button[form=accept-form]")
    expect(gc.locator(".flash-success")).to_contain_text("已接收 1 名人员")

    # 3. 派工登记: the subcontractor dispatches him to a team of his unit.
    office.goto(f"{base}/projects/1/roster?unit_id=2")
    office.check(f"#roster-{a_id} input[name=ids]")
    office.select_option("select[name=team_id]", "4")
    office.click("#dispatch")
    expect(office.locator(".flash-success")).to_contain_text("已派工 1 人")
    office.goto(f"{base}/projects/1/roster?unit_id=2&team=4")
    expect(office.locator(f"#roster-{a_id}")).to_contain_text(today.isoformat())
    shot(office, "03_roster_entered_and_dispatched")

    # 4. He activates his account on his phone and shows his personal construction code.
    worker = browser.new_context(**PHONE).new_page()
    worker.goto(f"{base}/login")
    worker.click("#activate-link")
    worker.fill("input[name=phone]", GOOD["phone"])
    worker.fill("input[name=code]", code)
    worker.fill("input[name=password]", NEW_PASSWORD)
    worker.fill("input[name=password_again]", NEW_PASSWORD)
    shot(worker, "04_activate_on_phone")
    worker.click("main form button[type=submit]")
    worker.wait_for_url(f"{base}/")
    worker.goto(f"{base}/signin/code")
    expect(worker.locator("#qrbox svg")).to_be_visible()
    worker.locator("#qrbox").screenshot(path=str(tmp_path / "qr.png"))

    # 5. 班前签到: the officer scans his code and sees his photo next to his name.
    y4m = png_to_y4m(tmp_path / "qr.png", tmp_path / "qr.y4m")
    officer = launch(fake_camera_args(y4m)).new_context(
        **PHONE, geolocation=site, permissions=["geolocation", "camera"]).new_page()
    officer.goto(f"{base}/login")
    officer.fill("input[name=account]", "w004")
    officer.fill("input[name=password]", PASSWORD)
    officer.click("button[type=submit]")
    officer.wait_for_url(f"{base}/")
    officer.goto(f"{base}/signin/officer/projects/1")
    officer.click("#start-button")
    result = officer.locator("#results li.ok")
    expect(result).to_contain_text(GOOD["name"], timeout=15000)
    expect(result.locator("img.scan-photo")).to_be_visible()
    officer.evaluate("document.getElementById('video').pause()")
    shot(officer, "05_officer_scan_with_photo")

    # 6. The month's batch (GC manager); the subcontractor compiles his unit: the new worker is
    #    on the table from his sign-in.
    month = month_choices(type("P", (), {"settlement_day": 25})())[0][0]
    auth.login("gc_pm")
    ok(client.post(f"{P}/settlement", data={"day": "25"}))
    ok(client.post(f"{P}/batches", data={"month": month}))
    auth.logout()
    batch_id = scalar(app, select(WageBatch.id).order_by(WageBatch.id.desc()))
    comps = {u: scalar(app, select(Compilation.id).where(Compilation.batch_id == batch_id,
                                                         Compilation.unit_id == u))
             for u in (1, 2, 3)}  # fmt: skip
    office.goto(f"{base}{P}/compile")
    office.click("tr[data-unit='2'] button.compile-new")
    office.wait_for_selector("#submit-review")
    mine = scalar(app, select(WageLineRow.id).where(WageLineRow.compilation_id == comps[2],
                                                    WageLineRow.person_id == person_id))
    assert mine is not None
    other_line, other_person = scalar(app, select(WageLineRow.id).where(
        WageLineRow.compilation_id == comps[2], WageLineRow.person_id != person_id)), None
    other_person = scalar(app, select(WageLineRow.person_id).where(WageLineRow.id == other_line))
    other = scalar(app, select(User.username).where(User.person_id == other_person))

    # 7. He confirms his line on his phone; the other disputes, is answered and confirms.
    worker.goto(f"{base}/my/wages")
    expect(worker.locator(f"#line-{mine}, article.wage-card").first).to_contain_text("确认")
    shot(worker, "06_worker_confirms_his_line")
    worker.locator("article.wage-card").filter(has=worker.locator(
        f"form[action='/my/wages/{mine}']")).locator("button.confirm").click()
    worker.wait_for_selector("text=✓ 已确认")
    two = as_user(browser, base, other, **PHONE)
    two.goto(f"{base}/my/wages")
    card = two.locator("article.wage-card").filter(has=two.locator(
        f"form[action='/my/wages/{other_line}']"))
    card.locator("input[name=comment]").fill("少算一天")
    card.locator("button[value=dispute]").click()
    two.wait_for_selector("text=已提出异议，项目部处理中")
    shot(two, "07_second_worker_disputes")
    office.goto(f"{base}{P}/compilations/{comps[2]}?seen=dispute#confirmations")  # a reload
    shot(office, "07b_operator_sees_the_dispute")
    office.fill(f"#confirm-{other_line} input[name=resolution]", "已核对考勤，补记一天")
    office.click(f"#confirm-{other_line} form.resolve-form button")
    office.wait_for_selector("text=已答复异议")
    two.goto(f"{base}/my/wages")
    assert "已核对考勤，补记一天" in two.inner_text("main")
    card = two.locator("article.wage-card").filter(has=two.locator(
        f"form[action='/my/wages/{other_line}']"))
    card.locator("button.confirm").click()
    two.wait_for_selector("text=✓ 已确认")
    confirm_lines(app, comps[2])  # the unit's other workers, as on their phones

    # 8. The table goes in; the other units and the reviews follow.
    office.goto(f"{base}{P}/compilations/{comps[2]}")
    shot(office, "08_table_with_confirmations")
    office.click("#submit-review")
    office.wait_for_url(f"{base}{P}/compile")
    for who, unit in (("gc_op", 1), ("subb_op", 3)):
        auth.login(who)
        ok(client.post(f"{P}/compilations/new", data={"compilation_id": comps[unit]}))
        confirm_lines(app, comps[unit])
        ok(client.post(f"{P}/compilations/{comps[unit]}/submit"))
        auth.logout()
    for who, unit in (("suba_pm", 2), ("subb_pm", 3), ("gc_pm", 1), ("gc_pm", 2), ("gc_pm", 3)):
        auth.login(who)
        ok(client.post(f"{P}/compilations/{comps[unit]}/review", data={"decision": "approve"}))
        auth.logout()
    auth.login("gc_pm")
    ok(client.post(f"{P}/batches/{batch_id}/summary"))
    drain(app)
    url = f"{P}/batches/{batch_id}/sign"
    ok(client.post(url, data={"action": "issue", "password": PM_PASSWORD}))
    ok(client.post(url, data={"password": PM_PASSWORD}))
    auth.logout()
    auth.login("gc_ent")
    p12 = (tmp_path / "pki" / "enterprise_demo.p12").read_bytes()
    ok(client.post(f"/enterprise/batches/{batch_id}/sign", content_type="multipart/form-data",
                   data={"p12": (io.BytesIO(p12), "e.p12"),
                         "password": DEMO_ENTERPRISE_PASSWORD}))  # fmt: skip
    auth.logout()
    drain(app)
    assert scalar(app, select(WageBatch.state).where(WageBatch.id == batch_id)) == "paid"
    reference = f"WL{mine}-1"

    # 9. After payment: his payslip on his phone, the ledger, the unit's voucher.
    worker.goto(f"{base}/my/wages/{mine}/payslip")
    expect(worker.locator("main")).to_contain_text(reference)
    expect(worker.locator("main")).to_contain_text("发放日期")
    shot(worker, "09_payslip_on_phone")
    # (logging out ends all of a user's sessions: gc_pm logs in again in his browser)
    gc = as_user(browser, base, "gc_pm", viewport={"width": 1280, "height": 900})
    gc.goto(f"{base}/projects/1/ledger?month={month}")
    shot(gc, "10_wage_ledger")
    row = gc.locator("tr.ledger-row", has_text=GOOD["name"])
    expect(row).to_contain_text(reference)
    expect(row).to_contain_text("手机确认")  # his own confirmation of the line
    sub = as_user(browser, base, "suba_pm", viewport={"width": 1280, "height": 900})
    sub.goto(f"{base}{P}/batches/{batch_id}")
    expect(sub.locator("a.unit-voucher")).to_be_visible()
    shot(sub, "11_voucher_offered")
    auth.login("suba_pm")
    voucher = client.get(f"{P}/batches/{batch_id}/units/2/voucher.pdf")
    ledger_pdf = client.get(f"/projects/1/ledger.pdf?month={month}")
    assert voucher.status_code == 200 and voucher.mimetype == "application/pdf"
    assert ledger_pdf.status_code == 200
    from tests.web.test_wage_documents_pages import _pdf_text

    assert reference in _pdf_text(voucher) and GOOD["name"] in _pdf_text(voucher)
    assert reference in _pdf_text(ledger_pdf)
    assert not engine.list_incidents(wiring(app).session_factory())
