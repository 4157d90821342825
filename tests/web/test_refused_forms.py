"""A refused form comes back as the page it was posted from: the message in the user's language,
every typed value kept, the field at fault marked, nothing written. JSON clients get the
reason code, the message and the field."""

import html
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain.model import Person
from domain.payroll.model import WageLineRow
from tests.web.test_payroll_excel_rates import compiled_gc_table, lines_of

P = "/projects/1/payroll/compilations/{}"


def cell(page: str, name: str) -> str:
    found = re.search(rf'<input name="{re.escape(name)}" value="([^"]*)"', page)
    assert found, f"no input {name}"
    return html.unescape(found.group(1))


def stored(app, comp_id):
    return [(r.day_rate, r.gross, r.deductions, r.deduction_reason, r.net, r.bank_card)
            for r in lines_of(app, comp_id)]  # fmt: skip


@pytest.mark.parametrize(
    "bad, words",
    [("-100", "金额不能为负数：-100"), ("abc", "金额格式不正确：abc"),
     ("100.005", "金额最多两位小数：100.005")],
)  # fmt: skip
@pytest.mark.parametrize("action", ["", "/submit"])
def test_a_bad_amount_in_the_wage_table_keeps_every_edit(app, client, auth, bad, words, action):
    comp_id = compiled_gc_table(app, client, auth)
    first, second = lines_of(app, comp_id)[:2]
    before = stored(app, comp_id)
    url = P.format(comp_id)
    form = {
        f"l-{first.id}-deductions": "100",
        f"l-{first.id}-deduction_reason": "借支 <预支>",
        f"l-{first.id}-net": "1234.50",
        f"l-{second.id}-gross": bad,
        f"l-{second.id}-amount_reason": "加班 <两天>",
    }
    r = client.post(url + action, data=form, headers={"Referer": "http://localhost" + url})
    assert r.status_code == 400
    assert words in r.text and f"（{second.worker_name}）应发工资" in r.text
    for name, value in form.items():
        assert cell(r.text, name) == value  # not only the bad one
    assert f'name="l-{second.id}-gross" value="{html.escape(bad)}"' in r.text
    marked = re.findall(r'<input name="(l-[^"]+)"[^>]*aria-invalid="true"', r.text)
    assert marked == [f"l-{second.id}-gross"]
    assert 'history.replaceState(null, "", "' + url + '")' in r.text
    assert stored(app, comp_id) == before  # a refused save writes nothing


def test_every_bad_cell_is_marked_and_counted(app, client, auth):
    comp_id = compiled_gc_table(app, client, auth)
    first, second = lines_of(app, comp_id)[:2]
    form = {f"l-{first.id}-net": "-1", f"l-{second.id}-day_rate": "x", f"l-{second.id}-net": "1"}
    r = client.post(P.format(comp_id), data=form)  # no referrer: the posted URL is the page
    assert r.status_code == 400 and "有 2 处填写不正确，第一处：第 1 行" in r.text
    marked = re.findall(r'<input name="(l-[^"]+)"[^>]*aria-invalid="true"', r.text)
    assert marked == [f"l-{first.id}-net", f"l-{second.id}-day_rate"]
    assert cell(r.text, f"l-{second.id}-net") == "1"


def test_the_refusal_in_english(app, client, auth):
    comp_id = compiled_gc_table(app, client, auth)
    line = lines_of(app, comp_id)[0]
    client.get("/lang/en")
    r = client.post(P.format(comp_id), data={f"l-{line.id}-gross": "-100"})
    assert r.status_code == 400
    assert f"Row 1 ({line.worker_name}) gross pay: Amount must not be negative: -100" in r.text
    assert "金额" not in r.text


def test_a_good_save_still_saves(app, client, auth):
    comp_id = compiled_gc_table(app, client, auth)
    line = lines_of(app, comp_id)[0]
    r = client.post(P.format(comp_id), data={f"l-{line.id}-gross": "９９"})  # full-width
    assert r.status_code == 302
    assert lines_of(app, comp_id)[0].gross == Decimal("99.00")


