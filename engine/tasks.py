"""Completing a user task (办理任务) under the instance lock, with the engine's own checks.

Domain rules of a task are not here: the application layer runs the task's handler first and
passes the data it produced.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from SpiffWorkflow import TaskState
from sqlalchemy.orm import Session

from engine.errors import NotFound, ProcessError, TaskNotOpen
from engine.inbox import Grant, check_may_act
from engine.persistence import mutate
from engine.store import Loaded, close_human_task


def _clean_form_data(data: dict) -> dict:
    for key in data:
        if not isinstance(key, str) or not key.isidentifier() or key.startswith("_"):
            raise ValueError(f"invalid field name {key!r}")
    return data


def complete_task(
    session: Session, human_task_id: int, data: dict, *, user: str, grants: Iterable[Grant]
) -> None:
    """Complete an open user task with ``data`` as ``user``, in the caller's transaction.

    Under the instance lock: a grant covers the row's role and scope (fixed when the row was
    made), the Spiff task is READY, and the row is still open (a conditional update, so two
    completions of one task cannot both succeed).  Records who completed it and when.
    """
    data, grants = _clean_form_data(dict(data)), list(grants)

    def act(loaded: Loaded) -> None:
        row = loaded.human_task
        assert row is not None  # locked through the inbox row (via_task)
        check_may_act(row, grants)
        if row.status != "open":
            raise TaskNotOpen(f"task {row.id} is already {row.status}")
        task = loaded.wf.get_task_from_id(UUID(row.task_guid))
        if task is None or task.state != TaskState.READY:
            raise TaskNotOpen(f"task {row.id} is not ready any more")
        close_human_task(loaded, row.id, user)  # only while still open, with the save
        task.data.update(data)
        task.run()
        loaded.closed.add(row.task_guid)

    try:
        mutate(session, None, act, via_task=human_task_id)
    except NotFound:
        raise NotFound(f"task {human_task_id} does not exist") from None
    except ProcessError as err:
        err.user = user
        raise
