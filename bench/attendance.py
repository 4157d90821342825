"""Attendance list (考勤记录) at 1,000,000 sign-ins: server time of a page against its bare SQL.

    PYTHONPATH=$PWD .venv/bin/python bench/attendance.py [--pg postgresql://…] [--sqlite]
        [--workers 3125] [--days 320] [--repeat 7]

Builds its own database (PostgreSQL: a private schema ``bench_att_<hex>``, dropped at the end;
``--sqlite``: a temporary file) through the Alembic migrations, loads the demo data, then
``--workers`` workers in five new units of project 1, each signed in on each of ``--days`` days
ending today (1,000,000 rows by default: COPY on PostgreSQL, executemany on SQLite; a mix of
worker and officer scans, some make-ups), then VACUUM ANALYZE.

Each case is the real page (GET /projects/1/signin/attendance through Flask's test client,
logged in as the demo GC manager gc_pm, template rendered): one warm-up, then the median of
``--repeat`` runs.  The baseline of the same run is the bare SQL of that page: every statement the
request sent (caught with a cursor event), executed again directly on the DBAPI connection and
fetched, median of as many runs.  Prints page ms, SQL ms and page/SQL, then ``EXPLAIN (ANALYZE,
BUFFERS)`` of each statement of the page that reads ``attendance`` (the list, the total and the
count of people) so that the indexes used are visible.  Each page figure goes to the summary of
``python -m bench`` (target < 200 ms).

Figures (PostgreSQL, 2026-12-01, the 2-core machine shared with other agents' benchmarks: load
average 4.0 before, 4.5 after; 1,000,000 sign-ins + 1,129 of the demo loaded by COPY and
VACUUM ANALYZE in 58 s; median of 7).  Before = the code before this change (exact count of a
join, count(DISTINCT person), ORDER BY … LIMIT/OFFSET over every joined row; median of 5,
load average 5.2), after = ids by index-only scan, a page past the middle read from the end,
total counted up to 100,000 and then estimated (约), people probed per assigned worker:

    case                            before page / SQL ms   after page / SQL ms
    default (last 7 days), page 1          56.8 /   46.6          46.6 /  31.7
    all days, page 1                      798.6 /  604.6         100.2 /  58.5
    all days, page 2,000                1,434.9 /  960.3          67.5 /  55.1
    all days, page 10,000 (middle)            —                  148.5 / 176.9
    all days, last page                 7,474.0 / 7712.0          74.0 /  62.7
    one unit, page 1                      171.8 /  324.9          72.2 /  40.2
    one unit, last page                 2,034.9 / 2150.9         126.1 /  27.2
    worker's name, page 1                  78.5 /   22.9          31.2 /   7.1
    30 days, page 1                       226.1 /  122.0          36.8 /  44.3
    30 days, page 500                     340.0 /  368.5          56.3 /  40.3

Every page is under 200 ms.  The machine is noisy: in an earlier run of the same code at load
average 5.7 the middle page took 209 ms and the unit's last page 210 ms (its page/SQL ratio is
high in every run and not explained).  The middle page is the worst: its offset of 500,000 is
read from the index (~100–120 ms of its SQL); keyset links (?after=) would make next/previous
cheap at any depth but not a jump to a page number, and were not done.
"""

import argparse
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.payroll import CONFIG, make_database  # noqa: E402  (after the path is set)
from bench.results import record  # noqa: E402

UNITS = 5
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌辉鹏飞波宇浩"
TRADES = ("钢筋工", "木工", "混凝土工", "架子工", "电工", "焊工", "瓦工", "油漆工")
COLUMNS = ("project_id", "unit_id", "person_id", "day", "signed_at", "method",
           "officer_person_id", "distance_m", "accuracy_m", "makeup")  # fmt: skip


