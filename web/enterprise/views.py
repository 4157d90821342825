"""企业端 pages: 工资支付表推送银行 (查询, 去签署)."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from domain import roles
from domain.errors import InvalidInput
from domain.i18n import Text
from domain.payroll import batches, compile, payment
from domain.payroll.model import WageBatch
from services import payroll
from web.access import guard
from web.enterprise import bp
from web.extensions import db
from web.i18n import localized_month
from web.payroll.views import STATE_LABELS
from web.runtime import uow

ENTERPRISE = roles.GC_ENTERPRISE
NO_CERTIFICATE = Text("请选择企业数字证书文件（.p12）", "Choose the enterprise certificate")


@bp.route("/enterprise/push")
@guard(ENTERPRISE)
def push():
    """工资支付表推送银行 (企业端): every wage file of the enterprise's projects."""
    project_ids = g.actor.project_ids()
    stmt = select(WageBatch).where(WageBatch.project_id.in_(project_ids))
    if request.args.get("q"):
        stmt = stmt.where(WageBatch.batch_no.contains(request.args["q"].strip()))
    if request.args.get("waiting"):
        stmt = stmt.where(WageBatch.state == "enterprise_signing")
    rows = db.session.scalars(stmt.order_by(WageBatch.id.desc())).all()
    summaries = {b.id: payment.summary_of(db.session, b) for b in rows}
    return render_template("enterprise/push.html", batches=rows, summaries=summaries,
                           labels=STATE_LABELS, month_label=localized_month,
                           q=request.args.get("q", ""))  # fmt: skip


@bp.route("/enterprise/batches/<int:batch_id>/sign", methods=["GET", "POST"])
@guard(ENTERPRISE)
def sign(batch_id: int):
    """去签署 (企业端): upload the enterprise certificate (.p12) and give its password."""
    batch = batches.get_batch(db.session, g.actor, batch_id)
    g.actor.must("sign_enterprise", batch.project_id)
    if request.method == "POST":
        upload = request.files.get("p12")
        if upload is None or not upload.filename:
            raise InvalidInput("certificate_required", NO_CERTIFICATE, field="p12")
        payroll.enterprise_sign(uow(), g.actor, batch.id, upload.read(),
                                request.form.get("password", ""))  # fmt: skip
        flash(_("企业签署完成，工资支付表已推送银行"), "success")
        return redirect(url_for(".push"))
    lines = payment.batch_lines(db.session, batch)
    return render_template("enterprise/sign.html", batch=batch, labels=STATE_LABELS,
                           summary=payment.summary_of(db.session, batch),
                           totals=compile.totals(lines), month_label=localized_month)  # fmt: skip
