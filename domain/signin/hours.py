"""Sign-in hours (签到时间) and the sign-in day (签到日), both in Asia/Shanghai."""

from dataclasses import dataclass
from datetime import date, datetime, time

from domain.clock import shanghai_time
from domain.signin.errors import SignInRefused


@dataclass(frozen=True)
class SignInHours:
    """A project's daily sign-in window, Shanghai local time, start inclusive, end exclusive."""

    start: time = time(4, 0)
    end: time = time(12, 0)

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError(f"sign-in hours must start before they end: {self.start}–{self.end}")


DEFAULT_HOURS = SignInHours()  # 04:00–12:00, unless the project sets its own


def sign_in_day(moment: datetime) -> date:
    """The sign-in day of ``moment``: its Shanghai local date (one sign-in per worker and day)."""
    return shanghai_time(moment).date()


def clock_label(moment: datetime) -> str:
    """Shanghai wall-clock time as shown to users, e.g. "07:12" in "今日已签到 07:12"."""
    return shanghai_time(moment).strftime("%H:%M")


def within_hours(moment: datetime, hours: SignInHours = DEFAULT_HOURS) -> bool:
    """True when ``moment`` falls inside the project's sign-in window."""
    local = shanghai_time(moment).time()
    return hours.start <= local < hours.end


def require_within_hours(moment: datetime, hours: SignInHours = DEFAULT_HOURS) -> None:
    """Raise ``SignInRefused('outside_hours')`` when ``moment`` is outside the window."""
    if not within_hours(moment, hours):
        raise SignInRefused(
            "outside_hours", start=hours.start.strftime("%H:%M"), end=hours.end.strftime("%H:%M")
        )
