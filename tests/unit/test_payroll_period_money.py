from datetime import date
from decimal import Decimal

import pytest

from domain.payroll.errors import PayrollError
from domain.payroll.minimum_wage import SHANGHAI, minimum_for_days, monthly_minimum_on
from domain.payroll.money import (
    AmountError,
    format_yuan,
    from_fen,
    parse_amount,
    plain,
    to_fen,
)
from domain.payroll.period import month_label, pay_period_for


def test_settlement_day_25_covers_26_oct_to_25_nov():
    assert pay_period_for("2025-11", 25) == (date(2025, 10, 26), date(2025, 11, 25))


def test_month_end_covers_the_whole_month():
    assert pay_period_for(date(2024, 2, 10), None) == (date(2024, 2, 1), date(2024, 2, 29))
    assert pay_period_for("2025-12", 0) == (date(2025, 12, 1), date(2025, 12, 31))


def test_january_period_starts_in_december_and_march_after_february():
    assert pay_period_for("2026-01", 10) == (date(2025, 12, 11), date(2026, 1, 10))
    assert pay_period_for("2025-03", 28) == (date(2025, 3, 1), date(2025, 3, 28))
    assert pay_period_for("2025-03", 28).days == 28


@pytest.mark.parametrize("day", [29, 31, -1, "25", True])
def test_bad_settlement_days_are_refused(day):
    with pytest.raises(PayrollError) as caught:
        pay_period_for("2025-11", day)
    assert "结算日" in caught.value.message()
    assert "Settlement day" in caught.value.message("en")


@pytest.mark.parametrize("month", ["2025-13", "2025/11", "Nov", ""])
def test_bad_pay_months_are_refused(month):
    with pytest.raises(PayrollError):
        pay_period_for(month, 25)


def test_month_label():
    assert month_label("2025-11") == "2025年11月"


@pytest.mark.parametrize(
    "text, value",
    [
        ("1234.5", "1234.50"),
        ("0", "0.00"),
        ("¥1,234.56", "1234.56"),
        (" 7.1 ", "7.10"),
        (12, "12.00"),
        ("９９", "99.00"),  # full-width digits, as a Chinese input method types them
        ("１２３４．５", "1234.50"),
        ("100.000", "100.00"),
        ("9999999999.99", "9999999999.99"),
    ],
)
def test_parse_amount(text, value):
    assert parse_amount(text) == Decimal(value)
    assert str(parse_amount(text)) == value


@pytest.mark.parametrize(
    "bad",
    ["1.234", "-5", "abc", "1e3", "", "1.2.3", 1.5, Decimal("-1"), "NaN", "1e309", "\x00",
     "9" * 5000, "10000000000", Decimal("1e40"), Decimal("Infinity"), "1."],
)  # fmt: skip
def test_parse_amount_refuses(bad):
    with pytest.raises(AmountError) as caught:
        parse_amount(bad)
    assert caught.value.message() and caught.value.message("en")
    assert caught.value.field is None  # the caller names the field


@pytest.mark.parametrize(
    "bad, reason, words",
    [
        ("-100", "negative_amount", "金额不能为负数：-100"),
        ("abc", "invalid_amount", "金额格式不正确：abc"),
        ("100.005", "amount_too_precise", "金额最多两位小数：100.005"),
        ("12345678901", "amount_too_large", "金额过大"),
    ],
)
def test_each_refusal_has_its_reason(bad, reason, words):
    with pytest.raises(AmountError) as caught:
        parse_amount(bad)
    assert caught.value.reason == reason and words in caught.value.message()
    assert isinstance(caught.value, PayrollError) and caught.value.status == 400


def test_fen_and_format():
    assert to_fen(Decimal("1234.56")) == 123456
    assert from_fen(123456) == Decimal("1234.56")
    assert format_yuan(Decimal("1234567.5")) == "¥1,234,567.50"
    assert plain(Decimal("3")) == "3.00"
    with pytest.raises(AmountError):
        to_fen(Decimal("0.001"))


def test_minimum_wage_table():
    assert monthly_minimum_on(date(2025, 7, 1)) == Decimal("2740.00")
    assert monthly_minimum_on(date(2025, 6, 30)) == Decimal("2690.00")
    assert monthly_minimum_on(date(2023, 6, 30)) is None
    assert SHANGHAI.rate_on(date(2026, 1, 1)).hourly == Decimal("25.00")


def test_minimum_wage_pro_rata_over_21_75_days():
    assert minimum_for_days(10, date(2025, 11, 25)) == Decimal("1259.77")  # 2740 * 10 / 21.75
    assert minimum_for_days(22, date(2025, 11, 25)) == Decimal("2740.00")
    assert minimum_for_days(1, date(2025, 1, 25)) == Decimal("123.68")  # 2690 / 21.75
