"""The wage payment's bank side against a real ``mock-bank`` process: the signed summary file
(both signatures valid, one changed byte detected), the pain.001 valid against the official
XSD and equal to the signed lines, and a crash injected right after sending that does not pay
twice (the retry resends the same MsgId; the bank refuses it as a duplicate)."""

import io
import json
from urllib.request import urlopen

import pytest
from sqlalchemy import select
from sqlalchemy.orm import undefer

from connectors.bank_client import BankClient
from connectors.bank_iso20022 import bank_records_from_pain001, validate_pain001
from connectors.signing import verify_pdf
from domain.payroll.batches import month_choices
from domain.payroll.lines import canonical_records_digest
from domain.payroll.model import BankSubmission, SummaryFile, WageBatch, WageLineRow
from services.pki import DEMO_ENTERPRISE_PASSWORD, trust_roots
from tests.integration.test_bank_mockbank import bank_url  # noqa: F401 (a mock-bank process)
from tests.web.payroll_helpers import (
    bound_connectors,
    configure_payroll,
    drive_to_enterprise_signing,
)


class Crash(Exception):
    """The process dies between the bank's answer and our record of it."""


@pytest.fixture
def payroll_app(app, tmp_path, bank_url):  # noqa: F811
    configure_payroll(app, tmp_path / "pki")
    bank = BankClient(bank_url)
    try:
        bank.register_account("ZX-WAGE-SH2026001", "徐汇滨江文化中心项目农民工工资专用账户",
                              "31050161393600012", balance_fen=10**11)  # fmt: skip
    except Exception:  # already registered by an earlier test on this module's bank
        pass
    bound = bound_connectors(app)
    bound.bank_url = bank_url
    yield app
    bound.after_send = None


def _one(app, model, **where):
    from web.extensions import db

    with app.app_context():
        row = db.session.scalar(select(model).filter_by(**where).options(undefer("*")))
        db.session.expunge_all()  # read detached: deferred columns loaded above
        return row


def test_signed_file_pushed_once_despite_a_crash_after_sending(
    payroll_app,
    client,
    auth,
    tmp_path,
    bank_url,  # noqa: F811
):
    app = payroll_app
    month = month_choices(type("P", (), {"settlement_day": 25})())[0][0]
    batch_id = drive_to_enterprise_signing(app, client, auth, month)
    auth.logout()
    auth.login("gc_ent")
    p12 = (tmp_path / "pki" / "enterprise_demo.p12").read_bytes()
    crashes = []

    def crash_once():
        if not crashes:
            crashes.append(1)
            raise Crash("killed after send")

    bound_connectors(app).after_send = crash_once
    r = client.post(
        f"/enterprise/batches/{batch_id}/sign",
        content_type="multipart/form-data",
        data={"p12": (io.BytesIO(p12), "e.p12"), "password": DEMO_ENTERPRISE_PASSWORD},
    )
    assert r.status_code == 302
    from services.processes import run_due_jobs
    from web.extensions import db
    from web.runtime import uow

    with app.app_context():
        run_due_jobs(uow())  # SubmitBatch: sends, then "crashes" before recording
        db.session.remove()
    batch = _one(app, WageBatch, id=batch_id)
    sub = _one(app, BankSubmission, batch_id=batch_id, round=0)
    assert crashes and sub.state == "prepared" and sub.send_count == 0  # recorded before sending
    # The executor retries the job after its backoff (made due now) and resends the same file.
    from engine.clock import utcnow
    from engine.models import Job

    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.operation == "bank/SubmitBatch"))
        assert job.status == "pending" and "killed after send" in job.last_error
        job.due_at = utcnow()
        db.session.commit()
        run_due_jobs(uow())
        db.session.remove()
    sub = _one(app, BankSubmission, id=sub.id)
    assert (sub.msg_id, sub.outcome, sub.send_count) == (batch.batch_no, "already_sent", 1)
    with urlopen(bank_url + "/_mock/payments") as answer:
        paid = [p for p in json.load(answer) if p["msg_id"] == batch.batch_no]
    assert len(paid) == sub.line_count  # each line paid once, not twice

    # The file is valid pain.001.001.09 and is exactly the signed data.
    assert validate_pain001(sub.xml) == []
    summary = _one(app, SummaryFile, batch_id=batch_id)
    assert canonical_records_digest(bank_records_from_pain001(sub.xml)) == summary.lines_sha256
    with app.app_context():
        roots = trust_roots(tmp_path / "pki")
    report = verify_pdf(summary.pdf, roots)
    assert report.ok and [s.field for s in report.signatures] == [
        "PM_Signature",
        "Enterprise_Signature",
    ]
    tampered = bytearray(summary.pdf)
    at = summary.pdf.index(b"SHA-256") if b"SHA-256" in summary.pdf else len(tampered) // 3
    tampered[at] ^= 0x01
    assert not verify_pdf(bytes(tampered), roots).ok

    # The status arrives (poll timer PT0S) and every line is paid.
    with app.app_context():
        for _ in range(10):
            run_due_jobs(uow())
        db.session.remove()
    assert _one(app, WageBatch, id=batch_id).state == "paid"
    line = _one(app, WageLineRow, batch_id=batch_id)
    assert line.bank_status == "paid"
