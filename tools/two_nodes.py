"""Two nodes (issue 11 item 9): two app processes on different ports sharing one PostgreSQL
database, each running its job executor and its scheduler, with the load spread across both.

    .venv/bin/python tools/two_nodes.py                    # 300 sign-ins, 60 make-ups, 20 s
    .venv/bin/python tools/two_nodes.py --workers 1000 --makeups 200 --seconds 60

It builds its own database (``zx_two``, dropped at the end): migrations, diagrams, the demo data
and ``--workers`` accepted workers who may sign in today (``bench.signin.prepare``).  Both nodes
are ``gunicorn web.wsgi:app`` (one gthread worker each, ``ZHUXIN_NODE_ID`` node-a / node-b) with
the same ``SECRET_KEY`` and sign-in key — a session made on one is good on the other.  The load,
from threads, alternating the node per request:

- sign-ins: the officer scans every worker's fresh personal construction code on one node and
  the same code again on the other (the second must be 409 "already signed in");
- task completions: ``--makeups`` make-up requests (补签申请, made through the use case here),
  each reviewed by the GC manager through ``POST /api/tasks/<id>/complete`` on either node;
- due jobs: each approval's ``signin/DecideMakeup`` job, run by whichever executor claims it;
- scheduled steps: a test step every 2 s on both schedulers (``ZHUXIN_TEST_TICK_FILE``).

Checked: no 5xx; one attendance row per worker and per approved make-up; every job done with
one attempt (which node ran which is counted, not required); each tick of the step fired once.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))
from crash_matrix import PG, VENV_BIN, Databases, free_port  # noqa: E402

TICK_SECONDS = 2


@dataclass
class Figures:
    """What the run counted."""

    answers: Counter = field(default_factory=Counter)  # (node, kind, status) → n
    signed_in: int = 0
    makeups_done: int = 0
    jobs: Counter = field(default_factory=Counter)  # (status, attempts) → n
    jobs_by_node: Counter = field(default_factory=Counter)
    ticks: Counter = field(default_factory=Counter)  # tick → times fired
    ticks_by_node: Counter = field(default_factory=Counter)
    step_claims: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(n for (_, _, status), n in self.answers.items() if status >= 500)

    @property
    def ok(self) -> bool:
        return not self.problems


class Node:
    """One ``gunicorn web.wsgi:app`` process with its executor and scheduler."""

    def __init__(self, name: str, env: dict, log: Path):
        self.name, self.port = name, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        args = [str(VENV_BIN / "gunicorn"), "-w", "1", "-k", "gthread", "--threads", "4",
                "-b", f"127.0.0.1:{self.port}", "--log-level", "warning", "web.wsgi:app"]  # fmt: skip
        self.process = subprocess.Popen(args, cwd=ROOT, env={**env, "ZHUXIN_NODE_ID": name},
                                        stdout=log.open("ab"), stderr=subprocess.STDOUT)  # fmt: skip
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{name} exited with {self.process.returncode} (see {log})")
            try:
                requests.get(self.base + "/api/ping", timeout=2).raise_for_status()
                return
            except requests.RequestException:
                time.sleep(0.2)
        self.stop()  # not left running
        raise RuntimeError(f"{name} did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def log_in(base: str, account: str, page: str) -> requests.Session:
    """A session logged in on ``base`` with the CSRF token of ``page`` as its header."""
    s = requests.Session()
    token = _csrf(s.get(f"{base}/login").text)
    answer = s.post(f"{base}/login", data={"account": account, "password": "zhuxin2026",
                                           "csrf_token": token}, allow_redirects=False)  # fmt: skip
    if answer.status_code != 302:
        raise RuntimeError(f"login {account}: {answer.status_code}")
    s.headers["X-CSRFToken"] = _csrf(s.get(base + page).text)
    return s


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', page)
    if found is None:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def shared_pii_keys() -> str:
    from web.keys import TEST_PII_KEYS  # a throwaway database: the fixed keys of the tests

    return TEST_PII_KEYS


def prepare(url: str, workers: int, makeups: int, tmp: Path) -> tuple[list[int], tuple, Path]:
    """The database (demo + workers), the diagrams, the make-up requests; the sign-in key."""
    from bench.signin import prepare as bench_prepare
    from domain.access import Actor, Grant
    from domain.clock import today_in_shanghai
    from domain.model import User
    from domain.signin.tokens import generate_key_pair, private_key_text
    from services.processes import deploy_changed
    from services.signin import request_makeup
    from web import create_app
    from web.extensions import db
    from web.runtime import BPMN_DIR, uow

    ids, point = bench_prepare(url, workers)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ZHUXIN_BACKGROUND": False})
    with app.app_context():
        deploy_changed(uow(), BPMN_DIR, by="two_nodes")
        yesterday = (today_in_shanghai() - timedelta(days=1)).isoformat()
        for pid in ids[:makeups]:  # 补签申请 of yesterday, from the worker's phone
            user = User(username=f"p{pid}", display_name=f"压测{pid}", password_hash="-",
                        person_id=pid)  # fmt: skip
            db.session.add(user)
            db.session.commit()
            worker = Actor(user.id, user.display_name, pid, (Grant("worker", 1, None),), f"p{pid}")
            request_makeup(uow(), worker,
                           {"project_id": "1", "day": yesterday, "reason": "忘记签到"})  # fmt: skip
        db.session.remove()
        db.engine.dispose()
    key_file = tmp / "signin_ed25519.pem"
    key_file.write_text(private_key_text(generate_key_pair()[0]))
    return ids, point, key_file


def sign_ins(nodes, officer, ids, point, key_file, figures: Figures, pool) -> None:
    """Each worker's code scanned on one node, then again on the other."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    from domain.signin.tokens import issue_code

    key = load_pem_private_key(key_file.read_bytes(), None)
    lat, lng = point

    def scan(i_pid):
        i, pid = i_pid
        body = {"code": issue_code(key, pid, datetime.now(UTC)), "lat": lat, "lng": lng,  # type: ignore[arg-type]
                "accuracy": 10}  # fmt: skip
        for k, node in enumerate((nodes[i % 2], nodes[(i + 1) % 2])):
            answer = officer.post(f"{node.base}/api/signin/projects/1/officer-scan", json=body)
            figures.answers[(node.name, "sign-in" if k == 0 else "sign-in again",
                             answer.status_code)] += 1  # fmt: skip

    list(pool.map(scan, enumerate(ids)))


