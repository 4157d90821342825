"""Issue 9 items 4, 7 and 8 through the pages, the generic task API and the Excel import: a
month paid once (the batch form, back pay as a choice of kind), money documents within the
user's scope (summary file, Excel, card numbers, exact ID search), amounts that make sense
(flags that need a reason, shown to reviewers; numbers beyond the columns refused)."""

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from domain.model import Person
from domain.payroll.model import Compilation, WageBatch, WageLineRow
from engine.models import HumanTask
from tests.web.payroll_helpers import configure_payroll, confirm_lines, drive_to_enterprise_signing
from tests.web.test_payroll_excel_rates import MONTH, as_user, compiled_gc_table, lines_of, ok

P = "/projects/1/payroll"


def one(app, model, **where):
    from web.extensions import db

    with app.app_context():
        row = db.session.scalar(select(model).filter_by(**where).order_by(model.id.desc()))
        db.session.expunge_all()
        return row


def set_lines(app, comp_id, **values):
    from web.extensions import db

    with app.app_context():
        for row in db.session.scalars(
            select(WageLineRow).where(WageLineRow.compilation_id == comp_id)
        ):
            for key, value in values.items():
                setattr(row, key, value)
        db.session.commit()


# --- item 4: one pay period is paid once --------------------------------------------------


def test_the_batch_form_refuses_a_second_batch_of_the_month_with_the_input_kept(app, client, auth):
    as_user(client, auth, "gc_pm")
    ok(client.post(P + "/settlement", data={"day": "25"}))
    ok(client.post(P + "/batches", data={"month": MONTH, "kind": "regular"}))
    first = one(app, WageBatch, project_id=1)
    r = client.post(P + "/batches", data={"month": MONTH, "kind": "regular"},
                    headers={"Referer": f"http://localhost{P}/compile"})  # fmt: skip
    assert r.status_code == 409
    assert first.batch_no in r.text and "同一工资月份只发放一次" in r.text
    assert f'<option value="{MONTH}" selected' in r.text  # the month chosen is kept
    assert re.search(r'<select name="month" id="batch-month"[^>]*aria-invalid="true"', r.text)
    assert one(app, WageBatch, project_id=1).id == first.id  # nothing more stored
    # back pay is offered as a kind; refused here while the month's tables are compiled
    r = client.post(P + "/batches", data={"month": MONTH, "kind": "back_pay"},
                    headers={"Referer": f"http://localhost{P}/compile"})  # fmt: skip
    assert r.status_code == 409 and "补发须待其审核完成" in r.text
    assert '<option value="back_pay" selected' in r.text


NEXT_MONTH = f"{(date.fromisoformat(MONTH + '-01') + timedelta(days=31)):%Y-%m}"


@pytest.mark.parametrize(
    "month, words",
    [(NEXT_MONTH, "晚于本月"), ("2026-13", "工资月份格式应为"), ("2024-01", "早于项目创建")],
)  # fmt: skip
def test_the_batch_form_checks_the_month_on_the_server(app, client, auth, month, words):
    as_user(client, auth, "gc_pm")
    ok(client.post(P + "/settlement", data={"day": "25"}))
    r = client.post(P + "/batches", data={"month": month},
                    headers={"Referer": f"http://localhost{P}/compile"})  # fmt: skip
    assert r.status_code == 400 and words in r.text
    assert one(app, WageBatch, project_id=1) is None


def test_the_compile_page_offers_back_pay(app, client, auth):
    as_user(client, auth, "gc_pm")
    ok(client.post(P + "/settlement", data={"day": "25"}))
    page = client.get(P + "/compile").text
    assert 'name="kind"' in page and 'value="back_pay"' in page and "补发" in page


# --- item 8: amounts make sense ----------------------------------------------------------


def submit_api(app, client, auth):
    """The unit's compile task completed through POST /api/tasks/<id>/complete."""
    task = one(app, HumanTask, bpmn_id="compile_own_wage_table", status="open")
    as_user(client, auth, "gc_op")
    return client.post(f"/api/tasks/{task.id}/complete", json={})


