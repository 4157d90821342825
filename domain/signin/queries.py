"""Attendance queries (考勤): lists per project/unit/day, counts per day, a worker's calendar."""

import calendar
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased, joinedload

from domain.access import Actor
from domain.i18n import Text
from domain.model import Assignment, Person, Unit
from domain.paging import Page, PageRequest, paginate_keys, stream
from domain.roster.model import Team
from domain.signin.model import Attendance

METHOD_LABELS = {
    "worker_scan": Text("工人扫码", "worker scanned"),
    "officer_scan": Text("签到员扫码", "officer scanned"),
    "makeup": Text("补签", "make-up"),
}


@dataclass
class AttendanceQuery:
    """Filters of the attendance list (考勤查询); no cap on the rows (pages and exports)."""

    day_from: date
    day_to: date
    unit_id: int | None = None
    name: str = ""
    method: str = ""
    team_id: int | None = None  # the worker's team (班组) on the project now
    by_team: bool = False  # 按班组分组: rows ordered by unit and team first


@dataclass(frozen=True)
class ExportRow:
    """One sign-in as the export writes it (plain columns: nothing kept per row)."""

    day: date
    signed_at: datetime
    name: str
    id_number: str | None
    trade: str | None
    unit: str
    team: str
    method: str
    officer: str
    distance_m: float | None
    accuracy_m: float | None
    makeup: bool


def _scoped(stmt, actor: Actor, project_id: int, unit_id: int | None, column=Attendance.unit_id):
    limits = actor.unit_limits("view_attendance", project_id)
    if limits is not None:
        stmt = stmt.where(column.in_(limits))
    if unit_id:
        stmt = stmt.where(column == unit_id)
    return stmt


def _filtered(stmt, actor: Actor, project_id: int, q: AttendanceQuery):
    """``stmt`` (over Attendance, joined to Person, outer-joined to the worker's Assignment on
    the project and its Team) limited by the query and ordered as the list shows it."""
    return _where(stmt, actor, project_id, q).order_by(*_order(q))


def _where(stmt, actor: Actor, project_id: int, q: AttendanceQuery):
    """``stmt`` limited by the query: Person must be joined for a name, Assignment for a team."""
    actor.must("view_attendance", project_id, q.unit_id)
    stmt = _scoped(stmt, actor, project_id, q.unit_id).where(
        Attendance.project_id == project_id,
        Attendance.day >= q.day_from,
        Attendance.day <= q.day_to,
    )
    if q.name.strip():
        stmt = stmt.where(Person.name.contains(q.name.strip()))
    if q.method in METHOD_LABELS:
        stmt = stmt.where(Attendance.method == q.method)
    if q.team_id:
        stmt = stmt.where(Assignment.team_id == q.team_id)
    return stmt


def _order(q: AttendanceQuery) -> tuple:
    """The list's order, total (it ends with the id), the order of ``ix_attendance_list``."""
    grouped = (Team.id.is_(None), Team.unit_id, Team.name) if q.by_team else ()
    return (*grouped, Attendance.day.desc(), Attendance.signed_at, Attendance.id)


def _joined(stmt):
    return (
        stmt.join(Person, Person.id == Attendance.person_id)
        .outerjoin(Assignment, and_(Assignment.person_id == Attendance.person_id,
                                    Assignment.project_id == Attendance.project_id))
        .outerjoin(Team, Team.id == Assignment.team_id)
    )  # fmt: skip


def _joined_as_needed(stmt, q: AttendanceQuery):
    """``stmt`` joined only to the tables the query's filters and order read (the ids of a page
    and the totals then come from an index of attendance alone)."""
    if q.name.strip():
        stmt = stmt.join(Person, Person.id == Attendance.person_id)
    if q.team_id or q.by_team:
        stmt = stmt.outerjoin(Assignment, and_(Assignment.person_id == Attendance.person_id,
                                               Assignment.project_id == Attendance.project_id))  # fmt: skip
    if q.by_team:
        stmt = stmt.outerjoin(Team, Team.id == Assignment.team_id)
    return stmt


def attendance_page(session: Session, actor: Actor, project_id: int, q: AttendanceQuery,
                    req: PageRequest) -> Page:  # fmt: skip
    """One page of the sign-ins on a project within the actor's units, newest day first: the
    page's ids from the attendance index, then those rows (names decrypted for them alone)."""
    keys = _where(_joined_as_needed(select(Attendance.id), q), actor, project_id, q)

    def load(ids: list[int]):
        rows = session.scalars(select(Attendance).where(Attendance.id.in_(ids)).options(
            joinedload(Attendance.person), joinedload(Attendance.unit),
            joinedload(Attendance.officer)))  # fmt: skip
        return ((a.id, a) for a in rows)

    return paginate_keys(session, keys, _order(q), req, load)


