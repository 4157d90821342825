"""Workers' accounts: every registered worker can log in (首次登录/激活).

Registering a worker opens his account (``User``: username and phone = his phone, linked to his
person, no usable password) with a one-time activation code, shown once to the operator and
handed to an ``ActivationNotifier`` (SMS once notifications exist; the default only logs that a
code was issued, never the code). Only the code's hash is stored; it expires after
``CODE_DAYS``, is used once, and ``MAX_TRIES`` wrong tries void it. With his phone, the code
and a new password (twice) the worker activates the account and is logged in.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from domain.access import Actor
from domain.audit import record
from domain.checks import check_phone
from domain.errors import Conflict, InvalidInput, NotFound
from domain.i18n import Text
from domain.model import ActivationCode, Assignment, Person, User
from domain.passwords import (
    UNUSABLE,
    check_new_password,
    has_password,
    hash_password,
    verify_password,
)
from domain.realname import UNKNOWN_ASSIGNMENT

CODE_DIGITS = 8
CODE_DAYS = 7
MAX_TRIES = 5

PHONE_TAKEN = Text(
    "手机号 {phone} 已被其他账号使用，请核对工人的手机号",
    "The phone number {phone} is used by another account; check the worker's number",
)
BAD_CODE = Text(
    "手机号或激活码不正确，或激活码已过期、已使用",
    "Wrong phone number or activation code, or the code has expired or was used",
)
CODE_VOIDED = Text(
    "激活码错误次数过多，已作废；请联系登记您的操作员重新发放",
    "Too many wrong tries: the code is void; ask the operator who registered you for a new one",
)
CODE_REQUIRED = Text("请输入激活码", "Enter the activation code")
ALREADY_ACTIVE = Text(
    "{name} 的账号已激活，请用密码登录", "{name}'s account is already active: log in with the password"
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IssuedCode:
    """A code just issued: shown once to the operator, never stored or logged in clear."""

    user_id: int
    phone: str
    name: str
    code: str
    expires_at: datetime


class ActivationNotifier(Protocol):
    """Where a new code goes besides the operator's page (an SMS gateway, later)."""

    def code_issued(self, issued: IssuedCode) -> None: ...


class LoggingNotifier:
    """The default notifier: no SMS is sent; it logs that a code was issued (not the code)."""

    def code_issued(self, issued: IssuedCode) -> None:
        log.info("activation code issued for user %s, valid until %s (no SMS sent)",
                 issued.user_id, issued.expires_at)


def _utc(moment: datetime) -> datetime:
    """Naive UTC, the form the columns store."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def open_worker_account(
    session: Session, actor_id: int | None, person: Person, now: datetime, project_id=None
) -> IssuedCode | None:
    """The person's account, opened with a first activation code; None when he has one."""
    if session.scalar(select(User.id).where(User.person_id == person.id)) is not None:
        return None
    phone = check_phone(person.phone)
    taken = session.scalar(
        select(User.id).where(or_(User.phone_is(phone), User.username == phone))
    )
    if taken is not None:
        raise Conflict("phone_taken", PHONE_TAKEN, field="phone", phone=phone)
    # He logs in with his phone; the login name is not the phone, which is stored encrypted.
    user = User(username=f"worker-{person.id}", phone=phone, display_name=person.name,
                password_hash=UNUSABLE, person_id=person.id)  # fmt: skip
    session.add(user)
    record(session, actor_id, "account.open", user, project_id=project_id,
           facts={"username": user.username, "person_id": person.id})  # fmt: skip
    return _issue(session, actor_id, user, now, project_id)


def _issue(session, actor_id, user: User, now: datetime, project_id) -> IssuedCode:
    """A new code for ``user``; every earlier open code is void."""
    at = _utc(now)
    session.execute(
        update(ActivationCode)
        .where(ActivationCode.user_id == user.id, ActivationCode.used_at.is_(None),
               ActivationCode.voided_at.is_(None))  # fmt: skip
        .values(voided_at=at)
    )
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    row = ActivationCode(user_id=user.id, code_hash=hash_password(code), issued_by=actor_id,
                         issued_at=at, expires_at=at + timedelta(days=CODE_DAYS), tries=0)  # fmt: skip
    session.add(row)
    record(session, actor_id, "account.code_issued", row, project_id=project_id,
           facts={"user_id": user.id, "expires_at": row.expires_at.isoformat()})  # fmt: skip
    return IssuedCode(user.id, user.phone or "", user.display_name, code, row.expires_at)


