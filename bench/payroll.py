"""Wage payment at size (issues 5 and 15): 20 units × 250 workers, or 50 × 1,000 (--size large).

    .venv/bin/python -m bench.payroll                       # 20 × 250 × 31 days, its own SQLite
    .venv/bin/python -m bench.payroll --pg postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python -m bench.payroll --pg … --size large   # 50 × 1,000 × 31 days
    .venv/bin/python -m bench.payroll --units 3 --workers 1000 --no-baselines

Builds its own database (the Alembic migrations, the diagrams, the demo data, then more
subcontracting units so the demo project has ``--units``, ``--workers`` accepted workers per
unit and ``--days`` of sign-ins for each: 155,000 attendance rows at the small size, 1,550,000
at the large one, real rows the compile reads, loaded by COPY on PostgreSQL and executemany on
SQLite), then drives ONE whole batch through the use cases and the engine, as the pages do
(each step in a session of its own, holding ids, not the lines), with fake reviewers (one actor
holding every role on the project) and a fake bank connector that accepts every line:

    新增银行交换批次号 → 新增编制 × units → 提交审核 → 分包审核 → 总包审核 → 生成汇总表 →
    summary/RenderPdf → PM 签署 → 企业签署 → bank/SubmitBatch → bank/FetchStatus →
    bank/Reconcile → paid

On the way it times the steps the issue names, each next to a baseline measured in the same run
on the same lines without the app (no database, no engine; ``--no-baselines`` skips them), and
the memory: the peak resident set size of the process (``ru_maxrss``, before the baselines) and
the RSS sampled every 20 ms during the RenderPdf job. It prints a table with the targets (small:
one compile and the page < 1 s, the PDF < 3 s, the batch < 60 s; large: every unit's compile
< 2 s, the process < 500 MB, the batch < 5 min) and records them in bench/results.py. With
``--pg`` the data lives in a private schema that is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAY_MONTH = "2025-08"  # settlement day 25: 26 Jul – 25 Aug 2025, 31 days
SETTLEMENT_DAY = 25
TRADES = ("钢筋工", "木工", "混凝土工", "架子工", "砌筑工", "电工", "焊工", "普工")
CONFIG = {
    "TESTING": True,
    "ZHUXIN_BACKGROUND": False,
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_SECURE": False,
    "SECRET_KEY": "bench-secret",
    "WTF_CSRF_ENABLED": False,
    "ZHUXIN_BANK_POLL": "PT0S",
}


class FakeBank:
    """The bank counterparty without HTTP: accepts every payment of every file."""

    def __init__(self):
        self.files: dict[str, bytes] = {}

    def __call__(self, url):
        return self

    def submit(self, xml: bytes):
        from connectors.bank_client import ACCEPTED, SubmitResult, _msg_id

        msg_id = _msg_id(xml)
        self.files.setdefault(msg_id, xml)
        return SubmitResult(msg_id, ACCEPTED, "ACCP", lines=self.fetch_status(msg_id))

    def fetch_status(self, msg_id):
        from connectors.bank_iso20022 import NS, Transactions
        from connectors.bank_reports import TransactionStatus

        ids = [tx.findtext(f"{{{NS}}}PmtId/{{{NS}}}EndToEndId")
               for tx in Transactions(self.files[msg_id])]  # fmt: skip
        return {e: TransactionStatus(e, "ACCP") for e in ids}

    def fetch_returns(self, msg_id):
        return []


# --- the database ------------------------------------------------------------------------------


def make_database(pg: str | None, workdir: Path, prefix: str = "bench_"):
    """(url, drop) — a database of its own: an SQLite file, or a PostgreSQL schema
    ``<prefix><hex>``."""
    if not pg:
        return f"sqlite:///{workdir / 'bench.db'}", lambda: None
    from tests.conftest import pg_schema_url

    base = pg.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"{prefix}{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))

    def drop():
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    return pg_schema_url(base, schema), drop


def populate(app, units: int, workers: int, days: int) -> int:
    """Migrations, diagrams, demo data; then ``units`` units on project 1 with ``workers``
    accepted workers each and ``days`` sign-ins per worker (bulk inserts).  Returns the count
    of attendance rows added."""
    from flask_migrate import upgrade

    from domain.checks import luhn_check_digit
    from domain.demo import load_demo, resident_id
    from domain.model import Assignment, Enterprise, Person, Project, Unit
    from domain.payroll.period import pay_period_for
    from domain.personal_data import with_hashes
    from domain.roster.demo import bulk_on_site
    from services.processes import deploy_changed
    from web.extensions import db
    from web.runtime import BPMN_DIR, uow

    upgrade()
    deploy_changed(uow(), BPMN_DIR, by="bench")
    load_demo(db.session)
    s = db.session
    project = s.get(Project, 1)
    project.settlement_day = SETTLEMENT_DAY
    for n in range(len(project.units), units):
        firm = Enterprise(name=f"压测劳务分包{n:02d}有限公司", credit_code=f"91310000BENCH{n:05d}",
                          kind="sub")  # fmt: skip
        s.add(firm)
        s.flush()
        s.add(Unit(project_id=1, enterprise_id=firm.id, name=f"压测劳务分包{n:02d}"))
    s.flush()
    unit_ids = [u.id for u in s.scalars(sa.select(Unit).where(Unit.project_id == 1))][:units]
    period = pay_period_for(PAY_MONTH, SETTLEMENT_DAY)
    span = [period.start + timedelta(days=d) for d in range((period.end - period.start).days + 1)]
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = 0
    for k, unit_id in enumerate(unit_ids):
        cards = [f"622202{k:04d}{i:08d}" for i in range(workers)]
        cards = [body + luhn_check_digit(body) for body in cards]
        people = [
            dict(name=f"压测{k:02d}{i:03d}",
                 id_number=resident_id("310104", date(1980, 1, 1) + timedelta(days=i), k),
                 phone=f"19{k:02d}{i:07d}", trade=TRADES[i % len(TRADES)],
                 bank_card=cards[i], bank_name="中国工商银行上海市分行",
                 bank_cnaps="102290024433", created_at=now)
            for i in range(workers)
        ]  # fmt: skip
        ids = s.scalars(sa.insert(Person).returning(Person.id),
                             [with_hashes(Person, p) for p in people]).all()
        assigned = s.scalars(sa.insert(Assignment).returning(Assignment.id), [
            dict(person_id=pid, project_id=1, unit_id=unit_id, state="accepted", assigned_at=now)
            for pid in ids
        ]).all()  # fmt: skip
        # 聘用登记 and 进场登记: a contract in force and on site for the whole period
        bulk_on_site(s, 1, unit_id, s.get(Unit, unit_id).enterprise_id,
                     list(zip(assigned, ids, strict=True)), period.start - timedelta(days=30),
                     period.end + timedelta(days=365))  # fmt: skip
        start = datetime.combine(span[0], datetime.min.time()) + timedelta(hours=7)
        rows += load_signins(s, unit_id, ids, span[:days], start)
    s.commit()
    return rows


ATTENDANCE_COLUMNS = ("project_id", "unit_id", "person_id", "day", "signed_at", "method", "makeup")


def load_signins(session, unit_id: int, person_ids, days, first_at: datetime) -> int:
    """Every worker signed in at 07:00 on each of ``days`` (officer scans): real rows in the
    attendance table, written by COPY on PostgreSQL and by one executemany on SQLite — the
    fastest honest loads; an ORM insert of 1.55 M dicts takes most of the run."""
    rows = [(1, unit_id, pid, day, first_at + timedelta(days=n), "officer_scan", False)
            for pid in person_ids for n, day in enumerate(days)]  # fmt: skip
    raw = session.connection().connection.driver_connection  # the session's own transaction
    if session.get_bind().dialect.name == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY attendance ({', '.join(ATTENDANCE_COLUMNS)}) "
                                           "FROM STDIN") as copy:  # fmt: skip
            for row in rows:
                copy.write_row(row)
    else:  # as SQLAlchemy stores them: ISO dates, microseconds, 0/1
        marks = ", ".join("?" * len(ATTENDANCE_COLUMNS))
        raw.executemany(f"INSERT INTO attendance ({', '.join(ATTENDANCE_COLUMNS)}) "
                        f"VALUES ({marks})",
                        [(*r[:3], r[3].isoformat(), f"{r[4]:%Y-%m-%d %H:%M:%S.%f}", r[5], 0)
                         for r in rows])  # fmt: skip
    return len(rows)


# --- the run -------------------------------------------------------------------------------------


class RssSampler:
    """The process's resident set size every 20 ms while the block runs (peak_mib after).  RSS,
    not tracemalloc: ReportLab, lxml and pyHanko allocate outside Python's allocator too."""

    def __init__(self, every: float = 0.02):
        self.every, self.peak_mib = every, 0.0
        self._stop = threading.Event()

    def __enter__(self):
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while True:
            self.peak_mib = max(self.peak_mib, rss_mib())
            if self._stop.wait(self.every):
                return


