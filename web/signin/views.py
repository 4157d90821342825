"""Sign-in pages: my code, the two scan pages, the sign-in point, attendance and its export."""

import tempfile
from datetime import timedelta

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select

from domain import roles
from domain.clock import today_in_shanghai
from domain.model import Project
from domain.paging import page_request
from domain.realname import get_project
from domain.roster import roster as roster_queries
from domain.roster import teams as roster_teams
from domain.signin import queries, service
from domain.signin.coords import SYSTEMS
from domain.signin.export import attendance_csv, write_attendance_xlsx
from domain.signin.makeup import my_requests
from domain.signin.queries import METHOD_LABELS
from services import signin as signin_services
from web.access import guard
from web.downloads import XLSX, send_spooled, send_text
from web.extensions import db
from web.runtime import uow
from web.signin import bp
from web.signin.api import (
    attendance_query,
    issue_for_me,
    month_arg,
    my_projects,
    point_json,
    worker_day_json,
)
from web.signin.common import now

RENEW_BEFORE_S = 20  # the page fetches a new code this long before the old one expires
SYSTEM_LABELS = {
    "gcj02": lazy_gettext("GCJ-02（高德/腾讯）"),
    "wgs84": lazy_gettext("WGS-84（GPS）"),
    "bd09": lazy_gettext("BD-09（百度）"),
}


@bp.route("/signin/code")
@guard(*roles.PERSONS)
def code_show():
    """个人建设码: the person's QR code, renewed before it expires."""
    return render_template("signin/code_show.html", code=issue_for_me(), renew=RENEW_BEFORE_S)


@bp.route("/signin/code/fragment")
@guard(*roles.PERSONS)
def code_fragment():
    return render_template("signin/_code.html", code=issue_for_me(), renew=RENEW_BEFORE_S)


@bp.route("/signin/scan")
@guard(roles.WORKER)
def scan_show():
    """班前签到 (worker): his projects' hours and today's sign-in; the button turns green inside
    the range, inside the hours and not yet signed in; then he scans the officer's code."""
    projects = my_projects()
    days = service.worker_days(db.session, g.actor.person_id, projects, now())
    sites = [{"project_name": p.name, **worker_day_json(d), "hours": d.hours}
             for p, d in zip(projects, days, strict=True)]  # fmt: skip
    return render_template("signin/scan_show.html", sites=sites)


def _officer_projects() -> list[Project]:
    ids = g.actor.project_ids("scan_as_officer")
    return list(db.session.scalars(select(Project).where(Project.id.in_(ids)).order_by(Project.id)))


@bp.route("/signin/officer")
@guard(roles.SIGNIN_OFFICER)
def officer_projects():
    """选择身份【班前签到员】→ the projects where this person is the sign-in officer."""
    return render_template("signin/officer_projects.html", projects=_officer_projects())


@bp.route("/signin/officer/projects/<int:project_id>")
@guard(roles.SIGNIN_OFFICER)
def officer_scan(project_id: int):
    """班前签到 (officer): scan workers' codes one after another."""
    project = get_project(db.session, project_id)
    return render_template("signin/officer_scan.html", site=project)


@bp.route("/projects/<int:project_id>/signin/point", methods=["GET", "POST"])
@guard(roles.GC_MANAGER)
def point_edit(project_id: int):
    """项目班前签到定位调整 → 手动录入坐标."""
    project = get_project(db.session, project_id)
    form = request.form
    if request.method == "POST":
        saved = signin_services.set_signin_point(
            uow(), g.actor, project_id, None, None, form.get("system", "gcj02"),
            form.get("radius", ""), form.get("start") or None, form.get("end") or None,
            point=form.get("point", ""), confirm=form.get("confirm") == "1",
        )  # fmt: skip
        for note in saved.notes:
            flash(note.message(g.lang), "info")
        flash(_("签到地址已保存"), "success")
        return redirect(url_for(".point_edit", project_id=project_id))
    return render_template(
        "signin/point_edit.html",
        project=project,
        point=point_json(project),
        systems=[(s, SYSTEM_LABELS[s]) for s in SYSTEMS],
    )


def _team_names(project_id: int, rows) -> dict[int, str]:
    """person id → his team's name (班组), for the rows shown."""
    found = roster_teams.teams_by_person(db.session, project_id, {r.person_id for r in rows})
    return {pid: team.name for pid, team in found.items()}


