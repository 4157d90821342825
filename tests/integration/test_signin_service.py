"""Sign-in services (班前签到) on the demo database: both directions, every refusal, one per day."""

from datetime import date, datetime, timedelta
from io import BytesIO
from itertools import islice

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from domain.access import load_actor
from domain.clock import SHANGHAI
from domain.errors import AccessDenied, InvalidInput
from domain.model import Person, Project, User
from domain.signin import queries, service
from domain.signin.coords import Point
from domain.signin.errors import SignInRefused
from domain.signin.export import write_attendance_xlsx
from domain.signin.geofence import LocationFix
from domain.signin.model import Attendance
from domain.signin.tokens import generate_key_pair, issue_code
from services import signin as signin_services
from web.runtime import uow

# A day far from the demo's month of sign-ins, inside the default hours 04:00–12:00.
NOW = datetime(2030, 1, 15, 7, 12, 30, tzinfo=SHANGHAI)
TODAY = NOW.date()
PRIVATE, PUBLIC = generate_key_pair()
CODES = service.CodeCheck(PUBLIC, 10)
WORKER, OFFICER = 1, 4  # person ids of w001 (worker) and w004 (the demo sign-in officer)


def actor(session, username: str):
    return load_actor(session, session.scalar(select(User).where(User.username == username)))


def code(person_id: int, at: datetime = NOW, key=PRIVATE) -> str:
    return issue_code(key, person_id, at)


def site_fix(session, d_lat: float = 0.0, accuracy: float = 10.0) -> LocationFix:
    p = session.get(Project, 1)
    return LocationFix(Point(p.signin_lat + d_lat, p.signin_lng), accuracy)


def worker_scan(session, who="w001", token=None, fix="site", at=NOW, **kw):
    fix = site_fix(session) if fix == "site" else fix
    token = token or code(OFFICER, at)
    return signin_services.worker_scan(
        uow(), actor(session, who), token, fix, at, "pytest", codes=CODES, **kw
    )


def officer_scan(session, person_id=WORKER, who="w004", token=None, fix="site", at=NOW, **kw):
    fix = site_fix(session) if fix == "site" else fix
    token = token or code(person_id, at)
    return signin_services.officer_scan(
        uow(), actor(session, who), 1, token, fix, at, "pytest", codes=CODES, **kw
    )


def refusal(fn, *args, **kwargs) -> SignInRefused:
    with pytest.raises(SignInRefused) as info:
        fn(*args, **kwargs)
    return info.value


def records(session, person_id=WORKER, day=TODAY) -> int:
    return session.scalar(
        select(func.count()).where(Attendance.person_id == person_id, Attendance.day == day)
    )


def test_worker_scans_the_officers_code(session):
    result = worker_scan(session)
    assert (result.person_name, result.project_id, result.time_label) == (
        session.get(Person, WORKER).name,
        1,
        "07:12",
    )
    row = session.get(Attendance, result.attendance_id)
    assert (row.method, row.officer_person_id, row.unit_id, row.day) == (
        "worker_scan",
        OFFICER,
        1,
        date(2030, 1, 15),
    )
    assert row.worker_lat is not None and row.officer_lat is None
    assert row.accuracy_m == 10.0 and row.distance_m < 1 and row.device == "pytest"
    assert not row.makeup


def test_officer_scans_a_workers_code(session):
    result = officer_scan(session, person_id=2)
    row = session.get(Attendance, result.attendance_id)
    assert (row.method, row.person_id, row.officer_person_id) == ("officer_scan", 2, OFFICER)
    assert row.officer_lat is not None and row.worker_lat is None


def test_a_second_scan_answers_already_signed_with_the_first_time(session):
    worker_scan(session)
    later = NOW + timedelta(minutes=30)
    err = refusal(officer_scan, session, at=later)
    assert err.reason == "already_signed" and err.params["time"] == "07:12"
    assert err.message("zh") == "今日已签到 07:12"
    assert err.extra["person_name"] == session.get(Person, WORKER).name
    err = refusal(worker_scan, session, at=later)
    assert err.reason == "already_signed"
    assert records(session) == 1


