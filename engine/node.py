"""Node identity (节点身份): who holds a job's claim, stable across restarts of one process slot.

A process that runs jobs takes a *slot* of its node: the lowest ``<node>.<n>.lock`` in a local
folder that it can ``flock``.  The kernel releases the lock when the process dies, however it
dies (SIGKILL included), so the process that starts next on that node takes the same slot —
and knows that every claim still held under that name belongs to its dead predecessor.  It
hands those back at once (``start_node``), instead of waiting for their leases to run out.

Two live processes never share a slot, so a restarted process never takes a live sibling's
claims (a gunicorn worker respawned next to a busy one).  Without a lock folder the identity
is ``host:pid`` and a crashed process's claims wait for their lease, as before.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import socket
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.models import Job

log = logging.getLogger(__name__)
MAX_SLOTS = 256
_held: dict[str, object] = {}  # identity → its open lock file, kept for the process's life
_identity: tuple[int, str] | None = None  # (pid, identity) of this process


def node_identity() -> str:
    """This process's identity (``node#slot`` once ``start_node`` ran here, else ``host:pid``)."""
    if _identity is not None and _identity[0] == os.getpid():  # a forked child is not its parent
        return _identity[1]
    return f"{socket.gethostname()}:{os.getpid()}"


def take_slot(node: str, lock_dir: Path) -> str:
    """Lock the lowest free slot of ``node`` in ``lock_dir``; → ``node#slot``."""
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,100}", node):
        raise ValueError(f"node id {node!r}: letters, digits, '.', '_' and '-' only")
    lock_dir.mkdir(parents=True, exist_ok=True)
    for slot in range(MAX_SLOTS):
        handle = open(lock_dir / f"{node}.{slot}.lock", "a+")  # noqa: SIM115  # held open
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a live process holds this slot
            handle.close()
            continue
        identity = f"{node}#{slot}"
        _held[identity] = handle
        return identity
    raise RuntimeError(f"node {node}: all {MAX_SLOTS} slots are taken in {lock_dir}")


def reclaim_own_claims(session: Session, identity: str) -> int:
    """Expire the leases of the running jobs claimed under ``identity`` (by a dead earlier
    incarnation of it): the next claim takes them and counts the crash as an attempt.
    The caller commits; → how many."""
    prefix = identity.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ":"
    result = session.execute(
        update(Job)
        .where(Job.status == "running", Job.locked_by.like(prefix + "%", escape="\\"))
        .values(locked_until=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount  # type: ignore[attr-defined]  # a CursorResult


def start_node(session: Session, node: str, lock_dir: Path) -> str:
    """Take this process's slot of ``node``, make it the identity of every worker id made here
    from now on, and hand back the claims its dead predecessor held (committed); → identity."""
    global _identity
    if _identity is not None and _identity[0] == os.getpid():
        return _identity[1]
    identity = take_slot(node, lock_dir)
    _identity = (os.getpid(), identity)
    reclaimed = reclaim_own_claims(session, identity)
    session.commit()
    if reclaimed:
        log.warning("node %s: reclaimed %d job(s) its previous process held", identity, reclaimed)
    return identity
