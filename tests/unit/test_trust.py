"""The trust checks of a signer's certificate (chain, validity, key usage, CRL), the binding to
an enterprise, and ``verify_summary`` over a signed file: both signatures, the right parties,
nothing after the last, the signed lines digest."""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from reportlab.pdfgen import canvas

from connectors.signing import (
    ENTERPRISE_REVISION,
    PM_REVISION,
    PersonalKeySigner,
    Pkcs12Signer,
)
from connectors.signing_pki import issue_personal, make_ca
from connectors.trust import (
    TrustStore,
    check_certificate,
    fingerprint,
    fingerprint_of_file,
    identity,
    load_trust_store,
)
from domain import roles
from domain.access import Actor, Grant
from domain.errors import AccessDenied
from domain.payroll.errors import SigningError
from domain.payroll.lines import digest_keyword
from domain.payroll.trust import NOT_BOUND, bound_to_enterprise
from services.signatures import Expectations, check_pm_signer, verify_summary
from tests.trust_helpers import (
    NOW,
    append_revision,
    certificate_of,
    crl_revoking,
    cut_to_pm_revision,
    enterprise_p12,
)

USCC = "91310000MA1FL8X35P"
DIGEST = "ab" * 32
PW = "ent-secret"


@pytest.fixture(scope="module")
def ca():
    return make_ca("测试CA")


@pytest.fixture(scope="module")
def trust(ca):
    return TrustStore((ca.chain[0],))


@pytest.fixture(scope="module")
def good(ca):
    return enterprise_p12(ca, PW, uscc=USCC, company="上海筑城建设集团有限公司")


def refusal(cert, chain, trust, at=NOW) -> str:
    with pytest.raises(SigningError) as err:
        check_certificate(cert, chain, trust, at)
    return err.value.reason


def test_a_certificate_of_a_trusted_ca_passes(ca, trust, good):
    signer = Pkcs12Signer(good, PW)
    check_certificate(signer.certificate, signer.chain, trust, NOW)


def test_a_self_signed_certificate_is_untrusted(trust):
    signer = Pkcs12Signer(enterprise_p12(None, PW, uscc=USCC), PW)
    assert refusal(signer.certificate, signer.chain, trust) == "certificate_untrusted"


def test_a_certificate_of_another_ca_is_untrusted(trust):
    other = make_ca("别的CA")
    signer = Pkcs12Signer(enterprise_p12(other, PW, uscc=USCC), PW)
    assert refusal(signer.certificate, signer.chain, trust) == "certificate_untrusted"


def test_validity_is_checked_at_the_moment_asked(ca, trust):
    short = enterprise_p12(ca, PW, uscc=USCC, valid_to=NOW + dt.timedelta(minutes=1))
    signer = Pkcs12Signer(short, PW)
    check_certificate(signer.certificate, signer.chain, trust, NOW)
    later = NOW + dt.timedelta(minutes=2)
    assert refusal(signer.certificate, signer.chain, trust, later) == "certificate_expired"
    future = Pkcs12Signer(enterprise_p12(ca, PW, valid_from=NOW + dt.timedelta(days=1)), PW)
    assert refusal(future.certificate, future.chain, trust) == "certificate_not_yet_valid"


def test_a_certificate_without_signing_key_usage_is_refused(ca, trust):
    signer = Pkcs12Signer(enterprise_p12(ca, PW, uscc=USCC, signing=False), PW)
    assert refusal(signer.certificate, signer.chain, trust) == "certificate_not_for_signing"


def test_a_certificate_on_its_issuers_crl_is_revoked(ca, good):
    signer = Pkcs12Signer(good, PW)
    crl = x509.load_pem_x509_crl(crl_revoking(ca, signer.certificate))
    revoked = TrustStore((ca.chain[0],), (crl,))
    assert refusal(signer.certificate, signer.chain, revoked) == "certificate_revoked"
    forged = x509.load_pem_x509_crl(crl_revoking(make_ca("别的CA"), signer.certificate))
    check_certificate(signer.certificate, signer.chain, TrustStore((ca.chain[0],), (forged,)), NOW)


def test_the_trust_folder_reads_certificates_and_crls_and_skips_keys(tmp_path, ca, good):
    pem = serialization.Encoding.PEM
    (tmp_path / "root.pem").write_bytes(ca.chain[0].public_bytes(pem))
    (tmp_path / "ca.crt").write_bytes(ca.cert.public_bytes(serialization.Encoding.DER))
    (tmp_path / "ca_key.pem").write_bytes(ca.key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))  # fmt: skip
    (tmp_path / "ca.crl").write_bytes(crl_revoking(ca, certificate_of(good, PW)))
    store = load_trust_store(tmp_path)
    assert len(store.anchors) == 2 and len(store.crls) == 1
    assert load_trust_store(tmp_path / "missing") == TrustStore(())


