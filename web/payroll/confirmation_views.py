"""工人确认 (条例 Art. 31) on the operator's side: answer a dispute (处理异议), upload a worker's
signed paper confirmation (纸质确认) and see it, and the GC manager's on/off setting.  The
worker's side (确认无误 / 有异议) is in ``worker_views``."""

from flask import Response, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from domain import roles
from domain.payroll import confirmation
from domain.payroll.model import WageLineRow
from engine.inbox import check_may_act, get_human_task
from services import confirmation as confirm_cases
from services import tasks
from web.access import guard
from web.extensions import db
from web.payroll import bp
from web.payroll.views import BASE
from web.runtime import uow


def _to_line(project_id: int, line_id: int):
    line = db.session.get(WageLineRow, line_id)
    comp_id = line.compilation_id if line is not None else 0
    return redirect(url_for(".compilation", project_id=project_id, compilation_id=comp_id,
                            _anchor=f"confirm-{line_id}"))  # fmt: skip


@bp.post(BASE + "/lines/<int:line_id>/resolve")
@guard(*roles.OPERATORS)
def line_resolve(project_id: int, line_id: int):
    """处理工资异议: the operator's answer completes the line's dispute task."""
    confirmation.line_in_project(db.session, line_id, project_id)
    confirm_cases.resolve_dispute(uow(), g.actor, line_id, request.form.get("resolution", ""))
    flash(_("已答复异议，工人将重新确认"), "success")
    return _to_line(project_id, line_id)


@bp.post(BASE + "/lines/<int:line_id>/paper")
@guard(*roles.OPERATORS)
def line_paper_upload(project_id: int, line_id: int):
    """纸质确认: upload the worker's signed confirmation (PDF, JPEG or PNG)."""
    confirmation.line_in_project(db.session, line_id, project_id)
    upload = request.files.get("paper")
    data = upload.read(confirmation.PAPER_MAX_BYTES + 1) if upload is not None else b""
    confirm_cases.upload_paper(uow(), g.actor, line_id, data)
    flash(_("已上传纸质确认单"), "success")
    return _to_line(project_id, line_id)


@bp.get(BASE + "/lines/<int:line_id>/paper")
@guard(*roles.PROJECT_VIEWERS)
def line_paper(project_id: int, line_id: int):
    """The uploaded paper confirmation of a line, as uploaded."""
    confirmation.line_in_project(db.session, line_id, project_id)
    paper = confirmation.paper_of(db.session, g.actor, line_id)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg"}.get(paper.content_type, "png")
    return Response(paper.content, mimetype=paper.content_type, headers={
        "Content-Disposition": f"inline; filename=confirmation-{line_id}.{extension}"})  # fmt: skip


@bp.post(BASE + "/line-confirmation")
@guard(roles.GC_MANAGER)
def line_confirmation_setting(project_id: int):
    """工人确认工资后方可提交审核: on or off (GC manager only, audited)."""
    on = request.form.get("line_confirmation_required") == "1"
    confirm_cases.set_required(uow(), g.actor, project_id, on)
    flash(_("已开启工人确认") if on else _("已关闭工人确认"), "success")
    return redirect(url_for(".settlement", project_id=project_id))


@bp.get("/payroll/disputes/<int:human_task_id>")
@guard()
def dispute_task(human_task_id: int):
    """Inbox link of a dispute: the line on its unit's compile page, with the answer form."""
    row = get_human_task(db.session, human_task_id)
    check_may_act(row, tasks.engine_grants(g.actor))
    form = tasks.task_form(uow(), g.actor, human_task_id)
    return _to_line(int(row.project_id or 0), int(form.data.get("line_id") or 0))
