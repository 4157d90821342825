"""Age and ID gates (domain/gates.py, 沪建质安联〔2019〕346号): computed from the ID number."""

from datetime import date

import pytest

from domain import gates
from domain.checks import resident_id_check_char
from domain.errors import Conflict, InvalidInput
from domain.signin.errors import SignInRefused

DAY = date(2026, 12, 1)


def an_id(born: date, male: bool) -> str:
    first17 = f"310104{born:%Y%m%d}00{1 if male else 2}"
    return first17 + resident_id_check_char(first17)


def test_birth_date_sex_and_age_come_from_the_id_number():
    assert gates.birth_date("11010519491231002X") == date(1949, 12, 31)
    assert not gates.is_male("11010519491231002X") and gates.is_male("360426199101010071")
    man = an_id(date(2000, 12, 2), True)
    assert gates.age_on(man, DAY) == 25 and gates.age_on(man, date(2026, 12, 2)) == 26


@pytest.mark.parametrize(
    "born, male, reason",
    [
        (date(2008, 12, 2), True, "under_age"),  # 17 until tomorrow
        (date(2008, 12, 1), False, None),  # 18 today
        (date(1966, 1, 1), True, None),  # 60
        (date(1965, 11, 30), True, "over_age"),  # 61
        (date(1976, 1, 1), False, None),  # 50
        (date(1975, 11, 30), False, "over_age"),  # 51
        (date(1970, 1, 1), True, None),  # a man of 56 may work
    ],
)
def test_site_refusal_by_age_and_sex(born, male, reason):
    finding = gates.site_refusal(an_id(born, male), DAY, "张三")
    assert (finding.reason if finding else None) == reason


def test_refusals_say_why_in_chinese_and_english():
    young = gates.site_refusal(an_id(date(2010, 3, 7), True), DAY, "张三")
    assert young.message() == "张三未满 18 周岁（16 岁），不得进场作业"
    assert young.message("en") == "张三 is under 18 (16) and may not work on site"
    old = gates.site_refusal(an_id(date(1970, 5, 1), False), DAY, "李梅")
    assert old.message() == "李梅已超过女性上岗年龄 50 周岁（56 岁），不得进场作业"
    assert "over the site age limit of 50 for women (56)" in old.message("en")


def test_refuse_on_site_raises_the_kind_the_caller_asks_for():
    young = an_id(date(2010, 3, 7), True)
    with pytest.raises(InvalidInput) as new:
        gates.refuse_on_site(young, DAY, "张三", field="id_number", new=True)
    assert new.value.reason == "under_age" and new.value.field == "id_number"
    with pytest.raises(Conflict):
        gates.refuse_on_site(young, DAY, "张三")
    gates.refuse_on_site(an_id(date(1990, 1, 1), True), DAY)  # no refusal


def test_sign_in_refusal_reasons_carry_the_same_texts():
    finding = gates.site_refusal(an_id(date(1960, 1, 1), True), DAY, "王伟")
    err = SignInRefused(finding.reason, **finding.params)
    assert err.status == 422 and err.message() == finding.message()
    assert "60" in err.message("en")


@pytest.mark.parametrize(
    "born, male, trade, flagged",
    [
        (date(1970, 1, 1), True, "架子工", True),  # 56, heights
        (date(1971, 12, 1), True, "架子工", False),  # 55
        (date(1970, 1, 1), True, "木工", False),  # not high-risk
        (date(1980, 1, 1), False, "焊工", True),  # 46, high heat
        (date(1981, 12, 1), False, "焊工", False),  # 45
    ],
)
def test_high_risk_trades_flag_older_workers(born, male, trade, flagged):
    finding = gates.high_risk_flag(an_id(born, male), trade, DAY, "张三")
    assert (finding is not None) is flagged
    if finding:
        assert "请注意安排" in finding.message() and "take care" in finding.message("en")


def test_trade_table_has_national_codes_and_the_demo_trades():
    for name in ("钢筋工", "木工", "混凝土工", "架子工", "砌筑工", "电工", "焊工", "普工"):
        assert name in gates.TRADE_BY_NAME
    assert gates.TRADE_BY_NAME["架子工"].high_risk and not gates.TRADE_BY_NAME["木工"].high_risk
    assert len({t.code for t in gates.TRADES}) == len(gates.TRADES)
    assert gates.check_trade("030") == "架子工" and gates.check_trade(" 木工 ") == "木工"
    with pytest.raises(InvalidInput) as err:
        gates.check_trade("码农")
    assert err.value.reason == "unknown_trade" and "工种列表" in err.value.message()
    assert "Choose a trade" in err.value.message("en")


def test_id_validity_flags_expired_and_expiring_cards():
    assert gates.id_validity_flag(None, DAY) is None
    assert gates.id_validity_flag(gates.LONG_TERM, DAY) is None
    assert gates.id_validity_flag(date(2027, 1, 1), DAY) is None
    expiring = gates.id_validity_flag(date(2026, 12, 31), DAY)
    assert expiring.reason == "id_expiring" and expiring.message() == (
        "身份证即将到期（有效期至 2026-12-31）"
    )
    expired = gates.id_validity_flag(date(2026, 11, 30), DAY)
    assert expired.reason == "id_expired" and "expired" in expired.message("en")


@pytest.mark.parametrize(
    "text, expected",
    [("2035-06-30", date(2035, 6, 30)), ("20350630", date(2035, 6, 30)),
     ("2035.06.30", date(2035, 6, 30)), ("长期", gates.LONG_TERM), ("long-term", gates.LONG_TERM)],
)  # fmt: skip
def test_validity_as_typed(text, expected):
    assert gates.parse_validity(text) == expected
    assert gates.validity_label(gates.LONG_TERM) == "长期"
    assert gates.validity_label(gates.LONG_TERM, "en") == "long-term"


@pytest.mark.parametrize("text, reason", [("", "validity_required"), ("2035-02-30", "invalid_validity"),
                                          ("明年", "invalid_validity"), ("1970-01-01", "invalid_validity")])  # fmt: skip
def test_bad_validity_is_refused(text, reason):
    with pytest.raises(InvalidInput) as err:
        gates.parse_validity(text)
    assert err.value.reason == reason and err.value.field == "id_valid_until"


def test_a_period_refuses_who_is_under_age_at_its_start_or_over_age_at_its_end():
    turns_18 = an_id(date(2008, 11, 15), True)
    assert gates.refusal_in_period(turns_18, date(2026, 11, 1), date(2026, 11, 30)).reason == (
        "under_age"
    )
    turns_61 = an_id(date(1965, 11, 15), True)
    assert gates.refusal_in_period(turns_61, date(2026, 11, 1), date(2026, 11, 30)).reason == (
        "over_age"
    )
    assert gates.refusal_in_period(an_id(date(1990, 1, 1), False), DAY, DAY) is None
