"""审核补签申请: the make-up review task's own page (worker, day, reason, the days around it)."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from domain import photos
from domain.signin.makeup import review_of
from engine.inbox import check_may_act, get_human_task
from services import tasks
from web.access import guard
from web.extensions import db
from web.runtime import uow
from web.signin import bp


@bp.route("/signin/makeup/tasks/<int:human_task_id>", methods=["GET", "POST"])
@guard()
def makeup_task(human_task_id: int):
    """The inbox link of ``review_makeup``: completing here runs the same handler as the
    generic page, the API and the CLI (the decision recorded as the reviewer's)."""
    row = get_human_task(db.session, human_task_id)
    check_may_act(row, tasks.engine_grants(g.actor))
    if request.method == "POST":
        tasks.complete_task(uow(), g.actor, human_task_id, request.form.to_dict(),
                            route=tasks.PAGE)  # fmt: skip
        flash(_("补签审核结果已保存"), "success")
        return redirect(url_for("inbox.inbox"))
    form = tasks.task_form(uow(), g.actor, human_task_id)
    review = review_of(db.session, int(form.data.get("request_id") or 0))
    req = review.request
    photo = photos.has_photo(db.session, req.person_id) and url_for(
        "project.person_photo", project_id=req.project_id, person_id=req.person_id)  # fmt: skip
    return render_template("signin/makeup_review.html", form=form, review=review, req=req,
                           photo=photo or None)  # fmt: skip
