"""Workers' accounts and photos: activation (首次登录/激活), a new activation code, a new
photo. Each is one unit of work around ``domain.accounts`` / ``domain.photos``."""

from __future__ import annotations

from domain import accounts, photos
from domain.access import Actor
from domain.accounts import IssuedCode
from domain.model import PersonPhoto
from services.uow import UnitOfWork, use_case


def notify(uow: UnitOfWork, issued: IssuedCode | None) -> IssuedCode | None:
    """Hand a new code to the wiring's notifier (SMS later; logs without the code now)."""
    notifier = getattr(uow.wiring, "activation_notifier", None)
    if issued is not None and notifier is not None:
        notifier.code_issued(issued)
    return issued


@use_case
def activate(uow: UnitOfWork, phone: str, code: str, password: str, again: str):
    """首次登录/激活: → the user; a wrong code is counted (committed), then refused."""
    return accounts.activate(uow.session, phone, code, password, again, uow.clock())


@use_case
def reissue_code(uow: UnitOfWork, actor: Actor, project_id: int, assignment_id: int) -> IssuedCode:
    """重发激活码: a new code (the old one void), shown once to the operator."""
    issued = accounts.reissue_code(uow.session, actor, project_id, assignment_id, uow.clock())
    notify(uow, issued)
    return issued


@use_case
def replace_photo(uow: UnitOfWork, actor: Actor, project_id: int, assignment_id: int,
                  upload: bytes | None) -> PersonPhoto:  # fmt: skip
    """更换照片 of an assigned worker (the operator of his unit)."""
    a = accounts.assignment_on(uow.session, actor, project_id, assignment_id)
    if not upload:
        raise photos.missing()
    return photos.set_photo(uow.session, actor.user_id, a.person, photos.prepare(upload), project_id)
