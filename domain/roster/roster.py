"""项目人员花名册: the project's workers with their team, contract, stint on site and flags.

Flags (warnings, not refusals): the contract missing, ended, not yet started or ending within
30 days; an accepted worker not entered on site, or gone (exited); a bank card or a phone
number that another worker's record has too (wages go only to the worker's own card).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from domain.access import Actor
from domain.gates import Finding
from domain.i18n import Text
from domain.inputs import normalized
from domain.model import Assignment, Person, Unit
from domain.paging import Page, PageRequest, page_of_list, paginate
from domain.realname import get_project
from domain.roster import contracts, site
from domain.roster.model import LabourContract, Team

CARD_SHARED = Text("工资卡号与{others}相同", "Bank card also on the record of {others}")
PHONE_SHARED = Text("手机号与{others}相同", "Phone number also on the record of {others}")
ELSEWHERE = Text("其他项目 {n} 名工人", "{n} worker(s) on other projects")
PRESENCE = {
    "on_site": Text("在场", "on site"),
    "not_entered": Text("未进场", "not entered"),
    "exited": Text("已退场", "left"),
}
STATES = ("accepted", "assigned", "all")
NO_TEAM = "none"  # the team filter's value for workers in no team


@dataclass(frozen=True)
class Others:
    """The other holders of a card or phone: names on this project, a count elsewhere."""

    names: tuple[str, ...]
    elsewhere: int

    def message(self, lang: str = "zh") -> str:
        sep = ", " if lang.startswith("en") else "、"
        parts = list(self.names)
        if self.elsewhere:
            parts.append(ELSEWHERE.format(lang, n=self.elsewhere))
        return sep.join(parts)


@dataclass
class RosterQuery:
    """Filters of the roster: name (part), unit, team (an id or ``NO_TEAM``), presence
    (on_site, not_entered, exited), state (accepted, assigned, all), flagged only."""

    name: str = ""
    unit_id: int | None = None
    team: str = ""
    presence: str = ""
    state: str = "accepted"
    flagged: bool = False

    @property
    def team_id(self) -> int | None:
        text = normalized(self.team)
        return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


@dataclass
class RosterRow:
    assignment: Assignment
    team: Team | None
    contract: LabourContract | None  # in force, else the next, else the last one
    flags: list[Finding] = field(default_factory=list)

    @property
    def person(self) -> Person:
        return self.assignment.person

    @property
    def is_leader(self) -> bool:
        return self.team is not None and self.team.leader_person_id == self.assignment.person_id


def presence_of(a: Assignment, day: date) -> str:
    """on_site, not_entered or exited, on ``day`` (from the current stint)."""
    if a.entered_on is None or day < a.entered_on:
        return "not_entered"
    if a.exited_on is not None and a.exited_on < day:
        return "exited"
    return "on_site"


def _roster_stmt(session: Session, actor: Actor, project_id: int, query: RosterQuery):
    get_project(session, project_id)
    actor.must("view_roster", project_id)
    stmt = (
        select(Assignment)
        .join(Person, Person.id == Assignment.person_id)
        .outerjoin(Team, Team.id == Assignment.team_id)
        .options(joinedload(Assignment.person), joinedload(Assignment.unit))
        .where(Assignment.project_id == project_id)
        .order_by(Assignment.unit_id, Team.name.is_(None), Team.name, Person.name, Assignment.id)
    )
    limits = actor.unit_limits("view_roster", project_id)
    if limits is not None:
        stmt = stmt.where(Assignment.unit_id.in_(limits))
    if query.unit_id:
        stmt = stmt.where(Assignment.unit_id == query.unit_id)
    if query.state in ("accepted", "assigned"):
        stmt = stmt.where(Assignment.state == query.state)
    else:
        stmt = stmt.where(Assignment.state != "rejected")
    if query.team == NO_TEAM:
        stmt = stmt.where(Assignment.team_id.is_(None))
    elif query.team_id is not None:
        stmt = stmt.where(Assignment.team_id == query.team_id)
    if query.name.strip():
        stmt = stmt.where(Person.name.contains(query.name.strip()))
    return stmt


def list_roster(session: Session, actor: Actor, project_id: int, query: RosterQuery,
                day: date) -> list[RosterRow]:  # fmt: skip
    """The project's workers in the actor's units, grouped by unit and team, with flags."""
    assignments = list(session.scalars(_roster_stmt(session, actor, project_id, query)).unique())
    if query.presence in PRESENCE:
        assignments = [a for a in assignments if presence_of(a, day) == query.presence]
    rows = rows_for(session, project_id, assignments, day)
    return [r for r in rows if r.flags] if query.flagged else rows


def roster_page(session: Session, actor: Actor, project_id: int, query: RosterQuery, day: date,
                req: PageRequest) -> Page:  # fmt: skip
    """One page of the roster: paged by the database, unless a filter needs each row's flags or
    presence (then the filtered list is paged: a project's workforce, not its sign-ins)."""
    if query.presence in PRESENCE or query.flagged:
        return page_of_list(list_roster(session, actor, project_id, query, day), req)
    page = paginate(session, _roster_stmt(session, actor, project_id, query), req)
    return replace(page, items=rows_for(session, project_id, page.items, day))


def rows_for(session: Session, project_id: int, assignments: list[Assignment],
             day: date) -> list[RosterRow]:  # fmt: skip
    """Team, contract and flags of each assignment (a few queries for the whole list)."""
    teams = teams_by_id(session, project_id)
    employers = dict(session.execute(
        select(Unit.id, Unit.enterprise_id).where(Unit.project_id == project_id)).tuples().all())
    held = contracts.contracts_by_pair(
        session, [(a.person_id, employers[a.unit_id]) for a in assignments])  # fmt: skip
    shared = shared_flags(session, project_id, [a.person for a in assignments])
    rows = []
    for a in assignments:
        mine = held[(a.person_id, employers[a.unit_id])]
        flags = [f for f in (contracts.contract_flag(mine, day), site.presence_flag(a, day))
                 if f is not None] + shared.get(a.person_id, [])  # fmt: skip
        rows.append(RosterRow(a, teams.get(a.team_id) if a.team_id else None,
                              contracts.current(mine, day), flags))  # fmt: skip
    return rows


def teams_by_id(session: Session, project_id: int) -> dict[int, Team]:
    return {t.id: t for t in session.scalars(select(Team).where(Team.project_id == project_id))}


def flags_for(session: Session, project_id: int, assignments: list[Assignment],
              day: date) -> dict[int, list[Finding]]:  # fmt: skip
    """assignment id → its roster flags (for the acceptance list)."""
    return {r.assignment.id: r.flags for r in rows_for(session, project_id, assignments, day)}


def shared_flags(session: Session, project_id: int, people: list[Person]
                 ) -> dict[int, list[Finding]]:  # fmt: skip
    """person id → flags for a card or phone that another worker's record has too."""
    if not people:
        return {}
    cards = sorted({p.bank_card for p in people})
    phones = sorted({p.phone for p in people})
    holders: list = []
    for start in range(0, max(len(cards), len(phones)), 500):
        holders += session.execute(
            select(Person.id, Person.name, Person.bank_card, Person.phone).where(
                or_(Person.bank_card_in(cards[start:start + 500]),
                    Person.phone_in(phones[start:start + 500])))
        ).all()  # fmt: skip
    holders = list({h.id: h for h in holders}.values())
    on_project = set(session.scalars(
        select(Assignment.person_id).where(Assignment.project_id == project_id,
                                           Assignment.person_id.in_([h.id for h in holders]))
    ))  # fmt: skip
    out: dict[int, list[Finding]] = {}
    for p in people:
        for code, text, key in (("card_shared", CARD_SHARED, "bank_card"),
                                ("phone_shared", PHONE_SHARED, "phone")):  # fmt: skip
            others = [h for h in holders if getattr(h, key) == getattr(p, key) and h.id != p.id]
            if others:
                names = tuple(sorted(h.name for h in others if h.id in on_project))
                found = Others(names, sum(1 for h in others if h.id not in on_project))
                out.setdefault(p.id, []).append(Finding(code, text, {"others": found}))
    return out