def reissue_code(
    session: Session, actor: Actor, project_id: int, assignment_id: int, now: datetime
) -> IssuedCode:
    """重发激活码 from the acceptance list: a new code for a worker who has not activated yet
    (the old one is void); opens the account of a worker registered before accounts existed."""
    a = assignment_on(session, actor, project_id, assignment_id)
    user = session.scalar(select(User).where(User.person_id == a.person_id))
    if user is None:
        issued = open_worker_account(session, actor.user_id, a.person, now, project_id)
        assert issued is not None
        return issued
    if has_password(user.password_hash):
        raise Conflict("already_active", ALREADY_ACTIVE, name=a.person.name)
    return _issue(session, actor.user_id, user, now, project_id)


def assignment_on(session: Session, actor: Actor, project_id: int, assignment_id: int):
    """An assignment of the project that the actor may register workers for (his units)."""
    a = session.get(Assignment, assignment_id)
    if a is None or a.project_id != project_id:
        raise NotFound("unknown_assignment", UNKNOWN_ASSIGNMENT, field="assignment_id")
    actor.must("register_worker", project_id, a.unit_id)
    return a


@dataclass(frozen=True)
class Activation:
    """The outcome of an activation: the user now logged in, or the refusal to raise after
    the wrong try was counted (committed, so that tries add up across requests)."""

    user: User | None = None
    refusal: InvalidInput | None = None


def activate(
    session: Session, phone: str, code: str, password: str, again: str, now: datetime
) -> Activation:
    """首次登录/激活: phone + code + new password → the account has its password."""
    phone = check_phone(phone)
    code = (code or "").strip()
    if not code:
        raise InvalidInput("code_required", CODE_REQUIRED, field="code")
    password = check_new_password(password or "", again or "")
    at = _utc(now)
    user = session.scalar(select(User).where(User.phone_is(phone), User.person_id.is_not(None)))
    row = (
        session.scalar(
            select(ActivationCode)
            .where(ActivationCode.user_id == user.id, ActivationCode.used_at.is_(None),
                   ActivationCode.voided_at.is_(None), ActivationCode.expires_at > at)  # fmt: skip
            .order_by(ActivationCode.id.desc())
        )
        if user is not None and user.is_active
        else None
    )
    if row is None or user is None:
        raise InvalidInput("bad_activation_code", BAD_CODE, field="code")
    still_open = (ActivationCode.id == row.id, ActivationCode.used_at.is_(None),
                  ActivationCode.voided_at.is_(None))  # fmt: skip
    if not verify_password(row.code_hash, code):  # counted in SQL: concurrent tries add up
        tries = session.execute(
            update(ActivationCode).where(*still_open)
            .values(tries=ActivationCode.tries + 1).returning(ActivationCode.tries)
        ).scalar()  # fmt: skip
        voided = tries is None or tries >= MAX_TRIES
        if voided:
            session.execute(update(ActivationCode).where(*still_open).values(voided_at=at))
        reason, text = ("code_voided", CODE_VOIDED) if voided else ("bad_activation_code", BAD_CODE)
        return Activation(refusal=InvalidInput(reason, text, field="code"))
    used = update(ActivationCode).where(*still_open).values(used_at=at)
    if session.execute(used.returning(ActivationCode.id)).scalar() is None:
        raise InvalidInput("bad_activation_code", BAD_CODE, field="code")  # used meanwhile
    user.password_hash = hash_password(password)
    record(session, user.id, "account.activate", user, facts={"user_id": user.id})
    return Activation(user=user)


@dataclass(frozen=True)
class AccountState:
    """What the operator sees of a worker's account: none, waiting for activation, active."""

    state: str  # "none" | "pending" | "active"
    expires_at: datetime | None = None


def account_state(session: Session, person_id: int, now: datetime) -> AccountState:
    user = session.scalar(select(User).where(User.person_id == person_id))
    if user is None:
        return AccountState("none")
    if has_password(user.password_hash):
        return AccountState("active")
    expires = session.scalar(
        select(ActivationCode.expires_at).where(
            ActivationCode.user_id == user.id, ActivationCode.used_at.is_(None),
            ActivationCode.voided_at.is_(None), ActivationCode.expires_at > _utc(now))  # fmt: skip
    )
    return AccountState("pending", expires)
