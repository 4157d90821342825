"""Migration 0014_confirm on a database with confirmed and disputed lines: each keeps its state
in ``line_confirmation`` (a confirmation from before the digest still counts), the line's old
columns go, the unique index of a paid month stays, and every project requires confirmation;
downgrade puts the old columns back with the states."""

from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from domain.access import load_actor
from domain.model import Project, User
from domain.payroll import confirmation
from domain.payroll.model import Compilation, LineConfirmation, WageLineRow
from services import payroll


def test_upgrade_keeps_the_workers_answers(app, session):
    from web.runtime import uow

    session.get(Project, 1).settlement_day = 25
    session.commit()
    gc_pm = load_actor(session, session.scalar(select(User).where(User.username == "gc_pm")))
    gc_op = load_actor(session, session.scalar(select(User).where(User.username == "gc_op")))
    batch = payroll.create_batch(uow(), gc_pm, 1, f"{date.today():%Y-%m}")
    comp = session.scalar(select(Compilation).where(Compilation.batch_id == batch.id,
                                                    Compilation.unit_id == 1))  # fmt: skip
    payroll.compile_from_attendance(uow(), gc_op, comp.id)
    ids = list(session.scalars(select(WageLineRow.id).where(WageLineRow.compilation_id == comp.id)
                               .order_by(WageLineRow.id)))  # fmt: skip
    session.remove()

    downgrade(revision="0013_accounts")
    with session.get_bind().begin() as conn:
        conn.execute(text("UPDATE wage_line SET confirm_status = 'confirmed' WHERE id = :i"),
                     {"i": ids[0]})  # fmt: skip
        conn.execute(text("UPDATE wage_line SET confirm_status = 'disputed',"
                          " confirm_comment = '少算两天' WHERE id = :i"), {"i": ids[1]})  # fmt: skip
        conn.execute(text("INSERT INTO payroll_setting (project_id, confirmation_gate,"
                          " remind_after_days, pay_factor, line_ceiling)"
                          " VALUES (1, false, 3, 1.5, 100000)"))  # fmt: skip
    upgrade()

    session.remove()
    rows = {r.line_id: r for r in session.scalars(select(LineConfirmation))}
    assert set(rows) == {ids[0], ids[1]}
    assert rows[ids[0]].state == "confirmed" and rows[ids[0]].digest is None
    assert rows[ids[1]].state == "disputed" and rows[ids[1]].comment == "少算两天"
    lines = list(session.scalars(select(WageLineRow).where(WageLineRow.id.in_(ids[:3]))
                                 .order_by(WageLineRow.id)))  # fmt: skip
    states = confirmation.states_for(session, lines)
    assert [states[i].state for i in ids[:3]] == ["confirmed", "disputed", "pending"]
    assert confirmation.required(session, 1)
    index = session.execute(text("SELECT 1 FROM sqlite_master WHERE name ="
                                 " 'uq_wage_line_person_month'")).all() if (
        session.get_bind().dialect.name == "sqlite") else [1]  # fmt: skip
    assert index
    session.remove()

    downgrade(revision="0013_accounts")
    with session.get_bind().connect() as conn:
        back = dict(conn.execute(text("SELECT id, confirm_status FROM wage_line WHERE id IN"
                                      " (:a, :b, :c)"), {"a": ids[0], "b": ids[1], "c": ids[2]}).all())  # fmt: skip
    assert back == {ids[0]: "confirmed", ids[1]: "disputed", ids[2]: "pending"}
    upgrade()
