"""Starting a make-up request's process (``makeup_signin``) from the worker's form."""

from datetime import date

from flask_login import current_user

import engine
from domain.clock import today_in_shanghai
from domain.errors import InvalidInput
from domain.i18n import Text
from domain.model import Assignment, Project
from domain.signin import makeup

BAD_DATE = Text("请选择补签日期", "Please choose the date")


def start_makeup(session, actor, form) -> int:
    """Record the request and start its process instance in one transaction."""
    try:
        day = date.fromisoformat(form.get("day", ""))
        project_id = int(form.get("project_id", ""))
    except ValueError:
        raise InvalidInput(BAD_DATE, field="day") from None
    today = today_in_shanghai()
    req = makeup.request_makeup(session, actor, project_id, day, form.get("reason", ""), today)
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
