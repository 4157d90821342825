"""On SQLite the version compare-and-set retries a conflicting save: nothing is lost."""

from engine_helpers import complete_concurrently, deploy_file, tx

import engine
from engine.inbox import Grant


def test_concurrent_completions_on_sqlite_lose_nothing(db, es):
    if es.get_bind().dialect.name != "sqlite":
        return  # the PostgreSQL variant lives in tests/integration
    deploy_file(es, "wide.bpmn")
    iid = tx.start_instance(es, "wide", data={"items": list(range(8))})
    items = engine.list_inbox(es, [Grant("sub_operator")])
    errors = complete_concurrently(db, items, [Grant("sub_operator")])
    assert errors == []
    es.rollback()
    info = engine.describe_instance(es, iid)
    assert info["status"] == "completed" and len(info["data"]["outs"]) == len(items)
