"""Workers' accounts and photos on the project pages: the code after 人员登记, 账号与照片 of an
assignment (new code, new photo) and the photo itself (sensitive: only to who may see him)."""

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from domain import accounts, photos, realname, roles
from domain.clock import today_in_shanghai
from services import accounts as account_services
from web.access import guard
from web.extensions import db
from web.project import bp
from web.runtime import uow

PRIVATE = {"Cache-Control": "no-store, private", "Pragma": "no-cache"}


def uploaded(name: str = "photo") -> bytes | None:
    """The bytes of an uploaded file (at most one past the domain's limit), or None."""
    file = request.files.get(name)
    if file is None or not file.filename:
        return None
    return file.stream.read(photos.MAX_BYTES + 1) or None


def code_page(project_id: int, assignment, issued: accounts.IssuedCode | None, status=200):
    """The page that shows a new activation code once (never cached, never flashed)."""
    body = render_template("project/worker_code.html", project=realname.get_project(
        db.session, project_id), a=assignment, issued=issued)  # fmt: skip
    return Response(body, status, headers=PRIVATE)


@bp.route("/projects/<int:project_id>/assignments/<int:assignment_id>/account")
@guard(*roles.CONTRACTOR)
def worker_account(project_id: int, assignment_id: int):
    """账号与照片: the worker's photo and account state; new code, new photo."""
    a = accounts.assignment_on(db.session, g.actor, project_id, assignment_id)
    return render_template(
        "project/worker_account.html",
        project=realname.get_project(db.session, project_id),
        a=a,
        has_photo=photos.has_photo(db.session, a.person_id),
        account=accounts.account_state(db.session, a.person_id, uow().clock()),
        today=today_in_shanghai(),
    )


@bp.post("/projects/<int:project_id>/assignments/<int:assignment_id>/activation-code")
@guard(*roles.CONTRACTOR)
def worker_code_new(project_id: int, assignment_id: int):
    """重发激活码: the old code void, the new one shown once."""
    issued = account_services.reissue_code(uow(), g.actor, project_id, assignment_id)
    a = accounts.assignment_on(db.session, g.actor, project_id, assignment_id)
    return code_page(project_id, a, issued)


@bp.post("/projects/<int:project_id>/assignments/<int:assignment_id>/photo")
@guard(*roles.CONTRACTOR)
def worker_photo_set(project_id: int, assignment_id: int):
    """更换照片."""
    account_services.replace_photo(uow(), g.actor, project_id, assignment_id, uploaded())
    flash(_("照片已更新"), "success")
    return redirect(url_for(".worker_account", project_id=project_id, assignment_id=assignment_id))


@bp.route("/projects/<int:project_id>/people/<int:person_id>/photo.jpg")
@guard(*roles.PROJECT_VIEWERS, *roles.PERSONS)
def person_photo(project_id: int, person_id: int):
    """The worker's photo: staff who may see him on the project, its sign-in officers, himself."""
    row = photos.photo_for(db.session, g.actor, project_id, person_id)
    return Response(row.jpeg, mimetype="image/jpeg", headers=PRIVATE)