def add_workers(session, workers: int) -> list[tuple[int, int]]:
    """``workers`` accepted workers in ``UNITS`` new units of project 1: [(person, unit)]."""
    from domain.demo import resident_id
    from domain.model import Assignment, Enterprise, Person, Unit
    from domain.personal_data import with_hashes

    now = datetime.now()
    out = []
    per_unit = -(-workers // UNITS)
    for k in range(UNITS):
        firm = Enterprise(name=f"沪建劳务{k:02d}有限公司", credit_code=f"91310000ATT{k:07d}",
                          kind="sub")  # fmt: skip
        session.add(firm)
        session.flush()
        unit = Unit(project_id=1, enterprise_id=firm.id, name=f"沪建劳务{k:02d}")
        session.add(unit)
        session.flush()
        count = min(per_unit, workers - k * per_unit)
        people = [with_hashes(Person, dict(
            name=_name(k * per_unit + i), trade=TRADES[i % len(TRADES)],
            id_number=resident_id("310104", now.date() - timedelta(days=9000 + i), k),
            phone=f"17{k:02d}{i:07d}", bank_card=f"6222{k:04d}{i:011d}",
            bank_name="中国工商银行上海市分行", bank_cnaps="102290024433", created_at=now,
        )) for i in range(count)]  # fmt: skip
        ids = session.scalars(sa.insert(Person).returning(Person.id), people).all()
        session.execute(sa.insert(Assignment), [
            dict(person_id=pid, project_id=1, unit_id=unit.id, state="accepted", assigned_at=now)
            for pid in ids
        ])  # fmt: skip
        out += [(pid, unit.id) for pid in ids]
    session.commit()
    return out


def _name(n: int) -> str:
    """A Chinese name; the number keeps each one unique (a name search finds one worker)."""
    return f"{SURNAMES[n % len(SURNAMES)]}{GIVEN[n // len(SURNAMES) % len(GIVEN)]}{n:04d}"


def sign_in_rows(people, days: int, last_day):
    """One sign-in per worker and day over ``days`` days ending ``last_day``, as tuples."""
    officer = people[0][0]
    for d in range(days):
        day = last_day - timedelta(days=days - 1 - d)
        early = datetime.combine(day - timedelta(days=1), clock_time(22, 30))  # 06:30 Shanghai
        for n, (person, unit) in enumerate(people):
            kind = (n + d) % 40
            method = "makeup" if kind == 0 else "officer_scan" if kind < 12 else "worker_scan"
            yield (1, unit, person, day, early + timedelta(seconds=(n * 7 + d * 13) % 5400),
                   method, officer if method == "officer_scan" else None,
                   float((n + d) % 180), 10.0 + (n % 30), method == "makeup")  # fmt: skip


def load_sign_ins(session, people, days: int, last_day) -> int:
    """Bulk load: COPY on PostgreSQL, executemany batches of 10,000 on SQLite."""
    rows = sign_in_rows(people, days, last_day)
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL statement_timeout = 0")  # the app's limit is for pages
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY attendance ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        from domain.signin.model import Attendance

        batch: list[dict] = []
        for row in rows:
            batch.append(dict(zip(COLUMNS, row, strict=True)))
            if len(batch) == 10_000:
                session.execute(sa.insert(Attendance), batch)
                batch = []
        if batch:
            session.execute(sa.insert(Attendance), batch)
    session.commit()
    return len(people) * days


def analyse(engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")


@contextmanager
def caught(engine):
    """Every (statement, parameters) sent on ``engine`` inside the block."""
    sent: list[tuple[str, object]] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)


def median_ms(fn, repeat: int) -> float:
    fn()  # warm-up
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def cases(last_day, days: int, unit_id: int, name: str) -> dict[str, str]:
    """Case → query string; a last page is asked as a page past the end (that is the last)."""
    first = last_day - timedelta(days=days - 1)
    every = f"from={first}&to={last_day}"
    return {
        "default (last 7 days), page 1": "",
        "all days, page 1": every,
        "all days, page 2,000": f"{every}&page=2000",
        "all days, page 10,000 (middle)": f"{every}&page=10000",
        "all days, last page": f"{every}&page={10**8}",
        "one unit, page 1": f"{every}&unit_id={unit_id}",
        "one unit, last page": f"{every}&unit_id={unit_id}&page={10**8}",
        "worker's name, page 1": f"{every}&name={name}",
        "30 days, page 1": f"from={last_day - timedelta(days=29)}&to={last_day}",
        "30 days, page 500": f"from={last_day - timedelta(days=29)}&to={last_day}&page=500",
    }


def measure(app, client, engine, query: str, repeat: int, explain: bool):
    """(page ms, SQL ms, statements, EXPLAIN texts) of one list page."""
    url = f"/projects/1/signin/attendance?{query}"
    with caught(engine) as sent:
        answer = client.get(url)
    assert answer.status_code == 200, (url, answer.status_code)
    page_ms = median_ms(lambda: client.get(url), repeat)

    def bare():
        with engine.connect() as conn:
            for statement, params in sent:
                conn.exec_driver_sql(statement, params).fetchall()
            conn.rollback()

    sql_ms = median_ms(bare, repeat)
    plans = []
    if explain:
        with engine.connect() as conn:
            for statement, params in sent:
                if "FROM attendance" in statement and not statement.startswith("EXPLAIN"):
                    rows = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", params)
                    plans.append((statement, "\n".join(r[0] for r in rows)))
            conn.rollback()
    return page_ms, sql_ms, len(sent), plans, answer.text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--sqlite", action="store_true", help="an SQLite file instead")
    parser.add_argument("--workers", type=int, default=3125)
    parser.add_argument("--days", type=int, default=320)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)

    import os

    from flask_migrate import upgrade

    from domain.clock import today_in_shanghai
    from domain.demo import load_demo
    from tests.login_helpers import log_in_directly
    from web import create_app
    from web.extensions import db

    load_before = os.getloadavg()
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-att-") as tmp:
        url, drop = make_database(None if args.sqlite else args.pg, Path(tmp), "bench_att_")
        try:
            app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
            with app.app_context():
                upgrade()
                load_demo(db.session)
                started = time.perf_counter()
                people = add_workers(db.session, args.workers)
                last_day = today_in_shanghai()
                rows = load_sign_ins(db.session, people, args.days, last_day)
                analyse(db.engine)
                load = time.perf_counter() - started
                db.session.remove()
                engine = db.engine
            client = app.test_client()
            log_in_directly(client, app, "gc_pm")
            with app.app_context():
                name = _name(args.workers // 2)
                for case, query in cases(last_day, args.days, people[0][1], name).items():
                    results[case] = measure(
                        app,
                        client,
                        engine,
                        query,
                        args.repeat,
                        explain=engine.dialect.name == "postgresql",
                    )
                engine.dispose()
        finally:
            drop()
    report(args, rows, load, load_before, results)
    return 0


def report(args, rows: int, load: float, load_before, results: dict) -> None:
    import os

    db_name = "SQLite" if args.sqlite else "PostgreSQL"
    print(f"attendance list on {db_name}: {rows:,} sign-ins loaded (+ ANALYZE) in {load:.1f} s; "
          f"load average {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after")  # fmt: skip
    print(f"{'case':<32} {'page ms':>8} {'SQL ms':>8} {'page/SQL':>9} {'queries':>8}  pager")
    for case, (page_ms, sql_ms, statements, _, text) in results.items():
        pager = _pager_text(text)
        print(f"{case:<32} {page_ms:>8.1f} {sql_ms:>8.1f} {page_ms / sql_ms:>9.2f} "
              f"{statements:>8}  {pager}")  # fmt: skip
        record("attendance", f"page: {case}", round(page_ms, 1), "ms", target="< 200 ms",
               met=page_ms < 200)  # fmt: skip
    for case, (_, _, _, plans, _) in results.items():
        for statement, plan in plans:
            print(f"\n--- {case}: {' '.join(statement.split())[:160]}…\n{plan}")


def _pager_text(html: str) -> str:
    import re

    found = re.search(r'<span class="pager-count">([^<]*)</span>', html)
    return found.group(1) if found else "?"


if __name__ == "__main__":
    sys.exit(main())
