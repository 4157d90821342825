"""Real-name management (建筑工人实名制管理): registering, assigning and accepting workers."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from domain import gates
from domain.access import Actor
from domain.audit import record, snapshot
from domain.checks import (
    check_bank_card,
    check_cnaps,
    check_credit_code,
    check_phone,
    check_resident_id,
    require,
)
from domain.clock import today_in_shanghai
from domain.db import utcnow
from domain.errors import Conflict, InvalidInput, NotFound
from domain.i18n import Text
from domain.inputs import bounded_text, normalized
from domain.model import Assignment, Enterprise, Person, Project, Unit
from domain.paging import Page, PageRequest, paginate
from domain.payroll.cards import refuse_card_of_another
from domain.roster import contracts, site
from domain.roster.contracts import ContractForm

UNKNOWN_PROJECT = Text("项目不存在", "Unknown project")
UNKNOWN_UNIT = Text("该项目下没有这个参建单位", "No such subcontracting unit on this project")
UNKNOWN_ASSIGNMENT = Text("找不到该分配记录", "Unknown assignment")
DUPLICATE_PERSON = Text("身份证号码 {id} 已登记", "ID number {id} is already registered")
DUPLICATE_CREDIT = Text("统一社会信用代码已登记", "This credit code is already registered")
DUPLICATE_ASSIGNMENT = Text(
    "该工人已分配到本项目（{unit}，状态：{state}）",
    "This worker is already assigned to the project ({unit}, state: {state})",
)
ALREADY_DECIDED = Text(
    "{name} 已处理（{state}），不能重复操作", "{name} was already handled ({state})"
)
REASON_REQUIRED = Text("请填写退回原因", "Please give a reason for the rejection")
NOTHING_CHOSEN = Text("请选择要接收的人员", "Please choose the workers to accept")
STATE_LABELS = {
    "assigned": Text("待接收", "assigned"),
    "accepted": Text("已接收", "accepted"),
    "rejected": Text("已退回", "rejected"),
}


@dataclass
class WorkerForm:
    """What is needed to register a construction worker."""

    name: str
    id_number: str
    phone: str
    trade: str
    bank_card: str
    bank_name: str
    bank_cnaps: str
    id_valid_until: str = ""  # 身份证有效期至: a date or 长期


@dataclass
class CleanWorker:
    """A checked ``WorkerForm``: what a ``Person`` row is made of."""

    name: str
    id_number: str
    phone: str
    trade: str
    bank_card: str
    bank_name: str
    bank_cnaps: str
    id_valid_until: date


def register_enterprise(session: Session, actor_id, name: str, credit_code: str, kind: str):
    code = check_credit_code(credit_code)
    name = require(name, "name", "单位名称", "Enterprise name")
    if session.scalar(select(Enterprise.id).where(Enterprise.credit_code == code)):
        raise Conflict("duplicate_credit_code", DUPLICATE_CREDIT, field="credit_code")
    enterprise = Enterprise(name=name, credit_code=code, kind=kind)
    session.add(enterprise)
    record(session, actor_id, "enterprise.register", enterprise)
    return enterprise


def get_project(session: Session, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound("unknown_project", UNKNOWN_PROJECT, field="project_id")
    return project


def get_unit(session: Session, project_id: int, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None or unit.project_id != project_id:
        raise NotFound("unknown_unit", UNKNOWN_UNIT, field="unit_id")
    return unit


def clean_worker(form: WorkerForm) -> CleanWorker:
    """Every field checked; the first fault raises ``InvalidInput`` naming its field."""
    return CleanWorker(
        name=_text(form.name, "name", "姓名", "Name", 50),
        id_number=check_resident_id(form.id_number),
        phone=check_phone(form.phone),
        trade=gates.check_trade(form.trade),
        bank_card=check_bank_card(form.bank_card),
        bank_name=_text(form.bank_name, "bank_name", "开户银行", "Bank name", 100),
        bank_cnaps=check_cnaps(form.bank_cnaps),
        id_valid_until=gates.parse_validity(form.id_valid_until),
    )


def _text(value: str, field: str, label: str, label_en: str, limit: int) -> str:
    """A required text field that fits its column."""
    return bounded_text(require(value, field, label, label_en), field, Text(label, label_en), limit)


def register_and_assign(
    session: Session,
    actor: Actor,
    project_id: int,
    unit_id: int,
    form: WorkerForm,
    today: date | None = None,
    contract: ContractForm | None = None,
) -> Assignment:
    """Register a worker (or find him by ID number) and assign him to a unit of the project.
    Refused when his age keeps him off site (``domain.gates``) on ``today`` (Shanghai). The
    employing unit records the hire with its labour contract (聘用登记, ``contract``)."""
    get_project(session, project_id)
    get_unit(session, project_id, unit_id)
    actor.must("register_worker", project_id, unit_id)
    clean = clean_worker(form)
    day = today or today_in_shanghai()
    gates.refuse_on_site(clean.id_number, day, clean.name, field="id_number", new=True)
    person = session.scalar(select(Person).where(Person.id_number_is(clean.id_number)))
    if person is None:
        refuse_card_of_another(session, clean.bank_card)
        person = Person(**vars(clean))
        session.add(person)
        record(session, actor.user_id, "person.register", person, project_id=project_id)
    elif person.id_valid_until != clean.id_valid_until:  # a renewed card, or first recorded
        before = snapshot(person)
        person.id_valid_until = clean.id_valid_until
        record(session, actor.user_id, "person.id_validity", person, before, project_id=project_id)
    assignment = _assign(session, actor, person, project_id, unit_id)
    session.flush()
    contracts.on_registration(session, actor, assignment, contract, day)
    return assignment


def _assign(session, actor: Actor, person: Person, project_id: int, unit_id: int) -> Assignment:
    existing = session.scalar(
        select(Assignment).where(
            Assignment.person_id == person.id, Assignment.project_id == project_id
        )
    )
    if existing is not None and existing.state != "rejected":
        raise Conflict(
            "already_assigned",
            DUPLICATE_ASSIGNMENT,
            field="id_number",
            unit=existing.unit.name,
            state=STATE_LABELS[existing.state],
        )
    if existing is not None:  # a rejected worker may be assigned again
        before = snapshot(existing)
        existing.unit_id, existing.state, existing.assigned_at = unit_id, "assigned", utcnow()
        existing.decided_by = existing.decided_at = existing.reason = None
        existing.team_id = None  # the old unit's team (派工 again in the new unit)
        record(session, actor.user_id, "assignment.reassign", existing, before)
        return existing
    assignment = Assignment(person=person, project_id=project_id, unit_id=unit_id)
    session.add(assignment)
    record(session, actor.user_id, "assignment.create", assignment)
    return assignment


ID_NUMBER_IN_URL = Text(
    "身份证号不能放在网址中：请用 POST 在请求正文中提交",
    "An ID number is never put in a URL: send it in the request body (POST)",
)


def refuse_id_number_in_url(value: str) -> None:
    """A URL ends up in access logs and browser history: no ID number there (个人信息保护)."""
    if (value or "").strip():
        raise InvalidInput("id_number_in_url", ID_NUMBER_IN_URL, field="id_number")


@dataclass
class AssignmentQuery:
    """Filters of the 项目人员接收 list."""

    name: str = ""
    id_number: str = ""
    trade: str = ""
    state: str = ""
    unit_id: int | None = None
    team_id: int | None = None  # 班组 (domain/roster)


def list_assignments(
    session: Session, actor: Actor, project_id: int, query: AssignmentQuery
) -> list[Assignment]:
    """Workers assigned to the project, limited to the units the actor may see."""
    return list(session.scalars(_assignments(session, actor, project_id, query)))


def assignments_page(session: Session, actor: Actor, project_id: int, query: AssignmentQuery,
                     req: PageRequest) -> Page:  # fmt: skip
    """One page of ``list_assignments`` (项目人员接收), with the total."""
    return paginate(session, _assignments(session, actor, project_id, query), req)


def _assignments(session: Session, actor: Actor, project_id: int, query: AssignmentQuery):
    get_project(session, project_id)
    actor.must("accept_workers", project_id)
    stmt = (
        select(Assignment)
        .join(Person)
        .where(Assignment.project_id == project_id)
        .order_by(Assignment.state != "assigned", Person.name, Assignment.id)
    )
    units = actor.unit_limits("accept_workers", project_id)
    if units is not None:
        stmt = stmt.where(Assignment.unit_id.in_(units))
    if query.unit_id:
        stmt = stmt.where(Assignment.unit_id == query.unit_id)
    if query.team_id:
        stmt = stmt.where(Assignment.team_id == query.team_id)
    if query.name.strip():
        stmt = stmt.where(Person.name.contains(query.name.strip()))
    if query.id_number.strip():  # the whole number only: a part would reveal the masked digits
        stmt = stmt.where(Person.id_number_is(normalized(query.id_number)))
    if query.trade.strip():
        stmt = stmt.where(Person.trade == query.trade.strip())
    if query.state in STATE_LABELS:
        stmt = stmt.where(Assignment.state == query.state)
    return stmt


def trades_on(session: Session, project_id: int) -> list[str]:
    stmt = (
        select(Person.trade)
        .join(Assignment)
        .where(Assignment.project_id == project_id)
        .group_by(Person.trade)
        .order_by(func.count().desc())
    )
    return list(session.scalars(stmt))


def _decidable(session, actor: Actor, project_id: int, assignment_id: int) -> Assignment:
    a = session.get(Assignment, assignment_id)
    if a is None or a.project_id != project_id:
        raise NotFound("unknown_assignment", UNKNOWN_ASSIGNMENT, field="assignment_id")
    actor.must("accept_workers", project_id, a.unit_id)
    if a.state != "assigned":
        raise Conflict(
            "already_decided", ALREADY_DECIDED, name=a.person.name, state=STATE_LABELS[a.state]
        )
    return a


def accept_workers(session: Session, actor: Actor, project_id: int, ids: list[int],
                   today: date | None = None, entered_on: date | str | None = None) -> int:  # fmt: skip
    """项目人员接收: accept one or many assigned workers; all or nothing. A worker whose age
    keeps him off site (``domain.gates``) or who has no labour contract in force today
    (``domain.roster.contracts``) refuses the whole acceptance, naming him. The general
    contractor may record their entry on site (进场登记) with it: ``entered_on``."""
    if not ids:
        raise InvalidInput("nothing_chosen", NOTHING_CHOSEN, field="ids")
    day = today or today_in_shanghai()
    chosen = [_decidable(session, actor, project_id, i) for i in dict.fromkeys(ids)]
    for a in chosen:
        gates.refuse_on_site(a.person.id_number, day, a.person.name, field="ids")
        contracts.refuse_without_contract(session, a, day, field="ids")
        before = snapshot(a)
        a.state, a.decided_by, a.decided_at = "accepted", actor.user_id, utcnow()
        record(session, actor.user_id, "assignment.accept", a, before)
    if entered_on is not None and str(entered_on).strip():
        site.record_entry(session, actor, project_id, [a.id for a in chosen], entered_on, day,
                          field="entered_on")  # fmt: skip
    session.flush()
    return len(set(ids))


def reject_worker(
    session: Session, actor: Actor, project_id: int, assignment_id: int, reason: str
) -> Assignment:
    """Reject an assigned worker with a reason (退回)."""
    a = _decidable(session, actor, project_id, assignment_id)
    if not (reason or "").strip():
        raise InvalidInput("reason_required", REASON_REQUIRED, field="reason")
    before = snapshot(a)
    a.state, a.decided_by, a.decided_at = "rejected", actor.user_id, utcnow()
    a.reason = reason.strip()[:300]
    record(session, actor.user_id, "assignment.reject", a, before)
    session.flush()
    return a


def accepted_on(session: Session, project_id: int, name: str = "") -> list[Assignment]:
    """The project's roster: accepted workers, optionally by (part of) name."""
    stmt = (
        select(Assignment)
        .join(Person)
        .where(Assignment.project_id == project_id, Assignment.state == "accepted")
        .order_by(Person.name, Person.id)
    )
    if name.strip():
        stmt = stmt.where(or_(Person.name == name.strip(), Person.name.contains(name.strip())))
    return list(session.scalars(stmt))


def visible_units(session: Session, actor: Actor, project_id: int) -> list[Unit]:
    """The project's units this actor may see (a subcontractor sees only his own)."""
    units = session.scalars(select(Unit).where(Unit.project_id == project_id).order_by(Unit.id))
    limits = actor.unit_limits("view_project", project_id)
    return [u for u in units if limits is None or u.id in limits]


def roster_counts(session: Session, project_id: int, unit_ids: list[int]) -> dict:
    """{(unit_id, state): count} for the project home page."""
    rows = session.execute(
        select(Assignment.unit_id, Assignment.state, func.count())
        .where(Assignment.project_id == project_id, Assignment.unit_id.in_(unit_ids))
        .group_by(Assignment.unit_id, Assignment.state)
    )
    return {(u, s): n for u, s, n in rows}
