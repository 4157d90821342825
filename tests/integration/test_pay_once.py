"""One pay period is paid once (issue 9 item 4), in the service and in the database: one regular
batch per project and month, a worker's month on at most one line across all batches, back pay
(补发) listing only the still unpaid, the pay month checked on the server."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from domain.access import load_actor
from domain.errors import Conflict, InvalidInput
from domain.model import Project, User
from domain.payroll.model import Compilation, WageBatch, WageLineRow
from domain.payroll.paid_once import unpaid_workers
from domain.payroll.period import pay_period_for
from domain.signin.demo import load_signin_demo
from domain.signin.model import Attendance
from services import payroll
from tests.retention_helpers import deleting_allowed

MONTH = "2026-11"  # the demo's sign-ins cover most of it (settlement day 25)


def actor(session, username):
    return load_actor(session, session.scalar(select(User).where(User.username == username)))


@pytest.fixture
def ready(app, session):
    """Settlement day 25, the demo's sign-ins of the 30 days before 1 December 2026 and a clock
    on that day in Shanghai (whatever day the tests run)."""
    from web.runtime import uow

    project = session.get(Project, 1)
    project.settlement_day = 25
    with deleting_allowed(session):
        session.execute(delete(Attendance))
    load_signin_demo(session, project, today=date(2026, 12, 1))
    session.commit()

    def make():
        work = uow()
        work.clock = lambda: datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
        return work

    return make


def compile_unit(session, make, batch, unit_id, who):
    comp = session.scalar(select(Compilation).where(Compilation.batch_id == batch.id,
                                                    Compilation.unit_id == unit_id))  # fmt: skip
    payroll.compile_from_attendance(make(), actor(session, who), comp.id)
    session.expire_all()
    return comp


def test_a_second_regular_batch_of_a_month_is_refused_naming_the_first(session, ready):
    first = payroll.create_batch(ready(), actor(session, "gc_pm"), 1, MONTH)
    with pytest.raises(Conflict) as refused:
        payroll.create_batch(ready(), actor(session, "gc_pm"), 1, MONTH)
    assert refused.value.reason == "month_already_paid" and refused.value.field == "month"
    assert first.batch_no in refused.value.message() and "补发" in refused.value.message()
    assert session.scalar(select(func.count()).select_from(WageBatch)) == 1


@pytest.mark.parametrize(
    "month, reason",
    [("2027-05", "pay_month_in_future"), ("2026-13", "invalid_pay_month"),
     ("abc", "invalid_pay_month"), ("2024-12", "pay_month_before_project"), ("", "invalid_pay_month")],
)  # fmt: skip
def test_the_pay_month_is_checked_on_the_server(session, ready, month, reason):
    with pytest.raises(InvalidInput) as refused:
        payroll.create_batch(ready(), actor(session, "gc_pm"), 1, month)
    assert refused.value.reason == reason and refused.value.field == "month"
    assert session.scalar(select(func.count()).select_from(WageBatch)) == 0


def test_the_current_month_in_shanghai_is_allowed(session, ready):
    batch = payroll.create_batch(ready(), actor(session, "gc_pm"), 1, "2026-12")
    assert batch.kind == "regular" and batch.pay_month == "2026-12"


def forced_batch(like: WageBatch, kind: str, sequence: int) -> WageBatch:
    """A batch of the same month written straight into the database, past the service."""
    return WageBatch(batch_no=f"FORCED-{sequence}", project_id=1, pay_month=MONTH,
                     sequence=sequence, kind=kind, period_start=like.period_start,
                     period_end=like.period_end, state="compiling")  # fmt: skip


def test_the_database_holds_one_regular_batch_per_month(session, ready):
    batch = payroll.create_batch(ready(), actor(session, "gc_pm"), 1, MONTH)
    session.add(forced_batch(batch, "regular", 2))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_a_line_cannot_be_paid_twice_even_in_a_batch_forced_into_the_database(session, ready):
    regular = payroll.create_batch(ready(), actor(session, "gc_pm"), 1, MONTH)
    comp = compile_unit(session, ready, regular, 1, "gc_op")
    paid = session.scalars(select(WageLineRow).where(WageLineRow.compilation_id == comp.id)).all()
    assert paid and all(r.pay_month == MONTH and r.project_id == 1 for r in paid)
    # A second batch of the month put into the database behind the service's back:
    forced = forced_batch(regular, "back_pay", 9)
    session.add(forced)
    session.flush()
    again = Compilation(batch_id=forced.id, unit_id=1, state="draft")
    session.add(again)
    session.commit()
    # its compile leaves out every worker already on a line of the month ...
    payroll.compile_from_attendance(ready(), actor(session, "gc_op"), again.id)
    session.expire_all()
    assert session.get(Compilation, again.id).lines == []
    # ... and a line written directly is refused by the database
    row = paid[0]
    session.add(WageLineRow(compilation_id=again.id, batch_id=forced.id, person_id=row.person_id,
                            project_id=1, pay_month=MONTH, worker_name=row.worker_name,
                            id_number=row.id_number))  # fmt: skip
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_compiling_again_keeps_the_lines_and_the_rule(session, ready):
    regular = payroll.create_batch(ready(), actor(session, "gc_pm"), 1, MONTH)
    comp = compile_unit(session, ready, regular, 1, "gc_op")
    before = sorted((r.id, r.person_id) for r in session.get(Compilation, comp.id).lines)
    payroll.compile_from_attendance(ready(), actor(session, "gc_op"), comp.id)
    session.expire_all()
    assert sorted((r.id, r.person_id) for r in session.get(Compilation, comp.id).lines) == before


def test_back_pay_lists_only_the_workers_still_unpaid(session, ready):
    gc_pm = actor(session, "gc_pm")
    with pytest.raises(Conflict) as refused:
        payroll.create_batch(ready(), gc_pm, 1, MONTH, "back_pay")
    assert refused.value.reason == "no_regular_batch"
    regular = payroll.create_batch(ready(), gc_pm, 1, MONTH)
    comp = compile_unit(session, ready, regular, 1, "gc_op")
    with pytest.raises(Conflict) as refused:  # its tables are still being compiled
        payroll.create_batch(ready(), gc_pm, 1, MONTH, "back_pay")
    assert refused.value.reason == "regular_batch_open" and regular.batch_no in str(refused.value)
    lines = session.get(Compilation, comp.id).lines
    left_out = lines[0].person_id  # as if he had been missed: no line in the month
    with deleting_allowed(session):
        session.execute(delete(WageLineRow).where(WageLineRow.id == lines[0].id))
    session.get(WageBatch, regular.id).state = "paid"  # units 2 and 3 were never compiled
    session.commit()

    back = payroll.create_batch(ready(), gc_pm, 1, MONTH, "back_pay")
    assert back.kind == "back_pay" and back.batch_no.endswith("-02")
    assert sorted(c.unit_id for c in back.compilations) == [1, 2, 3]
    own = compile_unit(session, ready, back, 1, "gc_op")
    assert [r.person_id for r in session.get(Compilation, own.id).lines] == [left_out]
    period = pay_period_for(MONTH, 25)
    assert unpaid_workers(session, 1, MONTH, period).get(1) is None  # all paid now


def test_back_pay_is_refused_when_nobody_is_unpaid(session, ready):
    gc_pm = actor(session, "gc_pm")
    regular = payroll.create_batch(ready(), gc_pm, 1, MONTH)
    for unit, who in ((1, "gc_op"), (2, "suba_op"), (3, "subb_op")):
        compile_unit(session, ready, regular, unit, who)
    session.get(WageBatch, regular.id).state = "paid"
    session.commit()
    with pytest.raises(Conflict) as refused:
        payroll.create_batch(ready(), gc_pm, 1, MONTH, "back_pay")
    assert refused.value.reason == "nothing_unpaid"


def test_an_unknown_batch_kind_is_refused(session, ready):
    with pytest.raises(InvalidInput) as refused:
        payroll.create_batch(ready(), actor(session, "gc_pm"), 1, MONTH, "bonus")
    assert refused.value.field == "kind"