def _visible_teams(project_id: int, units) -> list:
    """The teams of the units in the unit filter (the team filter's choices)."""
    ids = {u.id for u in units}
    every = roster_queries.teams_by_id(db.session, project_id).values()
    return sorted((t for t in every if t.unit_id in ids), key=lambda t: (t.unit_id, t.name))


@bp.route("/projects/<int:project_id>/signin/attendance")
@guard(*roles.PROJECT_VIEWERS)
def attendance_list(project_id: int):
    """考勤记录: sign-ins per project, unit and day, with filters, a page at a time."""
    query = attendance_query()
    page = queries.attendance_page(db.session, g.actor, project_id, query,
                                   page_request(request.args))  # fmt: skip
    units = queries.units_for_filter(db.session, g.actor, project_id)
    return render_template(
        "signin/attendance_list.html",
        project=get_project(db.session, project_id),
        page=page,
        query=query,
        units=units,
        teams=_visible_teams(project_id, units),
        team_of=_team_names(project_id, page.items),
        methods=METHOD_LABELS,
        people=queries.people_count(db.session, g.actor, project_id, query),
    )


def _export_name(project_id: int, suffix: str) -> tuple[Project, str]:
    project = get_project(db.session, project_id)
    query = attendance_query()
    return project, f"attendance_{project.code}_{query.day_from}_{query.day_to}.{suffix}"


@bp.route("/projects/<int:project_id>/signin/attendance.xlsx")
@guard(*roles.PROJECT_VIEWERS)
def attendance_export(project_id: int):
    """考勤导出 (Excel): every row of the filters, written in write-only mode to a temporary
    file and sent from it in chunks."""
    project, name = _export_name(project_id, "xlsx")
    rows = queries.export_rows(db.session, g.actor, project_id, attendance_query())
    out = tempfile.TemporaryFile()
    write_attendance_xlsx(rows, project.name, g.lang, out)
    return send_spooled(out, name, XLSX)


@bp.route("/projects/<int:project_id>/signin/attendance.csv")
@guard(*roles.PROJECT_VIEWERS)
def attendance_export_csv(project_id: int):
    """考勤导出 (CSV): every row of the filters, spooled as it is read, then sent."""
    _, name = _export_name(project_id, "csv")
    rows = queries.export_rows(db.session, g.actor, project_id, attendance_query())
    return send_text(attendance_csv(rows, g.lang), name)


@bp.route("/projects/<int:project_id>/signin/chart")
@guard(*roles.PROJECT_VIEWERS)
def attendance_chart(project_id: int):
    """Sign-ins per day over the last 30 days, as a small SVG bar chart (for the project page)."""
    today = today_in_shanghai()
    counts = queries.counts_per_day(db.session, g.actor, project_id, today)
    return render_template(
        "signin/_chart.html", counts=counts, top=max([n for _, n in counts] + [1]), pid=project_id
    )


@bp.route("/signin/my")
@guard(*roles.PERSONS)
def my_attendance():
    """我的考勤: the worker's calendar of signed days and make-ups."""
    year, month = month_arg()
    cal = queries.my_calendar(db.session, g.actor, year, month)
    first = cal.weeks[0][0] or next(d for d in cal.weeks[0] if d)
    prev_month = (first.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    next_month = (first.replace(day=28) + timedelta(days=7)).strftime("%Y-%m")
    return render_template(
        "signin/my_attendance.html",
        cal=cal,
        prev_month=prev_month,
        next_month=next_month,
        today=today_in_shanghai(),
    )


@bp.route("/signin/makeup", methods=["GET", "POST"])
@guard(roles.WORKER)
def makeup_request():
    """补签申请: ask the GC manager for a make-up sign-in; the BPMN routes it to him."""
    ids = sorted(g.actor.project_ids("request_makeup"))
    projects = list(db.session.scalars(select(Project).where(Project.id.in_(ids))))
    if request.method == "POST":
        signin_services.request_makeup(uow(), g.actor, request.form.to_dict())
        flash(_("补签申请已提交，等待项目经理审核"), "success")
        return redirect(url_for(".makeup_request"))
    return render_template(
        "signin/makeup_request.html",
        projects=projects,
        requests=my_requests(db.session, g.actor),
        today=today_in_shanghai(),
        earliest=today_in_shanghai() - timedelta(days=int(current_app.config.get(
            "ZHUXIN_MAKEUP_WINDOW_DAYS", 31))),
    )  # fmt: skip
