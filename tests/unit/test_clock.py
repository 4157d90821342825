"""Shanghai time (domain.clock): the one time zone constant and today's date there."""

import ast
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from domain import clock

ROOT = Path(__file__).resolve().parents[2]
# web/__init__.py (the localtime filter) still builds its own; it is owned by the app-wiring work.
NOT_YET = {ROOT / "web" / "__init__.py"}


def test_shanghai_is_utc_plus_eight_all_year():
    for month in (1, 7):
        moment = datetime(2026, month, 1, 16, 30, tzinfo=UTC)
        assert clock.shanghai_time(moment).utcoffset() == timedelta(hours=8)
        assert clock.shanghai_time(moment).date() == date(2026, month, 2)
    assert clock.SHANGHAI.key == "Asia/Shanghai"


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        clock.shanghai_time(datetime(2026, 1, 1, 12, 0))


def test_today_is_shanghai_today():
    before = datetime.now(timezone(timedelta(hours=8))).date()
    today = clock.today_in_shanghai()
    after = datetime.now(timezone(timedelta(hours=8))).date()
    assert today in (before, after)


@pytest.mark.parametrize("package", ["domain", "web", "connectors"])
def test_the_zone_is_built_only_in_domain_clock(package):
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        if path in NOT_YET or path == ROOT / "domain" / "clock.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Constant) and node.value == "Asia/Shanghai":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found
