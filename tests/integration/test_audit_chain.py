"""Tamper-evident audit log (issue 11 item 7): each entry carries the previous one's hash;
changing, removing or inserting an entry behind the app's back (triggers disabled) breaks the
chain, and the command and the GC manager's page name the first broken entry."""

import sqlalchemy as sa
from sqlalchemy import select

from domain.audit import verify_chain
from domain.model import AuditEntry


def _entries(client, auth, n: int = 8) -> None:
    """Audited changes through the pages: the settlement day set n times."""
    auth.login("gc_pm")
    for day in range(1, n + 1):
        assert client.post("/projects/1/payroll/settlement", data={"day": str(day)}).status_code == 302
    auth.logout()


def _tamper(session, sql: str, **params) -> None:
    bind = session.get_bind()
    with bind.begin() as conn:
        if bind.dialect.name == "postgresql":
            conn.execute(sa.text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
        conn.execute(sa.text(sql), params)
        if bind.dialect.name == "postgresql":
            conn.execute(sa.text("ALTER TABLE audit_entry ENABLE TRIGGER USER"))


def test_the_log_is_a_chain_and_new_entries_extend_it(app, client, auth, session):
    _entries(client, auth)
    before = verify_chain(session)
    assert before.ok and before.entries >= 8
    auth.login("gc_pm")
    client.post("/projects/1/payroll/settlement", data={"day": "20"})
    session.expire_all()
    after = verify_chain(session)
    assert after.ok and after.entries > before.entries
    result = app.test_cli_runner().invoke(args=["zhuxin", "audit-verify"])
    assert result.exit_code == 0 and "chain intact" in result.output


def test_an_entry_changed_behind_the_apps_back_is_found(app, client, auth, session):
    _entries(client, auth)
    victim = session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()[5]
    session.remove()
    _tamper(session, "UPDATE audit_entry SET after = '{}' WHERE id = :i", i=victim)
    check = verify_chain(session)
    assert not check.ok and check.broken_id == victim
    result = app.test_cli_runner().invoke(args=["zhuxin", "audit-verify"])
    assert result.exit_code == 1 and f"entry {victim}" in result.output
    auth.login("gc_pm")
    page = client.get("/projects/1/audit").text
    assert "日志被篡改" in page and str(victim) in page


def test_a_removed_entry_is_found(client, auth, session):
    _entries(client, auth)
    ids = session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()
    session.remove()
    _tamper(session, "DELETE FROM audit_entry WHERE id = :i", i=ids[3])
    check = verify_chain(session)
    assert check.broken_id == ids[4]
