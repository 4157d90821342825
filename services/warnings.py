"""预警 (warnings dashboard): the facts of the projects and units an actor may see, read from
the tables, and every rule of ``domain.warnings`` run over them.  Read only.

The GC manager sees every unit of his projects and the project's own warnings (sign-in point,
settlement day, officers); a subcontractor's manager sees his unit's warnings only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import func, or_, select, true
from sqlalchemy.orm import Session

from domain import warnings as rules
from domain.access import Actor
from domain.clock import shanghai_time
from domain.model import Assignment, Authorisation, Person, Project, Unit
from domain.payroll import statements
from domain.payroll.model import Compilation, LineConfirmation, WageBatch, WageLineRow
from domain.realname import get_project
from domain.roster import contracts
from domain.signin.model import Attendance
from domain.warnings import LineFacts, ProjectFacts, TableFacts, Warning, WorkerFacts
from services.uow import UnitOfWork

ACTION = "view_warnings"


def warnings_for(uow: UnitOfWork, actor: Actor, project_id: int | None = None) -> list[Warning]:
    """Every warning of one project, or of all the actor's projects, most severe first."""
    if project_id is not None:
        get_project(uow.session, project_id)
        actor.must(ACTION, project_id)
        ids = [project_id]
    else:
        ids = sorted(actor.project_ids(ACTION))
    now = shanghai_time(uow.clock())
    days = int(uow.settings.get("ZHUXIN_WARN_SUBMIT_DAYS") or rules.SUBMIT_DAYS)
    found: list[Warning] = []
    for pid in ids:
        found += _project(uow.session, pid, actor.unit_limits(ACTION, pid), now, days)
    return rules.ordered(found)


def _project(session: Session, pid: int, units: set[int] | None, now: datetime,
             submit_days: int) -> list[Warning]:  # fmt: skip
    today = now.date()
    tables = _tables(session, pid, units)
    workers = _workers(session, pid, units, today)
    lines = _lines(session, pid, units)
    found = [
        *rules.tables_not_submitted(tables, today, submit_days),
        *rules.attendance_pay_mismatch(tables),
        *rules.open_disputes(lines),
        *rules.lines_not_repaid(lines),
        *rules.absent_workers(workers, today),
        *rules.contracts_ending(workers, today),
    ]
    if units is None:  # the project's own set-up: for those who see all of it
        facts = [_project_facts(session, pid, today)]
        found += [*rules.project_setup(facts), *rules.officer_missing(facts, now),
                  *rules.funding_short(facts)]
    return found


def _in_units(column, units: set[int] | None):
    return column.in_(sorted(units)) if units is not None else true()


def _tables(session: Session, pid: int, units: set[int] | None) -> list[TableFacts]:
    rows = session.execute(
        select(Compilation, WageBatch, Unit.name)
        .join(WageBatch, WageBatch.id == Compilation.batch_id)
        .join(Unit, Unit.id == Compilation.unit_id)
        .where(WageBatch.project_id == pid, WageBatch.state != "paid",
               _in_units(Compilation.unit_id, units))
        .order_by(Compilation.id)
    ).tuples()  # fmt: skip
    out = []
    for comp, batch, unit in rows:
        compiled = comp.state in rules.COMPILED
        out.append(TableFacts(pid, comp.unit_id, unit, comp.id, batch.id, batch.pay_month,
                              batch.period_end, comp.state,
                              _attended(session, pid, comp.unit_id, batch) if compiled else {},
                              _paid(session, comp.id) if compiled else {}))  # fmt: skip
    return out


def _attended(session: Session, pid: int, unit_id: int, batch: WageBatch) -> dict:
    rows = session.execute(
        select(Attendance.person_id, Person.name, func.count())
        .join(Person, Person.id == Attendance.person_id)
        .where(Attendance.project_id == pid, Attendance.unit_id == unit_id,
               Attendance.day >= batch.period_start, Attendance.day <= batch.period_end)
        .group_by(Attendance.person_id, Person.name)
    ).tuples()  # fmt: skip
    return {p: (name, n) for p, name, n in rows}


