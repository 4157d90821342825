"""Roster use cases (花名册): the labour contract's renewal (续签), teams (班组), dispatch (派工),
entry and exit (进退场登记). Each is one unit of work around its rule in ``domain.roster``.
The contract recorded with a registration goes with ``realname.register_worker``."""

from __future__ import annotations

from domain.access import Actor
from domain.clock import SHANGHAI
from domain.errors import NotFound
from domain.model import Assignment
from domain.realname import UNKNOWN_ASSIGNMENT
from domain.roster import contracts, site, teams
from domain.roster.contracts import ContractForm
from domain.roster.model import LabourContract, Team
from services.uow import UnitOfWork, use_case


def _today(uow: UnitOfWork):
    return uow.clock().astimezone(SHANGHAI).date()


def assignment_of(uow: UnitOfWork, actor: Actor, project_id: int, assignment_id: int,
                  action: str = "view_roster") -> Assignment:  # fmt: skip
    """A worker's assignment on the project, in the actor's scope for ``action``."""
    a = uow.session.get(Assignment, assignment_id)
    if a is None or a.project_id != project_id:
        raise NotFound("unknown_assignment", UNKNOWN_ASSIGNMENT, field="assignment_id")
    actor.must(action, project_id, a.unit_id)
    return a


@use_case
def record_contract(uow: UnitOfWork, actor: Actor, project_id: int, assignment_id: int,
                    form: ContractForm) -> LabourContract:  # fmt: skip
    """劳动合同 → 登记新合同 (续签): it supersedes the earlier ones from its start on."""
    a = assignment_of(uow, actor, project_id, assignment_id, "record_contract")
    if a.state == "rejected":
        raise NotFound("unknown_assignment", UNKNOWN_ASSIGNMENT, field="assignment_id")
    return contracts.record_contract(uow.session, actor, a, form, _today(uow))


@use_case
def create_team(uow: UnitOfWork, actor: Actor, project_id: int, unit_id: int | None, name: str,
                leader_person_id: int | None) -> Team:  # fmt: skip
    """班组管理 → 新增班组."""
    return teams.create_team(uow.session, actor, project_id, unit_id, name, leader_person_id)


@use_case
def update_team(uow: UnitOfWork, actor: Actor, project_id: int, team_id: int, name: str,
                leader_person_id: int | None) -> Team:  # fmt: skip
    """班组管理 → 保存 (the name and the leader)."""
    return teams.update_team(uow.session, actor, project_id, team_id, name, leader_person_id)


@use_case
def dispatch(uow: UnitOfWork, actor: Actor, project_id: int, ids: list[int],
             team_id: int | None) -> int:  # fmt: skip
    """派工登记: the chosen workers to a team of their unit."""
    return teams.dispatch(uow.session, actor, project_id, ids, team_id)


@use_case
def record_entry(uow: UnitOfWork, actor: Actor, project_id: int, ids: list[int], day) -> int:
    """总包现场进场登记."""
    return site.record_entry(uow.session, actor, project_id, ids, day, _today(uow))


@use_case
def record_exit(uow: UnitOfWork, actor: Actor, project_id: int, ids: list[int], day) -> int:
    """总包现场退场登记."""
    return site.record_exit(uow.session, actor, project_id, ids, day, _today(uow))
