"""Instructions per request, counted by callgrind: a figure the machine's load cannot move.

    python -m bench.instructions MODE N PEOPLE LAT LNG   (run by ``bench.signin --instructions``)

Serves ``N`` requests of ``MODE`` (``ping``: GET /api/ping; ``sign-in``: the demo officer's
scan at LAT, LNG of a fresh personal construction code of another worker per request, the
workers' person ids read from the file ``PEOPLE``, the codes issued just before counting)
in this process through Flask's test client, against the database of ``DATABASE_URL`` (the
app's own environment), after 20 requests of warm-up. Run under ``valgrind --tool=callgrind
--instr-atstart=no``, it switches counting on for exactly those ``N`` requests
(``callgrind_control -i``), so the dump holds their instructions and nothing of the start-up.
Wall time and CPU seconds on a shared 2-core VM move with whatever else runs; the instruction
count of the same code and data does not (the test client adds the same few per request to
both modes; the database server is another process and is not counted).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WARM_UP = 20


def _logged_in_client(app):
    client = app.test_client()
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"account": "w004", "password": "zhuxin2026", "csrf_token": token})
    page = client.get("/signin/officer").text
    return client, re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def serve(mode: str, n: int, people: list[int], lat: float, lng: float) -> None:
    from datetime import UTC, datetime

    from domain.signin.tokens import issue_code
    from web import create_app
    from web.signin.common import code_keys

    app = create_app()
    client, csrf = _logged_in_client(app)
    with app.app_context():  # codes live 120 s: issued now, after the slow start-up
        key, moment = code_keys().private_key, datetime.now(UTC)
        tokens = [issue_code(key, person, moment) for person in people[: WARM_UP + n]]
    headers = {"X-CSRFToken": csrf, "Content-Type": "application/json"}

    def one(i: int) -> None:
        if mode == "ping":
            answer = client.get("/api/ping")
        else:
            body = json.dumps({"code": tokens[i], "lat": lat, "lng": lng, "accuracy": 10})
            answer = client.post("/api/signin/projects/1/officer-scan", data=body, headers=headers)
        assert answer.status_code == 200, answer.text[:300]

    for i in range(WARM_UP):
        one(i)
    control(["--instr=on"])
    for i in range(WARM_UP, WARM_UP + n):
        one(i)
    control(["--instr=off"])


def control(args: list[str]) -> None:
    subprocess.run(["callgrind_control", *args, str(os.getpid())], check=True,
                   capture_output=True)  # fmt: skip


def count(mode: str, n: int, people_file: Path, lat: float, lng: float, env: dict) -> int:
    """Instructions per request of ``mode`` (a subprocess under callgrind)."""
    out = people_file.with_name(f"callgrind.{mode}.out")
    cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
           sys.executable, "-m", "bench.instructions", mode, str(n), str(people_file),
           str(lat), str(lng)]  # fmt: skip
    subprocess.run(cmd, cwd=ROOT, env={**env, "PYTHONHASHSEED": "0"}, check=True,
                   capture_output=True, timeout=1800)  # fmt: skip
    totals = re.search(r"^totals: (\d+)", out.read_text(), re.M)
    if totals is None:
        raise SystemExit(f"callgrind wrote no totals to {out}")
    return int(totals.group(1)) // n


if __name__ == "__main__":
    mode, n, people, lat, lng = sys.argv[1:6]
    serve(mode, int(n), [int(p) for p in Path(people).read_text().split()], float(lat), float(lng))
