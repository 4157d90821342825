import tempfile

from flask import Response, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from domain import audit_labels, audit_log, gates, notice_board, realname, roles
from domain import authorisation as auth_service
from domain.audit import verify_chain
from domain.clock import today_in_shanghai
from domain.exports import csv_chunks, write_xlsx
from domain.model import Project
from domain.paging import page_request
from domain.realname import STATE_LABELS, AssignmentQuery, WorkerForm
from domain.roster import contracts, roster
from services import notice_board as board_services
from services import realname as realname_services
from web.access import guard
from web.downloads import send_spooled, send_text
from web.extensions import db
from web.forms import back_url, int_arg, int_list, json_object
from web.project import bp, roster_views
from web.project.account_views import code_page, uploaded
from web.runtime import uow


@bp.route("/")
@guard()
def index():
    """我的项目: every project the user holds a role on."""
    actor = g.actor
    if (actor.may("sign_in") or actor.person_id is not None) and not actor.may("view_project"):
        return render_template("project/worker_home.html")
    stmt = select(Project).order_by(Project.id)
    if not actor.may("view_all_projects"):
        stmt = stmt.where(Project.id.in_(actor.project_ids()))
    return render_template("project/index.html", projects=db.session.scalars(stmt).all())


@bp.route("/projects/<int:project_id>")
@guard(*roles.PROJECT_VIEWERS)
def home(project_id: int):
    project = realname.get_project(db.session, project_id)
    units = realname.visible_units(db.session, g.actor, project_id)
    counts = realname.roster_counts(db.session, project_id, [u.id for u in units])
    return render_template("project/home.html", project=project, units=units, counts=counts)


def _query() -> AssignmentQuery:
    """The list's filters: from the posted form or JSON (the ID number travels only there, never
    in a URL, so that it stays out of access logs and history) or the query string."""
    body = request.get_json(silent=True) if request.is_json else None
    values = request.form if request.method == "POST" else request.args
    if isinstance(body, dict):
        values = {k: "" if v is None else str(v) for k, v in body.items()}
    return AssignmentQuery(
        name=str(values.get("name", "") or ""),
        id_number=str(values.get("id_number", "") or "") if values is not request.args else "",
        trade=str(values.get("trade", "") or ""),
        state=str(values.get("state", "assigned") or ""),
        unit_id=int_arg("unit_id", values),
        team_id=int_arg("team_id", values),
    )


@bp.route("/projects/<int:project_id>/acceptance", methods=["GET", "POST"])
@guard(*roles.CONTRACTOR)
def acceptance(project_id: int):
    """项目人员接收: query assigned workers, accept or reject them."""
    query = _query()
    page = realname.assignments_page(db.session, g.actor, project_id, query,
                                     page_request(request.args))  # fmt: skip
    rows = page.items
    today = today_in_shanghai()
    more = roster.flags_for(db.session, project_id, rows, today)  # contract, on site, shared
    return render_template(
        "project/acceptance.html",
        project=realname.get_project(db.session, project_id),
        rows=rows,
        page=page,
        today=today,
        flags={a.id: gates.person_flags(a.person, today) + more[a.id] for a in rows},
        teams=roster.teams_by_id(db.session, project_id),
        validity=gates.validity_label,
        query=query,
        states=STATE_LABELS,
        trades=realname.trades_on(db.session, project_id),
        units=realname.visible_units(db.session, g.actor, project_id),
    )


@bp.post("/projects/<int:project_id>/acceptance/accept")
@guard(*roles.CONTRACTOR)
def acceptance_accept(project_id: int):
    count = realname_services.accept_workers(uow(), g.actor, project_id, int_list("ids"),
                                             request.form.get("entered_on"))  # fmt: skip
    flash(_("已接收 %(n)d 名人员", n=count), "success")
    return redirect(back_url(url_for(".acceptance", project_id=project_id)))


