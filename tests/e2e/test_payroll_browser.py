"""工资支付 in the browser with every role, as the manual describes it: 设置月工资结算日期 →
新增银行交换批次号 → units 新增编制 and 提交审核 → 分包/总包审核 with one 退回 → 生成汇总表 →
项目经理 去签署 → 企业端 去签署 → 推送银行 → results (one line rejected, corrected, paid again),
the workers confirm their lines on the phone before 提交审核 (one disputes, the operator
answers, he confirms).  Screenshots in test-output/e2e/payroll_*.png."""

import re
import time

import pytest
from sqlalchemy import select

import engine
from domain.model import User
from domain.payroll.model import WageBatch, WageLineRow
from services.pki import DEMO_ENTERPRISE_PASSWORD
from tests.e2e.conftest import PHONE, SHOTS
from tests.trust_helpers import enterprise_p12
from tests.web.payroll_helpers import (
    PM_PASSWORD,
    FakeBank,
    bound_connectors,
    configure_payroll,
    confirm_lines,
)
from web.runtime import wiring

pytestmark = pytest.mark.e2e
PASSWORD = "zhuxin2026"


@pytest.fixture
def payroll_site(app, tmp_path):
    configure_payroll(app, tmp_path / "pki", poll="PT1S")
    bank = FakeBank()
    bound_connectors(app).bank_client = bank
    executor = engine.JobExecutor(wiring(app).session_factory, wiring(app).connectors,
                                  poll_seconds=0.3)
    executor.start()
    yield bank, tmp_path / "pki"
    executor.stop()


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"payroll_{name}.png"), full_page=True)


def as_user(browser, base, account, **context):
    page = browser.new_context(**context).new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=account]", account)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def batch_state(app):
    from web.extensions import db

    with app.app_context():
        state = db.session.scalar(select(WageBatch.state).order_by(WageBatch.id.desc()))
        db.session.remove()
        return state


def wait_for(app, wanted, seconds=30):
    deadline = time.monotonic() + seconds
    while batch_state(app) != wanted and time.monotonic() < deadline:
        time.sleep(0.3)
    assert batch_state(app) == wanted


def compile_and_submit(browser, base, app, account, unit_id, name, edit=None, confirm=None):
    """新增编制, the edits saved, the workers confirm their lines (工人确认: ``confirm`` on
    their phones, the rest as their phones would), then 提交审核."""
    page = as_user(browser, base, account)
    page.goto(f"{base}/projects/1/payroll/compile")
    page.click(f"tr[data-unit='{unit_id}'] button.compile-new")
    page.wait_for_selector("#submit-review")
    comp_id = int(re.search(r"/compilations/(\d+)", page.url).group(1))
    if edit:
        edit(page)
        page.click("#save-draft")
        page.wait_for_selector("text=草稿已保存")
    if confirm:
        confirm(comp_id, page)
    confirm_lines(app, comp_id)
    page.goto(f"{base}/projects/1/payroll/compilations/{comp_id}")
    shot(page, name)
    page.click("#submit-review")
    page.wait_for_url(f"{base}/projects/1/payroll/compile")
    return page


def review_from_inbox(browser, base, account, approve=True, reason=""):
    page = as_user(browser, base, account)
    page.goto(f"{base}/inbox")
    page.click("td a:has-text('分包审核'), td a:has-text('总包审核')")
    page.wait_for_selector("#review-box")
    if reason:
        page.fill("#review-reason", reason)
    page.click("#approve" if approve else "#reject")
    page.wait_for_load_state()
    return page


