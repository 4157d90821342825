"""Notifications (消息): an outbox of messages to one user, read in the app (消息) and, when he
has a phone, sent by SMS through a driver (``SmsDriver``; ``connectors/sms.py``).

A message is a kind, its parameters and where to act (``target``); its text is rendered in the
reader's language when shown, so a message stays readable after a language switch.  Each one
carries a ``dedupe_key`` unique per user: the step that posts a message may run twice (a retried
use case, a scheduled step on two nodes) and the user is told once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
    or_,
    select,
    update,
)
from sqlalchemy import Text as SqlText
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain import roles
from domain.db import Base, utcnow
from domain.errors import NotFound
from domain.i18n import Text
from domain.model import Project, RoleGrant, User

SMS_STATES = ("none", "pending", "sent", "failed")
SMS_MAX_ATTEMPTS = 5  # after this many failed sends the SMS is given up (the in-app one stays)
PAGE_SIZE = 20

# kind → the message, with its named parameters.
TEXTS = {
    "task_arrived": Text("新的待办：{task}", "New task: {task}"),
    "table_returned": Text(
        "{unit} {month} 工资支付表被退回，原因：{reason}",
        "The {month} wage table of {unit} was returned: {reason}",
    ),
    "dispute_raised": Text(
        "{worker} 对 {month} 工资有异议：{comment}",
        "{worker} disputes the {month} wage line: {comment}",
    ),
    "dispute_resolved": Text(
        "您对 {month} 工资的异议已答复：{resolution}。请再次确认",
        "Your dispute of the {month} wage was answered: {resolution}. Please confirm again",
    ),
    "wage_paid": Text(
        "{month} 工资 {net} 元已发放到您的工资卡", "Your {month} wage of {net} yuan was paid"
    ),
    "wage_returned": Text(
        "{month} 工资 {net} 元被银行退回（{reason}），将更正后重新支付",
        "Your {month} wage of {net} yuan came back from the bank ({reason}); it will be paid again",
    ),
    "funding_short": Text(
        "{project} 工资专用账户余额 {balance} 元（{day}）不足以支付待发工资 {due} 元，缺口 {gap} 元，请通知建设单位拨付人工费",
        "{project}: the wage account's balance of {balance} yuan ({day}) does not cover the wages due, {due} yuan "
        "({gap} short); ask the client to transfer the labour cost",
    ),
}
KIND_LABELS = {
    "task_arrived": Text("待办", "Task"),
    "table_returned": Text("退回", "Returned"),
    "dispute_raised": Text("异议", "Dispute"),
    "dispute_resolved": Text("异议答复", "Dispute answered"),
    "wage_paid": Text("工资发放", "Wage paid"),
    "wage_returned": Text("工资退回", "Wage returned"),
    "funding_short": Text("专户余额不足", "Wage account short"),
}
NO_MESSAGE = Text("找不到该消息", "No such message")


class Notification(Base):
    """One message to one user: in the app until read, and by SMS when he has a phone."""

    __tablename__ = "notification"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(30))
    project_id: Mapped[int | None] = mapped_column(Integer)
    params: Mapped[str] = mapped_column(SqlText, default="{}")  # JSON: the text's parameters
    target: Mapped[str | None] = mapped_column(SqlText)  # JSON: where to act (see ``link_of``)
    dedupe_key: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    sms_state: Mapped[str] = mapped_column(String(10), default="none")
    sms_attempts: Mapped[int] = mapped_column(Integer, default=0)
    sms_error: Mapped[str | None] = mapped_column(String(300))
    sms_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key"),
        Index("ix_notification_user_read", "user_id", "read_at"),
        Index("ix_notification_sms", "sms_state"),
        CheckConstraint("sms_state in ('none', 'pending', 'sent', 'failed')", name="sms_state"),
        CheckConstraint("sms_attempts >= 0", name="sms_attempts"),
    )

    def text(self, lang: str = "zh") -> str:
        return TEXTS[self.kind].format(lang, **json.loads(self.params or "{}"))

    def link(self) -> dict[str, Any] | None:
        return json.loads(self.target) if self.target else None


class SmsDriver(Protocol):
    """Sends one text message; raises ``SmsFailed`` (or any error) when it could not."""

    def send(self, phone: str, text: str) -> None: ...


class SmsFailed(Exception):
    """The driver could not send (the gateway refused or was unreachable)."""


@dataclass(frozen=True)
class Target:
    """Where a message's reader acts: a page (endpoint and arguments) or an inbox task."""

    endpoint: str
    args: dict[str, Any]

    def as_json(self) -> str:
        return json.dumps({"endpoint": self.endpoint, "args": self.args}, sort_keys=True)


