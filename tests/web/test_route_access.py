"""Route × role access: every route answers each demo role as the matrix says.

Refusals: anonymous HTML → redirect to the login page, anonymous JSON → 401; a logged-in user
without the role in the object's scope → 403 (JSON for /api/). Allowed: anything else.
"""


import pytest

from tests.login_helpers import log_in_directly
from tests.web.route_matrix import EVERYONE, PUBLIC, ROUTES

USERNAMES = {"worker": "w001", "officer": "w004"}
ROLES = sorted(EVERYONE)


def test_every_route_has_an_entry(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = endpoints - set(ROUTES)
    assert not missing, f"routes without an access-matrix entry: {sorted(missing)}"
    assert not set(ROUTES) - endpoints, "matrix entries for routes that no longer exist"


def test_every_view_is_guarded(app):
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        assert hasattr(view, "access_policy"), f"{endpoint} has no @guard/@public"


def _login_as(client, app, who: str) -> None:
    log_in_directly(client, app, USERNAMES.get(who, who))


def _call(client, method, url, data):
    return client.open(url, method=method, data=data)


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_by_role(app, endpoint):
    method, url, allowed, data = ROUTES[endpoint]
    anonymous = _call(app.test_client(), method, url, data)
    if allowed == PUBLIC:
        assert anonymous.status_code < 400
    elif url.startswith("/api/"):
        assert anonymous.status_code == 401
    else:
        assert anonymous.status_code == 302 and "/login?next=" in anonymous.location
    for who in ROLES:
        client = app.test_client()
        _login_as(client, app, who)
        r = _call(client, method, url, data)
        refused = r.status_code in (401, 403) or (
            r.status_code == 302 and "/login?next=" in r.location
        )
        expected_refused = allowed != PUBLIC and who not in allowed
        assert refused == expected_refused, f"{endpoint} as {who}: {r.status_code} {r.text[:200]}"
        if expected_refused:
            assert r.status_code == 403
            if url.startswith("/api/"):
                assert r.is_json and r.json["error"] == "forbidden"
