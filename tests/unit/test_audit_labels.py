"""Every audit action code written anywhere has its words in domain/audit_labels.py."""

import re
from pathlib import Path

from domain.audit_labels import ACTION_LABELS, action_label

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "services", "engine", "connectors", "web")
# record(session, actor, "code", …) and AuditEntry(…, action="code", …); f-strings included
WRITES = (
    re.compile(r"\brecord\(\s*[\w.]+,\s*[\w.]+,\s*(f?)\"([^\"]+)\""),
    re.compile(r"\bAuditEntry\([^()]*?action=(f?)\"([^\"]+)\"", re.S),
)


def written_codes() -> list[tuple[str, str]]:
    """(file, code or f-string pattern) of every audit entry written in the code."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            text = path.read_text()
            for pattern in WRITES:
                for is_f, code in pattern.findall(text):
                    found.append((str(path.relative_to(ROOT)), ("f:" if is_f else "") + code))
    return found


def _has_label(code: str) -> bool:
    if not code.startswith("f:"):
        return code in ACTION_LABELS
    shape = re.compile(re.sub(r"\\\{[^}]*\\\}", "[a-z_]+", re.escape(code[2:])) + "$")
    return any(shape.match(known) for known in ACTION_LABELS)


def test_every_action_code_written_has_a_label():
    found = written_codes()
    assert len(found) > 40  # the detector sees the code base's writes
    missing = sorted({(f, c) for f, c in found if not _has_label(c)})
    assert not missing, f"audit action codes without a label in domain/audit_labels.py: {missing}"


def test_detector_sees_a_write_without_a_label():
    assert not _has_label("signin.teleported") and not _has_label("f:process.{x}_later")
    assert _has_label("f:payroll.{stage}_{'approved' if approve else 'rejected'}")


def test_labels_are_words_in_both_languages():
    assert action_label("signin.makeup_decide").zh == "补签审核"
    assert action_label("old.code").zh == "old.code"  # an entry older than its label
    assert all(t.zh and t.en and t.zh != t.en for t in ACTION_LABELS.values())
