"""CSRF on every form, safe cookies, login by phone or username, append-only audit log."""

import pytest
from sqlalchemy import select, text

from domain.model import AuditEntry


@pytest.fixture
def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def test_forms_without_a_csrf_token_are_refused(csrf_client):
    r = csrf_client.post("/login", data={"account": "gc_pm", "password": "zhuxin2026"})
    assert r.status_code == 400
    page = csrf_client.get("/login").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    r = csrf_client.post(
        "/login", data={"account": "gc_pm", "password": "zhuxin2026", "csrf_token": token}
    )
    assert r.status_code == 302
    r = csrf_client.post("/projects/1/acceptance/accept", data={"ids": "12"})
    assert r.status_code == 400


def test_login_by_phone_or_username_and_wrong_password(client, auth):
    assert auth.login("13800000001").status_code == 302
    auth.logout()
    assert auth.login("gc_pm").status_code == 302
    auth.logout()
    r = auth.login("gc_pm", "wrong")
    assert r.status_code == 401 and "账号或密码不正确" in r.text
    assert client.get("/").status_code == 302


def test_session_cookie_flags(database_url):
    from web import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "ZHUXIN_BACKGROUND": False,
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True  # the default; `make run` turns it off
    r = app.test_client().post(
        "/login", data={"account": "gc_pm", "password": "zhuxin2026"}, base_url="https://localhost"
    )
    cookie = r.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_open_redirect_is_refused(client, auth):
    r = client.post(
        "/login?next=//evil.example/x", data={"account": "gc_pm", "password": "zhuxin2026"}
    )
    assert r.location == "/"


def test_audit_log_is_append_only(client, auth, session):
    auth.login("gc_pm")
    client.post("/projects/1/acceptance/accept", data={"ids": "12"})
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "assignment.accept" and entry.actor.username == "gc_pm"
    entry.action = "tampered"
    with pytest.raises(PermissionError):
        session.flush()
    session.rollback()
    if session.get_bind().dialect.name == "postgresql":  # the database refuses too
        with pytest.raises(Exception, match="append-only"):
            session.execute(text("UPDATE audit_entry SET action = 'x'"))
        session.rollback()


def test_audit_page_shows_who_and_what(client, auth):
    auth.login("gc_pm")
    client.post("/projects/1/acceptance/39/reject", data={"reason": "资料不全"})
    page = client.get("/projects/1/audit").text
    assert "assignment.reject" in page and "王建国" in page and "资料不全" in page


def test_english_switch(client, auth):
    auth.login("gc_pm")
    assert "项目人员接收" in client.get("/projects/1/acceptance").text
    client.get("/lang/en")
    page = client.get("/projects/1/acceptance").text
    assert "Personnel acceptance" in page and "项目人员接收" not in page
    assert "Personnel acceptance" in client.get("/projects/1/acceptance?lang=en").text
