from dataclasses import replace

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

import engine
from domain import roles
from domain.errors import InvalidInput
from domain.i18n import Text
from domain.paging import page_request, paginate
from services import certificates as certificate_services
from services import editor as editor_services
from services import processes as process_services
from web.access import guard
from web.extensions import db
from web.forms import back_url
from web.inbox import bp
from web.inbox.process_api import masked
from web.runtime import uow

INSTANCE_STATUSES = ("running", "suspended", "completed", "terminated")  # the list's filter
NO_FILE = Text("请选择要部署的 BPMN 文件", "Please choose a BPMN file to deploy")


@bp.route("/admin/processes")
@guard(roles.PROCESS_ADMIN)
def processes():
    """流程管理: deployed versions and recent instances."""
    status = request.args.get("status", "")
    query = engine.instances_query(status=status if status in INSTANCE_STATUSES else None)
    instances = paginate(db.session, query, page_request(request.args))
    return render_template(
        "inbox/processes.html",
        definitions=engine.list_definitions(db.session),
        instances=instances,
        statuses=INSTANCE_STATUSES,
        status=status,
        incidents=engine.list_incidents(db.session),
    )  # fmt: skip


@bp.post("/admin/processes/deploy")
@guard(roles.PROCESS_ADMIN)
def process_deploy():
    """Deploy an uploaded or edited diagram as the next version of its process; an upload may
    hold several files (a BPMN file with its DMN files) and name the main process."""
    documents = [f.read() for f in request.files.getlist("file") if f and f.filename]
    # A form field's line breaks arrive as CRLF (HTML form encoding): the editor's text is LF.
    edited = request.form.get("xml", "").replace("\r\n", "\n")
    if not documents and edited.strip():
        documents = [edited.encode()]
    if not documents:
        raise InvalidInput(NO_FILE, field="file")
    main = request.form.get("main", "").strip() or None
    for definition in process_services.deploy_documents(uow(), documents, by=g.actor.username,
                                                        main=main):  # fmt: skip
        if definition.unchanged:
            flash(_("%(p)s 未改变：已是最新的第 %(v)d 版，未部署新版本", p=definition.process_id,
                    v=definition.version), "info")  # fmt: skip
        else:
            flash(_("已部署 %(p)s 第 %(v)d 版", p=definition.process_id, v=definition.version),
                  "success")  # fmt: skip
    return redirect(url_for(".processes"))


@bp.route("/admin/processes/<int:definition_id>/editor")
@guard(roles.PROCESS_ADMIN)
def process_editor(definition_id: int):
    """The bpmn-js modeler on a deployed version; saving deploys a new version."""
    definition = next(
        (d for d in engine.list_definitions(db.session) if d.id == definition_id), None
    )
    if definition is None:
        raise engine.NotFound(f"definition {definition_id}")
    return render_template("inbox/editor.html", definition=definition)


@bp.route("/admin/instances/<int:instance_id>")
@guard(roles.PROCESS_ADMIN)
def instance(instance_id: int):
    """One instance: state, tasks, jobs, incidents, and its diagram with active tasks marked."""
    return _instance_page(instance_id)


def _instance_page(instance_id: int, plan=None):
    info = engine.describe_instance(db.session, instance_id)
    versions = engine.list_definitions(db.session, info["process_id"])
    definition = next((d for d in versions if d.id == info["definition_id"]), None)
    newer = [d.version for d in versions if definition and d.version > definition.version]
    history = [{**h, "changes": masked(h["changes"])} for h in info["history"]]
    info["data"] = masked(info["data"])  # personal data masked on the page, as in the API
    return render_template("inbox/instance.html", info=info, definition=definition,
                           newer_versions=newer, plan=plan, history=history,
                           marks=editor_services.instance_marks(uow(), instance_id))  # fmt: skip


@bp.post("/admin/instances/<int:instance_id>/migrate")
@guard(roles.PROCESS_ADMIN)
def instance_migrate(instance_id: int):
    """迁移: the dry run shows the plan on the instance page; the move redirects to it."""
    to_version = process_services.target_version(request.form.get("to_version"))
    dry_run = request.form.get("dry_run") == "1"
    plan = process_services.migrate_instance(uow(), instance_id, to_version, dry_run=dry_run,
                                             by=g.actor.username, actor_id=g.actor.user_id,
                                             reason=request.form.get("reason", ""))  # fmt: skip
    if dry_run:
        return _instance_page(instance_id, plan=plan)
    flash(_("已迁移到第 %(v)d 版", v=plan.to_version), "success")
    return redirect(url_for(".instance", instance_id=instance_id))


@bp.post("/admin/instances/<int:instance_id>/<any(suspend, resume, terminate):action>")
@guard(roles.PROCESS_ADMIN)
def instance_control(instance_id: int, action: str):
    """暂停 / 继续 / 终止 (with a reason)."""
    process_services.control_instance(uow(), action, instance_id, by=g.actor.username,
                                      actor_id=g.actor.user_id,
                                      reason=request.form.get("reason", ""))  # fmt: skip
    flash({"suspend": _("流程已暂停"), "resume": _("流程已继续"),
           "terminate": _("流程已终止")}[action], "success")  # fmt: skip
    return redirect(url_for(".instance", instance_id=instance_id))


@bp.route("/admin/incidents")
@guard(roles.PROCESS_ADMIN)
def incidents():
    query = engine.incidents_query(open_only=False)
    incidents = paginate(db.session, query, page_request(request.args), scalars=False)
    second = page_request(request.args, prefix="f_")  # the failures' own pager on the page
    failures = paginate(db.session, engine.failures_query(), second)
    return render_template("inbox/incidents.html", failures=failures,
                           incidents=replace(incidents, items=[
                               engine.incident_view(row) for row in incidents.items]))  # fmt: skip


@bp.post("/admin/incidents/<int:incident_id>/retry")
@guard(roles.PROCESS_ADMIN)
def incident_retry(incident_id: int):
    process_services.retry_incident(uow(), incident_id, by=g.actor.username)
    flash(_("已重新执行"), "success")
    return redirect(back_url(url_for(".incidents")))


@bp.route("/admin/certificates")
@guard(roles.PROCESS_ADMIN)
def certificates():
    """登记企业证书: fingerprints that bind a certificate to an enterprise; register, revoke."""
    return render_template("inbox/certificates.html",
                           rows=certificate_services.registrations(uow(), g.actor))  # fmt: skip


@bp.post("/admin/certificates")
@guard(roles.PROCESS_ADMIN)
def certificate_register():
    upload = request.files.get("certificate")
    data = upload.read() if upload and upload.filename else b""
    row = certificate_services.register_certificate(
        uow(), g.actor, request.form.get("credit_code", ""), request.form.get("sha256", ""),
        data, request.form.get("label", ""),
    )  # fmt: skip
    flash(_("已登记证书指纹 %(sha)s", sha=row.sha256[:16] + "…"), "success")
    return redirect(url_for(".certificates"))


@bp.post("/admin/certificates/<int:registration_id>/revoke")
@guard(roles.PROCESS_ADMIN)
def certificate_revoke(registration_id: int):
    certificate_services.revoke_certificate(uow(), g.actor, registration_id)
    flash(_("已撤销该证书指纹"), "success")
    return redirect(url_for(".certificates"))
