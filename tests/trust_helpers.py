"""Certificates a trust check must refuse (or accept), for unit and integration tests: issued by
a given CA or self-signed, expired, without signing key usage, with any credit code; a CRL;
a summary PDF cut back to its PM revision or with a revision appended after the last one."""

import datetime as dt
import io

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from connectors.signing_pki import Authority

NOW = dt.datetime.now(dt.UTC)


def enterprise_p12(ca: Authority | None, password: str, *, uscc: str | None = None,
                   company: str = "上海冒充企业有限公司", valid_from=None, valid_to=None,
                   signing: bool = True) -> bytes:  # fmt: skip
    """A PKCS#12 issued by ``ca`` (None: self-signed), ``uscc`` in serialNumber and OU."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pairs = [(NameOID.COUNTRY_NAME, "CN"), (NameOID.ORGANIZATION_NAME, company),
             (NameOID.COMMON_NAME, company)]  # fmt: skip
    if uscc:
        pairs += [(NameOID.ORGANIZATIONAL_UNIT_NAME, uscc), (NameOID.SERIAL_NUMBER, uscc)]
    subject = x509.Name([x509.NameAttribute(oid, value) for oid, value in pairs])
    issuer_name, issuer_key = (ca.cert.subject, ca.key) if ca else (subject, key)
    usage = x509.KeyUsage(digital_signature=signing, content_commitment=signing,
                          key_encipherment=not signing, data_encipherment=False,
                          key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)  # fmt: skip
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from or NOW - dt.timedelta(minutes=5))
        .not_valid_after(valid_to or NOW + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(issuer_key, hashes.SHA256())
    )
    chain = [ca.cert, *ca.chain] if ca else []
    return pkcs12.serialize_key_and_certificates(
        b"enterprise", key, cert, chain, serialization.BestAvailableEncryption(password.encode())
    )


def certificate_of(p12: bytes, password: str) -> x509.Certificate:
    cert = pkcs12.load_key_and_certificates(p12, password.encode())[1]
    assert cert is not None
    return cert


def crl_revoking(ca: Authority, *certs: x509.Certificate) -> bytes:
    """A PEM CRL signed by ``ca`` listing ``certs``."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.cert.subject)
        .last_update(NOW - dt.timedelta(minutes=5))
        .next_update(NOW + dt.timedelta(days=7))
    )
    for cert in certs:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(NOW - dt.timedelta(minutes=1))
            .build()
        )
    return builder.sign(ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def cut_to_pm_revision(pdf: bytes) -> bytes:
    """The file as it was after the PM signed: the enterprise's signature stripped off."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    pm = next(s for s in reader.embedded_signatures if s.field_name == "PM_Signature")
    _, _, start, length = pm.byte_range
    return pdf[: start + length]  # the byte range covers its revision to the end


def append_revision(pdf: bytes) -> bytes:
    """One more incremental revision after the last signature (a changed catalog entry)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.root["/ZhuxinTampered"] = generic.BooleanObject(True)
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
