"""Every list pages and every export holds every row: 10,000 sign-ins (more than a page and
more than the former 2,000 cap) on 考勤记录, its .xlsx and its .csv."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select

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