def test_gross_above_attendance_needs_a_reason_on_every_route(app, client, auth):
    comp_id = compiled_gc_table(app, client, auth)
    line = lines_of(app, comp_id)[0]
    days = line.days + line.makeup_days
    url = f"{P}/compilations/{comp_id}"
    cells = {f"l-{line.id}-gross": "20000", f"l-{line.id}-net": "20000"}
    ok(client.post(url, data=cells))  # a draft may hold it, flagged
    page = client.get(url).text
    assert f"超过出勤 {days} 天" in page and "须在【金额说明】中说明原因" in page
    r = client.post(url + "/submit", data=cells, headers={"Referer": "http://localhost" + url})
    assert r.status_code == 400 and "应发工资 ¥20,000.00 超过出勤" in r.text
    answer = submit_api(app, client, auth)
    assert answer.status_code == 400 and answer.json["reason"] == "table_has_errors"
    assert "超过出勤" in answer.json["message"]
    task = one(app, HumanTask, bpmn_id="compile_own_wage_table", status="open")
    r = client.post(f"/tasks/{task.id}", data={})  # the generic task page
    assert r.status_code == 400 and "超过出勤" in r.text
    with app.app_context():  # the `flask` command pushes one; the test runner does not
        cli = app.test_cli_runner().invoke(
            args=["engine", "complete", str(task.id), "--as", "gc_op"]
        )
    assert cli.exit_code != 0 and "超过出勤" in cli.output, cli.output
    assert one(app, Compilation, id=comp_id).state == "draft"

    as_user(client, auth, "gc_op")
    confirm_lines(app, comp_id)
    ok(client.post(url + "/submit", data={**cells, f"l-{line.id}-amount_reason": "含年终奖"}))
    assert one(app, Compilation, id=comp_id).state == "sub_approved"
    as_user(client, auth, "gc_pm")  # the reviewer sees the flag and the reason
    page = client.get(url).text
    assert "超过出勤" in page and "金额说明：含年终奖" in page and 'id="review-box"' in page


def test_pay_without_attendance_and_above_the_ceiling_block_unless_explained(app, client, auth):
    comp_id = compiled_gc_table(app, client, auth)
    first, second = lines_of(app, comp_id)[:2]
    from web.extensions import db

    with app.app_context():
        row = db.session.get(WageLineRow, first.id)
        row.days = row.makeup_days = 0  # e.g. a worker added by hand
        db.session.commit()
    url = f"{P}/compilations/{comp_id}"
    cells = {f"l-{second.id}-day_rate": "9000", f"l-{second.id}-gross": "120000",
             f"l-{second.id}-net": "120000"}  # fmt: skip
    r = client.post(url + "/submit", data=cells, headers={"Referer": "http://localhost" + url})
    assert r.status_code == 400 and "处错误" in r.text, re.findall("flash-error[^<]*<[^<]*", r.text)
    assert "本周期无出勤记录却有工资" in r.text  # the first error, named in the message
    ok(client.post(url, data=cells))  # saved as a draft, the page shows every flag
    page = client.get(url).text
    assert "本周期无出勤记录却有工资" in page and "超过单人上限 ¥100,000.00" in page
    assert submit_api(app, client, auth).status_code == 400
    as_user(client, auth, "gc_op")
    confirm_lines(app, comp_id)
    ok(
        client.post(
            url + "/submit",
            data={
                **cells,
                f"l-{first.id}-amount_reason": "上月漏发",
                f"l-{second.id}-amount_reason": "项目奖",
            },
        )
    )
    assert one(app, Compilation, id=comp_id).state == "sub_approved"


def test_the_limits_are_set_per_project_on_the_settlement_page(app, client, auth):
    comp_id = compiled_gc_table(app, client, auth)
    line = lines_of(app, comp_id)[0]
    as_user(client, auth, "gc_pm")
    url = P + "/settlement"
    r = client.post(url, data={"day": "25", "pay_factor": "0.5", "line_ceiling": "80000"},
                    headers={"Referer": "http://localhost" + url})  # fmt: skip
    assert r.status_code == 400 and "【倍数】应为 1.00–10.00" in r.text
    assert 'name="line_ceiling" inputmode="decimal" value="80000"' in r.text  # kept
    r = client.post(url, data={"day": "25", "line_ceiling": "1e9"},
                    headers={"Referer": "http://localhost" + url})  # fmt: skip
    assert r.status_code == 400 and "金额格式不正确" in r.text
    ok(client.post(url, data={"day": "25", "pay_factor": "1.2", "line_ceiling": "500"}))
    assert 'value="1.20"' in client.get(url).text
    as_user(client, auth, "gc_op")
    page = client.get(f"{P}/compilations/{comp_id}").text
    if line.gross > 500:
        assert "超过单人上限 ¥500.00" in page


def test_a_number_beyond_the_column_is_refused_naming_the_field(app, client, auth):
    comp_id = compiled_gc_table(app, client, auth)
    line = lines_of(app, comp_id)[0]
    url = f"{P}/compilations/{comp_id}"
    r = client.post(url, data={f"l-{line.id}-gross": "99,999,999,999,999"},
                    headers={"Referer": "http://localhost" + url})  # fmt: skip
    assert r.status_code == 400 and f"（{line.worker_name}）应发工资：金额过大" in r.text
    answer = client.post(url, data={f"l-{line.id}-net": "1" * 14},
                         headers={"Accept": "application/json"})  # fmt: skip
    assert answer.status_code == 400 and answer.json["field"] == f"l-{line.id}-net"
    assert lines_of(app, comp_id)[0].gross == line.gross


