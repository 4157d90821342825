"""Sign-in throughput (班前签到): gunicorn (2 workers) on PostgreSQL, wrk posting valid sign-ins.

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python -m bench.signin

Builds its own schema (demo data plus ``--workers`` accepted workers), serves the app with
gunicorn, and runs wrk (a separate process, Lua script) with ``--connections`` connections:
first against the trivial ``/api/ping`` of the same app, then the sign-in officer posting one
fresh personal construction code per request, each of a different worker
(POST /api/signin/projects/<id>/officer-scan: verify Ed25519, check assignment, point, range and
hours, insert the attendance row). Prints sign-ins/s, p50/p99 latency and the ratio to ping for
each gunicorn configuration of ``--configs`` (same data, attendance emptied in between) and the
load average before and after.

First the durable floor: 2 and 16 psycopg processes running the sign-in's own SQL (the
officer scan's INSERT … SELECT, built by the app) with a durable COMMIT each and nothing else.
Per configuration it also prints the CPU per request of the app (gunicorn's workers), of its
PostgreSQL backends (by application name) and of wrk, read from /proc, and the ratio that CPU
allows (:func:`cpu_bound`); ``--profile`` samples the first configuration's workers with py-spy
and prints the share of samples per part;
``--instructions N`` counts the instructions of N pings and N sign-ins in-process with callgrind
(``bench/instructions.py``), a ratio that the machine's load cannot move.

Figures: README "Sign-in" (the table of the last run and the one before this issue's work).

Where the time goes (2026-12-02, callgrind, instructions per request, in-process): ping 1.76 M;
a sign-in 6.32 M before this round, 5.16 M after — Ed25519 verification 1.44 M of it (OpenSSL's
portable field arithmetic; libsodium verifies in half the time, but a second crypto library for
~0.1 ms was not worth it), the session cookie, CSRF and the JSON body 0.58 M, the rest the
view, the statement and the commit. Taken out in this round: Flask-Login and the ORM user
(the login is one Core query, 6.32 → 5.54 M with the next), the login query itself on the usual
scan (the officer's actor is a per-process hint that the insert re-checks: ``web.login_session``),
the ORM's execution of the insert (now driver SQL on the session's connection, which keeps
SQLAlchemy's error classes and events: 5.54 → 5.29 M; the bare DBAPI cursor gave 5.13 M), and
the index on attendance.person_id (the unique key begins with it). Earlier: the photo query after the insert, re-signing the session cookie on every answer.

The same code on a quiet VM (2026-12-02 13:07, load 0.7): ping 4,323/s, sign-ins 894/s, ratio
0.21, p99 80 ms; CPU per sign-in app 1.33 ms, PostgreSQL 0.37, wrk 0.11 (a ping: app 0.37).
py-spy (``--profile``, 13:12: 799/s, ratio 0.18): psycopg 58 % of the samples (the waits for
the insert and the durable commit), Flask/Werkzeug/gunicorn/view 11 %, SQLAlchemy 10 %,
Ed25519 8 %, session cookie 4 %, CSRF 4 %, domain checks 3 %, JSON 2 %. Ed25519 alone:
63.5 µs with ``cryptography``, 39.0 µs with PyNaCl — under 2 % of the app's CPU.

In CPU time (2026-12-04, in-process through Flask's test client, cProfile with
``time.process_time``; a sign-in 1.40 ms of CPU, a ping 0.24 ms): the transaction (SQLAlchemy's
connection, ``exec_driver_sql`` and commit, psycopg's three round trips) 25 % of a sign-in, the
session cookie 9 %, the CSRF check 9 %, the answer (``finalize_request``, security headers,
JSON) 6 %, Ed25519 5 %, the place, time, age and decryption checks 3 %; the rest is Flask's,
Werkzeug's and the test client's request handling, spread over many small calls.

Why the targets stay out of reach at sync ×2 on two cores: the ratio compares CPU per request,
and PostgreSQL's own CPU per sign-in (the insert into a table of four indexes, four foreign-
key checks, the WAL, the commit) is already about as much as a whole ping costs the app; p99 <
50 ms at 50 connections would need 50 / 0.05 s = 1,000 sign-ins/s (Little's law), more than
half of what the same gunicorn answers for a ping.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LUA = r"""
local tokens = {}
local n = 0
local path = os.getenv("BENCH_PATH")
local body_tpl = os.getenv("BENCH_BODY")
function setup(thread)
  n = n + 1
  thread:set("id", n)
