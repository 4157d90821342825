"""The PostgreSQL role setup of docs/RELIABILITY.md (issue 11 item 7): the tables belong to an
owner role nobody logs in as; the app logs in as a role with row privileges only, and without
UPDATE, DELETE or TRUNCATE on the audit log.  That app role can append to the audit log and read
it, and is refused every way around the append-only trigger: disabling it, TRUNCATE (which fires
no row trigger), session_replication_role, dropping the trigger, altering the table."""

import os

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

pytestmark = pytest.mark.postgres

REFUSED = [
    "ALTER TABLE audit_entry DISABLE TRIGGER USER",
    "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only",
    "TRUNCATE audit_entry",
    "UPDATE audit_entry SET after = '{}'",
    "DELETE FROM audit_entry",
    "SET session_replication_role = replica",
    "DROP TRIGGER audit_entry_append_only ON audit_entry",
    "ALTER TABLE audit_entry DROP COLUMN hash",
]


def _grant(conn, schema: str, owner: str, app: str) -> None:
    """What an operator runs once (docs/RELIABILITY.md): owner owns, app may use rows."""
    conn.execute(sa.text(f"CREATE ROLE {owner} NOLOGIN"))
    conn.execute(sa.text(f"CREATE ROLE {app} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"))
    conn.execute(sa.text(f"ALTER SCHEMA {schema} OWNER TO {owner}"))
    tables = conn.execute(sa.text("SELECT tablename FROM pg_tables WHERE schemaname = :s"),
                          {"s": schema}).scalars().all()  # fmt: skip
    for table in tables:
        conn.execute(sa.text(f'ALTER TABLE {schema}."{table}" OWNER TO {owner}'))
    conn.execute(sa.text(f"ALTER FUNCTION {schema}.audit_entry_append_only() OWNER TO {owner}"))
    conn.execute(sa.text(f"GRANT USAGE ON SCHEMA {schema} TO {app}"))
    conn.execute(sa.text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} "
                         f"TO {app}"))  # fmt: skip
    conn.execute(sa.text(f"REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.audit_entry FROM {app}"))
    conn.execute(sa.text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {app}"))


def test_the_app_role_appends_to_the_audit_log_and_cannot_get_around_its_trigger(database_url):
    admin = sa.create_engine(database_url)
    owner, app = f"zx_owner_{os.getpid()}", f"zx_app_{os.getpid()}"
    with admin.connect() as conn:
        schema, superuser = conn.execute(sa.text("SELECT current_schema(), current_user")).one()
    try:
        with admin.begin() as conn:
            _grant(conn, schema, owner, app)
        as_app = sa.create_engine(sa.make_url(database_url).set(username=app))
        with as_app.begin() as conn:
            before = conn.execute(sa.text("SELECT count(*) FROM audit_entry")).scalar()
            conn.execute(sa.text("INSERT INTO audit_entry (at, action, entity) "
                                 "VALUES (now(), 'role_test', 'audit')"))  # fmt: skip
            assert conn.execute(sa.text("SELECT count(*) FROM audit_entry")).scalar() == before + 1
        refused = {}
        for statement in REFUSED:
            with as_app.connect() as conn, pytest.raises(DBAPIError) as error:
                conn.execute(sa.text(statement))
            refused[statement] = str(error.value.orig).splitlines()[0]
        assert all("must be owner" in m or "permission denied" in m or "append-only" in m
                   for m in refused.values()), refused  # fmt: skip
        with as_app.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM audit_entry")).scalar() == before + 1
        as_app.dispose()
    finally:
        with admin.begin() as conn:  # give everything back: the schema is the suite's
            conn.execute(sa.text(f"REASSIGN OWNED BY {owner} TO {superuser}"))
            for role in (app, owner):
                conn.execute(sa.text(f"DROP OWNED BY {role}"))
                conn.execute(sa.text(f"DROP ROLE {role}"))
        admin.dispose()