def rss_mib() -> float:
    """The resident set size now (Linux /proc; elsewhere the peak so far)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return peak_rss_mib()


def peak_rss_mib() -> float:
    """ru_maxrss of the whole process so far (KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Clock:
    def __init__(self):
        self.seconds: dict[str, float] = {}

    @contextmanager
    def time(self, name: str):
        started = time.perf_counter()
        yield
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


def confirm_every_line(session, compilation_ids) -> None:
    """Every worker has confirmed his line as it is (the rows his phone would write, in bulk,
    one table at a time: the bench holds no more lines than a request would)."""
    from domain.db import utcnow
    from domain.payroll.confirmation import line_digest
    from domain.payroll.model import LineConfirmation, WageLineRow

    now = utcnow()
    for comp_id in compilation_ids:
        lines = session.scalars(sa.select(WageLineRow).where(WageLineRow.compilation_id == comp_id))
        session.execute(sa.insert(LineConfirmation), [
            dict(line_id=line.id, state="confirmed", digest=line_digest(line), confirmed_at=now)
            for line in lines
        ])  # fmt: skip
        session.commit()
        session.expunge_all()


def bench_actor(session):
    """The fake reviewers: gc_pm's user holding every contractor role on project 1."""
    from domain import roles
    from domain.access import Actor, Grant
    from domain.model import User

    pm = session.scalar(sa.select(User).where(User.username == "gc_pm"))
    every = roles.PROJECT_VIEWERS
    return pm, Actor(pm.id, "bench", None, tuple(Grant(r, 1, None) for r in every), "gc_pm")


def drain(session) -> int:
    from services.processes import run_due_jobs
    from web.runtime import uow

    ran = 0
    while True:
        n = run_due_jobs(uow(), limit=50)
        if not n:
            return ran
        ran += n


def run(app, clock: Clock, pki: Path) -> dict:
    """One whole batch through the use cases and the engine; per-step times into ``clock``."""
    import engine
    from connectors.bank_iso20022 import build_pain001, msg_id_for, validate_pain001
    from domain.payroll import payment
    from domain.payroll.model import WageBatch
    from services import payroll as usecases
    from services import payroll_jobs
    from services.pki import DEMO_ENTERPRISE_PASSWORD
    from web.extensions import db
    from web.runtime import uow, wiring

    s = db.session
    wiring(app).payroll.bank_client = FakeBank()
    pm, actor = bench_actor(s)
    usecases.issue_signing_credential(uow(), pm.id, "qianshu2026", "上海筑城建设集团有限公司")
    out: dict = {}
    started = time.perf_counter()
    with clock.time("create"):
        batch = usecases.create_batch(uow(), actor, 1, PAY_MONTH)
    # ids, not ORM objects: each step below is a request of its own, as on the pages
    tables = [(c.id, c.unit.is_gc_own) for c in batch.compilations]
    batch_id, gc_own = batch.id, next(cid for cid, own in tables if own)
    per_unit = []
    with clock.time("compile all"):
        for comp_id, _own in tables:
            unit_started = time.perf_counter()
            usecases.compile_from_attendance(uow(), actor, comp_id)
            per_unit.append(time.perf_counter() - unit_started)
            s.expunge_all()
            if comp_id == gc_own:
                clock.seconds["list one compile (service)"] = per_unit[-1]
    out["compile_max"] = max(per_unit)
    with clock.time("compile page GET"):
        out["page"] = page_get(app, gc_own)
    # 工人确认 on the phones (days of the workers' own requests): setup, not part of the batch
    setup_started = time.perf_counter()
    confirm_every_line(s, [cid for cid, _ in tables])
    untimed = time.perf_counter() - setup_started
    with clock.time("submit + reviews"):
        for comp_id, _own in tables:
            usecases.submit_compilation(uow(), actor, comp_id)
            s.expunge_all()
        for comp_id, own in tables:
            if not own:
                usecases.review_compilation(uow(), actor, comp_id, "sub", True)
                s.expunge_all()
        for comp_id, _own in tables:
            usecases.review_compilation(uow(), actor, comp_id, "gc", True)
            s.expunge_all()
        drain(s)  # the compile reminders (the settlement day is long past)
    with clock.time("generate summary (task)"):
        usecases.generate_summary(uow(), actor, batch_id)
    s.expunge_all()  # a worker process renders without the lines of this session in memory
    batch = s.get(WageBatch, batch_id)
    with clock.time("summary PDF (RenderPdf job)"), RssSampler() as rss:
        drain(s)
    out["pdf_rss"] = rss.peak_mib
    s.expire_all()
    batch = s.get(WageBatch, batch.id)
    summary = payment.summary_of(s, batch)
    out["lines"], out["pdf_kib"] = summary.line_count, len(summary.pdf) / 1024
    with clock.time("sign twice (use cases)"):
        usecases.pm_sign(uow(), actor, batch.id, "qianshu2026")
        p12 = (pki / "enterprise_demo.p12").read_bytes()
        usecases.enterprise_sign(uow(), actor, batch.id, p12, DEMO_ENTERPRISE_PASSWORD)
    # The pain.001 as the push builds it (the lines to pay from the database, build, XSD);
    # measured without recording it, then the push job itself runs in the drain below.
    # Not part of the batch either (the push job builds its own), so outside "whole".
    setup_started = time.perf_counter()
    with clock.time("pain.001 (lines from db + build + XSD)"):
        paying = payment.lines_to_pay(s, batch)
        msg_id = msg_id_for(batch.batch_no, batch.repay_round)
        xml = build_pain001(payroll_jobs._payment_batch(batch, msg_id, paying))
        assert not validate_pain001(xml)
    s.rollback()
    out["pain_kib"] = len(xml) / 1024
    del xml, paying
    untimed += time.perf_counter() - setup_started
    with clock.time("push + status + reconcile (jobs)"), RssSampler() as rss:
        drain(s)
    out["push_rss"] = rss.peak_mib
    s.expire_all()
    batch = s.get(WageBatch, batch.id)
    out["whole"] = time.perf_counter() - started - untimed
    out["state"] = batch.state
    out["instance"] = engine.describe_instance(s, batch.instance_id)["status"]
    out["batch_id"] = batch.id
    return out


def page_get(app, compilation_id: int) -> tuple[int, float, int]:
    """编制详情 as gc_op sees it: (status, seconds of the GET alone, lines shown)."""
    client = app.test_client()
    assert (
        client.post("/login", data={"account": "gc_op", "password": "zhuxin2026"}).status_code
        == 302
    )
    url = f"/projects/1/payroll/compilations/{compilation_id}"
    client.get(url)  # warm the templates
    started = time.perf_counter()
    r = client.get(url)
    seconds = time.perf_counter() - started
    return r.status_code, seconds, r.text.count('<tr id="line-')


def baselines(app, batch_id: int, pki: Path) -> dict:
    """The same lines without the app: the raw attendance aggregate, the PDF render, the two
    signatures and the pain.001 build from in-memory lines."""
    from connectors.bank_iso20022 import (
        DebtorAccount,
        PaymentBatch,
        build_pain001,
        transfers_from_lines,
    )
    from connectors.signing import sign_as_enterprise, sign_as_pm
    from connectors.signing_pki import PersonalCredential
    from connectors.summary_pdf import SummaryHeader, render_summary_pdf
    from domain.clock import today_in_shanghai
    from domain.payroll import compile, payment
    from domain.payroll.model import WageBatch
    from domain.payroll.period import PayPeriod
    from services.pki import DEMO_ENTERPRISE_PASSWORD, issue_pm_credential
    from web.extensions import db

    s = db.session
    batch = s.get(WageBatch, batch_id)
    period = PayPeriod(batch.period_start, batch.period_end)
    gc_own = next(c for c in batch.compilations if c.unit.is_gc_own)
    lines = payment.batch_lines(s, batch)
    out = {}
    started = time.perf_counter()
    compile.attendance_counts(s, 1, gc_own.unit_id, period)
    out["list"] = time.perf_counter() - started
    header = SummaryHeader(batch.project.name, batch.batch_no, "2025年8月", period, "总包")
    started = time.perf_counter()
    pdf = render_summary_pdf(header, lines)
    out["pdf"] = time.perf_counter() - started
    cred = issue_pm_credential(pki, "项目经理", "总包", "PM-9999", "qianshu2026")
    p12 = (pki / "enterprise_demo.p12").read_bytes()
    started = time.perf_counter()
    once = sign_as_pm(pdf, PersonalCredential(cred.cert_pem, cred.encrypted_key_pem,
                                              cred.chain_pem), "qianshu2026")  # fmt: skip
    sign_as_enterprise(once, p12, DEMO_ENTERPRISE_PASSWORD)
    out["sign"] = time.perf_counter() - started
    debtor = DebtorAccount("专户", "31050161393600012", "102290000018", "工商银行")
    started = time.perf_counter()
    build_pain001(PaymentBatch(batch.batch_no + "-B", debtor,
                               transfers_from_lines(lines, "工资"), today_in_shanghai(), "总包"))  # fmt: skip
    out["pain"] = time.perf_counter() - started
    return out


SIZES = {"small": (20, 250, 31), "large": (50, 1000, 31)}  # units, workers per unit, days


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", help="PostgreSQL URL: use a private schema there")
    parser.add_argument("--size", choices=SIZES, default="small",
                        help="small: 20 × 250 × 31 days; large: 50 × 1,000 × 31 days")
    parser.add_argument("--units", type=int, help="subcontracting units (overrides --size)")
    parser.add_argument("--workers", type=int, help="accepted workers per unit")
    parser.add_argument("--days", type=int, help="days of sign-ins per worker")
    parser.add_argument("--no-baselines", action="store_true",
                        help="skip the same steps without the app (they double the PDF time)")
    args = parser.parse_args(argv)
    units, workers, days = SIZES[args.size]
    args.units, args.workers, args.days = args.units or units, args.workers or workers, \
        args.days or days  # fmt: skip

    from services.pki import make_pki
    from web import create_app
    from web.extensions import db

    with tempfile.TemporaryDirectory(prefix="bench-payroll-") as tmp:
        workdir = Path(tmp)
        url, drop = make_database(args.pg, workdir)
        pki = workdir / "pki"
        make_pki(pki)
        try:
            app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url,
                              "ZHUXIN_PKI_DIR": str(pki)})  # fmt: skip
            clock = Clock()
            with app.app_context():
                started = time.perf_counter()
                with RssSampler() as loading:
                    rows = populate(app, args.units, args.workers, args.days)
                load = time.perf_counter() - started
                with RssSampler() as batch:
                    out = run(app, clock, pki)
                out["peak_rss"] = peak_rss_mib()  # the process's peak, before the baselines
                out["load_rss"], out["batch_rss"] = loading.peak_mib, batch.peak_mib
                base = {} if args.no_baselines else baselines(app, out["batch_id"], pki)
                db.session.remove()
                db.engine.dispose()
        finally:
            drop()
    report(args, rows, load, clock.seconds, out, base)
    record_results(args, clock.seconds, out)
    return 0 if out["state"] == "paid" else 1


