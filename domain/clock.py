"""Shanghai time: the one time zone of the platform (sign-in days, pay periods, reminders)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai_time(moment: datetime) -> datetime:
    """``moment`` (timezone-aware) as Shanghai local time; naive datetimes are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(SHANGHAI)


def today_in_shanghai() -> date:
    """Today's date in Shanghai, whatever the server's own time zone."""
    return datetime.now(SHANGHAI).date()
