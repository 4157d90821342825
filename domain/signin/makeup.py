"""Make-up sign-in (补签): a worker's request, decided by the GC manager in ``makeup_signin.bpmn``.

``request_makeup`` records the request (the web layer then starts the process with its id);
``decide_makeup`` is what the BPMN's service task ``signin/DecideMakeup`` applies: an approval
adds the day's attendance record marked as make-up (unless the worker signed in after all).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import gates, inputs
from domain.access import Actor
from domain.audit import record, snapshot
from domain.clock import SHANGHAI
from domain.db import utcnow
from domain.errors import Conflict, InvalidInput, NotFound
from domain.i18n import Text
from domain.model import Assignment, Person, Project, Unit
from domain.payroll.model import Compilation, WageBatch
from domain.payroll.period import MONTH_END, check_settlement_day, month_label
from domain.roster import site as roster_site
from domain.signin.model import Attendance, MakeupRequest
from domain.signin.service import insert_once

PROCESS_ID = "makeup_signin"
NOT_ON_PROJECT = Text("您不是该项目已接收的工人", "You are not an accepted worker of this project")
BAD_DAY = Text("补签日期不能是今天以后", "The make-up date cannot be in the future")
NO_REASON = Text("请填写补签原因", "Please give a reason")
ALREADY = Text("{day} 已有签到记录，无需补签", "There is already a sign-in on {day}")
PENDING = Text("{day} 的补签申请正在审核中", "A make-up request for {day} is being reviewed")
UNKNOWN = Text("找不到该补签申请", "Unknown make-up request")
NO_DAY = Text("请选择补签日期", "Please choose the date")
TOO_OLD = Text(
    "只能申请最近 {days} 天内的补签，{day} 已超出期限",
    "A make-up can only be asked for the last {days} days; {day} is too long ago",
)
PERIOD_CLOSED = Text(
    "{day} 所在的 {month} 工资表已提交或已发放，不能再补签",
    "The {month} wage table covering {day} is already submitted or paid: no make-up for it",
)
NO_DECISION_REASON = Text("驳回补签申请时须填写原因", "A reason is required to reject the request")
WINDOW_DAYS = 31  # default of ZHUXIN_MAKEUP_WINDOW_DAYS
OPEN_TABLE_STATES = ("draft", "rejected")  # a table still being compiled takes a make-up
DAY = Text("补签日期", "Date")


def request_makeup(
    session: Session,
    actor: Actor,
    project_id: int | str,
    day: date | str,
    reason: str,
    today: date,
    window_days: int = WINDOW_DAYS,
) -> MakeupRequest:
    """补签申请: the logged-in worker asks for a make-up sign-in on ``day`` (the project and
    the day may be given as posted: they are parsed here), at most ``window_days`` back and
    only while that day's pay period is not yet submitted."""
    project = inputs.whole_number(project_id, "project_id", lo=0)
    if project is None or not actor.may("request_makeup", project) or actor.person_id is None:
        raise InvalidInput("not_on_project", NOT_ON_PROJECT, field="project_id")
    project_id = project
    asked = inputs.iso_day(day, "day", DAY)
    if asked is None:
        raise InvalidInput("day_required", NO_DAY, field="day")
    day = asked
    if day > today:
        raise InvalidInput("day_in_future", BAD_DAY, field="day")
    if day < today - timedelta(days=window_days):
        raise InvalidInput("makeup_too_old", TOO_OLD, field="day", days=window_days,
                           day=day.isoformat())  # fmt: skip
    reason = (reason or "").strip()[:300]
    if not reason:
        raise InvalidInput("reason_required", NO_REASON, field="reason")
    person = session.get(Person, actor.person_id)
    if person is not None:  # the sign-in's gates, on the day asked for
        gates.refuse_on_site(person.id_number, day, person.name, field="day")
        roster_site.refuse_off_site(session, project_id, person.id, day, field="day")
    refuse_closed_period(session, project_id, actor.person_id, day)
    key = (Attendance.person_id == actor.person_id, Attendance.project_id == project_id)
    if session.scalar(select(Attendance.id).where(*key, Attendance.day == day)):
        raise Conflict("already_signed", ALREADY, field="day", day=day.isoformat())
    pending = select(MakeupRequest.id).where(
        MakeupRequest.person_id == actor.person_id,
        MakeupRequest.project_id == project_id,
        MakeupRequest.day == day,
        MakeupRequest.state == "pending",
    )
    if session.scalar(pending):
        raise Conflict("makeup_pending", PENDING, field="day", day=day.isoformat())
    req = MakeupRequest(
        project_id=project_id,
        person_id=actor.person_id,
        day=day,
        reason=reason,
        requested_by=actor.user_id,
    )
    session.add(req)
    record(session, actor.user_id, "signin.makeup_request", req)
    return req


def pay_month_of(day: date, settlement_day: int | None) -> str:
    """The pay month ("2025-11") whose period covers ``day`` (settlement day 25: 26 Oct – 25
    Nov is November)."""
    settle = check_settlement_day(settlement_day)
    first = day.replace(day=1)
    if settle != MONTH_END and day.day > settle:
        first = (first + timedelta(days=32)).replace(day=1)
    return f"{first.year:04d}-{first.month:02d}"