@bp.post("/projects/<int:project_id>/acceptance/<int:assignment_id>/reject")
@guard(*roles.CONTRACTOR)
def acceptance_reject(project_id: int, assignment_id: int):
    a = realname_services.reject_worker(
        uow(), g.actor, project_id, assignment_id, request.form.get("reason", "")
    )
    flash(_("已退回 %(name)s", name=a.person.name), "success")
    return redirect(back_url(url_for(".acceptance", project_id=project_id)))


@bp.route("/projects/<int:project_id>/workers/new", methods=["GET", "POST"])
@guard(*roles.CONTRACTOR)
def worker_new(project_id: int):
    """人员登记: register a worker and assign him to one of the user's units."""
    project = realname.get_project(db.session, project_id)
    units = realname.visible_units(db.session, g.actor, project_id)
    if request.method == "POST":
        form = WorkerForm(**{f: request.form.get(f, "") for f in WorkerForm.__dataclass_fields__})
        done = realname_services.register_worker(
            uow(), g.actor, project_id, int_arg("unit_id", request.form) or 0, form, uploaded(),
            contract=roster_views.contract_form(),
        )
        a = done.assignment
        flash(_("已登记 %(name)s，待接收", name=a.person.name), "success")
        for finding in gates.person_flags(a.person, today_in_shanghai()):
            flash(finding.message(g.lang), "warning")
        for finding in roster.flags_for(db.session, project_id, [a], today_in_shanghai())[a.id]:
            flash(finding.message(g.lang), "warning")
        if done.code is not None:  # his new account's activation code, shown once
            return code_page(project_id, a, done.code)
        return redirect(url_for(".acceptance", project_id=project_id))
    return render_template("project/worker_new.html", project=project, units=units,
                           trades=gates.TRADES, kinds=contracts.KIND_LABELS)  # fmt: skip


@bp.route("/projects/<int:project_id>/authorisations")
@guard(roles.GC_MANAGER)
def authorisations(project_id: int):
    """项目角色授权管理: list authorisations; search accepted workers by name to add one."""
    name = request.args.get("name", "")
    candidates = (
        auth_service.search_candidates(db.session, g.actor, project_id, name) if name else []
    )
    return render_template(
        "project/authorisations.html",
        project=realname.get_project(db.session, project_id),
        rows=auth_service.list_authorisations(db.session, g.actor, project_id, True),
        name=name,
        candidates=candidates,
        posts=roles.POSTS,
        labels=roles.LABELS,
    )


@bp.post("/projects/<int:project_id>/authorisations")
@guard(roles.GC_MANAGER)
def authorisation_add(project_id: int):
    auth = realname_services.authorise(
        uow(),
        g.actor,
        project_id,
        int_arg("person_id", request.form) or 0,
        request.form.get("post", roles.SIGNIN_OFFICER),
    )
    flash(_("已授权 %(name)s 为班前签到员", name=auth.person.name), "success")
    return redirect(url_for(".authorisations", project_id=project_id))


@bp.post("/projects/<int:project_id>/authorisations/<int:authorisation_id>/revoke")
@guard(roles.GC_MANAGER)
def authorisation_revoke(project_id: int, authorisation_id: int):
    auth = realname_services.revoke(uow(), g.actor, project_id, authorisation_id)
    flash(_("已撤销 %(name)s 的授权", name=auth.person.name), "success")
    return redirect(url_for(".authorisations", project_id=project_id))


@bp.route("/projects/<int:project_id>/audit")
@guard(roles.GC_MANAGER)
def audit(project_id: int):
    """操作日志: who did what to which object when, in words, filtered, a page at a time."""
    query = audit_log.audit_filter(request.args)
    page = audit_log.audit_page(db.session, g.actor, project_id, query, page_request(request.args))
    return render_template(
        "project/audit.html", project=realname.get_project(db.session, project_id), page=page,
        query=query, chain=verify_chain(db.session), kinds=audit_labels.KIND_LABELS,
        actions=audit_labels.ACTION_LABELS, entity_labels=audit_labels.ENTITY_LABELS,
        people=audit_log.actors_in_log(db.session, g.actor, project_id),
        entities=audit_log.entities_in_log(db.session, project_id),
    )  # fmt: skip


