"""Two incremental PDF signatures (PM, then enterprise) and their verification."""

import pytest
from reportlab.pdfgen import canvas

from connectors.signing import (
    SigningError,
    generate_test_pki,
    sign_as_enterprise,
    sign_as_pm,
    verify_pdf,
)


@pytest.fixture(scope="module")
def pki():
    return generate_test_pki(pm_password="pm-secret", enterprise_password="ent-secret")


@pytest.fixture(scope="module")
def pdf():
    import io

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "wage summary")
    page.showPage()
    page.save()
    return out.getvalue()


@pytest.fixture(scope="module")
def signed(pki, pdf):
    once = sign_as_pm(pdf, pki.pm, "pm-secret")
    return sign_as_enterprise(once, pki.enterprise_p12, "ent-secret")


def test_both_signatures_validate(pki, signed):
    result = verify_pdf(signed, [pki.root])
    assert result.ok and not result.modified_after_last_signature
    pm, enterprise = result.signatures
    assert (pm.field, pm.signer) == ("PM_Signature", "项目经理 张三")
    assert pm.ok and pm.modification_level == "FORM_FILLING" and not pm.covers_whole_document
    assert enterprise.signer == "上海某某建设集团有限公司"
    assert enterprise.ok and enterprise.covers_whole_document
    assert enterprise.signing_time is not None


def test_changing_one_byte_is_detected(pki, signed):
    at = signed.index(b"ReportLab PDF Library")  # the Producer, in the first revision
    tampered = signed[:at] + b"X" + signed[at + 1 :]
    result = verify_pdf(tampered, [pki.root])
    assert not result.ok
    assert not any(s.intact for s in result.signatures)


def test_bytes_appended_after_the_last_signature_are_detected(pki, signed):
    result = verify_pdf(signed + b"\n% appended\n", [pki.root])
    assert result.modified_after_last_signature and not result.ok


def test_an_untrusted_root_is_not_trusted(signed):
    other = generate_test_pki("x", "y")
    result = verify_pdf(signed, [other.root])
    assert not result.ok and not any(s.trusted for s in result.signatures)


def test_wrong_passwords_are_refused_clearly(pki, pdf):
    with pytest.raises(SigningError) as caught:
        sign_as_pm(pdf, pki.pm, "wrong")
    assert caught.value.message() == "签署密码不正确"
    assert caught.value.message("en") == "Wrong signing password"
    with pytest.raises(SigningError) as caught:
        sign_as_enterprise(pdf, pki.enterprise_p12, "wrong")
    assert "证书密码不正确" in caught.value.message()


def test_the_pm_key_is_stored_encrypted(pki):
    assert b"ENCRYPTED PRIVATE KEY" in pki.pm.encrypted_key_pem


def test_unsigned_pdf_is_not_ok(pki, pdf):
    result = verify_pdf(pdf, [pki.root])
    assert result.signatures == [] and not result.ok
