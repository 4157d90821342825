"""Run every benchmark: ``python -m bench`` (``make bench``); PostgreSQL from TEST_DATABASE_URL.

Each benchmark prints its own table with a baseline measured in the same run and reports its
headline figures through :mod:`bench.results`; at the end one table lists every figure, its
target and whether it was met. The exit status is 1 if a benchmark failed to run (a missed
target is shown in the table, not an error: these are figures, not tests).
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.results import summary

PG = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
RUNS = [
    ["bench/engine.py", "--pg", PG],
    ["bench/payroll_parts.py"],
    ["bench/payroll.py"],
    ["bench/payroll.py", "--pg", PG],
    # 50 × 1,000 workers, 50,000 lines (about 8 minutes on 2 cores; the small runs have baselines)
    ["bench/payroll.py", "--pg", PG, "--size", "large", "--no-baselines"],
    ["-m", "bench.signin", "--instructions", "200"],  # + callgrind counts, load-independent
    # 30,000 sign-ins to .xlsx/.csv, peak memory against 3,000 (100,000: README, ~10 min)
    ["bench/exports.py", "--rows", "30000", "--base", "3000"],
    ["bench/attendance.py", "--pg", PG],  # 考勤记录 pages at 1,000,000 sign-ins, < 200 ms
]


def main() -> int:
    failed = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        results = Path(tmp) / "results.jsonl"
        results.touch()
        env = {**os.environ, "TEST_DATABASE_URL": PG, "BENCH_RESULTS": str(results)}
        for args in RUNS:
            print(f"\n=== {' '.join(args)}", flush=True)
            if subprocess.run([sys.executable, *args], env=env).returncode != 0:
                failed.append(" ".join(args))
        table, missed = summary(results)
    print(f"\n=== summary ({missed} target(s) missed)\n\n{table}")
    for name in failed:
        print(f"\nFAILED to run: {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