def exported(client, comp_id):
    r = client.get(f"{P}/compilations/{comp_id}/export.xlsx")
    assert r.status_code == 200
    return load_workbook(io.BytesIO(r.data))


def imported(client, comp_id, book):
    out = io.BytesIO()
    book.save(out)
    return client.post(f"{P}/compilations/{comp_id}/import",
                       data={"file": (io.BytesIO(out.getvalue()), "t.xlsx")})  # fmt: skip


def column(sheet, header):
    return next(c.column for c in sheet[2] if c.value == header)


def test_excel_import_checks_amounts_and_keeps_masked_cards(app, client, auth):
    comp_id = compiled_gc_table(app, client, auth)
    before = lines_of(app, comp_id)
    book = exported(client, comp_id)
    sheet = book.active
    cards = [sheet.cell(row=r, column=column(sheet, "工资卡号")).value for r in (3, 4)]
    assert cards == [b.masked_card for b in before[:2]]  # no full card number in the file
    sheet.cell(row=3, column=column(sheet, "应发工资")).value = 99999999999999
    sheet.cell(row=4, column=column(sheet, "应发工资")).value = 20000
    sheet.cell(row=4, column=column(sheet, "实发工资")).value = 20000
    r = imported(client, comp_id, book)
    page = client.get(r.headers["Location"]).text
    assert "第 3 行 【应发工资】: 金额过大" in page
    after = lines_of(app, comp_id)
    assert after[0].gross == before[0].gross and after[1].gross == Decimal("20000.00")
    assert [a.bank_card for a in after] == [b.bank_card for b in before]  # masked = unchanged
    r = client.post(f"{P}/compilations/{comp_id}/submit")
    assert r.status_code == 400 and "超过出勤" in r.text
    book = exported(client, comp_id)
    book.active.cell(row=4, column=column(book.active, "金额说明")).value = "含加班费"
    imported(client, comp_id, book)
    assert lines_of(app, comp_id)[1].amount_reason == "含加班费"
    confirm_lines(app, comp_id)
    ok(client.post(f"{P}/compilations/{comp_id}/submit"))


# --- item 7: money documents follow the scopes -------------------------------------------


def test_the_compile_page_shows_no_full_card_and_a_masked_card_posted_back_keeps_it(
    app, client, auth
):
    comp_id = compiled_gc_table(app, client, auth)
    rows = lines_of(app, comp_id)
    url = f"{P}/compilations/{comp_id}"
    page = client.get(url).text
    assert all(r.bank_card not in page for r in rows)
    assert rows[0].masked_card in page
    ok(client.post(url, data={f"l-{rows[0].id}-bank_card": rows[0].masked_card}))
    assert lines_of(app, comp_id)[0].bank_card == rows[0].bank_card


def test_a_subcontractor_gets_no_summary_file_and_no_verification(app, client, auth, tmp_path):
    configure_payroll(app, tmp_path / "pki")
    batch_id = drive_to_enterprise_signing(app, client, auth, MONTH)
    for path in ("summary.pdf", "verify", "daifa.csv"):
        as_user(client, auth, "subb_op")
        r = client.get(f"{P}/batches/{batch_id}/{path}")
        assert r.status_code == 403 and b"%PDF" not in r.data, path
        as_user(client, auth, "gc_pm")
        assert client.get(f"{P}/batches/{batch_id}/{path}").status_code == 200, path
    as_user(client, auth, "subb_op")
    r = client.get(f"{P}/batches/{batch_id}/summary.pdf")
    assert "不能按单位拆分" in r.text
    page = client.get(f"{P}/batches/{batch_id}").text
    assert "summary.pdf" not in page
    # his unit's own table is what he gets, and only it
    own = one(app, Compilation, batch_id=batch_id, unit_id=3)
    other = one(app, Compilation, batch_id=batch_id, unit_id=2)
    assert client.get(f"{P}/compilations/{own.id}/export.xlsx").status_code == 200
    assert client.get(f"{P}/compilations/{other.id}/export.xlsx").status_code in (403, 404)
    assert client.get(f"{P}/compilations/{other.id}").status_code in (403, 404)


def test_the_id_number_search_matches_whole_numbers_only(app, client, auth):
    from web.extensions import db

    with app.app_context():
        person = db.session.scalar(select(Person).order_by(Person.id))
        number, name = person.id_number, person.name
    as_user(client, auth, "gc_op")
    url = "/api/projects/1/assignments"
    found = client.post(url, json={"state": "", "id_number": number}).json["assignments"]
    assert [a["name"] for a in found] == [name]
    for part in (number[:6], number[:17], number[-4:], number[6:14]):
        assert client.post(url, json={"state": "", "id_number": part}).json["assignments"] == [], part
    assert client.get(f"/api/projects/1/assignments?state=&name={name[1:]}").json["assignments"]
    page = client.post("/projects/1/acceptance", data={"state": "", "id_number": number[:10]}).text
    assert name not in page
