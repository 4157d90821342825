"""Nothing on the sign-in hot path outlives a change: grants are read in every request (one
query) but the scan's, which may use the officer's actor as this process read it last and
checks his login and post inside its insert, as it checks the per-process sign-in point hint."""

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


# The scan may be given the officer's actor as this process read it last (a hint, to spare the
# query); each of these changes must still count from the very next scan.


def _scan(client, app, person_id, lat, lng):
    return client.post(SCAN, json={"code": a_code(app, person_id), "lat": lat, "lng": lng})


def _signed(app, person_id) -> bool:
    from sqlalchemy import select

    from domain.signin.model import Attendance
    from web.extensions import db

    with app.app_context():
        return db.session.scalar(select(Attendance.id).where(
            Attendance.person_id == person_id, Attendance.device.is_distinct_from("demo"))) is not None  # fmt: skip


def test_a_cookie_saved_before_logout_scans_no_more(app, open_all_day):  # noqa: F811
    lat, lng = open_all_day
    officer = login(app, "officer")
    assert _scan(officer, app, 2, lat, lng).status_code == 200
    saved = officer.get_cookie("session").value
    officer.post("/logout")
    officer.set_cookie("session", saved)
    r = _scan(officer, app, 3, lat, lng)
    assert r.status_code == 401 and r.json["error"] == "login_required"
    assert not _signed(app, 3)


def test_a_deactivated_officer_scans_no_more(app, open_all_day):  # noqa: F811
    from sqlalchemy import update

    from domain.model import User
    from web.extensions import db

    lat, lng = open_all_day
    officer = login(app, "officer")
    assert _scan(officer, app, 2, lat, lng).status_code == 200
    with app.app_context():
        db.session.execute(update(User).where(User.username == "w004").values(is_active=False))
        db.session.commit()
    assert _scan(officer, app, 3, lat, lng).status_code == 401
    assert not _signed(app, 3)


def test_an_officer_authorised_again_scans_at_once(app, open_all_day):  # noqa: F811
    from sqlalchemy import select

    from domain.model import Authorisation
    from web.extensions import db

    lat, lng = open_all_day
    officer, manager = login(app, "officer"), login(app, "gc_pm")
    assert manager.post("/projects/1/authorisations/1/revoke").status_code == 302
    assert _scan(officer, app, 2, lat, lng).status_code == 403  # the process now holds this
    with app.app_context():
        person_id = db.session.get(Authorisation, 1).person_id
    assert manager.post("/projects/1/authorisations", data={"person_id": person_id}).status_code == 302
    assert _scan(officer, app, 2, lat, lng).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(Authorisation.id).where(
            Authorisation.person_id == person_id, Authorisation.revoked_at.is_(None))) is not None  # fmt: skip


def test_the_usual_scan_reads_no_login_on_postgresql(app, open_all_day, monkeypatch):  # noqa: F811
    """After the first scan of a login, a scan reads neither the login nor the grants: its one
    INSERT … SELECT checks them (PostgreSQL). On SQLite every scan takes the full path, which
    reads them."""
    import domain.signin.service
    import web.login_session
    from web.extensions import db

    lat, lng = open_all_day
    officer = login(app, "officer")
    assert _scan(officer, app, 2, lat, lng).status_code == 200
    reads: list[int] = []
    for module in (web.login_session, domain.signin.service):
        real = module.load_session_login
        monkeypatch.setattr(module, "load_session_login",
                            lambda session, user_id, real=real: reads.append(user_id) or real(session, user_id))  # fmt: skip
    assert _scan(officer, app, 3, lat, lng).status_code == 200
    with app.app_context():
        dialect = db.engine.dialect.name
    assert (reads == []) if dialect == "postgresql" else reads
    assert _signed(app, 3)
