"""Every JSON endpoint answers a wrong JSON type, a body that is no object and a missing field
with 400 naming the field (never a 500, nothing stored)."""

import pytest

from tests.login_helpers import log_in_directly

# endpoint URL: (user, a valid body, {field: wrong values}, required fields)
BODIES = {
    "/api/signin/projects/1/point": ("gc_pm", {"lng": 121.4737, "lat": 31.2304}, {
        "start": [123, ["04:00"], {"h": 4}, True], "end": [1200, [], False],
        "radius": [[300], {"m": 300}, 300.5, True, "abc"], "lng": [[121], {}, True, "x"],
        "lat": [[31], False, 1e400], "system": [1, ["gcj02"], {}]}, ("lng", "lat")),
    "/api/signin/worker-scan": ("w001", {"code": "PCC1:x"}, {
        "code": [1, ["PCC1:x"], {}, True], "lat": [[31.2], {}, True, "north"],
        "lng": [[121.4], "east"], "accuracy": [[5], {}, "abc"],
        "location_error": [1, ["denied"], "later"]}, ("code",)),
    "/api/signin/projects/1/officer-scan": ("w004", {"code": "PCC1:x"}, {
        "code": [2, [], {"c": 1}], "lat": [[1]], "location_error": [{}]}, ("code",)),
    "/api/instances/1/terminate": ("admin", {"reason": "test"}, {
        "reason": [1, ["x"], {"r": 1}, False]}, ()),
    "/api/tasks/1/complete": ("gc_pm", {"decision": "approve"}, {
        "decision": [["approve"], {"d": 1}], "comment": [[1, 2]]}, ()),
}  # fmt: skip
NOT_OBJECTS = [b"[]", b"[1, 2]", b"42", b'"text"', b"null", b"true", b"{not json", b"\xff\xfe"]


def _client(app, user):
    client = app.test_client()
    log_in_directly(client, app, user)
    return client


@pytest.mark.parametrize("url", sorted(BODIES))
def test_a_wrong_json_type_is_a_400_naming_the_field(app, url):
    user, valid, wrong, _required = BODIES[url]
    client = _client(app, user)
    for field, values in wrong.items():
        for value in values:
            r = client.post(url, json={**valid, field: value})
            assert r.status_code == 400, f"{field}={value!r}: {r.status_code} {r.text[:200]}"
            assert r.json["field"] == field and r.json["message"], (field, value, r.json)


@pytest.mark.parametrize("url", sorted(BODIES))
def test_a_body_that_is_no_json_object_is_a_400(app, url):
    client = _client(app, BODIES[url][0])
    for raw in NOT_OBJECTS:
        for content_type in ("application/json", "text/plain"):
            r = client.post(url, data=raw, content_type=content_type)
            assert r.status_code == 400, f"{raw!r} ({content_type}): {r.status_code}"
            assert r.json["field"] == "body" and r.json["reason"] == "not_an_object"


@pytest.mark.parametrize("url", sorted(BODIES))
def test_a_missing_field_is_a_400_naming_it(app, url):
    user, valid, _wrong, required = BODIES[url]
    client = _client(app, user)
    for field in required:
        r = client.post(url, json={k: v for k, v in valid.items() if k != field})
        assert r.status_code == 400 and r.json["field"] == field, r.json


def test_the_point_is_not_changed_by_a_refused_request(app):
    client = _client(app, "gc_pm")
    before = client.post("/api/signin/projects/1/point", json={"lng": 121.4737, "lat": 31.2304,
                                                               "system": "wgs84"}).json  # fmt: skip
    r = client.post("/api/signin/projects/1/point",
                    json={"lng": 121.5, "lat": 31.3, "system": "wgs84", "start": 400})
    assert r.status_code == 400 and r.json["field"] == "start"
    after = client.post("/api/signin/projects/1/point", json={"lng": 121.4737, "lat": 31.2304,
                                                              "system": "wgs84"}).json  # fmt: skip
    assert after["points"] == before["points"]


def test_english_messages_for_json_refusals(app):
    client = _client(app, "gc_pm")
    r = client.post("/api/signin/projects/1/point?lang=en", json={"lng": [1], "lat": 31})
    assert r.json["message"] == "Longitude must be a number"
    r = client.post("/api/signin/projects/1/point?lang=en", data=b"[]",
                    content_type="application/json")
    assert r.json["message"].startswith("The request body must be a JSON object")


@pytest.mark.parametrize("query", ["lat=north&lng=121.4", "lat=31.2&lng=1e999",
                                   "accuracy=abc", "location_error=later"])
def test_location_in_a_query_is_checked_too(app, query):
    r = _client(app, "w001").get(f"/api/signin/ranges?{query}")
    assert r.status_code == 400 and r.json["field"] in ("lat", "lng", "accuracy",
                                                         "location_error")  # fmt: skip


def test_http_refusals_of_the_api_are_the_shared_error_object(app):
    client = _client(app, "gc_pm")
    r = client.delete("/api/ping")
    assert r.status_code == 405 and "GET" in r.headers["Allow"]
    assert r.json == {"ok": False, "error": "method_not_allowed", "reason": "method_not_allowed",
                      "message": "不支持该请求方法"}  # fmt: skip
    r = client.get("/api/tasks/2147483648")
    assert r.status_code == 404 and r.json["error"] == "not_found" and r.json["message"]
    assert client.delete("/projects/1/acceptance").status_code == 405  # a page: the error page
