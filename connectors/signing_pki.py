"""A test PKI for the demo and tests (signing_qr.md §1): root CA → intermediate → the PM's
personal certificate and the enterprise's certificate. RSA-2048, SHA-256, UTF-8 Chinese names.

The platform issues the PM's key and keeps it only as encrypted PKCS#8 (his signing password);
the enterprise gets a PKCS#12 that the platform hands over and forgets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class Authority:
    """A CA that can issue certificates: its certificate, key and the chain above it."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey
    chain: tuple[x509.Certificate, ...] = ()


@dataclass(frozen=True)
class PersonalCredential:
    """What the platform stores for a PM: certificate and chain (PEM), key encrypted (PKCS#8)."""

    cert_pem: bytes
    encrypted_key_pem: bytes
    chain_pem: tuple[bytes, ...]


@dataclass(frozen=True)
class TestPki:
    root: x509.Certificate
    intermediate: Authority
    pm: PersonalCredential
    enterprise_p12: bytes


def _name(*pairs) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in pairs])


def _issue(
    subject, public_key, issuer: Authority | None, signing_key, *, ca=False, pathlen=None, days=365
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    issuer_name = issuer.cert.subject if issuer else subject
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))  # a day of clock skew between hosts
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=pathlen), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    return builder.sign(signing_key, hashes.SHA256())


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_ca(org: str = "筑薪测试CA") -> Authority:
    """A root CA and an intermediate (pathlen 0) under it; returns the intermediate."""
    root_key, inter_key = _key(), _key()
    root_name = _name(
        (NameOID.COUNTRY_NAME, "CN"),
        (NameOID.ORGANIZATION_NAME, org),
        (NameOID.COMMON_NAME, f"{org} 根证书"),
    )
    root = _issue(root_name, root_key.public_key(), None, root_key, ca=True, pathlen=1, days=3650)
    root_authority = Authority(root, root_key)
    inter_name = _name(
        (NameOID.COUNTRY_NAME, "CN"),
        (NameOID.ORGANIZATION_NAME, org),
        (NameOID.COMMON_NAME, f"{org} 签名中级证书"),
    )
    inter = _issue(
        inter_name, inter_key.public_key(), root_authority, root_key, ca=True, pathlen=0, days=1825
    )
    return Authority(inter, inter_key, (root,))


def issue_personal(
    ca: Authority, person: str, company: str, serial: str, password: str
) -> PersonalCredential:
    """The PM's certificate; the key leaves this function only encrypted with `password`."""
    key = _key()
    subject = _name(
        (NameOID.COUNTRY_NAME, "CN"),
        (NameOID.ORGANIZATION_NAME, company),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, "项目部"),
        (NameOID.COMMON_NAME, person),
        (NameOID.SERIAL_NUMBER, serial),
    )
    cert = _issue(subject, key.public_key(), ca, ca.key)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password.encode()),
    )
    chain = tuple(c.public_bytes(serialization.Encoding.PEM) for c in (ca.cert, *ca.chain))
    return PersonalCredential(cert.public_bytes(serialization.Encoding.PEM), encrypted, chain)


def issue_enterprise_p12(ca: Authority, company: str, uscc: str, password: str) -> bytes:
    """The enterprise certificate as a password-protected PKCS#12 (ASCII friendly name)."""
    key = _key()
    subject = _name(
        (NameOID.COUNTRY_NAME, "CN"),
        (NameOID.STATE_OR_PROVINCE_NAME, "上海市"),
        (NameOID.ORGANIZATION_NAME, company),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, uscc),
        (NameOID.COMMON_NAME, company),
        (NameOID.SERIAL_NUMBER, uscc),
    )
    cert = _issue(subject, key.public_key(), ca, ca.key)
    return pkcs12.serialize_key_and_certificates(
        b"enterprise",
        key,
        cert,
        [ca.cert, *ca.chain],
        serialization.BestAvailableEncryption(password.encode()),
    )


def generate_test_pki(
    pm_password: str,
    enterprise_password: str,
    pm_name: str = "项目经理 张三",
    company: str = "上海某某建设集团有限公司",
    uscc: str = "91110000600037341L",
) -> TestPki:
    """The whole demo PKI in one call (≈0.3 s: four RSA-2048 keys)."""
    ca = make_ca()
    pm = issue_personal(ca, pm_name, company, "PM-0001", pm_password)
    p12 = issue_enterprise_p12(ca, company, uscc, enterprise_password)
    return TestPki(ca.chain[0], ca, pm, p12)
