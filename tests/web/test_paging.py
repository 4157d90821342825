"""Every list pages and every export holds every row: 10,000 sign-ins (more than a page and
more than the former 2,000 cap) on 考勤记录, its .xlsx and its .csv."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select, text

from domain.paging import PageRequest, page_request
from tests.login_helpers import log_in_directly

ROWS = 10_000
FIRST = date(1990, 1, 1)  # long before the demo's own sign-ins
RANGE = "from=1990-01-01&to=2010-12-31"


def _many_sign_ins(app, count: int = ROWS) -> None:
    from domain.model import Assignment
    from domain.signin.model import Attendance
    from web.extensions import db

    with app.app_context():
        people = db.session.execute(select(Assignment.person_id, Assignment.unit_id)
                                    .where(Assignment.project_id == 1)).all()  # fmt: skip
        rows = [
            {"project_id": 1, "unit_id": unit, "person_id": person, "day": FIRST + timedelta(n),
             "signed_at": FIRST + timedelta(n, hours=7), "method": "worker_scan"}
            for n in range(-(-count // len(people)))
            for person, unit in people
        ][:count]  # fmt: skip
        db.session.execute(insert(Attendance), rows)
        db.session.commit()


@pytest.fixture
def many(app):
    _many_sign_ins(app)
    client = app.test_client()
    log_in_directly(client, app, "gc_pm")
    return client


def test_page_request_reads_bad_numbers_as_the_first_page():
    assert page_request({"page": "x", "size": "7"}) == PageRequest(1, 50)
    assert page_request({"page": "-3", "size": "100"}) == PageRequest(1, 100)
    assert page_request({"page": "9" * 30}) == PageRequest(1, 50)
    assert page_request({"page": "3", "size": "20"}) == PageRequest(3, 20)


def test_attendance_pages_show_the_total_and_keep_the_filters(many):
    page = many.get(f"/projects/1/signin/attendance?{RANGE}&size=100").text
    assert "共 10000 条签到" in page and "第 1/100 页 · 共 10000 条" in page
    assert page.count("<tr>") + page.count('<tr class="makeup">') == 101  # header + 100 rows
    nxt = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    assert "from=1990-01-01" in nxt and "size=100" in nxt and "page=2" in nxt
    last = many.get(f"/projects/1/signin/attendance?{RANGE}&size=100&page=100").text
    assert "第 100/100 页" in last and 'rel="next"' not in last
    past = many.get(f"/projects/1/signin/attendance?{RANGE}&page=99999").text
    assert "第 200/200 页" in past  # a page past the end is the last page, never an error
    bad = many.get(f"/projects/1/signin/attendance?{RANGE}&page=abc&size=abc")
    assert bad.status_code == 200 and "第 1/200 页" in bad.text


def test_attendance_api_pages_too(many):
    api = many.get(f"/api/signin/projects/1/attendance?{RANGE}&size=200&page=2").json
    assert api["total"] == ROWS and api["pages"] == 50 and len(api["attendance"]) == 200


def test_exports_hold_every_row(many):
    xlsx = many.get(f"/projects/1/signin/attendance.xlsx?{RANGE}&page=3&size=20")
    assert xlsx.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(xlsx.data), read_only=True).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == ROWS and rows[0][2] and "*" in rows[0][3]  # the ID number masked
    text = many.get(f"/projects/1/signin/attendance.csv?{RANGE}").data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:3] == ["日期", "签到时间", "姓名"] and len(lines) == ROWS + 1


def _every_id(app, by_team: bool = False) -> list[int]:
    """The ids of every sign-in of RANGE in the list's order (the unpaged query)."""
    from domain.access import load_actor
    from domain.model import User
    from domain.signin import queries
    from web.extensions import db

    with app.app_context():
        gc_pm = db.session.scalar(select(User).where(User.username == "gc_pm"))
        q = queries.AttendanceQuery(day_from=FIRST, day_to=date(2010, 12, 31), by_team=by_team)
        return [
            a.id for a in queries.list_attendance(db.session, load_actor(db.session, gc_pm), 1, q)
        ]


@pytest.mark.parametrize("group", ["", "&group=team"])
def test_pages_read_backwards_from_the_end_hold_the_same_rows(app, many, group):
    """A page in the second half is read in the reversed order from the end and turned round
    (paging.paginate_keys): every page, either way, is its slice of the one unpaged order."""
    every = _every_id(app, by_team=bool(group))
    assert len(every) == ROWS
    for number in (1, 24, 25, 26, 27, 49, 50):  # 50 pages of 200: 26 on are read backwards
        api = many.get(f"/api/signin/projects/1/attendance?{RANGE}{group}&size=200&page={number}")
        ids = [a["id"] for a in api.json["attendance"]]
        assert ids == every[(number - 1) * 200 : number * 200], number


def test_people_are_counted_once_however_many_sign_ins(app, many):
    """共 N 条签到，P 人: P is the workers with a sign-in of the filters (looked up per worker)."""
    from domain.signin.model import Attendance
    from web.extensions import db

    with app.app_context():
        signed = set(db.session.scalars(select(Attendance.person_id).where(
            Attendance.project_id == 1, Attendance.day <= date(2010, 12, 31))))  # fmt: skip
    page = many.get(f"/projects/1/signin/attendance?{RANGE}").text
    assert f"共 10000 条签到，{len(signed)} 人" in page
    one = many.get(f"/api/signin/projects/1/attendance?{RANGE}&size=200").json["attendance"][0]
    named = many.get(f"/projects/1/signin/attendance?{RANGE}&name={one['name']}").text
    assert re.search(r"条签到，1 人", named)


@pytest.mark.postgres
def test_a_long_list_shows_the_estimate_and_its_last_page_is_the_last_rows(app, many, monkeypatch):
    """Beyond paging.COUNT_EXACTLY rows PostgreSQL's estimate is the total (约 N 条, in both
    languages); the last page is then the last ``size`` rows, read backwards from the end."""
    from domain import paging
    from web.extensions import db

    monkeypatch.setattr(paging, "COUNT_EXACTLY", 1000)
    with app.app_context():
        db.session.execute(text("ANALYZE attendance"))
        db.session.commit()
    page = many.get(f"/projects/1/signin/attendance?{RANGE}&size=100").text
    found = re.search(r"第 1/约 (\d+) 页 · 约 (\d+) 条", page)
    assert found and "条签到" in page and abs(int(found.group(2)) - ROWS) < ROWS // 2
    api = many.get(f"/api/signin/projects/1/attendance?{RANGE}&size=100&page=99999").json
    assert api["estimated"] and api["page"] == api["pages"]
    assert [a["id"] for a in api["attendance"]] == _every_id(app)[-100:]
    sub = app.test_client()  # a unit's manager: the estimate of a statement with IN (his units)
    log_in_directly(sub, app, "suba_pm")
    mine = sub.get(f"/api/signin/projects/1/attendance?{RANGE}&size=20").json
    assert 0 < mine["total"] < ROWS and len(mine["attendance"]) == 20
    many.get("/lang/en")
    english = many.get(f"/projects/1/signin/attendance?{RANGE}").text
    assert re.search(r"of about \d+ · about \d+ in all", english) and "About " in english
