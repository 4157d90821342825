"""Nothing on the sign-in hot path outlives a change: grants are read in every request (one
query, no cache), and the per-process sign-in point hint is checked inside the insert."""

from domain.model import Project
from tests.web.test_signin_pages import a_code, login

SCAN = "/api/signin/projects/1/officer-scan"


def test_a_revoked_officer_is_refused_on_his_next_request(app, open_all_day):  # noqa: F811
    lat, lng = open_all_day
    officer, manager = login(app, "officer"), login(app, "gc_pm")
    ok = officer.post(SCAN, json={"code": a_code(app, 2), "lat": lat, "lng": lng})
    assert ok.status_code == 200 and ok.json["ok"]
    assert manager.post("/projects/1/authorisations/1/revoke").status_code == 302
    # the same session, the very next request: the grant is gone
    r = officer.post(SCAN, json={"code": a_code(app, 3), "lat": lat, "lng": lng})
    assert r.status_code == 403
    assert "signin_officer" not in officer.get("/me").json["roles"]


def test_a_moved_sign_in_point_counts_from_the_next_scan(app, open_all_day):  # noqa: F811
    lat, lng = open_all_day
    officer = login(app, "officer")
    first = officer.post(SCAN, json={"code": a_code(app, 2), "lat": lat, "lng": lng})
    assert first.json["ok"]  # the process now holds the point as a hint
    from web.extensions import db

    with app.app_context():  # the manager moves the point 1.1 km north
        db.session.get(Project, 1).signin_lat = lat + 0.01
        db.session.commit()
    old = officer.post(SCAN, json={"code": a_code(app, 3), "lat": lat, "lng": lng})
    assert old.status_code == 422 and old.json["reason"] == "out_of_range"
    new = officer.post(SCAN, json={"code": a_code(app, 3), "lat": lat + 0.01, "lng": lng})
    assert new.status_code == 200 and new.json["distance_m"] == 0
