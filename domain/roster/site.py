"""总包现场进退场登记: the general contractor records when a worker enters and leaves the site;
and the gate "a valid contract and on site on that day".

A worker is *on site* on day D when an entry on or before D is not followed by an exit before
D: an exit on day X ends sign-in and compile eligibility from X + 1. After an exit he may be
entered again (from X + 1 on). The history is ``entry_exit``; the assignment keeps the current
stint (``entered_on``, ``exited_on``) for the sign-in's one-statement check.

``site_refusal`` is the gate: no labour contract in force on the day (``domain.roster.
contracts``), or not on site that day (``not_entered``, ``before_entry``, ``exited``). It is
called by both sign-in scans (``domain.signin.service``), by the make-up request
(``domain.signin.makeup``) and, per day, by the compile (``domain.payroll.compile``), which
counts only the days the gate lets through and says why the others are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import gates, inputs
from domain.access import Actor
from domain.audit import record, snapshot
from domain.errors import Conflict, InvalidInput, NotFound
from domain.gates import Finding
from domain.i18n import Text
from domain.model import Assignment, Person, Project, Unit
from domain.roster import contracts
from domain.roster.model import EntryExit, LabourContract

NOT_ENTERED = Text(
    "{name}尚未办理总包现场进场登记，不得进场作业",
    "{name} has not been entered on site by the general contractor",
)
BEFORE_ENTRY = Text("{name}于 {entered} 进场，此前不在场", "{name} entered the site on {entered}")
EXITED = Text("{name}已于 {exited} 退场", "{name} left the site on {exited}")
# Flags on the roster, and the short reasons of the compile's notes.
FLAG_NOT_ENTERED = Text("未进场", "Not entered on site")
FLAG_EXITED = Text("已于 {exited} 退场", "Left the site on {exited}")
FLAG_BEFORE_ENTRY = Text("{entered} 才进场", "entered only on {entered}")

ENTRY_DAY = Text("进场日期", "Entry date")
EXIT_DAY = Text("退场日期", "Exit date")
DAY_REQUIRED = Text("请填写{label}", "{label} is required")
NOTHING_CHOSEN = Text("请选择人员", "Please choose the workers")
UNKNOWN_ASSIGNMENT = Text("找不到该人员", "Unknown worker")
IN_FUTURE = Text("{label}不能晚于今天", "{label} cannot be after today")
TOO_EARLY = Text("{label}不能早于项目创建日期 {day}", "{label} cannot be before the project began ({day})")
NOT_ACCEPTED = Text("{name}尚未被接收，不能登记进场", "{name} has not been accepted yet")
ALREADY_ENTERED = Text("{name}已于 {entered} 进场", "{name} is on site since {entered}")
REENTRY_TOO_EARLY = Text(
    "{name}于 {exited} 退场，再次进场日期应在其后",
    "{name} left on {exited}: a new entry must be after that day",
)
NOT_ON_SITE = Text("{name}未在场，不能登记退场", "{name} is not on site: nothing to exit")
EXIT_BEFORE_ENTRY = Text(
    "{name}于 {entered} 进场，退场日期不能早于进场日期",
    "{name} entered on {entered}: the exit cannot be earlier",
)


@dataclass
class SiteRecord:
    """What the gate needs of one worker on one project: his contracts with the unit's
    employer (newest first) and his stints on site [(entry, exit or None)]."""

    name: str
    contracts: list = field(default_factory=list)
    stints: list[tuple[date, date | None]] = field(default_factory=list)

    def refusal(self, day: date) -> Finding | None:
        return contracts.contract_refusal(self.contracts, day, self.name) or presence_refusal(
            self.stints, day, self.name
        )

    def covers(self, first: date, last: date) -> bool:
        """One contract in force and one stint on site over the whole span (the usual case:
        then no day of it needs a check of its own)."""
        return any(c.starts_on <= first and last <= c.effective_until for c in self.contracts) \
            and any(e <= first and (x is None or last <= x) for e, x in self.stints)  # fmt: skip


def stints_from(events: Iterable) -> list[tuple[date, date | None]]:
    """Entries and exits (in the order recorded) as stints [(entry, exit or None)]."""
    out: list[tuple[date, date | None]] = []
    for e in sorted(events, key=lambda e: e.id):
        if e.kind == "entry":
            out.append((e.day, None))
        elif out and out[-1][1] is None:
            out[-1] = (out[-1][0], e.day)
    return out


def presence_refusal(stints, day: date, name: str = "") -> Finding | None:
    """Not entered, before the first entry, or after an exit (and before a re-entry)."""
    if any(entered <= day and (left is None or day <= left) for entered, left in stints):
        return None
    if not stints:
        return Finding("not_entered", NOT_ENTERED, {"name": name})
    exits = [left for entered, left in stints if left is not None and left < day]
    if exits:
        return Finding("exited", EXITED, {"name": name, "exited": max(exits).isoformat()})
    return Finding("before_entry", BEFORE_ENTRY,
                   {"name": name, "entered": min(e for e, _ in stints).isoformat()})  # fmt: skip


def current_presence_refusal(assignment: Assignment, day: date, name: str = "") -> Finding | None:
    """The same rule on the assignment's current stint (the sign-in's day is today)."""
    stints = [] if assignment.entered_on is None else [(assignment.entered_on,
                                                         assignment.exited_on)]  # fmt: skip
    return presence_refusal(stints, day, name)


def records_for(session: Session, project_id: int, enterprise_id: int,
                person_ids: Iterable[int]) -> dict[int, SiteRecord]:  # fmt: skip
    """person id → ``SiteRecord`` for many workers of one employer on one project (3 queries)."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    out: dict[int, SiteRecord] = {}
    by_person: dict[int, list] = {}
    for chunk in range(0, len(ids), 500):  # rows, not entities: read-only and many
        part = ids[chunk:chunk + 500]
        for pid, name in session.execute(select(Person.id, Person.name)
                                         .where(Person.id.in_(part))).tuples():  # fmt: skip
            out[pid] = SiteRecord(name)
        for c in session.execute(
            select(LabourContract.person_id, LabourContract.id, LabourContract.starts_on,
                   LabourContract.effective_until)
            .where(LabourContract.person_id.in_(part),
                   LabourContract.enterprise_id == enterprise_id)
            .order_by(LabourContract.id.desc())
        ):  # fmt: skip
            out[c.person_id].contracts.append(c)
        for e in session.execute(
            select(EntryExit.person_id, EntryExit.id, EntryExit.kind, EntryExit.day)
            .where(EntryExit.project_id == project_id, EntryExit.person_id.in_(part))
        ):  # fmt: skip
            by_person.setdefault(e.person_id, []).append(e)
    for pid, events_of in by_person.items():
        out[pid].stints = stints_from(events_of)
    return out


