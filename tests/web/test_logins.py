"""Logins (issue 11 item 1): throttled per account and per address with a lockout the GC
manager or administrator lifts, held in the database; unknown accounts answered like known
ones; logout ends the session on the server; a session lifetime; changing the password."""

import time

from sqlalchemy import select

from domain.logins import ACCOUNT_LIMIT, ADDRESS_LIMIT, Lockout, LoginAttempt

GOOD = "zhuxin2026"


def login(client, account, password, address="10.0.0.1"):
    return client.post("/login", data={"account": account, "password": password},
                       environ_base={"REMOTE_ADDR": address})  # fmt: skip


def test_wrong_passwords_lock_the_account_until_the_gc_manager_lifts_it(client, session):
    for _ in range(ACCOUNT_LIMIT):
        assert login(client, "suba_op", "wrong-1").status_code == 401
    r = login(client, "suba_op", GOOD)  # the right password is refused while locked
    assert r.status_code == 429 and "已暂时锁定" in r.text and 'value="suba_op"' in r.text
    assert login(client, "suba_op", GOOD, address="10.9.9.9").status_code == 429  # any address
    lock = session.scalar(select(Lockout).where(Lockout.scope == "account"))
    assert lock.failures == ACCOUNT_LIMIT
    assert login(client, "gc_pm", GOOD, address="10.0.0.2").status_code == 302
    page = client.get("/lockouts").text
    assert "suba_op" in page
    assert client.post(f"/lockouts/{lock.id}/lift").status_code == 302
    client.post("/logout")
    assert login(client, "suba_op", GOOD).status_code == 302


def test_a_gc_manager_may_not_lift_another_projects_lockout_but_the_admin_may(client, session):
    for _ in range(ACCOUNT_LIMIT):
        login(client, "admin", "wrong-1")
    lock = session.scalar(select(Lockout))
    login(client, "gc_pm", GOOD, address="10.0.0.2")
    assert "admin" not in client.get("/lockouts").text.split("<tbody>")[1]
    assert client.post(f"/lockouts/{lock.id}/lift").status_code == 403
    client.post("/logout")
    assert login(client, "gc_op", GOOD).status_code == 302
    assert client.get("/lockouts").status_code == 403  # not his to lift


def test_many_failures_from_one_address_lock_the_address(client):
    for n in range(ADDRESS_LIMIT):
        login(client, f"nobody{n}", "x", address="10.6.6.6")
    assert login(client, "gc_pm", GOOD, address="10.6.6.6").status_code == 429
    assert login(client, "gc_pm", GOOD, address="10.6.6.7").status_code == 302


def test_an_unknown_account_gets_the_same_answer_in_about_the_same_time(client, session):
    def timed(account):
        started = time.perf_counter()
        r = login(client, account, "wrong-password-1", address=f"10.1.1.{len(account)}")
        return r, time.perf_counter() - started

    known, t_known = timed("gc_pm")
    unknown, t_unknown = timed("nobody-at-all")
    assert known.status_code == unknown.status_code == 401
    assert "账号或密码不正确" in known.text and "账号或密码不正确" in unknown.text
    assert t_unknown > 0.3 * t_known  # both verify an argon2 hash
    assert session.scalar(select(LoginAttempt.account_key)).isalnum()  # a digest, not the name


def test_logout_ends_the_session_on_the_server(client):
    login(client, "gc_pm", GOOD)
    saved = client.get_cookie("session").value
    assert client.get("/inbox").status_code == 200
    client.post("/logout")
    client.set_cookie("session", saved)  # the cookie saved before logout
    assert client.get("/inbox").status_code == 302


def test_a_session_ends_after_its_lifetime(client):
    login(client, "gc_pm", GOOD)
    with client.session_transaction() as s:
        s["login_at"] = int(time.time()) - 13 * 3600
    assert client.get("/inbox").status_code == 302


def test_the_cookie_is_written_at_login_not_again_on_every_request(client):
    """The lifetime counts from the login, so an answer that changes nothing in the session
    does not re-sign the cookie (a sign-in answer included: that work is on the hot path)."""
    r = login(client, "gc_pm", GOOD)
    assert "session=" in r.headers.get("Set-Cookie", "")
    client.get("/inbox")  # shows (and so removes) what the login flashed
    r = client.get("/inbox")
    assert r.status_code == 200 and "Set-Cookie" not in r.headers


def test_changing_the_password_ends_the_other_sessions(app, client):
    other = app.test_client()
    login(client, "gc_op", GOOD)
    login(other, "gc_op", GOOD, address="10.0.0.3")
    r = client.post("/password", data={"current": "nope", "password": "abc12345",
                                       "password_again": "abc12345"})  # fmt: skip
    assert r.status_code == 400 and "当前密码不正确" in r.text
    r = client.post("/password", data={"current": GOOD, "password": "short1",
                                       "password_again": "short1"})  # fmt: skip
    assert r.status_code == 400 and "至少 8 位" in r.text
    r = client.post("/password", data={"current": GOOD, "password": "newpass2027",
                                       "password_again": "newpass2027"})  # fmt: skip
    assert r.status_code == 302
    assert client.get("/inbox").status_code == 200  # this session goes on
    assert other.get("/inbox").status_code == 302  # the other one is over
    client.post("/logout")
    assert login(client, "gc_op", GOOD).status_code == 401
    assert login(client, "gc_op", "newpass2027").status_code == 302


def test_the_lock_message_in_english(client):
    client.get("/lang/en")
    for _ in range(ACCOUNT_LIMIT):
        login(client, "subb_op", "wrong-1")
    r = login(client, "subb_op", GOOD)
    assert r.status_code == 429 and "Too many failed logins" in r.text