def people_count(session: Session, actor: Actor, project_id: int, q: AttendanceQuery) -> int:
    """How many workers signed in under the query (共 N 条签到，P 人): the project's assigned
    workers (a sign-in needs an assignment) with at least one sign-in of the query, each looked
    up in the (person, project, day) unique index rather than every sign-in read and sorted."""
    their_own = replace(q, name="", team_id=None)  # those two filter the assignments below
    signed = _where(select(Attendance.id), actor, project_id, their_own).where(
        Attendance.person_id == Assignment.person_id
    )
    stmt = select(func.count()).select_from(Assignment).where(
        Assignment.project_id == project_id, signed.exists())  # fmt: skip
    # A sign-in is in the unit of the worker's accepted assignment, and only an undecided one
    # can be rejected and assigned again elsewhere: a signed-in worker's unit never changes, so
    # only that unit's workers are looked up (the others' days would each be read and refused).
    stmt = _scoped(stmt, actor, project_id, q.unit_id, Assignment.unit_id)
    if q.name.strip():
        stmt = stmt.join(Person, Person.id == Assignment.person_id).where(
            Person.name.contains(q.name.strip()))  # fmt: skip
    if q.team_id:
        stmt = stmt.where(Assignment.team_id == q.team_id)
    return session.scalar(stmt) or 0


def list_attendance(session: Session, actor: Actor, project_id: int, q: AttendanceQuery):
    """Every sign-in of the query as ``Attendance`` objects (a list: for small ranges only)."""
    stmt = _joined(select(Attendance)).options(
        joinedload(Attendance.person), joinedload(Attendance.unit), joinedload(Attendance.officer)
    )
    return list(session.scalars(_filtered(stmt, actor, project_id, q)))


def export_rows(session: Session, actor: Actor, project_id: int,
                q: AttendanceQuery) -> Iterator[ExportRow]:  # fmt: skip
    """Every sign-in of the query as plain rows, fetched in batches (考勤导出 of any size)."""
    officer = aliased(Person)
    stmt = _joined(select(
        Attendance.day, Attendance.signed_at, Person.name, Person.id_number, Person.trade,
        Unit.name, func.coalesce(Team.name, ""), Attendance.method,
        func.coalesce(officer.name, ""), Attendance.distance_m, Attendance.accuracy_m,
        Attendance.makeup,
    )).join(Unit, Unit.id == Attendance.unit_id).outerjoin(
        officer, officer.id == Attendance.officer_person_id)  # fmt: skip
    stmt = _filtered(stmt, actor, project_id, q)  # the access check now, not at the first row
    return (ExportRow(*row) for row in stream(session, stmt, scalars=False))


def counts_per_day(
    session: Session, actor: Actor, project_id: int, last_day: date, days: int = 30
) -> list[tuple[date, int]]:
    """Sign-ins per day over ``days`` days ending ``last_day`` (zero days included)."""
    actor.must("view_attendance", project_id)
    first = last_day - timedelta(days=days - 1)
    stmt = (
        select(Attendance.day, func.count())
        .where(Attendance.project_id == project_id, Attendance.day.between(first, last_day))
        .group_by(Attendance.day)
    )
    rows = session.execute(_scoped(stmt, actor, project_id, None)).tuples()
    counts: dict[date, int] = {day: n for day, n in rows}
    return [(first + timedelta(d), counts.get(first + timedelta(d), 0)) for d in range(days)]


@dataclass
class MonthCalendar:
    """A worker's month (我的考勤): weeks of days, each day with its sign-ins."""

    year: int
    month: int
    weeks: list[list[date | None]] = field(default_factory=list)
    by_day: dict[date, list[Attendance]] = field(default_factory=dict)

    @property
    def signed_days(self) -> int:
        return len(self.by_day)

    @property
    def makeup_days(self) -> int:
        return sum(1 for rows in self.by_day.values() if any(r.makeup for r in rows))


def my_calendar(session: Session, actor: Actor, year: int, month: int) -> MonthCalendar:
    """The logged-in worker's sign-ins of one month, on every project."""
    cal = MonthCalendar(year, month)
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        cal.weeks.append([d if d.month == month else None for d in week])
    if actor.person_id is None:
        return cal
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    rows = session.scalars(
        select(Attendance)
        .options(joinedload(Attendance.project))
        .where(Attendance.person_id == actor.person_id, Attendance.day.between(first, last))
        .order_by(Attendance.day, Attendance.signed_at)
    )
    for r in rows:
        cal.by_day.setdefault(r.day, []).append(r)
    return cal


def units_for_filter(session: Session, actor: Actor, project_id: int) -> list[Unit]:
    limits = actor.unit_limits("view_attendance", project_id)
    units = session.scalars(select(Unit).where(Unit.project_id == project_id).order_by(Unit.id))
    return [u for u in units if limits is None or u.id in limits]