end
function init(args)
  local file = os.getenv("BENCH_TOKENS")
  if file then
    local i = 0
    for line in io.lines(file) do
      i = i + 1
      if (i % tonumber(os.getenv("BENCH_THREADS"))) == (id - 1) then table.insert(tokens, line) end
    end
  end
  k = 0
end
function request()
  if #tokens == 0 then return wrk.format("GET", path) end
  k = k + 1
  local token = tokens[((k - 1) % #tokens) + 1]
  return wrk.format("POST", path, nil, string.gsub(body_tpl, "TOKEN", token))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str, workers: int) -> None:
    """Migrate the schema, load the demo, add ``workers`` accepted workers, open all day."""
    from flask_migrate import upgrade

    from domain.clock import today_in_shanghai
    from domain.demo import load_demo, resident_id
    from domain.model import Assignment, Person, Project
    from domain.personal_data import with_hashes
    from domain.roster.demo import bulk_on_site
    from web import create_app
    from web.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ZHUXIN_BACKGROUND": False})
    with app.app_context():
        upgrade()
        load_demo(db.session)
        p = db.session.get(Project, 1)
        p.signin_start, p.signin_end = "00:00", "24:00"
        unit_id = p.units[0].id
        people = [
            dict(
                name=f"压测{i}",
                id_number=resident_id("310104", date(1980, 1, 1) + timedelta(days=i % 7000),
                                      i // 7000),  # of age: born 1980–1999
                phone=f"1{i:010d}",
                trade="普工",
                bank_card="6222000000000000",
                bank_name="bench",
                bank_cnaps="102290024433",
                created_at=datetime.now(UTC).replace(tzinfo=None),
            )
            for i in range(workers)
        ]
        ids = db.session.scalars(sa.insert(Person).returning(Person.id),
                             [with_hashes(Person, p) for p in people]).all()
        assigned = db.session.scalars(
            sa.insert(Assignment).returning(Assignment.id),
            [
                dict(
                    person_id=pid,
                    project_id=1,
                    unit_id=unit_id,
                    state="accepted",
                    assigned_at=datetime.now(UTC).replace(tzinfo=None),
                )
                for pid in ids
            ],
        ).all()
        today = today_in_shanghai()  # 聘用登记 and 进场登记: each may sign in today
        bulk_on_site(db.session, 1, unit_id, p.units[0].enterprise_id,
                     list(zip(assigned, ids, strict=True)), today - timedelta(days=1),
                     today + timedelta(days=365))  # fmt: skip
        db.session.commit()
        db.engine.dispose()
        return ids, (p.signin_lat, p.signin_lng)


@dataclass(frozen=True)
class Config:
    """A gunicorn configuration: worker class, threads per worker, worker processes."""

    worker_class: str
    threads: int = 1
    workers: int = 2

    @classmethod
    def parse(cls, text: str) -> Config:
        """ "sync" → sync ×2 workers; "sync*4" → 4 workers; "gthread:8" → 2 workers of 8."""
        head, _, workers = text.partition("*")
        worker_class, _, threads = head.partition(":")
        return cls(worker_class, int(threads or 1), int(workers or 2))

    def __str__(self) -> str:
        threads = f" ×{self.threads} threads" if self.worker_class == "gthread" else ""
        return f"{self.worker_class}, {self.workers} workers{threads}"


def start_gunicorn(env: dict, port: int, config: Config) -> subprocess.Popen:
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(config.workers),
           "-k", config.worker_class, "--threads", str(config.threads), "--keep-alive", "5",
           "-b", f"127.0.0.1:{port}", "--log-level", "warning", "web.wsgi:app"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    for _ in range(150):
        try:
            requests.get(f"http://127.0.0.1:{port}/api/ping", timeout=5).raise_for_status()
            return proc
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def login(base: str) -> tuple[str, str]:
    """The demo sign-in officer's session cookie and CSRF token."""
    s = requests.Session()
    page = s.get(f"{base}/login").text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    s.post(f"{base}/login", data={"account": "w004", "password": "zhuxin2026", "csrf_token": token})
    page = s.get(f"{base}/signin/officer").text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    return "; ".join(f"{c.name}={c.value}" for c in s.cookies), token


APP_NAME = "bench_signin"  # the application_name of the served app's connections


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(master: int, engine) -> dict[str, float]:
    """CPU seconds so far of the app (gunicorn's workers) and of the PostgreSQL backends serving
    it (by application name; the WAL writer and other sessions on the machine are not counted)."""
    workers = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    with engine.connect() as c:
        backends = c.execute(sa.text("SELECT pid FROM pg_stat_activity WHERE application_name = "
                                     ":n"), {"n": APP_NAME}).scalars().all()  # fmt: skip
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk: the waited-for children
    return {"app": sum(cpu_seconds(int(p)) for p in workers),
            "postgres": sum(cpu_seconds(p) for p in backends),
            "wrk": children.ru_utime + children.ru_stime}  # fmt: skip


def run_wrk(base, path, args, headers, env_extra, cpu=None) -> dict:
    """wrk's figures; with ``cpu`` (a callable snapshot), the CPU ms per answered request."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA)
    cmd = ["wrk", "-t", str(args.threads_wrk), "-c", str(args.connections)]
    cmd += ["-d", f"{args.seconds}s", "--latency", "-s", f.name]
    for h in headers:
        cmd += ["-H", h]
    env = {**os.environ, "BENCH_PATH": path, "BENCH_THREADS": str(args.threads_wrk), **env_extra}
    before = cpu() if cpu else {}
    out = subprocess.run(cmd + [base], capture_output=True, text=True, env=env, timeout=300).stdout
    after = cpu() if cpu else {}
    os.unlink(f.name)
    result = parse_wrk(out)
    result["cpu_ms"] = {k: (after[k] - before[k]) * 1000 / max(result["ok"], 1) for k in before}
    return result


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(out: str) -> dict:
    if "50%" not in out:
        raise SystemExit(f"wrk said:\n{out}")
    total = int(re.search(r"(\d+) requests in ([\d.]+)(m?s)", out).group(1))
    secs = re.search(r"requests in ([\d.]+)(m?s)", out)
    duration = float(secs.group(1)) / (1000 if secs.group(2) == "ms" else 1)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "requests": total,
        "ok": total - (int(bad.group(1)) if bad else 0),
        "duration": duration,
        "p50": _ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1)),
        "p99": _ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1)),
        "socket_errors": errors.group(1) if errors else "",
        "raw": out,
    }


def floor_statements(engine, officer_user_id: int) -> tuple[str, dict]:
    """The SQL one sign-in runs, as psycopg text: the officer scan's INSERT … SELECT (built by
    the app itself; it also checks the officer's login, read from the cached actor), and the
    fixed parameters."""
    from domain import roles
    from domain.signin.service import fast_insert_sql

    insert_sql = fast_insert_sql()
    with engine.connect() as c:
        site = c.execute(sa.text(
            "SELECT signin_lat, signin_lng, signin_radius_m, signin_start, signin_end, name "
            "FROM project WHERE id = 1")).one()  # fmt: skip
        officer, version = c.execute(sa.text('SELECT person_id, session_version FROM "user" '
                                             "WHERE id = :u"), {"u": officer_user_id}).one()  # fmt: skip
    params = dict(project_id=1, method="officer_scan", officer_person_id=officer,
                  officer_user_id=officer_user_id, session_version=version,
                  officer_post=roles.SIGNIN_OFFICER,
                  officer_lat=site[0], officer_lng=site[1], accuracy_m=10, distance_m=0.0,
                  device="bench-floor", makeup=False, lat=site[0], lng=site[1],
                  radius_m=site[2], start=site[3], end=site[4], project_name=site[5])  # fmt: skip
    return insert_sql, params


def _floor_client(url, insert_sql, params, person_ids, start_at, seconds, out) -> None:
    """One client in series, as one sync worker: BEGIN; the insert; COMMIT."""
    import psycopg

    from domain.clock import today_in_shanghai

    day = today_in_shanghai()
    latencies: list = []
    try:
        _floor_loop(psycopg, url, insert_sql, params, person_ids, start_at, seconds, day,
                    latencies)  # fmt: skip
    finally:
        out.put(latencies)  # the parent waits for every client, even one that failed


def _floor_loop(psycopg, url, insert_sql, params, person_ids, start_at, seconds, day,
                latencies) -> None:  # fmt: skip
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        time.sleep(max(0.0, start_at - time.time()))  # every client starts together
        deadline = time.perf_counter() + seconds
        # Round after round over the same workers, a day later each round (each insert real:
        # one sign-in per worker and day); they are on site for a year (``prepare``).
        for n in range(len(person_ids) * 300):
            start = time.perf_counter()
            if start > deadline:
                break
            values = {**params, "person_id": person_ids[n % len(person_ids)],
                      "day": day + timedelta(days=n // len(person_ids)),
                      "signed_at": datetime.now(UTC).replace(tzinfo=None)}  # fmt: skip
            assert conn.execute(insert_sql, values).fetchall(), "the floor's insert inserted nothing"
            conn.commit()
            latencies.append(time.perf_counter() - start)


def run_floor(url, statements, person_ids, seconds: int, clients: int = 2) -> dict:
    """The durable floor: ``clients`` psycopg processes running a sign-in's own statements
    back to back with nothing else (no HTTP, Flask, SQLAlchemy or checks). Two clients in
    series are what two sync workers could reach if the app cost nothing; more clients show
    how far PostgreSQL's group commit (one WAL flush for the commits waiting) carries."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    share = len(person_ids) // clients
    start_at = time.time() + 3 + clients * 0.3  # after every client has started
    procs = [ctx.Process(target=_floor_client, args=(url, *statements,
                         person_ids[i * share:(i + 1) * share], start_at, seconds, out))
             for i in range(clients)]  # fmt: skip
    for proc in procs:
        proc.start()
    latencies = sorted(x for _ in procs for x in out.get())
    for proc in procs:
        proc.join()
    n = len(latencies)
    return {"rate": n / seconds, "p50": latencies[n // 2] * 1000,
            "p99": latencies[int(n * 0.99)] * 1000, "count": n}  # fmt: skip


def profile_workers(master_pid: int, seconds: int, path: Path) -> subprocess.Popen:
    """py-spy sampling every gunicorn worker (``--subprocesses``) while it runs on a CPU (a
    worker waiting for PostgreSQL is not sampled), as collapsed stacks."""
    pyspy = ROOT / ".venv" / "bin" / "py-spy"
    cmd = [str(pyspy), "record", "--pid", str(master_pid), "--subprocesses",
           "--rate", "250", "--duration", str(seconds), "--format", "raw", "--output", str(path),
           "--nonblocking"]  # fmt: skip
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# Where a sample of a request lands: the first bucket with a frame containing its text.
PROFILE_BUCKETS = (
    ("psycopg", "psycopg/"),
    ("Ed25519 verify", "verify_code"),
    ("SQLAlchemy: statements, rows, session", "sqlalchemy/"),
    ("CSRF check", "flask_wtf/csrf"),
    ("session cookie", "flask/sessions.py"),
    ("JSON in and out", "/json/"),
    ("sign-in checks (domain)", "domain/signin"),
    ("security headers", "web/headers.py"),
)


def profile_table(path: Path) -> list[tuple[str, float]]:
    """Share of request samples (stacks through Flask's ``wsgi_app``) per bucket."""
    counts: dict[str, int] = {}
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if "wsgi_app" not in stack:
            continue  # gunicorn waiting for a connection, not a request
        bucket = next((name for name, text in PROFILE_BUCKETS if text in stack),
                      "Flask, Werkzeug, gunicorn, the view")  # fmt: skip
        counts[bucket] = counts.get(bucket, 0) + int(n)
    total = sum(counts.values())
    return sorted(((k, v / total) for k, v in counts.items()), key=lambda kv: -kv[1])


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--workers", type=int, default=30000, help="accepted workers to sign in")
    ap.add_argument("--threads-wrk", type=int, default=2)
    ap.add_argument(
        "--configs",
        default="sync,sync*4,gthread:4",
        help="gunicorn configurations to compare in this run: sync (2 workers), sync*4 "
        "(4 workers), gthread:8 (2 workers of 8 threads); the first is the target's",
    )
    ap.add_argument("--instructions", type=int, default=0, metavar="N",
                    help="also count the instructions of N pings and N sign-ins with callgrind "
                    "(in-process, independent of the machine's load; about 3 minutes)")  # fmt: skip
    ap.add_argument("--profile", action="store_true",
                    help="sample the workers with py-spy during the first configuration's sign-ins")  # fmt: skip
    args = ap.parse_args()
    configs = [Config.parse(c) for c in args.configs.split(",") if c]
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: make bench installs it (tools/ensure_system.sh bench)")
    base_url = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    base_url = base_url.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"bench_signin_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base_url)
    with admin.begin() as c:
        c.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = f"{base_url}{'&' if '?' in base_url else '?'}options=-csearch_path%3D{schema}"
    engine = sa.create_engine(url)
    try:
        from domain.personal_data import new_keyring
        from domain.signin.tokens import generate_key_pair, issue_code, private_key_text

        # One personal-data keyring for the data written here and the gunicorn workers.
        os.environ.setdefault("ZHUXIN_PII_KEYS", new_keyring().to_json())
        ids, (lat, lng) = prepare(url, args.workers)
        floor_ids, ids = ids[: len(ids) // 3], ids[len(ids) // 3 :]
        key = generate_key_pair()[0]
        key_file = Path(tempfile.mkdtemp()) / "signin.pem"
        key_file.write_text(private_key_text(key))
        tokens_file = key_file.with_name("tokens.txt")
        body = json.dumps({"code": "TOKEN", "lat": lat, "lng": lng, "accuracy": 10})
        env = {
            **os.environ,
            "DATABASE_URL": f"{url}&application_name={APP_NAME}",
            "ZHUXIN_SIGNIN_KEY_FILE": str(key_file),
            "SECRET_KEY": "bench-secret",
            "ZHUXIN_BACKGROUND": "0",
            "ZHUXIN_SECURE_COOKIES": "0",
        }
        print(f"bench/signin  PostgreSQL, wrk {args.connections} connections, {args.seconds} s "
              f"each; load average before: {loadavg()}")  # fmt: skip
        officer = engine.connect().execute(
            sa.text("SELECT id FROM \"user\" WHERE username = 'w004'")).scalar()  # fmt: skip
        statements = floor_statements(engine, officer)
        half = len(floor_ids) // 2
        floor = run_floor(url, statements, floor_ids[:half], args.seconds)
        grouped = run_floor(url, statements, floor_ids[half:], args.seconds, clients=16)
        for n, f in ((2, floor), (16, grouped)):
            print(f"  durable floor, {n:2} psycopg clients (the sign-in's own SQL, nothing else): "
                  f"{f['rate']:5.0f} /s, p50 {f['p50']:.2f} ms, p99 {f['p99']:.2f} ms")  # fmt: skip
        results = []
        for n, config in enumerate(configs):
            empty_attendance(engine)  # every configuration signs the same workers in afresh
            port = free_port()
            proc = start_gunicorn(env, port, config)
            spy = None
            try:
                base = f"http://127.0.0.1:{port}"
                cookie, csrf = login(base)
                headers = [
                    f"Cookie: {cookie}",
                    f"X-CSRFToken: {csrf}",
                    "Content-Type: application/json",
                ]
                cpu = functools.partial(cpu_snapshot, proc.pid, engine)
                ping = run_wrk(base, "/api/ping", args, headers, {}, cpu)
                now = datetime.now(UTC)  # codes live 120 s: issue them just before the run
                tokens_file.write_text("\n".join(issue_code(key, pid, now) for pid in ids) + "\n")
                if args.profile and n == 0:
                    spy = profile_workers(proc.pid, args.seconds, tokens_file.with_name("spy.txt"))
                signin = run_wrk(
                    base,
                    "/api/signin/projects/1/officer-scan",
                    args,
                    headers,
                    {"BENCH_TOKENS": str(tokens_file), "BENCH_BODY": body},
                    cpu,
                )
                if spy is not None:
                    spy.wait(60)
            finally:
                stop(proc)
            results.append(report(config, ping, signin, engine, floor))
            if spy is not None:
                print("    where a sign-in's time goes (py-spy, share of request samples):")
                for bucket, share in profile_table(tokens_file.with_name("spy.txt")):
                    print(f"      {share:6.1%}  {bucket}")
        counted = count_instructions(engine, env, ids, lat, lng, args.instructions,
                                     key_file.with_name("people.txt")) if args.instructions else None  # fmt: skip
        print(f"  load average after: {loadavg()}")
        summarise(configs, results, floor, grouped, counted)
    finally:
        engine.dispose()
        with admin.begin() as c:
            c.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
    return 0


def empty_attendance(engine) -> None:
    """Remove the sign-ins of the runs before (not the demo's, not the floor's)."""
    with engine.begin() as c:
        # a throw-away database: lift the keep-rows triggers here (domain.retention)
        c.execute(sa.text("SET LOCAL session_replication_role = replica"))
        c.execute(sa.text(
            "DELETE FROM attendance WHERE device IS DISTINCT FROM 'demo' "
            "AND device IS DISTINCT FROM 'bench-floor'"))  # fmt: skip


def count_instructions(engine, env, ids, lat, lng, n: int, people_file: Path) -> dict[str, int]:
    """Instructions per ping and per sign-in (``bench.instructions``, both at once)."""
    from concurrent.futures import ThreadPoolExecutor

    from bench import instructions

    empty_attendance(engine)
    people_file.write_text("\n".join(map(str, ids)))
    modes = ("ping", "sign-in")
    with ThreadPoolExecutor(len(modes)) as pool:
        counts = dict(zip(modes, pool.map(
            lambda mode: instructions.count(mode, n, people_file, lat, lng, env), modes), strict=True))  # fmt: skip
    print(f"  instructions per request (callgrind, {n} each, in-process): ping "
          f"{counts['ping']:,}, sign-in {counts['sign-in']:,}, ratio "
          f"{counts['sign-in'] / counts['ping']:.2f}")  # fmt: skip
    return counts


def report(config: Config, ping, signin, engine, floor) -> dict:
    with engine.connect() as c:
        stored = c.execute(sa.text(
            "SELECT count(*) FROM attendance WHERE device IS DISTINCT FROM 'demo' "
            "AND device IS DISTINCT FROM 'bench-floor'")).scalar()  # fmt: skip
    ping_rps = ping["ok"] / ping["duration"]
    signin_rps = signin["ok"] / signin["duration"]
    print(f"  [{config}]")
    print(
        f"    ping      {ping_rps:8.0f} req/s   p50 {ping['p50']:6.1f} ms   p99 {ping['p99']:6.1f} ms"
    )
    print(
        f"    sign-in   {signin_rps:8.0f} /s      p50 {signin['p50']:6.1f} ms   p99 {signin['p99']:6.1f} ms"
        f"   ({signin['requests'] - signin['ok']} non-2xx, {stored} rows stored)"
    )
    for name, r in (("ping", ping), ("sign-in", signin)):
        cpu = r["cpu_ms"]
        print(f"    CPU per {name:<8} app {cpu['app']:.2f} ms, PostgreSQL {cpu['postgres']:.2f} ms, "
              f"wrk {cpu['wrk']:.2f} ms")  # fmt: skip
    bound = cpu_bound(ping["cpu_ms"], signin["cpu_ms"])
    print(f"    ratio sign-in/ping {signin_rps / ping_rps:.2f} (CPU bound {bound:.2f})   "
          f"sign-in/floor {signin_rps / floor['rate']:.2f}")  # fmt: skip
    for name, r in (("ping", ping), ("sign-in", signin)):
        if r["socket_errors"]:
            print(f"    {name} socket errors: {r['socket_errors']}")
    if stored < signin["ok"]:  # (more: requests still running when wrk stopped counting)
        print(f"    !! {signin['ok']} sign-ins answered but {stored} rows stored")
    return {"ping": ping_rps, "signin": signin_rps, "p99": signin["p99"], "stored": stored,
            "ok": signin["ok"], "cpu": signin["cpu_ms"], "bound": bound}  # fmt: skip


def cpu_bound(ping: dict[str, float], signin: dict[str, float]) -> float:
    """The highest sign-in ÷ ping ratio the CPU allows: on cores shared by the app, PostgreSQL
    and wrk, each rate is at most the cores over the CPU a request costs all three together,
    however their work overlaps, so the ratio of the rates is at most the inverse ratio of
    those costs."""
    return sum(ping.values()) / sum(signin.values())


def summarise(configs: list[Config], results: list[dict], floor: dict, grouped: dict,
              counted: dict[str, int] | None = None) -> None:
    """The target's figures (the first configuration) and the best one, for bench.results."""
    from bench.results import record

    first, r = configs[0], results[0]
    ratio = r["signin"] / r["ping"]
    record("signin", f"sign-ins/s ÷ ping ({first})", ratio, "×", target="≥ 0.3", met=ratio >= 0.3)
    record("signin", f"sign-in p99 ({first}, 50 connections)", r["p99"], "ms",
           target="< 50 ms", met=r["p99"] < 50)  # fmt: skip
    record("signin", f"ratio the CPU allows ({first})", r["bound"], "×",
           note="CPU per ping ÷ per sign-in, app + PostgreSQL + wrk")  # fmt: skip
    record("signin", f"sign-ins/s ({first})", r["signin"], "/s",
           note=f"ping {r['ping']:,.0f}/s")  # fmt: skip
    cpu = r["cpu"]
    record("signin", f"CPU per sign-in, app / PostgreSQL / wrk ({first})",
           f"{cpu['app']:.2f} / {cpu['postgres']:.2f} / {cpu['wrk']:.2f}", "ms")  # fmt: skip
    record("signin", "durable floor, 2 / 16 psycopg clients",
           f"{floor['rate']:,.0f} / {grouped['rate']:,.0f}", "/s",
           note="the sign-in's own SQL and commit, nothing else")  # fmt: skip
    record("signin", "every answered sign-in stored", f"{r['stored']:,} stored / {r['ok']:,} answered",
           target="all", met=all(x["stored"] >= x["ok"] for x in results))  # fmt: skip
    best = max(range(len(configs)), key=lambda i: results[i]["signin"])
    record("signin", "highest rate of the configurations", str(configs[best]),
           note=f"{results[best]['signin']:,.0f} sign-ins/s, p99 {results[best]['p99']:.0f} ms")  # fmt: skip
    if counted:
        record("signin", "instructions per request, sign-in ÷ ping (callgrind)",
               counted["sign-in"] / counted["ping"], "×",
               note=f"{counted['sign-in']:,} ÷ {counted['ping']:,}, not moved by load")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
