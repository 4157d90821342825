"""Real-name management use cases (实名制管理): register, accept or reject workers, authorise
sign-in officers.  Each is one unit of work around its domain rule in ``domain.realname`` /
``domain.authorisation`` (which check, change and audit, but never commit)."""

from __future__ import annotations

from dataclasses import dataclass

from domain import accounts, authorisation, photos, realname
from domain.access import Actor
from domain.clock import SHANGHAI
from domain.model import Assignment, Authorisation
from domain.roster.contracts import ContractForm
from services.accounts import notify
from services.uow import UnitOfWork, use_case


@dataclass(frozen=True)
class Registered:
    """A registration: the assignment, and the new account's activation code (shown once)."""

    assignment: Assignment
    code: accounts.IssuedCode | None


@use_case
def register_worker(uow: UnitOfWork, actor: Actor, project_id: int, unit_id: int,
                    form: realname.WorkerForm, photo: bytes | None = None,
                    contract: ContractForm | None = None) -> Registered:  # fmt: skip
    """人员登记: the person (found by ID number or new) assigned to a unit of the project, with
    his labour contract (聘用登记), his photo (required unless one is on file) and his account
    (opened when he has none)."""
    today = uow.clock().astimezone(SHANGHAI).date()
    a = realname.register_and_assign(uow.session, actor, project_id, unit_id, form, today,
                                     contract=contract)  # fmt: skip
    photos.at_registration(uow.session, actor.user_id, a.person, photo, project_id)
    issued = accounts.open_worker_account(uow.session, actor.user_id, a.person, uow.clock(),
                                          project_id)  # fmt: skip
    return Registered(a, notify(uow, issued))


@use_case
def accept_workers(uow: UnitOfWork, actor: Actor, project_id: int, ids: list[int],
                   entered_on: str | None = None) -> int:  # fmt: skip
    """项目人员接收 → 接收: one or many assignments at once (all or none); the general
    contractor may record their entry on site with it (进场日期)."""
    today = uow.clock().astimezone(SHANGHAI).date()
    return realname.accept_workers(uow.session, actor, project_id, ids, today, entered_on)


@use_case
def reject_worker(uow: UnitOfWork, actor: Actor, project_id: int, assignment_id: int,
                  reason: str) -> Assignment:  # fmt: skip
    """项目人员接收 → 拒绝, with a reason."""
    return realname.reject_worker(uow.session, actor, project_id, assignment_id, reason)


@use_case
def authorise(uow: UnitOfWork, actor: Actor, project_id: int, person_id: int,
              post: str) -> Authorisation:  # fmt: skip
    """项目角色授权管理 → 添加授权."""
    return authorisation.authorise(uow.session, actor, project_id, person_id, post)


@use_case
def revoke(uow: UnitOfWork, actor: Actor, project_id: int, authorisation_id: int):
    """项目角色授权管理 → 撤销."""
    return authorisation.revoke(uow.session, actor, project_id, authorisation_id)