def refuse_closed_period(session: Session, project_id: int, person_id: int, day: date) -> None:
    """Refuse a make-up for a day whose pay month's table of his unit has left compiling
    (submitted, approved, paid), or whose batch has: the table would no longer count it."""
    project = session.get(Project, project_id)
    month = pay_month_of(day, project.settlement_day if project else None)
    unit_id = session.scalar(select(Assignment.unit_id).where(
        Assignment.person_id == person_id, Assignment.project_id == project_id))  # fmt: skip
    closed = select(WageBatch.id).join(Compilation, Compilation.batch_id == WageBatch.id).where(
        WageBatch.project_id == project_id, WageBatch.pay_month == month,
        Compilation.unit_id == unit_id,
        (Compilation.state.not_in(OPEN_TABLE_STATES)) | (WageBatch.state != "compiling"),
    )  # fmt: skip
    if session.scalar(closed.limit(1)) is not None:
        raise Conflict("makeup_period_closed", PERIOD_CLOSED, field="day", day=day.isoformat(),
                       month=month_label(month))  # fmt: skip


def decide_makeup(session: Session, request_id: int, approved: bool, comment: str = "",
                  decided_by: int | None = None) -> dict:  # fmt: skip
    """Apply the GC manager's decision, recorded as his (``decided_by``, the audit entry's
    actor); safe to run twice: the review task's handler applies it, then the BPMN's
    ``signin/DecideMakeup`` finds it decided (and a retried connector too)."""
    req = session.get(MakeupRequest, request_id)
    if req is None:
        raise NotFound("unknown_makeup_request", UNKNOWN)
    if req.state != "pending":
        return {"state": req.state, "attendance_id": _attendance_id(session, req)}
    comment = (comment or "").strip()[:300]
    if not approved and not comment:
        raise InvalidInput("reason_required", NO_DECISION_REASON, field="comment")
    if approved:  # the day's table may have been submitted since he asked
        refuse_closed_period(session, req.project_id, req.person_id, req.day)
    before = snapshot(req)
    req.state = "approved" if approved else "rejected"
    req.decided_at, req.decision_note, req.decided_by = utcnow(), comment or None, decided_by
    attendance_id = None
    if approved:
        attendance_id = _add_makeup_record(session, req)
    record(session, decided_by, "signin.makeup_decide", req, before, project_id=req.project_id)
    session.flush()
    return {"state": req.state, "attendance_id": attendance_id}


def _add_makeup_record(session: Session, req: MakeupRequest) -> int | None:
    unit_id = session.scalar(
        select(Assignment.unit_id).where(
            Assignment.person_id == req.person_id, Assignment.project_id == req.project_id
        )
    )
    noon = datetime.combine(req.day, time(12, 0), SHANGHAI).astimezone(UTC).replace(tzinfo=None)
    values = dict(
        project_id=req.project_id,
        unit_id=unit_id,
        person_id=req.person_id,
        day=req.day,
        signed_at=noon,
        method="makeup",
        makeup=True,
        makeup_request_id=req.id,
        device="makeup",
    )
    return insert_once(session, values) or _attendance_id(session, req)


def _attendance_id(session: Session, req: MakeupRequest) -> int | None:
    return session.scalar(
        select(Attendance.id).where(
            Attendance.person_id == req.person_id,
            Attendance.project_id == req.project_id,
            Attendance.day == req.day,
        )
    )


def my_requests(session: Session, actor: Actor) -> list[MakeupRequest]:
    return list(
        session.scalars(
            select(MakeupRequest)
            .where(MakeupRequest.person_id == actor.person_id)
            .order_by(MakeupRequest.id.desc())
            .limit(50)
        )
    )


AROUND_DAYS = 3  # the reviewer sees the worker's sign-ins this many days either side


@dataclass(frozen=True)
class DayOnSite:
    """One day around the asked one: his sign-in then (None = none) and whether it is asked."""

    day: date
    signed_at: datetime | None  # UTC, naive as stored
    makeup: bool
    asked: bool


@dataclass(frozen=True)
class MakeupReview:
    """What the GC manager checks before deciding (审核补签申请): who, when, why, and the days
    around it."""

    request: MakeupRequest
    unit_name: str
    days: tuple[DayOnSite, ...]


def review_of(session: Session, request_id: int, around: int = AROUND_DAYS) -> MakeupReview:
    req = session.get(MakeupRequest, request_id)
    if req is None:
        raise NotFound("unknown_makeup_request", UNKNOWN)
    unit_name = session.scalar(
        select(Unit.name).join(Assignment, Assignment.unit_id == Unit.id).where(
            Assignment.person_id == req.person_id, Assignment.project_id == req.project_id)
    )  # fmt: skip
    first, last = req.day - timedelta(days=around), req.day + timedelta(days=around)
    rows = session.scalars(select(Attendance).where(
        Attendance.person_id == req.person_id, Attendance.project_id == req.project_id,
        Attendance.day.between(first, last)))  # fmt: skip
    by_day = {a.day: a for a in rows}
    days = tuple(
        DayOnSite(d, a.signed_at if a else None, bool(a and a.makeup), d == req.day)
        for d in (first + timedelta(days=i) for i in range(2 * around + 1))
        for a in [by_day.get(d)]
    )
    return MakeupReview(req, unit_name or "", days)
