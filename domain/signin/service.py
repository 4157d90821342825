"""Pre-shift sign-in services (班前签到): both scan directions and the sign-in point.

Every check of issue 4 items 2–5 happens here and refuses with ``SignInRefused(reason)``. One
record per worker, project and Shanghai day is guaranteed by the table's unique constraint: the
insert is ``ON CONFLICT DO NOTHING`` (PostgreSQL, SQLite), and a conflict answers
``already_signed`` with the time of the first sign-in, also under concurrent scans.

The hot path (an officer scanning a worker) is one INSERT … SELECT that also checks the
officer's login and post, so that the request may skip reading them (``web.login_session``);
the unit of work of ``services.signin`` commits it before the answer. The sign-in itself is
its own record, so it is not written to the audit log a second time.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache
from typing import cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import CursorResult, and_, exists, insert, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain import gates, inputs, roles
from domain.access import Actor, StaleActor, load_session_login
from domain.audit import record, snapshot
from domain.errors import Conflict, InvalidInput
from domain.i18n import Text
from domain.model import Assignment, Authorisation, Person, Project, Unit
from domain.personal_data import keyring
from domain.realname import get_project
from domain.roster import site as roster_site
from domain.roster.model import LabourContract
from domain.signin.coords import SYSTEMS, Point, from_wgs84, to_wgs84
from domain.signin.errors import SignInRefused
from domain.signin.geofence import LocationFix, check_range
from domain.signin.hours import (
    SignInHours,
    clock_label,
    require_within_hours,
    sign_in_day,
    within_hours,
)
from domain.signin.model import Attendance
from domain.signin.point_input import PointNotes, TypedPoint, parse_point, point_notes
from domain.signin.tokens import verify_code

RADIUS_RANGE_M = (20, 3000)
BAD_SYSTEM = Text("坐标系应为 GCJ-02、WGS-84 或 BD-09", "Choose GCJ-02, WGS-84 or BD-09")
BAD_RADIUS = Text("签到半径应在 {lo}–{hi} 米之间", "The radius must be {lo}–{hi} m")
BAD_COORD = Text("请输入有效的经纬度（经度在前）", "Enter a valid longitude and latitude")
NEEDS_CONFIRM = Text(
    "{notes}。确认无误请勾选“仍然保存”后再保存",
    "{notes}. If it is right, tick “Save anyway” and save again",
)
BAD_HOURS = Text("签到时间格式应为 HH:MM，且开始早于结束", "Hours must be HH:MM, start before end")
RADIUS = Text("签到半径", "Radius")
_CLOCK = re.compile(r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$")


@dataclass(frozen=True)
class CodeCheck:
    """How to verify scanned codes: the public key(s) and the clock skew tolerated."""

    public_key: Ed25519PublicKey
    skew_seconds: int = 10


@dataclass(frozen=True)
class SignInResult:
    """A successful sign-in, as shown to the scanner."""

    attendance_id: int
    person_id: int
    person_name: str
    project_id: int
    project_name: str
    signed_at: datetime  # aware UTC
    method: str
    distance_m: float | None
    has_photo: bool | None = None  # known when the insert read it too (the fast path); else ask

    @property
    def time_label(self) -> str:
        return clock_label(self.signed_at)


def parse_clock(text: str) -> time:
    """ "HH:MM" → time; "24:00" is the end of the day."""
    if text == "24:00":
        return time.max
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def project_hours(start: str, end: str) -> SignInHours:
    return SignInHours(parse_clock(start), parse_clock(end))


def _fix_or_refuse(fix: LocationFix | None, location_error: str | None) -> LocationFix:
    if location_error == "denied":
        raise SignInRefused("location_denied")
    if fix is None or location_error:
        raise SignInRefused("location_missing")
    return fix


@dataclass(frozen=True)
class _Site:
    """What the checks need of a project, read in the same query as the worker's assignment."""

    project_id: int
    project_name: str
    lat: float | None
    lng: float | None
    radius_m: int
    start: str
    end: str

    @property
    def point(self) -> Point | None:
        return None if self.lat is None or self.lng is None else Point(self.lat, self.lng)


_SITE_COLUMNS = (
    Project.id,
    Project.name,
    Project.signin_lat,
    Project.signin_lng,
    Project.signin_radius_m,
    Project.signin_start,
    Project.signin_end,
)


