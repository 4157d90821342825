"""Migration 0009_pay_once on a database that already paid a month twice: the first batch of a
month stays regular, later ones become back pay, every line gets its batch's project and month,
a repeated line is kept as history (legacy_repeat) outside the unique index; downgrade works."""

from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from domain.access import load_actor
from domain.model import Project, User
from domain.payroll.model import Compilation, WageBatch
from services import payroll


def test_upgrade_backfills_a_month_paid_twice(app, session):
    from web.runtime import uow

    session.get(Project, 1).settlement_day = 25
    session.commit()
    gc_pm = load_actor(session, session.scalar(select(User).where(User.username == "gc_pm")))
    gc_op = load_actor(session, session.scalar(select(User).where(User.username == "gc_op")))
    month = f"{date.today():%Y-%m}"
    batch = payroll.create_batch(uow(), gc_pm, 1, month)
    comp = session.scalar(select(Compilation).where(Compilation.batch_id == batch.id,
                                                    Compilation.unit_id == 1))  # fmt: skip
    payroll.compile_from_attendance(uow(), gc_op, comp.id)
    session.remove()

    downgrade(revision="0008_trust")  # the revision before 0009_pay_once
    with session.get_bind().begin() as conn:  # what the testers did before the rule: twice
        conn.execute(text(
            "INSERT INTO wage_batch (batch_no, project_id, pay_month, sequence, period_start,"
            " period_end, state, progress_done, progress_total, repay_round, created_at)"
            " SELECT batch_no || '-B', project_id, pay_month, 2, period_start, period_end, state,"
            " 0, 0, 0, created_at FROM wage_batch"
        ))  # fmt: skip
        conn.execute(text(
            "INSERT INTO wage_compilation (batch_id, unit_id, state) SELECT b.id, 1, 'draft'"
            " FROM wage_batch b WHERE b.sequence = 2"
        ))  # fmt: skip
        columns = ("person_id, worker_name, id_number, trade, days, makeup_days, day_rate, gross,"
                   " deductions, deduction_reason, net, bank_card, bank_name, bank_cnaps,"
                   " confirm_status, bank_status, bank_attempt")  # fmt: skip
        conn.execute(text(
            f"INSERT INTO wage_line (compilation_id, batch_id, {columns})"
            f" SELECT c.id, c.batch_id, {columns} FROM wage_line l, wage_compilation c"
            " JOIN wage_batch b ON b.id = c.batch_id WHERE b.sequence = 2"
        ))  # fmt: skip
    upgrade()

    session.remove()
    kinds = dict(session.execute(select(WageBatch.sequence, WageBatch.kind)).all())
    assert kinds == {1: "regular", 2: "back_pay"}
    rows = session.execute(text(
        "SELECT b.sequence, l.project_id, l.pay_month, l.legacy_repeat, l.amount_reason"
        " FROM wage_line l JOIN wage_batch b ON b.id = l.batch_id"
    )).all()  # fmt: skip
    assert rows and {(r[1], r[2]) for r in rows} == {(1, month)}
    assert {bool(r[3]) for r in rows if r[0] == 1} == {False}
    assert {bool(r[3]) for r in rows if r[0] == 2} == {True}  # history, outside the rule
    assert {r[4] for r in rows} == {""}
