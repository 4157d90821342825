"""The crash matrix, bounded (issue 11 item 8): two kill points of ``tools/crash_matrix.py``
against real processes — the serving process killed after the bank accepted the file and before
the push was recorded; the standalone engine worker killed as it entered the status poll.  After
each restart the batch completes, every line is paid exactly once at the real mock-bank, and the
restart resumes the job in seconds (its own dead claim), not after the lease."""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "tools"))
import crash_matrix  # noqa: E402

pytestmark = pytest.mark.postgres


def test_killed_mid_push_and_mid_poll_every_line_is_paid_once(tmp_path):
    chosen = [("serve", "bank/SubmitBatch", "during"), ("worker", "bank/FetchStatus", "before")]
    outcomes = crash_matrix.run_matrix(os.environ["TEST_DATABASE_URL"], chosen, tmp_path,
                                       echo=lambda _: None, prefix=f"zx_crash_t{os.getpid()}")  # fmt: skip
    for o in outcomes:
        assert o.ok, crash_matrix.row(o)
        assert o.attempts == 2  # the killed attempt counted, then one that finished
        assert o.duplicates == 0 and o.lost == 0 and o.paid == o.lines > 0
        # Resumed by its restart: the processes' lease is 600 s, nothing here waits for it.
        assert o.recovered_s is not None and o.restarted_s is not None
        assert o.recovered_s < crash_matrix.LEASE_S / 4