def _refuse_by_age(id_number: str, name: str, person_id: int, now: datetime) -> None:
    """Under 18 or over the site age (``domain.gates``) on the sign-in day: refused."""
    finding = gates.site_refusal(id_number, sign_in_day(now), name)
    if finding is not None:
        err = SignInRefused(finding.reason, **finding.params)
        err.extra = {"person_id": person_id, "person_name": name}
        raise err


def _refuse_off_site(session, project_id: int, person_id: int, name: str, now: datetime) -> None:
    """No labour contract in force today, or not on site today (not entered, exited): refused
    (``domain.roster.site``)."""
    finding = roster_site.signin_refusal(session, project_id, person_id, sign_in_day(now))
    if finding is not None:
        err = SignInRefused(finding.reason, **finding.params)
        err.extra = {"person_id": person_id, "person_name": name}
        raise err


def _on_site_today(day: date):
    """SQL: the worker of ``Assignment`` (joined with its ``Unit``) holds a labour contract in
    force on ``day`` with the unit's employer and is on site that day (the current stint)."""
    contract = exists().where(
        LabourContract.person_id == Assignment.person_id,
        LabourContract.enterprise_id == Unit.enterprise_id,
        LabourContract.starts_on <= day,
        LabourContract.effective_until >= day,
    )
    return and_(contract, Assignment.entered_on <= day,
                or_(Assignment.exited_on.is_(None), Assignment.exited_on >= day))  # fmt: skip


def _check_place_and_time(
    site: _Site, fix: LocationFix | None, location_error: str | None, now: datetime
) -> tuple[LocationFix, float]:
    """Sign-in point set, location present and inside the range, inside the hours;
    → the fix (present) and its distance from the point."""
    if site.point is None:
        raise SignInRefused("point_not_set")
    present = _fix_or_refuse(fix, location_error)
    check = check_range(site.point, site.radius_m, present)
    check.raise_if_refused()
    require_within_hours(now, project_hours(site.start, site.end))
    assert check.distance_m is not None  # measured: both the point and the fix are there
    return present, check.distance_m


def sign_in_by_officer_scan(
    session: Session,
    actor: Actor,
    project_id: int,
    token: str,
    fix: LocationFix | None,
    now: datetime,
    device: str | None,
    *,
    codes: CodeCheck,
    location_error: str | None = None,
) -> SignInResult:
    """班前签到员扫工人建设码: the officer (``actor``) scans a worker's code on ``project_id``.

    ``actor`` may be a hint (``Actor.is_hint``, a cached read of the officer's login): the fast
    path's statement checks the login and his authorisation itself; the full path reads them
    afresh first (``StaleActor`` when they changed)."""
    if not actor.may("scan_as_officer", project_id) or actor.person_id is None:
        if actor.is_hint:
            raise StaleActor()
        raise SignInRefused("officer_not_authorised")
    claims = verify_code(codes.public_key, token, now, codes.skew_seconds)
    site = _SITES.get(project_id)
    if site is not None and session.get_bind().dialect.name == "postgresql":
        result = _officer_scan_fast(
            session, actor, site, claims.person_id, fix, location_error, now, device
        )
        if result is not None:
            return result
    actor = _read_afresh(session, actor)
    if not actor.may("scan_as_officer", project_id) or actor.person_id is None:
        raise SignInRefused("officer_not_authorised")
    row = session.execute(
        select(
            *_SITE_COLUMNS, Assignment.unit_id, Person.name.label("person_name"), Person.id_number,
            _on_site_today(sign_in_day(now)).label("on_site"),
        )
        .select_from(Project)
        .outerjoin(
            Assignment,
            and_(
                Assignment.project_id == Project.id,
                Assignment.person_id == claims.person_id,
                Assignment.state == "accepted",
            ),
        )
        .outerjoin(Person, Person.id == Assignment.person_id)
        .outerjoin(Unit, Unit.id == Assignment.unit_id)
        .where(Project.id == project_id)
    ).one_or_none()
    if row is None or row.unit_id is None:
        raise SignInRefused("not_accepted")
    _refuse_by_age(row.id_number, row.person_name, claims.person_id, now)
    if not row.on_site:
        _refuse_off_site(session, project_id, claims.person_id, row.person_name, now)
    site = _SITES[project_id] = _Site(*row[:7])
    try:
        try:
            located, distance = _check_place_and_time(site, fix, location_error, now)
        except SignInRefused:
            _refuse_if_signed(session, claims.person_id, project_id, now)
            raise
        values = dict(
            project_id=project_id,
            unit_id=row.unit_id,
            person_id=claims.person_id,
            method="officer_scan",
            officer_person_id=actor.person_id,
            officer_lat=located.point.lat,
            officer_lng=located.point.lng,
            accuracy_m=located.accuracy_m,
            distance_m=distance,
        )
        return _record(session, site, row.person_name, values, now, device)
    except SignInRefused as err:
        err.extra = {"person_id": claims.person_id, "person_name": row.person_name}  # for the list
        raise


