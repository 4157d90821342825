"""Trusted signatures on the summary file (可信签名): checked before each signature is made and
before every payment file goes to the bank.

- ``check_pm_signer`` / ``check_enterprise_signer``: at 去签署, before anything is signed. The
  PM signs with the stored credential of the acting user, who must be the project's GC
  manager; the enterprise's certificate must be bound to the project's general contractor.
  Both chain to the trust store, are valid now, allow signing and are not on a CRL.
- ``verify_summary(pdf, trust, expected)``: the one verification, used by the verification
  page, ``flask zhuxin verify-summary`` and the push: both signatures, each by the right
  party, trusted, nothing after the last, and the lines digest in the signed bytes equal to
  the stored one and to the data about to be paid.
- ``verify_before_push(session, batch, summary, digest, trust=…)``: that verification for one
  summary file, raising ``PushRefused`` with the first failed check's reason.

No Flask: the trust store is built from the settings mapping.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from sqlalchemy.orm import Session

from connectors import trust as x509_trust
from connectors.signing import ENTERPRISE_FIELD, PM_FIELD, RevisionSigner, SignatureReport
from connectors.signing import verify_pdf as pdf_signatures
from connectors.trust import TrustStore, fingerprint, identity, load_trust_store
from domain.access import Actor
from domain.errors import DomainError
from domain.i18n import Text
from domain.model import User
from domain.payroll import trust as binding
from domain.payroll.errors import PushRefused, SigningError
from domain.payroll.model import SigningCredential, SummaryFile, WageBatch

NOT_THE_PM_CERTIFICATE = Text(
    "项目经理签名的证书不是为签署人（{who}）登记的个人签署证书",
    "The PM signature's certificate is not the personal signing certificate of its signer ({who})",
)
MISSING = Text("缺少{field}签名", "The {field} signature is missing")
ORDER = Text(
    "签名不是“先项目经理、后总包单位”两个：{fields}",
    "The signatures are not the PM's then the enterprise's: {fields}",
)
BROKEN = Text("{field}签名已损坏或在签署后被修改", "The {field} signature is broken or was altered")
AFTER_LAST = Text(
    "最后一个签名之后文件被追加或修改", "The file was changed after the last signature"
)
NO_DIGEST = Text("签署的文件中没有明细数据摘要", "The signed file carries no lines digest")
DIGEST_DIFFERS = Text(
    "签署的明细摘要 {signed} 与{other} {expected} 不一致",
    "The signed lines digest {signed} differs from {other} {expected}",
)
STORED = Text("汇总文件记录的摘要", "the stored digest")
PAYING = Text("即将支付数据的摘要", "the digest of the data about to be paid")
NOT_SIGNED = Text(
    "汇总文件尚未经项目经理和总包单位签署",
    "The summary file is not signed by the PM and the enterprise",
)
FIELD_LABELS = {PM_FIELD: Text("项目经理", "PM"), ENTERPRISE_FIELD: Text("总包单位", "enterprise")}
CHECK_LABELS = {
    "present": Text(
        "两个签名齐全（项目经理、总包单位）", "Both signatures present (PM, enterprise)"
    ),
    "intact": Text("签名完整有效", "Signatures intact and valid"),
    "pm_signer": Text("项目经理签名为其个人签署证书", "PM signed with his personal certificate"),
    "pm_trusted": Text("项目经理证书可信", "PM certificate trusted"),
    "enterprise_signer": Text("企业签名属于本项目总包单位", "Enterprise signature by the GC"),
    "enterprise_trusted": Text("企业证书可信", "Enterprise certificate trusted"),
    "nothing_after": Text("最后签名之后未被修改", "Nothing added after the last signature"),
    "digest": Text("签署的明细摘要与支付数据一致", "Signed lines digest equals the paid data"),
}


def trust_store(settings) -> TrustStore:
    """The trust store of the settings: ZHUXIN_TRUST_DIR, else the demo PKI folder."""
    return load_trust_store(Path(settings.get("ZHUXIN_TRUST_DIR") or settings["ZHUXIN_PKI_DIR"]))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- before signing ----------------------------------------------------------------------------


def check_pm_signer(actor: Actor, batch: WageBatch, signer: RevisionSigner, trust: TrustStore,
                    now: dt.datetime | None = None) -> None:  # fmt: skip
    """The acting user is the project's GC manager and his credential's certificate may sign."""
    actor.must("sign_pm", batch.project_id)
    x509_trust.check_certificate(signer.certificate, signer.chain, trust, now or _now())


def check_enterprise_signer(session: Session, batch: WageBatch, signer: RevisionSigner,
                            trust: TrustStore, now: dt.datetime | None = None) -> None:  # fmt: skip
    """The certificate may sign now and is bound to the project's general contractor."""
    x509_trust.check_certificate(signer.certificate, signer.chain, trust, now or _now())
    _require_bound(session, batch, signer.certificate)


