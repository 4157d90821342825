"""The worker's phone pages: 我的工资 (his lines with days and amounts; confirm or dispute) and
我的工资卡 (the card his wages go to: change it, or confirm a card proposed for him)."""

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from connectors.wage_documents_pdf import render_payslips_pdf
from domain import roles
from domain.model import Person
from domain.payroll import cards, confirmation, documents, review
from services import confirmation as confirm_cases
from services import payroll
from web.access import guard
from web.extensions import db
from web.i18n import localized_month
from web.payroll import bp
from web.runtime import uow


@bp.route("/my/wages")
@guard(roles.WORKER)
def my_wages():
    """我的工资: every line of mine, newest first, each with its confirmation."""
    pending = cards.pending_changes(db.session, g.actor.person_id) if g.actor.person_id else []
    lines = review.my_lines(db.session, g.actor)
    return render_template("payroll/my_wages.html", lines=lines, pending_cards=pending,
                           states=confirmation.states_for(db.session, lines),
                           month_label=localized_month)  # fmt: skip


@bp.post("/my/wages/<int:line_id>")
@guard(roles.WORKER)
def my_wage_confirm(line_id: int):
    """工资确认: 确认无误, or 有异议 with a comment (which opens a task for the project office)."""
    if request.form.get("decision") == "confirm":
        confirm_cases.confirm_line(uow(), g.actor, line_id)
        flash(_("已确认"), "success")
    else:
        confirm_cases.dispute_line(uow(), g.actor, line_id, request.form.get("comment", ""))
        flash(_("异议已提交，项目部会与您联系"), "success")
    return redirect(url_for(".my_wages", _anchor=f"wage-{line_id}"))


@bp.get("/my/wages/<int:line_id>/payslip")
@guard(roles.WORKER)
def my_payslip(line_id: int):
    """工资条: the payslip (工资清单) of one of my paid lines, for the phone."""
    slip = documents.my_payslip(db.session, g.actor, line_id)
    return render_template("payroll/my_payslip.html", slip=slip, line_id=line_id,
                           month_label=localized_month)  # fmt: skip


@bp.get("/my/wages/<int:line_id>/payslip.pdf")
@guard(roles.WORKER)
def my_payslip_pdf(line_id: int):
    """The same payslip as a PDF."""
    slip = documents.my_payslip(db.session, g.actor, line_id)
    return Response(render_payslips_pdf([slip]), mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename=payslip-{slip.pay_month}.pdf"})  # fmt: skip


@bp.route("/my/card", methods=["GET", "POST"])
@guard(roles.WORKER)
def my_card():
    """我的工资卡: the card wages go to; change it, or confirm a card the project office proposed."""
    if request.method == "POST":
        payroll.change_own_card(uow(), g.actor, request.form.get("bank_card", ""),
                                request.form.get("bank_name", ""),
                                request.form.get("bank_cnaps", ""))  # fmt: skip
        flash(_("工资卡已更新，以后的工资发到新卡"), "success")
        return redirect(url_for(".my_card"))
    person = db.session.get(Person, g.actor.person_id) if g.actor.person_id else None
    changes = cards.pending_changes(db.session, person.id) if person else []
    return render_template("payroll/my_card.html", person=person, changes=changes)


@bp.post("/my/card/changes/<int:change_id>")
@guard(roles.WORKER)
def my_card_decide(change_id: int):
    """确认是我的卡 / 不是我的卡: the worker decides a card proposed for him."""
    agree = request.form.get("decision") == "confirm"
    payroll.decide_card_change(uow(), g.actor, change_id, agree)
    flash(_("已确认，工资将发到这张卡") if agree else _("已拒绝该卡，项目部会与您联系"), "success")
    return redirect(url_for(".my_card"))
