"""Bench: one persisted engine step against raw SpiffWorkflow in the same run.

Persisted step = ``engine.complete_task``: lock the instance through the inbox row (``SELECT …
FOR UPDATE`` on PostgreSQL, a snapshot + version compare-and-set on SQLite), load (the
workflow this process saved last, else the engine's specless state restored onto the cached
spec), check and complete one multi-instance child, engine steps, save (the state with the
inbox row closed, the history rows and the inbox changes), commit (durable: the databases' own
sync settings).
Raw step = the same diagram in memory, no database: re-attach a script engine, look the task
up, complete it, ``do_engine_steps``, then a serialize + deserialize round trip:

* ``raw`` — SpiffWorkflow's stock ``serialize_json`` + ``deserialize_json`` (spec included).
  This is the issue's baseline and the one the target is measured against.
* ``codec`` — the engine's own ``dump_state`` + ``load_state`` (spec left out, restored onto
  the built spec): the CPU work of the persisted step minus the database when it has to
  load, so ``/codec`` is the cost of persistence (SQL, locking, inbox bookkeeping, commit); a
  step that reuses its cached workflow skips the load half of it.

    .venv/bin/python bench/engine.py [--pg postgresql://postgres@127.0.0.1:5432/test] [--reps 3]

Prints the history rows (below), then per-step medians (ms) for MI widths 1, 10, 100 and the
ratios persisted / raw and persisted / codec.  All of them run interleaved so that they see
the same machine load.

Also printed: ``before`` = the same persisted step with the workflow cache switched off (every
step restores ``state_json``; :func:`previous_engine`; everything else is this engine),
interleaved with the others, and on PostgreSQL ``bare txn`` = the floor under any durable step
from psycopg with no ORM: ``BEGIN; SELECT … FOR UPDATE; UPDATE`` of a row holding the
instance's state ``; COMMIT`` (the same four round trips as the engine, but one unindexed row
and no inbox or history rows).  The headline ratios go to
``bench/results.py`` (``python -m bench`` prints them in its summary).

Figures of this change (2-vCPU shared VM, 2026-12-02, --reps 3; another engineer's benchmarks
ran beside it, so raw itself varies 1.0-2.0 ms between runs: compare the ratios within a run;
the runs since, on other VMs on 12-03 and 12-04, with where a step's time goes: README,
Benchmarks).
This code at 02:40 (load average 2.6 before, 3.1 after), and the previous commit (c9ae152) run
right after it at 02:42 (load 3.0 → 2.6); target persisted <= 2x raw:

    this code      width   raw ms  codec ms  persisted ms  ratio  /codec | before ms  ratio | bare txn ms
    sqlite WAL         1     2.05      1.40          2.51   1.22    1.79 |      3.04   1.48 |
    sqlite WAL        10     2.49      1.61          2.55   1.02    1.58 |      3.27   1.32 |
    sqlite WAL       100    10.05      6.46          7.71   0.77    1.19 |     12.45   1.24 |
    postgresql         1     2.04      1.34          5.17   2.54    3.85 |      5.74   2.82 |        1.15
    postgresql        10     1.94      1.30          4.04   2.08    3.11 |      5.92   3.05 |        1.07
    postgresql       100    11.16     10.28         11.54   1.03    1.12 |     17.27   1.55 |        0.93
    previous code
    sqlite WAL         1     1.31      0.91          2.09   1.59    2.28 |      2.01   1.53 |
    sqlite WAL        10     1.29      0.81          1.37   1.06    1.69 |      1.83   1.42 |
    sqlite WAL       100     7.16      8.79          8.48   1.18    0.97 |     12.26   1.71 |
    postgresql         1     1.13      0.74          4.12   3.63    5.60 |      4.34   3.83 |        0.82
    postgresql        10     1.77      1.23          3.92   2.22    3.19 |      4.42   2.50 |        0.58
    postgresql       100     5.43      4.71         10.54   1.94    2.24 |     10.58   1.95 |        0.55

(``sqlite WAL`` = journal_mode=WAL + synchronous=NORMAL, as the app sets them; ``sqlite
default``, the rollback journal, is printed too, for reference.)  Other runs the same day:
the previous code at 01:46, the quietest (load 1.9): PostgreSQL 3.53 / 2.48 / 1.34 at widths
1 / 10 / 100 (raw 1.04 / 1.10 / 5.05 ms, persisted 3.68 / 2.72 / 6.75 ms), SQLite WAL 1.38 /
1.25 / 0.89; this change's first commit at 02:02 (load 2.1-2.4): PostgreSQL 2.85 / 1.89 /
1.25 (raw 1.01 / 1.07 / 5.00, persisted 2.87 / 2.02 / 6.24), SQLite WAL 1.37 / 1.01 / 0.88;
this code again at 02:45 (load 2.6 → 2.3): PostgreSQL 2.58 / 2.00 / 1.17, SQLite WAL 1.43 /
1.00 / 0.91.  So PostgreSQL width 10 is about at the target (1.89 / 2.08 / 2.00 in the three
runs, from 2.22-2.48) and width 100 well under it; width 1 went from 3.5-3.6 to 2.5-2.9 and
misses it.

A quiet afternoon the same day (load 0.1-0.7): PostgreSQL 2.85 / 1.98 / 1.11 before the
history fix (``engine/history.py`` ``finished_since``: every child of a multi-instance task is
recorded, not only the last), 2.72 / 2.14 / 1.15 with it (raw 0.61 / 0.65 / 2.81 ms,
persisted 1.66 / 1.39 / 3.23 ms, bare txn 0.57 / 0.44 / 0.50 ms); the fix written as
SpiffWorkflow's walk of the definite states cost 2.92 / 2.46 / 1.27 (it visits every running
child on each step), so it is one flat loop over the tasks.

The same evening on another, slower VM (raw 2.1-2.5 ms at width 1): 2.54 / 2.01 / 1.14 at
18:54, then 2.08 / 2.17 / 1.26 and 2.14 / 1.79 / 1.19 once a rollback keeps psycopg's prepared
statements (``engine.driver.keep_prepared_statements``).  Every width-1 step here is the first
on its connection after a read-only transaction's rollback (``describe_instance`` at the end
of the previous instance), as a step after a read-only request is in the app; psycopg's
``DEALLOCATE ALL`` after it made that step ``Parse`` and plan its lock and its save again
(server log: the save 1.9 → 0.9 ms, the lock 0.7 → 0.4 ms client time).  What is left at
width 1 is mostly the durable commit: 0.68 ms of server time here (``log_min_duration_statement``),
where a one-row update commits in 0.2 ms (``pg_stat_wal``: 0.6 against 0.2 ms per WAL sync;
the tables grow with every step, so ext4 commits their extension with the WAL's fdatasync).

What changed (``engine/store.py``, ``engine/driver.py``): on PostgreSQL the save is one
statement — ``WITH saved AS (UPDATE engine_process_instance … WHERE id = … AND version = …),
closed AS (UPDATE engine_human_task … WHERE status = 'open'), history AS (INSERT INTO
engine_task_history … FROM json_to_recordset(…) WHERE EXISTS (SELECT FROM saved)), cancelled
…, opened AS (INSERT INTO engine_human_task …) SELECT count(saved), count(closed)`` — where the
history rows were a separate ``executemany`` (psycopg runs it as a pipeline, with its own
sync) and the inbox changes separate statements after the save.  The lock + load and the save
run straight on the session's psycopg connection (no SQLAlchemy execution context: about
0.1 ms of client CPU each), prepared at first use, with SQLAlchemy's exception classes.  A
step is now four round trips on PostgreSQL — psycopg's ``BEGIN``, the ``SELECT … FOR UPDATE``,
the save, the caller's ``COMMIT`` — where it was five on every step that finished a task with
a BPMN id.  Besides: a cached workflow comes back with the ready and active task ids its save
walked (no tree walk at load); a finished workflow is not checked for an exact restore (it is
not cached); the cache key's database name is rendered once per Engine; plain history changes
go through ``json.dumps`` directly.  The stored state, inbox rows and history are the same
(``tests/bpmn/test_engine_step_writes.py``), and a save whose version check fails writes no
history or inbox rows on either database.

Where the time goes at PostgreSQL width 1 (a separate run, 02:44, load 2.5, per-step medians
timed around the engine's two statements and the commit): step 3.10 ms against raw 1.07; the
lock (with psycopg's ``BEGIN``) 0.58, the save 0.99, the ``COMMIT`` 0.59 — 2.16 ms of
database, already 2.0x raw before any Python — and 0.95 ms for everything else (the
SpiffWorkflow step, the dump, the inbox and history bookkeeping).  At width 1 the step finishes
the instance: the save updates the row's indexed ``status`` (no HOT update), closes the inbox
row and inserts three history rows with their foreign-key checks (EXPLAIN ANALYZE: about 0.5 ms
of execution, 0.18 of it the instance update), and the commit waits for the WAL flush.  At
width 10 the same split is 0.42 + 0.49 + 0.42 ms of database and 0.79 of the rest (step 2.14,
raw 1.09).  The bare transaction is cheaper (0.74 ms at width 1) because it writes one
unindexed row.  So width 1 cannot reach 2x raw on this VM without writing less than the
engine must write (the state, the closed inbox row, the history) or giving up durability;
``synchronous_commit=off`` was not taken (durability of wage data), nor merging psycopg's
``BEGIN`` into the lock (about 0.06 ms: psycopg 3.3 syncs after ``BEGIN`` even in pipeline
mode, so it would need libpq-level calls).  Unprepared, each of the two statements costs
about 0.3 ms more server time (parse and plan): psycopg's default prepares a statement only
at its fifth use and drops every prepared statement at a ``ROLLBACK``, so the engine asks for
``prepare=True``.

The previous change (2026-12-01): a step reuses the workflow its process saved
(``engine/workflow_cache.py``: the save writes a random ``state_token`` and keeps the live
workflow under it; the next step uses it only while the locked row still carries that token),
so the restore from ``state_json`` leaves the step; its figures then, at load 4.4: PostgreSQL
3.43 / 2.51 / 1.49, SQLite WAL 1.41 / 0.99 / 0.76.

History rows (printed first; ``--history-only`` prints only them): one step (complete the
user task of ``loop_ticks.bpmn``, 4 tasks a round) of a fresh instance against a step of one
with 1,000 finished tasks, measured in the same run, with the engine's cut of finished history
(``engine/pruning.py``) and without it (900 tasks: uncut, SpiffWorkflow's 1,000-level task
walk silently ends such a loop after 250 rounds).  2026-12-01, --reps 1, the 2-vCPU VM at load
average 17-18 (eight test suites beside it), so absolute ms are inflated; the ratio is the
figure (target: about 1):

    database             history finished  fresh ms  after ms  ratio
    sqlite WAL/NORMAL        cut     1000     21.74     11.45   0.53
    sqlite WAL/NORMAL      uncut      900     18.83    545.51  28.98
    postgresql               cut     1000     48.73     72.80   1.49
    postgresql             uncut      900     71.59    431.79   6.03

The same rows in the run of the figures above (2026-12-02 02:40, --reps 3,
load 2.6-3.1): sqlite cut 4.38 → 4.01 ms (0.92), uncut 3.83 → 66.96 ms (17.50); postgresql
cut 4.75 → 5.32 ms (1.12), uncut 8.55 → 76.48 ms (8.95).

With the cut the state saws between about 25 and 60 tasks, so a step after 1,000 finished
tasks costs what a fresh one does (the fresh samples cover its first 80 tasks, hence < 1 on
SQLite); uncut, the whole tree is re-read and re-written at every step.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager, nullcontext
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
from bench.results import record  # noqa: E402
from engine.documents import parse  # noqa: E402
from engine.driver import keep_prepared_statements  # noqa: E402
from engine.inbox import Grant  # noqa: E402
from engine.models import EngineBase, ProcessInstance  # noqa: E402
from engine.runtime import EngineScriptEngine  # noqa: E402
from engine.serializer import dump_state, load_state  # noqa: E402
from engine.workflow_cache import workflow_cache  # noqa: E402

DIAGRAM = Path(__file__).resolve().parents[1] / "tests" / "bpmn" / "diagrams" / "wide.bpmn"
LOOP = DIAGRAM.with_name("loop_ticks.bpmn")  # tick (user task) → count → throw → gateway, looped
GRANTS = [Grant("sub_operator")]
WIDTHS = (1, 10, 100)


def raw_steps(width: int, codec: str = "stock") -> list[float]:
    """Per-step seconds of the in-memory baseline for one instance of ``width`` children.

    ``codec="stock"``: SpiffWorkflow's own ``serialize_json`` / ``deserialize_json`` (spec
    included).  ``codec="engine"``: the engine's ``dump_state`` / ``load_state`` (state
    without the spec, restored onto the already-built spec), i.e. the same CPU work the
    persisted step does, without any database.
    """
    parsed, _ = parse(DIAGRAM.read_text())
    spec, subs = parsed.spec, parsed.subprocess_specs
    if codec == "stock":
        serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))

        def roundtrip(wf):
            return serializer.deserialize_json(serializer.serialize_json(wf))
    else:

        def roundtrip(wf):
            return load_state(dump_state(wf), spec, subs)

    wf = BpmnWorkflow(spec, subs, script_engine=EngineScriptEngine())
    wf.get_next_task(state=TaskState.READY).data.update(items=list(range(width)))
    wf.do_engine_steps()
    wf = roundtrip(wf)
    times = []
    for n in range(width):
        start = time.perf_counter()
        wf.script_engine = EngineScriptEngine()
        task = wf.get_next_task(state=TaskState.READY, manual=True)
        task.data["out"] = n
        task.run()
        wf.do_engine_steps()
        wf = roundtrip(wf)
        times.append(time.perf_counter() - start)
    assert wf.is_completed()
    return times


@contextmanager
def previous_engine():
    """The engine without its workflow cache: every step restores ``state_json`` (the save
    neither checks the round trip nor keeps the workflow)."""
    import engine.store as store  # the bench swaps the exact dump out for the plain one

    exact = store.dump_state_exact
    store.dump_state_exact = lambda wf, check=True: (dump_state(wf), False)
    workflow_cache.clear()
    try:
        yield
    finally:
        store.dump_state_exact = exact


def persisted_steps(factory, width: int, before: bool = False) -> list[float]:
    """Per-step seconds of ``engine.complete_task`` for one instance of ``width`` children
    (``before``: with the previous engine, see :func:`previous_engine`)."""
    with previous_engine() if before else nullcontext(), factory() as s:
        iid = engine.start_instance(s, "wide", data={"items": list(range(width))})
        s.commit()
        ids = [i.id for i in engine.list_inbox(s, GRANTS, limit=1000) if i.instance_id == iid]
        times = []
        for n, task_id in enumerate(ids):
            start = time.perf_counter()
            engine.complete_task(s, task_id, {"out": n}, user="bench", grants=GRANTS)
            s.commit()  # the caller's unit of work commits; the engine never does
            times.append(time.perf_counter() - start)
        assert engine.describe_instance(s, iid)["status"] == "completed"
    return times


def history_steps(factory, after_rounds: int, samples: int = 20) -> list[float]:
    """Per-step seconds of ``samples`` rounds of the loop after ``after_rounds`` rounds (4
    finished tasks each) of the same instance."""
    grants = [Grant("gc_manager")]
    with factory() as s:
        iid = engine.start_instance(s, "loop_ticks", data={"limit": after_rounds + samples + 1})
        s.commit()
        times = []
        for n in range(after_rounds + samples):
            [task_id] = [i.id for i in engine.list_inbox(s, grants) if i.instance_id == iid]
            start = time.perf_counter()
            engine.complete_task(s, task_id, {}, user="bench", grants=grants)
            s.commit()
            if n >= after_rounds:
                times.append(time.perf_counter() - start)
    return times


def run_history(label: str, bind, reps: int) -> list[tuple]:
    """A step of a fresh loop instance against one after 1,000 finished tasks, with the
    history cut (the engine) and without (900 tasks: uncut, SpiffWorkflow's 1,000-level
    task walk ends the loop after 250)."""
    import engine.persistence as persistence  # the bench swaps the cut out for the baseline

    factory = sessionmaker(bind)
    with factory() as s:
        engine.deploy(s, LOOP.read_text(), known_roles=["gc_manager"],
                      connectors=engine.ConnectorRegistry())  # fmt: skip
        s.commit()
    rows, cut = [], persistence.prune_history
    for name, rounds, prune in (("cut", 250, cut), ("uncut", 225, lambda wf: 0)):
        persistence.prune_history = prune
        try:
            fresh, old = [], []
            for _ in range(reps):  # interleaved so both see the same machine load
                fresh += history_steps(factory, 0)
                old += history_steps(factory, rounds)
        finally:
            persistence.prune_history = cut
        f, o = median_ms(fresh), median_ms(old)
        rows.append((label, name, rounds * 4, f, o, o / f))
    return rows


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
    keep_prepared_statements(bind)  # as the app's engine (``web.create_app``)
    EngineBase.metadata.create_all(bind)

    def drop():
        bind.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    return bind, drop


def bare_steps(bind, state: str, steps: int = 30) -> list[float]:
    """Per-transaction seconds of the floor under a persisted step on PostgreSQL, from psycopg
    with no ORM: ``BEGIN; SELECT … FOR UPDATE; UPDATE`` of a row holding ``state``
    ``; COMMIT`` (psycopg sends the BEGIN itself: the same four round trips as the engine)."""
    conn = bind.raw_connection()
    try:
        cur = conn.cursor()
        cur.execute("CREATE TABLE IF NOT EXISTS bench_bare (id int PRIMARY KEY, version int, "
                    "state text COMPRESSION lz4)")  # fmt: skip
        cur.execute("INSERT INTO bench_bare VALUES (1, 0, '') ON CONFLICT DO NOTHING")
        conn.commit()
        times = []
        for _ in range(steps):
            start = time.perf_counter()
            cur.execute("SELECT version FROM bench_bare WHERE id = 1 FOR UPDATE")
            (version,) = cur.fetchone()
            cur.execute("UPDATE bench_bare SET version = %s, state = %s WHERE id = 1",
                        (version + 1, state))  # fmt: skip
            conn.commit()
            times.append(time.perf_counter() - start)
        return times
    finally:
        conn.close()


def last_state(factory) -> str:
    with factory() as s:
        return s.scalar(sa.select(ProcessInstance.state_json).order_by(ProcessInstance.id.desc()))


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def run(label: str, bind, reps: int) -> list[tuple]:
    factory = sessionmaker(bind)
    with factory() as s:
        engine.deploy(s, DIAGRAM.read_text(), known_roles=["sub_operator"],
                      connectors=engine.ConnectorRegistry())  # fmt: skip
        s.commit()
    rows, postgres = [], bind.dialect.name == "postgresql"
    for width in WIDTHS:
        raw, codec, persisted, before, bare = [], [], [], [], []
        for _ in range(reps):  # interleaved so that all of them see the same machine load
            for _ in range(max(1, 30 // width)):  # at least 30 steps per width and rep
                raw += raw_steps(width)
                codec += raw_steps(width, "engine")
                persisted += persisted_steps(factory, width)
                before += persisted_steps(factory, width, before=True)
                if postgres:
                    bare += bare_steps(bind, last_state(factory), steps=width)
        r, c, p, b = median_ms(raw), median_ms(codec), median_ms(persisted), median_ms(before)
        rows.append((label, width, r, c, p, p / r, p / c, b, b / r, median_ms(bare) if bare else None))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", help="PostgreSQL URL (a private schema is created and dropped)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--history-only", action="store_true", help="only the history rows")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bind, _ = sqlite_bind(Path(tmp) / "bench_history.db", True)
        history = run_history("sqlite WAL/NORMAL", bind, args.reps)
        bind.dispose()
    if args.pg:
        bind, drop = pg_bind(args.pg)
        try:
            history += run_history("postgresql", bind, args.reps)
        finally:
            drop()
    print(f"{'database':<20}{'history':>8}{'finished':>9}{'fresh ms':>10}{'after ms':>10}{'ratio':>7}")
    for label, name, finished, f, o, ratio in history:
        print(f"{label:<20}{name:>8}{finished:>9}{f:>10.2f}{o:>10.2f}{ratio:>7.2f}")
    if args.history_only:
        report(history, [])
        return
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
    print(
        f"{'database':<20}{'MI width':>9}{'raw ms':>8}{'codec ms':>10}{'persisted ms':>14}"
        f"{'ratio':>7}{'/codec':>8}  | {'before ms':>9}{'ratio':>7}  | {'bare txn ms':>11}"
    )
    for label, width, r, c, p, ratio, ratio_c, b, ratio_b, bare in rows:
        floor = f"{bare:>11.2f}" if bare is not None else f"{'':>11}"
        print(f"{label:<20}{width:>9}{r:>8.2f}{c:>10.2f}{p:>14.2f}{ratio:>7.2f}{ratio_c:>8.2f}"
              f"  | {b:>9.2f}{ratio_b:>7.2f}  | {floor}")  # fmt: skip
    print(f"load average after the run: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    report(history, rows)


def report(history: list[tuple], rows: list[tuple]) -> None:
    """The headline figures for ``python -m bench``'s summary table."""
    for label, width, r, _, _, ratio, _, _, ratio_b, bare in rows:
        if label == "sqlite default":
            continue  # a reference row (fsync per commit), not a target
        db = "PostgreSQL" if label == "postgresql" else "SQLite WAL"
        note = f"before {ratio_b:.2f}×" + (f"; bare txn {bare / r:.2f}× raw" if bare else "")
        record("engine", f"persisted ÷ raw, {db}, width {width}", ratio, "×", target="≤ 2×",
               met=ratio <= 2, note=note)  # fmt: skip
    for label, name, finished, _, _, ratio in history:
        db = "PostgreSQL" if label == "postgresql" else "SQLite WAL"
        record("engine", f"step after {finished} finished ÷ fresh, {db}, history {name}", ratio,
               "×", target="≈ 1", met=ratio <= 2 if name == "cut" else None)  # fmt: skip


if __name__ == "__main__":
    main()
