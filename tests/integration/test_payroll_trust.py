"""Trusted signatures against a real ``mock-bank`` process: an enterprise certificate that is
self-signed, expired or another enterprise's is refused at 去签署 with its reason and nothing
reaches the bank; a registered fingerprint binds a certificate without the credit code; a
summary file whose enterprise signature was stripped, or with a revision appended after the
last signature, does not verify (page and CLI) and is not sent: the push job ends in an
incident whose message is the reason."""

import datetime as dt
import io
import json
from pathlib import Path
from urllib.request import urlopen

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import select

from domain.demo import credit_code
from domain.payroll.batches import month_choices
from domain.payroll.model import EnterpriseCertificate, SummaryFile, WageBatch
from engine.clock import utcnow
from engine.models import Incident, Job
from services.pki import DEMO_ENTERPRISE_PASSWORD, authority
from services.processes import run_due_jobs
from tests.integration.test_bank_mockbank import bank_url  # noqa: F401 (a mock-bank process)
from tests.integration.test_payroll_push import payroll_app  # noqa: F401 (demo PKI, wage account)
from tests.trust_helpers import (
    NOW,
    append_revision,
    certificate_of,
    cut_to_pm_revision,
    enterprise_p12,
)
from tests.web.payroll_helpers import drive_to_enterprise_signing
from web.extensions import db
from web.runtime import uow

PW = "qiye-test-2026"
GC_NAME = "上海筑城建设集团有限公司"
OTHER_CODE = credit_code("MA1G2K7Q")  # the demo subcontractor 上海恒固劳务有限公司


def _batch(app, client, auth) -> WageBatch:
    month = month_choices(type("P", (), {"settlement_day": 25})())[0][0]
    batch_id = drive_to_enterprise_signing(app, client, auth, month)
    with app.app_context():
        batch = db.session.get(WageBatch, batch_id)
        db.session.expunge_all()
    return batch


def _paid_at_bank(bank_url) -> list:  # noqa: F811
    """Every payment the bank holds (the bank lives for the module; tests compare counts)."""
    with urlopen(bank_url + "/_mock/payments") as answer:
        return json.load(answer)


def _sign(client, batch_id, p12: bytes, password: str):
    return client.post(f"/enterprise/batches/{batch_id}/sign", content_type="multipart/form-data",
                       data={"p12": (io.BytesIO(p12), "e.p12"), "password": password})  # fmt: skip


def _summary_state(app, batch_id) -> str:
    with app.app_context():
        return db.session.scalar(select(SummaryFile.state).where(SummaryFile.batch_id == batch_id))


