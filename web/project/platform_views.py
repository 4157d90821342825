"""平台同步: each object's state on the national workers' platform, with 重新上传."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from domain import realname, roles
from services import platform
from web.access import guard
from web.extensions import db
from web.project import bp
from web.runtime import uow

KIND_LABELS = {
    "participant": _l("参建单位"), "team": _l("班组"), "worker": _l("项目工人"),
    "contract": _l("劳动合同"), "entry_exit": _l("进退场"), "attendance": _l("考勤"),
    "payroll": _l("工资单"),
}  # fmt: skip
STATE_LABELS = {"not_sent": _l("未上传"), "pending": _l("平台处理中"), "accepted": _l("已接收"),
                "refused": _l("被退回")}  # fmt: skip


@bp.get("/projects/<int:project_id>/platform")
@guard(*roles.GC_SIDE)
def platform_sync(project_id: int):
    kind, state = request.args.get("kind", ""), request.args.get("state", "")
    return render_template("project/platform.html", project=realname.get_project(db.session, project_id),
                           kind_labels=KIND_LABELS, state_labels=STATE_LABELS, kind=kind, state=state,
                           **platform.overview(uow(), g.actor, project_id, kind, state))  # fmt: skip


@bp.post("/projects/<int:project_id>/platform/<int:sync_id>/resend")
@guard(*roles.GC_SIDE)
def platform_resend(project_id: int, sync_id: int):
    platform.resend(uow(), g.actor, project_id, sync_id)
    flash(_("已安排重新上传，下一轮上传时发送"), "success")
    return redirect(url_for(".platform_sync", project_id=project_id, state="refused"))