def post(session: Session, user_id: int, kind: str, params: dict[str, Any], *, dedupe_key: str,
         project_id: int | None = None, target: Target | None = None) -> Notification | None:  # fmt: skip
    """Put a message in the user's outbox, once per ``dedupe_key`` (None when already there).
    It goes by SMS as well when the user has a phone."""
    if kind not in TEXTS:
        raise ValueError(f"unknown notification kind {kind!r}")
    mine = (Notification.user_id == user_id, Notification.dedupe_key == dedupe_key)
    if session.scalar(select(Notification.id).where(*mine)) is not None:
        return None
    phone = session.scalar(select(User.phone).where(User.id == user_id))
    row = Notification(user_id=user_id, kind=kind, project_id=project_id,
                       params=json.dumps(params, ensure_ascii=False, default=str),
                       target=target.as_json() if target else None, dedupe_key=dedupe_key,
                       sms_state="pending" if phone else "none")  # fmt: skip
    try:
        with session.begin_nested():  # a concurrent twin: the unique key refuses it, quietly
            session.add(row)
    except IntegrityError:
        return None
    return row


@dataclass(frozen=True)
class Message:
    """One message for ``post_many``: the arguments of ``post``."""

    user_id: int
    kind: str
    params: dict[str, Any]
    dedupe_key: str
    project_id: int | None = None
    target: Target | None = None


IN_CHUNK = 5000  # values per IN (…): PostgreSQL takes at most 65,535 parameters a statement


def post_many(session: Session, messages: list[Message]) -> int:
    """``post`` each message, in a few queries for any number (the bank's answers on 50,000
    lines: not four round trips per line); how many were new."""
    keys = {m.dedupe_key for m in messages}
    there = set(_chunked(session, keys, lambda part: select(
        Notification.user_id, Notification.dedupe_key).where(Notification.dedupe_key.in_(part))))
    phones = dict(_chunked(session, {m.user_id for m in messages}, lambda part: select(
        User.id, User.phone).where(User.id.in_(part))))  # fmt: skip
    new = [m for m in messages if (m.user_id, m.dedupe_key) not in there]
    rows = [Notification(user_id=m.user_id, kind=m.kind, project_id=m.project_id,
                         params=json.dumps(m.params, ensure_ascii=False, default=str),
                         target=m.target.as_json() if m.target else None,
                         dedupe_key=m.dedupe_key,
                         sms_state="pending" if phones.get(m.user_id) else "none")
            for m in new]  # fmt: skip
    try:
        with session.begin_nested():
            session.add_all(rows)
    except IntegrityError:  # a concurrent twin posted some of them: one at a time, quietly
        return sum(post(session, m.user_id, m.kind, m.params, dedupe_key=m.dedupe_key,
                        project_id=m.project_id, target=m.target) is not None
                   for m in new)  # fmt: skip
    return len(rows)


def _chunked(session: Session, values, query) -> list:
    """The rows of ``query(part)`` for each IN_CHUNK values of ``values``."""
    ordered = sorted(values)
    return [row for i in range(0, len(ordered), IN_CHUNK)
            for row in session.execute(query(ordered[i : i + IN_CHUNK])).tuples()]  # fmt: skip


def post_to(session: Session, user_ids, kind: str, params: dict[str, Any], *, dedupe_key: str,
            project_id: int | None = None, target: Target | None = None) -> int:  # fmt: skip
    """``post`` to each of ``user_ids``; how many were new."""
    return sum(
        post(session, uid, kind, params, dedupe_key=dedupe_key, project_id=project_id,
             target=target) is not None for uid in sorted(set(user_ids))
    )  # fmt: skip


