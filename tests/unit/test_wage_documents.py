"""Payslip (工资清单) and payment voucher (代发工资凭证): what they hold and that they render."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from connectors.summary_pdf import find_font
from connectors.wage_documents_pdf import render_payslips_pdf, render_voucher_pdf
from domain.errors import Conflict
from domain.model import Enterprise, Project, Unit
from domain.payroll.documents import payslip_of, voucher_of
from domain.payroll.model import LinePayment, WageBatch, WageLineRow

PAID_AT = datetime(2025, 12, 5, 2, 30)  # UTC → 10:30 in Shanghai


def rows():
    gc = Enterprise(name="上海某某建设集团有限公司")
    project = Project(name="徐汇滨江项目", general_contractor=gc, wage_bank_name="工商银行",
                      wage_account_no="1001234509876543210")  # fmt: skip
    unit = Unit(id=2, name="第一劳务有限公司")
    batch = WageBatch(batch_no="SH2026001-202511-01", pay_month="2025-11",
                      period_start=date(2025, 10, 26), period_end=date(2025, 11, 25))  # fmt: skip
    line = WageLineRow(id=7, worker_name="胡平建", id_number="11010519491231002X", trade="电焊工",
                       days=20, makeup_days=1, day_rate=Decimal("300.00"),
                       gross=Decimal("6300.00"), deductions=Decimal("100.00"),
                       deduction_reason="借支", net=Decimal("6200.00"),
                       bank_name="工商银行", bank_status="paid")  # fmt: skip
    first = LinePayment(line_id=7, attempt=1, end_to_end_id="WL7-1", amount=Decimal("6200.00"),
                        bank_card="6222020200112233445", status="rejected", reason_code="AC04",
                        reason_text="账户已销户", updated_at=datetime(2025, 12, 1, 2, 0))  # fmt: skip
    second = LinePayment(line_id=7, attempt=2, end_to_end_id="WL7-2", amount=Decimal("6200.00"),
                         bank_card="6222021000000099993", status="paid", updated_at=PAID_AT)  # fmt: skip
    attempts = [(first, "SH2026001-202511-01"), (second, "SH2026001-202511-01-R1")]
    return project, unit, batch, line, attempts


def test_payslip_holds_the_paid_attempt():
    project, unit, batch, line, attempts = rows()
    slip = payslip_of(line, unit, batch, project, attempts)
    assert (slip.employer, slip.project, slip.net) == (
        "第一劳务有限公司",
        "徐汇滨江项目",
        Decimal("6200.00"),
    )
    assert slip.end_to_end_id == "WL7-2" and slip.msg_id.endswith("-R1")
    assert slip.paid_at == datetime(2025, 12, 5, 10, 30)
    assert slip.masked_card == "6222 **** **** 9993" and slip.masked_id == "110105********002X"


def test_no_payslip_before_the_bank_paid():
    project, unit, batch, line, attempts = rows()
    line.bank_status = "sent"
    with pytest.raises(Conflict):
        payslip_of(line, unit, batch, project, attempts)


def test_voucher_lists_every_answer_and_totals_the_paid():
    project, unit, batch, line, attempts = rows()
    voucher = voucher_of(batch, project, unit, [line], attempts)
    assert [r.status for r in voucher.rows] == ["rejected", "paid"]
    assert (voucher.paid_count, voucher.unpaid_count, voucher.paid_total) == (
        1,
        1,
        Decimal("6200.00"),
    )
    assert voucher.gc_name == "上海某某建设集团有限公司" and voucher.wage_account.endswith("3210")
    with pytest.raises(Conflict):
        voucher_of(batch, project, unit, [line], [])


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def font():
    """The CJK font must be there (``make test`` installs fonts-wqy-microhei): no silent skip."""
    try:
        find_font()
    except Exception as missing:
        pytest.fail(f"WenQuanYi Micro Hei is missing (apt install fonts-wqy-microhei): {missing}")


def test_payslip_pdf_renders_in_chinese(font):
    project, unit, batch, line, attempts = rows()
    pdf = render_payslips_pdf([payslip_of(line, unit, batch, project, attempts)] * 2)
    text = _text(pdf)
    assert (
        len(PdfReader(io.BytesIO(pdf)).pages) == 2 and b"/FontFile2" in pdf
    )  # the font is embedded
    for part in (
        "工资清单",
        "第一劳务有限公司",
        "6200.00",
        "借支",
        "WL7-2",
        "2025-12-05 10:30",
        "21 天 × 300.00",
    ):
        assert part in text


def test_voucher_pdf_renders_with_the_references(font):
    project, unit, batch, line, attempts = rows()
    text = _text(render_voucher_pdf(voucher_of(batch, project, unit, [line], attempts)))
    for part in (
        "代发工资凭证",
        "上海某某建设集团有限公司",
        "1001234509876543210",
        "WL7-1",
        "SH2026001-202511-01-R1",
        "6222 **** **** 9993",
        "被拒",
    ):
        assert part in text
