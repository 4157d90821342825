"""项目人员接收 through the web: query, accept one or many, reject with a reason, scope."""

from sqlalchemy import select

from domain.model import Assignment, AuditEntry


def state(session, assignment_id):
    session.expire_all()
    return session.get(Assignment, assignment_id).state


def test_query_by_name_id_trade_and_state(client, auth, session):
    auth.login("gc_pm")
    a = session.get(Assignment, 12)
    r = client.get("/api/projects/1/assignments", query_string={"name": a.person.name})
    assert r.status_code == 200
    assert 12 in [row["id"] for row in r.json["assignments"]]
    r = client.post(  # an ID number only in a body: never in a URL (access logs)
        "/api/projects/1/assignments",
        json={"id_number": a.person.id_number.lower(), "state": "all"},
    )
    assert [row["id"] for row in r.json["assignments"]] == [12]
    r = client.get("/api/projects/1/assignments", query_string={"id_number": a.person.id_number})
    assert r.status_code == 400 and r.json["reason"] == "id_number_in_url"
    r = client.post(  # a part of a number finds nobody: it would unmask the hidden digits
        "/api/projects/1/assignments",
        data={"id_number": a.person.id_number[-6:], "state": "all"},
    )
    assert r.json["assignments"] == []
    r = client.get(
        "/api/projects/1/assignments", query_string={"trade": a.person.trade, "state": "all"}
    )
    assert all(row["trade"] == a.person.trade for row in r.json["assignments"])
    r = client.get("/api/projects/1/assignments", query_string={"state": "assigned"})
    assert sorted(row["id"] for row in r.json["assignments"]) == [
        12,
        13,
        14,
        38,
        39,
        40,
        58,
        59,
        60,
    ]
    page = client.get("/projects/1/acceptance")
    assert "项目人员接收" in page.text and a.person.name in page.text
    assert a.person.id_number not in page.text  # masked


def test_accept_many_and_then_twice(client, auth, session):
    auth.login("13800000001")
    r = client.post("/projects/1/acceptance/accept", data={"ids": ["12", "13"]})
    assert r.status_code == 302
    assert state(session, 12) == state(session, 13) == "accepted"
    r = client.post(
        "/projects/1/acceptance/accept",
        data={"ids": ["12"]},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 409
    assert "已处理" in r.json["message"]


def test_accepting_is_all_or_nothing(client, auth, session):
    auth.login("gc_pm")
    r = client.post(
        "/projects/1/acceptance/accept",
        data={"ids": ["14", "1"]},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 409  # 1 was accepted long ago
    assert state(session, 14) == "assigned"


def test_reject_needs_a_reason(client, auth, session):
    auth.login("suba_op")
    r = client.post(
        "/projects/1/acceptance/39/reject",
        data={"reason": " "},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 400 and r.json["field"] == "reason"
    assert state(session, 39) == "assigned"
    r = client.post("/projects/1/acceptance/39/reject", data={"reason": "证件过期"})
    assert r.status_code == 302
    a = session.get(Assignment, 39)
    assert (a.state, a.reason) == ("rejected", "证件过期")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "assignment.reject"))
    assert '"state": "assigned"' in entry.one().before


def test_subcontractor_sees_only_his_unit(client, auth):
    auth.login("suba_pm")
    rows = client.get("/api/projects/1/assignments", query_string={"state": "all"}).json
    assert {row["unit_id"] for row in rows["assignments"]} == {2}
    page = client.get("/projects/1/acceptance?state=all&unit_id=3")
    assert page.status_code == 200 and "没有符合条件的人员" in page.text


def test_editing_ids_in_the_url_cannot_touch_another_unit(client, auth, session):
    auth.login("suba_op")
    for url, data in [
        ("/projects/1/acceptance/59/reject", {"reason": "x"}),
        ("/projects/1/acceptance/accept", {"ids": "59"}),
        ("/projects/1/acceptance/accept", {"ids": ["38", "59"]}),
    ]:
        r = client.post(url, data=data, headers={"Accept": "application/json"})
        assert r.status_code == 403, url
    assert state(session, 59) == state(session, 38) == "assigned"


def test_other_project_ids_are_refused_or_unknown(client, auth):
    auth.login("gc_pm")
    assert client.get("/projects/2/acceptance").status_code == 403
    assert client.get("/api/projects/999/assignments").status_code == 403
    r = client.post(
        "/projects/1/acceptance/999/reject",
        data={"reason": "x"},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 404
