"""Logins (登录): throttled per account and per client address, with a temporary lockout a GC
manager or the administrator can lift; the same answer, in about the same time, for an account
that does not exist; sessions that end on the server (a version per user, checked on each
request) and after a lifetime.

The attempts and lockouts are rows, so that they hold across processes and nodes.  An account
is kept as the SHA-256 of its normalised name (a phone number is personal data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, func, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain import roles
from domain.access import Actor
from domain.audit import record
from domain.db import Base, utcnow
from domain.errors import AccessDenied, Conflict, DomainError, NotFound
from domain.i18n import Text
from domain.model import Assignment, RoleGrant, User
from domain.passwords import hash_password, verify_password
from domain.personal_data import digest

ACCOUNT_LIMIT = 5  # failures of one account within WINDOW lock it
ADDRESS_LIMIT = 20  # failures from one client address within WINDOW lock the address
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)

WRONG = Text("账号或密码不正确", "Wrong account or password")
LOCKED = Text(
    "登录失败次数过多，已暂时锁定，请 {minutes} 分钟后再试，或请项目经理解除锁定",
    "Too many failed logins: locked for {minutes} more minutes, or ask your project manager "
    "to lift the lock",
)
UNKNOWN_LOCKOUT = Text("找不到该锁定记录", "No such lockout")
NOT_YOURS = Text("只能解除本项目人员账号的锁定", "You may lift only the lockouts of your project's users")
ALREADY_LIFTED = Text("该锁定已解除或已过期", "This lockout was already lifted or has ended")


class LoginRefused(DomainError):
    """Wrong account or password (401), or locked (429)."""

    status = 401
    kind = "unauthorized"


class LockedOut(LoginRefused):
    status = 429
    kind = "locked"


# Verified when the account does not exist, so that an unknown account costs what a known one
# does (no enumeration by timing).
_DUMMY_HASH = hash_password("timing-equaliser-0")


class LoginAttempt(Base):
    __tablename__ = "login_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    ok: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)


class Lockout(Base):
    __tablename__ = "login_lockout"
    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))  # account | address
    key: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # a known account's
    until: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    lifted_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    lifted_at: Mapped[datetime | None] = mapped_column(DateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)


def account_key(account: str) -> str:
    # Keyed (domain/personal_data.py): an account name is often a phone number, and a plain
    # SHA-256 of an 11-digit number is reversed by trying them all.
    return digest(account.strip().lower())


@dataclass
class Outcome:
    """A login's result: the user, or the refusal to show (after the attempt is recorded)."""

    user: User | None
    refusal: Exception | None = None


def _active(session: Session, scope: str, key: str, now: datetime) -> Lockout | None:
    return session.scalar(select(Lockout).where(
        Lockout.scope == scope, Lockout.key == key, Lockout.until > now,
        Lockout.lifted_at.is_(None)).order_by(Lockout.until.desc()).limit(1))  # fmt: skip


def _failures_since(session: Session, column, key: str, since: datetime) -> int:
    last_ok = session.scalar(select(func.max(LoginAttempt.at)).where(column == key,
                                                                      LoginAttempt.ok))
    lifted = session.scalar(select(func.max(Lockout.lifted_at)).where(Lockout.key == key))
    start = max(t for t in (since, last_ok, lifted) if t is not None)
    return session.scalar(select(func.count()).select_from(LoginAttempt).where(
        column == key, LoginAttempt.ok.is_(False), LoginAttempt.at > start)) or 0  # fmt: skip


def attempt(session: Session, account: str, password: str, address: str,
            now: datetime | None = None) -> Outcome:  # fmt: skip
    """Check a login: locked → refused without looking at the password; else the password
    (against a dummy hash when the account is unknown); the attempt is recorded either way and
    enough failures lock the account or the address."""
    now = now or utcnow()
    key, address = account_key(account), (address or "-")[:64]
    for scope, k in (("account", key), ("address", address)):
        lock = _active(session, scope, k, now)
        if lock is not None:
            minutes = max(1, int((lock.until - now).total_seconds() // 60) + 1)
            return Outcome(None, LockedOut("login_locked", LOCKED, field="account",
                                           minutes=minutes))  # fmt: skip
    name = account.strip()
    user = session.scalar(select(User).where(or_(User.username == name, User.phone_is(name))))
    usable = user is not None and user.is_active
    ok = verify_password(user.password_hash if usable and user else _DUMMY_HASH, password)
    ok = ok and usable
    session.add(LoginAttempt(account_key=key, address=address, ok=ok, at=now))
    session.flush()
    if ok:
        return Outcome(user)
    _maybe_lock(session, "account", key, LoginAttempt.account_key, ACCOUNT_LIMIT, now,
                user.id if user is not None else None)  # fmt: skip
    _maybe_lock(session, "address", address, LoginAttempt.address, ADDRESS_LIMIT, now, None)
    return Outcome(None, LoginRefused("wrong_login", WRONG, field="account"))


def _maybe_lock(session, scope, key, column, limit, now, user_id) -> None:
    failures = _failures_since(session, column, key, now - WINDOW)
    if failures >= limit:
        session.add(Lockout(scope=scope, key=key, user_id=user_id, until=now + LOCK,
                            created_at=now, failures=failures))  # fmt: skip
        session.flush()


def active_lockouts(session: Session, actor: Actor, now: datetime | None = None) -> list:
    """(lockout, user) pairs the actor may lift: all for the administrator; for a GC manager,
    the account lockouts of users with a grant on one of his projects."""
    now = now or utcnow()
    rows = session.execute(select(Lockout, User).outerjoin(User, User.id == Lockout.user_id)
                           .where(Lockout.until > now, Lockout.lifted_at.is_(None))
                           .order_by(Lockout.created_at.desc())).all()  # fmt: skip
    return [(lock, user) for lock, user in rows if _may_lift(session, actor, lock)]


def _may_lift(session: Session, actor: Actor, lock: Lockout) -> bool:
    """The administrator any lockout; a GC manager an account's of his project's staff or
    workers."""
    if actor.can((roles.PROCESS_ADMIN,)):
        return True
    projects = actor.project_ids("lift_lockout")
    if lock.user_id is None or not projects:
        return False
    staff = select(RoleGrant.id).where(RoleGrant.user_id == lock.user_id,
                                       RoleGrant.project_id.in_(projects))  # fmt: skip
    worker = (select(Assignment.id).join(User, User.person_id == Assignment.person_id)
              .where(User.id == lock.user_id, Assignment.project_id.in_(projects)))  # fmt: skip
    return any(session.scalar(q.limit(1)) is not None for q in (staff, worker))


def lift(session: Session, actor: Actor, lockout_id: int, now: datetime | None = None) -> Lockout:
    """解除锁定 (audited)."""
    now = now or utcnow()
    lock = session.get(Lockout, lockout_id)
    if lock is None:
        raise NotFound("unknown_lockout", UNKNOWN_LOCKOUT)
    if not _may_lift(session, actor, lock):
        raise AccessDenied("not_your_lockout", NOT_YOURS)
    if lock.lifted_at is not None or lock.until <= now:
        raise Conflict("lockout_over", ALREADY_LIFTED)
    lock.lifted_by, lock.lifted_at = actor.user_id, now
    record(session, actor.user_id, "login.unlock", lock)
    return lock


def end_sessions(user: User) -> int:
    """Every session of the user ends now (logout, a new password): the next request's check
    of the session's version fails.  Returns the new version."""
    user.session_version = (user.session_version or 0) + 1
    return user.session_version
