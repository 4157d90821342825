"""Sign-in hours (签到时间) and the sign-in day (签到日) in Asia/Shanghai."""

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from domain.signin.errors import SignInRefused
from domain.signin.hours import (
    SignInHours,
    clock_label,
    require_within_hours,
    sign_in_day,
    within_hours,
)


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_the_sign_in_day_is_the_shanghai_date_across_utc_midnight():
    assert sign_in_day(utc(2, 15, 59)) == date(2026, 3, 2)  # 23:59 Shanghai
    assert sign_in_day(utc(2, 16, 0)) == date(2026, 3, 3)  # 00:00 Shanghai
    assert sign_in_day(utc(2, 23, 30)) == date(2026, 3, 3)  # 07:30 Shanghai, 2 March in UTC


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (utc(2, 19, 59), False),  # 03:59
        (utc(2, 20, 0), True),  # 04:00
        (utc(2, 23, 30), True),  # 07:30, the day before in UTC
        (utc(3, 3, 59), True),  # 11:59
        (utc(3, 4, 0), False),  # 12:00
    ],
)
def test_default_hours_are_four_to_noon_shanghai(moment, inside):
    assert within_hours(moment) is inside


def test_any_timezone_gives_the_same_answer():
    new_york = timezone(timedelta(hours=-5))
    assert within_hours(datetime(2026, 3, 2, 18, 30, tzinfo=new_york))  # 07:30 Shanghai


def test_a_project_sets_its_own_hours_and_the_refusal_names_them():
    hours = SignInHours(time(6, 30), time(9, 0))
    assert within_hours(utc(2, 22, 30), hours)  # 06:30
    with pytest.raises(SignInRefused) as caught:
        require_within_hours(utc(3, 1, 0), hours)  # 09:00
    assert caught.value.reason == "outside_hours"
    assert caught.value.message("en") == "Sign-in is only open from 06:30 to 09:00"


def test_hours_must_start_before_they_end():
    with pytest.raises(ValueError):
        SignInHours(time(12), time(4))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        sign_in_day(datetime(2026, 3, 3, 7, 30))


def test_clock_label_is_shanghai_time():
    assert clock_label(utc(2, 23, 12)) == "07:12"