def _read_afresh(session: Session, actor: Actor) -> Actor:
    """``actor``, read afresh if it is a hint; ``StaleActor`` when the login or the grants
    changed since the hint was read (the web layer then reads them itself and asks again)."""
    if not actor.is_hint:
        return actor
    login = load_session_login(session, actor.user_id)
    if (login is None or not login.holds_for(actor.session_version)
            or login.actor.grants != actor.grants):  # fmt: skip
        raise StaleActor()
    return login.actor


# The sign-in point and hours of each project last read by this process. Only a hint: the fast
# insert below repeats every field in its WHERE clause, so a changed point falls back to a fresh
# read and the checks are never made against stale data.
_SITES: dict[int, _Site] = {}


def _officer_scan_fast(
    session, actor: Actor, site: _Site, person_id: int, fix, location_error, now, device
):
    """The usual officer scan in one statement: INSERT … SELECT that inserts only if the officer's
    login is current (account active, the session version of ``actor``) and his sign-in
    officer post on the project in force, the worker is accepted on the project, holds a labour
    contract in force today and is on site today (``domain.roster``), and the project still
    has the point and hours the checks used.
    → the result, or None when anything is unusual (refusal, already signed, point changed):
    the caller then takes the full path, which reads afresh and names the reason."""
    try:
        located, distance = _check_place_and_time(site, fix, location_error, now)
    except SignInRefused:
        return None
    signed_at = now.astimezone(UTC)
    values = dict(
        project_id=site.project_id,
        person_id=person_id,
        method="officer_scan",
        officer_user_id=actor.user_id,
        session_version=actor.session_version,
        officer_post=roles.SIGNIN_OFFICER,
        officer_person_id=actor.person_id,
        officer_lat=located.point.lat,
        officer_lng=located.point.lng,
        accuracy_m=located.accuracy_m,
        distance_m=distance,
        day=sign_in_day(now),
        signed_at=signed_at.replace(tzinfo=None),
        device=(device or "")[:200] or None,
        makeup=False,
    )
    values.update(lat=site.lat, lng=site.lng, radius_m=site.radius_m, start=site.start,
                  end=site.end, project_name=site.project_name)  # fmt: skip
    # As driver SQL on the session's connection, in its transaction (committed by the unit of
    # work): the ORM's execution of the text statement with its typed result columns cost
    # twice as much CPU as the statement itself (bench/signin's docstring).
    row = session.connection().exec_driver_sql(fast_insert_sql(), values).one_or_none()
    if row is None:
        return None
    attendance_id, person_name, id_number, has_photo = row
    # After the insert: the age is known only with the person; the refusal rolls it back.
    _refuse_by_age(_decrypt(id_number), person_name, person_id, now)
    return SignInResult(
        attendance_id, person_id, person_name, site.project_id, site.project_name, signed_at,
        "officer_scan", distance, has_photo,
    )  # fmt: skip


