"""A refused wage table in the browser: the page comes back at its own address with the message,
every typed value and the bad cell marked; correcting the cell and saving again works."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from domain.payroll.model import Compilation, WageLineRow
from tests.e2e.conftest import SHOTS
from tests.web.test_payroll_excel_rates import MONTH

pytestmark = pytest.mark.e2e


def test_a_refused_wage_table_keeps_what_was_typed(app, live_server, launch):
    from web.extensions import db

    browser = launch()
    page = browser.new_context().new_page()

    def login(account):
        page.context.clear_cookies()
        page.goto(f"{live_server}/login")
        page.fill("input[name=account]", account)
        page.fill("input[name=password]", "zhuxin2026")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/")

    login("gc_pm")
    page.goto(f"{live_server}/projects/1/payroll/settlement")
    page.select_option("#settlement-day", "25")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=月工资结算日期已保存")
    page.goto(f"{live_server}/projects/1/payroll/compile")
    if not page.is_visible("#batch-confirm"):
        page.click("#new-batch")
    page.select_option("#batch-month", MONTH)
    page.click("#batch-confirm")
    page.wait_for_selector("text=已生成银行交换批次号")
    login("gc_op")
    page.goto(f"{live_server}/projects/1/payroll/compile")
    page.click("tr[data-unit='1'] button.compile-new")
    page.wait_for_selector("#save-draft")
    url = page.url
    with app.app_context():
        comp = db.session.scalar(select(Compilation.id).where(Compilation.unit_id == 1))
        first, second = db.session.scalars(
            select(WageLineRow.id).where(WageLineRow.compilation_id == comp)
            .order_by(WageLineRow.id)
        ).all()[:2]  # fmt: skip
        db.session.remove()
    page.fill(f"input[name=l-{first}-deduction_reason]", "借支")
    page.fill(f"input[name=l-{first}-deductions]", "50")
    page.fill(f"input[name=l-{second}-gross]", "100.005")
    page.click("#submit-review")  # posts to …/submit: refused, the table comes back
    expect(page.locator(".flash-error")).to_contain_text("金额最多两位小数：100.005")
    # the table's own address, not …/submit: set by the page's last script, which may run
    # after the message is visible (a longer table parses longer)
    page.wait_for_url(url, timeout=5000)
    expect(page.locator(f"input[name=l-{first}-deduction_reason]")).to_have_value("借支")
    expect(page.locator(f"input[name=l-{first}-deductions]")).to_have_value("50")
    bad = page.locator(f"input[name=l-{second}-gross]")
    expect(bad).to_have_value("100.005")
    expect(bad).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=str(SHOTS / "refused_wage_table.png"), full_page=True)
    bad.fill("100.50")
    page.click("#save-draft")
    expect(page.locator(".flash-success")).to_be_visible()
    with app.app_context():
        rows = {r.id: r for r in db.session.scalars(select(WageLineRow))}
        assert rows[first].deduction_reason == "借支" and str(rows[second].gross) == "100.50"
        db.session.remove()
