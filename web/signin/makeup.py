"""Starting a make-up request's process (``makeup_signin``) from the worker's form."""

from flask_login import current_user

import engine
from domain.model import Assignment, Project
from domain.signin import makeup
from domain.signin.hours import SHANGHAI
from web.signin.common import now


def start_makeup(session, actor, form) -> int:
    """Record the request and start its process instance in one transaction."""
    today = now().astimezone(SHANGHAI).date()
    req = makeup.request_makeup(
        session, actor, form.get("project_id", ""), form.get("day", ""), form.get("reason", ""),
        today,
    )  # fmt: skip
    project_id, day = req.project_id, req.day
    session.flush()
    unit_id = (
        session.query(Assignment.unit_id)
        .filter_by(person_id=actor.person_id, project_id=project_id)
        .scalar()
    )
    data = {
        "request_id": req.id,
        "project_id": project_id,
        "unit_id": unit_id,
        "project_name": session.get(Project, project_id).name,
        "worker_name": actor.name,
        "day": day.isoformat(),
        "reason": req.reason,
    }
    instance_id = engine.start_instance(
        session,
        makeup.PROCESS_ID,
        data=data,
        business_key=f"makeup-{req.id}",
        started_by=current_user.username,
    )
    req.process_instance_id = instance_id
    session.commit()
    return instance_id
