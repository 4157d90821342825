"""The demo/test PKI in ``instance/pki/`` (made by ``flask zhuxin keys``): the platform CA that
issues PMs' personal signing certificates, its root for verification, and the demo enterprise's
PKCS#12 (handed to the enterprise; the platform never uses it).  ``make_pki`` is one of the
key makers of the composition root."""

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import load_pem_x509_certificate

from connectors.signing_pki import Authority, issue_enterprise_p12, issue_personal, make_ca
from domain.demo import credit_code

DEMO_GC_NAME = "上海筑城建设集团有限公司"  # the demo general contractor (domain/demo.py)
DEMO_GC_CREDIT_CODE = credit_code("MA1FL8X3")

DEMO_ENTERPRISE_PASSWORD = "qiye2026"  # the demo enterprise certificate's password
DEMO_PM_SIGNING_PASSWORD = "qianshu2026"  # the demo PM's signing password (签署密码)
PEM = serialization.Encoding.PEM


def make_pki(path: Path, company: str = DEMO_GC_NAME, uscc: str = DEMO_GC_CREDIT_CODE) -> None:
    """root.pem (the platform CA, trusted), ca.pem + ca_key.pem (issues PMs' certificates) and
    the enterprise's PKCS#12 with ``uscc`` in its subject, so it is bound to that enterprise."""
    path.mkdir(mode=0o700, exist_ok=True)
    ca = make_ca("筑薪平台CA")
    (path / "root.pem").write_bytes(ca.chain[0].public_bytes(PEM))
    (path / "ca.pem").write_bytes(ca.cert.public_bytes(PEM))
    key = ca.key.private_bytes(PEM, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption())  # fmt: skip
    (path / "ca_key.pem").write_bytes(key)
    (path / "ca_key.pem").chmod(0o600)
    p12 = issue_enterprise_p12(ca, company, uscc, DEMO_ENTERPRISE_PASSWORD)
    (path / "enterprise_demo.p12").write_bytes(p12)


def authority(directory: Path) -> Authority:
    root = load_pem_x509_certificate((directory / "root.pem").read_bytes())
    cert = load_pem_x509_certificate((directory / "ca.pem").read_bytes())
    key = serialization.load_pem_private_key((directory / "ca_key.pem").read_bytes(), None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("the platform CA key must be an RSA key")
    return Authority(cert, key, (root,))


def trust_roots(directory: Path) -> list:
    return [load_pem_x509_certificate((directory / "root.pem").read_bytes())]


def issue_pm_credential(directory: Path, name: str, company: str, serial: str, password: str):
    """The platform CA issues a PM's personal certificate, key encrypted with ``password``."""
    return issue_personal(authority(directory), name, company, serial, password)
