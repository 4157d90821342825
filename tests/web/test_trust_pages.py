"""The trust pages and commands: 去签署 refuses an untrusted enterprise certificate on its own
page (Chinese, or English when asked, the form shown again, never a 500); the administrator
registers and revokes a fingerprint on 登记企业证书 and with ``flask zhuxin certificate``, each
change audited; the verification page lists every check."""

import io

from sqlalchemy import select

from domain.model import AuditEntry
from domain.payroll.batches import month_choices
from domain.payroll.model import EnterpriseCertificate, SummaryFile
from tests.trust_helpers import enterprise_p12
from tests.web.payroll_helpers import (
    FakeBank,
    bound_connectors,
    configure_payroll,
    drive_to_enterprise_signing,
)
from web.extensions import db

PW = "qiye-test-2026"
GC_CODE = "91310000MA1FL8X35P"


def _month():
    return month_choices(type("P", (), {"settlement_day": 25})())[0][0]


def test_a_self_signed_certificate_is_refused_on_the_signing_page(app, client, auth, tmp_path):
    configure_payroll(app, tmp_path / "pki")
    bank = bound_connectors(app).bank_client = FakeBank()
    batch_id = drive_to_enterprise_signing(app, client, auth, _month())
    auth.logout()
    auth.login("gc_ent")
    url = f"/enterprise/batches/{batch_id}/sign"
    fake = enterprise_p12(None, PW, uscc=GC_CODE, company="冒充企业")
    page = client.post(url, content_type="multipart/form-data", headers={"Referer": url},
                       data={"p12": (io.BytesIO(fake), "fake.p12"), "password": PW})  # fmt: skip
    assert page.status_code == 400
    assert "证书不是平台信任的 CA 签发的" in page.text and 'id="ent-sign"' in page.text
    client.get("/lang/en")
    page = client.post(url, content_type="multipart/form-data", headers={"Referer": url},
                       data={"p12": (io.BytesIO(fake), "fake.p12"), "password": PW})  # fmt: skip
    assert page.status_code == 400 and "not issued by a CA the platform trusts" in page.text
    with app.app_context():
        state = db.session.scalar(select(SummaryFile.state).where(SummaryFile.batch_id == batch_id))
    assert state == "pm_signed" and bank.sent == 0


def test_the_administrator_registers_and_revokes_a_fingerprint(app, client, auth):
    auth.login("admin")
    bad = client.post("/admin/certificates", data={"credit_code": GC_CODE, "sha256": "abc"},
                      headers={"Referer": "/admin/certificates"})  # fmt: skip
    assert bad.status_code == 400 and "64 位十六进制" in bad.text and 'value="abc"' in bad.text
    ok = client.post("/admin/certificates", data={"credit_code": GC_CODE, "sha256": "AB:" * 31 + "AB",
                                                  "label": "备用证书"})  # fmt: skip
    assert ok.status_code == 302
    assert client.get("/admin/certificates").text.count("ab" * 32) == 1
    with app.app_context():
        row = db.session.scalar(select(EnterpriseCertificate))
        row_id = row.id
    assert client.post(f"/admin/certificates/{row_id}/revoke").status_code == 302
    assert "已撤销" in client.get("/admin/certificates").text
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "enterprise_certificate")
        ).all()
    assert actions == ["trust.fingerprint_registered", "trust.fingerprint_revoked"]
    auth.logout()
    auth.login("gc_pm")
    assert client.get("/admin/certificates").status_code in (302, 403)


def test_the_certificate_commands(app):
    runner = app.test_cli_runner()
    with app.app_context():  # the zhuxin group is a plain click group: no context of its own
        added = runner.invoke(args=["zhuxin", "certificate", "register", GC_CODE, "cd" * 32,
                                    "--label", "CLI", "--as", "admin"])  # fmt: skip
        assert added.exit_code == 0 and "registered #1" in added.output, added.output
        refused = runner.invoke(args=["zhuxin", "certificate", "register", GC_CODE, "cd" * 32,
                                      "--as", "admin"])  # fmt: skip
        assert refused.exit_code != 0 and "fingerprint_registered" in refused.output
        assert runner.invoke(
            args=["zhuxin", "certificate", "revoke", "1", "--as", "gc_pm"]
        ).exit_code
        assert (
            runner.invoke(args=["zhuxin", "certificate", "revoke", "1", "--as", "admin"]).exit_code
            == 0
        )
        listed = runner.invoke(args=["zhuxin", "certificate", "list", "--as", "admin"])
        assert "revoked" in listed.output
