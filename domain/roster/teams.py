"""班组 and 派工登记: the teams of a unit, their leaders, and dispatching workers to them.

A team belongs to one unit on one project; its leader (班组长) is an accepted worker of that
unit, dispatched to the team, and leads only one team. A worker (assigned or accepted, not
rejected) is dispatched to one team of his own unit, or to none. Wages never go to the leader:
every line is paid to the worker's own card (``domain.payroll.cards``).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain import inputs
from domain.access import Actor
from domain.audit import record, snapshot
from domain.errors import Conflict, InvalidInput, NotFound
from domain.i18n import Text
from domain.model import Assignment, Person, Unit
from domain.roster.model import Team

NAME = Text("班组名称", "Team name")
NAME_REQUIRED = Text("请填写班组名称", "Please give the team a name")
DUPLICATE_NAME = Text("本单位已有名为“{team}”的班组", "This unit already has a team named {team}")
UNKNOWN_UNIT = Text("该项目下没有这个参建单位", "No such subcontracting unit on this project")
UNKNOWN_TEAM = Text("找不到该班组", "No such team")
UNKNOWN_ASSIGNMENT = Text("找不到该人员", "Unknown worker")
NOTHING_CHOSEN = Text("请选择人员", "Please choose the workers")
TEAM_REQUIRED = Text("请选择班组", "Please choose the team")
LEADER_NOT_ACCEPTED = Text(
    "班组长须为本单位已接收的工人", "The team leader must be an accepted worker of the unit"
)
LEADS_ANOTHER = Text("{name}已是“{team}”的班组长", "{name} already leads the team {team}")
OTHER_UNIT = Text("“{team}”不是{name}所在单位的班组",
                  "{team} is not a team of {name}'s unit")  # fmt: skip
REJECTED = Text("{name}已被退回，不能派工", "{name} was rejected and cannot be dispatched")
LEADER_LEAVES = Text(
    "{name}是“{team}”的班组长：请先更换班组长",
    "{name} leads the team {team}: choose another leader first",
)


def _unit(session: Session, project_id: int, unit_id: int | None) -> Unit:
    unit = session.get(Unit, unit_id) if unit_id else None
    if unit is None or unit.project_id != project_id:
        raise NotFound("unknown_unit", UNKNOWN_UNIT, field="unit_id")
    return unit


def get_team(session: Session, actor: Actor, project_id: int, team_id: int | None,
             action: str = "view_roster", field: str = "team_id") -> Team:  # fmt: skip
    team = session.get(Team, team_id) if team_id else None
    if team is None or team.project_id != project_id:
        raise NotFound("unknown_team", UNKNOWN_TEAM, field=field)
    actor.must(action, project_id, team.unit_id)
    return team


def teams_of(session: Session, actor: Actor, project_id: int) -> list[Team]:
    """The project's teams in the units the actor may see, by unit and name."""
    actor.must("view_roster", project_id)
    stmt = select(Team).where(Team.project_id == project_id).order_by(Team.unit_id, Team.name)
    limits = actor.unit_limits("view_roster", project_id)
    if limits is not None:
        stmt = stmt.where(Team.unit_id.in_(limits))
    return list(session.scalars(stmt))


def member_counts(session: Session, project_id: int) -> dict[int, int]:
    """team id → workers dispatched to it (not rejected)."""
    rows = session.execute(
        select(Assignment.team_id, func.count())
        .where(Assignment.project_id == project_id, Assignment.team_id.is_not(None),
               Assignment.state != "rejected")
        .group_by(Assignment.team_id)
    )  # fmt: skip
    return {team_id: n for team_id, n in rows}


def teams_by_person(session: Session, project_id: int,
                    person_ids: Iterable[int] | None = None) -> dict[int, Team]:  # fmt: skip
    """person id → the team he is dispatched to on the project (workers without one absent)."""
    stmt = (
        select(Assignment.person_id, Team)
        .join(Team, Team.id == Assignment.team_id)
        .where(Assignment.project_id == project_id)
    )
    if person_ids is not None:
        ids = sorted(set(person_ids))
        if not ids:
            return {}
        stmt = stmt.where(Assignment.person_id.in_(ids))
    return {pid: team for pid, team in session.execute(stmt).tuples()}


def _name(session: Session, unit_id: int, raw: str, team_id: int | None = None) -> str:
    name = inputs.bounded_text(raw, "name", NAME, 50)
    if not name:
        raise InvalidInput("name_required", NAME_REQUIRED, field="name")
    clash = session.scalar(select(Team.id).where(Team.unit_id == unit_id, Team.name == name,
                                                 Team.id != (team_id or 0)))  # fmt: skip
    if clash is not None:
        raise Conflict("duplicate_team", DUPLICATE_NAME, field="name", team=name)
    return name


