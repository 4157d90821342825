"""The PM's personal signing credential (个人签署证书): certificate, chain, and the key only as
encrypted PKCS#8 (his signing password unlocks it at signing time; the platform never can)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from domain.errors import Conflict
from domain.i18n import Text
from domain.payroll.model import SigningCredential

SEPARATOR = "\n"
NO_CREDENTIAL = Text("您还没有个人签署证书，请联系平台管理员", "You have no signing certificate")


def store_credential(session: Session, user_id: int, cert_pem: bytes, encrypted_key_pem: bytes,
                     chain_pem: tuple[bytes, ...]) -> SigningCredential:  # fmt: skip
    """Keep (or replace) a user's credential; the key must already be encrypted."""
    if b"ENCRYPTED PRIVATE KEY" not in encrypted_key_pem:
        raise ValueError("only an encrypted PKCS#8 key may be stored")
    found = session.get(SigningCredential, user_id) or SigningCredential(user_id=user_id)
    found.cert_pem = cert_pem.decode()
    found.encrypted_key_pem = encrypted_key_pem.decode()
    found.chain_pem = SEPARATOR.join(c.decode().strip() for c in chain_pem)
    session.add(found)
    return found


def credential_parts(session: Session, user_id: int) -> tuple[bytes, bytes, tuple[bytes, ...]]:
    """(cert PEM, encrypted key PEM, chain PEMs) of a user, or a refusal when he has none."""
    found = session.get(SigningCredential, user_id)
    if found is None:
        raise Conflict("no_signing_certificate", NO_CREDENTIAL)
    marker = "-----END CERTIFICATE-----"
    chain = tuple(
        (block.strip() + "\n" + marker + "\n").encode()
        for block in found.chain_pem.split(marker)
        if block.strip()
    )
    return found.cert_pem.encode(), found.encrypted_key_pem.encode(), chain