def test_untrusted_enterprise_certificates_are_refused_and_a_registered_one_signs(
    payroll_app,  # noqa: F811
    client,
    auth,
    tmp_path,
    bank_url,  # noqa: F811
):
    app = payroll_app
    batch = _batch(app, client, auth)
    before = len(_paid_at_bank(bank_url))
    ca = authority(tmp_path / "pki")
    auth.logout()
    auth.login("gc_ent")
    refused = {
        "self-signed": (enterprise_p12(None, PW, uscc="91310000MA1FL8X35P", company="冒充企业"),
                        "证书不是平台信任的 CA 签发的"),
        "expired": (enterprise_p12(ca, PW, uscc="91310000MA1FL8X35P", company=GC_NAME,
                                   valid_from=NOW - dt.timedelta(days=30),
                                   valid_to=NOW - dt.timedelta(days=1)), "证书已过期"),
        "another enterprise": (enterprise_p12(ca, PW, uscc=OTHER_CODE, company="上海恒固劳务有限公司"),
                               "证书不属于本项目的总包单位"),
    }  # fmt: skip
    for case, (p12, reason) in refused.items():
        page = _sign(client, batch.id, p12, PW)
        assert page.status_code == 400, case
        assert reason in page.text, case
        assert 'id="ent-sign"' in page.text and 'id="p12-file"' in page.text, case  # form kept
        assert _summary_state(app, batch.id) == "pm_signed", case
    run_jobs(app)
    assert len(_paid_at_bank(bank_url)) == before

    # A certificate without the credit code signs once its fingerprint is registered.
    nameless = enterprise_p12(ca, PW, company=GC_NAME)
    page = _sign(client, batch.id, nameless, PW)
    assert page.status_code == 400 and "也没有为该单位登记此证书指纹" in page.text
    auth.logout()
    auth.login("admin")
    pem = certificate_of(nameless, PW).public_bytes(Encoding.PEM)
    answer = client.post("/admin/certificates", content_type="multipart/form-data", data={
        "credit_code": "91310000MA1FL8X35P", "label": "总包单位盖章证书",
        "certificate": (io.BytesIO(pem), "gc.pem")})  # fmt: skip
    assert answer.status_code == 302, answer.text[:300]
    assert "总包单位盖章证书" in client.get("/admin/certificates").text
    with app.app_context():
        row = db.session.scalar(select(EnterpriseCertificate))
        assert row.registered_by is not None and row.revoked_at is None
    auth.logout()
    auth.login("gc_ent")
    assert _sign(client, batch.id, nameless, PW).status_code == 302
    run_jobs(app)
    assert len(_paid_at_bank(bank_url)) > before
    auth.logout()
    auth.login("gc_pm")
    verify = client.get(f"/projects/1/payroll/batches/{batch.id}/verify").text
    assert "所有签名有效" in verify and "✗" not in verify


@pytest.mark.parametrize("tamper,reason", [
    (cut_to_pm_revision, "缺少总包单位签名"),
    (append_revision, "最后一个签名之后文件被追加或修改"),
])  # fmt: skip
def test_a_tampered_summary_file_is_not_sent(
    payroll_app,  # noqa: F811
    client,
    auth,
    bank_url,  # noqa: F811
    tamper,
    reason,
):
    app = payroll_app
    batch = _batch(app, client, auth)
    before = len(_paid_at_bank(bank_url))
    auth.logout()
    auth.login("gc_ent")
    p12 = (payroll_pki(app) / "enterprise_demo.p12").read_bytes()
    assert _sign(client, batch.id, p12, DEMO_ENTERPRISE_PASSWORD).status_code == 302
    with app.app_context():  # the file is changed in the database before the push runs
        summary = db.session.scalar(select(SummaryFile).where(SummaryFile.batch_id == batch.id))
        assert summary.state == "enterprise_signed"
        summary.pdf = tamper(summary.pdf)
        db.session.commit()
    run_jobs(app, until_incident=True)
    assert len(_paid_at_bank(bank_url)) == before
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.operation == "bank/SubmitBatch"))
        incident = db.session.scalar(select(Incident).where(Incident.job_id == job.id))
        assert job.status == "incident" and "PushRefused" in incident.error
        assert reason in incident.error, incident.error
        db.session.remove()

    with app.app_context():  # the zhuxin group is a plain click group: no context of its own
        result = app.test_cli_runner().invoke(args=["zhuxin", "verify-summary", batch.batch_no])
    assert result.exit_code == 1 and "INVALID" in result.output, result.output
    auth.logout()
    auth.login("gc_pm")
    verify = client.get(f"/projects/1/payroll/batches/{batch.id}/verify").text
    assert "验签未通过" in verify and reason in verify


def payroll_pki(app) -> Path:
    return Path(app.config["ZHUXIN_PKI_DIR"])


def run_jobs(app, until_incident: bool = False) -> None:
    """Run the due jobs; with ``until_incident``, make a failed job due again until its retries
    are used up."""
    with app.app_context():
        for _ in range(12):
            run_due_jobs(uow())
            job = db.session.scalar(select(Job).where(Job.operation == "bank/SubmitBatch"))
            if until_incident and job is not None and job.status == "pending":
                job.due_at = utcnow()  # the retry's backoff is over now
                db.session.commit()
        db.session.remove()
