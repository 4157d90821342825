"""The long API fuzz run: schemathesis against every operation of /api/openapi.json as each
role (worker, sign-in officer, GC manager, process admin), at least ``--cases`` per role.

    .venv/bin/python tools/fuzz_api.py [--cases 1000] [--seed 2026]

Builds its own SQLite database (the migrations, the diagrams, the demo data) in a temporary
folder, runs the app in-process (WSGI) and prints, per role, the cases run, the failures (an
answer the description does not list: status, content type, schema, a schema-breaking request
accepted) and the server errors; the first failures follow. Exit status 1 when anything failed.
The bounded run in ``make test`` is tests/web/test_api_fuzz.py; the figures are in
docs/RELIABILITY.md ("API fuzzing").
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from tests.conftest import TEST_CONFIG, _load_demo, _migrate  # noqa: E402
from tests.web.api_fuzz import ROLES, Tally, fuzz_role, start_processes  # noqa: E402
from web import create_app  # noqa: E402

PER_ROUND = 16  # about: cases per operation, mode and id variant in one round


def fuzz(cases: int, first_seed: int) -> dict[str, tuple[Tally, float]]:
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for role, username in ROLES.items():
            url = f"sqlite:///{Path(tmp) / f'{role}.db'}"  # each role from the demo data
            _migrate(url)
            _load_demo(url)
            app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
            start_processes(app)
            tally, started, round_ = Tally(), time.perf_counter(), 0
            while tally.cases < cases:
                tally.add(fuzz_role(app, username, PER_ROUND, fixed_seed=first_seed + round_))
                round_ += 1
            results[role] = (tally, time.perf_counter() - started)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000, help="at least this many per role")
    parser.add_argument("--seed", type=int, default=2026, help="of the first round (+1 each)")
    args = parser.parse_args(argv)
    results = fuzz(args.cases, args.seed)
    print(f"{'role':<12}{'cases':>8}{'failures':>10}{'5xx':>6}{'seconds':>10}")
    for role, (tally, seconds) in results.items():
        print(f"{role:<12}{tally.cases:>8}{len(tally.failures):>10}{tally.server_errors:>6}"
              f"{seconds:>10.1f}")  # fmt: skip
    total = Tally()
    for tally, _seconds in results.values():
        total.add(tally)
    print(f"{'total':<12}{total.cases:>8}{len(total.failures):>10}{total.server_errors:>6}")
    statuses: dict[int, int] = {}
    for (_operation, status), n in total.statuses.items():
        statuses[status] = statuses.get(status, 0) + n
    print("answers by status:", ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
    for line in total.failures[:20]:
        print("  FAIL", line)
    return 1 if total.failures or total.server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
