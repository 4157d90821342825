"""The documents of one deploy (部署文件): a BPMN file, the DMN files its business rule tasks
use, and the processes its call activities take from other deployed files.

Which process is the main one: the ``main`` the deployer names (a process id or a
collaboration id), else the only executable process no call activity calls, else the file's
one collaboration when its pools are exactly those processes (all pools run together in one
instance).  Anything else is ambiguous and refused with the candidates named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.util import BPMN_MODEL_NS
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import VALIDATOR

from engine.errors import DeployRefused
from engine.specs import EngineParser

SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
# A call activity pins the version of a process from another file with this spiff property.
VERSION_PROPERTY = "calledVersion"
_XML = etree.XMLParser(resolve_entities=False, no_network=True)


@dataclass(frozen=True)
class Parsed:
    """The result of parsing one deploy's documents for one process."""

    process_id: str
    name: str | None
    spec: object
    subprocess_specs: dict
    # Processes called from other files: process id → pinned version (None: the newest).
    calls: dict = field(default_factory=dict)
    dmn: tuple[str, ...] = ()  # the DMN texts the process uses, in the order given


def xml_root(data: str | bytes):
    """The parsed XML tree of a document (entities and network refused)."""
    return etree.fromstring(data.encode() if isinstance(data, str) else data, _XML)


def is_dmn(data: str | bytes) -> bool:
    """Whether a document is DMN (its root is in a DMN namespace), not BPMN."""
    try:
        return "/DMN/" in etree.QName(xml_root(data)).namespace.upper()
    except (etree.XMLSyntaxError, ValueError, AttributeError):
        return False


def _decision_refs(root) -> dict[str, str]:
    """Decision id → id of the business rule task that calls it."""
    refs = {}
    for task in root.iter(f"{{{BPMN_MODEL_NS}}}businessRuleTask"):
        ref = task.find(f".//{{{SPIFF_NS}}}calledDecisionId")
        if ref is not None and (ref.text or "").strip():
            refs[ref.text.strip()] = task.get("id")
    return refs


def _decision_ids(dmn_root) -> set[str]:
    return {n.get("id") for n in dmn_root.iter() if etree.QName(n).localname == "decision"}


def _add_dmn(parser: EngineParser, root, dmn: Sequence[str | bytes]) -> tuple[str, ...]:
    """Add the DMN documents that hold a decision the BPMN calls; refuse a missing one."""
    refs, used, found = _decision_refs(root), [], set()
    for number, text in enumerate(dmn, 1):
        dmn_root = xml_root(text)
        ids = _decision_ids(dmn_root)
        if ids & set(refs):
            parser.add_dmn_xml(dmn_root, filename=f"decision{number}.dmn")
            used.append(text.decode() if isinstance(text, bytes) else text)
            found |= ids
    missing: list[tuple[str | None, str]] = [(task, f"decision {ref!r} is in none of the DMN files deployed with it")
               for ref, task in refs.items() if ref not in found]  # fmt: skip
    if missing:
        raise DeployRefused(missing)
    return tuple(used)


def called_versions(root) -> dict[str, int | None]:
    """Process id → pinned version of every call activity (None: the newest)."""
    calls: dict[str, int | None] = {}
    for node in root.iter(f"{{{BPMN_MODEL_NS}}}callActivity"):
        pin = node.find(f".//{{{SPIFF_NS}}}property[@name='{VERSION_PROPERTY}']")
        value = (pin.get("value") or "").strip() if pin is not None else ""
        if value and not value.isdigit():
            raise DeployRefused([(node.get("id"), f"{VERSION_PROPERTY} {value!r} is not a "
                                                  "version number")])  # fmt: skip
        version = int(value) if value else None
        if calls.get(node.get("calledElement"), version) != version:
            raise DeployRefused([(node.get("id"), "two call activities pin different versions of "
                                                  f"{node.get('calledElement')!r}")])  # fmt: skip
        calls[node.get("calledElement")] = version
    return calls


def main_process(parser: EngineParser, root, main: str | None) -> str:
    """The process (or collaboration) this deploy stores; see the module docstring."""
    ids = parser.get_process_ids()
    if main:
        if main not in ids and main not in parser.collaborations:
            raise DeployRefused(
                [
                    (
                        None,
                        f"{main!r} is neither a process nor a collaboration of "
                        f"this file: {', '.join(ids + list(parser.collaborations))}",
                    )
                ]
            )
        return main  # fmt: skip
    called = {n.get("calledElement") for n in root.iter(f"{{{BPMN_MODEL_NS}}}callActivity")}
    candidates = [pid for pid in ids
                  if pid not in called and parser.get_process_parser(pid).process_executable]  # fmt: skip
    if len(candidates) == 1:
        return candidates[0]
    pools = [cid for cid, refs in parser.collaborations.items()
             if {r for r in refs if r in candidates} == set(candidates)]  # fmt: skip
    if len(pools) == 1 and candidates:
        return pools[0]
    options = candidates + pools
    raise DeployRefused([(None, "cannot tell the main process: candidates "
                                f"{', '.join(options) or '(none executable)'}; name one as the main "
                                "process")])  # fmt: skip


def parse(xml: str | bytes, main: str | None = None,
          dmn: Sequence[str | bytes] = ()) -> tuple[Parsed, object]:  # fmt: skip
    """Parse and validate a BPMN document with its DMN documents; (parsed, the BPMN tree).

    ``subprocess_specs`` holds ``None`` for a process called from another file: the deploy
    fills it in from that file's stored version (:attr:`Parsed.calls`).
    """
    try:
        root = xml_root(xml)
        parser = EngineParser(validator=VALIDATOR)
        parser.add_bpmn_xml(root, filename="diagram.bpmn")
        used = _add_dmn(parser, root, dmn)
        pid = main_process(parser, root, main)
        if pid in parser.collaborations:
            spec, subs = parser.get_collaboration(pid)
        else:
            spec = parser.get_spec(pid)
            subs = parser.get_subprocess_specs(pid, require_call_activity_specs=False)
    except ValidationException as exc:
        raise DeployRefused([(exc.id or None, f"invalid BPMN: {exc}")]) from None
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise DeployRefused([(None, f"XML does not parse: {exc}")]) from None
    pins = called_versions(root)
    calls = {name: pins.get(name) for name, sub in subs.items() if sub is None}
    return Parsed(pid, spec.description, spec, subs, calls, used), root