def test_a_refused_scan_of_someone_signed_today_says_already_signed(session):
    worker_scan(session)
    err = refusal(worker_scan, session, at=NOW.replace(hour=13))  # outside hours, but signed
    assert err.reason == "already_signed"


def test_one_record_per_day(session):
    worker_scan(session)
    worker_scan(session, at=NOW + timedelta(days=1))
    assert records(session) == 1 and records(session, day=NOW.date() + timedelta(1)) == 1


@pytest.mark.parametrize(
    "token, reason",
    [
        (lambda: code(OFFICER, NOW - timedelta(seconds=200)), "code_expired"),
        (lambda: code(OFFICER, NOW + timedelta(seconds=60)), "code_not_yet_valid"),
        (lambda: code(OFFICER, key=generate_key_pair()[0]), "code_forged"),
        (lambda: "https://example.com/not-a-code", "code_malformed"),
    ],
)
def test_codes_that_are_not_genuine_and_current(session, token, reason):
    assert refusal(worker_scan, session, token=token()).reason == reason
    assert refusal(officer_scan, session, token=token()).reason == reason
    assert records(session) == 0


def test_skew_is_tolerated_up_to_ten_seconds(session):
    worker_scan(session, token=code(OFFICER, NOW - timedelta(seconds=129)))
    err = refusal(officer_scan, session, person_id=2, token=code(2, NOW - timedelta(seconds=131)))
    assert err.reason == "code_expired"


def test_not_accepted(session):
    # w012 is still *assigned* (not accepted): he cannot sign in, nor be signed in.
    assert refusal(worker_scan, session, who="w012").reason == "not_accepted"
    assert refusal(officer_scan, session, person_id=12).reason == "not_accepted"
    assert records(session, 12) == 0


def test_officer_not_authorised(session):
    # The code of a plain worker is no officer's code, and a plain worker cannot scan for others.
    assert refusal(worker_scan, session, token=code(2)).reason == "officer_not_authorised"
    assert refusal(officer_scan, session, who="w002").reason == "officer_not_authorised"


def test_out_of_range_names_the_distance(session):
    err = refusal(worker_scan, session, fix=site_fix(session, d_lat=0.01, accuracy=20))
    assert err.reason == "out_of_range"
    assert err.params == {"distance": 1112, "radius": 300}
    assert "1112 米" in err.message("zh") and "1112 m" in err.message("en")
    err = refusal(officer_scan, session, fix=site_fix(session, d_lat=0.01))
    assert err.reason == "out_of_range"


def test_accuracy_counts_up_to_the_cap(session):
    # 330 m away: inside with 40 m accuracy (330 - 40 <= 300), outside with 20 m.
    assert refusal(worker_scan, session, fix=site_fix(session, 0.002968, 20)).reason == (
        "out_of_range"
    )
    worker_scan(session, fix=site_fix(session, 0.002968, 40))


def test_point_not_set_asks_for_the_project_manager(session):
    fix = site_fix(session)
    session.get(Project, 1).signin_lat = None
    session.commit()
    err = refusal(worker_scan, session, fix=fix)
    assert err.reason == "point_not_set" and "项目经理" in err.message("zh")
    assert refusal(officer_scan, session, fix=fix).reason == "point_not_set"


def test_outside_sign_in_hours(session):
    err = refusal(worker_scan, session, at=NOW.replace(hour=12, minute=0))
    assert err.reason == "outside_hours" and "04:00–12:00" in err.message("zh")
    err = refusal(officer_scan, session, at=NOW.replace(hour=3, minute=59))
    assert err.reason == "outside_hours"


def test_hours_are_per_project(session):
    p = session.get(Project, 1)
    p.signin_start, p.signin_end = "13:00", "24:00"
    session.commit()
    worker_scan(session, at=NOW.replace(hour=23, minute=30))


def test_location_missing_or_denied(session):
    assert refusal(worker_scan, session, fix=None).reason == "location_missing"
    assert refusal(officer_scan, session, fix=None, location_error="denied").reason == (
        "location_denied"
    )


