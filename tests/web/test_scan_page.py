"""The worker's scan page before he scans: the hours, 今日已签到 07:12, and the button green
only inside the range, inside the hours and not yet signed in (``/api/signin/ranges``)."""

from datetime import UTC, datetime

from sqlalchemy import delete, select

from domain.clock import SHANGHAI, today_in_shanghai
from domain.model import Assignment, Project
from domain.signin.hours import clock_label
from domain.signin.model import Attendance
from tests.login_helpers import log_in_directly
from tests.retention_helpers import deleting_allowed
from web.extensions import db


def not_signed_today(app):
    with app.app_context():
        with deleting_allowed(db.session):
            db.session.execute(delete(Attendance).where(
                Attendance.person_id == 1, Attendance.day == today_in_shanghai()))  # fmt: skip
        db.session.commit()


def worker(app):
    client = app.test_client()
    log_in_directly(client, app, "w001")
    return client


def ranges(client, lat, lng):
    return client.get(f"/api/signin/ranges?lat={lat}&lng={lng}&accuracy=5").json


def test_green_inside_the_range_and_hours_then_grey_once_signed(app, open_all_day):
    lat, lng = open_all_day
    not_signed_today(app)
    client = worker(app)
    answer = ranges(client, lat, lng)
    (site,) = [s for s in answer["sites"] if s["project_id"] == 1]
    assert answer["can_sign_in"] and site["can_sign_in"] and site["open_now"]
    assert (site["signed_today"], site["blocked"], site["hours"]) == (None, None, "00:00–24:00")
    page = client.get("/signin/scan").text
    assert "签到时间 00:00–24:00" in page and 'class="signed"' not in page
    now = datetime.now(UTC).replace(microsecond=0)
    with app.app_context():
        unit = db.session.scalar(select(Assignment.unit_id).where(Assignment.person_id == 1,
                                                                  Assignment.project_id == 1))  # fmt: skip
        db.session.add(Attendance(project_id=1, unit_id=unit, person_id=1, day=today_in_shanghai(),
                                  signed_at=now.replace(tzinfo=None), method="worker_scan"))  # fmt: skip
        db.session.commit()
    (site,) = [s for s in ranges(client, lat, lng)["sites"] if s["project_id"] == 1]
    assert not site["can_sign_in"] and site["signed_today"] == clock_label(now)
    assert site["blocked"]["reason"] == "already_signed"
    page = client.get("/signin/scan").text
    assert f"今日已签到 {clock_label(now)}" in page and 'class="signed"' in page
    assert f"Signed in today at {clock_label(now)}" in client.get("/signin/scan?lang=en").text


def test_grey_outside_the_hours_even_inside_the_range(app, open_all_day):
    lat, lng = open_all_day
    not_signed_today(app)
    hour = datetime.now(SHANGHAI).hour
    start, end = ("12:00", "13:00") if hour < 2 or hour >= 14 else ("00:00", "01:00")
    if 12 <= hour < 14:
        start, end = "20:00", "21:00"
    with app.app_context():
        project = db.session.get(Project, 1)
        project.signin_start, project.signin_end = start, end
        db.session.commit()
    answer = ranges(worker(app), lat, lng)
    (site,) = [s for s in answer["sites"] if s["project_id"] == 1]
    assert site["inside"] and not site["open_now"] and not site["can_sign_in"]
    assert (
        site["blocked"]["reason"] == "outside_hours"
        and f"{start}–{end}" in site["blocked"]["message"]
    )
    page = worker(app).get("/signin/scan").text
    assert f"签到时间 {start}–{end}" in page and f"不在签到时间内（签到时间 {start}–{end}）" in page


def test_the_openapi_describes_the_answer(app):
    from web.signin.openapi import PATHS, SCHEMAS

    props = SCHEMAS["Site"]["properties"]
    assert {"hours", "open_now", "signed_today", "blocked", "can_sign_in"} <= props.keys()
    assert SCHEMAS["Ranges"]["properties"]["sites"]["items"] is SCHEMAS["Site"]
    assert "Ranges" in str(PATHS["/api/signin/ranges"]["get"]["responses"]["200"])