def record_of(session: Session, assignment: Assignment) -> SiteRecord:
    unit = session.get(Unit, assignment.unit_id)
    assert unit is not None
    found = records_for(session, assignment.project_id, unit.enterprise_id, [assignment.person_id])
    return found[assignment.person_id]


def site_refusal(session: Session, project_id: int, person_id: int, day: date) -> Finding | None:
    """Why the worker may not work on the project on ``day`` (no contract in force, not on
    site), or None; a worker without an accepted assignment there is not asked about here."""
    assignment = session.scalar(
        select(Assignment).where(Assignment.project_id == project_id,
                                 Assignment.person_id == person_id)
    )  # fmt: skip
    if assignment is None:
        return None
    return record_of(session, assignment).refusal(day)


def signin_refusal(session: Session, project_id: int, person_id: int, day: date) -> Finding | None:
    """The gate for a sign-in today: a contract in force today and the current stint
    (``entered_on``/``exited_on``, which the one-statement sign-in checks too)."""
    assignment = session.scalar(
        select(Assignment).where(Assignment.project_id == project_id,
                                 Assignment.person_id == person_id)
    )  # fmt: skip
    if assignment is None:
        return None
    unit = session.get(Unit, assignment.unit_id)
    assert unit is not None
    name = assignment.person.name
    held = contracts.contracts_of(session, person_id, unit.enterprise_id)
    return contracts.contract_refusal(held, day, name) or current_presence_refusal(
        assignment, day, name
    )


def refuse_off_site(session: Session, project_id: int, person_id: int, day: date,
                    field: str | None = None) -> None:  # fmt: skip
    finding = site_refusal(session, project_id, person_id, day)
    if finding is not None:
        raise Conflict(finding.reason, finding.text, field=field, **finding.params)


# -- 进场 / 退场 ----------------------------------------------------------------------------


def _chosen(session: Session, actor: Actor, project_id: int, ids: list[int]) -> list[Assignment]:
    if not ids:
        raise InvalidInput("nothing_chosen", NOTHING_CHOSEN, field="ids")
    actor.must("record_entry_exit", project_id)
    out = []
    for i in dict.fromkeys(ids):
        a = session.get(Assignment, i)
        if a is None or a.project_id != project_id:
            raise NotFound("unknown_assignment", UNKNOWN_ASSIGNMENT, field="ids")
        out.append(a)
    return out