def test_binding_by_credit_code_in_the_subject_or_a_registered_fingerprint(ca, good):
    cert = certificate_of(good, PW)
    who = identity(cert)
    assert USCC in who.identifiers and who.sha256 == fingerprint(cert)
    assert bound_to_enterprise(who.sha256, who.identifiers, USCC, ())
    assert bound_to_enterprise("x", ["NTRCN-" + USCC], USCC, ())  # organizationIdentifier form
    assert not bound_to_enterprise(who.sha256, who.identifiers, "91310000MA1G2K7Q0X", ())
    nameless = certificate_of(enterprise_p12(ca, PW), PW)
    plain = identity(nameless)
    assert not bound_to_enterprise(plain.sha256, plain.identifiers, USCC, ())
    assert bound_to_enterprise(plain.sha256, plain.identifiers, USCC, [plain.sha256.upper()])
    assert fingerprint_of_file(nameless.public_bytes(serialization.Encoding.PEM)) == plain.sha256
    with pytest.raises(SigningError):
        fingerprint_of_file(b"not a certificate")


# -- verify_summary ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pm(ca):
    return issue_personal(ca, "项目经理 张三", "上海筑城建设集团有限公司", "PM-0001", "pm-secret")


@pytest.fixture(scope="module")
def signed(pm, good):
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setKeywords(digest_keyword(DIGEST))
    page.drawString(72, 720, "wage summary")
    page.showPage()
    page.save()
    once = PersonalKeySigner(pm, "pm-secret").sign_revision(out.getvalue(), PM_REVISION)
    return Pkcs12Signer(good, PW).sign_revision(once, ENTERPRISE_REVISION)


def expected(pm, **change) -> Expectations:
    def bound(cert):
        who = identity(cert)
        if not bound_to_enterprise(who.sha256, who.identifiers, USCC, ()):
            raise SigningError("certificate_not_bound", NOT_BOUND, company="总包", code=USCC,
                               subject=who.common_name)  # fmt: skip

    values = dict(pm_certificate_sha256=fingerprint(x509.load_pem_x509_certificate(pm.cert_pem)),
                  pm_name="张三", check_enterprise=bound, lines_sha256=DIGEST,
                  paying_sha256=DIGEST)  # fmt: skip
    return Expectations(**{**values, **change})


def failed(result) -> set[str]:
    return {c.name for c in result.checks if not c.ok}


def test_a_good_file_passes_every_check(signed, trust, pm):
    result = verify_summary(signed, trust, expected(pm))
    assert result.ok, [(c.name, c.reason) for c in result.checks if not c.ok]
    assert [s.signed_digest for s in result.signatures] == [DIGEST, DIGEST]


def test_a_stripped_enterprise_signature_fails(signed, trust, pm):
    result = verify_summary(cut_to_pm_revision(signed), trust, expected(pm))
    assert "present" in failed(result) and "enterprise_signer" in failed(result)
    assert "缺少总包单位签名" in result.problem.reason.zh


def test_a_revision_after_the_last_signature_fails(signed, trust, pm):
    result = verify_summary(append_revision(signed), trust, expected(pm))
    assert "nothing_after" in failed(result)
    after = next(c for c in result.checks if c.name == "nothing_after")
    assert after.reason.en == "The file was changed after the last signature"


def test_a_digest_that_is_not_the_signed_one_fails(signed, trust, pm):
    assert failed(verify_summary(signed, trust, expected(pm, paying_sha256="cd" * 32))) == {
        "digest"
    }
    assert failed(verify_summary(signed, trust, expected(pm, lines_sha256="cd" * 32))) == {"digest"}


def test_a_pm_signature_by_another_certificate_fails(signed, trust, pm):
    result = verify_summary(signed, trust, expected(pm, pm_certificate_sha256="00" * 32))
    assert failed(result) == {"pm_signer"} and "张三" in result.problem.reason.zh


def test_an_untrusted_store_fails_both_chains(signed, pm):
    result = verify_summary(signed, TrustStore((make_ca("别的CA").chain[0],)), expected(pm))
    assert {"pm_trusted", "enterprise_trusted"} <= failed(result)


# -- the PM before signing ---------------------------------------------------------------------


def test_the_pm_must_be_the_projects_gc_manager_with_a_trusted_credential(pm, trust):
    batch = SimpleNamespace(project_id=1)
    signer = PersonalKeySigner(pm, "pm-secret")
    manager = Actor(1, "张三", None, (Grant(roles.GC_MANAGER, 1),))
    check_pm_signer(manager, batch, signer, trust)
    with pytest.raises(AccessDenied):
        check_pm_signer(Actor(2, "李四", None, (Grant(roles.GC_MANAGER, 2),)), batch, signer, trust)
    with pytest.raises(AccessDenied):
        check_pm_signer(
            Actor(3, "王五", None, (Grant(roles.GC_OPERATOR, 1),)), batch, signer, trust
        )
    other = issue_personal(make_ca("别的CA"), "张三", "某公司", "PM-9", "pm-secret")
    with pytest.raises(SigningError) as err:
        check_pm_signer(manager, batch, PersonalKeySigner(other, "pm-secret"), trust)
    assert err.value.reason == "certificate_untrusted"


def test_an_enterprise_signature_not_bound_to_the_gc_fails(signed, trust, pm):
    def not_ours(cert):
        raise SigningError("certificate_not_bound", NOT_BOUND, company="别的总包",
                           code="91310000MA1G2K7Q0X", subject="x")  # fmt: skip

    result = verify_summary(signed, trust, expected(pm, check_enterprise=not_ours))
    assert failed(result) == {"enterprise_signer"} and "别的总包" in result.problem.reason.zh
