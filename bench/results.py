"""Figures a benchmark reports to the one table `make bench` prints at the end.

A benchmark prints its own detailed table and, for each figure that has a target (or that a
reader of the summary needs), calls :func:`record`. When ``BENCH_RESULTS`` names a file (``python
-m bench`` sets it) each figure is appended to it as one JSON line; :func:`summary` reads them
back and renders the table: bench, figure, value, target, met.

Targets are written the way the issue states them (``≤ 2×``, ``< 200 ms``); ``met`` is decided
by the benchmark that knows the comparison, so the table never parses a target.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def record(bench: str, figure: str, value: float | int | str, unit: str = "", *,
           target: str = "", met: bool | None = None, note: str = "") -> None:
    """Report one figure; a no-op unless ``BENCH_RESULTS`` is set."""
    path = os.environ.get("BENCH_RESULTS")
    if not path:
        return
    row = {"bench": bench, "figure": figure, "value": value, "unit": unit, "target": target,
           "met": met, "note": note}
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")


def _value(row: dict) -> str:
    value = row["value"]
    if isinstance(value, float):
        text = f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = str(value)
    return f"{text} {row['unit']}".strip()


def summary(path: Path) -> tuple[str, int]:
    """The table of every recorded figure (Markdown) and how many targets were missed."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    lines = ["| bench | figure | value | target | met |", "|---|---|---:|---|---|"]
    missed = 0
    for r in rows:
        met = {True: "yes", False: "**no**", None: ""}[r["met"]]
        missed += r["met"] is False
        note = f" ({r['note']})" if r.get("note") else ""
        lines.append(f"| {r['bench']} | {r['figure']}{note} | {_value(r)} | {r['target']} | {met} |")
    return "\n".join(lines), missed
