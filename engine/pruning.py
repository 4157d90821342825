"""Pruning finished history (历史裁剪): a step's cost must not grow with the instance's past.

SpiffWorkflow keeps every task it ever ran in the task tree: a loop of 500 rounds carries
1,000 completed tasks that each load and save re-read and re-write.  Nothing ahead needs
them: every task still to run (ready, waiting, started, predicted, failed) lies below their
lowest common ancestor, and joins, boundary events and multi-instance parents are either
unfinished or below it.  So when the tree is large, the finished part above that ancestor
(less a margin of :data:`KEEP` levels) is cut: the kept subtree hangs from the root again,
its top task keeps its full data (the serializer then stores it whole instead of as a delta),
and the subprocesses of cut tasks go with them.  The history of what ran is kept in
``engine_task_history`` (written before the cut), not in the state.
"""

from __future__ import annotations

from SpiffWorkflow import TaskState

PRUNE_ABOVE = 60  # tasks in the top workflow before a cut is considered (cuts take >= half)
KEEP = 4  # completed levels kept above the lowest common ancestor of the unfinished tasks

_DONE = TaskState.COMPLETED | TaskState.CANCELLED


def _ancestors(task) -> list:
    """``task`` and its ancestors, the root last."""
    chain = []
    while task is not None:
        chain.append(task)
        task = task.parent
    return chain


def _common_ancestor(tasks):
    """The lowest task of which every task in ``tasks`` is a descendant (or itself)."""
    first, *rest = tasks
    chain = _ancestors(first)
    index = {t.id: i for i, t in enumerate(chain)}
    lowest = 0
    for task in rest:
        while task.id not in index:
            task = task.parent
        lowest = max(lowest, index[task.id])
    return chain[lowest], chain[lowest:]


def prune_history(wf, threshold: int = PRUNE_ABOVE) -> int:
    """Cut the finished history of the top workflow when it holds more than ``threshold``
    tasks; returns how many tasks were removed (0: nothing to cut)."""
    if len(wf.tasks) <= threshold:
        return 0
    unfinished = [t for t in wf.tasks.values() if not t.state & _DONE]
    if not unfinished:
        return 0  # a completed workflow is not stepped again
    _, chain = _common_ancestor(unfinished)
    # chain: the common ancestor up to the root; keep KEEP completed levels above it
    keep_at = min(KEEP, len(chain) - 3)  # below the root and its Start task
    if keep_at < 0:
        return 0
    top, root = chain[keep_at], wf.task_tree
    if top.parent is root or not top.state & _DONE:
        return 0
    kept = {t.id for t in top}  # Task iterates over its subtree
    removed = [tid for tid in wf.tasks if tid not in kept and tid != root.id]
    if not removed or len(removed) < threshold // 2:
        return 0  # cut seldom and much: the walk above is then paid once per many steps
    data = top.data  # full data in memory; the serializer stores a delta against the parent
    for tid in removed:
        del wf.tasks[tid]
    top._parent, root._children = root.id, [top.id]
    top.data = data
    _drop_orphan_subprocesses(wf)
    if wf.last_task is not None and wf.last_task.id not in wf.tasks:
        wf.last_task = top
    return len(removed)


def _drop_orphan_subprocesses(wf) -> None:
    """Forget subprocesses whose calling task was cut (they finished with it)."""
    while True:
        live = set(wf.tasks)
        for sub in wf.subprocesses.values():
            live |= set(sub.tasks)
        orphans = [sp_id for sp_id in wf.subprocesses if sp_id not in live]
        if not orphans:
            return
        for sp_id in orphans:
            del wf.subprocesses[sp_id]
