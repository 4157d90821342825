"""Append-only, tamper-evident audit log (操作日志): every change records who, what, when,
before and after; each entry carries the hash of the previous one, so that an entry changed,
removed or inserted afterwards (even with the triggers disabled) breaks the chain, and
``verify_chain`` names the first entry where it breaks."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import event, inspect, select, text
from sqlalchemy.orm import Session

from domain.db import utcnow
from domain.masking import mask_card, mask_id_number, mask_phone
from domain.model import AuditEntry

# Personal data never enters the log in full (PIPL): these keys of before/after are masked
# when the entry is written, and the keyed search hashes are left out.
_MASKS = {"id_number": mask_id_number, "bank_card": mask_card, "old_card": mask_card,
          "card": mask_card, "phone": mask_phone}  # fmt: skip


def snapshot(obj) -> dict:
    """The column values of a mapped object, JSON-ready."""
    return {c.key: _plain(getattr(obj, c.key)) for c in inspect(obj).mapper.column_attrs}


def _plain(v):
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    return v


def record(
    session: Session,
    actor_id,
    action: str,
    obj,
    before: dict | None = None,
    project_id: int | None = None,
    facts: dict | None = None,
) -> AuditEntry:
    """Add an audit entry for ``obj`` (flushed so its id is known) after ``action``; ``facts``
    instead of its columns, for a row that holds a secret or sensitive bytes."""
    session.flush()
    after = facts if facts is not None else snapshot(obj) if obj is not None else None
    before, after = masked(before), masked(after)
    entry = AuditEntry(
        actor_user_id=actor_id,
        project_id=project_id if project_id is not None else getattr(obj, "project_id", None),
        action=action,
        entity=type(obj).__tablename__ if obj is not None else "",
        entity_id=getattr(obj, "id", None),
        before=json.dumps(before, ensure_ascii=False, sort_keys=True) if before else None,
        after=json.dumps(after, ensure_ascii=False, sort_keys=True) if after else None,
    )
    session.add(entry)
    return entry


def masked(values: dict | None) -> dict | None:
    """``values`` with every ID, card and phone number masked (nested dicts and lists too)."""
    if values is None:
        return None
    return {k: _masked_value(k, v) for k, v in values.items() if not k.endswith("_hash")}


def _masked_value(key: str, value):
    if isinstance(value, dict):
        return masked(value)
    if isinstance(value, list):
        return [_masked_value(key, v) for v in value]
    mask = _MASKS.get(key)
    if key == "username" and isinstance(value, str) and value.isdigit():
        mask = mask_phone  # a worker's login name is his phone number
    return mask(value) if mask is not None and isinstance(value, str) else value


@event.listens_for(Session, "before_flush")
def _refuse_audit_rewrites(session, _flush_context, _instances):
    # The log is append-only: PostgreSQL also refuses UPDATE/DELETE by trigger (migration 0001).
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise PermissionError("audit_entry is append-only")


GENESIS = "0" * 64
_CHAIN_LOCK = 727_001  # PostgreSQL advisory lock: one transaction extends the chain at a time


def entry_hash(prev: str, e: AuditEntry) -> str:
    """The hash of an entry: its previous entry's hash and every recorded field."""
    at = ""
    if e.at is not None:  # as stored: naive UTC
        moment = e.at.astimezone(UTC).replace(tzinfo=None) if e.at.tzinfo else e.at
        at = moment.isoformat(timespec="microseconds")
    fields = (prev, at, e.actor_user_id, e.project_id, e.action, e.entity, e.entity_id,
              e.before, e.after)  # fmt: skip
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


@event.listens_for(Session, "before_flush")
def _chain_new_entries(session, _flush_context, _instances):
    new = sorted((o for o in session.new if isinstance(o, AuditEntry)),
                 key=lambda o: inspect(o).insert_order)  # fmt: skip
    if not new:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK})
    with session.no_autoflush:
        prev = session.scalar(select(AuditEntry.hash).where(AuditEntry.hash.is_not(None))
                              .order_by(AuditEntry.id.desc()).limit(1)) or GENESIS  # fmt: skip
    for entry in new:
        entry.at = entry.at or utcnow()
        entry.prev_hash, entry.hash = prev, entry_hash(prev, entry)
        prev = entry.hash


@dataclass(frozen=True)
class ChainCheck:
    """What ``verify_chain`` found: how many entries, and the first broken one if any."""

    entries: int
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify_chain(session: Session) -> ChainCheck:
    """Walk the log in order: each entry's ``prev_hash`` is its predecessor's hash and its
    ``hash`` is what its fields give.  A changed entry, or one removed or inserted, shows."""
    prev, count = GENESIS, 0
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.id)
                           .execution_options(yield_per=1000)).scalars()  # fmt: skip
    for entry in rows:
        count += 1
        if entry.prev_hash != prev:
            return ChainCheck(count, entry.id, "prev_hash")
        if entry.hash != entry_hash(prev, entry):
            return ChainCheck(count, entry.id, "hash")
        prev = entry.hash
    return ChainCheck(count)
