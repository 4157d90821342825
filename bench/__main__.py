"""Run every benchmark: ``python -m bench`` (``make bench``); PostgreSQL from TEST_DATABASE_URL.

Each benchmark prints its own table with a baseline measured in the same run.
"""

import os
import subprocess
import sys

PG = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
RUNS = [
    ["bench/engine.py", "--pg", PG],
    ["bench/payroll_parts.py"],
    ["bench/payroll.py"],
    ["bench/payroll.py", "--pg", PG],
    ["-m", "bench.signin"],
    ["bench/exports.py"],  # 100,000 sign-ins to .xlsx/.csv, peak memory against 10,000
]


def main() -> int:
    failed = 0
    for args in RUNS:
        print(f"\n=== {' '.join(args)}", flush=True)
        failed += subprocess.run([sys.executable, *args], env={**os.environ,
                                 "TEST_DATABASE_URL": PG}).returncode != 0  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
