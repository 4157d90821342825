"""Moving a running instance to a newer version of its process (实例迁移).

An instance can move when every task it has active now (ready, started, waiting, failed), in
the top process and in its subprocesses, exists in the target version (SpiffWorkflow's
``SpecDiff`` aligns them by BPMN id, or by structure for a renamed one).  The dry run lists
what would move and what cannot; the move swaps the specs, lets SpiffWorkflow re-predict the
ready and waiting branches (a waiting timer starts again from now), runs the engine steps and
saves, all under the instance lock; the instance row then points at the target version.
Open inbox rows keep their task ids and take the target's task name and lane.  A service
task already started keeps its job (it completes on the new version).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.definitions import specs_for
from engine.errors import EngineError, NotFound
from engine.models import HumanTask, InstanceAction, ProcessDefinition, ProcessInstance
from engine.persistence import mutate
from engine.serializer import registry
from engine.store import ACTIVE, Loaded, load_workflow


class MigrationRefused(EngineError):
    """The instance cannot move to that version; ``plan`` says why (``reason`` or
    ``blocked``)."""

    def __init__(self, plan: MigrationPlan):
        self.plan = plan
        super().__init__(plan.reason or "; ".join(f"{b['bpmn_id']}: {b['reason']}" for b in plan.blocked))


@dataclass
class MigrationPlan:
    """What a move of ``instance_id`` to ``to_version`` would do."""

    instance_id: int
    process_id: str
    from_version: int
    to_version: int
    moves: list[dict] = field(default_factory=list)  # active tasks found in the target
    blocked: list[dict] = field(default_factory=list)  # active tasks that are not there
    changed: list[str] = field(default_factory=list)  # active tasks whose definition changed
    reason: str = ""  # why nothing can move at all (not running, not a newer version)
    to_definition_id: int | None = None

    @property
    def possible(self) -> bool:
        return not self.reason and not self.blocked


def _task_row(task, reason: str = "") -> dict:
    spec = task.task_spec
    row = {"bpmn_id": getattr(spec, "bpmn_id", None) or spec.name,
           "name": getattr(spec, "bpmn_name", None) or spec.name,
           "state": TaskState.get_name(task.state)}  # fmt: skip
    return {**row, "reason": reason} if reason else row


def _target(session: Session, row, to_version: int) -> ProcessDefinition | None:
    return session.scalar(
        select(ProcessDefinition).where(
            ProcessDefinition.process_id == row.process_id, ProcessDefinition.version == to_version
        )
    )


def _diffs(wf, spec, subs):
    """(top diff, {subprocess id: diff or None}) of a workflow against the target specs."""
    return diff_workflow(registry(), wf, spec, subs)


def _fill(plan: MigrationPlan, wf, spec, subs) -> tuple:
    """Put the active tasks in ``moves`` or ``blocked``; returns the diffs for the move."""
    top, sub_diffs = _diffs(wf, spec, subs)
    for workflow, diff in [(wf, top), *((wf.subprocesses[i], d) for i, d in sub_diffs.items())]:
        for task in workflow.get_tasks(state=ACTIVE, skip_subprocesses=True):
            if diff is None:
                plan.blocked.append(_task_row(task, f"process {workflow.spec.name!r} is not in "
                                                    f"version {plan.to_version}"))  # fmt: skip
            elif diff.alignment.get(task) is None:
                plan.blocked.append(_task_row(task, f"not in version {plan.to_version}"))
            else:
                plan.moves.append(_task_row(task))
                if task in diff.changed:
                    plan.changed.append(plan.moves[-1]["bpmn_id"])
    return top, sub_diffs


def _plan(session: Session, row, wf, to_version: int):
    plan = MigrationPlan(row.id, row.process_id, _version_of(session, row.definition_id), to_version)
    target = _target(session, row, to_version)
    if row.status != "running":
        plan.reason = f"process instance {row.id} is {row.status}"
    elif target is None:
        plan.reason = f"version {to_version} of {row.process_id!r} is not deployed"
    elif to_version <= plan.from_version:
        plan.reason = f"version {to_version} is not newer than version {plan.from_version}"
    if plan.reason or target is None:
        return plan, None, None
    plan.to_definition_id = target.id
    spec, subs = specs_for(session, target.id, target.sha256)
    return plan, (spec, subs, target), _fill(plan, wf, spec, subs)


def _version_of(session: Session, definition_id: int) -> int:
    return session.scalar(select(ProcessDefinition.version).where(ProcessDefinition.id == definition_id)) or 0


def plan_migration(session: Session, instance_id: int, to_version: int) -> MigrationPlan:
    """The dry run: what a move to ``to_version`` would move and what cannot (nothing saved)."""
    row = session.get(ProcessInstance, instance_id)
    if row is None:
        raise NotFound(f"process instance {instance_id} does not exist")
    return _plan(session, row, load_workflow(session, row)[0], to_version)[0]


def migrate_instance(session: Session, instance_id: int, to_version: int, *, by: str | None,
                     reason: str = "") -> MigrationPlan:  # fmt: skip
    """Move the instance to ``to_version`` (in the caller's transaction) or raise
    :class:`MigrationRefused` with the plan; recorded as a ``migrate`` action."""
    if session.get(ProcessInstance, instance_id) is None:
        raise NotFound(f"process instance {instance_id} does not exist")

    def act(loaded: Loaded) -> MigrationPlan:
        plan, target, diffs = _plan(session, loaded.row, loaded.wf, to_version)
        if not plan.possible or target is None or diffs is None:
            raise MigrationRefused(plan)
        spec, subs, _ = target
        _move(loaded.wf, spec, subs, *diffs)
        ready[:] = [(str(t.id), t.task_spec) for t in loaded.wf.get_tasks(state=TaskState.READY,
                                                                          manual=True)]  # fmt: skip
        return plan

    ready: list = []
    plan = mutate(session, instance_id, act)
    definition = session.get(ProcessDefinition, plan.to_definition_id)
    assert definition is not None  # found under the lock a moment ago
    session.execute(update(ProcessInstance).where(ProcessInstance.id == instance_id)
                    .values(definition_id=definition.id, definition_sha256=definition.sha256)
                    .execution_options(synchronize_session="fetch"))  # fmt: skip
    _rename_open_rows(session, instance_id, dict(ready))
    note = f"v{plan.from_version} → v{plan.to_version}" + (f": {reason}" if reason else "")
    session.add(InstanceAction(instance_id=instance_id, action="migrate", reason=note[:500],
                               by=by, at=utcnow()))  # fmt: skip
    session.flush()
    return plan


def _move(wf, spec, subs, top, sub_diffs) -> None:
    wf.subprocess_specs = subs
    for sp_id, diff in sub_diffs.items():
        sub = wf.subprocesses[sp_id]
        migrate_workflow(diff, sub, subs[sub.spec.name])
    migrate_workflow(top, wf, spec)


def _rename_open_rows(session: Session, instance_id: int, ready: dict) -> None:
    """Open inbox rows take their task's id, name and lane in the target (the task ids stay)."""
    rows = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                   HumanTask.status == "open"))  # fmt: skip
    for row in rows:
        if (ts := ready.get(row.task_guid)) is not None:
            row.bpmn_id, row.name, row.role = ts.bpmn_id, ts.bpmn_name or ts.bpmn_id, ts.lane
