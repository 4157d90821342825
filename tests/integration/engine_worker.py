"""A job-executor process for the PostgreSQL engine tests (run as a script, not collected).

Registers ``test/Effect``: records the call in ``engine_test_call`` and the external effect in
``engine_test_effect`` keyed by the idempotency key (ON CONFLICT DO NOTHING); with CRASH_MARKER
set it then writes the marker file and hangs, to be killed with SIGKILL.
"""

import os
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from engine.connectors import ConnectorRegistry
from engine.executor import run_due_jobs
from engine.node import start_node
from engine.settings import configure


def effect_connector(bind, crash_marker):
    def connector(params, ctx):
        with bind.begin() as conn:
            conn.execute(sa.text("INSERT INTO engine_test_call (key) VALUES (:k)"),
                         {"k": ctx.idempotency_key})  # fmt: skip
            conn.execute(
                sa.text("INSERT INTO engine_test_effect (key) VALUES (:k) ON CONFLICT DO NOTHING"),
                {"k": ctx.idempotency_key},
            )
        if crash_marker:
            Path(crash_marker).write_text(ctx.idempotency_key)
            time.sleep(600)
        return {"done": params["n"]}

    return connector


def main(url: str) -> None:
    idle_polls = int(os.environ.get("IDLE_POLLS", "3"))
    configure(lease_seconds=int(os.environ.get("LEASE_SECONDS", "300")))
    bind = sa.create_engine(url, pool_size=2)
    connectors = ConnectorRegistry()
    connectors.register("test/Effect", effect_connector(bind, os.environ.get("CRASH_MARKER")))
    idle = 0
    with sessionmaker(bind)() as session:
        if os.environ.get("NODE_ID"):
            start_node(session, os.environ["NODE_ID"], Path(os.environ["NODE_DIR"]))
        while idle < idle_polls:
            if run_due_jobs(session, connectors, limit=int(os.environ.get("BATCH", "10"))):
                idle = 0
            else:
                idle += 1
                time.sleep(0.3)


if __name__ == "__main__":
    main(sys.argv[1])
