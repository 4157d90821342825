"""Process definitions (流程定义): deploy a BPMN file as a new version, validate it, list versions."""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree
from SpiffWorkflow.bpmn.parser.util import BPMN_MODEL_NS
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.spiff.parser.process import VALIDATOR
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.connectors import ConnectorRegistry
from engine.errors import DeployRefused, NotFound
from engine.models import ProcessDefinition
from engine.script_policy import PolicyViolation, check_source
from engine.serializer import dump_specs, load_specs, spec_cache
from engine.specs import DeferredServiceTask, EngineParser

SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"

# Local tag name → mode, for every element whose text SpiffWorkflow evaluates as Python.
EXPRESSION_TAGS = {
    "conditionExpression": "eval", "condition": "eval", "timeDuration": "eval",
    "timeDate": "eval", "timeCycle": "eval", "loopCardinality": "eval",
    "completionCondition": "eval", "loopCondition": "eval", "messagePayload": "eval",
    "formalExpression": "eval", "messagePath": "eval", "script": "exec", "preScript": "exec", "postScript": "exec",
}  # fmt: skip


@dataclass(frozen=True)
class Parsed:
    """The result of parsing one BPMN document for one process."""

    process_id: str
    name: str | None
    spec: object
    subprocess_specs: dict


def _element_id(node) -> str | None:
    """Id of the nearest enclosing BPMN element (spiff extension ids are parameter names)."""
    while node is not None:
        if isinstance(node.tag, str) and node.tag.startswith(f"{{{BPMN_MODEL_NS}}}"):
            if node.get("id"):
                return node.get("id")
        node = node.getparent()
    return None


def iter_expressions(root) -> Iterable[tuple[str | None, str, str]]:
    """(element id, source, mode) of every expression or script in a parsed BPMN tree."""
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        local = etree.QName(node).localname
        if local == "parameter" and node.tag == f"{{{SPIFF_NS}}}parameter":
            if node.get("value"):
                yield _element_id(node), node.get("value"), "eval"
        elif local in EXPRESSION_TAGS and (node.text or "").strip():
            yield _element_id(node), node.text, EXPRESSION_TAGS[local]


TIMER_TAGS = {"timeDuration": "duration", "timeDate": "date", "timeCycle": "cycle"}
_ISO_LOOKALIKE = re.compile(r"^(R\d*/)?P(T?\d|\d)", re.IGNORECASE)


def check_timer(kind: str, source: str) -> str | None:
    """What is wrong with a timer's expression, if it can tell at deploy: an unquoted ISO
    literal (``PT10S`` reads as a variable name), or a quoted one that does not parse."""
    try:
        tree = ast.parse(source.strip(), mode="eval").body
    except SyntaxError:
        return None  # the script policy reports it
    if isinstance(tree, ast.Name) and _ISO_LOOKALIKE.match(tree.id):
        return f"timer {source.strip()!r} must be a quoted string: '{source.strip()}'"
    if not (isinstance(tree, ast.Constant) and isinstance(tree.value, str)):
        return None  # computed at run time
    parse_value = {"duration": TimerEventDefinition.parse_iso_duration,
                   "date": TimerEventDefinition.get_datetime,
                   "cycle": TimerEventDefinition.parse_iso_recurring_interval}[kind]  # fmt: skip
    try:
        parse_value(tree.value)
    except Exception as exc:  # each parser raises its own kind
        return f"timer {kind} {tree.value!r} is not ISO 8601: {exc}"
    return None


def check_scripts(root) -> list[tuple[str | None, str]]:
    """Script-policy and timer-literal problems (element id, reason) in a BPMN tree."""
    problems = []
    for element_id, source, mode in iter_expressions(root):
        try:
            check_source(source, mode)
        except PolicyViolation as exc:
            problems.append((element_id, f"script policy: {exc}"))
    for node in root.iter():
        if isinstance(node.tag, str) and etree.QName(node).localname in TIMER_TAGS:
            problem = check_timer(TIMER_TAGS[etree.QName(node).localname], node.text or "")
            if problem and (node.text or "").strip():
                problems.append((_element_id(node), problem))
    return problems


def _all_task_specs(parsed: Parsed):
    seen = set()
    for spec in [parsed.spec, *parsed.subprocess_specs.values()]:
        for ts in spec.task_specs.values():
            bpmn_id = getattr(ts, "bpmn_id", None)
            if bpmn_id and bpmn_id not in seen:
                seen.add(bpmn_id)
                yield ts


def check_specs(parsed: Parsed, known_roles, connectors: ConnectorRegistry):
    """Lane and connector problems (element id, reason) in parsed specs."""
    problems = []
    for ts in _all_task_specs(parsed):
        if getattr(ts, "manual", False) and known_roles is not None:
            if not ts.lane:
                problems.append((ts.bpmn_id, "user task is in no lane"))
            elif ts.lane not in known_roles:
                problems.append((ts.bpmn_id, f"lane {ts.lane!r} is not a known role"))
        if isinstance(ts, DeferredServiceTask) and ts.operation_name not in connectors:
            problems.append((ts.bpmn_id, f"no connector registered for {ts.operation_name!r}"))
    return problems


