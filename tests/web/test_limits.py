"""Request limits (issue 11 item 4): a body over the limit is refused with 413 and the limit
named, before it is parsed (CSRF included); uploads get their larger, explicit limits."""

import io

from web import limits


def test_a_large_anonymous_post_is_refused_before_parsing(client):
    r = client.post("/login", data={"account": "x" * (2 * limits.MB)})
    assert r.status_code == 413 and "上限 1 MB" in r.text


def test_a_large_json_body_is_refused_with_json(client, auth):
    auth.login("gc_op")
    r = client.post("/api/tasks/1/complete", json={"x": "y" * (2 * limits.MB)})
    assert r.status_code == 413 and r.json["reason"] == "too_large"


def test_a_diagram_has_its_own_smaller_limit_and_a_photo_upload_a_larger_one(client, auth):
    auth.login("admin")
    big = io.BytesIO(b"<!--" + b"x" * (3 * limits.MB) + b"-->")
    r = client.post("/admin/processes/deploy", data={"file": (big, "big.bpmn")},
                    content_type="multipart/form-data")
    assert r.status_code == 413 and "上限 2 MB" in r.text
    assert limits.limit_for("project.worker_new", "multipart/form-data") == limits.UPLOAD
    assert limits.limit_for("project.worker_new", "application/x-www-form-urlencoded") == (
        limits.DEFAULT)


def test_the_message_is_english_too(client):
    client.get("/lang/en")
    r = client.post("/login", data={"account": "x" * (2 * limits.MB)})
    assert r.status_code == 413 and "at most 1 MB" in r.text