def complete_makeups(nodes, manager, figures: Figures, pool) -> int:
    """The GC manager approves every open make-up request, each on either node."""
    listed = manager.get(nodes[0].base + "/api/tasks").json()
    items = listed["tasks"]
    reviews = [t["id"] for t in items if t.get("bpmn_id") == "review_makeup"]

    def complete(i_task):
        i, task_id = i_task
        node = nodes[i % 2]
        answer = manager.post(f"{node.base}/api/tasks/{task_id}/complete",
                              json={"decision": "approve"})  # fmt: skip
        figures.answers[(node.name, "task completion", answer.status_code)] += 1

    list(pool.map(complete, enumerate(reviews)))
    return len(reviews)


def count(engine, figures: Figures, workers: int, makeups: int, tick_file: Path) -> None:
    from domain.clock import today_in_shanghai

    today = today_in_shanghai()
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT makeup, count(*), count(DISTINCT person_id) FROM attendance "
            "WHERE device IS DISTINCT FROM 'demo' AND project_id = 1 GROUP BY makeup")).all()  # fmt: skip
        jobs = conn.execute(sa.text(
            "SELECT status, attempts, split_part(locked_by, '#', 1) FROM engine_job "
            "WHERE kind = 'service'")).all()  # fmt: skip
        figures.step_claims = conn.execute(sa.text(
            "SELECT count(*) FROM engine_job WHERE kind = 'step' AND operation = 'test.tick'")
        ).scalar()  # fmt: skip
    by_kind = {makeup: (n, distinct) for makeup, n, distinct in rows}
    figures.signed_in, signed_distinct = by_kind.get(False, (0, 0))
    figures.makeups_done = by_kind.get(True, (0, 0))[0]
    for status, attempts, node in jobs:
        figures.jobs[(status, attempts)] += 1
        figures.jobs_by_node[node] += 1
    pids = {}
    for line in tick_file.read_text().splitlines() if tick_file.exists() else []:
        at, pid = line.split()
        figures.ticks[math.floor(float(at) / TICK_SECONDS)] += 1
        pids.setdefault(pid, len(pids))
        figures.ticks_by_node[pid] += 1
    _judge(figures, workers, makeups, signed_distinct, today)


def _judge(figures: Figures, workers: int, makeups: int, signed_distinct: int, today) -> None:
    p = figures.problems
    if figures.server_errors:
        p.append(f"{figures.server_errors} answers 5xx")
    if figures.signed_in != workers or signed_distinct != workers:
        p.append(f"{figures.signed_in} sign-ins of {workers} workers on {today}")
    again = {s: n for (_, kind, s), n in figures.answers.items() if kind == "sign-in again"}
    if set(again) != {409}:
        p.append(f"second scans answered {again}, not all 409")
    if figures.makeups_done != makeups:
        p.append(f"{figures.makeups_done} make-up sign-ins of {makeups} approved")
    if set(figures.jobs) != {("done", 1)} or sum(figures.jobs.values()) != makeups:
        p.append(f"jobs {dict(figures.jobs)}: not {makeups} done once each")
    if not figures.ticks or max(figures.ticks.values()) > 1:
        p.append(f"ticks fired {sorted(Counter(figures.ticks.values()).items())} (times, ticks)")
    if figures.step_claims != sum(figures.ticks.values()):
        p.append(f"{figures.step_claims} tick claims for {sum(figures.ticks.values())} runs")


