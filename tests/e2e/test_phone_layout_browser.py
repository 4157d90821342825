"""Pages on a phone (390 px) and a laptop (1366 px): the header stays one line, the menu label
fits, a wide table scrolls inside its own box (the page itself never scrolls sideways), the
rejected workers' long reasons wrap with 操作 in view, the pager; screenshots in
test-output/e2e (layout-*.png)."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from tests.e2e.conftest import SHOTS

pytestmark = pytest.mark.e2e
PAGES = {
    "gc_pm": ["/projects/1", "/projects/1/acceptance?state=rejected", "/projects/1/signin/attendance",
              "/projects/1/audit", "/projects/1/roster"],
    "admin": ["/admin/processes", "/admin/incidents"],
}  # fmt: skip
LONG = "身份证照片模糊无法辨认，劳动合同缺少本人签字页，请补齐材料后重新提交审核" * 2


def _login(page, base, account):
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.fill("input[name=account]", account)
    page.fill("input[name=password]", "zhuxin2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _header_rows(page) -> int:
    """How many rows the header's top-level items sit on."""
    tops = sorted(page.evaluate("""() => [...document.querySelectorAll('body > header nav > ul > li')]
        .map(li => li.getBoundingClientRect().top)"""))  # fmt: skip
    return 1 + sum(1 for a, b in zip(tops, tops[1:], strict=False) if b - a > 16)


def _wrapped_labels(page) -> list[str]:
    """The header's labels whose text breaks onto a second line ("我的项\\n目"): two boxes of
    its text that do not overlap vertically (a count badge beside the words is one line)."""
    return page.evaluate("""() => [...document.querySelectorAll(
        'body > header nav > ul > li > a, body > header nav > ul > li > details > summary')]
        .filter(el => { const r = document.createRange(); r.selectNodeContents(el);
          const boxes = [...r.getClientRects()].filter(b => b.width > 0 && b.height > 0);
          return boxes.some(a => boxes.some(b => a.bottom <= b.top + 1)); })
        .map(el => el.textContent.trim())""")


def _reject_with_a_long_reason(app):
    from domain.model import Assignment
    from web.extensions import db

    with app.app_context():
        db.session.execute(update(Assignment).where(Assignment.id == 39)
                           .values(state="rejected", reason=LONG))  # fmt: skip
        db.session.commit()


@pytest.mark.parametrize("width", [360, 390, 1366])
def test_header_tables_and_pager_fit(app, live_server, launch, width):
    _reject_with_a_long_reason(app)
    browser = launch()
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    for account, urls in PAGES.items():
        _login(page, live_server, account)
        for url in urls:
            page.goto(f"{live_server}{url}")
            name = url.strip("/").replace("/", "-").split("?")[0]
            page.screenshot(path=str(SHOTS / f"layout-{width}-{name}.png"), full_page=True)
            assert not _wrapped_labels(page), f"{url} at {width}px: {_wrapped_labels(page)} wrap"
            rows = _header_rows(page)  # on a phone: the brand, then the menu on one row
            assert rows == (1 if width > 576 else 2), f"{url} at {width}px: header on {rows} rows"
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width + 1, f"{url} at {width}px: the page scrolls sideways ({wide})"
            summaries = page.locator("body > header nav details.dropdown > summary")
            for n in range(summaries.count()):
                box = summaries.nth(n).bounding_box()
                assert box and box["x"] + box["width"] <= width + 1, (
                    f"{url}: a menu label overflows"
                )
    _login(page, live_server, "gc_pm")
    page.goto(f"{live_server}/projects/1/acceptance?state=rejected")
    reason = page.locator("#assignment-39 small.long-text")
    expect(reason).to_be_visible()
    assert reason.bounding_box()["height"] > 30  # wrapped onto several lines, not cut
    if width < 600:
        return
    action = page.locator("#assignment-39 td.sticky-end")
    box = action.bounding_box()
    assert box and box["x"] + box["width"] <= width  # 操作 in view without scrolling


def test_a_wide_table_scrolls_inside_its_box_on_a_phone(app, live_server, launch):
    browser = launch()
    page = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                               has_touch=True).new_page()  # fmt: skip
    _login(page, live_server, "gc_pm")
    page.goto(f"{live_server}/projects/1/signin/attendance?from=2000-01-01&to=2100-01-01&size=20")
    box = page.locator(".table-scroll").first
    inner, outer = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    assert inner > outer, "the attendance table should be wider than a phone"
    box.evaluate("b => { b.scrollLeft = 200; }")
    assert box.evaluate("b => b.scrollLeft") > 0  # it scrolls inside its own box
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    expect(page.locator("nav.pager .pager-count")).to_contain_text("第 1/")
    page.screenshot(path=str(SHOTS / "layout-390-attendance-scrolled.png"), full_page=True)