def db_name(args) -> str:
    return "PostgreSQL" if args.pg else "SQLite"


def is_large(args) -> bool:
    """More lines than the small size: the large size's targets apply."""
    return args.units * args.workers > 5000


def label_of(args) -> str:
    return f"{db_name(args)} {args.units}×{args.workers}"


def record_results(args, t, out) -> None:
    """The targeted figures into the summary table of ``python -m bench`` (bench/results.py)."""
    from bench.results import record

    label, large = label_of(args), is_large(args)
    one = t["list one compile (service)"]
    if large:
        record("payroll", f"{label}: compile, slowest unit", out["compile_max"], "s",
               target="< 2 s", met=out["compile_max"] < 2)
        record("payroll", f"{label}: summary PDF peak RSS", out["pdf_rss"], "MiB",
               target="< 500 MB", met=out["pdf_rss"] * 2**20 < 500e6)
        record("payroll", f"{label}: batch peak RSS (create → paid)", out["batch_rss"], "MiB",
               target="< 500 MB", met=out["batch_rss"] * 2**20 < 500e6,
               note=f"process peak {out['peak_rss']:.0f} MiB with the bench's data load")  # fmt: skip
        record("payroll", f"{label}: summary PDF (RenderPdf job)",
               t["summary PDF (RenderPdf job)"], "s")
        record("payroll", f"{label}: whole batch", out["whole"], "s", target="< 300 s",
               met=out["whole"] < 300)
        return
    record("payroll", f"{label}: list one compile", one, "s", target="< 1 s", met=one < 1)
    page = out["page"][1]
    record("payroll", f"{label}: 编制详情 page GET", page, "s", target="< 1 s", met=page < 1)
    pdf = t["summary PDF (RenderPdf job)"]
    record("payroll", f"{label}: summary PDF", pdf, "s", target="< 3 s", met=pdf < 3)
    record("payroll", f"{label}: whole batch", out["whole"], "s", target="< 60 s",
           met=out["whole"] < 60)


