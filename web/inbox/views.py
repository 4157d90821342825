from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

import engine
from domain.errors import InvalidInput
from domain.i18n import Text
from web.access import guard
from web.extensions import db
from web.forms import int_arg
from web.inbox import bp
from web.runtime import engine_grants
from web.task_pages import TASK_PAGES

BAD_FORM = Text("表单填写有误：{detail}", "The form has an error: {detail}")


def task_url(item) -> str:
    endpoint = TASK_PAGES.get(item.bpmn_id, "inbox.task")
    return url_for(endpoint, human_task_id=item.id)


@bp.route("/inbox")
@guard()
def inbox():
    """待办: every open task the user may do now, across projects, oldest first."""
    grants = engine_grants(g.actor)
    project_id = int_arg("project_id", request.args)
    items = engine.list_inbox(
        db.session, grants, project_id=project_id,
        process_id=request.args.get("process") or None, name=request.args.get("q") or None,
    )  # fmt: skip
    counts = engine.inbox_counts(db.session, grants)
    return render_template("inbox/inbox.html", items=items, counts=counts, task_url=task_url,
                           project_id=project_id, projects=_project_names(items))  # fmt: skip


def _project_names(items) -> dict[int, str]:
    from domain.model import Project

    ids = {i.project_id for i in items if i.project_id}
    return {p.id: p.name for p in (db.session.get(Project, pid) for pid in ids) if p}


@bp.route("/tasks/<int:human_task_id>", methods=["GET", "POST"])
@guard()
def task(human_task_id: int):
    """The generic task page: instructions, declared fields, or approve/reject + comment."""
    grants = engine_grants(g.actor)
    form = engine.task_form(db.session, human_task_id, grants)
    if request.method == "POST":
        try:
            data = engine.form_to_data(form, request.form.to_dict())
        except ValueError as err:
            raise InvalidInput(BAD_FORM, detail=str(err)) from None
        engine.complete_task(db.session, human_task_id, data, user=current_username(),
                             grants=grants)  # fmt: skip
        flash(_("任务已提交"), "success")
        return redirect(url_for(".inbox"))
    return render_template(
        "inbox/task.html", form=form, instructions=render_instructions(form.instructions, form.data)
    )


_sandbox = SandboxedEnvironment(autoescape=True)


def render_instructions(template: str, data: dict) -> Markup | str:
    """Instructions from the diagram may show task data ({{ unit['name'] }}), sandboxed."""
    try:
        return Markup(_sandbox.from_string(template).render(**data))
    except Exception:  # a diagram author's typo must not break the page
        return template


def current_username() -> str:
    from flask_login import current_user

    return current_user.username