# Written as SQL text: the same statement built with SQLAlchemy's INSERT … FROM SELECT … ON
# CONFLICT inside a CTE has no cache key, so it was compiled on every sign-in (~3 ms).
_FAST_INSERT = text("""
WITH inserted AS (
    INSERT INTO attendance (unit_id, project_id, person_id, method, officer_person_id,
                            officer_lat, officer_lng, accuracy_m, distance_m, day, signed_at,
                            device, makeup)
    SELECT assignment.unit_id, :project_id, :person_id, :method, :officer_person_id,
           :officer_lat, :officer_lng, :accuracy_m, :distance_m, :day, :signed_at,
           :device, :makeup
    FROM assignment JOIN project ON project.id = assignment.project_id
         JOIN unit ON unit.id = assignment.unit_id
    WHERE assignment.project_id = :project_id AND assignment.person_id = :person_id
      AND assignment.state = 'accepted'
      AND assignment.entered_on <= :day
      AND (assignment.exited_on IS NULL OR assignment.exited_on >= :day)
      AND EXISTS (SELECT 1 FROM labour_contract
                  WHERE labour_contract.person_id = assignment.person_id
                    AND labour_contract.enterprise_id = unit.enterprise_id
                    AND labour_contract.starts_on <= :day
                    AND labour_contract.effective_until >= :day)
      AND EXISTS (SELECT 1 FROM "user" JOIN authorisation
                      ON authorisation.person_id = "user".person_id
                  WHERE "user".id = :officer_user_id AND "user".is_active
                    AND "user".person_id = :officer_person_id
                    AND "user".session_version = COALESCE(CAST(:session_version AS INTEGER),
                                                          "user".session_version)
                    AND authorisation.project_id = :project_id
                    AND authorisation.post = :officer_post
                    AND authorisation.revoked_at IS NULL)
      AND project.signin_lat = :lat AND project.signin_lng = :lng
      AND project.signin_radius_m = :radius_m AND project.signin_start = :start
      AND project.signin_end = :end AND project.name = :project_name
    ON CONFLICT (person_id, project_id, day) DO NOTHING
    RETURNING attendance.id, attendance.person_id
)
SELECT inserted.id, person.name AS person_name, person.id_number,
       EXISTS (SELECT 1 FROM person_photo WHERE person_photo.person_id = inserted.person_id)
           AS has_photo
FROM inserted JOIN person ON person.id = inserted.person_id
""")


@cache
def fast_insert_sql() -> str:
    """``_FAST_INSERT`` as psycopg's text (``%(name)s`` parameters), compiled once."""
    return str(_FAST_INSERT.compile(dialect=postgresql.dialect(paramstyle="pyformat")))


def _decrypt(stored: str) -> str:
    """A column of ``Encrypted`` (domain/personal_data.py) read past SQLAlchemy's types."""
    return keyring().decrypt(stored) if stored else stored


def sign_in_by_worker_scan(
    session: Session,
    actor: Actor,
    token: str,
    fix: LocationFix | None,
    now: datetime,
    device: str | None,
    *,
    codes: CodeCheck,
    location_error: str | None = None,
) -> SignInResult:
    """工人扫班前签到员建设码: the worker (``actor``) scans an officer's code with his phone."""
    claims = verify_code(codes.public_key, token, now, codes.skew_seconds)
    person_id = actor.person_id
    if person_id is None:
        raise SignInRefused("not_accepted")
    sites = _officer_sites_for_worker(session, actor, claims.person_id)
    if not sites:
        raise SignInRefused("not_accepted")
    site, unit_id = _nearest(sites, fix)
    person = session.get(Person, person_id)
    if person is not None:
        _refuse_by_age(person.id_number, person.name, person_id, now)
        _refuse_off_site(session, site.project_id, person_id, person.name, now)
    try:
        located, distance = _check_place_and_time(site, fix, location_error, now)
    except SignInRefused:
        _refuse_if_signed(session, person_id, site.project_id, now)
        raise
    values = dict(
        project_id=site.project_id,
        unit_id=unit_id,
        person_id=person_id,
        method="worker_scan",
        officer_person_id=claims.person_id,
        worker_lat=located.point.lat,
        worker_lng=located.point.lng,
        accuracy_m=located.accuracy_m,
        distance_m=distance,
    )
    return _record(session, site, actor.name, values, now, device)