def _paid(session: Session, compilation_id: int) -> dict:
    rows = session.execute(
        select(WageLineRow.person_id, WageLineRow.worker_name, WageLineRow.net)
        .where(WageLineRow.compilation_id == compilation_id, WageLineRow.net > 0)
    ).tuples()  # fmt: skip
    return {p: (name, f"{net:.2f}") for p, name, net in rows}


def _lines(session: Session, pid: int, units: set[int] | None) -> list[LineFacts]:
    """Lines with an open dispute or a bank answer still not repaid."""
    disputed = LineConfirmation.state == "disputed"
    rows = session.execute(
        select(WageLineRow, Compilation.unit_id, disputed)
        .join(Compilation, Compilation.id == WageLineRow.compilation_id)
        .outerjoin(LineConfirmation, LineConfirmation.line_id == WageLineRow.id)
        .where(WageLineRow.project_id == pid, _in_units(Compilation.unit_id, units),
               or_(disputed, WageLineRow.bank_status.in_(rules.BANK_STATUS)))
        .order_by(WageLineRow.id)
    ).tuples()  # fmt: skip
    out = []
    for line, unit_id, is_disputed in rows:
        out.append(LineFacts(pid, unit_id, line.compilation_id, line.batch_id, line.id,
                             line.worker_name, line.pay_month, line.bank_status,
                             line.bank_reason or "", bool(is_disputed)))  # fmt: skip
    return out


def _workers(session: Session, pid: int, units: set[int] | None, today: date) -> list[WorkerFacts]:
    last = (
        select(Attendance.person_id, func.max(Attendance.day).label("day"))
        .where(Attendance.project_id == pid).group_by(Attendance.person_id).subquery()
    )  # fmt: skip
    rows = session.execute(
        select(Assignment, Person.name, Unit, last.c.day)
        .join(Person, Person.id == Assignment.person_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .outerjoin(last, last.c.person_id == Assignment.person_id)
        .where(Assignment.project_id == pid, Assignment.state == "accepted",
               Assignment.exited_on.is_(None), _in_units(Assignment.unit_id, units))
        .order_by(Assignment.id)
    ).all()  # fmt: skip
    held = contracts.contracts_by_pair(
        session, ((a.person_id, u.enterprise_id) for a, _, u, _ in rows)
    )
    out = []
    for a, name, unit, last_day in rows:
        contract = contracts.current(held.get((a.person_id, unit.enterprise_id), []), today)
        accepted = (a.decided_at or a.assigned_at).date()
        out.append(WorkerFacts(pid, unit.id, unit.name, a.person_id, a.id, name, accepted,
                               last_day, contract.effective_until if contract else None))  # fmt: skip
    return out


def _project_facts(session: Session, pid: int, today: date) -> ProjectFacts:
    project = session.get(Project, pid)
    assert project is not None  # the caller asked for a project it found
    officers = set(session.scalars(select(Authorisation.person_id).where(
        Authorisation.project_id == pid, Authorisation.revoked_at.is_(None))))  # fmt: skip
    money = statements.funding(session, pid, f"{today:%Y-%m}")
    return ProjectFacts(pid, project.name, project.signin_lat is not None, project.settlement_day,
                        project.signin_start or "00:00", len(officers),
                        _present(session, pid, officers, today),
                        money.balance, money.balance_day, money.upcoming_total)  # fmt: skip


def _present(session: Session, pid: int, officers: Iterable[int], day: date) -> int:
    """How many of the officers signed in themselves or scanned a worker today."""
    ids = sorted(officers)
    if not ids:
        return 0
    rows = session.execute(
        select(Attendance.person_id, Attendance.officer_person_id)
        .where(Attendance.project_id == pid, Attendance.day == day,
               or_(Attendance.person_id.in_(ids), Attendance.officer_person_id.in_(ids)))
    ).tuples()  # fmt: skip
    seen = {p for row in rows for p in row if p in ids}
    return len(seen)


def counts_for(uow: UnitOfWork, actor: Actor, project_id: int) -> dict[str, int]:
    """Warnings of the project by severity (the project page's counts); {} for someone who may
    not see them."""
    if not actor.may(ACTION, project_id):
        return {}
    found = warnings_for(uow, actor, project_id)
    return {s: sum(w.severity == s for w in found) for s in rules.SEVERITY_ORDER}
