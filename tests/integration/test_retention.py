"""Ledger, attendance, contracts and payment records are never deleted and are kept at least 3
years after the project ends (条例 Art. 15, 28; ``domain.retention``): no route, no command, no
cascade and no code path deletes them, and the database itself refuses a raw DELETE (and a
TRUNCATE on PostgreSQL)."""

import ast
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

import domain.payroll.model  # noqa: F401  (every kept table is mapped)
import domain.signin.model  # noqa: F401
from domain.db import Base
from domain.retention import KEPT_TABLES, kept_tables, trigger_name
from tests.integration.test_pay_once import ready  # noqa: F401  (a fixture)

ROOT = Path(__file__).resolve().parents[2]
KEPT = set(kept_tables())
SOURCES = ("domain", "services", "web", "engine", "connectors", "tools")
# session.delete(...) calls that are allowed, by file: rows that are not kept.
ALLOWED_DELETES = {"domain/payroll/rates.py": 1}  # a project's trade day rate (TradeRate)
DELETING = re.compile(r"delete|remove|purge|destroy|drop|truncate|wipe|clear|reset", re.I)
SQL_DELETE = re.compile(r'\b(?:DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)', re.I)


def kept_models() -> set[str]:
    return {m.class_.__name__ for m in Base.registry.mappers if m.local_table.name in KEPT}


def test_every_kept_table_is_a_mapped_table():
    assert set(Base.metadata.tables) >= KEPT, KEPT - set(Base.metadata.tables)
    assert len(kept_tables()) == len(KEPT)  # no table listed twice
    assert {"wage_line", "wage_line_payment", "attendance", "person"} <= KEPT
    assert set(KEPT_TABLES) >= {"wages", "attendance", "real_name"}


def test_no_route_deletes(app):
    for rule in app.url_map.iter_rules():
        assert "DELETE" not in (rule.methods or set()), rule.rule
        assert not DELETING.search(rule.endpoint + rule.rule), rule.rule


def _commands(group, prefix=""):
    for name, command in getattr(group, "commands", {}).items():
        yield f"{prefix}{name}"
        yield from _commands(command, f"{prefix}{name} ")


def test_no_cli_command_deletes(app):
    names = list(_commands(app.cli))
    assert "zhuxin demo" in names and "engine complete" in names  # the walk sees the groups
    # Flask-Migrate's ``db`` group changes the schema (a downgrade past 0015_ledger first drops
    # the refusal triggers): the one operator tool that can, and not an everyday command.
    ours = [n for n in names if n.split()[0] != "db"]
    assert not [n for n in ours if DELETING.search(n)]


def _deletes_in(path: Path, models: set[str]) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "delete":  # session.delete(row), query(...).delete()
                found.append(f"{path}:{node.lineno} .delete()")
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "delete":
            names = {getattr(a, "id", "") for a in node.args}
            if names & models:  # sqlalchemy.delete(KeptModel)
                found.append(f"{path}:{node.lineno} delete({', '.join(names)})")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if {t for t in SQL_DELETE.findall(node.value) if t in KEPT}:
                found.append(f"{path}:{node.lineno} {node.value[:40]}")
    return found


def test_no_code_path_deletes_kept_rows():
    models = kept_models()
    assert {"WageLineRow", "Attendance", "Person", "LinePayment"} <= models
    counts: dict[str, list[str]] = {}
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            found = _deletes_in(path, models)
            if found:
                counts[str(path.relative_to(ROOT))] = found
    allowed = {p: f for p, f in counts.items() if ALLOWED_DELETES.get(p) == len(f)}
    assert counts == allowed, counts


def test_no_cascade_deletes_kept_rows():
    for mapper in Base.registry.mappers:
        for rel in mapper.relationships:
            if rel.target.name in KEPT:
                assert not rel.cascade.delete and not rel.cascade.delete_orphan, rel
    for table in Base.metadata.tables.values():
        for fk in table.foreign_keys:
            if table.name in KEPT:
                assert (fk.ondelete or "").upper() != "CASCADE", (table.name, fk)


def _triggers(conn) -> set[str]:
    if conn.dialect.name == "postgresql":
        return set(conn.scalars(sa.text(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND NOT t.tgisinternal"
        )))  # fmt: skip
    return set(conn.scalars(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))


def test_the_database_refuses_a_raw_delete(app):
    """Every kept table has its trigger; a DELETE of a table with rows is refused and changes
    nothing (SQLite's triggers fire per row; PostgreSQL's per statement, so also on none)."""
    from web.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        assert {trigger_name(t) for t in KEPT} <= _triggers(conn)
        refused = 0
        for table in sorted(KEPT):
            before = conn.scalar(sa.text(f'SELECT count(*) FROM "{table}"'))
            if not before and conn.dialect.name == "sqlite":
                continue
            with pytest.raises(sa.exc.DBAPIError, match="never deleted"):
                conn.execute(sa.text(f'DELETE FROM "{table}"'))
            conn.rollback()
            assert conn.scalar(sa.text(f'SELECT count(*) FROM "{table}"')) == before
            refused += 1
        assert refused >= 3  # person, assignment, attendance hold demo rows


def test_an_orm_delete_is_refused(session):
    from domain.model import Person

    session.delete(session.get(Person, 1))
    with pytest.raises(sa.exc.DBAPIError, match="never deleted"):
        session.flush()
    session.rollback()
    assert session.get(Person, 1) is not None


@pytest.mark.postgres
def test_postgres_refuses_truncate(app):
    from web.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        for table in sorted(KEPT):
            with pytest.raises(sa.exc.DBAPIError, match="never deleted"):
                conn.execute(sa.text(f'TRUNCATE "{table}" CASCADE'))
            conn.rollback()


def test_the_scan_finds_each_kind_of_delete(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("session.delete(line)\nsession.execute(delete(WageLineRow))\n"
                      "conn.execute(text('DELETE FROM attendance'))\nx = 'TRUNCATE person'\n"
                      "session.execute(delete(TradeRate))\n")  # fmt: skip
    assert len(_deletes_in(sample, kept_models())) == 4


def _id_number(body: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = (12 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11) % 11
    return body + ("X" if check == 10 else str(check))


def test_a_recompile_clears_a_line_it_no_longer_lists_instead_of_deleting_it(session, ready):  # noqa: F811
    """A worker left out on the second 新增编制 (here: his corrected ID makes him under 18) keeps
    his line, with no days and nothing to pay, so it is not sent to the bank."""
    from domain.model import Person
    from domain.payroll.model import Compilation, WageLineRow
    from services import payroll
    from tests.integration.test_pay_once import MONTH, actor, compile_unit

    batch = payroll.create_batch(ready(), actor(session, "gc_pm"), 1, MONTH)
    comp = compile_unit(session, ready, batch, 1, "gc_op")
    lines = session.get(Compilation, comp.id).lines
    first = lines[0]
    count = len(lines)
    session.get(Person, first.person_id).id_number = _id_number("31010120150101001")
    session.commit()
    compile_unit(session, ready, batch, 1, "gc_op")
    kept = session.get(WageLineRow, first.id)
    assert kept is not None and len(session.get(Compilation, comp.id).lines) == count
    assert (kept.days, kept.makeup_days, kept.gross, kept.net) == (0, 0, 0, 0)
