"""Sign-in use cases (班前签到): make-up requests and their review; each is one unit of work.

The scans themselves (``domain.signin.service``) are their own unit of work already: one
INSERT … ON CONFLICT per accepted sign-in, committed before the answer (the hot path).
"""

from __future__ import annotations

import engine
from domain.access import Actor
from domain.clock import SHANGHAI
from domain.model import Assignment, Project
from domain.signin import makeup, service
from services.tasks import OpenTask, TaskHandler, TaskHandlers, decision
from services.uow import UnitOfWork, use_case


@use_case
def request_makeup(uow: UnitOfWork, actor: Actor, form: dict) -> int:
    """补签申请: record the request and start its ``makeup_signin`` process together."""
    session = uow.session
    today = uow.clock().astimezone(SHANGHAI).date()
    window = int(uow.settings.get("ZHUXIN_MAKEUP_WINDOW_DAYS", makeup.WINDOW_DAYS))
    req = makeup.request_makeup(session, actor, form.get("project_id", ""), form.get("day", ""),
                                form.get("reason", ""), today, window)  # fmt: skip
    project_id, day = req.project_id, req.day
    session.flush()
    unit_id = session.query(Assignment.unit_id).filter_by(
        person_id=actor.person_id, project_id=project_id
    ).scalar()
    project = session.get(Project, project_id)
    data = {
        "request_id": req.id, "project_id": project_id, "unit_id": unit_id,
        "project_name": project.name if project else "", "worker_name": actor.name,
        "day": day.isoformat(), "reason": req.reason,
    }  # fmt: skip
    instance_id = engine.start_instance(session, makeup.PROCESS_ID, data=data,
                                        business_key=f"makeup-{req.id}",
                                        started_by=actor.username)  # fmt: skip
    req.process_instance_id = instance_id
    return instance_id


def review_makeup(uow: UnitOfWork, actor: Actor, task: OpenTask, inputs: dict) -> dict:
    """审核补签申请: approve, or reject with a reason. The decision is applied here, as the
    reviewer's (``decided_by``, the audit entry), on every route that completes the task;
    ``signin/DecideMakeup`` then finds it decided."""
    approved, comment = decision(inputs)  # a rejection without a reason is refused there
    makeup.decide_makeup(uow.session, int(task.data["request_id"]), approved, comment,
                         decided_by=actor.user_id)  # fmt: skip
    return {"approved": approved, "comment": comment}


def register(handlers: TaskHandlers) -> None:
    handlers.register(makeup.PROCESS_ID, "review_makeup",
                      TaskHandler(review_makeup, page="signin.makeup_task"))  # fmt: skip


@use_case
def worker_scan(uow: UnitOfWork, actor: Actor, token: str, fix, now, device, *, codes,
                location_error=None):  # fmt: skip
    """工人扫签到员建设码: one sign-in, committed before the answer."""
    return service.sign_in_by_worker_scan(uow.session, actor, token, fix, now, device,
                                          codes=codes, location_error=location_error)  # fmt: skip


@use_case
def officer_scan(uow: UnitOfWork, actor: Actor, project_id: int, token: str, fix, now, device, *,
                 codes, location_error=None):  # fmt: skip
    """班前签到员扫工人建设码: one sign-in, committed before the answer."""
    return service.sign_in_by_officer_scan(uow.session, actor, project_id, token, fix, now,
                                           device, codes=codes, location_error=location_error)  # fmt: skip


@use_case
def set_signin_point(uow: UnitOfWork, actor: Actor, project_id: int, *args, **kwargs):
    """手动录入坐标: the project's sign-in point, radius and hours."""
    return service.set_signin_point(uow.session, actor, project_id, *args, **kwargs)
