"""The worker's wage card (工资卡) and its changes.

Wages go only to the worker's own card, and no single user can change where they go:

- the worker changes his card himself on his phone (我的工资卡): it takes effect at once;
- an operator may propose a new card (e.g. after the bank rejected the old one); it takes
  effect only when the worker confirms it on his phone, and he may refuse it;
- a card registered to another worker is refused either way.

A payment line never takes a typed card: a re-payment takes the card on the worker's record
(``refresh_line_cards``), and that re-payment is listed on a supplementary summary that the PM
and the enterprise sign again before it is sent.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.access import Actor
from domain.audit import record
from domain.checks import check_bank_card, check_cnaps
from domain.db import utcnow
from domain.errors import Conflict, InvalidInput, NotFound
from domain.i18n import Text
from domain.model import Assignment, Person
from domain.payroll.lines import ERROR, Finding
from domain.payroll.model import BankCardChange, WageBatch, WageLineRow
from domain.roster.model import Team

BANK_NAME_MAX = 100
BANK_NAME = Text("开户银行须为 1–{max} 个字", "The bank name needs 1 to {max} characters")
CARD_OF_ANOTHER = Text(
    "该卡号已登记为其他工人的工资卡：工资只能发到工人本人的卡",
    "This card is registered to another worker: wages go only to the worker's own card",
)
SAME_CARD = Text("新卡号与现在的工资卡相同", "The new card is the card already on record")
NO_CHANGE = Text("找不到该工资卡变更", "No such card change")
NOT_PENDING = Text("该变更已处理", "This change has already been decided")
NOT_A_WORKER = Text("只有工人本人可以修改自己的工资卡", "Only the worker can change his own card")
NOT_REJECTED = Text("该明细不是被银行退回的明细", "This line was not rejected by the bank")
LINE_CARD_OF_LEADER = Text(
    "工资卡号是班组长{leader}的卡：工资只能发到工人本人的卡",
    "The card is the team leader {leader}'s: wages go only to the worker's own card",
)
LINE_CARD_OF_ANOTHER = Text(
    "工资卡号登记在其他工人{other}名下：工资只能发到工人本人的卡",
    "The card is on the record of another worker, {other}: wages go only to the worker's own card",
)


def _parse(session: Session, person: Person, card: str, bank_name: str, cnaps: str):
    digits = check_bank_card(card, "bank_card")
    name = (bank_name or "").strip()
    if not 1 <= len(name) <= BANK_NAME_MAX:
        raise InvalidInput("invalid_bank_name", BANK_NAME, field="bank_name", max=BANK_NAME_MAX)
    code = check_cnaps(cnaps, "bank_cnaps")
    if digits == person.bank_card:
        raise InvalidInput("same_card", SAME_CARD, field="bank_card")
    refuse_card_of_another(session, digits, person.id)
    return digits, name, code


def refuse_card_of_another(session: Session, card: str, person_id: int | None = None) -> None:
    """A card on another worker's record is refused: wages go to the worker's own card."""
    holder = session.scalar(
        select(Person.id).where(Person.bank_card_is(card), Person.id != person_id).limit(1)
    )
    if holder is not None:
        raise InvalidInput("card_of_another_worker", CARD_OF_ANOTHER, field="bank_card")


def _apply(session: Session, actor: Actor, change: BankCardChange, person: Person) -> None:
    change.old_card = person.bank_card
    person.bank_card, person.bank_name, person.bank_cnaps = (
        change.bank_card, change.bank_name, change.bank_cnaps,
    )  # fmt: skip
    change.state, change.decided_by, change.decided_at = "confirmed", actor.user_id, utcnow()
    record(session, actor.user_id, "person.card_changed", person,
           {"bank_card": change.old_card}, change.project_id)  # fmt: skip


def _own_person(session: Session, actor: Actor) -> Person:
    person = session.get(Person, actor.person_id) if actor.person_id else None
    if person is None:
        raise Conflict("not_a_worker", NOT_A_WORKER)
    return person


def change_own_card(session: Session, actor: Actor, card: str, bank_name: str,
                    cnaps: str) -> BankCardChange:  # fmt: skip
    """我的工资卡: the worker records his new card; it takes effect at once."""
    actor.must("view_my_wages")
    person = _own_person(session, actor)
    digits, name, code = _parse(session, person, card, bank_name, cnaps)
    change = BankCardChange(person_id=person.id, bank_card=digits, bank_name=name,
                            bank_cnaps=code, proposed_by=actor.user_id)  # fmt: skip
    session.add(change)
    _apply(session, actor, change, person)
    return change


def propose_for_line(session: Session, actor: Actor, batch: WageBatch, line_id: int,
                     card: str, bank_name: str, cnaps: str) -> BankCardChange:  # fmt: skip
    """更正退回明细: an operator proposes the worker's new card; the worker must confirm it."""
    actor.must("correct_lines", batch.project_id)
    line = session.get(WageLineRow, line_id)
    if line is None or line.batch_id != batch.id or line.bank_status not in ("rejected", "returned"):
        raise Conflict("line_not_rejected", NOT_REJECTED, field="line_id")
    person = session.get(Person, line.person_id)
    assert person is not None  # a line's person is a foreign key
    digits, name, code = _parse(session, person, card, bank_name, cnaps)
    for earlier in pending_changes(session, person.id):
        earlier.state, earlier.decided_by, earlier.decided_at = "refused", actor.user_id, utcnow()
    change = BankCardChange(person_id=person.id, project_id=batch.project_id, bank_card=digits,
                            bank_name=name, bank_cnaps=code, old_card=person.bank_card,
                            proposed_by=actor.user_id)  # fmt: skip
    session.add(change)
    session.flush()
    record(session, actor.user_id, "person.card_change_proposed", change, None, batch.project_id)
    return change


