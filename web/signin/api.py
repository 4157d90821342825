"""JSON API of the sign-in pages (/api/signin/...), described in web/signin/openapi.py."""

from datetime import UTC, date, timedelta

from flask import g, jsonify, request, url_for

from domain import inputs, photos, roles
from domain.clock import today_in_shanghai
from domain.errors import InvalidInput
from domain.i18n import Text
from domain.model import Project
from domain.paging import page_request
from domain.realname import get_project
from domain.signin import queries, service
from domain.signin.errors import SignInRefused
from domain.signin.hours import clock_label
from domain.signin.qr import render_qr_svg
from domain.signin.tokens import LIFETIME_SECONDS, issue_code
from services import signin as signin_services
from web.access import guard
from web.extensions import db
from web.forms import LABELS, int_arg, json_object, json_value
from web.runtime import uow
from web.signin import bp
from web.signin.common import code_keys, device, now, parse_fix

LOCATION = ("lat", "lng", "accuracy")
LOCATION_ERRORS = ("denied", "missing")  # what signin.js sends when the phone gives no fix
BAD_LOCATION_ERROR = Text("【定位错误】应为 denied 或 missing",
                          "location_error must be denied or missing")  # fmt: skip


def issue_for_me(with_svg: bool = True) -> dict:
    """A fresh personal construction code of the logged-in person."""
    moment = now()
    token = issue_code(code_keys().private_key, g.actor.person_id, moment)
    issued = int(moment.timestamp())
    data = {
        "token": token,
        "issued_at": issued,
        "expires_at": issued + LIFETIME_SECONDS,
        "lifetime_s": LIFETIME_SECONDS,
    }
    if with_svg:
        data["svg"] = render_qr_svg(token)
    return data


@bp.route("/api/signin/code")
@guard(*roles.PERSONS)
def api_code():
    """个人建设码: token, expiry and the QR as SVG."""
    return jsonify(issue_for_me(request.args.get("svg", "1") != "0"))


def result_json(result: service.SignInResult) -> dict:
    return {
        "ok": True,
        "attendance_id": result.attendance_id,
        "person_id": result.person_id,
        "person_name": result.person_name,
        "project_id": result.project_id,
        "project_name": result.project_name,
        "signed_at": result.signed_at.isoformat(),
        "time": result.time_label,
        "method": result.method,
        "distance_m": None if result.distance_m is None else round(result.distance_m),
    }


def location(source, *, json: bool) -> tuple:
    """The location fix of a JSON body (numbers) or a query (number text): a value of another
    type, or text that is no number, is refused naming its field; none at all is no fix."""
    for name in LOCATION:
        value = json_value(source, name, "number") if json else source.get(name)
        inputs.decimal_number(value, name, LABELS[name])
    error = json_value(source, "location_error", "string") if json else source.get("location_error")
    if error and error not in LOCATION_ERRORS:
        raise InvalidInput("invalid_location_error", BAD_LOCATION_ERROR, field="location_error")
    return parse_fix(source)


def _scan(sign_in, *scope) -> service.SignInResult:
    """Parse code + location from the JSON body, sign in with ``sign_in``: the result."""
    data = json_object()
    code = json_value(data, "code", "string", required=True)
    fix, error = location(data, json=True)
    return sign_in(
        uow(), g.actor, *scope, code, fix, now(), device(),
        codes=code_keys().check, location_error=error,
    )  # fmt: skip


@bp.post("/api/signin/worker-scan")
@guard(roles.WORKER)
def api_worker_scan():
    """工人扫签到员建设码."""
    return jsonify(result_json(_scan(signin_services.worker_scan)))


@bp.post("/api/signin/projects/<int:project_id>/officer-scan")
@guard(roles.SIGNIN_OFFICER, hinted=True)
def api_officer_scan(project_id: int):
    """班前签到员扫工人建设码; the answer (a refusal too) links the scanned worker's photo, so
    that the officer sees whether the person in front of him owns the code."""
    try:
        result = _scan(signin_services.officer_scan, project_id)
    except SignInRefused as err:
        if "person_id" in err.extra:
            err.extra.update(photo_json(project_id, err.extra["person_id"]))
        raise
    answer = result_json(result)
    return jsonify(answer | photo_json(project_id, result.person_id, result.has_photo))


def photo_json(project_id: int, person_id: int, on_file: bool | None = None) -> dict:
    """``photo_url`` of the worker's photo, or None: "no photo on file" (``on_file`` when the
    sign-in read it already, else asked here)."""
    if on_file is None:
        on_file = photos.has_photo(db.session, person_id)
    url = url_for("project.person_photo", project_id=project_id, person_id=person_id)
    return {"photo_url": url if on_file else None}


def _site_json(project: Project, fix, error) -> dict:
    entry = {
        "project_id": project.id,
        "project_name": project.name,
        "radius_m": project.signin_radius_m,
        "hours": f"{project.signin_start}–{project.signin_end}",
    }
    try:
        check = service.check_point_at(project, fix, error)
        check.raise_if_refused()
        entry.update(inside=True, distance_m=round(check.distance_m), reason=None, message="")
    except SignInRefused as err:
        distance = err.params.get("distance")
        entry.update(inside=False, distance_m=distance, **_reason(err))
    return entry


def _reason(err: SignInRefused) -> dict:
    return {"reason": err.reason, "message": err.message(g.lang)}


def worker_day_json(day: service.WorkerDay) -> dict:
    """The hours and today's sign-in of one of the worker's projects (before he scans)."""
    refusal = day.refusal
    return {
        "open_now": day.open_now,
        "signed_today": None if day.signed_at is None else clock_label(day.signed_at),
        "blocked": None if refusal is None else _reason(refusal),
    }