def _officer_sites_for_worker(session, actor: Actor, officer_person_id: int):
    """Projects where the code's holder is an active officer and the worker is accepted."""
    accepted = {g.project_id: g.unit_id for g in actor.grants if g.role == roles.WORKER}
    officer_on = session.execute(
        select(*_SITE_COLUMNS)
        .join(Authorisation, Authorisation.project_id == Project.id)
        .where(
            Authorisation.person_id == officer_person_id,
            Authorisation.post == roles.SIGNIN_OFFICER,
            Authorisation.revoked_at.is_(None),
        )
    ).all()
    if not officer_on:
        raise SignInRefused("officer_not_authorised")
    return [(_Site(*r), accepted[r.id]) for r in officer_on if r.id in accepted]


def _nearest(sites, fix: LocationFix | None):
    """With several shared projects, the one whose point is nearest to the worker (rare)."""
    if len(sites) == 1 or fix is None:
        return sites[0]

    def distance(entry):
        point = entry[0].point
        return float("inf") if point is None else check_range(point, 0, fix).distance_m

    return min(sites, key=distance)


def _refuse_if_signed(session, person_id: int, project_id: int, now: datetime) -> None:
    """A refused scan of someone already signed today says so instead (e.g. at 13:00)."""
    first = _first_sign_in(session, person_id, project_id, sign_in_day(now))
    if first is not None:
        raise SignInRefused("already_signed", time=clock_label(first))


def _first_sign_in(session, person_id: int, project_id: int, day: date) -> datetime | None:
    signed_at = session.scalar(
        select(Attendance.signed_at).where(
            Attendance.person_id == person_id,
            Attendance.project_id == project_id,
            Attendance.day == day,
        )
    )
    return None if signed_at is None else signed_at.replace(tzinfo=UTC)


def _record(session, site: _Site, name: str, values: dict, now: datetime, device) -> SignInResult:
    signed_at = now.astimezone(UTC)
    values.update(
        day=sign_in_day(now),
        signed_at=signed_at.replace(tzinfo=None),
        device=(device or "")[:200] or None,
        makeup=False,
    )
    new_id = insert_once(session, values)
    if new_id is None:
        session.rollback()
        first = _first_sign_in(session, values["person_id"], site.project_id, values["day"])
        raise SignInRefused("already_signed", time=clock_label(first or signed_at))
    return SignInResult(
        new_id,
        values["person_id"],
        name,
        site.project_id,
        site.project_name,
        signed_at,
        values["method"],
        values["distance_m"],
    )


def insert_once(session: Session, values: dict) -> int | None:
    """Insert an attendance row unless the worker already has one that day; → new id or None."""
    dialect = session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        module = postgresql if dialect == "postgresql" else sqlite
        stmt = (
            module.insert(Attendance)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["person_id", "project_id", "day"])
            .returning(Attendance.id)
        )
        return session.execute(stmt).scalar()
    try:
        with session.begin_nested():
            # An INSERT's result is a CursorResult; Session.execute is typed as Result.
            result = cast(CursorResult, session.execute(insert(Attendance).values(**values)))
            key = result.inserted_primary_key
            assert key is not None  # set by every single-row INSERT
            return key[0]
    except IntegrityError:  # the unique constraint: someone else was first
        return None


@dataclass(frozen=True)
class SavedPoint:
    """The project with its new sign-in point, and what to tell the manager about it."""

    project: Project
    notes: PointNotes


