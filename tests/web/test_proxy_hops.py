"""Behind a load balancer (ZHUXIN_PROXY_HOPS=1) the login throttle counts each client by the
address the balancer forwards; without it, a forged X-Forwarded-For changes nothing."""

import pytest
from sqlalchemy import select

from domain.logins import LoginAttempt
from web import create_app


def _addresses(app) -> list[str]:
    from web.extensions import db

    with app.app_context():
        return sorted({a for a in db.session.scalars(select(LoginAttempt.address))})


@pytest.mark.parametrize("hops, expected", [(1, ["203.0.113.7"]), (0, ["127.0.0.1"])])
def test_the_throttle_sees_the_forwarded_client_only_behind_a_proxy(app, hops, expected):
    proxied = create_app({**app.config, "ZHUXIN_PROXY_HOPS": hops, "WTF_CSRF_ENABLED": False})
    client = proxied.test_client()
    r = client.post("/login", data={"account": "gc_pm", "password": "wrong-one"},
                    headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert r.status_code in (200, 401)
    assert _addresses(proxied) == expected
