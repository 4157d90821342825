"""Helpers for engine tests: roles, fake connectors, deploy, inbox shortcuts, round-trip check."""

import json
from pathlib import Path

import engine
from engine.connectors import ConnectorRegistry
from engine.inbox import Grant
from engine.instances import get_instance, load_instance
from engine.serializer import dump_state

DIAGRAMS = Path(__file__).parent / "diagrams"
ROLES = (
    "gc_manager gc_operator sub_manager sub_operator gc_enterprise worker signin_officer "
    "process_admin"
).split()
ALL_GRANTS = [Grant(role) for role in ROLES]


# The connectors of the engine tests: the ``fakes`` fixture fills it with fakes under the real
# operator ids and empties it afterwards (an app test builds its own wiring instead).
REGISTRY = ConnectorRegistry()


class Committing:
    """The engine API with a commit after each call: the engine never commits, so each call is
    the test's unit of work (rolled back when it raises)."""

    def __getattr__(self, name):
        fn = getattr(engine, name)

        def call(session, *args, **kwargs):
            if name == "deploy":
                kwargs.setdefault("connectors", REGISTRY)
            if name == "run_due_jobs" and not args:
                args = (REGISTRY,)
            try:
                result = fn(session, *args, **kwargs)
                session.commit()
                return result
            except BaseException:
                session.rollback()
                raise

        return call


tx = Committing()


class FakeConnectors:
    """Registers fakes under real operator ids; records calls; answers from ``answers``."""

    def __init__(self, registry: ConnectorRegistry = REGISTRY):
        self.calls = []
        self.answers = {}
        self.registry = registry

    def register(self, *operations):
        for op in operations:
            self.registry.register(op, self._make(op))

    def _make(self, op):
        def connector(params, ctx):
            self.calls.append((op, params, ctx))
            answer = self.answers.get(op, {"ok": True})
            return answer(params, ctx) if callable(answer) else answer

        return connector

    def ops(self):
        return [op for op, _, _ in self.calls]


def deploy_file(session, name, **kw):
    return tx.deploy(session, (DIAGRAMS / name).read_text(), known_roles=ROLES, **kw)


def open_tasks(session, grants=ALL_GRANTS, **kw):
    return engine.list_inbox(session, grants, **kw)


def complete(session, item, data=None, grants=ALL_GRANTS, user="tester"):
    tx.complete_task(session, item.id, data or {}, user=user, grants=grants)


def the_task(session, bpmn_id, **kw):
    items = [i for i in open_tasks(session, **kw) if i.bpmn_id == bpmn_id]
    assert len(items) == 1, [i.bpmn_id for i in open_tasks(session)]
    return items[0]


def drain(session, rounds=20):
    """Run due jobs until none are due."""
    for _ in range(rounds):
        if not tx.run_due_jobs(session):
            return


def assert_roundtrip(session, instance_id):
    """The stored state loads and serializes back to the same text (save/load is lossless)."""
    stored = json.loads(get_instance(session, instance_id).state_json)
    assert json.loads(dump_state(load_instance(session, instance_id))) == stored
    session.rollback()


def status(session, instance_id):
    session.rollback()
    return engine.describe_instance(session, instance_id)["status"]


def complete_concurrently(factory, items, grants):
    """Complete every inbox item from its own thread and session, all released at once;
    returns the errors that surfaced (there must be none)."""
    import threading

    barrier, errors = threading.Barrier(len(items)), []

    def work(item):
        with factory() as s:
            barrier.wait()
            try:
                complete_retrying(s, item, grants)
            except Exception as exc:  # any error surfacing to a user fails the test
                errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(i,)) for i in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def complete_retrying(session, item, grants):
    """One user's completion as a unit of work: run again on a concurrent update."""
    for _ in range(50):
        try:
            tx.complete_task(session, item.id, {"out": item.id}, user=f"u{item.id}",
                             grants=grants)  # fmt: skip
            return
        except engine.ConcurrentUpdate:
            continue
    raise AssertionError("kept conflicting")


def wait_until_completed(session, instance_id, seconds=10):
    """Poll until the instance completes (background executors), or time out."""
    import time

    deadline = time.time() + seconds
    while status(session, instance_id) != "completed" and time.time() < deadline:
        time.sleep(0.05)
    return status(session, instance_id)
