"""Statements of the engine's hot path straight on the session's psycopg connection (驱动直连).

A step on PostgreSQL runs two statements (lock + load, and one write that saves everything).
Through SQLAlchemy each costs about 0.1 ms more client CPU than the statement itself (execution
context, result metadata, row processing) — as much as the round trip.  Here the SQL text is
fixed (built once from the tables), the parameters are plain values, and the statement runs on
the psycopg connection of the session's transaction: the same connection, the same
transaction, committed or rolled back by the caller as before.  Errors come out as SQLAlchemy's
own ``DBAPIError`` subclasses (``OperationalError`` for a deadlock, ...), as a Core statement
would raise them, so the unit of work's retry rules see no difference.  SQLAlchemy's
``before_cursor_execute`` / ``after_cursor_execute`` events do not see these two statements
(nothing in the app listens for the engine's).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session


def fetch_one(session: Session, sql: str, params: dict[str, Any]):
    """Run ``sql`` (``%(name)s`` placeholders) in the session's transaction; its first row as
    a named tuple, or None.

    Prepared on the server at its first use on a connection (``prepare=True``), not after
    psycopg's default of five: psycopg drops every prepared statement at each ``ROLLBACK``
    (``DEALLOCATE ALL``: a read-only request ends in one), and an unprepared step is parsed
    and planned again, about 0.3 ms of server time for each of its two statements.  After
    such a ``ROLLBACK`` the first use pays one round trip more (``Parse``, then ``Execute``);
    psycopg's pipeline mode does not save it for a single statement (measured: 0.27 against
    0.21 ms a statement when prepared afresh, 0.17 against 0.12 ms when still prepared — the
    pipeline's own ``Sync`` at its exit and its Python cost are more than the round trip).
    """
    from psycopg.rows import namedtuple_row  # only PostgreSQL gets here

    conn = session.connection()  # begins the session's transaction when none is active
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    with dbapi.cursor(row_factory=namedtuple_row) as cursor:
        try:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchone()
        except conn.dialect.loaded_dbapi.Error as err:
            invalidated = conn.dialect.is_disconnect(err, dbapi, cursor)
            if invalidated:
                conn.invalidate(err)
            raise DBAPIError.instance(
                sql, params, err, conn.dialect.loaded_dbapi.Error,
                connection_invalidated=invalidated, dialect=conn.dialect,
            ) from err  # fmt: skip
