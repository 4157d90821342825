"""Spec classes and the parser the engine uses on top of SpiffWorkflow's spiff flavour."""

from __future__ import annotations

from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import ServiceTaskParser
from SpiffWorkflow.spiff.specs.defaults import ServiceTask


class DeferredServiceTask(ServiceTask):
    """A service task that records a job and stays STARTED until the executor completes it.

    The library's ServiceTask calls the connector inside ``do_engine_steps`` (inside the
    instance lock); returning None from ``_execute`` makes Spiff mark the task STARTED instead.
    """

    def _execute(self, task):
        task.workflow.script_engine.call_service(
            task,
            operation_name=self.operation_name,
            operation_params=self.evaluate_params(task),
        )
        return None


class EngineParser(SpiffBpmnParser):
    """SpiffBpmnParser with service tasks mapped to :class:`DeferredServiceTask`."""

    # Copied, never mutated in place: spiff-arena's in-place edit of the module dict leaks.
    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (ServiceTaskParser, DeferredServiceTask),
    }
