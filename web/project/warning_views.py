"""预警: the warnings of every project of the user (/warnings) and of one project, each linked to
the page where it is dealt with; and the counts on the project page."""

from types import SimpleNamespace

from flask import g, render_template, url_for
from werkzeug.routing import BuildError

from domain import roles
from domain.model import Project
from domain.notifications import Target
from domain.realname import get_project
from domain.warnings import SEVERITY_LABELS, SEVERITY_ORDER
from services import warnings
from web.access import guard, refuse
from web.extensions import db
from web.project import bp
from web.runtime import task_url, uow


@bp.route("/warnings")
@guard(*roles.MANAGERS)
def warnings_all():
    """预警 across the user's projects (a subcontractor's manager: his unit's)."""
    return _page(warnings.warnings_for(uow(), g.actor), None)


@bp.route("/projects/<int:project_id>/warnings")
@guard(*roles.MANAGERS)
def warnings_page(project_id: int):
    if not g.actor.may("view_warnings", project_id):
        return refuse(403)
    return _page(warnings.warnings_for(uow(), g.actor, project_id),
                 get_project(db.session, project_id))  # fmt: skip


def _page(found, project):
    names = {p.id: p.name for p in _projects({w.project_id for w in found})}
    by_severity = {s: sum(w.severity == s for w in found) for s in SEVERITY_ORDER}
    return render_template("project/warnings.html", found=found, project=project, names=names,
                           by_severity=by_severity, severity_labels=SEVERITY_LABELS)  # fmt: skip


def _projects(ids):
    return db.session.query(Project).filter(Project.id.in_(sorted(ids))).all() if ids else []


@bp.app_template_global()
def target_url(target: Target | dict | None) -> str | None:
    """The page a warning or a message points at (None when it no longer exists)."""
    if target is None:
        return None
    endpoint, args = (target.endpoint, target.args) if isinstance(target, Target) else (
        target.get("endpoint", ""), target.get("args", {}))  # fmt: skip
    if endpoint == "task":  # an inbox task: its handler's own page, else the generic one
        return task_url(SimpleNamespace(id=args.get("human_task_id"), **_task_ids(args)))
    try:
        return url_for(endpoint, **args)
    except BuildError:
        return None


def _task_ids(args: dict) -> dict:
    return {"process_id": args.get("process_id", ""), "bpmn_id": args.get("bpmn_id", "")}


@bp.app_template_global()
def warning_counts(project_id: int) -> dict[str, int]:
    """The project page's 预警 counts by severity ({} for who may not see them)."""
    return warnings.counts_for(uow(), g.actor, project_id)