def set_signin_point(
    session: Session,
    actor: Actor,
    project_id: int,
    lng: float | str | None,
    lat: float | str | None,
    system: str = "gcj02",
    radius: int | str | None = 300,
    start: str | None = None,
    end: str | None = None,
    *,
    point: str | None = None,
    confirm: bool = True,
) -> SavedPoint:
    """项目班前签到定位调整 → 手动录入坐标: store the point as WGS-84 (exact inverse) and as
    typed. ``point`` is the one field of the page (any form ``point_input`` reads); without it
    ``lng`` and ``lat`` are the two numbers. A point outside Shanghai or more than 1 km from the
    previous one is refused until ``confirm`` (仍然保存); the notes say why, and a swap.
    """
    project = get_project(session, project_id)
    actor.must("set_signin_point", project_id)
    system = str(system or "gcj02")
    if system not in SYSTEMS:
        raise InvalidInput("invalid_system", BAD_SYSTEM, field="system")
    lo, hi = RADIUS_RANGE_M
    radius = inputs.whole_number(radius, "radius", RADIUS, default=300)
    if radius is None or not lo <= radius <= hi:
        raise InvalidInput("invalid_radius", BAD_RADIUS, field="radius", lo=lo, hi=hi)
    typed = _typed_point(point, lng, lat)
    try:
        wgs = to_wgs84(typed.lng, typed.lat, system)
    except (ValueError, TypeError):
        raise InvalidInput("invalid_coordinates", BAD_COORD, field="lng", fields=("lat",)) from None
    start, end = start or project.signin_start, end or project.signin_end
    for name, value in (("start", start), ("end", end)):
        if not _CLOCK.match(str(value)):
            raise InvalidInput("invalid_hours", BAD_HOURS, field=name)
    try:
        project_hours(start, end)
    except ValueError:
        raise InvalidInput("invalid_hours", BAD_HOURS, field="start", fields=("end",)) from None
    previous = None if project.signin_lat is None or project.signin_lng is None else Point(
        project.signin_lat, project.signin_lng)  # fmt: skip
    notes = point_notes(typed, wgs, previous)
    if not confirm and any(n.needs_confirm for n in notes):
        raise Conflict("point_needs_confirm", NEEDS_CONFIRM, field="confirm", notes=notes)
    before = snapshot(project)
    project.signin_lat, project.signin_lng = round(wgs.lat, 8), round(wgs.lng, 8)
    project.signin_typed_lat, project.signin_typed_lng = typed.lat, typed.lng
    project.signin_typed_system = system
    project.signin_radius_m = radius
    project.signin_start, project.signin_end = start, end
    record(session, actor.user_id, "signin.point_set", project, before, project_id=project.id)
    return SavedPoint(project, notes)


def _typed_point(point: str | None, lng, lat) -> TypedPoint:
    if point is not None and str(point).strip():
        return parse_point(point)
    return TypedPoint(_coordinate(lng, "lng"), _coordinate(lat, "lat"))


def _coordinate(raw, field: str) -> float:
    try:
        value = inputs.decimal_number(raw, field)
    except InvalidInput:
        value = None
    if value is None:
        raise InvalidInput("invalid_coordinates", BAD_COORD, field=field)
    return value


def point_views(project: Project) -> dict[str, Point] | None:
    """The stored WGS-84 point as shown in each coordinate system (None when not set)."""
    if project.signin_lat is None or project.signin_lng is None:
        return None
    wgs = Point(project.signin_lat, project.signin_lng)
    return {system: from_wgs84(wgs, system) for system in SYSTEMS}


def check_point_at(project: Project, fix: LocationFix | None, location_error: str | None = None):
    """ "Test at my location" for the manager: the range rule applied to his phone's fix."""
    point = point_views(project)
    if point is None:
        raise SignInRefused("point_not_set")
    return check_range(point["wgs84"], project.signin_radius_m, _fix_or_refuse(fix, location_error))


@dataclass(frozen=True)
class WorkerDay:
    """A worker's sign-in day on one project before he scans: the hours, whether they are open
    now, and his sign-in today (so the page says 今日已签到 07:12 and keeps the button grey)."""

    project_id: int
    hours: str  # "04:00–12:00"
    open_now: bool
    signed_at: datetime | None  # UTC

    @property
    def refusal(self) -> SignInRefused | None:
        """Why he cannot sign in now, whatever his location (None: he can, once inside)."""
        if self.signed_at is not None:
            return SignInRefused("already_signed", time=clock_label(self.signed_at))
        if not self.open_now:
            start, _, end = self.hours.partition("–")
            return SignInRefused("outside_hours", start=start, end=end)
        return None


def worker_days(session: Session, person_id: int, projects: list[Project], now: datetime):
    """``WorkerDay`` of each project (in order) for the person at ``now``."""
    day = sign_in_day(now)
    ids = [p.id for p in projects]
    signed = dict(session.execute(select(Attendance.project_id, Attendance.signed_at).where(
        Attendance.person_id == person_id, Attendance.day == day,
        Attendance.project_id.in_(ids))).tuples().all())  # fmt: skip
    return [
        WorkerDay(p.id, f"{p.signin_start}–{p.signin_end}",
                  within_hours(now, project_hours(p.signin_start, p.signin_end)),
                  signed[p.id].replace(tzinfo=UTC) if p.id in signed else None)  # fmt: skip
        for p in projects
    ]
