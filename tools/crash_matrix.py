"""Crash matrix (issue 11 item 8): whole wage batches against the real mock-bank, SIGKILLing the
serving process — and, separately, a standalone ``engine worker`` — before, during and after
each service task of ``bpmn/wage_payment.bpmn``; after each restart the batch must complete with
every line paid exactly once at the bank and nothing lost.

    .venv/bin/python tools/crash_matrix.py                       # every scenario (~30)
    .venv/bin/python tools/crash_matrix.py --ops bank/SubmitBatch --points during --victims serve

PostgreSQL (``--pg``, default the suite's server) gets a template database ``zx_crash_tpl``
(``--prefix``):
migrations, diagrams, the demo data plus a few workers per unit with sign-ins, one batch
compiled, reviewed and its summary requested.  Each scenario copies it (``CREATE DATABASE …
TEMPLATE``), starts a fresh mock-bank and the app processes (``flask zhuxin serve`` with its
executor; or serve without background + ``flask engine worker``), each with a node id, then
signs the batch from this process through the use cases.  The victim runs with
``ZHUXIN_PAUSE_AT=<operation>:<point>`` (``connectors/pause_points.py``): when it writes the
marker it is SIGKILLed and restarted without the pause.  Kill points: ``before`` (job claimed,
connector entered), ``during`` (the bank answered, nothing recorded), ``after`` (the work
committed, the answer not on the job).  "restarted" is the time from the kill until the new
process is ready (its start-up: imports, app, node slot), "recovered" until the killed job is
done — the difference is the resume.  The processes run with a 600 s lease
(``ZHUXIN_JOB_LEASE_SECONDS``), so a job resumed in less was reclaimed by its restarted node, not
taken over after its lease.  Checked per scenario: the instance completed, the batch
paid, each wage line has exactly one accepted payment at the bank (``GET /_mock/payments``),
no incident.  Every database made here is dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.request import urlopen

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
PG = "postgresql://postgres@127.0.0.1:5432/test"
POINTS = ("before", "during", "after")
OPERATIONS = {  # the payment process's service tasks in the order they run; RenderPdf has no bank
    "summary/RenderPdf": ("before", "after"),
    "bank/SubmitBatch": POINTS,
    "bank/FetchStatus": POINTS,
    "bank/Reconcile": POINTS,
    "bank/WatchReturns": POINTS,
}
VICTIMS = ("serve", "worker")
WORKERS_PER_UNIT = 4
TIMEOUT_S = 300
LEASE_S = 600


@dataclass
class Outcome:
    victim: str
    operation: str
    point: str
    killed: bool
    attempts: int
    recovered_s: float | None
    lines: int
    paid: int
    duplicates: int
    lost: int
    problem: str = ""
    restarted_s: float | None = None  # kill → the restarted process is ready

    @property
    def ok(self) -> bool:
        return (self.killed and not self.problem and self.duplicates == 0 and self.lost == 0
                and self.paid == self.lines)  # fmt: skip


# --- databases -----------------------------------------------------------------------------------


def sa_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def db_url(pg: str, name: str) -> str:
    return sa.make_url(sa_url(pg)).set(database=name).render_as_string(hide_password=False)


class Databases:
    """CREATE / DROP DATABASE on the server of ``pg`` (autocommit, as they require): the
    template ``<prefix>_tpl`` and each scenario's copy ``<prefix>_run``."""

    def __init__(self, pg: str, prefix: str = "zx_crash"):
        self.admin = sa.create_engine(db_url(pg, "postgres"), isolation_level="AUTOCOMMIT")
        self.pg, self.template, self.run = pg, f"{prefix}_tpl", f"{prefix}_run"

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def create(self, name: str, template: str | None = None) -> str:
        self.drop(name)
        with self.admin.connect() as conn:
            extra = f' TEMPLATE "{template}"' if template else ""
            conn.execute(sa.text(f'CREATE DATABASE "{name}"{extra}'))
        return db_url(self.pg, name)


def app_config(url: str, pki: Path) -> dict:
    from bench.payroll import CONFIG  # the bench's test configuration: no background, no CSRF
    from web.keys import TEST_PII_KEYS  # every process of a run reads what the others wrote

    return {**CONFIG, "SQLALCHEMY_DATABASE_URI": url, "ZHUXIN_PKI_DIR": str(pki),
            "ZHUXIN_BANK_POLL": "PT1S", "ZHUXIN_PII_KEYS": TEST_PII_KEYS}  # fmt: skip


