"""登记企业证书: an administrator registers (or revokes) the SHA-256 fingerprint of a
certificate that signs for an enterprise without carrying its credit code. Each change is
audited (domain.payroll.trust); the page ``/admin/certificates`` and
``flask zhuxin certificate register|revoke|list`` call these use cases."""

from __future__ import annotations

from connectors.trust import fingerprint_of_file
from domain.access import Actor
from domain.payroll import trust
from domain.payroll.model import EnterpriseCertificate
from services.uow import UnitOfWork, use_case


@use_case
def register_certificate(uow: UnitOfWork, actor: Actor, credit_code: str, sha256: str = "",
                         certificate: bytes = b"", label: str = "") -> EnterpriseCertificate:  # fmt: skip
    """Register a fingerprint, given as text or as the certificate file itself."""
    if certificate and not sha256.strip():
        sha256 = fingerprint_of_file(certificate)
    return trust.register_fingerprint(uow.session, actor, credit_code, sha256, label)


@use_case
def revoke_certificate(uow: UnitOfWork, actor: Actor, registration_id: int) -> None:
    trust.revoke_fingerprint(uow.session, actor, registration_id)


def registrations(uow: UnitOfWork, actor: Actor):
    actor.must("manage_trust")
    return trust.registrations(uow.session)
