"""新增编制 through Excel (export → edit in openpyxl → import, with a per-row/cell error shown
and the bad row left alone) and the GC manager's page of trade day rates (工种日工资), whose
rates the compile then starts from."""

import io
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from domain.payroll.batches import month_choices
from domain.payroll.model import Compilation, TradeRate, WageBatch, WageLineRow

MONTH = month_choices(type("P", (), {"settlement_day": 25})())[0][0]


def as_user(client, auth, who):
    auth.logout()
    assert auth.login(who).status_code == 302


def ok(response):
    assert response.status_code == 302, response.text[:400]
    return response


def compiled_gc_table(app, client, auth) -> int:
    """gc_pm makes a batch; gc_op compiles the GC's own unit.  Returns the compilation id."""
    from web.extensions import db

    as_user(client, auth, "gc_pm")
    ok(client.post("/projects/1/payroll/settlement", data={"day": "25"}))
    ok(client.post("/projects/1/payroll/batches", data={"month": MONTH}))
    with app.app_context():
        batch_id = db.session.scalar(select(WageBatch.id))
        comp_id = db.session.scalar(
            select(Compilation.id).where(Compilation.batch_id == batch_id,
                                         Compilation.unit_id == 1)
        )  # fmt: skip
    as_user(client, auth, "gc_op")
    ok(client.post("/projects/1/payroll/compilations/new", data={"compilation_id": comp_id}))
    return comp_id


def lines_of(app, comp_id):
    from web.extensions import db

    with app.app_context():
        rows = db.session.scalars(
            select(WageLineRow).where(WageLineRow.compilation_id == comp_id)
            .order_by(WageLineRow.id)
        ).all()  # fmt: skip
        db.session.expunge_all()
        return rows


def test_excel_export_edit_import_with_a_cell_error(app, client, auth):
    comp_id = compiled_gc_table(app, client, auth)
    before = lines_of(app, comp_id)
    assert len(before) >= 2
    url = f"/projects/1/payroll/compilations/{comp_id}"
    r = client.get(url + "/export.xlsx")
    assert r.status_code == 200 and r.data[:2] == b"PK"
    book = load_workbook(io.BytesIO(r.data))
    sheet = book.active
    header_row = next(row[0].row for row in sheet.iter_rows() if row[0].value == "行号")
    col = {c.value: c.column for c in sheet[header_row]}
    first, second = header_row + 1, header_row + 2
    assert int(sheet.cell(first, col["行号"]).value) == before[0].id
    gross = Decimal(str(sheet.cell(first, col["应发工资"]).value))
    sheet.cell(first, col["扣款金额"]).value = 100
    sheet.cell(first, col["扣款原因"]).value = "借支"
    sheet.cell(first, col["实发工资"]).value = float(gross - 100)
    sheet.cell(second, col["应发工资"]).value = "一千元"  # not an amount
    sheet.cell(second, col["扣款原因"]).value = "不应写入"
    out = io.BytesIO()
    book.save(out)

    r = ok(client.post(url + "/import", data={"file": (io.BytesIO(out.getvalue()), "t.xlsx")},
                       content_type="multipart/form-data"))  # fmt: skip
    page = client.get(r.headers["Location"]).text
    assert f"第 {second} 行 【应发工资】" in page  # the row and column of the bad cell
    after = lines_of(app, comp_id)
    assert (after[0].deductions, after[0].deduction_reason) == (Decimal("100.00"), "借支")
    assert after[0].net == gross - 100
    assert (after[1].gross, after[1].deduction_reason) == (
        before[1].gross,
        before[1].deduction_reason,
    )

    # A file that is not the compile table is refused as a whole.
    bad = client.post(url + "/import", data={"file": (io.BytesIO(b"not excel"), "x.xlsx")},
                      content_type="multipart/form-data", headers={"Referer": url})  # fmt: skip
    assert bad.status_code == 400  # the table again, with the reason
    assert "flash-error" in bad.text and "不是 Excel 工作簿" in bad.text and "编制详情" in bad.text
    assert lines_of(app, comp_id)[0].deduction_reason == "借支"


def test_gc_manager_edits_trade_day_rates_and_the_compile_uses_them(app, client, auth):
    from web.extensions import db

    as_user(client, auth, "gc_op")
    assert client.get("/projects/1/payroll/trade-rates").status_code == 403
    as_user(client, auth, "gc_pm")
    page = client.get("/projects/1/payroll/trade-rates").text
    assert "工种日工资" in page and 'data-trade="木工"' in page and "400.00" in page
    with app.app_context():
        from domain.model import Assignment, Person

        trades = set(db.session.scalars(
            select(Person.trade).join(Assignment, Assignment.person_id == Person.id)
            .where(Assignment.project_id == 1)
        ))  # fmt: skip
    form = {f"rate-{t}": "444" for t in trades}
    ok(client.post("/projects/1/payroll/trade-rates", data={**form, "new_trade": "幕墙工",
                                                           "new_rate": "520.5"}))  # fmt: skip
    page = client.get("/projects/1/payroll/trade-rates").text
    assert 'data-trade="幕墙工"' in page and "520.50" in page and "444.00" in page
    bad = client.post("/projects/1/payroll/trade-rates", data={"rate-木工": "-3", "rate-普工": "1"},
                      follow_redirects=True)  # fmt: skip
    assert "【木工】日工资" in bad.text  # refused as a whole: 普工 stays at 444.00
    with app.app_context():
        assert db.session.scalar(select(TradeRate.day_rate).where(
            TradeRate.project_id == 1, TradeRate.trade == "幕墙工")) == Decimal("520.50")  # fmt: skip
        if "普工" in trades:
            assert db.session.scalar(select(TradeRate.day_rate).where(
                TradeRate.project_id == 1, TradeRate.trade == "普工")) == Decimal("444.00")  # fmt: skip

    comp_id = compiled_gc_table(app, client, auth)
    lines = lines_of(app, comp_id)
    assert lines and all(line.day_rate == Decimal("444.00") for line in lines)
    assert all(line.gross == Decimal("444.00") * (line.days + line.makeup_days) for line in lines)

    as_user(client, auth, "gc_pm")  # an emptied rate falls back to the platform's
    ok(client.post("/projects/1/payroll/trade-rates", data={"rate-木工": ""}))
    with app.app_context():
        assert db.session.scalar(select(TradeRate.id).where(
            TradeRate.project_id == 1, TradeRate.trade == "木工")) is None  # fmt: skip
