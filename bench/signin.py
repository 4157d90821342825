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

Latest figures (2-core machine shared by wrk, gunicorn and PostgreSQL; load average 1.3 before,
2026-11-24): sync ×2 workers 717 sign-ins/s, p50/p99 67/112 ms, ping 4,194 req/s, ratio 0.17;
gthread ×4 638/s, 75/162 ms, ratio 0.14. Targets (≥ 1,500/s, ratio ≥ 0.3, p99 < 50 ms) are not
met: the cores are the limit (with synchronous_commit=off, not adopted, the rate was 842/s).
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
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


def parse_config(text: str) -> tuple[str, int]:
    """ "gthread:8" → ("gthread", 8); "sync" → ("sync", 1)."""
    worker_class, _, threads = text.partition(":")
    return worker_class, int(threads or 1)


def start_gunicorn(env: dict, port: int, config: tuple[str, int]) -> subprocess.Popen:
    worker_class, threads = config
    cmd = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "-w",
        "2",
        "-k",
        worker_class,
        "--threads",
        str(threads),
        "--keep-alive",
        "5",
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "web.wsgi:app",
    ]
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


def run_wrk(base, path, args, headers, env_extra) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA)
    cmd = ["wrk", "-t", str(args.threads_wrk), "-c", str(args.connections)]
    cmd += ["-d", f"{args.seconds}s", "--latency", "-s", f.name]
    for h in headers:
        cmd += ["-H", h]
    env = {**os.environ, "BENCH_PATH": path, "BENCH_THREADS": str(args.threads_wrk), **env_extra}
    out = subprocess.run(cmd + [base], capture_output=True, text=True, env=env, timeout=300).stdout
    os.unlink(f.name)
    return parse_wrk(out)


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


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--workers", type=int, default=40000, help="accepted workers to sign in")
    ap.add_argument("--threads-wrk", type=int, default=2)
    ap.add_argument(
        "--configs",
        default="gthread:8",
        help="gunicorn worker configurations to compare in this run, e.g. gthread:4,gthread:8,sync",
    )
    args = ap.parse_args()
    configs = [parse_config(c) for c in args.configs.split(",") if c]
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
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
        key = generate_key_pair()[0]
        key_file = Path(tempfile.mkdtemp()) / "signin.pem"
        key_file.write_text(private_key_text(key))
        tokens_file = key_file.with_name("tokens.txt")
        body = json.dumps({"code": "TOKEN", "lat": lat, "lng": lng, "accuracy": 10})
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "ZHUXIN_SIGNIN_KEY_FILE": str(key_file),
            "SECRET_KEY": "bench-secret",
            "ZHUXIN_BACKGROUND": "0",
            "ZHUXIN_SECURE_COOKIES": "0",
        }
        print(
            f"bench/signin  gunicorn 2 workers, PostgreSQL, wrk {args.connections} connections, ",
            end="",
        )
        print(f"{args.seconds} s each; load average before: {loadavg()}")
        for config in configs:
            with engine.begin() as c:  # every configuration signs the same workers in afresh
                # a throw-away database: lift the keep-rows triggers here (domain.retention)
                c.execute(sa.text("SET LOCAL session_replication_role = replica"))
                c.execute(sa.text("DELETE FROM attendance WHERE device IS DISTINCT FROM 'demo'"))
            port = free_port()
            proc = start_gunicorn(env, port, config)
            try:
                base = f"http://127.0.0.1:{port}"
                cookie, csrf = login(base)
                headers = [
                    f"Cookie: {cookie}",
                    f"X-CSRFToken: {csrf}",
                    "Content-Type: application/json",
                ]
                ping = run_wrk(base, "/api/ping", args, headers, {})
                now = datetime.now(UTC)  # codes live 120 s: issue them just before the run
                tokens_file.write_text("\n".join(issue_code(key, pid, now) for pid in ids) + "\n")
                signin = run_wrk(
                    base,
                    "/api/signin/projects/1/officer-scan",
                    args,
                    headers,
                    {"BENCH_TOKENS": str(tokens_file), "BENCH_BODY": body},
                )
            finally:
                stop(proc)
            report(config, ping, signin, engine)
        print(f"  load average after: {loadavg()}")
    finally:
        engine.dispose()
        with admin.begin() as c:
            c.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
    return 0


def report(config, ping, signin, engine):
    with engine.connect() as c:
        stored = c.execute(
            sa.text("SELECT count(*) FROM attendance WHERE device IS DISTINCT FROM 'demo'")
        ).scalar()
    ping_rps = ping["ok"] / ping["duration"]
    signin_rps = signin["ok"] / signin["duration"]
    worker_class, threads = config
    print(f"  [{worker_class} ×{threads}]")
    print(
        f"    ping      {ping_rps:8.0f} req/s   p50 {ping['p50']:6.1f} ms   p99 {ping['p99']:6.1f} ms"
    )
    print(
        f"    sign-in   {signin_rps:8.0f} /s      p50 {signin['p50']:6.1f} ms   p99 {signin['p99']:6.1f} ms"
        f"   ({signin['requests'] - signin['ok']} non-2xx, {stored} rows stored)"
    )
    print(f"    ratio sign-in/ping {signin_rps / ping_rps:.2f}")
    for name, r in (("ping", ping), ("sign-in", signin)):
        if r["socket_errors"]:
            print(f"    {name} socket errors: {r['socket_errors']}")


if __name__ == "__main__":
    sys.exit(main())
