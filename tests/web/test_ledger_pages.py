"""工资支付台账 through the pages: every reviewed line of the month with its bank reference,
Excel and PDF; the GC side the whole project, a subcontractor his unit only (in the domain
query too); the retention rule shown; a bad month refused; Chinese and English."""

import io

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from domain.access import load_actor
from domain.model import User
from domain.payroll.batches import month_choices
from domain.payroll.ledger import ledger_for
from domain.payroll.model import WageLineRow
from tests.web.payroll_helpers import (
    FakeBank,
    bound_connectors,
    configure_payroll,
    drive_to_enterprise_signing,
)
from tests.web.test_money_routes import _enterprise_signs
from tests.web.test_task_routes import login


def _paid_month(app, client, auth, tmp_path) -> tuple[str, list[tuple[int, str]]]:
    """A month paid by the (fake) bank; → the month and its lines' (unit, EndToEndId)."""
    from web.extensions import db

    configure_payroll(app, tmp_path / "pki")
    bound_connectors(app).bank_client = FakeBank()
    month = month_choices(type("P", (), {"settlement_day": 25})())[0][0]
    batch_id = drive_to_enterprise_signing(app, client, auth, month)
    _enterprise_signs(app, client, tmp_path, batch_id)
    with app.app_context():
        from domain.payroll.model import Compilation

        lines = [(unit, f"WL{line_id}-1") for unit, line_id in db.session.execute(
            select(Compilation.unit_id, WageLineRow.id)
            .join(Compilation, Compilation.id == WageLineRow.compilation_id)
            .where(WageLineRow.batch_id == batch_id, WageLineRow.net > 0)
        )]  # fmt: skip
        db.session.remove()
    return month, lines


def test_ledger_pages_exports_and_scopes(app, client, auth, tmp_path):
    month, lines = _paid_month(app, client, auth, tmp_path)
    url = f"/projects/1/ledger?month={month}"

    login(client, app, "gc_pm")
    assert "/projects/1/ledger" in client.get("/projects/1/payroll/compile").text  # the menu
    page = client.get(url)
    assert page.status_code == 200
    for part in ("工资支付台账", "项目合计", "已入账", "项目完工后 3 年", "****", "生成时间"):
        assert part in page.text, part
    assert all(e2e in page.text for _, e2e in lines)
    assert page.text.count('class="unit-total"') == 3
    sheet = load_workbook(io.BytesIO(client.get(f"/projects/1/ledger.xlsx?month={month}").data))
    cells = {c for row in sheet.active.iter_rows(values_only=True) for c in row if c}
    assert all(e2e in cells for _, e2e in lines) and "已入账" in cells
    pdf = client.get(f"/projects/1/ledger.pdf?month={month}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "工资支付台账" in text and lines[0][1] in text and "第 1 页" in text

    # A subcontractor: his unit only, on the page, in the files and in the domain query.
    login(client, app, "suba_pm")
    page = client.get(url).text
    own = [e2e for unit, e2e in lines if unit == 2]
    others = [e2e for unit, e2e in lines if unit != 2]
    assert own and all(e in page for e in own) and not any(e in page for e in others)
    assert page.count('class="unit-total"') == 1
    sheet = load_workbook(io.BytesIO(client.get(f"/projects/1/ledger.xlsx?month={month}").data))
    cells = {c for row in sheet.active.iter_rows(values_only=True) for c in row if c}
    assert all(e in cells for e in own) and not any(e in cells for e in others)
    from web.extensions import db

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "subb_op"))
        data = ledger_for(db.session, load_actor(db.session, user), 1, month, _now())
        assert data.rows and {r.unit for r in data.rows} == {"江苏鑫达建筑劳务有限公司"}
        assert {r.end_to_end_id for r in data.rows} == {e for u, e in lines if u == 3}
        db.session.remove()

    # A worker has no ledger; a bad month is refused with the field named, never a 500.
    login(client, app, "w001")
    assert client.get(url).status_code in (302, 403)
    login(client, app, "gc_pm")
    bad = client.get("/projects/1/ledger?month=2025-13")
    assert bad.status_code == 400
    assert client.get("/projects/999/ledger").status_code in (403, 404)

    client.get("/lang/en")
    page = client.get(url).text
    for part in ("Wage ledger", "Project total", "kept at least 3 years", "Export ledger"):
        assert part in page, part


def _now():
    from datetime import datetime

    return datetime(2026, 12, 1, 9, 0)
