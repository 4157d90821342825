"""编制详情 in Chromium at 1366 px and on a 390 px phone: the table recalculates as you type
(exact in fen), shows the live checks per line, keeps 姓名 and 实发 in view and fits 1366 px; on
the phone each worker is a card; 批量审核通过 on the batch page. Screenshots in
test-output/e2e/wage_table_*.png."""

import re

import pytest
from sqlalchemy import select

from domain.payroll.batches import month_choices
from domain.payroll.model import Compilation, WageBatch
from tests.e2e.conftest import PHONE, SHOTS
from tests.e2e.test_payroll_browser import as_user
from tests.login_helpers import log_in_directly
from tests.web.payroll_helpers import configure_payroll, confirm_lines
from web.extensions import db

pytestmark = pytest.mark.e2e
BASE = "/projects/1/payroll"


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"wage_table_{name}.png"), full_page=True)


def client_as(app, username):
    client = app.test_client()
    log_in_directly(client, app, username)
    return client


def ok(response):
    assert response.status_code == 302, response.text[:500]


@pytest.fixture
def tables(app, tmp_path):
    """A batch of the first month offered, each unit's table compiled (unit → table id)."""
    configure_payroll(app, tmp_path / "pki")
    pm = client_as(app, "gc_pm")
    ok(pm.post(f"{BASE}/settlement", data={"day": "25"}))
    month = month_choices(type("P", (), {"settlement_day": 25})())[0][0]
    ok(pm.post(f"{BASE}/batches", data={"month": month}))
    with app.app_context():
        batch = db.session.scalar(select(WageBatch.id).order_by(WageBatch.id.desc()))
        comps = dict(db.session.execute(select(Compilation.unit_id, Compilation.id)
                                        .where(Compilation.batch_id == batch)).all())  # fmt: skip
        db.session.remove()
    for who, unit in (("gc_op", 1), ("suba_op", 2), ("subb_op", 3)):
        ok(
            client_as(app, who).post(
                f"{BASE}/compilations/new", data={"compilation_id": comps[unit]}
            )
        )
    return batch, comps


def yuan_text(page, selector):
    return page.locator(selector).first.text_content().strip()


def test_the_table_recalculates_as_you_type(app, live_server, launch, tables):
    batch, comps = tables
    browser = launch()
    page = as_user(browser, live_server, "suba_op", viewport={"width": 1366, "height": 900})
    page.goto(f"{live_server}{BASE}/compilations/{comps[2]}")
    row = page.locator("tr.wage-line").first
    days = int(row.get_attribute("data-days"))
    net_before = yuan_text(page, "#total-net")
    row.locator("input[aria-label=day_rate]").fill("333.33")
    gross = f"{333.33 * days:.2f}"
    assert row.locator("input[aria-label=gross]").input_value() == gross
    assert row.locator("input[aria-label=net]").input_value() == gross
    assert yuan_text(page, "#total-net") != net_before
    row.locator("input[aria-label=deductions]").fill("0.10")
    net = row.locator("input[aria-label=net]").input_value()
    assert int(net.replace(".", "")) == int(gross.replace(".", "")) - 10  # exact, in fen
    assert "有扣款时须填写扣款原因" in row.locator("td.checks").text_content()
    row.locator("input[aria-label=deduction_reason]").fill("借支")
    assert "有扣款时须填写扣款原因" not in row.locator("td.checks").text_content()
    row.locator("input[aria-label=net]").fill("99999.00")
    assert "大于应发工资" in row.locator("td.checks").text_content()
    assert "has-error" in row.get_attribute("class")
    typed = "1234.56"  # a gross typed over stays when the rate changes again
    row.locator("input[aria-label=gross]").fill(typed)
    row.locator("input[aria-label=day_rate]").fill("100")
    assert row.locator("input[aria-label=gross]").input_value() == typed
    # fits 1366 px: the table's box does not scroll sideways; 姓名 and 实发 are sticky
    fits = page.evaluate("""() => { const box = document.querySelector('.wage-scroll');
        return box.scrollWidth <= box.clientWidth + 1; }""")
    assert fits, "the wage table is wider than the page at 1366 px"
    sticky = page.evaluate("""() => ['.col-name', '.col-net'].map((s) =>
        getComputedStyle(document.querySelector('tbody ' + s)).position)""")
    assert sticky == ["sticky", "sticky"]
    shot(page, "1366")
    page.click("#save-draft")
    page.wait_for_selector("text=草稿已保存")
    assert (
        page.locator("tr.wage-line").first.locator("input[aria-label=gross]").input_value() == typed
    )
    page.click("#fill-trade-rates")
    page.wait_for_selector("text=已按工种日工资填充")


def test_a_card_per_worker_on_the_phone(app, live_server, launch, tables):
    batch, comps = tables
    browser = launch()
    page = as_user(browser, live_server, "suba_op", **PHONE)
    page.goto(f"{live_server}{BASE}/compilations/{comps[2]}")
    row = page.locator("tr.wage-line").first
    assert row.evaluate("(el) => getComputedStyle(el).display") == "block"
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    net = row.locator("td.col-net")
    assert net.is_visible() and "实发工资" in net.evaluate(
        "(el) => getComputedStyle(el, '::before').content"
    )
    row.locator("input[aria-label=day_rate]").fill("400")
    assert (
        row.locator("input[aria-label=net]").input_value()
        == f"{400 * int(row.get_attribute('data-days')):.2f}"
    )
    shot(page, "390")


def test_bulk_approval_on_the_batch_page(app, live_server, launch, tables):
    batch, comps = tables
    for who, unit in (("gc_op", 1), ("suba_op", 2), ("subb_op", 3)):
        confirm_lines(app, comps[unit])
        ok(client_as(app, who).post(f"{BASE}/compilations/{comps[unit]}/submit"))
    ok(client_as(app, "suba_pm").post(f"{BASE}/compilations/{comps[2]}/review",
                                      data={"decision": "approve"}))  # fmt: skip
    browser = launch()
    for size, context in (("1366", {"viewport": {"width": 1366, "height": 900}}), ("390", PHONE)):
        page = as_user(browser, live_server, "gc_pm", **context)
        page.goto(f"{live_server}{BASE}/batches/{batch}")
        shot(page, f"batch_{size}")
    page.check("input[data-check-all=compilation_id]")
    assert page.locator("input[name=compilation_id]:checked").count() == 2  # units 1 and 2
    page.click("#approve-checked")
    page.wait_for_selector("text=已审核通过")
    assert len(re.findall("已审核通过", page.locator("main").text_content())) >= 2
    shot(page, "batch_approved_390")
    with app.app_context():
        states = {c.unit_id: c.state for c in db.session.scalars(
            select(Compilation).where(Compilation.batch_id == batch))}  # fmt: skip
    assert states == {1: "approved", 2: "approved", 3: "submitted"}
