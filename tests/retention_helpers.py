"""For the few tests that must remove kept rows to set up a case (``domain.retention``): the
refusal triggers are lifted for the test's own transaction only."""

from contextlib import contextmanager

import sqlalchemy as sa

from domain.retention import kept_tables, refusal_statements, removal_statements


@contextmanager
def deleting_allowed(session):
    """Inside: DELETE works on the kept tables, in this session's transaction (commit after).
    PostgreSQL: ``SET LOCAL session_replication_role = replica`` (the tests connect as the
    owner); SQLite: the triggers are dropped and created again in the same transaction."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(sa.text("SET LOCAL session_replication_role = replica"))
        yield
        session.execute(sa.text("SET LOCAL session_replication_role = origin"))
        return
    for statement in removal_statements(dialect, kept_tables()):
        session.execute(sa.text(statement))
    yield
    for statement in refusal_statements(dialect, kept_tables()):
        session.execute(sa.text(statement))