def holders(session: Session, wanted: tuple[str, ...], project_id: int,
            unit_id: int | None = None) -> list[int]:  # fmt: skip
    """Active users holding one of ``wanted`` on the project whose grant covers the unit
    (a project-wide grant covers every unit; the enterprise role through its projects)."""
    enterprise = select(Project.gc_enterprise_id).where(Project.id == project_id).scalar_subquery()
    # As the inbox: a unit's grant covers that unit only, a project-wide one every unit.
    covers_unit = (
        or_(RoleGrant.unit_id.is_(None), RoleGrant.unit_id == unit_id)
        if unit_id is not None
        else RoleGrant.unit_id.is_(None)
    )
    on_project = (RoleGrant.project_id == project_id) & covers_unit
    of_enterprise = (RoleGrant.role == roles.GC_ENTERPRISE) & (
        RoleGrant.enterprise_id == enterprise
    )
    stmt = (
        select(RoleGrant.user_id).join(User, User.id == RoleGrant.user_id)
        .where(RoleGrant.role.in_(wanted), User.is_active.is_(True), or_(on_project, of_enterprise))
        .distinct()
    )  # fmt: skip
    return sorted(session.scalars(stmt))


def task_recipients(session: Session, role: str | None, project_id: int | None,
                    unit_id: int | None) -> list[int]:  # fmt: skip
    """Who is told that a task of ``role`` arrived: its holders in the task's scope, else
    (nobody holds it) the roles that stand in for it (``roles.STANDS_IN_FOR``)."""
    if role is None or project_id is None:
        return []
    direct = holders(session, (role,), project_id, unit_id)
    if direct:
        return direct
    stand_ins = tuple(r for r, covered in roles.STANDS_IN_FOR.items() if role in covered)
    return holders(session, stand_ins, project_id, unit_id) if stand_ins else []


def user_of_person(session: Session, person_id: int) -> int | None:
    """The worker's login, if he has one."""
    return session.scalar(select(User.id).where(User.person_id == person_id, User.is_active))


def users_of_people(session: Session, person_ids) -> dict[int, int]:
    """person id → the worker's login, for those who have one (in IN_CHUNK-sized queries)."""
    return dict(_chunked(session, set(person_ids), lambda part: select(User.person_id, User.id)
                         .where(User.person_id.in_(part), User.is_active)))  # fmt: skip


# Reading ---------------------------------------------------------------------------------


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0  # fmt: skip


def unread_count_query(user_id: int):
    """The unread count as a scalar subquery (the header joins it to the task count)."""
    return (
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )  # fmt: skip


@dataclass(frozen=True)
class MessagePage:
    rows: list[Notification]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def messages_of(session: Session, user_id: int, page: int = 1, size: int = PAGE_SIZE,
                unread_only: bool = False) -> MessagePage:  # fmt: skip
    """The user's own messages, newest first, one page of them."""
    where = [Notification.user_id == user_id]
    if unread_only:
        where.append(Notification.read_at.is_(None))
    total = session.scalar(select(func.count()).select_from(Notification).where(*where)) or 0
    page = min(max(1, page), max(1, -(-total // size)))
    rows = session.scalars(select(Notification).where(*where)
                           .order_by(Notification.id.desc()).limit(size).offset((page - 1) * size))  # fmt: skip
    return MessagePage(list(rows), total, page, size)


def mark_read(session: Session, user_id: int, notification_id: int) -> Notification:
    """Mark one of the user's own messages read; another user's message does not exist for him."""
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != user_id:
        raise NotFound("unknown_notification", NO_MESSAGE, field="notification_id")
    if row.read_at is None:
        row.read_at = utcnow()
    return row


def mark_all_read(session: Session, user_id: int) -> int:
    """Mark every unread message of the user read; how many."""
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


# Sending ---------------------------------------------------------------------------------


def pending_sms(session: Session, limit: int = 100) -> list[tuple[Notification, str]]:
    """SMS still to send, oldest first, with the phone now on the user's record."""
    rows = session.execute(
        select(Notification, User.phone).join(User, User.id == Notification.user_id)
        .where(Notification.sms_state == "pending").order_by(Notification.id).limit(limit)
    )  # fmt: skip
    return [(n, phone) for n, phone in rows]


def record_sms(row: Notification, error: str | None) -> None:
    """The driver's answer on one SMS: sent, or one more failed attempt (given up at the last)."""
    row.sms_attempts += 1
    row.sms_at = utcnow()
    if error is None:
        row.sms_state, row.sms_error = "sent", None
        return
    row.sms_error = error[:300]
    if row.sms_attempts >= SMS_MAX_ATTEMPTS:
        row.sms_state = "failed"
