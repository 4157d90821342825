"""Attendance exports at size (考勤导出): 100,000 sign-ins to .xlsx and .csv, memory against a
10,000-row baseline measured in the same run.

    .venv/bin/python bench/exports.py [--rows 100000] [--pg postgresql://…]

Builds its own database (demo data, then ``--rows`` sign-ins on project 1, bulk inserted), and
runs the export exactly as the pages do (``queries.export_rows`` → ``write_attendance_xlsx`` in
openpyxl's write-only mode / ``attendance_csv``) into a temporary file, first over a range of
``--base`` rows, then over every row.  Prints rows, seconds and the peak of Python memory
(tracemalloc) of each; the export streams when the peak does not grow with the rows (ratio of
peaks near 1 while the rows grow tenfold).  Not a timed test: figures only.
"""

import argparse
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.payroll import CONFIG, make_database  # noqa: E402  (after the path is set)

FIRST = date(1990, 1, 1)  # long before the demo's own sign-ins


def add_sign_ins(session, rows: int) -> int:
    """``rows`` sign-ins of the project's workers, day after day from ``FIRST``; returns the
    number of workers (rows per day)."""
    from sqlalchemy import insert, select

    from domain.model import Assignment
    from domain.signin.model import Attendance

    people = session.execute(select(Assignment.person_id, Assignment.unit_id)
                             .where(Assignment.project_id == 1)).all()  # fmt: skip
    batch = []
    for n in range(rows):
        person, unit = people[n % len(people)]
        day = FIRST + timedelta(n // len(people))
        batch.append({"project_id": 1, "unit_id": unit, "person_id": person, "day": day,
                      "signed_at": day + timedelta(hours=7), "method": "worker_scan"})  # fmt: skip
        if len(batch) == 10_000:
            session.execute(insert(Attendance), batch)
            batch = []
    if batch:
        session.execute(insert(Attendance), batch)
    session.commit()
    return len(people)


def measure(session, actor, rows: int, per_day: int, kind: str) -> tuple[int, float, float]:
    """(rows written, seconds, peak MiB) of one export of the first ``rows`` sign-ins."""
    from domain.signin import queries
    from domain.signin.export import attendance_csv, write_attendance_xlsx

    last = FIRST + timedelta(days=-(-rows // per_day) - 1)
    q = queries.AttendanceQuery(day_from=FIRST, day_to=last)
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        found = queries.export_rows(session, actor, 1, q)
        if kind == "xlsx":
            written = write_attendance_xlsx(found, "压测项目", "zh", out)
        else:
            written = 0
            for part in attendance_csv(found, "zh"):
                out.write(part.encode("utf-8"))
                written += part.count("\n")
            written -= 1  # the header line
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    session.expunge_all()
    return written, seconds, peak


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", help="PostgreSQL URL: use a private schema there")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--base", type=int, default=10_000)
    args = parser.parse_args(argv)

    from flask_migrate import upgrade
    from sqlalchemy import select

    from domain.access import load_actor
    from domain.demo import load_demo
    from domain.model import User
    from web import create_app
    from web.extensions import db

    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-exports-") as tmp:
        url, drop = make_database(args.pg, Path(tmp))
        try:
            app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
            with app.app_context():
                upgrade()
                load_demo(db.session)
                started = time.perf_counter()
                per_day = add_sign_ins(db.session, args.rows)
                load = time.perf_counter() - started
                gc_pm = db.session.scalar(select(User).where(User.username == "gc_pm"))
                actor = load_actor(db.session, gc_pm)
                for kind in ("xlsx", "csv"):
                    for rows in (args.base, args.rows):
                        results[kind, rows] = measure(db.session, actor, rows, per_day, kind)
                db.session.remove()
                db.engine.dispose()
        finally:
            drop()
    report(args, load, results)
    ok = all(results[k, args.rows][0] >= args.rows for k in ("xlsx", "csv"))
    return 0 if ok else 1


def report(args, load: float, results: dict) -> None:
    db_name = "PostgreSQL" if args.pg else "SQLite"
    print(f"attendance exports on {db_name}: {args.rows:,} sign-ins inserted in {load:.1f} s")
    print(f"{'export':<6} {'rows':>9} {'seconds':>8} {'rows/s':>9} {'peak MiB':>9} {'× base':>7}")
    for kind in ("xlsx", "csv"):
        base_peak = results[kind, args.base][2]
        for rows in (args.base, args.rows):
            written, seconds, peak = results[kind, rows]
            print(f"{kind:<6} {written:>9,} {seconds:>8.2f} {written / seconds:>9,.0f} "
                  f"{peak:>9.1f} {peak / base_peak:>7.2f}")  # fmt: skip
    print(f"rows ×{args.rows / args.base:.0f}: a streamed export keeps its peak near ×1")
    from bench.results import record

    for kind in ("xlsx", "csv"):
        written, seconds, peak = results[kind, args.rows]
        growth = peak / results[kind, args.base][2]
        record("exports", f"{kind}, {written:,} rows: peak memory ÷ {args.base:,} rows", growth,
               "×", target="≈ 1 (streamed)", met=growth < 1.5,
               note=f"{peak:.1f} MiB, {seconds:.0f} s")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
