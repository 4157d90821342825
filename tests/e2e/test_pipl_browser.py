"""项目人员接收 searched by ID number in the browser: the number goes in the form's POST body,
never into the address bar (so never into an access log); screenshots at 390 and 1366 px in
test-output/e2e (pipl-*.png)."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from domain.model import Assignment
from tests.e2e.conftest import SHOTS

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [390, 1366])
def test_id_number_search_keeps_the_number_out_of_the_url(app, live_server, launch, width):
    from web.extensions import db

    with app.app_context():
        a = db.session.get(Assignment, 12)
        number, name = a.person.id_number, a.person.name
        db.session.remove()
    browser = launch()
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=account]", "gc_pm")
    page.fill("input[name=password]", "zhuxin2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    page.goto(f"{live_server}/projects/1/acceptance")
    page.fill("form.filters input[name=id_number]", number.lower())
    page.select_option("form.filters select[name=state]", "all")
    page.click("form.filters button[type=submit]")
    expect(page.locator("main table")).to_contain_text(name)
    expect(page.locator("form.filters input[name=id_number]")).to_have_value(number.lower())
    assert not any(number in u or number.lower() in u for u in seen), seen
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"pipl-acceptance-search-{width}.png"), full_page=True)
    with app.app_context():
        assert db.session.scalar(select(Assignment.id).where(Assignment.id == 12)) == 12
        db.session.remove()
    browser.close()
