"""Append-only audit log (操作日志): every change records who, what, when, before and after."""

import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from domain.model import AuditEntry


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


@event.listens_for(Session, "before_flush")
def _refuse_audit_rewrites(session, _flush_context, _instances):
    # The log is append-only: PostgreSQL also refuses UPDATE/DELETE by trigger (migration 0001).
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise PermissionError("audit_entry is append-only")
