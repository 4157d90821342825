"""Pause points for the crash matrix (``tools/crash_matrix.py``): test-only, off unless set.

With ``ZHUXIN_PAUSE_AT=<operation>:<point>`` (e.g. ``bank/SubmitBatch:during``) and
``ZHUXIN_PAUSE_MARKER=<file>``, the process that runs that service operation stops there, writes
the marker and sleeps (its job's heartbeat keeps running), so that the script SIGKILLs it at a
known point instead of by luck:

- ``before``  the job is claimed and the connector entered; nothing done yet
- ``during``  the bank has answered the operation's first request; nothing of it recorded
              (for ``bank/SubmitBatch``: the bank accepted the file, the push is not recorded)
- ``after``   the connector's work is committed; its answer is not yet stored on the job

Only the first arrival pauses (the marker exists afterwards), so a restarted process with the
same settings runs through.

``record_tick`` is the two-node check's scheduled step (``tools/two_nodes.py``,
``ZHUXIN_TEST_TICK_FILE``): each run appends its time and process id to a file that both nodes
share, so that the check counts how often each tick fired.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from connectors.bank_client import BankClient
from engine.connectors import ConnectorRegistry

POINTS = ("before", "during", "after")
_running = threading.local()  # the operation this thread is running a connector for


class PausePoint:
    """One configured pause: an operation, a point and the marker file."""

    def __init__(self, spec: str, marker: str):
        self.operation, _, self.point = spec.rpartition(":")
        if self.point not in POINTS or not self.operation or not marker:
            raise ValueError(f"ZHUXIN_PAUSE_AT={spec!r}: <operation>:before|during|after, "
                             "and ZHUXIN_PAUSE_MARKER")  # fmt: skip
        self.marker = Path(marker)

    def reached(self, point: str) -> None:
        """Pause for good if this is the configured point and nobody paused here yet."""
        if point != self.point or getattr(_running, "operation", None) != self.operation:
            return
        try:
            with self.marker.open("x") as f:  # the first arrival only
                f.write(f"{self.operation}:{point}\n")
        except FileExistsError:
            return
        while True:  # until the crash matrix kills this process
            time.sleep(3600)


def install(registry: ConnectorRegistry, payroll, spec: str, marker: str) -> PausePoint:
    """Wrap every registered operation (and the payroll operators' bank client) with ``spec``."""
    pause = PausePoint(spec, marker)
    for name in registry.names():
        registry.register(name, _wrapped(name, registry.get(name), pause))
    if payroll is not None:
        payroll.bank_client = lambda url: _PausingBank(url, pause)
    return pause


def _wrapped(name, connector, pause: PausePoint):
    def call(params, ctx):
        _running.operation = name
        try:
            pause.reached("before")
            result = connector(params, ctx)
            pause.reached("after")
            return result
        finally:
            _running.operation = None

    return call


class _PausingBank(BankClient):
    """The bank client, pausing ``during`` right after the bank's first answer."""

    def __init__(self, base_url: str, pause: PausePoint):
        super().__init__(base_url)
        self.pause = pause

    def _call(self, method, path, **kwargs):
        answer = super()._call(method, path, **kwargs)
        self.pause.reached("during")
        return answer


def record_tick(path: str):
    """A scheduled step's ``run(uow)`` that appends ``<unix time> <pid>`` to ``path``."""

    def run(uow) -> None:
        with open(path, "a") as f:  # one short write: appends of both nodes do not interleave
            f.write(f"{time.time():.3f} {os.getpid()}\n")

    return run
