"""Every refusal names its reason in Chinese (default) and English."""

import pytest

from domain.errors import DomainError
from domain.signin.errors import MESSAGES, SignInRefused

REASONS = {
    "code_expired",
    "code_forged",
    "code_malformed",
    "not_accepted",
    "officer_not_authorised",
    "out_of_range",
    "point_not_set",
    "outside_hours",
    "location_missing",
    "location_denied",
    "already_signed",
    # issue 10: a labour contract in force, entered on site and not exited (domain/roster)
    "no_contract",
    "contract_expired",
    "contract_not_started",
    "not_entered",
    "before_entry",
    "exited",
}

PARAMS = {"distance": 512, "radius": 200, "start": "04:00", "end": "12:00", "time": "07:12",
          "name": "王伟", "age": 61, "min": 18, "max": 60, "sex": "男性", "until": "2026-11-30",
          "entered": "2026-03-02", "exited": "2026-11-20"}  # fmt: skip


def test_every_reason_of_the_issue_has_both_languages():
    assert REASONS <= set(MESSAGES)
    for reason in MESSAGES:
        refusal = SignInRefused(reason, **PARAMS)
        assert "{" not in refusal.message("zh") and "{" not in refusal.message("en")
        assert refusal.message("en") == MESSAGES[reason].en.format(**PARAMS)
        assert refusal.reason == reason and isinstance(refusal, DomainError)


def test_placeholders_match_between_languages():
    for text in MESSAGES.values():
        assert _placeholders(text.zh) == _placeholders(text.en)


def _placeholders(template: str) -> set[str]:
    from string import Formatter

    return {name for _, name, _, _ in Formatter().parse(template) if name}


def test_a_refusal_is_a_kind_of_domain_error_with_its_status():
    assert SignInRefused("code_expired").status == 422
    assert SignInRefused("already_signed", time="07:12").status == 409


@pytest.mark.parametrize(
    ("reason", "params", "zh"),
    [
        ("already_signed", {"time": "07:12"}, "今日已签到 07:12"),
        (
            "point_not_set",
            {},
            "该项目未设置签到地址，请联系项目经理在【项目班前签到定位调整】中设置后再签到",
        ),
        (
            "out_of_range",
            {"distance": 481, "radius": 200},
            "不在项目签到范围内（距离签到点 481 米，允许 200 米）",
        ),
    ],
)
def test_chinese_is_the_default(reason, params, zh):
    assert SignInRefused(reason, **params).message() == zh


def test_english_and_reason_show_in_str():
    refusal = SignInRefused("already_signed", time="07:12")
    assert str(refusal) == "already_signed: Already signed in today at 07:12"


def test_an_unknown_reason_is_a_programming_error():
    with pytest.raises(ValueError):
        SignInRefused("bad_luck")
    with pytest.raises(TypeError):  # a placeholder without its value
        SignInRefused("already_signed")