def _leader(session: Session, team: Team, person_id: int | None) -> Assignment | None:
    """The accepted assignment of the chosen leader in the team's unit (None: no leader)."""
    if not person_id:
        return None
    a = session.scalar(select(Assignment).where(
        Assignment.project_id == team.project_id, Assignment.person_id == person_id))  # fmt: skip
    if a is None or a.unit_id != team.unit_id or a.state != "accepted":
        raise InvalidInput("leader_not_accepted", LEADER_NOT_ACCEPTED, field="leader_person_id")
    other = session.scalar(select(Team).where(Team.leader_person_id == person_id,
                                              Team.id != (team.id or 0)))  # fmt: skip
    if other is not None:
        raise Conflict("leads_another_team", LEADS_ANOTHER, field="leader_person_id",
                       name=a.person.name, team=other.name)  # fmt: skip
    return a


def _set_leader(session: Session, actor: Actor, team: Team, leader: Assignment | None) -> None:
    team.leader_person_id = leader.person_id if leader is not None else None
    if leader is not None and leader.team_id != team.id:  # the leader works in his team
        before = snapshot(leader)
        leader.team_id = team.id
        record(session, actor.user_id, "assignment.dispatch", leader, before)


def create_team(session: Session, actor: Actor, project_id: int, unit_id: int | None,
                name: str, leader_person_id: int | None = None) -> Team:  # fmt: skip
    """班组管理 → 新增班组 in one of the actor's units, with its leader if chosen."""
    unit = _unit(session, project_id, unit_id)
    actor.must("manage_teams", project_id, unit.id)
    team = Team(project_id=project_id, unit_id=unit.id, name=_name(session, unit.id, name),
                created_by=actor.user_id)  # fmt: skip
    session.add(team)
    session.flush()
    _set_leader(session, actor, team, _leader(session, team, leader_person_id))
    record(session, actor.user_id, "team.create", team)
    return team


def update_team(session: Session, actor: Actor, project_id: int, team_id: int, name: str,
                leader_person_id: int | None) -> Team:  # fmt: skip
    """Rename a team and set (or clear) its leader."""
    team = get_team(session, actor, project_id, team_id, "manage_teams")
    before = snapshot(team)
    team.name = _name(session, team.unit_id, name, team.id)
    _set_leader(session, actor, team, _leader(session, team, leader_person_id))
    record(session, actor.user_id, "team.update", team, before)
    session.flush()
    return team


def dispatch(session: Session, actor: Actor, project_id: int, ids: list[int],
             team_id: int | None) -> int:  # fmt: skip
    """派工登记: the chosen workers to one team of their unit (``0``: out of any team).
    All or nothing."""
    if not ids:
        raise InvalidInput("nothing_chosen", NOTHING_CHOSEN, field="ids")
    if team_id is None:
        raise InvalidInput("team_required", TEAM_REQUIRED, field="team_id")
    team = get_team(session, actor, project_id, team_id, "dispatch_workers") if team_id else None
    leaders = dict(session.execute(
        select(Team.leader_person_id, Team).where(Team.project_id == project_id,
                                                  Team.leader_person_id.is_not(None))
    ).tuples().all())  # fmt: skip
    for i in dict.fromkeys(ids):
        a = session.get(Assignment, i)
        if a is None or a.project_id != project_id:
            raise NotFound("unknown_assignment", UNKNOWN_ASSIGNMENT, field="ids")
        actor.must("dispatch_workers", project_id, a.unit_id)
        name = a.person.name
        if a.state == "rejected":
            raise Conflict("rejected_worker", REJECTED, field="ids", name=name)
        if team is not None and team.unit_id != a.unit_id:
            raise Conflict("team_of_other_unit", OTHER_UNIT, field="team_id", name=name,
                           team=team.name)  # fmt: skip
        led = leaders.get(a.person_id)
        if led is not None and (team is None or led.id != team.id):
            raise Conflict("leader_leaves_team", LEADER_LEAVES, field="ids", name=name,
                           team=led.name)  # fmt: skip
        if a.team_id != (team.id if team else None):
            before = snapshot(a)
            a.team_id = team.id if team else None
            record(session, actor.user_id, "assignment.dispatch", a, before)
    session.flush()
    return len(set(ids))


def leader_candidates(session: Session, project_id: int, unit_ids: Iterable[int]
                      ) -> dict[int, list[Person]]:  # fmt: skip
    """unit id → its accepted workers (who may lead a team), by name."""
    ids = sorted(set(unit_ids))
    out: dict[int, list[Person]] = {u: [] for u in ids}
    if not ids:
        return out
    rows = session.execute(
        select(Assignment.unit_id, Person).join(Person, Person.id == Assignment.person_id)
        .where(Assignment.project_id == project_id, Assignment.state == "accepted",
               Assignment.unit_id.in_(ids))
        .order_by(Person.name, Person.id)
    ).tuples()  # fmt: skip
    for unit_id, person in rows:
        out[unit_id].append(person)
    return out
