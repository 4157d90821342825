"""Trusted certificates (可信证书): the trust store and the X.509 checks of a signer's certificate.

The trust store is a folder of CA certificates (``*.pem``, ``*.crt``; PEM or DER, files without
a certificate such as a key are skipped) and certificate revocation lists (``*.crl``). In the
demo it is the demo PKI folder of ``flask zhuxin keys``. ``check_certificate`` refuses a
certificate that is outside its validity at the moment asked, does not allow signing (key
usage digitalSignature or nonRepudiation), is not issued (through its chain) by a trusted CA,
or is on a CRL of its issuer. Which enterprise or which PM a certificate belongs to is not
decided here (``domain.payroll.trust``); ``identity`` gives what that rule reads.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID, ObjectIdentifier
from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, ValidationError

from domain.i18n import Text
from domain.payroll.errors import SigningError

ORGANIZATION_IDENTIFIER = ObjectIdentifier("2.5.4.97")  # organizationIdentifier (X.520)
CERT_SUFFIXES = (".pem", ".crt", ".cer")

NOT_YET_VALID = Text(
    "证书尚未生效（生效时间 {start}）", "The certificate is not valid before {start}"
)
EXPIRED = Text("证书已过期（有效期至 {end}）", "The certificate expired on {end}")
NO_SIGNING_USAGE = Text(
    "证书的密钥用法不允许签名（需要 digitalSignature 或 nonRepudiation）",
    "The certificate's key usage does not allow signing (digitalSignature or nonRepudiation)",
)
UNTRUSTED = Text(
    "证书不是平台信任的 CA 签发的（{subject}，签发者 {issuer}）",
    "The certificate is not issued by a CA the platform trusts ({subject}, issuer {issuer})",
)
NOT_A_CERTIFICATE = Text(
    "文件不是 X.509 证书（PEM 或 DER）", "The file is not an X.509 certificate (PEM or DER)"
)
REVOKED = Text("证书已被吊销（序列号 {serial}）", "The certificate is revoked (serial {serial})")


@dataclass(frozen=True)
class TrustStore:
    """The CA certificates the platform trusts and the revocation lists it holds."""

    anchors: tuple[x509.Certificate, ...]
    crls: tuple[x509.CertificateRevocationList, ...] = ()


@dataclass(frozen=True)
class Identity:
    """What a binding rule reads of a certificate: its SHA-256 fingerprint (hex, lower case),
    its common name, and the identifiers in its subject (serialNumber, OU, 2.5.4.97)."""

    sha256: str
    common_name: str
    identifiers: frozenset[str]


def load_trust_store(directory: Path) -> TrustStore:
    """Every CA certificate and CRL in ``directory`` (a missing folder trusts nothing)."""
    anchors: list[x509.Certificate] = []
    crls: list[x509.CertificateRevocationList] = []
    if directory.is_dir():
        for path in sorted(directory.iterdir()):
            if path.suffix.lower() in CERT_SUFFIXES:
                anchors += _certificates(path.read_bytes())
            elif path.suffix.lower() == ".crl":
                crls.append(_crl(path.read_bytes()))
    return TrustStore(tuple(anchors), tuple(crls))


def _certificates(data: bytes) -> list[x509.Certificate]:
    if b"-----BEGIN CERTIFICATE-----" in data:
        return x509.load_pem_x509_certificates(data)
    if b"-----BEGIN" in data:
        return []  # a key or another PEM object
    try:
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        return []


def _crl(data: bytes) -> x509.CertificateRevocationList:
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_crl(data)
    return x509.load_der_x509_crl(data)


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the DER certificate, hex lower case (what an administrator registers)."""
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def fingerprint_of_file(data: bytes) -> str:
    """The fingerprint of the (first) certificate in a PEM or DER file, or a refusal."""
    found = _certificates(data)
    if not found:
        raise SigningError("not_a_certificate", NOT_A_CERTIFICATE, field="certificate")
    return fingerprint(found[0])


def identity(cert: x509.Certificate) -> Identity:
    oids = (NameOID.SERIAL_NUMBER, NameOID.ORGANIZATIONAL_UNIT_NAME, ORGANIZATION_IDENTIFIER)
    values = {
        str(attr.value).strip().upper()
        for oid in oids
        for attr in cert.subject.get_attributes_for_oid(oid)
    }
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return Identity(fingerprint(cert), str(names[0].value) if names else "", frozenset(values))


def check_certificate(
    cert: x509.Certificate,
    chain: Iterable[x509.Certificate],
    trust: TrustStore,
    at: dt.datetime,
) -> None:
    """Refuse (``SigningError``) a certificate that may not sign at ``at`` (aware datetime)."""
    if at < cert.not_valid_before_utc:
        raise SigningError("certificate_not_yet_valid", NOT_YET_VALID, field="p12",
                           start=f"{cert.not_valid_before_utc:%Y-%m-%d %H:%M} UTC")  # fmt: skip
    if at > cert.not_valid_after_utc:
        raise SigningError("certificate_expired", EXPIRED, field="p12",
                           end=f"{cert.not_valid_after_utc:%Y-%m-%d %H:%M} UTC")  # fmt: skip
    if not _may_sign(cert):
        raise SigningError("certificate_not_for_signing", NO_SIGNING_USAGE, field="p12")
    path = _trusted_path(cert, list(chain), trust, at)
    for child, issuer in zip(path, path[1:], strict=False):
        if _revoked(child, issuer, trust.crls):
            raise SigningError("certificate_revoked", REVOKED, field="p12",
                               serial=format(child.serial_number, "X"))  # fmt: skip


def _may_sign(cert: x509.Certificate) -> bool:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True  # no KeyUsage extension: every usage is allowed (RFC 5280 §4.2.1.3)
    return usage.digital_signature or usage.content_commitment


def _trusted_path(cert, chain, trust: TrustStore, at: dt.datetime) -> list[x509.Certificate]:
    """The path leaf → … → trust anchor, built and validated by pyhanko-certvalidator."""
    asn1 = translate_pyca_cryptography_cert_to_asn1
    context = ValidationContext(
        trust_roots=[asn1(c) for c in trust.anchors], allow_fetching=False, moment=at
    )
    validator = CertificateValidator(asn1(cert), [asn1(c) for c in chain], context)
    try:
        path = _run(validator.async_validate_path())
    except (PathBuildingError, PathValidationError, ValidationError) as error:
        raise SigningError("certificate_untrusted", UNTRUSTED, field="p12",
                           subject=cert.subject.rfc4514_string(),
                           issuer=cert.issuer.rfc4514_string()) from error  # fmt: skip
    ders = [c.dump() for c in path.iter_certs(include_root=True)]
    if ders and ders[0] != cert.public_bytes(serialization.Encoding.DER):
        ders.reverse()  # iter_certs runs from the trust anchor down to the leaf
    known = {c.public_bytes(serialization.Encoding.DER): c for c in (cert, *chain, *trust.anchors)}
    return [known.get(der) or x509.load_der_x509_certificate(der) for der in ders]


def _revoked(cert: x509.Certificate, issuer: x509.Certificate, crls) -> bool:
    """On a CRL of ``issuer`` that the issuer signed (a CRL signed by anyone else is ignored)."""
    for crl in crls:
        if crl.issuer != issuer.subject or not crl.is_signature_valid(issuer.public_key()):
            continue
        if crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None:
            return True
    return False


def _run(coroutine):
    """asyncio.run, also from a thread that already runs an event loop (next to Playwright)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