def test_amap_point_and_a_phone_at_the_true_place_are_metres_apart(session):
    # domain.md §3: WGS (31.2304, 121.4737) is GCJ (31.228458, 121.478223), ~481 m apart.
    gc_pm = actor(session, "gc_pm")
    signin_services.set_signin_point(uow(), gc_pm, 1, 121.478223, 31.228458, "gcj02", 100)
    phone = LocationFix(Point(31.2304, 121.4737), 5.0)
    result = worker_scan(session, fix=phone)
    assert result.distance_m < 2
    signin_services.set_signin_point(uow(), gc_pm, 1, 121.478223, 31.228458, "wgs84", 100)
    err = refusal(officer_scan, session, person_id=2, fix=phone)
    assert err.reason == "out_of_range" and 470 < err.params["distance"] < 490


def test_only_the_gc_manager_sets_the_point(session):
    with pytest.raises(AccessDenied):
        signin_services.set_signin_point(uow(), actor(session, "gc_op"), 1, 121.4, 31.2)
    gc_pm = actor(session, "gc_pm")
    with pytest.raises(InvalidInput):
        signin_services.set_signin_point(uow(), gc_pm, 1, 121.4, 31.2, "mars")
    with pytest.raises(InvalidInput):
        signin_services.set_signin_point(uow(), gc_pm, 1, 121.4, 31.2, radius=5)
    with pytest.raises(InvalidInput):
        signin_services.set_signin_point(uow(), gc_pm, 1, 31.2, 121.4)  # latitude 121 is no latitude
    with pytest.raises(InvalidInput):
        signin_services.set_signin_point(uow(), gc_pm, 1, 121.4, 31.2, start="13:00", end="12:00")
    p = signin_services.set_signin_point(uow(), gc_pm, 1, 121.4, 31.2, "bd09", 250, "05:00", "10:30").project
    views = service.point_views(p)
    assert abs(views["bd09"].lng - 121.4) < 1e-7 and abs(views["bd09"].lat - 31.2) < 1e-7
    assert (p.signin_radius_m, p.signin_start, p.signin_end) == (250, "05:00", "10:30")


def test_attendance_lists_are_scoped_to_the_units(session):
    officer_scan(session, person_id=1)  # unit 1
    officer_scan(session, person_id=16)  # unit 2
    q = queries.AttendanceQuery(day_from=NOW.date(), day_to=NOW.date())
    assert {
        a.person_id for a in queries.list_attendance(session, actor(session, "gc_pm"), 1, q)
    } == {
        1,
        16,
    }
    sub_a = queries.list_attendance(session, actor(session, "suba_pm"), 1, q)
    assert [a.person_id for a in sub_a] == [16]
    q.method = "worker_scan"
    assert queries.list_attendance(session, actor(session, "gc_pm"), 1, q) == []
    counts = queries.counts_per_day(session, actor(session, "suba_op"), 1, NOW.date(), 3)
    assert counts[-1] == (NOW.date(), 1)


def test_demo_has_a_month_of_sign_ins_and_export(session):
    today = datetime.now(SHANGHAI).date()
    q = queries.AttendanceQuery(day_from=today - timedelta(30), day_to=today)
    rows = queries.list_attendance(session, actor(session, "gc_pm"), 1, q)
    assert len(rows) > 500
    out = BytesIO()
    write_attendance_xlsx(islice(queries.export_rows(session, actor(session, "gc_pm"), 1, q), 20),
                          "项目", "zh", out)  # fmt: skip
    wb = load_workbook(out)
    sheet = wb.active
    assert sheet["A1"].value == "项目" and sheet["C2"].value == "姓名" and sheet.max_row == 22


def test_my_calendar(session):
    worker_scan(session)
    cal = queries.my_calendar(session, actor(session, "w001"), 2030, 1)
    assert cal.signed_days == 1 and cal.by_day[NOW.date()][0].method == "worker_scan"
    assert len(cal.weeks) >= 4
