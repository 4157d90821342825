"""项目角色授权管理: search accepted workers by name, authorise, list, revoke."""

from sqlalchemy import select

from domain.model import Assignment, Authorisation, Person


def test_namesakes_are_told_apart_by_masked_id(client, auth, session):
    auth.login("gc_pm")
    r = client.get("/projects/1/authorisations", query_string={"name": "王伟"})
    assert r.status_code == 200
    wangs = session.scalars(select(Person).where(Person.name == "王伟")).all()
    assert len(wangs) == 2
    for p in wangs:
        assert p.id_number[:6] + "********" + p.id_number[14:] in r.text
        assert p.id_number not in r.text


def test_authorise_list_and_revoke(client, auth, session):
    auth.login("gc_pm")
    person = session.get(Assignment, 2).person
    r = client.post("/projects/1/authorisations", data={"person_id": person.id})
    assert r.status_code == 302
    page = client.get("/projects/1/authorisations").text
    assert person.name in page and "班前签到员" in page
    auth_row = session.scalar(select(Authorisation).where(Authorisation.person_id == person.id))
    again = client.post(
        "/projects/1/authorisations",
        data={"person_id": person.id},
        headers={"Accept": "application/json"},
    )
    assert again.status_code == 409
    r = client.post(f"/projects/1/authorisations/{auth_row.id}/revoke")
    assert r.status_code == 302
    session.expire_all()
    assert session.get(Authorisation, auth_row.id).revoked_at is not None


def test_only_accepted_workers_can_be_authorised(client, auth, session):
    auth.login("gc_pm")
    for assignment_id in (12, 11):  # assigned, rejected
        pid = session.get(Assignment, assignment_id).person_id
        r = client.post(
            "/projects/1/authorisations",
            data={"person_id": pid},
            headers={"Accept": "application/json"},
        )
        assert r.status_code == 400 and r.json["field"] == "person_id"
        assert "项目人员接收" in r.json["message"]


def test_officer_role_follows_the_authorisation(client, auth, session):
    auth.login("w004")
    assert "signin_officer" in client.get("/me").json["roles"]
    auth.logout()
    auth.login("gc_pm")
    client.post("/projects/1/authorisations/1/revoke")
    auth.logout()
    auth.login("w004")
    assert "signin_officer" not in client.get("/me").json["roles"]
