from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

import engine
from domain.model import Project
from services import tasks
from web.access import guard
from web.extensions import db
from web.forms import int_arg
from web.inbox import bp
from web.runtime import uow, wiring


@bp.route("/inbox")
@guard()
def inbox():
    """待办: every open task the user may do now, across projects, oldest first."""
    grants = tasks.engine_grants(g.actor)
    project_id = int_arg("project_id", request.args)
    items = engine.list_inbox(
        db.session, grants, project_id=project_id,
        process_id=request.args.get("process") or None, name=request.args.get("q") or None,
    )  # fmt: skip
    counts = engine.inbox_counts(db.session, grants)
    return render_template("inbox/inbox.html", items=items, counts=counts, project_id=project_id,
                           projects=_project_names(items))  # fmt: skip


def _project_names(items) -> dict[int, str]:
    ids = {i.project_id for i in items if i.project_id}
    return {p.id: p.name for p in (db.session.get(Project, pid) for pid in ids) if p}


@bp.route("/tasks/<int:human_task_id>", methods=["GET", "POST"])
@guard()
def task(human_task_id: int):
    """The generic task page: instructions, declared fields, or approve/reject + comment.

    Completing here runs the task's handler like every other route; a task that can only be
    done on its own page (signing) is refused here with a link to that page.
    """
    form = tasks.task_form(uow(), g.actor, human_task_id)
    handler = wiring().task_handlers.get(form.process_id, form.bpmn_id)
    own_page = handler.page if handler and handler.page else None
    if request.method == "POST":
        tasks.complete_task(uow(), g.actor, human_task_id, request.form.to_dict(),
                            route=tasks.GENERIC)  # fmt: skip
        flash(_("任务已提交"), "success")
        return redirect(url_for(".inbox"))
    return render_template(
        "inbox/task.html", form=form, instructions=render_instructions(form.instructions, form.data),
        own_page=url_for(own_page, human_task_id=human_task_id) if own_page else None,
        page_only=bool(handler and handler.page_only),
    )  # fmt: skip


_sandbox = SandboxedEnvironment(autoescape=True)


def render_instructions(template: str, data: dict) -> Markup | str:
    """Instructions from the diagram may show task data ({{ unit['name'] }}), sandboxed."""
    try:
        return Markup(_sandbox.from_string(template).render(**data))
    except Exception:  # a diagram author's typo must not break the page
        return template
