"""Two nodes, bounded (issue 11 item 9): ``tools/two_nodes.py`` on the suite's PostgreSQL —
two gunicorn processes sharing the database, each with its executor and scheduler; sign-ins,
task completions, due jobs and a scheduled step spread over both.  No 5xx, each sign-in stored
once, each job run once, each tick of the step fired once."""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "tools"))
import two_nodes  # noqa: E402

pytestmark = pytest.mark.postgres


def test_two_nodes_share_the_load_and_run_everything_once(database_url, tmp_path):
    figures = two_nodes.run(os.environ["TEST_DATABASE_URL"], workers=40, makeups=10, seconds=8,
                            work=tmp_path, url=database_url)  # fmt: skip
    assert figures.ok, two_nodes.report(figures)
    assert figures.server_errors == 0 and figures.signed_in == 40 and figures.makeups_done == 10
    assert figures.jobs == {("done", 1): 10}
    assert figures.ticks and max(figures.ticks.values()) == 1
    nodes = {node for node, _, _ in figures.answers}
    assert nodes == {"node-a", "node-b"}
