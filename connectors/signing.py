"""Signatures on the summary PDF (connectors/signing; ARCHITECTURE §6, signing_qr.md §1, §3).

The project manager signs first with a personal key issued by the platform's CA and kept as
encrypted PKCS#8, unlocked by his signing password at that moment. He certifies the document
(DocMDP: form filling allowed) and creates the enterprise's empty signature field in the same
revision. The enterprise then fills that field with its own PKCS#12 and password, given at
signing time and used only in memory. Both are incremental PAdES signatures validated by pyHanko.
"""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import Certificate, load_pem_x509_certificate
from pyhanko.keys.internal import (
    translate_pyca_cryptography_cert_to_asn1,
    translate_pyca_cryptography_key_to_asn1,
)
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from connectors.signing_pki import PersonalCredential, TestPki, generate_test_pki
from domain.i18n import Text
from domain.payroll.errors import PayrollError

__all__ = [
    "PdfVerification",
    "PersonalCredential",
    "SignatureReport",
    "SigningError",
    "TestPki",
    "generate_test_pki",
    "sign_as_enterprise",
    "sign_as_pm",
    "verify_pdf",
]
PM_FIELD = "PM_Signature"
ENTERPRISE_FIELD = "Enterprise_Signature"


class SigningError(PayrollError):
    """A signature could not be made: wrong password, unreadable key, or a refused document."""


@dataclass(frozen=True)
class SignatureReport:
    """One signature as the verification page shows it."""

    field: str
    signer: str
    signing_time: datetime | None
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_document: bool
    modification_level: str
    ok: bool


@dataclass(frozen=True)
class PdfVerification:
    signatures: list[SignatureReport]
    modified_after_last_signature: bool

    @property
    def ok(self) -> bool:
        return (
            bool(self.signatures)
            and all(s.ok for s in self.signatures)
            and (not self.modified_after_last_signature)
        )


def sign_as_pm(
    pdf: bytes,
    credential: PersonalCredential,
    password: str,
    reason: str = "项目经理审核签署",
    location: str = "上海",
) -> bytes:
    """PM's certifying signature, unlocking the stored encrypted key with his signing password."""
    try:
        key = serialization.load_pem_private_key(credential.encrypted_key_pem, password.encode())
    except (ValueError, TypeError) as error:
        raise SigningError(
            "wrong_signing_password",
            Text("签署密码不正确", "Wrong signing password"),
            field="password",
        ) from error
    cert = load_pem_x509_certificate(credential.cert_pem)
    chain = [load_pem_x509_certificate(pem) for pem in credential.chain_pem]
    signer = _signer(key, cert, chain)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    fields.append_signature_field(writer, fields.SigFieldSpec(ENTERPRISE_FIELD))
    meta = _metadata(
        PM_FIELD, reason, location, certify=True, docmdp_permissions=MDPPerm.FILL_FORMS
    )
    return _sign(writer, meta, signer)


def sign_as_enterprise(
    pdf: bytes, p12: bytes, password: str, reason: str = "总包单位盖章确认", location: str = "上海"
) -> bytes:
    """Enterprise signature with its own PKCS#12; the bytes and password are never stored."""
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(p12, password.encode())
    except (ValueError, TypeError) as error:
        raise SigningError(
            "wrong_certificate_password",
            Text(
                "证书密码不正确或文件不是 PKCS#12 证书",
                "Wrong certificate password or not a PKCS#12 file",
            ),
            field="password",
        ) from error
    if key is None or cert is None:
        raise SigningError(
            "certificate_incomplete",
            Text("PKCS#12 文件中没有私钥和证书", "The PKCS#12 file holds no key and certificate"),
            field="p12",
        )
    signer = _signer(key, cert, chain)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return _sign(writer, _metadata(ENTERPRISE_FIELD, reason, location), signer)


def _metadata(field: str, reason: str, location: str, **extra) -> signers.PdfSignatureMetadata:
    """PAdES (ETSI.CAdES.detached) with SHA-256 in the named field."""
    return signers.PdfSignatureMetadata(
        field_name=field,
        reason=reason,
        location=location,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        **extra,
    )


def _signer(key, cert: Certificate, chain: list[Certificate]) -> signers.SimpleSigner:
    # SimpleSigner.load_pkcs12 logs and returns None on a wrong password; load it ourselves.
    store = SimpleCertificateStore()
    store.register_multiple([translate_pyca_cryptography_cert_to_asn1(c) for c in chain])
    return signers.SimpleSigner(
        signing_key=translate_pyca_cryptography_key_to_asn1(key),
        signing_cert=translate_pyca_cryptography_cert_to_asn1(cert),
        cert_registry=store,
    )


def _sign(writer, meta, signer) -> bytes:
    try:
        return _outside_event_loop(
            lambda: signers.PdfSigner(meta, signer=signer).sign_pdf(writer).getvalue()
        )
    except Exception as error:  # pyHanko raises SigningError/PdfError subclasses and ValueError
        raise SigningError(
            "not_signable",
            Text("文件无法签署：{reason}", "The document could not be signed: {reason}"),
            reason=str(error),
        ) from error


def _outside_event_loop(fn):
    """pyHanko's sync API calls asyncio.run(), which fails in a thread that already runs an
    event loop (e.g. next to Playwright's); such a call is moved to a short-lived thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


def verify_pdf(pdf: bytes, trust_roots: list[Certificate]) -> PdfVerification:
    """Every signature with signer, time and validity; and whether bytes follow the last one."""
    context = ValidationContext(
        trust_roots=[translate_pyca_cryptography_cert_to_asn1(c) for c in trust_roots],
        allow_fetching=False,
    )
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    reports = [_report(sig, context) for sig in reader.embedded_signatures]
    modified = not reports or not reports[-1].covers_whole_document
    return PdfVerification(reports, modified)


def _report(embedded, context) -> SignatureReport:
    # A tampered file makes pyHanko log a traceback (SuspiciousModification); the status has it.
    status = _outside_event_loop(lambda: validate_pdf_signature(embedded, context))
    cert = status.signing_cert
    level = status.modification_level.name if status.modification_level else "UNKNOWN"
    return SignatureReport(
        field=embedded.field_name,
        signer=_common_name(cert),
        signing_time=status.signer_reported_dt,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modification_level=level,
        ok=bool(status.bottom_line),
    )


def _common_name(cert) -> str:
    if cert is None:
        return ""
    names = cert.subject.native
    return names.get("common_name") or cert.subject.human_friendly