def parse(xml: str | bytes, process_id: str | None = None) -> tuple[Parsed, object]:
    """Parse and validate BPMN text; return the process's specs and the XML tree."""
    data = xml.encode() if isinstance(xml, str) else xml
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        parser = EngineParser(validator=VALIDATOR)
        parser.add_bpmn_xml(root, filename="diagram.bpmn")
        ids = parser.get_process_ids()
        pid = process_id or _main_process(root, ids)
        spec = parser.get_spec(pid)
        subs = parser.get_subprocess_specs(pid)
    except ValidationException as exc:
        raise DeployRefused([(exc.id or None, f"invalid BPMN: {exc}")]) from None
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise DeployRefused([(None, f"XML does not parse: {exc}")]) from None
    return Parsed(pid, spec.description, spec, subs), root


def _main_process(root, ids: list[str]) -> str:
    """The executable process no call activity calls (the file's entry point)."""
    called = {n.get("calledElement") for n in root.iter(f"{{{BPMN_MODEL_NS}}}callActivity")}
    candidates = [pid for pid in ids if pid not in called]
    if len(candidates) != 1:
        raise DeployRefused([(None, f"cannot tell the main process among {ids}; name one")])
    return candidates[0]


def validate(xml: str | bytes, *, known_roles: Iterable[str] | None,
             connectors: ConnectorRegistry, process_id: str | None = None) -> Parsed:  # fmt: skip
    """Every check of :func:`deploy`, storing nothing: the parsed process, or DeployRefused."""
    parsed, root = parse(xml, process_id)
    roles = set(known_roles) if known_roles is not None else None
    problems = check_scripts(root) + check_specs(parsed, roles, connectors)
    if problems:
        raise DeployRefused(problems)
    return parsed


def deploy(
    session: Session,
    xml: str | bytes,
    *,
    known_roles: Iterable[str] | None,
    connectors: ConnectorRegistry,
    deployed_by: str | None = None,
    process_id: str | None = None,
) -> ProcessDefinition:
    """Validate ``xml`` and store it as the next version of its process (flushed, not committed).

    The newest version's own text again stores nothing and returns that version with
    ``unchanged`` set; an older version's text is stored as the next version (it is newest now).
    Raises :class:`DeployRefused` (and stores nothing) when the XML does not parse or validate,
    a service operator has no registered connector, an expression breaks the script policy,
    or a user task is in no lane or a lane that is not in ``known_roles``.
    """
    parsed = validate(xml, known_roles=known_roles, connectors=connectors, process_id=process_id)
    text = xml.decode() if isinstance(xml, bytes) else xml
    digest = hashlib.sha256(text.encode()).hexdigest()
    newest = session.scalar(
        select(ProcessDefinition).where(ProcessDefinition.process_id == parsed.process_id)
        .order_by(ProcessDefinition.version.desc()).limit(1)
    )  # fmt: skip
    if newest is not None and newest.sha256 == digest:  # the newest already: nothing to do
        newest.unchanged = True
        return newest
    # A text equal to an older version becomes the newest again, as a new version.
    definition = ProcessDefinition(
        process_id=parsed.process_id,
        name=parsed.name,
        version=(newest.version if newest else 0) + 1,
        bpmn_xml=text,
        spec_json=dump_specs(parsed.spec, parsed.subprocess_specs),
        sha256=digest,
        deployed_by=deployed_by,
        deployed_at=utcnow(),
    )
    session.add(definition)
    session.flush()
    return definition


def list_definitions(session: Session, process_id: str | None = None) -> list[ProcessDefinition]:
    """All deployed versions, newest first (optionally of one process)."""
    query = select(ProcessDefinition).order_by(
        ProcessDefinition.process_id, ProcessDefinition.version.desc()
    )
    if process_id:
        query = query.where(ProcessDefinition.process_id == process_id)
    return list(session.scalars(query))


def latest_definition(session: Session, process_id: str) -> ProcessDefinition:
    """The newest version of ``process_id``; new instances start on it."""
    definition = session.scalar(
        select(ProcessDefinition)
        .where(ProcessDefinition.process_id == process_id)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    )
    if definition is None:
        raise NotFound(f"process {process_id!r} is not deployed")
    return definition


def specs_for(session: Session, definition_id: int, sha256: str):
    """(spec, subprocess_specs) of a definition, from the cache when possible."""

    def load_json():
        definition = session.get(ProcessDefinition, definition_id)
        if definition is None:
            raise NotFound(f"definition {definition_id} does not exist")
        return definition.spec_json

    # Rows never change, but ids repeat across databases and after a truncate: key on content.
    bind = session.get_bind()
    url = bind.engine.url  # an Engine or a Connection: both know their engine
    return spec_cache.get((str(url), definition_id, sha256), load_json)


__all__ = ["deploy", "validate", "list_definitions", "latest_definition", "specs_for", "load_specs"]
