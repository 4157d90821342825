"""The script engine and workflow construction (运行时): restricted evaluation, deferred
service calls, and building a workflow from a stored definition and state.
"""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine.script_policy import GUARDS, SAFE_BUILTINS, bounded_code, run_bounded


class SafeEnvironment(TaskDataEnvironment):
    """TaskDataEnvironment that re-checks the policy, hides the real builtins, and runs the
    guarded code under a budget of size, steps and time (``engine.script_policy``)."""

    def __init__(self):
        super().__init__({"__builtins__": SAFE_BUILTINS, **GUARDS})

    def evaluate(self, expression, context, external_context=None):
        code = bounded_code(expression, "eval")
        return run_bounded(lambda: super(SafeEnvironment, self).evaluate(
            code, context, external_context))  # fmt: skip

    def execute(self, script, context, external_context=None):
        code = bounded_code(script, "exec")
        return run_bounded(lambda: super(SafeEnvironment, self).execute(
            code, context, external_context))  # fmt: skip


@dataclass
class ServiceCall:
    """A service call requested during engine steps, to be recorded as a job."""

    task_guid: str
    operation: str
    params: dict
    max_attempts: int | None
    backoff_base: int | None


class EngineScriptEngine(PythonScriptEngine):
    """Script engine for one mutation: collects service calls instead of running them."""

    def __init__(self):
        super().__init__(environment=SafeEnvironment())
        self.service_calls: list[ServiceCall] = []

    def call_service(self, task, operation_name=None, operation_params=None, **_):
        spec = task.task_spec
        params = {name: p["value"] for name, p in (operation_params or {}).items()}
        self.service_calls.append(
            ServiceCall(
                task_guid=str(task.id),
                operation=operation_name,
                params=params,
                max_attempts=(spec.retries + 1) if spec.retries is not None else None,
                backoff_base=spec.retry_backoff_base,
            )
        )


def new_workflow(spec, subprocess_specs, data: dict | None = None) -> BpmnWorkflow:
    """A fresh workflow with ``data`` seeded on its start task and a script engine attached."""
    wf = BpmnWorkflow(spec, subprocess_specs, script_engine=EngineScriptEngine())
    if data:
        wf.get_next_task(state=TaskState.READY).data.update(data)
    return wf


def attach_engine(wf: BpmnWorkflow) -> EngineScriptEngine:
    """Re-attach a fresh script engine after a load (the engine is not serialized)."""
    engine = EngineScriptEngine()
    wf.script_engine = engine
    return engine