def _audit_export(project_id: int):
    rows = audit_log.audit_rows(db.session, g.actor, project_id,
                                audit_log.audit_filter(request.args))  # fmt: skip
    code = realname.get_project(db.session, project_id).code
    cells = (audit_log.export_cells(r, g.lang) for r in rows)
    return cells, audit_log.EXPORT_HEADERS["en" if g.lang == "en" else "zh"], f"audit_{code}"


@bp.route("/projects/<int:project_id>/audit.xlsx")
@guard(roles.GC_MANAGER)
def audit_export(project_id: int):
    """操作日志导出 (Excel): every entry of the filters."""
    cells, headers, name = _audit_export(project_id)
    out = tempfile.TemporaryFile()
    write_xlsx(out, "操作日志" if g.lang != "en" else "Audit log", name, headers, cells,
               audit_log.EXPORT_WIDTHS)  # fmt: skip
    return send_spooled(out, f"{name}.xlsx")


@bp.route("/projects/<int:project_id>/audit.csv")
@guard(roles.GC_MANAGER)
def audit_export_csv(project_id: int):
    """操作日志导出 (CSV): every entry of the filters."""
    cells, headers, name = _audit_export(project_id)
    return send_text(csv_chunks(headers, cells), f"{name}.csv")


@bp.route("/projects/<int:project_id>/notice-board", methods=["GET", "POST"])
@guard(roles.GC_MANAGER)
def notice_board_edit(project_id: int):
    """维权信息告示牌: what the board says beyond the project's own data."""
    if request.method == "POST":
        form = {f.name: request.form[f.name] for f in notice_board.FIELDS if f.name in request.form}
        board_services.save_notice_board(uow(), g.actor, project_id, form)
        flash(_("告示牌信息已保存"), "success")
        return redirect(url_for(".notice_board_edit", project_id=project_id))
    return render_template(
        "project/notice_board.html",
        project=realname.get_project(db.session, project_id),
        board=notice_board.board_of(db.session, project_id),
        fields=notice_board.FIELDS,
    )


@bp.route("/projects/<int:project_id>/notice-board.pdf")
@guard(*roles.PROJECT_VIEWERS)
def notice_board_pdf(project_id: int):
    """维权信息告示牌 as an A3 PDF, with a QR code of the workers' login."""
    login_url = url_for("auth.login", _external=True)
    return Response(
        board_services.notice_board_pdf(uow(), g.actor, project_id, login_url),
        mimetype="application/pdf",
        headers={"Content-Disposition": f"inline; filename=notice-board-{project_id}.pdf"},
    )


@bp.route("/api/projects/<int:project_id>/assignments", methods=["GET", "POST"])
@guard(*roles.CONTRACTOR)
def api_assignments(project_id: int):
    """JSON: the acceptance list with the same filters and scope as the page; a search by ID
    number is a POST (form or JSON body), never a query string."""
    if request.method == "GET":
        realname.refuse_id_number_in_url(request.args.get("id_number", ""))
    elif request.mimetype == "application/json":
        json_object()  # a body that is no JSON object is a 400 naming it
    rows = realname.list_assignments(db.session, g.actor, project_id, _query())
    today = today_in_shanghai()
    more = roster.flags_for(db.session, project_id, rows, today)
    teams = roster.teams_by_id(db.session, project_id)
    return jsonify(
        assignments=[
            {
                "id": a.id,
                "name": a.person.name,
                "id_number": a.person.masked_id,
                "trade": a.person.trade,
                "unit_id": a.unit_id,
                "unit": a.unit.name,
                "state": a.state,
                "reason": a.reason,
                "bank_card": a.person.masked_card,
                "id_valid_until": gates.validity_label(a.person.id_valid_until, "en") or None,
                "team_id": a.team_id,
                "team": teams[a.team_id].name if a.team_id in teams else None,
                "entered_on": a.entered_on.isoformat() if a.entered_on else None,
                "exited_on": a.exited_on.isoformat() if a.exited_on else None,
                "flags": [
                    {"reason": f.reason, "message": f.message(g.lang)}
                    for f in gates.person_flags(a.person, today) + more[a.id]
                ],
            }
            for a in rows
        ]
    )