def build_template(dbs: Databases, pki: Path) -> int:
    """The template database: one batch whose summary is requested (RenderPdf due); → batch id."""
    from bench.payroll import PAY_MONTH, bench_actor, confirm_every_line, drain, populate
    from services import payroll
    from web import create_app
    from web.extensions import db
    from web.runtime import uow

    url = dbs.create(dbs.template)
    app = create_app(app_config(url, pki))
    with app.app_context():
        populate(app, 3, WORKERS_PER_UNIT, 20)
        s = db.session
        pm, actor = bench_actor(s)
        payroll.issue_signing_credential(uow(), pm.id, "qianshu2026", "上海筑城建设集团有限公司")
        batch = payroll.create_batch(uow(), actor, 1, PAY_MONTH)
        batch_id = batch.id
        comps = [(c.id, c.unit.is_gc_own) for c in batch.compilations]  # ids: steps commit
        for comp_id, _own in comps:
            payroll.compile_from_attendance(uow(), actor, comp_id)
        confirm_every_line(s, [comp_id for comp_id, _own in comps])
        for comp_id, _own in comps:
            payroll.submit_compilation(uow(), actor, comp_id)
        for comp_id, own in comps:
            if not own:
                payroll.review_compilation(uow(), actor, comp_id, "sub", True)
        for comp_id, _own in comps:
            payroll.review_compilation(uow(), actor, comp_id, "gc", True)
        drain(s)  # the compile reminders: the settlement day is long past
        payroll.generate_summary(uow(), actor, batch_id)  # summary/RenderPdf is now due
        db.session.remove()
        db.engine.dispose()
    return batch_id


def sign(url: str, pki: Path, batch_id: int) -> None:
    """去签署: the PM's and the enterprise's signatures, through the use cases (from here)."""
    from bench.payroll import bench_actor
    from services import payroll
    from services.pki import DEMO_ENTERPRISE_PASSWORD
    from web import create_app
    from web.extensions import db
    from web.runtime import uow

    app = create_app(app_config(url, pki))
    with app.app_context():
        _, actor = bench_actor(db.session)
        payroll.pm_sign(uow(), actor, batch_id, "qianshu2026")
        p12 = (pki / "enterprise_demo.p12").read_bytes()
        payroll.enterprise_sign(uow(), actor, batch_id, p12, DEMO_ENTERPRISE_PASSWORD)
        db.session.remove()
        db.engine.dispose()


# --- processes -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, process: subprocess.Popen, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:3]} exited with {process.returncode}")
        try:
            with urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


