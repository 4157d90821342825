"""Bench: one persisted engine step against raw SpiffWorkflow in the same run.

Persisted step = ``engine.complete_task``: read the inbox row, lock the instance, load, complete
one multi-instance child, engine steps, save, rebuild the inbox rows, commit.
Raw step = the same diagram in memory: look the task up, complete it, ``do_engine_steps``,
``serialize_json`` + ``deserialize_json`` with the stock serializer (spec included).

    .venv/bin/python bench/engine.py [--pg postgresql://postgres@127.0.0.1:5432/test] [--reps 3]

Prints per-step medians (ms) for MI widths 1, 10, 100 and the ratio persisted / raw.

Latest figures (2-vCPU shared VM, 2026-11-24, --reps 3; target persisted <= 2x raw):

    database             MI width    raw ms  persisted ms   ratio
    sqlite default              1      0.73          2.83    3.86
    sqlite default             10      0.80          2.84    3.57
    sqlite default            100      3.53          6.49    1.84
    sqlite WAL/NORMAL           1      0.70          1.42    2.05
    sqlite WAL/NORMAL          10      0.81          1.56    1.92
    sqlite WAL/NORMAL         100      3.52          5.00    1.42
    postgresql                  1      0.70          2.73    3.87
    postgresql                 10      0.80          3.09    3.83
    postgresql                100      3.50          6.64    1.90

On this machine a bare PostgreSQL ``SELECT … FOR UPDATE`` + ``UPDATE`` of 15 KB + ``COMMIT`` costs
about 0.8 ms, more than the raw step itself at widths 1 and 10, so there the 2x target is out of
reach for a durable commit; SQLite's default journal adds about 1.3 ms per step over
WAL + synchronous=NORMAL (the app should set those pragmas).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG
from sqlalchemy import event
from sqlalchemy.orm import sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine  # noqa: E402
from engine.definitions import parse  # noqa: E402
from engine.inbox import Grant  # noqa: E402
from engine.models import EngineBase  # noqa: E402
from engine.runtime import EngineScriptEngine  # noqa: E402

DIAGRAM = Path(__file__).resolve().parents[1] / "tests" / "bpmn" / "diagrams" / "wide.bpmn"
GRANTS = [Grant("sub_operator")]
WIDTHS = (1, 10, 100)


def raw_steps(width: int) -> list[float]:
    """Per-step seconds of the in-memory baseline for one instance of ``width`` children."""
    parsed, _ = parse(DIAGRAM.read_text())
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))
    wf = BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=EngineScriptEngine())
    wf.get_next_task(state=TaskState.READY).data.update(items=list(range(width)))
    wf.do_engine_steps()
    wf = serializer.deserialize_json(serializer.serialize_json(wf))
    times = []
    for n in range(width):
        start = time.perf_counter()
        wf.script_engine = EngineScriptEngine()
        task = wf.get_next_task(state=TaskState.READY, manual=True)
        task.data["out"] = n
        task.run()
        wf.do_engine_steps()
        wf = serializer.deserialize_json(serializer.serialize_json(wf))
        times.append(time.perf_counter() - start)
    assert wf.is_completed()
    return times


def persisted_steps(factory, width: int) -> list[float]:
    """Per-step seconds of ``engine.complete_task`` for one instance of ``width`` children."""
    with factory() as s:
        iid = engine.start_instance(s, "wide", data={"items": list(range(width))})
        ids = [i.id for i in engine.list_inbox(s, GRANTS, limit=1000) if i.instance_id == iid]
        times = []
        for n, task_id in enumerate(ids):
            start = time.perf_counter()
            engine.complete_task(s, task_id, {"out": n}, user="bench", grants=GRANTS)
            times.append(time.perf_counter() - start)
        assert engine.describe_instance(s, iid)["status"] == "completed"
    return times


def sqlite_bind(path: Path, wal: bool):
    bind = sa.create_engine(f"sqlite:///{path}")
    if wal:

        @event.listens_for(bind, "connect")
        def _pragmas(dbapi, _):
            dbapi.execute("PRAGMA journal_mode=WAL")
            dbapi.execute("PRAGMA synchronous=NORMAL")

    EngineBase.metadata.create_all(bind)
    return bind, None


def pg_bind(url: str):
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in url else "?"
    bind = sa.create_engine(f"{url}{sep}options=-csearch_path%3D{schema}")
    EngineBase.metadata.create_all(bind)

    def drop():
        bind.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    return bind, drop


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def run(label: str, bind, reps: int) -> list[tuple]:
    factory = sessionmaker(bind)
    with factory() as s:
        engine.deploy(s, DIAGRAM.read_text(), known_roles=["sub_operator"])
    rows = []
    for width in WIDTHS:
        raw, persisted = [], []
        for _ in range(reps):  # interleaved so both see the same machine load
            for _ in range(max(1, 30 // width)):  # at least 30 steps per width and rep
                raw += raw_steps(width)
                persisted += persisted_steps(factory, width)
        r, p = median_ms(raw), median_ms(persisted)
        rows.append((label, width, r, p, p / r))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", help="PostgreSQL URL (a private schema is created and dropped)")
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for wal in (False, True):
            bind, _ = sqlite_bind(Path(tmp) / f"bench_{wal}.db", wal)
            rows += run("sqlite" + (" WAL/NORMAL" if wal else " default"), bind, args.reps)
            bind.dispose()
    if args.pg:
        bind, drop = pg_bind(args.pg)
        try:
            rows += run("postgresql", bind, args.reps)
        finally:
            drop()
    print(f"{'database':<20}{'MI width':>9}{'raw ms':>10}{'persisted ms':>14}{'ratio':>8}")
    for label, width, r, p, ratio in rows:
        print(f"{label:<20}{width:>9}{r:>10.2f}{p:>14.2f}{ratio:>8.2f}")


if __name__ == "__main__":
    main()
