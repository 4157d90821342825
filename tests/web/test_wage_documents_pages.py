"""Payslips (工资清单) and payment vouchers (代发工资凭证) through the pages: nothing before the
bank paid; the worker sees only his own payslip; the GC side every unit's voucher and payslips,
a subcontractor only his unit's; in Chinese and English."""

import io

from pypdf import PdfReader
from sqlalchemy import select

from domain.model import User
from domain.payroll.batches import month_choices
from domain.payroll.model import Compilation, WageBatch, WageLineRow
from tests.web.payroll_helpers import (
    FakeBank,
    bound_connectors,
    configure_payroll,
    drive_to_enterprise_signing,
)
from tests.web.test_money_routes import _enterprise_signs
from tests.web.test_task_routes import login

P = "/projects/1/payroll"


def _rows(app, batch_id):
    """unit id → compilation id, and unit id → [(line id, owner's username, net)]."""
    from web.extensions import db

    with app.app_context():
        comps = dict(db.session.execute(
            select(Compilation.unit_id, Compilation.id).where(Compilation.batch_id == batch_id)
        ).all())  # fmt: skip
        lines: dict[int, list] = {}
        for unit, line_id, user, net in db.session.execute(
            select(Compilation.unit_id, WageLineRow.id, User.username, WageLineRow.net)
            .join(Compilation, Compilation.id == WageLineRow.compilation_id)
            .join(User, User.person_id == WageLineRow.person_id)
            .where(WageLineRow.batch_id == batch_id, WageLineRow.net > 0)
            .order_by(WageLineRow.id)
        ):
            lines.setdefault(unit, []).append((line_id, user, net))
        state = db.session.get(WageBatch, batch_id).state
        db.session.remove()
    return comps, lines, state


def _pdf_text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)


def test_documents_after_payment_and_their_scopes(app, client, auth, tmp_path):
    configure_payroll(app, tmp_path / "pki")
    bound_connectors(app).bank_client = FakeBank()
    month = month_choices(type("P", (), {"settlement_day": 25})())[0][0]
    batch_id = drive_to_enterprise_signing(app, client, auth, month)
    comps, lines, _ = _rows(app, batch_id)
    line_id, owner, net = lines[2][0]
    voucher = f"{P}/batches/{batch_id}/units/2/voucher.pdf"

    # Before the bank paid: no voucher, no payslips, no 工资条.
    login(client, app, "gc_pm")
    assert client.get(voucher).status_code == 409
    assert client.get(f"{P}/compilations/{comps[2]}/payslips.pdf").status_code == 409
    assert "unit-voucher" not in client.get(f"{P}/batches/{batch_id}").text
    login(client, app, owner)
    refused = client.get(f"/my/wages/{line_id}/payslip")
    assert refused.status_code == 409 and "尚未由银行支付" in refused.text
    assert "payslip-link" not in client.get("/my/wages").text

    _enterprise_signs(app, client, tmp_path, batch_id)
    assert _rows(app, batch_id)[2] == "paid"

    # The worker: his own 工资条 (HTML and PDF) from 我的工资; anyone else's is not found.
    login(client, app, owner)
    assert f"/my/wages/{line_id}/payslip" in client.get("/my/wages").text
    page = client.get(f"/my/wages/{line_id}/payslip")
    assert page.status_code == 200
    for part in ("工资条", "用人单位", f"¥{net:.2f}", f"WL{line_id}-1", "发放日期", "****"):
        assert part in page.text
    text = _pdf_text(client.get(f"/my/wages/{line_id}/payslip.pdf"))
    assert "工资清单" in text and f"WL{line_id}-1" in text and "发放日期" in text
    other_line, other_owner, _ = lines[3][0]
    assert client.get(f"/my/wages/{other_line}/payslip").status_code == 404
    assert client.get(f"/my/wages/{other_line}/payslip.pdf").status_code == 404
    login(client, app, other_owner)
    assert client.get(f"/my/wages/{line_id}/payslip").status_code == 404
    login(client, app, "gc_pm")  # not a worker's page at all
    assert client.get(f"/my/wages/{line_id}/payslip").status_code in (302, 403)

    # The GC side: every unit's voucher and payslips, linked from the pages.
    batch_page = client.get(f"{P}/batches/{batch_id}").text
    for unit in (1, 2, 3):
        assert f"/units/{unit}/voucher.pdf" in batch_page
        text = _pdf_text(client.get(f"{P}/batches/{batch_id}/units/{unit}/voucher.pdf"))
        assert "代发工资凭证" in text and "已入账" in text and f"WL{lines[unit][0][0]}-1" in text
    assert "unit-payslips" in client.get(f"{P}/compilations/{comps[2]}").text
    slips = client.get(f"{P}/compilations/{comps[2]}/payslips.pdf")
    assert len(PdfReader(io.BytesIO(slips.data)).pages) == len(lines[2])
    assert client.get(f"{P}/batches/{batch_id}/units/999/voucher.pdf").status_code == 404

    # A subcontractor: his unit only.
    login(client, app, "suba_pm")
    batch_page = client.get(f"{P}/batches/{batch_id}").text
    assert "/units/2/voucher.pdf" in batch_page and "/units/3/voucher.pdf" not in batch_page
    assert "代发工资凭证" in _pdf_text(client.get(voucher))
    assert client.get(f"{P}/compilations/{comps[2]}/payslips.pdf").status_code == 200
    for unit in (1, 3):
        assert client.get(f"{P}/batches/{batch_id}/units/{unit}/voucher.pdf").status_code == 403
        assert client.get(f"{P}/compilations/{comps[unit]}/payslips.pdf").status_code == 403
    login(client, app, "subb_op")
    assert client.get(voucher).status_code == 403

    # English: the same pages and refusals.
    login(client, app, owner)
    client.get("/lang/en")
    page = client.get(f"/my/wages/{line_id}/payslip").text
    for part in ("Payslip", "Employer", "Pay date", "Net wage", "Download payslip"):
        assert part in page, part
    assert "Payslip" in client.get("/my/wages").text
    login(client, app, "suba_pm")
    client.get("/lang/en")
    assert "Payment voucher" in client.get(f"{P}/batches/{batch_id}").text
    assert "Payslips of this unit" in client.get(f"{P}/compilations/{comps[2]}").text
    other = client.get(f"{P}/batches/{batch_id}/units/3/voucher.pdf")
    assert other.status_code == 403 and "You are not allowed to open this page" in other.text
    login(client, app, "gc_pm")
    client.get("/lang/en")
    missing = client.get(f"{P}/batches/{batch_id}/units/999/voucher.pdf")
    assert missing.status_code == 404 and "This batch has no such unit" in missing.text
