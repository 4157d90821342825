from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from domain.checks import luhn_check_digit
from domain.payroll.errors import PayrollError
from domain.payroll.excel import export_compile_table, import_compile_table
from domain.payroll.lines import (
    WageLine,
    canonical_lines_digest,
    has_errors,
    validate_lines,
)
from domain.payroll.period import pay_period_for

PERIOD = pay_period_for("2025-11", 25)


def card(prefix: str = "622202020011223344") -> str:
    """Complete `prefix` with its Luhn check digit."""
    return prefix + luhn_check_digit(prefix)


def line(line_id=1, **changes) -> WageLine:
    base = WageLine(
        line_id=line_id,
        worker_name="张敏明",
        id_number="11010519491231002X",
        trade="木工",
        unit="某某劳务有限公司",
        days=22,
        makeup_days=0,
        day_rate=Decimal("300.00"),
        gross=Decimal("6600.00"),
        deductions=Decimal("100.00"),
        deduction_reason="借支",
        net=Decimal("6500.00"),
        bank_card=card(),
        bank_name="中国工商银行上海市分行",
        cnaps="102290000018",
    )
    return replace(base, **changes)


def codes(lines):
    return {(f.line_id, f.field, f.code, f.severity) for f in validate_lines(lines, PERIOD)}


def test_a_good_line_has_no_findings():
    assert validate_lines([line()], PERIOD) == []


def test_net_above_gross_and_mismatch():
    found = codes([line(net=Decimal("7000.00")), line(2, net=Decimal("6400.00"))])
    assert (1, "net", "NET_ABOVE_GROSS", "error") in found
    assert (2, "net", "NET_MISMATCH", "error") in found


def test_amounts_must_be_non_negative_with_two_decimals():
    found = codes(
        [line(gross=Decimal("-1")), line(2, deductions=Decimal("1.005")), line(3, net=None)]
    )
    assert (1, "gross", "AMOUNT_INVALID", "error") in found
    assert (2, "deductions", "AMOUNT_INVALID", "error") in found
    assert (3, "net", "AMOUNT_MISSING", "error") in found


def test_deduction_reason_required():
    assert (1, "deduction_reason", "DEDUCTION_REASON_REQUIRED", "error") in codes(
        [line(deduction_reason=" ")]
    )


def test_card_missing_or_failing_luhn():
    bad = card()[:-1] + str((int(card()[-1]) + 1) % 10)
    found = codes([line(bank_card=""), line(2, bank_card=bad)])
    assert (1, "bank_card", "CARD_MISSING", "error") in found
    assert (2, "bank_card", "CARD_INVALID", "error") in found


def test_below_minimum_wage_for_days_worked_is_a_warning():
    low = line(
        days=10, gross=Decimal("1200.00"), deductions=Decimal("0.00"), net=Decimal("1200.00")
    )
    findings = validate_lines([low], PERIOD)
    assert [(f.code, f.severity) for f in findings] == [("BELOW_MINIMUM_WAGE", "warning")]
    assert "¥1,259.77" in findings[0].message()
    assert "minimum wage" in findings[0].message("en")
    assert not has_errors(findings)
    ok = replace(low, gross=Decimal("1259.77"), net=Decimal("1259.77"))
    assert validate_lines([ok], PERIOD) == []


def test_makeup_days_count_as_days_worked():
    assert validate_lines([line(days=20, makeup_days=2)], PERIOD) == []


def test_paid_without_attendance_and_attendance_without_pay():
    found = codes(
        [
            line(days=0),
            line(2, gross=Decimal("0.00"), deductions=Decimal("0.00"), net=Decimal("0.00")),
        ]
    )
    assert (1, "days", "PAID_WITHOUT_ATTENDANCE", "error") in found  # blocks unless explained
    assert (2, "net", "ATTENDANCE_WITHOUT_PAY", "warning") in found


def test_days_beyond_the_period_and_bad_cnaps():
    found = codes([line(days=30, makeup_days=2, cnaps="1022")])
    assert (1, "days", "DAYS_EXCEED_PERIOD", "error") in found
    assert (1, "cnaps", "CNAPS_INVALID", "error") in found