def _require_bound(session: Session, batch: WageBatch, cert: x509.Certificate) -> None:
    who = identity(cert)
    binding.require_bound(session, batch.project.general_contractor, who.sha256,
                          who.identifiers, cert.subject.rfc4514_string())  # fmt: skip


# -- verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expectations:
    """Who must have signed and which data: read from the database for one summary file."""

    pm_certificate_sha256: str | None  # the stored credential of SummaryFile.pm_signed_by
    pm_name: str
    check_enterprise: Callable[[x509.Certificate], None]  # raises SigningError when not bound
    lines_sha256: str  # SummaryFile.lines_sha256
    paying_sha256: str | None = None  # the records about to be sent (None: not checked)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    reason: Text | None = None  # filled in, both languages

    @property
    def label(self) -> Text:
        return CHECK_LABELS[self.name]


@dataclass(frozen=True)
class SummaryVerification:
    checks: list[Check]
    signatures: list[SignatureReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def problem(self) -> Check | None:
        return next((c for c in self.checks if not c.ok), None)

    def reasons(self) -> Text:
        """Every failed check's reason, in both languages."""
        failed = [c.reason for c in self.checks if not c.ok and c.reason is not None]
        return Text("；".join(t.zh for t in failed), "; ".join(t.en for t in failed))


def expectations_for(session: Session, batch: WageBatch, summary: SummaryFile,
                     paying_sha256: str | None = None) -> Expectations:  # fmt: skip
    """The PM field must carry the stored certificate of the user who signed it as PM; the
    enterprise field a certificate bound to the project's general contractor."""
    credential = session.get(SigningCredential, summary.pm_signed_by or 0)
    pm_cert = x509.load_pem_x509_certificate(credential.cert_pem.encode()) if credential else None
    user = session.get(User, summary.pm_signed_by or 0)
    return Expectations(
        pm_certificate_sha256=fingerprint(pm_cert) if pm_cert else None,
        pm_name=user.display_name if user else "-",
        check_enterprise=lambda cert: _require_bound(session, batch, cert),
        lines_sha256=summary.lines_sha256,
        paying_sha256=paying_sha256,
    )


def verify_summary(pdf: bytes, trust: TrustStore, expected: Expectations) -> SummaryVerification:
    """Every check of a signed summary file; ``ok`` only when all pass."""
    reports = pdf_signatures(pdf, trust.anchors).signatures
    by_field = {r.field: r for r in reports}
    pm, ent = by_field.get(PM_FIELD), by_field.get(ENTERPRISE_FIELD)
    checks = [
        _present(reports, pm, ent),
        _check("nothing_after", _last_covers_all(reports), _text(AFTER_LAST)),
        _check("intact", *_intact(reports)),
        _check("pm_signer", *_pm_signer(pm, expected)),
        _check("pm_trusted", *_trusted(PM_FIELD, pm, trust)),
        _check("enterprise_signer", *_enterprise_signer(ent, expected)),
        _check("enterprise_trusted", *_trusted(ENTERPRISE_FIELD, ent, trust)),
        _check("digest", *_digest(reports, expected)),
    ]
    return SummaryVerification(checks, list(reports))


def _check(name: str, ok: bool, reason: Text | None = None) -> Check:
    return Check(name, ok, None if ok else reason)


def _text(text: Text, **params) -> Text:
    return Text(text.format("zh", **params), text.format("en", **params))


def _error(error: DomainError) -> Text:
    return Text(error.message("zh"), error.message("en"))


def _last_covers_all(reports) -> bool:
    """The last signature covers the whole file: no revision, no byte after it."""
    return bool(reports) and reports[-1].covers_whole_document


def _present(reports, pm, ent) -> Check:
    for name, found in ((PM_FIELD, pm), (ENTERPRISE_FIELD, ent)):
        if found is None:
            return _check("present", False, _text(MISSING, field=FIELD_LABELS[name]))
    fields = [r.field for r in reports]
    if fields != [PM_FIELD, ENTERPRISE_FIELD]:
        return _check("present", False, _text(ORDER, fields=", ".join(fields)))
    return _check("present", True)


def _intact(reports) -> tuple[bool, Text | None]:
    for r in reports:
        if not (r.intact and r.valid and r.modification_level in ("NONE", "FORM_FILLING")):
            label = FIELD_LABELS.get(r.field, Text(r.field, r.field))
            return False, _text(BROKEN, field=label)
    return bool(reports), _text(MISSING, field=FIELD_LABELS[PM_FIELD])


def _pm_signer(pm, expected: Expectations) -> tuple[bool, Text | None]:
    if pm is None or pm.certificate is None:
        return False, _text(MISSING, field=FIELD_LABELS[PM_FIELD])
    ok = expected.pm_certificate_sha256 == fingerprint(pm.certificate)
    return ok, _text(NOT_THE_PM_CERTIFICATE, who=expected.pm_name)


def _enterprise_signer(ent, expected: Expectations) -> tuple[bool, Text | None]:
    if ent is None or ent.certificate is None:
        return False, _text(MISSING, field=FIELD_LABELS[ENTERPRISE_FIELD])
    try:
        expected.check_enterprise(ent.certificate)
    except SigningError as error:
        return False, _error(error)
    return True, None


def _trusted(name: str, report, trust: TrustStore) -> tuple[bool, Text | None]:
    """The certificate was good when it signed (the signer's reported time, else now)."""
    if report is None or report.certificate is None:
        return False, _text(MISSING, field=FIELD_LABELS[name])
    at = report.signing_time or _now()
    try:
        x509_trust.check_certificate(report.certificate, report.chain, trust, at)
    except SigningError as error:
        return False, _error(error)
    return True, None


def _digest(reports, expected: Expectations) -> tuple[bool, Text | None]:
    signed = {r.signed_digest for r in reports}
    if not reports or None in signed or len(signed) != 1:
        return False, _text(NO_DIGEST)
    digest = signed.pop()
    for other, value in ((STORED, expected.lines_sha256), (PAYING, expected.paying_sha256)):
        if value is not None and value != digest:
            return False, _text(DIGEST_DIFFERS, signed=digest[:16] + "…", other=other,
                                expected=value[:16] + "…")  # fmt: skip
    return True, None


# -- before the push ---------------------------------------------------------------------------


def verify_before_push(session: Session, batch: WageBatch, summary: SummaryFile | None,
                       digest_about_to_be_paid: str | None, *,
                       trust: TrustStore) -> SummaryVerification:  # fmt: skip
    """The summary file verifies and its signed digest is the data about to be paid, or
    ``PushRefused`` with the first failed check's reason (nothing is sent)."""
    if summary is None or summary.state != "enterprise_signed":
        raise PushRefused("summary_not_signed", NOT_SIGNED)
    expected = expectations_for(session, batch, summary, digest_about_to_be_paid)
    result = verify_summary(summary.pdf, trust, expected)
    problem = result.problem
    if problem is not None:
        raise PushRefused(f"signature_{problem.name}", result.reasons())
    return result
