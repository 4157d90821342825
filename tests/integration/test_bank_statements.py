"""The wage account's statements against the real mock-bank: the balance falls short of the
batch being signed (a warning on 资金与对账 and a reminder for the GC manager), the client's
labour cost arrives, the batch is paid, someone pays from the account outside zhuxin; the
camt.053 statements are read and reconciled — every wage payment matched to its line by batch
number and reference, the foreign debit listed as unmatched, the credit counted as funding."""

import io
import json
from datetime import date
from decimal import Decimal
from urllib.request import Request, urlopen

import pytest
from sqlalchemy import select

from connectors.bank_client import BankClient, iban_alias
from connectors.bank_iso20022 import CreditTransfer, DebtorAccount, PaymentBatch, build_pain001
from connectors.bank_statements import parse_camt053
from domain.payroll.batches import month_choices
from domain.payroll.model import BankStatement, StatementEntry, SummaryFile, WageBatch
from services.pki import DEMO_ENTERPRISE_PASSWORD
from tests.integration.test_bank_mockbank import (
    bank_url,  # noqa: F401 (a mock-bank process)
    close_business_days,
)
from tests.web.payroll_helpers import (
    bound_connectors,
    configure_payroll,
    drain,
    drive_to_enterprise_signing,
)

ACCOUNT = "31050161393600012"  # the demo project's wage account


@pytest.fixture
def payroll_app(app, tmp_path, bank_url):  # noqa: F811
    configure_payroll(app, tmp_path / "pki")
    try:
        BankClient(bank_url).register_account("ZX-WAGE-STMT", "徐汇滨江文化中心项目农民工工资专用账户", ACCOUNT,
                                              balance_fen=10_000)  # 100.00: far too little
    except Exception:  # registered by the first test of this module's bank
        pass
    bound_connectors(app).bank_url = bank_url
    return app


def _post(url: str, body=None) -> dict:
    data = json.dumps(body).encode() if body is not None else b""
    with urlopen(Request(url, data=data, method="POST", headers={"Content-Type": "application/json"})) as r:
        return json.load(r)


def _rows(app, model, **where):
    from web.extensions import db

    with app.app_context():
        rows = list(db.session.scalars(select(model).filter_by(**where)))
        db.session.expunge_all()
        return rows


def _login(client, auth, who):
    auth.logout()
    assert auth.login(who).status_code == 302


def _pull(client, month=""):
    r = client.post(f"/projects/1/payroll/funding?month={month}", data={"action": "pull"})
    assert r.status_code == 302, r.text[:300]


