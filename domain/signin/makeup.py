"""Make-up sign-in (补签): a worker's request, decided by the GC manager in ``makeup_signin.bpmn``.

``request_makeup`` records the request (the web layer then starts the process with its id);
``decide_makeup`` is what the BPMN's service task ``signin/DecideMakeup`` applies: an approval
adds the day's attendance record marked as make-up (unless the worker signed in after all).
"""

from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import gates, inputs
from domain.access import Actor
from domain.audit import record, snapshot
from domain.clock import SHANGHAI
from domain.db import utcnow
from domain.errors import Conflict, InvalidInput, NotFound
from domain.i18n import Text
from domain.model import Assignment, Person
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
DAY = Text("补签日期", "Date")


def request_makeup(
    session: Session,
    actor: Actor,
    project_id: int | str,
    day: date | str,
    reason: str,
    today: date,
) -> MakeupRequest:
    """补签申请: the logged-in worker asks for a make-up sign-in on ``day`` (the project and
    the day may be given as posted: they are parsed here)."""
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
    reason = (reason or "").strip()[:300]
    if not reason:
        raise InvalidInput("reason_required", NO_REASON, field="reason")
    person = session.get(Person, actor.person_id)
    if person is not None:  # the sign-in's gates, on the day asked for
        gates.refuse_on_site(person.id_number, day, person.name, field="day")
        roster_site.refuse_off_site(session, project_id, person.id, day, field="day")
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


def decide_makeup(session: Session, request_id: int, approved: bool, comment: str = "") -> dict:
    """Apply the GC manager's decision; safe to run twice (the connector may be retried)."""
    req = session.get(MakeupRequest, request_id)
    if req is None:
        raise NotFound("unknown_makeup_request", UNKNOWN)
    if req.state != "pending":
        return {"state": req.state, "attendance_id": _attendance_id(session, req)}
    before = snapshot(req)
    req.state = "approved" if approved else "rejected"
    req.decided_at, req.decision_note = utcnow(), (comment or "")[:300] or None
    attendance_id = None
    if approved:
        attendance_id = _add_makeup_record(session, req)
    record(session, None, "signin.makeup_decide", req, before)
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
