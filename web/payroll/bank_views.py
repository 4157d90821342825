"""银行接口 (the project's choice of how payment files reach its bank) and 银行文件 (a batch's
files in the bank's layout, and the bank's result files uploaded back)."""

import re

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from domain import roles
from domain.clock import today_in_shanghai
from domain.payroll import batches
from services import bank_files, bank_statements
from web.access import guard
from web.extensions import db
from web.payroll import bp
from web.payroll.views import BASE, _ctx
from web.runtime import uow


def _language() -> str:
    return "en" if str(get_locale()).startswith("en") else "zh"


@bp.route(BASE + "/bank-interface", methods=["GET", "POST"])
@guard(roles.GC_MANAGER)
def bank_interface(project_id: int):
    """银行接口: ISO 20022 online, or a bank's batch-file layout (connectors/bank_layouts/)."""
    if request.method == "POST":
        bank_files.set_bank_adapter(uow(), g.actor, project_id, request.form.get("bank_adapter", ""))
        flash(_("银行接口已保存"), "success")
        return redirect(url_for(".bank_interface", project_id=project_id))
    return render_template("payroll/bank_interface.html", choices=bank_files.choices(_language()),
                           chosen=bank_files.chosen(uow(), project_id),
                           **_ctx(project_id))  # fmt: skip


@bp.get(BASE + "/batches/<int:batch_id>/bank-files")
@guard(*roles.GC_SIDE)
def bank_file_list(project_id: int, batch_id: int):
    """银行文件: download each payment file in the bank's layout; upload the result file."""
    batch, files = bank_files.files(uow(), g.actor, project_id, batch_id)
    return render_template("payroll/bank_files.html", batch=batch, files=files,
                           choices=bank_files.choices(_language()),
                           awaiting=batches.settings_for(db.session, project_id).bank_adapter,
                           **_ctx(project_id))  # fmt: skip


@bp.get(BASE + "/batches/<int:batch_id>/bank-files/<int:file_id>")
@guard(*roles.GC_SIDE)
def bank_file_download(project_id: int, batch_id: int, file_id: int):
    found = bank_files.download(uow(), g.actor, project_id, batch_id, file_id)
    mimetype = "text/csv" if found.filename.endswith(".csv") else "text/plain"
    return Response(found.content, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename={found.filename}"})  # fmt: skip


@bp.post(BASE + "/batches/<int:batch_id>/bank-files/result")
@guard(*roles.GC_SIDE)
def bank_result_upload(project_id: int, batch_id: int):
    """上传回盘文件: checked against the batch's current payment file before it is kept."""
    upload = request.files.get("result_file")
    content = upload.read() if upload else b""
    count = bank_files.upload_result(uow(), g.actor, project_id, batch_id,
                                     upload.filename or "" if upload else "", content)  # fmt: skip
    flash(_("回盘文件已上传（%(n)s 笔结果），稍后自动对账", n=count), "success")
    return redirect(url_for(".bank_file_list", project_id=project_id, batch_id=batch_id))


@bp.route(BASE + "/funding", methods=["GET", "POST"])
@guard(*roles.GC_SIDE)
def funding(project_id: int):
    """资金与对账: the wage account's balance against the batches coming, the month's labour cost
    received and wages paid, the statements and every entry reconciliation could not match."""
    if request.method == "POST":
        if request.form.get("action") == "pull":
            count = bank_statements.pull_statements(uow(), project_id)
        else:
            upload = request.files.get("statement_file")
            count = bank_statements.upload_statement(uow(), g.actor, project_id,
                                                     upload.read() if upload else b"")  # fmt: skip
        flash(_("已读取 %(n)s 份新的对账单", n=count), "success")
        return redirect(url_for(".funding", project_id=project_id, month=request.args.get("month", "")))
    month = _month(request.args.get("month", ""))
    return render_template("payroll/funding.html", month=month,
                           online=bank_files.chosen(uow(), project_id) == "iso20022",
                           **bank_statements.overview(uow(), g.actor, project_id, month),
                           **_ctx(project_id))  # fmt: skip


def _month(value: str) -> str:
    """YYYY-MM from the query (years 2000–2099), else this month (Shanghai)."""
    text = value.strip()
    if re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", text):
        return text
    return f"{today_in_shanghai():%Y-%m}"
