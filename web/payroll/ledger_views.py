"""工资支付台账 (the wage ledger) of a project and pay month: the page and its Excel and PDF
downloads. The GC side sees every unit, a subcontractor his own (``domain.payroll.ledger``)."""

from datetime import UTC, datetime

from flask import Response, g, render_template, request

from connectors.wage_documents_pdf import render_ledger_pdf
from domain import roles
from domain.clock import shanghai_time
from domain.payroll.batches import get_project
from domain.payroll.ledger import RETENTION_NOTE, Ledger, ledger_for, ledger_months
from domain.payroll.ledger_excel import export_ledger
from web.access import guard
from web.extensions import db
from web.i18n import localized_month
from web.payroll import bp

BASE = "/projects/<int:project_id>/ledger"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ledger(project_id: int) -> tuple[Ledger, list[str]]:
    """The ledger of ``?month=`` (default the newest month with a batch) and the months."""
    get_project(db.session, project_id)
    months = ledger_months(db.session, project_id)
    month = request.args.get("month", "").strip() or (months[0] if months else "")
    now = shanghai_time(datetime.now(UTC)).replace(tzinfo=None)
    month = month or f"{now:%Y-%m}"
    return ledger_for(db.session, g.actor, project_id, month, now), months


def _file(data: bytes, mimetype: str, name: str, disposition: str = "attachment") -> Response:
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f"{disposition}; filename={name}"})  # fmt: skip


@bp.get(BASE)
@guard(*roles.PROJECT_VIEWERS)
def ledger(project_id: int):
    """工资支付台账: every line of the month with its bank reference and the totals."""
    data, months = _ledger(project_id)
    return render_template("payroll/ledger.html", project=get_project(db.session, project_id),
                           ledger=data, months=months, month_label=localized_month,
                           retention=RETENTION_NOTE.pick(g.get("lang", "zh")))  # fmt: skip


@bp.get(BASE + ".xlsx")
@guard(*roles.PROJECT_VIEWERS)
def ledger_xlsx(project_id: int):
    data, _ = _ledger(project_id)
    return _file(export_ledger(data), XLSX, f"ledger-{project_id}-{data.pay_month}.xlsx")


@bp.get(BASE + ".pdf")
@guard(*roles.PROJECT_VIEWERS)
def ledger_pdf(project_id: int):
    data, _ = _ledger(project_id)
    return _file(render_ledger_pdf(data), "application/pdf",
                 f"ledger-{project_id}-{data.pay_month}.pdf", "inline")  # fmt: skip
