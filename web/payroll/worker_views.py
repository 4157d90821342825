"""The worker's phone page (我的工资): his lines with days and amounts; confirm or dispute."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from domain import roles
from domain.payroll import review
from services import payroll
from web.access import guard
from web.extensions import db
from web.i18n import localized_month
from web.payroll import bp
from web.runtime import uow


@bp.route("/my/wages")
@guard(roles.WORKER)
def my_wages():
    """我的工资: every line of mine, newest first."""
    return render_template("payroll/my_wages.html", lines=review.my_lines(db.session, g.actor),
                           month_label=localized_month)  # fmt: skip


@bp.post("/my/wages/<int:line_id>")
@guard(roles.WORKER)
def my_wage_confirm(line_id: int):
    """工资确认: 确认无误, or 有异议 with a comment."""
    agree = request.form.get("decision") == "confirm"
    payroll.confirm_line(uow(), g.actor, line_id, agree, request.form.get("comment", ""))
    flash(_("已确认") if agree else _("异议已提交，项目部会与您联系"), "success")
    return redirect(url_for(".my_wages"))