def test_a_refused_review_keeps_nothing_of_the_table(app, client, auth):
    """Submitting with rule errors: refused with every bad cell marked, the edits kept."""
    from web.extensions import db

    comp_id = compiled_gc_table(app, client, auth)
    line = lines_of(app, comp_id)[0]
    with app.app_context():
        db.session.execute(  # the worker's record has no CNAPS code: the line takes it at submit
            Person.__table__.update().where(Person.id == line.person_id).values(bank_cnaps="")
        )
        db.session.commit()
    r = client.post(P.format(comp_id) + "/submit", data={f"l-{line.id}-deduction_reason": "押金"})
    assert r.status_code == 400 and "处错误，第一处" in r.text
    assert cell(r.text, f"l-{line.id}-deduction_reason") == "押金"
    with app.app_context():
        assert db.session.scalar(
            select(WageLineRow.deduction_reason).where(WageLineRow.id == line.id)
        ) == ""  # fmt: skip


def test_a_bad_query_parameter_names_the_field(client, auth):
    auth.login("gc_pm")
    r = client.get("/projects/1/signin/attendance?unit_id=abc")
    assert r.status_code == 400 and "【参建单位】应为数字" in r.text and "{label}" not in r.text
    client.get("/lang/en")
    r = client.get("/projects/1/signin/attendance?unit_id=abc")
    assert r.status_code == 400 and "Unit must be a number" in r.text


def test_json_refusals_carry_reason_message_and_field(client, auth):
    auth.login("gc_pm")
    r = client.post("/projects/1/authorisations", data={"person_id": "abc"},
                    headers={"Accept": "application/json"})  # fmt: skip
    assert r.status_code == 400
    assert r.json["reason"] == "not_a_number" and r.json["field"] == "person_id"
    assert r.json["error"] == "invalid_input" and r.json["message"] == "【人员】应为数字"
    r = client.get("/api/projects/1/assignments?unit_id=-1")
    assert r.status_code == 400 and r.json["reason"] == "out_of_range"


def test_control_characters_are_refused_and_the_rest_kept(client, auth):
    auth.login("gc_op")
    r = client.post("/projects/1/workers/new", data={"name": "张\x00三", "phone": "139"},
                    headers={"Referer": "http://localhost/projects/1/workers/new"})  # fmt: skip
    assert r.status_code == 400 and "控制字符" in r.text
    assert re.search(r'name="name" type="text" value="张三"\s+aria-invalid="true"', r.text)
    assert 'value="139"' in r.text


def test_worker_registration_marks_the_field_and_keeps_the_rest(client, auth):
    auth.login("gc_op")
    form = {"name": "测试工人", "id_number": "11010519491231002Y", "phone": "13912345678",
            "trade": "木工", "bank_card": "", "bank_name": "", "bank_cnaps": "", "unit_id": "2"}  # fmt: skip
    r = client.post("/projects/1/workers/new", data=form)
    assert r.status_code == 400 and "身份证号码不正确" in r.text
    assert (
        'name="id_number" type="text" value="11010519491231002Y" maxlength=18 aria-invalid'
        in r.text
    )
    assert 'value="13912345678"' in r.text and '<option value="2" selected>' in r.text


def test_a_forged_referrer_is_no_page_to_show_again(client, auth):
    auth.login("gc_op")
    for referrer in ["/projects/1/payroll/compilations/99999999999999999999", "/static/app.css",
                     "/projects/1/acceptance?unit_id=%00", "/logout", "http://evil.example/x"]:  # fmt: skip
        r = client.post("/projects/1/acceptance/accept", data={"ids": "abc"},
                        headers={"Referer": referrer})  # fmt: skip
        assert r.status_code == 400 and "【人员】应为数字" in r.text, referrer
