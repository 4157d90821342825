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
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import Certificate, load_der_x509_certificate, load_pem_x509_certificate
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
from domain.payroll.errors import SigningError
from domain.payroll.lines import digest_in_keywords

__all__ = [
    "ENTERPRISE_REVISION",
    "PM_REVISION",
    "PdfVerification",
    "PersonalCredential",
    "PersonalKeySigner",
    "Pkcs12Signer",
    "RevisionSigner",
    "SignatureField",
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
    certificate: Certificate | None = None  # the signer's
    chain: tuple[Certificate, ...] = ()  # the other certificates embedded with it
    signed_digest: str | None = None  # the lines digest in the revision it signed


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


@dataclass(frozen=True)
class SignatureField:
    """One signature revision: the field it fills, what it says, whether it certifies the
    document (DocMDP: form filling allowed) and which empty fields it creates for later."""

    name: str
    reason: str
    location: str = "上海"
    certify: bool = False
    add_fields: tuple[str, ...] = ()


PM_REVISION = SignatureField(PM_FIELD, "项目经理审核签署", certify=True,
                             add_fields=(ENTERPRISE_FIELD,))  # fmt: skip
ENTERPRISE_REVISION = SignatureField(ENTERPRISE_FIELD, "总包单位盖章确认")


class RevisionSigner(Protocol):
    """Something that signs one incremental PDF revision in a field, with a certificate the
    platform checks first.  Now a key in memory (the enterprise's PKCS#12, the PM's encrypted
    PKCS#8); a PKCS#11 token or an SM2 signer implements the same three members."""

    @property
    def certificate(self) -> Certificate: ...

    @property
    def chain(self) -> tuple[Certificate, ...]: ...

    def sign_revision(self, pdf: bytes, field: SignatureField) -> bytes: ...


class _KeyInMemory:
    """A software key held only for this signing: PAdES (ETSI.CAdES.detached), SHA-256."""

    def __init__(self, key, certificate: Certificate, chain) -> None:
        self._key, self.certificate, self.chain = key, certificate, tuple(chain)

    def sign_revision(self, pdf: bytes, field: SignatureField) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        for name in field.add_fields:
            fields.append_signature_field(writer, fields.SigFieldSpec(name))
        extra = {"certify": True, "docmdp_permissions": MDPPerm.FILL_FORMS} if field.certify else {}
        meta = _metadata(field.name, field.reason, field.location, **extra)
        return _sign(writer, meta, _signer(self._key, self.certificate, list(self.chain)))


class PersonalKeySigner(_KeyInMemory):
    """The PM's stored key (encrypted PKCS#8), unlocked by his signing password."""

    def __init__(self, credential: PersonalCredential, password: str) -> None:
        try:
            key = serialization.load_pem_private_key(credential.encrypted_key_pem,
                                                     password.encode())  # fmt: skip
        except (ValueError, TypeError) as error:
            raise SigningError(
                "wrong_signing_password",
                Text("签署密码不正确", "Wrong signing password"),
                field="password",
            ) from error
        chain = [load_pem_x509_certificate(pem) for pem in credential.chain_pem]
        super().__init__(key, load_pem_x509_certificate(credential.cert_pem), chain)


class Pkcs12Signer(_KeyInMemory):
    """The enterprise's PKCS#12 and password, given at signing time and never stored."""

    def __init__(self, p12: bytes, password: str) -> None:
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
                Text(
                    "PKCS#12 文件中没有私钥和证书", "The PKCS#12 file holds no key and certificate"
                ),
                field="p12",
            )
        super().__init__(key, cert, chain)


def sign_as_pm(pdf: bytes, credential: PersonalCredential, password: str) -> bytes:
    """PM's certifying signature with his stored key (no trust check: see services.signatures)."""
    return PersonalKeySigner(credential, password).sign_revision(pdf, PM_REVISION)


def sign_as_enterprise(pdf: bytes, p12: bytes, password: str) -> bytes:
    """Enterprise signature with its own PKCS#12 (no trust check: see services.signatures)."""
    return Pkcs12Signer(p12, password).sign_revision(pdf, ENTERPRISE_REVISION)


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


def verify_pdf(pdf: bytes, trust_roots: Iterable[Certificate]) -> PdfVerification:
    """Every signature with signer, time, validity, certificate and the lines digest of the
    revision it signed; and whether bytes follow the last one."""
    context = ValidationContext(
        trust_roots=[translate_pyca_cryptography_cert_to_asn1(c) for c in trust_roots],
        allow_fetching=False,
    )
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    reports = [_report(reader, sig, context) for sig in reader.embedded_signatures]
    modified = not reports or not reports[-1].covers_whole_document
    return PdfVerification(reports, modified)


def _report(reader, embedded, context) -> SignatureReport:
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
        certificate=_pyca(cert),
        chain=tuple(c for c in map(_pyca, embedded.other_embedded_certs) if c is not None),
        signed_digest=_signed_digest(reader, embedded.signed_revision),
    )


def _pyca(cert) -> Certificate | None:
    return None if cert is None else load_der_x509_certificate(cert.dump())


def _signed_digest(reader, revision: int) -> str | None:
    """The lines digest in the document info as it was in the signed revision."""
    try:
        info = reader.get_historical_resolver(revision).trailer_view["/Info"]
        return digest_in_keywords(str(info.get("/Keywords", "")))
    except (KeyError, TypeError, ValueError):
        return None


def _common_name(cert) -> str:
    if cert is None:
        return ""
    names = cert.subject.native
    return names.get("common_name") or cert.subject.human_friendly
