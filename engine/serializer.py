"""Serialization of specs and instance state (状态序列化).

An instance's state is stored without its spec: the spec is stored once per process version
and restored from a per-process cache, which also saves half of every load.  ``Decimal``,
``date`` and ``datetime`` in task data round-trip through registered converters.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.bpmn.serializer.migration.version_migration import MIGRATIONS
from SpiffWorkflow.bpmn.serializer.workflow import VERSION
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG as SPIFF_CONFIG
from SpiffWorkflow.spiff.serializer.task_spec import ServiceTaskConverter

from engine.specs import DeferredServiceTask

SERIALIZER_VERSION = VERSION


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Workflow converter that leaves the spec out and takes it back in as an argument."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_VALUE_TYPES = (Decimal, date, datetime, UUID, timedelta)


def _build_registry():
    config = dict(SPIFF_CONFIG)
    config[DeferredServiceTask] = ServiceTaskConverter
    config[BpmnWorkflow] = SpeclessWorkflowConverter
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda d: Decimal(d["value"]))
    registry.register(
        date, lambda v: {"value": v.isoformat()}, lambda d: date.fromisoformat(d["value"])
    )
    return registry


class _Codec:
    """A registry and its JSON encoder; one per thread (the registry carries a mode flag)."""

    def __init__(self):
        self.registry = _build_registry()
        self.encoder = create_encoder(self.registry)
        # Values the encoder writes as typed dicts (Decimal, date, datetime, UUID, timedelta):
        # the exactness check reads them back as values to compare them with the originals.
        names = [self.registry.typenames[t] for t in _VALUE_TYPES]
        self._values = {name: self.registry.convert_from_dict[name] for name in names}
        self._markers = [json.dumps({"typename": name})[1:-1] for name in names]

    def _value_hook(self, dct: dict):
        restore = self._values.get(dct.get("typename"))
        return restore(dct) if restore is not None else dct

    def _restores_exactly(self, text: str, converted) -> bool:
        """Whether ``text`` reads back as ``converted`` (a hook per JSON object costs as much
        as half the dump: it runs only when the text holds a typed value at all)."""
        typed = any(marker in text for marker in self._markers)
        return json.loads(text, object_hook=self._value_hook if typed else None) == converted

    def dumps(self, obj) -> str:
        return self.dumps_exact(obj)[0]

    def dumps_exact(self, obj, check: bool = False) -> tuple[str, bool]:
        """JSON text of ``obj`` and, with ``check``, whether loading it gives back exactly what
        was converted (False when JSON changed something: int keys, tuples, NaN)."""
        self.registry._encoder_mode = True
        try:
            converted = self.registry.convert(obj)
            text = json.dumps(converted, cls=self.encoder, ensure_ascii=False)
        finally:
            self.registry._encoder_mode = False
        return text, check and self._restores_exactly(text, converted)


_local = threading.local()


def _codec() -> _Codec:
    codec = getattr(_local, "codec", None)
    if codec is None:
        codec = _local.codec = _Codec()
    return codec


def registry():
    """This thread's serializer registry (SpiffWorkflow's diff compares specs through it)."""
    return _codec().registry


def dump_value(value) -> str:
    """JSON text of a value that may hold Decimal, date, datetime (connector params, payloads)."""
    return _codec().dumps(value)


def load_value(text: str | None):
    """Inverse of :func:`dump_value`."""
    if text is None:
        return None
    return _codec().registry.restore(json.loads(text))


def dump_specs(spec, subprocess_specs) -> str:
    """JSON text of a process spec and the specs of its subprocesses and call activities."""
    return dump_value({"spec": spec, "subprocess_specs": subprocess_specs})


def load_specs(text: str):
    """(spec, subprocess_specs) from :func:`dump_specs` text."""
    dct = load_value(text)
    return dct["spec"], dct["subprocess_specs"]


def dump_state(workflow: BpmnWorkflow) -> str:
    """JSON text of an instance's state without its spec."""
    return dump_value(workflow)


def dump_state_exact(workflow: BpmnWorkflow, check: bool = True) -> tuple[str, bool]:
    """:func:`dump_state` and whether the text restores exactly the data the workflow holds
    (a JSON round trip turns int keys into strings and tuples into lists; a live workflow
    holding such data must not stand in for a loaded one).  ``check=False`` skips the check
    (for a workflow that will not be kept) and says False."""
    return _codec().dumps_exact(workflow, check=check)


def load_state(text: str, spec, subprocess_specs, version: str = SERIALIZER_VERSION):
    """A workflow restored from :func:`dump_state` text onto an already-built spec."""
    dct = json.loads(text)
    if version in MIGRATIONS:
        MIGRATIONS[version](dct)
    return _codec().registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)


class SpecCache:
    """Built specs per (database, definition id), bounded (specs are read-only once built)."""

    def __init__(self, size: int = 64):
        self.size = size
        self._items: OrderedDict[tuple, tuple] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, spec_json_loader):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        specs = load_specs(spec_json_loader())
        with self._lock:
            self._items[key] = specs
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return specs


spec_cache = SpecCache()