def report(args, rows, load, t, out, base) -> None:
    status, page_s, shown = out["page"]
    large = is_large(args)
    print(f"\nwage payment bench — {args.units} units × {args.workers} workers × {args.days} "
          f"days ({rows:,} sign-ins, {out['lines']:,} wage lines), {db_name(args)}")  # fmt: skip
    print(f"data load (COPY / executemany): {load:.1f} s; batch ended '{out['state']}', "
          f"instance {out['instance']}; peak RSS {out['peak_rss']:.0f} MiB "
          f"(during the PDF render {out['pdf_rss']:.0f} MiB)\n")  # fmt: skip
    rows_out = [
        (f"list one compile: 新增编制 ({args.workers} workers)", t["list one compile (service)"],
         base.get("list"), "raw attendance GROUP BY", 2.0 if large else 1.0),
        ("compile: slowest unit", out["compile_max"], None, "", 2.0 if large else None),
        ("list one compile: 编制详情 page GET", page_s, None, f"HTTP {status}, {shown} rows",
         None if large else 1.0),
        ("summary PDF (RenderPdf job)", t["summary PDF (RenderPdf job)"], base.get("pdf"),
         f"ReportLab alone, {out['pdf_kib']:,.0f} KiB", None if large else 3.0),
        ("sign twice (PM + enterprise)", t["sign twice (use cases)"], base.get("sign"),
         "pyHanko alone", None),
        ("pain.001 (db + build + XSD)", t["pain.001 (lines from db + build + XSD)"],
         base.get("pain"), f"build alone, {out['pain_kib']:,.0f} KiB", None),
        (f"compile all {args.units} units", t["compile all"], None, "", None),
        (f"submit + sub/GC reviews ({3 * args.units} tasks)", t["submit + reviews"], None, "",
         None),
        ("push + status + reconcile (jobs)", t["push + status + reconcile (jobs)"], None,
         "fake bank", None),
        ("whole batch through the API", out["whole"], None, "create → paid",
         300.0 if large else 60.0),
    ]  # fmt: skip
    print(f"{'step':<40}{'s':>8}{'base s':>9}{'ratio':>7}  {'target':<8}{'ok':<4}note")
    for name, seconds, baseline, note, target in rows_out:
        b = f"{baseline:9.3f}" if baseline is not None else " " * 9
        ratio = f"{seconds / baseline:7.1f}" if baseline else " " * 7
        tgt = f"< {target:g} s" if target else ""
        ok = ("yes" if seconds < target else "NO") if target else ""
        print(f"{name:<40}{seconds:8.3f}{b}{ratio}  {tgt:<8}{ok:<4}{note}")
    for name, mib in (("peak RSS during the PDF render", out["pdf_rss"]),
                      ("peak RSS: push + status + reconcile", out["push_rss"]),
                      ("peak RSS: the batch (create → paid)", out["batch_rss"]),
                      ("peak RSS: the bench's data load", out["load_rss"]),
                      ("peak RSS of the process", out["peak_rss"])):  # fmt: skip
        ok = ("yes" if mib * 2**20 < 500e6 else "NO") if large else ""
        print(f"{name:<40}{mib:6.0f} MiB{'':<16}  {'< 500 MB' if large else '':<8}{ok}")


if __name__ == "__main__":
    sys.exit(main())
