"""Loaded workflows kept between steps (工作流缓存): a step of an instance this process saved
last reuses the live workflow instead of restoring it from ``state_json`` again.

Every save writes a fresh random ``state_token`` into the instance row and puts the workflow it
stored here under that token.  A step takes the entry out (so no two mutations share one
workflow, and a step that fails leaves nothing behind) and uses it only when the locked row
still carries that token and the same definition: a save by another process or session, or a
save that was rolled back, leaves a different token in the row, and the workflow is loaded
again.  Only a workflow whose state survives a JSON round trip unchanged is kept
(``serializer.dump_state_exact``), so a cached step behaves as a loaded one would.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow

SIZE = 256  # instances kept per process (least recently saved dropped first)


def new_token() -> int:
    """A random token for a save (63 bits: fits a signed BIGINT)."""
    return secrets.randbits(63)


@dataclass(frozen=True)
class Entry:
    token: int
    definition_id: int
    wf: BpmnWorkflow
    seen: Any = None  # what the save computed from the workflow (``store.active_tasks``)


class WorkflowCache:
    """Live workflows per (database, instance id), each valid for one saved token; bounded."""

    def __init__(self, size: int = SIZE):
        self.size = size
        self._items: OrderedDict[tuple[str, int], Entry] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: tuple[str, int], token: int | None, definition_id: int) -> Entry | None:
        """The entry of the workflow saved with ``token`` for that definition, removed from the
        cache; None when there is none (the caller loads it from the row)."""
        with self._lock:
            entry = self._items.pop(key, None)
        if entry is None or token is None or (entry.token, entry.definition_id) != (
            token, definition_id):  # fmt: skip
            return None
        return entry

    def put(self, key: tuple[str, int], token: int, definition_id: int, wf: BpmnWorkflow,
            seen: Any = None) -> None:  # fmt: skip
        """Keep ``wf`` as the state saved with ``token`` (``seen``: what the save computed
        from it, handed back with it)."""
        with self._lock:
            self._items[key] = Entry(token, definition_id, wf, seen)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def discard(self, key: tuple[str, int]) -> None:
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


workflow_cache = WorkflowCache()