def pending_changes(session: Session, person_id: int) -> list[BankCardChange]:
    return list(session.scalars(
        select(BankCardChange).where(BankCardChange.person_id == person_id,
                                     BankCardChange.state == "pending")
        .order_by(BankCardChange.id)
    ))  # fmt: skip


def decide_change(session: Session, actor: Actor, change_id: int, agree: bool) -> BankCardChange:
    """The worker confirms (确认是我的卡) or refuses a card an operator proposed for him."""
    person = _own_person(session, actor)
    change = session.get(BankCardChange, change_id)
    if change is None or change.person_id != person.id:
        raise NotFound("unknown_card_change", NO_CHANGE)
    if change.state != "pending":
        raise Conflict("card_change_decided", NOT_PENDING)
    if not agree:
        change.state, change.decided_by, change.decided_at = "refused", actor.user_id, utcnow()
        record(session, actor.user_id, "person.card_change_refused", change, None,
               change.project_id)  # fmt: skip
        return change
    _parse(session, person, change.bank_card, change.bank_name, change.bank_cnaps)
    _apply(session, actor, change, person)
    return change


def refresh_line_cards(session: Session, lines) -> int:
    """Lines paid (again) take the card on each worker's record; how many changed.  The
    workers are read in one query per 1,000 (not one ``session.get`` per line)."""
    ids = sorted({line.person_id for line in lines})
    people = {p.id: p for start in range(0, len(ids), 1000)
              for p in session.scalars(select(Person).where(Person.id.in_(ids[start:start + 1000])))}  # fmt: skip
    changed = 0
    for line in lines:
        person = people[line.person_id]
        changed += line.bank_card != person.bank_card
        line.bank_card, line.bank_name, line.bank_cnaps = (
            person.bank_card, person.bank_name, person.bank_cnaps,
        )  # fmt: skip
    return changed


def card_findings(session: Session, project_id: int, rows) -> list[Finding]:
    """A wage line whose card is on another worker's record — his team leader's (班组长) or
    anyone else's — is an error that blocks the table: wages go to the worker's own card.
    ``rows`` are a table's lines in table order (``WageLineRow``)."""
    cards = sorted({r.bank_card for r in rows if r.bank_card})
    if not cards:
        return []
    holders: dict[str, list[tuple[int, str]]] = {}
    for start in range(0, len(cards), 500):
        for pid, name, card in session.execute(
            select(Person.id, Person.name, Person.bank_card)
            .where(Person.bank_card_in(cards[start:start + 500]))
        ).tuples():  # fmt: skip
            holders.setdefault(card, []).append((pid, name))
    others = {r.id: [(pid, name) for pid, name in holders.get(r.bank_card, [])
                     if pid != r.person_id] for r in rows}  # fmt: skip
    if not any(others.values()):
        return []  # the usual table: every card is on its own worker's record only
    leaders = dict(session.execute(
        select(Assignment.person_id, Team.leader_person_id)
        .join(Team, Team.id == Assignment.team_id)
        .where(Assignment.project_id == project_id,
               Assignment.person_id.in_([r.person_id for r in rows]))
    ).tuples().all())  # fmt: skip
    found = []
    for number, r in enumerate(rows, start=1):
        holders_of = others[r.id]
        if not holders_of:
            continue
        leader = next((name for pid, name in holders_of if pid == leaders.get(r.person_id)), None)
        if leader is not None:
            found.append(Finding(number, r.id, "bank_card", "CARD_OF_TEAM_LEADER", ERROR,
                                 LINE_CARD_OF_LEADER, {"leader": leader}))  # fmt: skip
        else:
            found.append(Finding(number, r.id, "bank_card", "CARD_OF_ANOTHER_WORKER", ERROR,
                                 LINE_CARD_OF_ANOTHER, {"other": holders_of[0][1]}))  # fmt: skip
    return found