def test_lines_show_the_masked_id_and_card():
    masked = line(bank_card="6222 0202 0011 2233 445")
    assert (masked.masked_id, masked.masked_card) == ("110105********002X", "6222 **** **** 3445")


def test_a_card_of_wrong_length_fails_even_with_a_good_check_digit():
    short = "62220" + luhn_check_digit("62220")
    assert (1, "bank_card", "CARD_INVALID", "error") in codes([line(bank_card=short)])


def test_digest_is_stable_and_covers_only_bank_fields():
    a, b = line(1), line(2, worker_name="胡平建")
    digest = canonical_lines_digest([a, b])
    assert digest == canonical_lines_digest([b, a])
    assert len(digest) == 64
    assert digest == canonical_lines_digest([replace(a, trade="电焊工"), b])
    assert digest != canonical_lines_digest([replace(a, net=Decimal("6500.01")), b])
    assert digest != canonical_lines_digest([replace(a, bank_card=card("622202020011223345")), b])


def lines_for_excel():
    return [
        line(i, worker_name=f"工人{i}", bank_card=card(f"62220202001122{i:04d}")) for i in (1, 2, 3)
    ]


def test_excel_round_trip():
    lines = lines_for_excel()
    data = export_compile_table(lines, title="2025年11月 工资编制表")
    sheet = load_workbook(__import__("io").BytesIO(data)).active
    assert [c.value for c in sheet[2]][:3] == ["行号", "姓名", "身份证号"]
    assert sheet["C3"].value == "110105********002X"
    merged, errors = import_compile_table(data, lines)
    assert errors == []
    assert merged == lines


def _edit(data: bytes, edits: dict) -> bytes:
    import io

    book = load_workbook(io.BytesIO(data))
    for ref, value in edits.items():
        book.active[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_import_applies_edits_and_reports_cells():
    lines = lines_for_excel()
    data = _edit(
        export_compile_table(lines),
        {
            "H3": 6800.5,
            "K3": "6700.50",  # row 3: new gross and net
            "L3": "6222020200112233445",  # the card is the worker's record: not imported
            "H5": "六千",
            "G4": "-5",  # row 5 bad amount; row 4 a negative day rate
        },
    )
    merged, errors = import_compile_table(data, lines)
    assert merged[0].gross == Decimal("6800.50") and merged[0].net == Decimal("6700.50")
    assert merged[0].bank_card == lines[0].bank_card
    assert merged[1] == lines[1] and merged[2] == lines[2]  # rows with errors change nothing
    messages = sorted(e.message() for e in errors)
    assert messages[1] == "第 5 行 【应发工资】: 金额格式不正确：六千"
    assert messages[0].startswith("第 4 行 【日工资】")
    assert errors[0].message("en").startswith("Row ")


def test_excel_import_refuses_unknown_lines_and_non_excel():
    data = _edit(export_compile_table(lines_for_excel()), {"A3": "999"})
    _, errors = import_compile_table(data, lines_for_excel())
    assert errors[0].message() == "第 3 行 【行号】: 行号 999 不在本表中"
    with pytest.raises(PayrollError):
        import_compile_table(b"not a workbook", [])


def test_period_dates_are_dates():
    assert PERIOD.start == date(2025, 10, 26)


def test_text_limits_are_the_column_lengths():
    from domain.payroll.lines import TEXT_LIMITS
    from domain.payroll.model import WageLineRow
    from domain.personal_data import Encrypted

    columns = {f: WageLineRow.__table__.c["bank_cnaps" if f == "cnaps" else f] for f in TEXT_LIMITS}
    plain = {f: c.type.length for f, c in columns.items() if not isinstance(c.type, Encrypted)}
    assert plain == {f: n for f, n in TEXT_LIMITS.items() if f in plain}
    # An encrypted column (the card) holds the ciphertext of the longest value allowed.
    for f, c in columns.items():
        if isinstance(c.type, Encrypted):
            assert stored_length(TEXT_LIMITS[f]) <= c.type.impl.length



def stored_length(length: int, key_id: str = "k99") -> int:
    """Characters of ``<key id>:`` + base64(12-byte nonce ‖ ciphertext ‖ 16-byte tag)."""
    return len(key_id) + 1 + 4 * -(-(12 + length + 16) // 3)
