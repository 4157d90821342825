"""Security headers on every answer (issue 11 item 3)."""

import re


def test_pages_api_and_files_carry_the_headers(client, auth):
    auth.login("gc_pm")
    for url in ("/", "/api/tasks", "/projects/1/notice-board.pdf", "/login"):
        r = client.get(url)
        csp = r.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp.split(
            "script-src")[1].split(";")[0], url
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "same-origin"
        assert "camera=(self)" in r.headers["Permissions-Policy"]
        assert r.headers["Cache-Control"] == "no-store, private", url


def test_each_page_has_its_own_nonce_on_its_scripts(client, auth):
    auth.login("gc_pm")
    first, second = client.get("/projects/1/signin/point"), client.get("/projects/1/signin/point")
    nonces = [re.search(r"'nonce-([^']+)'", r.headers["Content-Security-Policy"]).group(1)
              for r in (first, second)]  # fmt: skip
    assert nonces[0] != nonces[1]
    assert f'nonce="{nonces[0]}"' in first.text
    assert "onclick=" not in client.get("/projects/1/acceptance").text


def test_static_files_may_be_cached_and_hsts_follows_secure_cookies(app, client):
    r = client.get("/static/app.css")
    assert r.headers.get("Cache-Control") != "no-store, private"
    assert "Strict-Transport-Security" not in r.headers  # the tests run with insecure cookies
    app.config["SESSION_COOKIE_SECURE"] = True
    assert "max-age" in client.get("/login").headers["Strict-Transport-Security"]


def test_no_template_has_an_inline_event_handler():
    """The CSP blocks them: behaviour goes in static scripts (web/static/app.js)."""
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "web" / "templates"
    handlers = re.compile(r"\son[a-z]+\s*=", re.I)
    found = [str(p) for p in templates.rglob("*.html") if handlers.search(p.read_text())]
    assert not found, found
