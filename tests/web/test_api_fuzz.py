"""Schemathesis against /api/openapi.json, in-process, as each role that uses the API: no
server error, and no answer the description does not list (status, content type, schema), for
valid requests and for requests that break the schema (wrong JSON types, missing fields).

Bounded and derandomized (the same cases every run, a few hundred in all); the longer run is
tools/fuzz_api.py (docs/RELIABILITY.md, "API fuzzing").
"""

import pytest

from tests.web.api_fuzz import ROLES, USES, fuzz_role, start_processes

PER_OPERATION = 6  # about: cases per operation, mode (valid / schema-breaking) and role


@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_api_keeps_to_its_description(app, role):
    start_processes(app)
    tally = fuzz_role(app, ROLES[role], PER_OPERATION, paths=USES[role])
    assert tally.cases >= 5 * len(USES[role])
    assert tally.server_errors == 0 and not tally.failures, "\n".join(tally.failures[:10])