def run(pg: str, workers: int, makeups: int, seconds: float, work: Path,
        prefix: str = "zx_two", url: str | None = None) -> Figures:  # fmt: skip
    """The whole check on a database of its own (or on ``url``, migrated); → the figures."""
    dbs = Databases(pg, prefix)
    own = url is None
    url = url or dbs.create(dbs.run)
    nodes: list[Node] = []
    figures = Figures()
    # One personal-data keyring for the preparing apps (here and bench.signin's) and both nodes.
    os.environ.setdefault("ZHUXIN_PII_KEYS", shared_pii_keys())
    try:
        ids, point, key_file = prepare(url, workers, makeups, work)
        tick_file = work / "ticks.txt"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url,
               "SECRET_KEY": "two-nodes-shared-secret", "ZHUXIN_SIGNIN_KEY_FILE": str(key_file),
               "ZHUXIN_BACKGROUND": "1", "ZHUXIN_SECURE_COOKIES": "0",
               "ZHUXIN_NODE_DIR": str(work / "nodes"), "ZHUXIN_TEST_TICK_FILE": str(tick_file),
               "ZHUXIN_TEST_TICK_SECONDS": str(TICK_SECONDS)}  # fmt: skip
        for name in ("node-a", "node-b"):
            nodes.append(Node(name, env, work / f"{name}.log"))
        started = time.monotonic()
        officer = log_in(nodes[0].base, "w004", "/signin/officer")  # used on both nodes
        manager = log_in(nodes[1].base, "gc_pm", "/inbox")
        with ThreadPoolExecutor(8) as pool:
            sign_ins(nodes, officer, ids, point, key_file, figures, pool)
            complete_makeups(nodes, manager, figures, pool)
        engine = sa.create_engine(url)
        deadline = started + max(seconds, 5) + 60
        while time.monotonic() < deadline:  # the jobs, and the ticks for at least ``seconds``
            with engine.connect() as conn:
                left = conn.execute(sa.text("SELECT count(*) FROM engine_job WHERE kind = "
                                            "'service' AND status <> 'done'")).scalar()  # fmt: skip
            if not left and time.monotonic() - started >= seconds:
                break
            time.sleep(0.5)
        for node in nodes:  # stop both first: no tick is half-written when counting
            node.stop()
        nodes = []
        count(engine, figures, workers, makeups, tick_file)
        engine.dispose()
        return figures
    finally:
        for node in nodes:
            node.stop()
        if own:
            dbs.drop(dbs.run)
        dbs.admin.dispose()


def report(figures: Figures) -> str:
    lines = ["node     request              status    n"]
    for (node, kind, status), n in sorted(figures.answers.items()):
        lines.append(f"{node:<8} {kind:<20} {status:>6} {n:>5}")
    jobs = ", ".join(f"{n} {s} after {a} attempt(s)" for (s, a), n in sorted(figures.jobs.items()))
    lines += [
        f"sign-ins stored: {figures.signed_in}; make-up sign-ins stored: {figures.makeups_done}",
        f"DecideMakeup jobs: {jobs}; by node: {dict(sorted(figures.jobs_by_node.items()))}",
        f"test.tick: {sum(figures.ticks.values())} runs over {len(figures.ticks)} ticks "
        f"(most in one tick: {max(figures.ticks.values(), default=0)}), "
        f"{figures.step_claims} claims; runs per process: {sorted(figures.ticks_by_node.values())}",
        f"5xx answers: {figures.server_errors}",
        "OK" if figures.ok else "FAILED: " + "; ".join(figures.problems),
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL", PG))
    parser.add_argument("--workers", type=int, default=300)
    parser.add_argument("--makeups", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=20, help="watch the ticks this long")
    parser.add_argument("--prefix", default="zx_two", help="name of its database (+ _run)")
    args = parser.parse_args(argv)
    print(f"two nodes: {args.workers} workers, {args.makeups} make-ups, PostgreSQL {args.pg}")
    with tempfile.TemporaryDirectory(prefix="two-nodes-") as tmp:
        started = time.monotonic()
        figures = run(args.pg, args.workers, args.makeups, args.seconds, Path(tmp), args.prefix)
    print(report(figures))
    print(f"({time.monotonic() - started:.0f} s)")
    return 0 if figures.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