class MockBank:
    """A fresh mock-bank process with the demo project's wage account."""

    def __init__(self, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([str(VENV_BIN / "mock-bank"), "--port", str(self.port),
                                         "-q"], stdout=log.open("ab"), stderr=subprocess.STDOUT)  # fmt: skip
        try:
            wait_http(self.url + "/_mock/health", self.process, 60)
        except Exception:
            self.stop()
            raise

    def register_wage_account(self, url: str) -> None:
        from connectors.bank_client import BankClient

        engine = sa.create_engine(url)
        with engine.connect() as conn:
            code, number = conn.execute(sa.text(
                "SELECT code, wage_account_no FROM project ORDER BY id LIMIT 1")).one()  # fmt: skip
        engine.dispose()
        BankClient(self.url, timeout=5).register_account(f"ZX-WAGE-{code}", "农民工工资专用账户",
                                                         number, balance_fen=10**12)  # fmt: skip

    def payments(self) -> list[dict]:
        with urlopen(self.url + "/_mock/payments", timeout=5) as answer:
            return json.load(answer)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


class AppProcess:
    """``flask zhuxin serve`` or ``flask engine worker`` on the scenario's database."""

    def __init__(self, kind: str, env: dict, log: Path, port: int | None = None):
        self.kind, self.env, self.log, self.port = kind, env, log, port

    def start(self, **extra) -> AppProcess:
        flask = [str(VENV_BIN / "flask"), "--app", "web"]
        if self.kind == "serve":
            args = [*flask, "zhuxin", "serve", "--port", str(self.port)]
        else:
            args = [*flask, "engine", "worker", "--poll", "0.5"]
        starts = self._starts()
        self.process = subprocess.Popen(args, cwd=ROOT, env={**self.env, **extra},
                                        stdout=self.log.open("ab"), stderr=subprocess.STDOUT)  # fmt: skip
        try:
            self._wait_ready(starts)
        except Exception:  # not ready: do not leave it running
            self.kill()
            raise
        return self

    def _wait_ready(self, starts: int) -> None:
        if self.kind == "serve":
            wait_http(f"http://127.0.0.1:{self.port}/api/ping", self.process)
            return
        deadline = time.monotonic() + 240  # ready once it says so (node slot taken, reclaimed)
        while self._starts() == starts:
            if self.process.poll() is not None:
                raise RuntimeError(f"engine worker exited with {self.process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("engine worker did not start")
            time.sleep(0.1)

    def _starts(self) -> int:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text.count("running due jobs")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def base_env(url: str, bank: str, pki: Path, work: Path) -> dict:
    from web.keys import TEST_PII_KEYS  # the same personal-data keys as the template's app

    return {
        **os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url, "ZHUXIN_BANK_URL": bank,
        "ZHUXIN_PKI_DIR": str(pki), "ZHUXIN_BANK_POLL": "PT1S", "ZHUXIN_RETURN_POLL": "PT1S",
        "ZHUXIN_RETURN_WATCH_DAYS": "0", "ZHUXIN_SECURE_COOKIES": "0",
        "SECRET_KEY": "crash-matrix", "ZHUXIN_NODE_DIR": str(work / "nodes"),
        "ZHUXIN_PII_KEYS": TEST_PII_KEYS,
        # A lease far longer than any recovery here: a resumed job was reclaimed, not expired.
        "ZHUXIN_JOB_LEASE_SECONDS": str(LEASE_S),
    }  # fmt: skip


# --- one scenario --------------------------------------------------------------------------------


def run_scenario(dbs: Databases, pki: Path, batch_id: int, work: Path, victim: str,
                 operation: str, point: str) -> Outcome:  # fmt: skip
    url = dbs.create(dbs.run, dbs.template)
    bank = MockBank(work / "mock-bank.log")
    marker = work / f"paused-{victim}-{operation.replace('/', '-')}-{point}"
    marker.unlink(missing_ok=True)
    env = base_env(url, bank.url, pki, work)
    serve = AppProcess("serve", {**env, "ZHUXIN_NODE_ID": "crash-serve",
                                 "ZHUXIN_BACKGROUND": "1" if victim == "serve" else "0"},
                       work / "serve.log", free_port())  # fmt: skip
    worker = AppProcess("worker", {**env, "ZHUXIN_NODE_ID": "crash-worker"}, work / "worker.log")
    victim_process = serve if victim == "serve" else worker
    pause = {"ZHUXIN_PAUSE_AT": f"{operation}:{point}", "ZHUXIN_PAUSE_MARKER": str(marker)}
    started = []
    try:
        bank.register_wage_account(url)
        for p in (serve, worker) if victim == "worker" else (serve,):
            started.append(p.start(**(pause if p is victim_process else {})))
        return _watch(url, pki, batch_id, bank, victim_process, marker, victim, operation, point)
    finally:
        for p in started:
            p.stop()
        bank.stop()
        dbs.drop(dbs.run)


def _watch(url, pki, batch_id, bank, victim_process, marker, victim, operation, point) -> Outcome:
    """Sign when the summary is rendered; kill and restart at the marker; until completed."""
    engine = sa.create_engine(url)
    signed = killed = False
    killed_at = recovered = restarted = None
    deadline = time.monotonic() + TIMEOUT_S
    try:
        while time.monotonic() < deadline:
            state = _state(engine, batch_id, operation)
            if marker.exists() and not killed:
                victim_process.kill()
                killed_at, killed = time.monotonic(), True
                victim_process.start()  # the same node id, no pause
                restarted = time.monotonic() - killed_at
            if killed and recovered is None and state["job"] == "done":
                recovered = time.monotonic() - killed_at
            if state["rendered"] and not signed:
                sign(url, pki, batch_id)
                signed = True
            if state["instance"] == "completed" or state["incidents"]:
                break
            time.sleep(0.1)
        outcome = _check(engine, bank, batch_id, victim, operation, point, killed, recovered,
                         state)  # fmt: skip
        outcome.restarted_s = restarted
        return outcome
    finally:
        engine.dispose()


def _state(engine, batch_id: int, operation: str) -> dict:
    with engine.connect() as conn:
        instance = conn.execute(sa.text(
            "SELECT i.status FROM engine_process_instance i JOIN wage_batch b "
            "ON b.instance_id = i.id WHERE b.id = :b"), {"b": batch_id}).scalar()  # fmt: skip
        jobs = conn.execute(sa.text(
            "SELECT j.operation, j.status, j.attempts FROM engine_job j JOIN wage_batch b "
            "ON b.instance_id = j.instance_id WHERE b.id = :b AND j.kind = 'service' ORDER BY j.id"),
            {"b": batch_id}).all()  # fmt: skip
        incidents = conn.execute(sa.text("SELECT count(*) FROM engine_incident "
                                         "WHERE resolved_at IS NULL")).scalar()  # fmt: skip
    mine = [j for j in jobs if j.operation == operation]
    return {
        "instance": instance, "incidents": incidents,
        "rendered": any(j.operation == "summary/RenderPdf" and j.status == "done" for j in jobs),
        "job": mine[0].status if mine else None, "attempts": mine[0].attempts if mine else 0,
    }  # fmt: skip


def _check(engine, bank, batch_id, victim, operation, point, killed, recovered, state) -> Outcome:
    with engine.connect() as conn:
        lines = set(conn.execute(sa.text("SELECT id FROM wage_line WHERE batch_id = :b"),
                                 {"b": batch_id}).scalars())  # fmt: skip
        paid_here = set(conn.execute(sa.text(
            "SELECT line_id FROM wage_line_payment p JOIN wage_line l ON l.id = p.line_id "
            "WHERE l.batch_id = :b AND p.status = 'paid'"), {"b": batch_id}).scalars())  # fmt: skip
        batch_state = conn.execute(sa.text("SELECT state FROM wage_batch WHERE id = :b"),
                                   {"b": batch_id}).scalar()  # fmt: skip
    at_bank = Counter(_line_of(p) for p in bank.payments() if _accepted(p))
    duplicates = sum(n - 1 for line, n in at_bank.items() if line in lines and n > 1)
    lost = len({line for line in lines if not at_bank.get(line) or line not in paid_here})
    problems = []
    if state["instance"] != "completed":
        problems.append(f"instance {state['instance']}")
    if batch_state != "paid":
        problems.append(f"batch {batch_state}")
    if state["incidents"]:
        problems.append(f"{state['incidents']} incident(s)")
    if not killed:
        problems.append("the kill point was never reached")
    return Outcome(victim, operation, point, killed, state["attempts"], recovered, len(lines),
                   len([line for line in lines if at_bank.get(line)]), duplicates, lost,
                   ", ".join(problems))  # fmt: skip


def _line_of(payment: dict) -> int | None:
    from connectors.bank_iso20022 import parse_end_to_end_id

    try:
        return int(parse_end_to_end_id(payment.get("end_to_end_id") or "")[0])
    except ValueError:
        return None


def _accepted(payment: dict) -> bool:
    return payment.get("status") == "accepted"  # mock-bank: accepted | rejected | returned


# --- the matrix ----------------------------------------------------------------------------------


def scenarios(ops, points, victims):
    for victim in victims:
        for op in ops:
            for point in OPERATIONS[op]:
                if point in points:
                    yield victim, op, point


def run_matrix(pg: str, chosen, work: Path, echo=print, prefix="zx_crash") -> list[Outcome]:
    """Build the template, run each (victim, operation, point), drop every database."""
    from services.pki import make_pki

    dbs, pki = Databases(pg, prefix), work / "pki"
    make_pki(pki)
    try:
        started = time.monotonic()
        batch_id = build_template(dbs, pki)
        echo(f"template {dbs.template}: batch {batch_id} ready in {time.monotonic() - started:.1f} s")
        outcomes = []
        for victim, op, point in chosen:
            try:
                outcome = run_scenario(dbs, pki, batch_id, work, victim, op, point)
            except Exception as error:  # a process that did not start: a failed row, not a stop
                outcome = Outcome(victim, op, point, False, 0, None, 0, 0, 0, 0, str(error))
            echo(row(outcome))
            outcomes.append(outcome)
        return outcomes
    finally:
        dbs.drop(dbs.run)
        dbs.drop(dbs.template)
        dbs.admin.dispose()


HEADER = (f"{'scenario':<11} {'kill point':<26} {'attempts':>8} {'restarted':>9} "
          f"{'recovered':>9} {'lines paid':>10} {'duplicates':>10} {'lost':>5}  result")  # fmt: skip


def row(o: Outcome) -> str:
    def secs(value):
        return f"{value:.1f} s" if value is not None else "-"

    verdict = "ok" if o.ok else f"FAIL {o.problem}"
    return (f"{'kill ' + o.victim:<11} {o.operation + ' ' + o.point:<26} {o.attempts:>8} "
            f"{secs(o.restarted_s):>9} {secs(o.recovered_s):>9} {f'{o.paid}/{o.lines}':>10} "
            f"{o.duplicates:>10} {o.lost:>5}  {verdict}")  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL", PG))
    parser.add_argument("--ops", default=",".join(OPERATIONS))
    parser.add_argument("--points", default=",".join(POINTS))
    parser.add_argument("--victims", default=",".join(VICTIMS))
    parser.add_argument("--prefix", default="zx_crash", help="names of its databases")
    args = parser.parse_args(argv)
    chosen = list(scenarios(args.ops.split(","), args.points.split(","), args.victims.split(",")))
    print(f"crash matrix: {len(chosen)} scenarios, PostgreSQL {args.pg}, real mock-bank")
    with tempfile.TemporaryDirectory(prefix="crash-matrix-") as tmp:
        print(HEADER)
        outcomes = run_matrix(args.pg, chosen, Path(tmp), echo=print, prefix=args.prefix)
    failed = [o for o in outcomes if not o.ok]
    print(f"{len(outcomes)} scenarios, {len(outcomes) - len(failed)} ok, {len(failed)} failed; "
          f"duplicates {sum(o.duplicates for o in outcomes)}, lost {sum(o.lost for o in outcomes)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