def test_whole_wage_payment_in_the_browser(app, live_server, launch, payroll_site, shots):
    bank, pki = payroll_site
    browser = launch()
    base = live_server

    pm = as_user(browser, base, "gc_pm")
    pm.goto(f"{base}/projects/1/payroll/settlement")
    pm.select_option("#settlement-day", "25")
    pm.click("main button[type=submit]")
    pm.wait_for_selector("text=月工资结算日期已保存")
    shot(pm, "01_settlement_day")
    pm.goto(f"{base}/projects/1/payroll/compile")
    if not pm.is_visible("#batch-confirm"):
        pm.click("#new-batch")
    pm.click("#batch-confirm")
    pm.wait_for_selector("text=已生成银行交换批次号")
    shot(pm, "02_batch_number")
    # The same month again is refused, naming the batch that exists; the choice is kept.
    month = pm.locator("#batch-month").input_value()
    if not pm.is_visible("#batch-confirm"):
        pm.click("#new-batch")
    pm.select_option("#batch-month", month)
    pm.click("#batch-confirm")
    pm.wait_for_selector("text=同一工资月份只发放一次")
    assert pm.locator("#batch-month").input_value() == month
    shot(pm, "02b_second_batch_refused")

    def on_their_phones(comp_id, operator):
        """w001 confirms; w002 disputes, the operator answers, w002 confirms the answer."""
        one = as_user(browser, base, "w001", **PHONE)
        one.goto(f"{base}/my/wages")
        shot(one, "03a_worker_confirms_on_phone")
        one.click("button.confirm")
        one.wait_for_selector("text=✓ 已确认")
        two = as_user(browser, base, "w002", **PHONE)
        two.goto(f"{base}/my/wages")
        two.fill("article.wage-card input[name=comment]", "少算一天加班")
        two.click("button[value=dispute]")
        two.wait_for_selector("text=已提出异议，项目部处理中")
        shot(two, "03b_worker_disputes")
        operator.goto(f"{base}/projects/1/payroll/compilations/{comp_id}")
        operator.click("#submit-review")  # refused while the dispute is open
        operator.wait_for_selector("text=名工人对工资有异议尚未处理")
        operator.goto(f"{base}/projects/1/payroll/compilations/{comp_id}#confirmations")
        assert "有异议 1" in operator.inner_text("#confirm-counts")
        shot(operator, "03c_compile_confirmation_states")
        operator.fill("form.resolve-form input[name=resolution]", "已核对考勤，加班已计入应发工资")
        operator.click("form.resolve-form button")
        operator.wait_for_selector("text=已答复异议")
        two.goto(f"{base}/my/wages")
        assert "已核对考勤，加班已计入应发工资" in two.inner_text("main")
        shot(two, "03d_worker_sees_the_answer")
        two.click("button.confirm")
        two.wait_for_selector("text=✓ 已确认")

    compile_and_submit(browser, base, app, "gc_op", 1, "03_compile_gc_own",
                       confirm=on_their_phones)  # fmt: skip

    def deduct(page):
        row = page.locator("tbody tr").first
        row.locator("input[aria-label=deductions]").fill("200.00")
        row.locator("input[aria-label=deduction_reason]").fill("借支")
        gross = row.locator("input[aria-label=gross]").input_value()
        row.locator("input[aria-label=net]").fill(f"{float(gross) - 200:.2f}")

    compile_and_submit(browser, base, app, "suba_op", 2, "04_compile_sub_a", deduct)
    compile_and_submit(browser, base, app, "subb_op", 3, "05_compile_sub_b")

    review_from_inbox(browser, base, "suba_pm")
    page = review_from_inbox(browser, base, "subb_pm", approve=False, reason="出勤天数与考勤不符")
    shot(page, "06_sub_b_rejected")
    again = compile_and_submit(browser, base, app, "subb_op", 3, "07_compile_sub_b_again")
    review_from_inbox(browser, base, "subb_pm")
    for _ in range(3):
        review_from_inbox(browser, base, "gc_pm")
    del again

    pm.goto(f"{base}/projects/1/payroll/review")
    shot(pm, "08_review_list")
    pm.click("button.make-summary")
    wait_for(app, "pm_signing")
    pm.goto(f"{base}/projects/1/payroll/push")
    shot(pm, "09_push_list")
    pm.click("a.go-sign")
    pm.fill("input[name=password]", PM_PASSWORD)
    pm.click("main button[type=submit]")  # 申请个人签署证书 (first time), then sign
    pm.wait_for_selector("#sign-password")
    shot(pm, "10_pm_sign")
    pm.fill("#sign-password", PM_PASSWORD)
    pm.click("#sign-button")
    pm.wait_for_selector("text=签署完成")
    wait_for(app, "enterprise_signing")

    from web.extensions import db

    with app.app_context():
        first = db.session.scalar(select(WageLineRow.id).order_by(WageLineRow.id))
    bank.reject = {f"WL{first}-1"}
    ent = as_user(browser, base, "gc_ent")
    ent.goto(f"{base}/enterprise/push")
    shot(ent, "11_enterprise_list")
    ent.click("a.go-sign")
    # A self-signed certificate naming itself the enterprise is refused, and nothing is sent.
    forged = pki.parent / "forged.p12"
    forged.write_bytes(enterprise_p12(None, "forged-pw", uscc="91310000MA1FL8X35P",
                                      company="冒充企业"))  # fmt: skip
    ent.set_input_files("#p12-file", str(forged))
    ent.fill("#p12-password", "forged-pw")
    ent.click("#ent-sign")
    ent.wait_for_selector("text=证书不是平台信任的 CA 签发的")
    shot(ent, "11b_forged_certificate_refused")
    assert bank.sent == 0
    ent.set_input_files("#p12-file", str(pki / "enterprise_demo.p12"))
    ent.fill("#p12-password", DEMO_ENTERPRISE_PASSWORD)
    shot(ent, "12_enterprise_sign")
    ent.click("#ent-sign")
    ent.wait_for_selector("text=企业签署完成")
    wait_for(app, "correcting")

    op = as_user(browser, base, "gc_op")
    op.goto(f"{base}/inbox")
    op.click("td a:has-text('更正退回明细')")
    op.wait_for_selector("#repay")
    shot(op, "13_correct_rejected")
    # The operator proposes the worker's new card; only the worker can make it his.
    op.fill("input[name=bank_card]", "6222021000000099993")
    op.fill("input[name=bank_name]", "中国工商银行")
    op.fill("input[name=bank_cnaps]", "102290024433")
    op.click("button:has-text('提交给工人确认')")
    op.wait_for_selector("text=新卡已提交，工人在手机上确认后生效")
    op.wait_for_selector(".card-pending")
    shot(op, "13b_card_proposed")
    with app.app_context():
        owner = db.session.scalar(select(User.username).join(
            WageLineRow, WageLineRow.person_id == User.person_id).where(WageLineRow.id == first))
    owner_phone = as_user(browser, base, owner, **PHONE)
    owner_phone.goto(f"{base}/my/wages")
    owner_phone.click("#card-to-confirm a")
    owner_phone.wait_for_selector(".card-change")
    shot(owner_phone, "13c_worker_confirms_card")
    owner_phone.click("button:has-text('确认是我的卡')")
    owner_phone.wait_for_selector("text=已确认，工资将发到这张卡")
    op.goto(op.url)
    op.wait_for_selector("text=已换卡，重新支付时使用新卡")
    op.click("#repay")
    op.wait_for_selector("text=已生成更正/补发汇总表")
    wait_for(app, "pm_signing")
    bank_files = bank.sent

    # The supplementary summary is signed again by the PM and the enterprise before it is sent.
    pm.goto(f"{base}/projects/1/payroll/push")
    pm.click("a.go-sign")
    pm.fill("#sign-password", PM_PASSWORD)
    pm.click("#sign-button")
    pm.wait_for_selector("text=签署完成")
    wait_for(app, "enterprise_signing")
    assert bank.sent == bank_files  # nothing sent before the enterprise's signature
    ent.goto(f"{base}/enterprise/push")
    ent.click("a.go-sign")
    ent.set_input_files("#p12-file", str(pki / "enterprise_demo.p12"))
    ent.fill("#p12-password", DEMO_ENTERPRISE_PASSWORD)
    ent.click("#ent-sign")
    ent.wait_for_selector("text=企业签署完成")
    wait_for(app, "paid")

    pm.goto(f"{base}/projects/1/payroll/review")
    pm.click("a.view-detail")
    pm.wait_for_selector("#bank-results")
    assert pm.locator("#bank-results tr.pay-rejected").count() == 1
    assert pm.locator("#bank-results tr.pay-paid").count() >= 2
    shot(pm, "14_batch_results")
    pm.click("text=验签")
    pm.wait_for_selector("#verify-verdict")
    assert pm.locator("td.sig-ok").count() == 2
    shot(pm, "15_verify")

    worker = as_user(browser, base, "w001", **PHONE)
    worker.goto(f"{base}/my/wages")
    shot(worker, "16_worker_phone")
    assert "✓ 已确认" in worker.inner_text("main")  # he confirmed before the table went in
    assert (SHOTS / "payroll_16_worker_phone.png").exists()