def test_statements_reconciled_and_the_funding_watched(payroll_app, client, auth, tmp_path, bank_url):  # noqa: F811
    app = payroll_app
    month = month_choices(type("P", (), {"settlement_day": 25})())[0][0]
    batch_id = drive_to_enterprise_signing(app, client, auth, month)
    due = _rows(app, SummaryFile, batch_id=batch_id)[0].total_net
    assert due > 100

    close_business_days(bank_url, 1)  # a business day closes: a statement with 100.00
    _login(client, auth, "gc_op")
    _pull(client)
    page = client.get("/projects/1/payroll/funding").text
    assert 'id="funding-short"' in page and f"{due - 100:,.2f}" in page and "请通知建设单位" in page
    _login(client, auth, "gc_pm")
    assert "不足以支付待发工资" in client.get("/projects/1/payroll/compile").text
    dashboard = client.get("/warnings").text  # 预警, linking to 资金与对账
    assert "专户余额不足" in dashboard and f"{due - 100:,.2f}" in dashboard and "/projects/1/payroll/funding" in dashboard
    assert "工资专用账户余额" in client.get("/messages").text  # and a message to the GC manager

    credit = _post(bank_url + "/_mock/credits", {
        "account": "ZX-WAGE-STMT", "amount": int((due + 1000) * 100), "debtor": {"name": "上海某建设单位"},
        "reference": "RF-LABOUR-1", "note": "人工费拨付"})  # fmt: skip
    close_business_days(bank_url, 2)  # past the credit's booking day: three statements
    _pull(client)
    page = client.get("/projects/1/payroll/funding?month=" + credit["booking_date"][:7]).text
    assert 'id="funding-short"' not in page
    _login(client, auth, "gc_pm")
    assert "专户余额不足" not in client.get("/warnings").text
    _login(client, auth, "gc_op")
    assert f"{Decimal(credit['amount']) / 100:,.2f}" in page.split('id="funding-received"')[1][:80]

    _login(client, auth, "gc_ent")
    p12 = (tmp_path / "pki" / "enterprise_demo.p12").read_bytes()
    r = client.post(f"/enterprise/batches/{batch_id}/sign", content_type="multipart/form-data",
                    data={"p12": (io.BytesIO(p12), "e.p12"), "password": DEMO_ENTERPRISE_PASSWORD})  # fmt: skip
    assert r.status_code == 302
    drain(app)
    batch = _rows(app, WageBatch, id=batch_id)[0]
    assert batch.state == "paid"
    # Money leaves the wage account outside zhuxin (a transfer keyed in at the counter).
    stranger = PaymentBatch("COUNTER-0001", DebtorAccount("工资专户", ACCOUNT, "102290000011"),
                            [CreditTransfer("999999", 1, "某材料公司", "6222020000000000001", "102290024433",
                                            "工商银行", Decimal("1234.56"), "材料款")],
                            date.today(), "柜台")  # fmt: skip
    assert BankClient(bank_url).submit(build_pain001(stranger)).outcome == "accepted"
    _post(bank_url + "/_mock/advance?days=4")
    _login(client, auth, "gc_op")
    _pull(client)
    _pull(client)  # read again: nothing is kept twice

    statements = _rows(app, BankStatement, project_id=1)
    assert len({s.statement_id for s in statements}) == len(statements) >= 3
    entries = _rows(app, StatementEntry)
    matched = [e for e in entries if e.state == "matched"]
    assert len(matched) == len([e for e in entries if e.msg_id == batch.batch_no]) > 0
    assert all(e.payment_id for e in matched)
    unmatched = [e for e in entries if e.state == "unmatched"]
    assert [(e.end_to_end_id, e.amount, e.credit) for e in unmatched] == [("WL999999-1", Decimal("1234.56"), False)]
    assert [e.amount for e in entries if e.state == "funding"] == [Decimal(credit["amount"]) / 100]
    page = client.get("/projects/1/payroll/funding").text
    assert "WL999999-1" in page.split('id="unmatched"')[1].split("</table>")[0]

    # An uploaded statement: the same one again adds nothing; another account's is refused.
    body = BankClient(bank_url).fetch_statements()
    ours = next(b for b in body if parse_camt053(b)[0].account == iban_alias(ACCOUNT))
    r = client.post("/projects/1/payroll/funding", data={"statement_file": (io.BytesIO(ours), "s.xml")},
                    content_type="multipart/form-data")  # fmt: skip
    assert r.status_code == 302 and len(_rows(app, BankStatement, project_id=1)) == len(statements)
    other = next(b for b in body if parse_camt053(b)[0].account != iban_alias(ACCOUNT))
    referer = {"Referer": "http://localhost/projects/1/payroll/funding"}
    r = client.post("/projects/1/payroll/funding", data={"statement_file": (io.BytesIO(other), "s.xml")},
                    content_type="multipart/form-data", headers=referer)  # fmt: skip
    assert r.status_code == 400 and "不是本项目的工资专用账户" in r.text
    r = client.post("/projects/1/payroll/funding", data={"statement_file": (io.BytesIO(b"<x/>"), "s.xml")},
                    content_type="multipart/form-data", headers=referer)  # fmt: skip
    assert r.status_code == 400 and "不是 camt.053 银行对账单" in r.text


def test_a_subcontractor_sees_no_statements(payroll_app, client, auth):
    _login(client, auth, "suba_pm")
    assert client.get("/projects/1/payroll/funding").status_code == 403
    assert client.post("/projects/1/payroll/funding", data={"action": "pull"}).status_code == 403
