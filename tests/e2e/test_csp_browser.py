"""Every page of every role satisfies the Content Security Policy (issue 11 item 3): each role
logs in and visits its home page and every page its menus and the home page link to; any CSP
violation or script error in the console fails the test."""

from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.e2e
ROLES = {"gc_pm": {}, "gc_op": {}, "suba_pm": {}, "suba_op": {}, "gc_ent": {}, "admin": {},
         "w001": PHONE, "w004": PHONE}  # fmt: skip
SKIP = ("/logout", "/lang/", ".pdf", ".xlsx", ".csv", ".jpg", "/static/", "/api/")


def _links(page, base) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if href.startswith(base) and not any(s in path for s in SKIP) and path not in paths:
            paths.append(path)
    return paths


def _watch(page, account: str, problems: list) -> None:
    def console(message):
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
            problems.append((account, page.url, text))

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append((account, page.url, str(error))))


def test_no_page_of_any_role_breaks_the_csp(live_server, launch, open_all_day):
    browser, base, problems, seen = launch(), live_server, [], 0
    for account, context in ROLES.items():
        page = browser.new_context(**context).new_page()
        _watch(page, account, problems)
        page.goto(f"{base}/login")
        page.fill("input[name=account]", account)
        page.fill("input[name=password]", "zhuxin2026")
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        todo, done = ["/"], set()
        while todo and len(done) < 30:  # breadth first: the menus, then what they link to
            path = todo.pop(0)
            if path in done:
                continue
            page.goto(base + path)
            page.wait_for_load_state("load")
            done.add(path)
            todo += [p for p in _links(page, base) if p not in done and "?" not in p]
        seen += len(done)
        page.context.close()
    assert seen > 80
    assert not problems, problems[:10]
