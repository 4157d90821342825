"""On SQLite the version compare-and-set retries a conflicting save: nothing is lost."""

import threading

from engine_helpers import deploy_file

import engine
from engine.inbox import Grant


def test_concurrent_completions_on_sqlite_lose_nothing(db, es):
    if es.get_bind().dialect.name != "sqlite":
        return  # the PostgreSQL variant lives in tests/integration
    deploy_file(es, "wide.bpmn")
    iid = engine.start_instance(es, "wide", data={"items": list(range(8))})
    items = engine.list_inbox(es, [Grant("sub_operator")])
    barrier, errors = threading.Barrier(len(items)), []

    def work(item):
        with db() as s:
            barrier.wait()
            try:
                engine.complete_task(s, item.id, {"out": item.id}, user="u",
                                     grants=[Grant("sub_operator")])  # fmt: skip
            except Exception as exc:
                errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(i,)) for i in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    es.rollback()
    info = engine.describe_instance(es, iid)
    assert info["status"] == "completed" and len(info["data"]["outs"]) == len(items)
