"""Schemathesis against the app in-process (WSGI, no server), logged in as one role.

Each operation of /api/openapi.json gets generated requests, valid ones (positive) and ones
that break its schema (negative: wrong JSON types, a missing field, a body that is no object),
half of them with the path ids of real objects (project 1, an open task of the role, a process
instance), so that the handlers behind the 404 are reached too. Each answer is checked: no 5xx
(nor an exception out of the app), a status the description lists, its content type, its
schema, and a 4xx for a request that breaks the schema. Used by tests/web/test_api_fuzz.py
(bounded, derandomized) and tools/fuzz_api.py (longer runs).
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

import engine
from domain.access import load_actor
from domain.model import User
from services.processes import deploy_diagram
from services.tasks import engine_grants
from tests.login_helpers import log_in_directly
from web.extensions import db
from web.runtime import uow

DIAGRAM = Path(__file__).parent / "diagrams" / "site_review.bpmn"

# The roles that use the API, by demo login.
ROLES = {"worker": "w001", "officer": "w004", "gc_manager": "gc_pm", "admin": "admin"}
_TASKS = ("/api/tasks", "/api/tasks/{human_task_id}", "/api/tasks/{human_task_id}/complete")
_PERSON = ("/api/signin/code", "/api/signin/me/attendance", "/api/signin/worker-scan")
# The operations each role uses (the bounded test's; any other answers it 403, which
# tests/web/test_route_access.py shows): a longer run takes every operation for every role.
USES = {
    "worker": (*_PERSON, "/api/signin/ranges", *_TASKS, "/api/ping"),
    "officer": (*_PERSON, "/api/signin/projects/{project_id}/officer-scan", *_TASKS),
    "gc_manager": ("/api/signin/projects/{project_id}/point",
                   "/api/signin/projects/{project_id}/point-test",
                   "/api/signin/projects/{project_id}/attendance",
                   "/api/projects/{project_id}/assignments", *_TASKS, "/api/openapi.json"),
    "admin": ("/api/instances", "/api/instances/{instance_id}",
              *(f"/api/instances/{{instance_id}}/{a}" for a in ("suspend", "resume", "terminate")),
              "/api/definitions", "/api/definitions/validate", *_TASKS),
}  # fmt: skip
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]  # fmt: skip
NEGATIVE_CHECKS = [*CHECKS, negative_data_rejection]
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
# The login cookie is the session (no generated one); NUL is refused before any view anyway.
CONFIG = {"generation": {"with-security-parameters": False, "allow-x00": False}}


@dataclass
class Tally:
    """What one role's run found."""

    cases: int = 0
    server_errors: int = 0
    failures: list[str] = field(default_factory=list)  # one line per failing case
    statuses: Counter = field(default_factory=Counter)  # (operation, status) → answers

    def add(self, other: "Tally") -> None:
        self.cases += other.cases
        self.server_errors += other.server_errors
        self.failures += other.failures
        self.statuses += other.statuses


def start_processes(app, count: int = 3) -> None:
    """Running instances of a small diagram (tests/web/diagrams/site_review.bpmn, first task
    for the GC side of project 1), so that the task and instance routes have real objects."""
    with app.app_context():
        deploy_diagram(uow(), DIAGRAM.read_text(), by="fuzz")
        for n in range(count):
            engine.start_instance(db.session, "site_review", business_key=f"FUZZ-{n}",
                                  data={"project_id": 1, "area": f"{n + 1}号楼"})  # fmt: skip
        db.session.commit()
        db.session.remove()


def known_ids(app, username: str) -> dict:
    """Path ids of real objects for the role: project 1, its first open task, an instance."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        inbox = engine.list_inbox(db.session, engine_grants(load_actor(db.session, user)))
        instances = engine.list_instances(db.session)
        ids = {"project_id": 1, "instance_id": instances[-1].id if instances else 1,
               "human_task_id": inbox[0].id if inbox else 1}  # fmt: skip
        db.session.remove()
    return ids


def fuzz_role(app, username: str, per_operation: int, *, paths=None,
              fixed_seed: int | None = None, modes=MODES,
              on_case: Callable[[str, int], None] | None = None) -> Tally:  # fmt: skip
    """About ``per_operation`` cases of each operation (of ``paths``; None: all) and mode as
    ``username``; with ``fixed_seed`` the cases come from that seed, else they are
    derandomized (the same every run)."""
    schema = schemathesis.openapi.from_wsgi(
        "/api/openapi.json", app, config=schemathesis.Config.from_dict(CONFIG))
    client = app.test_client()
    log_in_directly(client, app, username)
    ids = known_ids(app, username)
    tally = Tally()
    for result in schema.get_all_operations():
        operation = result.ok()
        if paths is not None and operation.path not in paths:
            continue
        real = {p.name: ids[p.name] for p in operation.path_parameters if p.name in ids}
        for mode in modes if _negatable(operation) else modes[:1]:
            for path_parameters in ([None, real] if real else [None]):
                strategy = operation.as_strategy(generation_mode=mode,
                                                 path_parameters=path_parameters)  # fmt: skip
                checks = NEGATIVE_CHECKS if mode == MODES[1] else CHECKS
                _run(strategy, checks, client, tally, max(1, per_operation // 2), fixed_seed)
        if on_case:
            on_case(operation.label, tally.cases)
    return tally


def _negatable(operation) -> bool:
    """Whether a request can break the operation's schema: it has parameters or a JSON body
    (an XML text or no input at all has nothing to break; the search for it only times out)."""
    json_body = any(b.media_type == "application/json" for b in operation.body)
    return bool(json_body or list(operation.path_parameters) or list(operation.query))


def _run(strategy, checks, client, tally: Tally, examples: int, fixed_seed: int | None) -> None:
    # No shrinking and no example database: each case is tried once and counted.
    @settings(max_examples=examples, derandomize=fixed_seed is None, database=None,
              deadline=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(case=strategy)
    def one(case):
        tally.cases += 1
        try:
            response = case.call(session=client)
        except Exception as err:  # the app raised (TESTING propagates it): a server error
            tally.server_errors += 1
            tally.failures.append(f"{case.operation.label}: {type(err).__name__}: {err}"[:500])
            return
        tally.statuses[case.operation.label, response.status_code] += 1
        if response.status_code >= 500:
            tally.server_errors += 1
        try:
            case.validate_response(response, checks=checks)
        except (Failure, FailureGroup) as err:  # one failing check, or several
            first = [line.strip() for line in str(err).strip().splitlines()[:8] if line.strip()]
            sent = {k: v for k, v in (("path", case.path_parameters), ("query", case.query),
                                      ("body", getattr(case, "body", None))) if v}  # fmt: skip
            tally.failures.append(f"{case.operation.label} [{response.status_code}] "
                                  f"{' / '.join(first)} — sent {sent!r}"[:700])  # fmt: skip

    if fixed_seed is not None:
        one = seed(fixed_seed)(one)
    try:
        one()
    except Unsatisfiable:  # negative mode: nothing in this operation can break its schema
        pass
