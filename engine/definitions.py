"""Process definitions (流程定义): deploy a BPMN file as a new version, validate it, list versions."""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Iterable, Sequence

from lxml import etree
from SpiffWorkflow.bpmn.parser.util import BPMN_MODEL_NS
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.connectors import ConnectorRegistry
from engine.documents import SPIFF_NS, Parsed, parse, xml_root
from engine.errors import DeployRefused, NotFound
from engine.models import ProcessDefinition
from engine.script_policy import PolicyViolation, check_source
from engine.serializer import dump_specs, load_specs, spec_cache
from engine.specs import DeferredServiceTask

# Local tag name → mode, for every element whose text SpiffWorkflow evaluates as Python.
EXPRESSION_TAGS = {
    "conditionExpression": "eval", "condition": "eval", "timeDuration": "eval",
    "timeDate": "eval", "timeCycle": "eval", "loopCardinality": "eval",
    "completionCondition": "eval", "loopCondition": "eval", "messagePayload": "eval",
    "formalExpression": "eval", "messagePath": "eval", "script": "exec", "preScript": "exec", "postScript": "exec",
}  # fmt: skip


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
    for spec in [parsed.spec, *filter(None, parsed.subprocess_specs.values())]:
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


def check_decisions(dmn: Iterable[str]) -> list[tuple[str | None, str]]:
    """Script-policy problems in DMN decision tables: input expressions, input entries (a
    comparison such as ``< 10`` is checked as ``v < 10``, as the DMN engine runs it), outputs."""
    problems = []
    for text in dmn:
        for node in xml_root(text).iter():
            if not isinstance(node.tag, str) or etree.QName(node).localname != "text":
                continue
            source, owner = (node.text or "").strip(), node.getparent()
            if not source or owner is None:
                continue
            kind = etree.QName(owner).localname
            sources = [source, f"v {source}"] if kind == "inputEntry" else [source]
            errors = []
            for candidate in sources:
                try:
                    check_source(candidate.replace("?", "v"), "eval")
                    break
                except PolicyViolation as exc:
                    errors.append(exc)
            else:
                problems.append((owner.get("id"), f"script policy: {errors[0]}"))
    return problems


def resolve_calls(session: Session | None, parsed: Parsed, root) -> tuple[dict, list]:
    """Fill in the processes called from other files with their stored versions (the pinned
    one, else the newest); (process id → version bound, problems)."""
    bound, problems = {}, []
    callers = {n.get("calledElement"): n.get("id")
               for n in root.iter(f"{{{BPMN_MODEL_NS}}}callActivity")}  # fmt: skip
    for name, pinned in parsed.calls.items():
        query = select(ProcessDefinition).where(ProcessDefinition.process_id == name)
        query = (query.where(ProcessDefinition.version == pinned) if pinned else
                 query.order_by(ProcessDefinition.version.desc()).limit(1))  # fmt: skip
        found = session.scalar(query) if session is not None else None
        if found is None:
            which = f"version {pinned} of process {name!r}" if pinned else f"process {name!r}"
            problems.append((callers.get(name), f"calls {which}, which is neither in this file "
                                                "nor deployed"))  # fmt: skip
            continue
        spec, subs = load_specs(found.spec_json)
        parsed.subprocess_specs[name] = spec
        for key, sub in subs.items():
            parsed.subprocess_specs.setdefault(key, sub)
        bound[name] = found.version
    return bound, problems


def check_all(xml: str | bytes, *, known_roles: Iterable[str] | None,
              connectors: ConnectorRegistry, process_id: str | None = None,
              dmn: Sequence[str | bytes] = (),
              session: Session | None = None) -> tuple[Parsed, dict]:  # fmt: skip
    """Every deploy check: (the parsed process, its bound calls), or DeployRefused."""
    parsed, root = parse(xml, process_id, dmn)
    bound, problems = resolve_calls(session, parsed, root)
    roles = set(known_roles) if known_roles is not None else None
    problems += check_scripts(root) + check_decisions(parsed.dmn)
    problems += check_specs(parsed, roles, connectors)
    if problems:
        raise DeployRefused(problems)
    return parsed, bound


def validate(xml: str | bytes, *, known_roles: Iterable[str] | None,
             connectors: ConnectorRegistry, process_id: str | None = None,
             dmn: Sequence[str | bytes] = (), session: Session | None = None) -> Parsed:  # fmt: skip
    """Every check of :func:`deploy`, storing nothing: the parsed process, or DeployRefused.
    Without ``session`` a call activity to a process of another file cannot be resolved."""
    return check_all(xml, known_roles=known_roles, connectors=connectors,
                     process_id=process_id, dmn=dmn, session=session)[0]  # fmt: skip


def _digest(text: str, parsed: Parsed, bound: dict) -> str:
    """sha256 of what runs: the BPMN text, plus its DMN texts and bound calls when it has any."""
    if not parsed.dmn and not bound:
        return hashlib.sha256(text.encode()).hexdigest()
    extra = json.dumps({"dmn": list(parsed.dmn), "calls": bound}, sort_keys=True)
    return hashlib.sha256((text + "\n" + extra).encode()).hexdigest()


def deploy(
    session: Session,
    xml: str | bytes,
    *,
    known_roles: Iterable[str] | None,
    connectors: ConnectorRegistry,
    deployed_by: str | None = None,
    process_id: str | None = None,
    dmn: Sequence[str | bytes] = (),
) -> ProcessDefinition:
    """Validate ``xml`` (with the DMN documents ``dmn``) and store it as the next version of
    its process (flushed, not committed); ``process_id`` names the main process or
    collaboration when the file has several.

    The newest version's own text again stores nothing and returns that version with
    ``unchanged`` set; an older version's text is stored as the next version (it is newest now).
    A call activity to a process of another file binds its newest stored version (or the one
    pinned with the ``calledVersion`` property) into this version's specs.
    Raises :class:`DeployRefused` (and stores nothing) when the XML does not parse or validate,
    a service operator has no registered connector, an expression breaks the script policy,
    a decision or called process is missing, the main process is ambiguous,
    or a user task is in no lane or a lane that is not in ``known_roles``.
    """
    parsed, bound = check_all(xml, known_roles=known_roles, connectors=connectors,
                              process_id=process_id, dmn=dmn, session=session)  # fmt: skip
    text = xml.decode() if isinstance(xml, bytes) else xml
    digest = _digest(text, parsed, bound)
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
        documents_json=json.dumps({"dmn": list(parsed.dmn), "calls": bound},
                                  ensure_ascii=False) if parsed.dmn or bound else None,
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


__all__ = ["Parsed", "deploy", "validate", "list_definitions", "latest_definition", "specs_for", "load_specs"]
