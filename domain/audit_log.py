"""The readable 操作日志 of a project: who (name and role), what (in words), which object,
when, and each field before and after with personal data masked; filters, pages, exports."""

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, joinedload

from domain import roles
from domain.access import Actor
from domain.audit_labels import (
    ACTION_LABELS,
    SYSTEM,
    action_label,
    entity_label,
    field_label,
    value_label,
)
from domain.clock import SHANGHAI
from domain.errors import InvalidInput
from domain.i18n import Text
from domain.inputs import iso_day
from domain.masking import HIDDEN, mask_card, mask_id_number, mask_phone
from domain.model import Assignment, AuditEntry, RoleGrant, User
from domain.paging import Page, PageRequest, paginate, stream
from domain.realname import get_project

MASKS = {"id_number": mask_id_number, "bank_card": mask_card, "card": mask_card,
         "old_card": mask_card, "new_card": mask_card, "phone": mask_phone}  # fmt: skip
SECRET_PARTS = ("hash", "password", "secret", "token", "private")  # never shown, even masked
BAD_DAY = Text("日期格式不正确（例如 2026-03-01），已忽略该条件",
               "The date is not valid (e.g. 2026-03-01); that filter is ignored")  # fmt: skip


@dataclass(frozen=True)
class AuditFilter:
    """Filters of the log (all optional): who acted, which kind of action (``payroll``) or which
    action (``payroll.pm_signed``), which kind of object and its id, and Shanghai days."""

    user_id: int | None = None
    kind: str = ""
    entity: str = ""
    entity_id: int | None = None
    day_from: date | None = None
    day_to: date | None = None
    problems: tuple[Text, ...] = field(default=(), compare=False)


def audit_filter(args: Mapping[str, str]) -> AuditFilter:
    """The filters from a query; an unreadable one is left out and named in ``problems``."""
    problems, days = [], []
    for name in ("from", "to"):
        try:
            days.append(iso_day(args.get(name, ""), name))
        except InvalidInput:
            days.append(None)
            problems.append(BAD_DAY)

    def whole(name: str) -> int | None:
        raw = str(args.get(name, "")).strip()
        return int(raw) if raw.isdigit() and len(raw) < 10 else None

    return AuditFilter(whole("user_id"), str(args.get("kind", "")).strip()[:60],
                       str(args.get("entity", "")).strip()[:50], whole("entity_id"),
                       days[0], days[1], tuple(problems))  # fmt: skip


def _utc(day: date) -> datetime:
    """The start of a Shanghai day as the naive UTC the log stores."""
    return datetime.combine(day, time(), SHANGHAI).astimezone(UTC).replace(tzinfo=None)


def _query(session: Session, actor: Actor, project_id: int, f: AuditFilter) -> Select:
    get_project(session, project_id)
    actor.must("view_audit", project_id)
    stmt = select(AuditEntry).where(AuditEntry.project_id == project_id)
    if f.user_id:
        stmt = stmt.where(AuditEntry.actor_user_id == f.user_id)
    if f.kind in ACTION_LABELS:
        stmt = stmt.where(AuditEntry.action == f.kind)
    elif f.kind:
        stmt = stmt.where(
            or_(AuditEntry.action == f.kind, AuditEntry.action.startswith(f.kind + "."))
        )
    if f.entity:
        stmt = stmt.where(AuditEntry.entity == f.entity)
    if f.entity_id:
        stmt = stmt.where(AuditEntry.entity_id == f.entity_id)
    if f.day_from:
        stmt = stmt.where(AuditEntry.at >= _utc(f.day_from))
    if f.day_to:
        stmt = stmt.where(AuditEntry.at < _utc(f.day_to + timedelta(days=1)))
    return stmt.options(joinedload(AuditEntry.actor)).order_by(AuditEntry.id.desc())


@dataclass(frozen=True)
class Change:
    """One field of an entry: its words, and the value before and after (masked); a state
    value in words (``Text``) when it has some."""

    name: str
    label: Text
    before: str | Text
    after: str | Text

    def shown(self, lang: str) -> tuple[str, str]:
        def pick(v: str | Text) -> str:
            return v.pick(lang) if isinstance(v, Text) else v

        return pick(self.before), pick(self.after)


@dataclass(frozen=True)
class AuditRow:
    """One entry as the page and the export show it."""

    entry: AuditEntry
    who: Text
    role: Text | None
    what: Text
    object: Text
    changes: list[Change]
    assignment_id: int | None = None  # the worker's place on the project, for a person entry


def shown(name: str, value) -> str:
    """A value as shown in the log: personal data masked, secrets hidden, JSON made plain."""
    if value is None or value == "":
        return ""
    if any(part in name for part in SECRET_PARTS):
        return HIDDEN
    if name in MASKS:
        return MASKS[name](str(value))
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _loads(raw: str | None) -> dict:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {"": raw}
    return value if isinstance(value, dict) else {"": value}


