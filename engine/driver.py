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

import re
from typing import Any
from weakref import WeakSet

from sqlalchemy import Engine, event
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


# The statements a transaction may run and still be rolled back with its prepared statements
# kept (plain DML and transaction control); anything else, DDL above all, makes the next
# rollback psycopg's own, which deallocates them.
_PLAIN = re.compile(r"\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH|SAVEPOINT|RELEASE|ROLLBACK TO|"
                    r"SET LOCAL|SHOW|VALUES)\b", re.IGNORECASE)  # fmt: skip
_RAN_DDL: WeakSet = WeakSet()  # psycopg connections whose transaction ran a non-DML statement


def keep_prepared_statements(bind: Engine) -> None:
    """Roll back a PostgreSQL transaction that ran only DML without dropping the connection's
    prepared statements (保留预备语句).

    psycopg follows every ``ROLLBACK`` with ``DEALLOCATE ALL`` (a rollback may undo a
    ``CREATE`` a statement was prepared against).  A read-only request ends in a rollback, so
    the next step on that pooled connection paid a ``Parse`` and a fresh plan for each of its
    two statements (about 0.3 ms of server time each, measured with ``EXPLAIN ANALYZE``), and
    the rollback itself one round trip more.  Here the dialect's rollback sends ``ROLLBACK``
    on the libpq connection itself, so psycopg keeps its prepared statements, unless the
    transaction ran anything but plain DML through SQLAlchemy (then psycopg's own rollback
    runs, as before), or a statement failed in it (psycopg forgets a statement whose first
    execution failed, though the server may have prepared it: ``DEALLOCATE ALL`` cleans up).
    A rollback is still a rollback: nothing the transaction wrote stays.
    """
    from psycopg import pq  # only PostgreSQL gets here

    dialect = bind.dialect
    stock = dialect.do_rollback

    @event.listens_for(bind, "before_cursor_execute")
    def _note_ddl(conn, _cursor, statement, _params, _context, _many) -> None:
        if not _PLAIN.match(statement):
            _RAN_DDL.add(conn.connection.driver_connection)

    def do_rollback(dbapi_connection) -> None:
        driver = dbapi_connection.driver_connection
        pgconn = driver.pgconn
        if (
            driver in _RAN_DDL
            or pgconn.pipeline_status != pq.PipelineStatus.OFF
            or pgconn.transaction_status != pq.TransactionStatus.INTRANS
        ):
            _RAN_DDL.discard(driver)
            return stock(dbapi_connection)
        result = pgconn.exec_(b"ROLLBACK")
        if result.status != pq.ExecStatus.COMMAND_OK:  # a broken connection: psycopg reports it
            stock(dbapi_connection)

    dialect.do_rollback = do_rollback  # type: ignore[method-assign]
