"""工资支付台账 in the browser after a paid month: the GC manager's page (screenshot) and the PDF's
first page rendered to PNG (pdftoppm), both in test-output/e2e to be looked at."""

import subprocess

import pytest

from tests.e2e.conftest import SHOTS
from tests.web.test_ledger_pages import _paid_month

pytestmark = pytest.mark.e2e


def test_ledger_page_and_pdf(app, client, auth, tmp_path, live_server, launch):
    month, lines = _paid_month(app, client, auth, tmp_path)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = launch().new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{live_server}/login")
    page.fill("input[name=account]", "gc_pm")
    page.fill("input[name=password]", "zhuxin2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/projects/1/payroll/compile")
    page.goto(live_server + page.get_attribute("#menu-ledger", "href"))  # in the folded menu
    page.select_option("#ledger-month", month)
    assert page.locator("tr.ledger-row").count() == len(lines)
    assert "项目完工后 3 年" in page.locator("#retention").inner_text()
    page.screenshot(path=str(SHOTS / "ledger_page.png"), full_page=True)
    scroll = page.locator(".table-scroll").first
    scroll.evaluate("el => { el.scrollLeft = el.scrollWidth }")  # the references, at the right
    scroll.screenshot(path=str(SHOTS / "ledger_page_right.png"))
    pdf = client.get(f"/projects/1/ledger.pdf?month={month}").data  # the gc_pm's session
    (SHOTS / "ledger.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                    str(SHOTS / "ledger.pdf"), str(SHOTS / "ledger_pdf_p1")], check=True)  # fmt: skip
    assert (SHOTS / "ledger_pdf_p1.png").stat().st_size > 10_000
