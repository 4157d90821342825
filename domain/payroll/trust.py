"""Whose certificate may sign a project's summary file (签署证书的归属).

The enterprise's certificate is bound to the project's general contractor when its subject
carries the enterprise's 统一社会信用代码 (serialNumber, OU, or organizationIdentifier, also in
the ETSI form ``NTRCN-<code>``), or when an administrator registered its SHA-256 fingerprint
for the enterprise (登记企业证书, revocable, audited). The X.509 checks (chain, validity, key
usage, CRL) are ``connectors.trust``; this module only decides the binding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.access import Actor
from domain.audit import record
from domain.db import utcnow
from domain.errors import Conflict, InvalidInput, NotFound
from domain.i18n import Text
from domain.model import Enterprise
from domain.payroll.errors import SigningError
from domain.payroll.model import EnterpriseCertificate

HEX64 = re.compile(r"^[0-9a-f]{64}$")
NOT_BOUND = Text(
    "证书不属于本项目的总包单位“{company}”：证书（{subject}）中没有统一社会信用代码 {code}，"
    "也没有为该单位登记此证书指纹",
    "The certificate does not belong to the project's general contractor {company}: it "
    "({subject}) carries no credit code {code} and its fingerprint is not registered for it",
)
BAD_FINGERPRINT = Text(
    "证书指纹应为 64 位十六进制 SHA-256（可含冒号）", "A fingerprint is 64 hex digits of SHA-256"
)
NO_ENTERPRISE = Text("没有统一社会信用代码为 {code} 的单位", "No enterprise has credit code {code}")
ALREADY = Text("该证书指纹已为此单位登记", "This fingerprint is already registered for it")
NO_ROW = Text("找不到该登记记录", "No such registration")


def bound_to_enterprise(sha256: str, identifiers: Iterable[str], credit_code: str,
                        registered: Iterable[str]) -> bool:  # fmt: skip
    """The certificate (fingerprint, subject identifiers) belongs to the enterprise."""
    code = credit_code.strip().upper()
    for value in identifiers:
        value = value.strip().upper()
        if value == code or value.endswith("-" + code):
            return True
    return sha256.lower() in {r.lower() for r in registered}


def require_bound(session: Session, enterprise: Enterprise, sha256: str,
                  identifiers: Iterable[str], subject: str) -> None:  # fmt: skip
    """``bound_to_enterprise`` or a refusal naming the enterprise and the certificate."""
    if not bound_to_enterprise(sha256, identifiers, enterprise.credit_code,
                               registered_fingerprints(session, enterprise.id)):  # fmt: skip
        raise SigningError("certificate_not_bound", NOT_BOUND, field="p12",
                           company=enterprise.name, code=enterprise.credit_code,
                           subject=subject)  # fmt: skip


def registered_fingerprints(session: Session, enterprise_id: int) -> frozenset[str]:
    """The fingerprints registered (and not revoked) for the enterprise."""
    rows = session.scalars(
        select(EnterpriseCertificate.sha256).where(
            EnterpriseCertificate.enterprise_id == enterprise_id,
            EnterpriseCertificate.revoked_at.is_(None),
        )
    )
    return frozenset(rows)


def normalise_fingerprint(text: str) -> str:
    value = re.sub(r"[\s:]", "", str(text or "")).lower()
    if not HEX64.match(value):
        raise InvalidInput("invalid_fingerprint", BAD_FINGERPRINT, field="sha256")
    return value


def register_fingerprint(session: Session, actor: Actor, credit_code: str, sha256: str,
                         label: str = "") -> EnterpriseCertificate:  # fmt: skip
    """登记企业证书: the certificate with this fingerprint now signs for the enterprise."""
    actor.must("manage_trust")
    value = normalise_fingerprint(sha256)
    code = str(credit_code or "").strip().upper()
    enterprise = session.scalar(select(Enterprise).where(Enterprise.credit_code == code))
    if enterprise is None:
        raise InvalidInput("unknown_enterprise", NO_ENTERPRISE, field="credit_code", code=code)
    if value in registered_fingerprints(session, enterprise.id):
        raise Conflict("fingerprint_registered", ALREADY, field="sha256")
    row = EnterpriseCertificate(enterprise_id=enterprise.id, sha256=value,
                                label=str(label or "").strip()[:200],
                                registered_by=actor.user_id, registered_at=utcnow())  # fmt: skip
    session.add(row)
    record(session, actor.user_id, "trust.fingerprint_registered", row)
    return row


def revoke_fingerprint(session: Session, actor: Actor, row_id: int) -> EnterpriseCertificate:
    """撤销: the registered fingerprint binds nothing from now on (the row stays)."""
    actor.must("manage_trust")
    row = session.get(EnterpriseCertificate, row_id)
    if row is None:
        raise NotFound("unknown_registration", NO_ROW)
    if row.revoked_at is None:
        before = {"revoked_at": None}
        row.revoked_by, row.revoked_at = actor.user_id, utcnow()
        record(session, actor.user_id, "trust.fingerprint_revoked", row, before)
    return row


def registrations(session: Session) -> list[tuple[EnterpriseCertificate, Enterprise]]:
    """Every registration with its enterprise, newest first (the administrator's page)."""
    return list(
        session.execute(
            select(EnterpriseCertificate, Enterprise)
            .join(Enterprise, Enterprise.id == EnterpriseCertificate.enterprise_id)
            .order_by(EnterpriseCertificate.id.desc())
        ).tuples()
    )