def changes(before: str | None, after: str | None) -> list[Change]:
    """The fields that differ (every field of a new object), ``id`` left out."""
    old, new = _loads(before), _loads(after)
    names = [n for n in sorted(set(old) | set(new)) if n != "id"]
    rows = []
    for name in names:
        was, now = shown(name, old.get(name)), shown(name, new.get(name))
        if was != now:
            rows.append(Change(name, field_label(name), value_label(name, was) or was,
                               value_label(name, now) or now))  # fmt: skip
    return rows


def _roles_of(session: Session, project_id: int, users: set[int]) -> dict[int, Text]:
    """user id → the label of his first role on the project (or anywhere, for a global one)."""
    stmt = select(RoleGrant.user_id, RoleGrant.role).where(
        RoleGrant.user_id.in_(sorted(users)),
        or_(RoleGrant.project_id == project_id, RoleGrant.project_id.is_(None)),
    ).order_by(RoleGrant.project_id.is_(None), RoleGrant.id)  # fmt: skip
    found: dict[int, Text] = {}
    for user_id, role in session.execute(stmt).tuples():
        if role in roles.LABELS:
            found.setdefault(user_id, roles.LABELS[role])
    return found


def _rows(session: Session, project_id: int, entries: list[AuditEntry]) -> list[AuditRow]:
    users = {e.actor_user_id for e in entries if e.actor_user_id}
    role_of = _roles_of(session, project_id, users) if users else {}
    people = {e.entity_id for e in entries if e.entity == "person" and e.entity_id}
    place = dict(session.execute(select(Assignment.person_id, Assignment.id).where(
        Assignment.project_id == project_id, Assignment.person_id.in_(sorted(people)))
    ).tuples()) if people else {}  # fmt: skip
    return [_row(e, role_of, place) for e in entries]


def _row(e: AuditEntry, role_of: dict[int, Text], place: dict[int, int]) -> AuditRow:
    who = Text(e.actor.display_name, e.actor.display_name) if e.actor else SYSTEM
    role = role_of.get(e.actor_user_id or 0) or (
        roles.LABELS[roles.WORKER] if e.actor and e.actor.person_id else None
    )
    assignment = e.entity_id if e.entity == "assignment" else (
        place.get(e.entity_id or 0) if e.entity == "person" else None)  # fmt: skip
    return AuditRow(e, who, role, action_label(e.action), entity_label(e.entity),
                    changes(e.before, e.after), assignment)  # fmt: skip


def audit_page(session: Session, actor: Actor, project_id: int, f: AuditFilter,
               req: PageRequest) -> Page:  # fmt: skip
    """One page of the project's log, newest first, as ``AuditRow`` (GC manager only)."""
    page = paginate(session, _query(session, actor, project_id, f), req)
    return Page(_rows(session, project_id, page.items), page.number, page.size, page.total)


def audit_rows(session: Session, actor: Actor, project_id: int,
               f: AuditFilter) -> Iterator[AuditRow]:  # fmt: skip
    """Every entry of the filters as ``AuditRow``, read in batches (the export)."""
    stmt = _query(session, actor, project_id, f)  # the access check now, not at the first row
    batch: list[AuditEntry] = []
    for entry in stream(session, stmt):
        batch.append(entry)
        if len(batch) == 500:
            yield from _rows(session, project_id, batch)
            batch = []
    yield from _rows(session, project_id, batch)


def actors_in_log(session: Session, actor: Actor, project_id: int) -> list[User]:
    """The people who acted on the project (the 操作人 filter's choices)."""
    actor.must("view_audit", project_id)
    ids = select(AuditEntry.actor_user_id).where(AuditEntry.project_id == project_id).distinct()
    return list(session.scalars(select(User).where(User.id.in_(ids)).order_by(User.display_name)))


def entities_in_log(session: Session, project_id: int) -> list[str]:
    """The kinds of object the project's log mentions (the 对象 filter's choices)."""
    stmt = select(AuditEntry.entity).where(AuditEntry.project_id == project_id).distinct()
    return sorted(e for e in session.scalars(stmt) if e)


EXPORT_HEADERS = {
    "zh": ["编号", "时间", "操作人", "角色", "操作", "操作代码", "对象", "对象编号", "变更"],
    "en": ["No.", "Time", "By", "Role", "Action", "Action code", "Object", "Object id", "Changes"],
}
EXPORT_WIDTHS = (8, 20, 14, 20, 20, 28, 16, 9, 80)


def export_cells(row: AuditRow, lang: str) -> list:
    """One entry as a line of the .xlsx / .csv (the changes as 'field: before → after')."""
    e = row.entry
    at = e.at.replace(tzinfo=UTC).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S") if e.at else ""
    moves = "; ".join(f"{c.label.pick(lang)}: {c.shown(lang)[0] or '—'} → {c.shown(lang)[1] or '—'}"
                      for c in row.changes)  # fmt: skip
    return [e.id, at, row.who.pick(lang), row.role.pick(lang) if row.role else "",
            row.what.pick(lang), e.action, row.object.pick(lang), e.entity_id, moves]  # fmt: skip
