"""Login use cases (登录): log in (the attempt is committed, then any refusal shown), log out
and change the password (both end the user's sessions), lift a lockout."""

from __future__ import annotations

from domain import logins
from domain.access import Actor
from domain.errors import InvalidInput
from domain.i18n import Text
from domain.model import AuditEntry, User
from domain.passwords import check_new_password, hash_password, verify_password
from services.uow import UnitOfWork, use_case

WRONG_CURRENT = Text("当前密码不正确", "The current password is wrong")
SAME_AS_OLD = Text("新密码不能与当前密码相同", "The new password must differ from the current one")


@use_case
def log_in(uow: UnitOfWork, account: str, password: str, address: str) -> logins.Outcome:
    """The attempt is recorded whatever its result (so the throttle counts across requests)."""
    return logins.attempt(uow.session, account, password, address, uow.clock().replace(tzinfo=None))


@use_case
def log_out(uow: UnitOfWork, user_id: int) -> None:
    """退出: this user's sessions end on the server."""
    user = uow.session.get(User, user_id)
    if user is not None:
        logins.end_sessions(user)


@use_case
def change_password(uow: UnitOfWork, actor: Actor, current: str, new: str, again: str) -> int:
    """修改密码: the current password, the new one twice (the rules of ``check_new_password``);
    every other session of the user ends. → the new session version (kept by this session)."""
    user = uow.session.get(User, actor.user_id)
    assert user is not None
    if not verify_password(user.password_hash, current):
        raise InvalidInput("wrong_current_password", WRONG_CURRENT, field="current")
    check_new_password(new, again)
    if verify_password(user.password_hash, new):
        raise InvalidInput("same_password", SAME_AS_OLD, field="password")
    user.password_hash = hash_password(new)
    version = logins.end_sessions(user)
    # Not ``record``: its snapshot of the user would hold the hash.
    uow.session.add(AuditEntry(actor_user_id=actor.user_id, action="user.password",
                               entity="user", entity_id=user.id))  # fmt: skip
    return version


@use_case
def lift_lockout(uow: UnitOfWork, actor: Actor, lockout_id: int) -> None:
    """解除锁定."""
    logins.lift(uow.session, actor, lockout_id, uow.clock().replace(tzinfo=None))
