def test_login_and_acceptance_page(client, auth):
    r = auth.login("13800000001")
    assert r.status_code == 302
    r = client.get("/projects/1/acceptance")
    assert r.status_code == 200, r.text
    assert "项目人员接收" in r.text
