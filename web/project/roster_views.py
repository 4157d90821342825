"""花名册 pages: the roster with 派工 and 进退场登记, 班组管理, 劳动合同 (record / renew, download)."""

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from domain import gates, realname, roles
from domain.clock import today_in_shanghai
from domain.paging import page_request
from domain.roster import contracts, roster, site, teams
from domain.roster.contracts import KIND_LABELS, KIND_SHORT, ContractForm
from domain.uploads import sniff_document
from services import roster as roster_services
from web.access import guard
from web.extensions import db
from web.forms import back_url, int_arg, int_list
from web.project import bp
from web.runtime import uow


def contract_form() -> ContractForm:
    """The contract fieldset as posted, with the uploaded file (read up to one byte beyond the
    limit, so that a larger file is refused without reading all of it)."""
    upload = request.files.get(contracts.FILE_FIELD)
    data = upload.stream.read(contracts.MAX_FILE_BYTES + 1) if upload else b""
    return ContractForm.from_fields(request.form, (upload.filename or "") if upload else "", data)


def _roster_query() -> roster.RosterQuery:
    return roster.RosterQuery(
        name=request.args.get("name", ""),
        unit_id=int_arg("unit_id", request.args),
        team=request.args.get("team", ""),
        presence=request.args.get("presence", ""),
        state=request.args.get("state", "accepted"),
        flagged=request.args.get("flagged") == "1",
    )


@bp.route("/projects/<int:project_id>/roster")
@guard(*roles.CONTRACTOR)
def roster_list(project_id: int):
    """项目人员花名册: workers by unit and team, with contract, entry/exit and flags; 派工,
    进场登记 and 退场登记 on the chosen rows."""
    query = _roster_query()
    today = today_in_shanghai()
    page = roster.roster_page(db.session, g.actor, project_id, query, today,
                              page_request(request.args))  # fmt: skip
    rows = page.items
    return render_template(
        "project/roster.html",
        project=realname.get_project(db.session, project_id),
        rows=rows,
        page=page,
        query=query,
        today=today,
        units=realname.visible_units(db.session, g.actor, project_id),
        teams=teams.teams_of(db.session, g.actor, project_id),
        presence=roster.PRESENCE,
        kinds=KIND_SHORT,
        age_flags={r.assignment.id: gates.person_flags(r.person, today) for r in rows},
    )


@bp.post("/projects/<int:project_id>/roster/dispatch")
@guard(*roles.CONTRACTOR)
def roster_dispatch(project_id: int):
    """派工登记: the chosen workers to a team (0: out of any team)."""
    n = roster_services.dispatch(uow(), g.actor, project_id, int_list("ids"),
                                 int_arg("team_id", request.form))  # fmt: skip
    flash(_("已派工 %(n)d 人", n=n), "success")
    return redirect(back_url(url_for(".roster_list", project_id=project_id)))


@bp.post("/projects/<int:project_id>/roster/entry")
@guard(*roles.GC_SIDE)
def roster_entry(project_id: int):
    """总包现场进场登记 of the chosen workers on the given day."""
    n = roster_services.record_entry(uow(), g.actor, project_id, int_list("ids"),
                                     request.form.get("day", ""))  # fmt: skip
    flash(_("已登记进场 %(n)d 人", n=n), "success")
    return redirect(back_url(url_for(".roster_list", project_id=project_id)))


@bp.post("/projects/<int:project_id>/roster/exit")
@guard(*roles.GC_SIDE)
def roster_exit(project_id: int):
    """总包现场退场登记: the day is the last on site; from the next day no sign-in counts."""
    n = roster_services.record_exit(uow(), g.actor, project_id, int_list("ids"),
                                    request.form.get("day", ""))  # fmt: skip
    flash(_("已登记退场 %(n)d 人", n=n), "success")
    return redirect(back_url(url_for(".roster_list", project_id=project_id)))


@bp.route("/projects/<int:project_id>/teams", methods=["GET", "POST"])
@guard(*roles.CONTRACTOR)
def teams_page(project_id: int):
    """班组管理: the teams of the user's units, their leaders; 新增班组."""
    if request.method == "POST":
        team = roster_services.create_team(
            uow(), g.actor, project_id, int_arg("unit_id", request.form),
            request.form.get("name", ""), int_arg("leader_person_id", request.form),
        )  # fmt: skip
        flash(_("已新增班组 %(name)s", name=team.name), "success")
        return redirect(url_for(".teams_page", project_id=project_id))
    units = realname.visible_units(db.session, g.actor, project_id)
    return render_template(
        "project/teams.html",
        project=realname.get_project(db.session, project_id),
        units=units,
        teams=teams.teams_of(db.session, g.actor, project_id),
        counts=teams.member_counts(db.session, project_id),
        candidates=teams.leader_candidates(db.session, project_id, [u.id for u in units]),
    )


@bp.post("/projects/<int:project_id>/teams/<int:team_id>")
@guard(*roles.CONTRACTOR)
def team_update(project_id: int, team_id: int):
    """班组管理 → 保存: rename, choose the leader."""
    team = roster_services.update_team(uow(), g.actor, project_id, team_id,
                                       request.form.get("name", ""),
                                       int_arg("leader_person_id", request.form))  # fmt: skip
    flash(_("班组 %(name)s 已保存", name=team.name), "success")
    return redirect(url_for(".teams_page", project_id=project_id))


@bp.route("/projects/<int:project_id>/workers/<int:assignment_id>/contract",
          methods=["GET", "POST"])  # fmt: skip
@guard(*roles.CONTRACTOR)
def worker_contract(project_id: int, assignment_id: int):
    """劳动合同: the worker's contracts with his employer (the history), and 登记新合同 (续签)."""
    if request.method == "POST":
        c = roster_services.record_contract(uow(), g.actor, project_id, assignment_id,
                                            contract_form())  # fmt: skip
        flash(_("已登记劳动合同（%(start)s 至 %(end)s）", start=c.starts_on.isoformat(),
                end=c.ends_on.isoformat()), "success")  # fmt: skip
        return redirect(url_for(".worker_contract", project_id=project_id,
                                assignment_id=assignment_id))  # fmt: skip
    a = roster_services.assignment_of(uow(), g.actor, project_id, assignment_id)
    today = today_in_shanghai()
    held = contracts.contracts_of(db.session, a.person_id, a.unit.enterprise_id)
    return render_template(
        "project/contract.html",
        project=realname.get_project(db.session, project_id),
        a=a,
        held=held,
        in_force=contracts.in_force(held, today),
        flag=contracts.contract_flag(held, today),
        kinds=KIND_LABELS,
        history=site.history(db.session, a.id),
        may_record=g.actor.may("record_contract", project_id, a.unit_id) and a.state != "rejected",
    )


@bp.route("/projects/<int:project_id>/contracts/<int:contract_id>/file")
@guard(*roles.CONTRACTOR)
def contract_download(project_id: int, contract_id: int):
    """The signed contract, only for those who may see the worker; never cached."""
    contract, data = contracts.contract_file(db.session, g.actor, project_id, contract_id)
    extension = (sniff_document(data) or ("", ".bin"))[1]
    return Response(data, mimetype=contract.file_type, headers={
        "Content-Disposition": f"inline; filename=contract-{contract.id}{extension}",
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
    })  # fmt: skip
