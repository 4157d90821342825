"""The wage ledger (工资支付台账): what a row holds (the paying attempt's reference, masked
identity), the totals per unit and project, and that the Excel and PDF exports carry it all."""

import io
from datetime import datetime
from decimal import Decimal

from openpyxl import load_workbook
from pypdf import PdfReader

from connectors.wage_documents_pdf import render_ledger_pdf
from domain.masking import mask_phone
from domain.model import Unit
from domain.payroll.ledger import ledger_of
from domain.payroll.ledger_excel import export_ledger
from domain.payroll.model import Compilation, LinePayment, WageBatch, WageLineRow
from tests.unit.test_wage_documents import rows

NOW = datetime(2025, 12, 6, 9, 15)


def ledger():
    project, unit, batch, line, attempts = rows()
    line.person_id = 1
    other_unit = Unit(id=3, name="第二劳务有限公司")
    back = WageBatch(batch_no="SH2026001-202511-02", pay_month="2025-11", kind="back_pay",
                     period_start=batch.period_start, period_end=batch.period_end)  # fmt: skip
    unpaid = WageLineRow(id=8, person_id=2, worker_name="李四", id_number="360426199101010071",
                         trade="木工", days=10, makeup_days=0, day_rate=Decimal("250.00"),
                         gross=Decimal("2500.00"), deductions=Decimal("0.00"),
                         deduction_reason="", net=Decimal("2500.00"), bank_name="建设银行",
                         bank_card="6217000010001234567", bank_status="rejected",
                         bank_reason="AC04 账户已销户")  # fmt: skip
    rejected = LinePayment(line_id=8, attempt=1, end_to_end_id="WL8-1", amount=Decimal("2500.00"),
                           bank_card="6217000010001234567", status="rejected",
                           updated_at=datetime(2025, 12, 1, 2, 0))  # fmt: skip
    lines = [(line, Compilation(unit=unit, batch=batch)),
             (unpaid, Compilation(unit=other_unit, batch=back))]  # fmt: skip
    phones = {1: "13812345678", 2: "13900001111"}
    return ledger_of(project, "2025-11", lines, phones, [*attempts, (rejected, "SH-02")], NOW)


def test_a_row_carries_the_reference_that_paid_it_and_masks_identity():
    paid, rejected = ledger().rows
    assert (paid.end_to_end_id, paid.msg_id, paid.status) == ("WL7-2", "SH2026001-202511-01-R1",
                                                               "paid")  # fmt: skip
    assert paid.paid_at == datetime(2025, 12, 5, 10, 30)  # Shanghai time
    assert paid.masked_id == "110105********002X" and paid.masked_card == "6222 **** **** 9993"
    assert paid.masked_phone == "138****5678" and paid.days_worked == 21
    assert paid.deduction_reason == "借支" and paid.unit == "第一劳务有限公司"
    assert rejected.paid_at is None and rejected.status_reason == "AC04 账户已销户"
    assert rejected.back_pay and rejected.end_to_end_id == "WL8-1"
    assert mask_phone("123") == "***"


def test_totals_per_unit_and_for_the_project():
    data = ledger()
    first, second = data.units
    assert (first.label, first.count, first.net, first.paid) == (
        "第一劳务有限公司", 1, Decimal("6200.00"), Decimal("6200.00"))  # fmt: skip
    assert (second.net, second.paid) == (Decimal("2500.00"), Decimal("0.00"))
    total = data.total
    assert (total.count, total.gross, total.deductions, total.net, total.paid) == (
        2, Decimal("8800.00"), Decimal("100.00"), Decimal("8700.00"), Decimal("6200.00"))  # fmt: skip


def test_excel_export_holds_every_line_the_totals_and_the_retention_rule():
    sheet = load_workbook(io.BytesIO(export_ledger(ledger()))).active
    values = [[c for c in row if c not in (None, "")] for row in sheet.iter_rows(values_only=True)]
    assert "工资支付台账" in values[0][0] and "生成时间：2025-12-06 09:15" in values[1][0]
    assert values[2][:3] == ["序号", "用人单位", "银行交换批次号"]
    first = values[3]
    assert "WL7-2" in first and "110105********002X" in first and 6200.0 in first
    assert "2025-12-05 10:30" in first and "已入账" in first and "借支" in first
    assert "补发" not in first and "是" in values[4] and "被拒" in values[4]
    assert values[-3][:2] == ["徐汇滨江项目", 2]
    assert 8700.0 in values[-3] and "3 年" in values[-1][0]


def test_pdf_is_a4_landscape_with_page_numbers_generated_at_and_retention():
    pdf = PdfReader(io.BytesIO(render_ledger_pdf(ledger())))
    page = pdf.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = page.extract_text()
    for part in (
        "工资支付台账",
        "胡平建",
        "WL7-2",
        "110105********002X",
        "第 1 页 / 共 1 页",
        "生成时间 2025-12-06 09:15",
        "项目完工后 3 年",
        "已入账",
        "被拒",
        "8700.00",
    ):
        assert part in text, part
    assert "11010519491231002X" not in text and "6222021000000099993" not in text