def _checked_day(session: Session, project_id: int, raw, today: date, field: str,
                 label: Text) -> date:  # fmt: skip
    day = inputs.iso_day(raw, field, label)
    if day is None:
        raise InvalidInput("date_required", DAY_REQUIRED, field=field, label=label)
    if day > today:
        raise InvalidInput("day_in_future", IN_FUTURE, field=field, label=label)
    project = session.get(Project, project_id)
    began = project.created_at.date() if project is not None and project.created_at else None
    if began is not None and day < began:
        raise InvalidInput("day_before_project", TOO_EARLY, field=field, label=label,
                           day=began.isoformat())  # fmt: skip
    return day


def _event(session: Session, actor: Actor, a: Assignment, kind: str, day: date) -> None:
    session.add(EntryExit(assignment_id=a.id, project_id=a.project_id, person_id=a.person_id,
                          kind=kind, day=day, recorded_by=actor.user_id))  # fmt: skip


def record_entry(session: Session, actor: Actor, project_id: int, ids: list[int], day,
                 today: date, field: str = "day") -> int:  # fmt: skip
    """进场登记: accepted workers enter the site on ``day`` (today or earlier); a worker who
    left may enter again after his exit day. Each needs a contract in force on that day and
    his age must allow work on site. All or nothing."""
    chosen = _chosen(session, actor, project_id, ids)
    when = _checked_day(session, project_id, day, today, field, ENTRY_DAY)
    for a in chosen:
        name = a.person.name
        if a.state != "accepted":
            raise Conflict("not_accepted_yet", NOT_ACCEPTED, field="ids", name=name)
        if a.entered_on is not None and a.exited_on is None:
            raise Conflict("already_entered", ALREADY_ENTERED, field="ids", name=name,
                           entered=a.entered_on.isoformat())  # fmt: skip
        if a.exited_on is not None and when <= a.exited_on:
            raise Conflict("reentry_too_early", REENTRY_TOO_EARLY, field=field, name=name,
                           exited=a.exited_on.isoformat())  # fmt: skip
        gates.refuse_on_site(a.person.id_number, when, name, field="ids")
        contracts.refuse_without_contract(session, a, when, field="ids")
        before = snapshot(a)
        a.entered_on, a.exited_on = when, None
        _event(session, actor, a, "entry", when)
        record(session, actor.user_id, "assignment.entry", a, before)
    session.flush()
    return len(chosen)


def record_exit(session: Session, actor: Actor, project_id: int, ids: list[int], day,
                today: date) -> int:  # fmt: skip
    """退场登记: workers on site leave on ``day`` (their last day; today or earlier, not before
    their entry). All or nothing."""
    chosen = _chosen(session, actor, project_id, ids)
    when = _checked_day(session, project_id, day, today, "day", EXIT_DAY)
    for a in chosen:
        name = a.person.name
        if a.entered_on is None or a.exited_on is not None:
            raise Conflict("not_on_site", NOT_ON_SITE, field="ids", name=name)
        if when < a.entered_on:
            raise Conflict("exit_before_entry", EXIT_BEFORE_ENTRY, field="day", name=name,
                           entered=a.entered_on.isoformat())  # fmt: skip
        before = snapshot(a)
        a.exited_on = when
        _event(session, actor, a, "exit", when)
        record(session, actor.user_id, "assignment.exit", a, before)
    session.flush()
    return len(chosen)


def history(session: Session, assignment_id: int) -> list[EntryExit]:
    return list(session.scalars(
        select(EntryExit).where(EntryExit.assignment_id == assignment_id).order_by(EntryExit.id)
    ))  # fmt: skip


def presence_flag(assignment: Assignment, day: date) -> Finding | None:
    """On the roster, for an accepted worker: not entered, or left (the exit day passed)."""
    if assignment.state != "accepted":
        return None
    if assignment.entered_on is None:
        return Finding("not_entered", FLAG_NOT_ENTERED, {})
    if assignment.exited_on is not None and assignment.exited_on < day:
        return Finding("exited", FLAG_EXITED, {"exited": assignment.exited_on.isoformat()})
    return None


SHORT = {
    "no_contract": contracts.FLAG_MISSING,
    "contract_expired": contracts.FLAG_EXPIRED,
    "contract_not_started": contracts.FLAG_NOT_STARTED,
    "not_entered": FLAG_NOT_ENTERED,
    "before_entry": FLAG_BEFORE_ENTRY,
    "exited": FLAG_EXITED,
}


def short(finding: Finding) -> Finding:
    """A refusal without the worker's name (for a note that names him already)."""
    params = {k: v for k, v in finding.params.items() if k != "name"}
    return Finding(finding.reason, SHORT[finding.reason], params)