def my_projects() -> list[Project]:
    return [db.session.get(Project, pid) for pid in sorted(g.actor.project_ids("sign_in"))]


@bp.route("/api/signin/ranges")
@guard(roles.WORKER)
def api_ranges():
    """The worker's projects: inside each sign-in range, the hours open, signed in today?"""
    fix, error = location(request.args, json=False)
    projects = my_projects()
    days = service.worker_days(db.session, g.actor.person_id, projects, now())
    sites = [_site_json(p, fix, error) | worker_day_json(d) for p, d in zip(projects, days, strict=True)]
    for site in sites:  # green only inside the range, inside the hours, not yet signed in
        site["can_sign_in"] = bool(site["inside"] and site["blocked"] is None)
    return jsonify(sites=sites, can_sign_in=any(s["can_sign_in"] for s in sites))


@bp.route("/api/signin/projects/<int:project_id>/point-test")
@guard(roles.GC_MANAGER)
def api_point_test(project_id: int):
    """ "Test at my location": distance from the manager's phone to the sign-in point."""
    fix, error = location(request.args, json=False)
    return jsonify(_site_json(get_project(db.session, project_id), fix, error))


@bp.post("/api/signin/projects/<int:project_id>/point")
@guard(roles.GC_MANAGER)
def api_point_set(project_id: int):
    """手动录入坐标: lng, lat, system (gcj02|wgs84|bd09), radius, start, end."""
    data = json_object()
    typed = json_value(data, "point", "string")  # the page's one field, any form AMap gives
    saved = signin_services.set_signin_point(
        uow(),
        g.actor,
        project_id,
        json_value(data, "lng", "number", required=not typed),
        json_value(data, "lat", "number", required=not typed),
        json_value(data, "system", "string", default="gcj02"),
        json_value(data, "radius", "integer", default=300),
        json_value(data, "start", "string") or None,
        json_value(data, "end", "string") or None,
        point=typed,
    )
    notes = [{"code": n.code, "message": n.message(g.lang)} for n in saved.notes]
    return jsonify(point_json(saved.project) | {"notes": notes})


def point_json(project: Project) -> dict:
    views = service.point_views(project)
    return {
        "project_id": project.id,
        "set": views is not None,
        "radius_m": project.signin_radius_m,
        "start": project.signin_start,
        "end": project.signin_end,
        "points": {k: {"lat": round(p.lat, 7), "lng": round(p.lng, 7)} for k, p in views.items()}
        if views
        else None,
        "typed": None if project.signin_typed_lat is None else {
            "lat": project.signin_typed_lat, "lng": project.signin_typed_lng,
            "system": project.signin_typed_system},
    }  # fmt: skip


def _day(name: str, default: date) -> date:
    """A day filter of the query; an empty or unreadable one (2026-13-45) is the default."""
    return inputs.day_or(request.args.get(name, ""), default)


def attendance_query() -> queries.AttendanceQuery:
    today = today_in_shanghai()
    return queries.AttendanceQuery(
        day_from=_day("from", today - timedelta(days=6)),
        day_to=_day("to", today),
        unit_id=int_arg("unit_id", request.args),
        name=request.args.get("name", ""),
        method=request.args.get("method", ""),
        team_id=int_arg("team_id", request.args),
        by_team=request.args.get("group") == "team",
    )


def attendance_json(a) -> dict:
    return {
        "id": a.id,
        "day": a.day.isoformat(),
        "time": clock_label(a.signed_at.replace(tzinfo=UTC)),
        "person_id": a.person_id,
        "name": a.person.name,
        "unit_id": a.unit_id,
        "method": a.method,
        "officer": a.officer.name if a.officer else None,
        "distance_m": None if a.distance_m is None else round(a.distance_m),
        "accuracy_m": a.accuracy_m,
        "makeup": a.makeup,
    }


@bp.route("/api/signin/projects/<int:project_id>/attendance")
@guard(*roles.PROJECT_VIEWERS)
def api_attendance(project_id: int):
    """考勤: sign-ins with the filters of the page (from, to, unit_id, name, method), a page at
    a time (page, size; the answer says the total, whether it is estimated — beyond
    ``paging.COUNT_EXACTLY`` rows on PostgreSQL — and the number of pages)."""
    page = queries.attendance_page(db.session, g.actor, project_id, attendance_query(),
                                   page_request(request.args))  # fmt: skip
    return jsonify(attendance=[attendance_json(a) for a in page.items], total=page.total,
                   estimated=page.estimated, page=page.number, pages=page.pages,
                   size=page.size)  # fmt: skip


@bp.route("/api/signin/me/attendance")
@guard(*roles.PERSONS)
def api_my_attendance():
    """我的考勤: the logged-in worker's sign-ins of one month (?month=YYYY-MM)."""
    year, month = month_arg()
    cal = queries.my_calendar(db.session, g.actor, year, month)
    rows = [
        attendance_json(a) | {"project_name": a.project.name}
        for v in cal.by_day.values()
        for a in v
    ]
    return jsonify(month=f"{year:04d}-{month:02d}", signed_days=cal.signed_days, attendance=rows)


def month_arg() -> tuple[int, int]:
    """?month=YYYY-MM; an empty or unreadable month (or one far off) is this month."""
    today = today_in_shanghai()
    first = inputs.day_or(request.args.get("month", "") + "-01", today)
    return first.year, first.month
