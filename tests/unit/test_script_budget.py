"""Bounded scripts (issue 12 item 3): a diagram cannot freeze or exhaust the server.  Constant
bombs are refused at deploy; computed ones stop at their guard or budget while running."""

import time

import pytest

from engine.runtime import SafeEnvironment
from engine.script_policy import MAX_SECONDS, BudgetExceeded, PolicyViolation, check_source


@pytest.mark.parametrize("source", [
    "7 ** (2 * 10 ** 7) % 10",
    "'a' * 10 ** 10",
    "[0] * (10 ** 9)",
    "len(range(10 ** 12))",
    "-(3 ** 10 ** 8)",
])  # fmt: skip
def test_constant_bombs_are_refused_at_deploy(source):
    with pytest.raises(PolicyViolation, match="too"):
        check_source(source, "eval")


@pytest.mark.parametrize("source", ["2 ** 64", "'-' * 40", "[0] * 31", "sum(range(1000))",
                                    "Decimal('1.5') * 3", "10 ** -2"])  # fmt: skip
def test_ordinary_arithmetic_passes(source):
    check_source(source, "eval")
    assert SafeEnvironment().evaluate(source, {}) == eval(source, {"Decimal": __import__(
        "decimal").Decimal})  # fmt: skip


@pytest.mark.parametrize("source, data", [
    ("n ** m % 10", {"n": 7, "m": 2 * 10**7}),
    ("s * n", {"s": "a", "n": 10**10}),
    ("len(range(n))", {"n": 10**12}),
])  # fmt: skip
def test_computed_bombs_stop_at_their_guard(source, data):
    started = time.monotonic()
    with pytest.raises(BudgetExceeded):
        SafeEnvironment().evaluate(source, dict(data))
    assert time.monotonic() - started < 1


def test_a_script_that_would_run_for_ever_stops_within_its_budget():
    script = "total = 0\nfor i in range(n):\n    for j in range(n):\n        total += i * j\n"
    started = time.monotonic()
    with pytest.raises(BudgetExceeded, match="steps|longer"):
        SafeEnvironment().execute(script, {"n": 10**6})
    assert time.monotonic() - started < MAX_SECONDS + 3


def test_an_augmented_repetition_is_guarded_too():
    script = "s = 'ab'\nfor i in range(40):\n    s *= 2\n"
    with pytest.raises(BudgetExceeded, match="repetition"):
        SafeEnvironment().execute(script, {})


def test_a_comprehension_counts_its_steps():
    with pytest.raises(BudgetExceeded):
        SafeEnvironment().evaluate("sum(1 for i in range(n) for j in range(n))", {"n": 10**6})
