"""What has been uploaded to the national workers' platform, object by object (同步状态).

Every object the platform keeps — a project participant (参建单位), a team (班组), a worker on
the project (项目工人), a labour contract, an entry or exit (进退场), a sign-in (考勤), a unit's
monthly payroll (工资单) — has one row here once zhuxin has looked at it: ``pending`` while the
platform has not decided (its ``requestSerialCode``), ``accepted`` (with the platform's own id
where it assigns one, e.g. the ``teamSysNo``) or ``refused`` with the platform's reason.  A
refused object is sent again only when someone asks (重新上传), after fixing what the reason
says; a row never goes back from accepted.

The order matters: the platform refuses a team of a unit it does not know and a worker of a
team it does not know, so ``KINDS`` is the dependency order the uploader follows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.db import Base, utcnow
from domain.errors import Conflict, NotFound
from domain.i18n import Text

KINDS = ("participant", "team", "worker", "contract", "entry_exit", "attendance", "payroll")
PENDING, ACCEPTED, REFUSED, NOT_SENT = "pending", "accepted", "refused", "not_sent"
STATES = (NOT_SENT, PENDING, ACCEPTED, REFUSED)
NO_SYNC = Text("没有这条上传记录", "No such upload record")
NOT_REFUSED = Text("只有被平台退回的记录可以重新上传", "Only a record the platform refused can be sent again")


class PlatformSync(Base):
    __tablename__ = "platform_sync"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    object_key: Mapped[str] = mapped_column(String(40))  # our id (payroll: compilation:team)
    label: Mapped[str] = mapped_column(String(200))  # what it is, for the page (masked)
    state: Mapped[str] = mapped_column(String(10), default=NOT_SENT)
    request_code: Mapped[str | None] = mapped_column(String(64), index=True)
    platform_ref: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(500))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (
        UniqueConstraint("project_id", "kind", "object_key"),
        CheckConstraint("state IN ('not_sent', 'pending', 'accepted', 'refused')", name="state"),
    )


def row_for(session: Session, project_id: int, kind: str, key: str, label: str) -> PlatformSync:
    found = session.scalar(select(PlatformSync).where(PlatformSync.project_id == project_id,
                                                      PlatformSync.kind == kind,
                                                      PlatformSync.object_key == key))  # fmt: skip
    if found is None:
        found = PlatformSync(project_id=project_id, kind=kind, object_key=key, label=label[:200],
                             state=NOT_SENT, attempts=0)  # fmt: skip
        session.add(found)
    return found


def accepted_refs(session: Session, project_id: int, kind: str) -> dict[str, str]:
    """object key → the platform's id, of the kind's accepted rows."""
    rows = session.execute(select(PlatformSync.object_key, PlatformSync.platform_ref)
                           .where(PlatformSync.project_id == project_id, PlatformSync.kind == kind,
                                  PlatformSync.state == ACCEPTED))  # fmt: skip
    return {key: ref or "" for key, ref in rows}


def mark_sent(rows: list[PlatformSync], request_code: str) -> None:
    for row in rows:
        row.state, row.request_code, row.reason = PENDING, request_code, None
        row.attempts += 1
        row.sent_at = utcnow()


def pending(session: Session, project_id: int) -> list[PlatformSync]:
    return list(session.scalars(select(PlatformSync).where(PlatformSync.project_id == project_id,
                                                           PlatformSync.state == PENDING)
                                .order_by(PlatformSync.id)))  # fmt: skip


def decide(rows: list[PlatformSync], accepted: bool, reason: str = "", ref: str | None = None) -> None:
    for row in rows:
        row.state = ACCEPTED if accepted else REFUSED
        row.reason = None if accepted else (reason or "平台未说明原因")[:500]
        row.platform_ref = ref if accepted and ref else row.platform_ref
        row.decided_at = utcnow()


def rows_of(session: Session, project_id: int, kind: str | None = None, state: str | None = None):
    stmt = select(PlatformSync).where(PlatformSync.project_id == project_id)
    if kind:
        stmt = stmt.where(PlatformSync.kind == kind)
    if state:
        stmt = stmt.where(PlatformSync.state == state)
    return list(session.scalars(stmt.order_by(PlatformSync.kind, PlatformSync.id)))


def resend(session: Session, project_id: int, sync_id: int) -> PlatformSync:
    """重新上传: a refused row is sent again by the next upload."""
    row = session.get(PlatformSync, sync_id)
    if row is None or row.project_id != project_id:
        raise NotFound("unknown_sync", NO_SYNC)
    if row.state != REFUSED:
        raise Conflict("not_refused", NOT_REFUSED)
    row.state = NOT_SENT
    return row
