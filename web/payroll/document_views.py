"""Wage documents after payment for the contractors: a unit's payslips (工资清单) from 编制详情
and a unit's payment voucher (代发工资凭证) from 查看详情."""

from flask import Response, g

from connectors.wage_documents_pdf import render_payslips_pdf, render_voucher_pdf
from domain import roles
from domain.payroll import documents
from web.access import guard
from web.extensions import db
from web.payroll import bp

BASE = "/projects/<int:project_id>/payroll"


def _pdf(data: bytes, name: str) -> Response:
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename={name}"})  # fmt: skip


@bp.get(BASE + "/compilations/<int:compilation_id>/payslips.pdf")
@guard(*roles.PROJECT_VIEWERS)
def unit_payslips_pdf(project_id: int, compilation_id: int):
    """工资清单: one page per paid worker of the unit, once the batch is paid."""
    slips = documents.unit_payslips(db.session, g.actor, compilation_id, project_id)
    return _pdf(render_payslips_pdf(slips), f"payslips-{compilation_id}.pdf")


@bp.get(BASE + "/batches/<int:batch_id>/units/<int:unit_id>/voucher.pdf")
@guard(*roles.PROJECT_VIEWERS)
def unit_voucher_pdf(project_id: int, batch_id: int, unit_id: int):
    """代发工资凭证 of one unit: the GC side for every unit, a subcontractor for his own."""
    voucher = documents.unit_voucher(db.session, g.actor, batch_id, unit_id, project_id)
    return _pdf(render_voucher_pdf(voucher), f"{voucher.batch_no}-unit{unit_id}-voucher.pdf")
