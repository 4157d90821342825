"""工人确认 (条例 Art. 31): each worker confirms his own line before the unit's table goes in.

He confirms it on his phone (确认无误), or disputes it with a comment (有异议): the dispute is an
inbox task for the unit's operator (``bpmn/wage_line_dispute.bpmn``), who answers it (and may
correct the line first).  An answer does not confirm the line for him: only the worker's own
confirmation — on his phone, or his signed paper confirmation uploaded by the operator for a
worker without a smartphone — counts as his signature, which is what a labour inspector asks to
see; after the answer he is asked to confirm again, and may dispute again.  A worker who will
not confirm holds his unit's table: the GC manager may turn the rule off for the project
(audited), or the line is paid after a paper confirmation.

A confirmation records the line's amounts (``line_digest``): when they change afterwards, the
line is 待确认 again.  ``require_confirmed`` is called by ``compile.submit``, the one function
every route of 提交审核 passes through (the compile page, the generic task page, the API, the
CLI).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.access import Actor
from domain.audit import record
from domain.db import utcnow
from domain.errors import Conflict, InvalidInput, NotFound
from domain.i18n import Text
from domain.payroll.errors import NO_LINE
from domain.payroll.model import (
    Compilation,
    LineConfirmation,
    LineConfirmationPaper,
    PayrollSetting,
    WageLineRow,
)
from domain.uploads import sniff_document

PROCESS_ID = "wage_line_dispute"
RESOLVE_TASKS = ("resolve_wage_dispute", "resolve_own_wage_dispute")
# Effective states of a line, as the compile page counts them.
PENDING, CONFIRMED, DISPUTED, RESOLVED, PAPER = "pending", "confirmed", "disputed", "resolved", "paper"
STATES = (PENDING, CONFIRMED, DISPUTED, RESOLVED, PAPER)
COUNTS = (CONFIRMED, PAPER)  # what counts as the worker's signature
PAPER_MAX_BYTES = 5 * 1024 * 1024
NAMES_SHOWN = 3

COMMENT_REQUIRED = Text("有异议时请写明原因", "Please say what is wrong")
RESOLUTION_REQUIRED = Text("请填写处理结果", "Please write how the dispute was resolved")
NOT_OPEN = Text("该工资表已提交审核，不能再确认", "This table has been submitted: it cannot be confirmed now")
NO_AMOUNTS = Text("该工资记录尚未填写金额", "This line has no amounts yet")
DISPUTE_OPEN = Text("异议正在处理中，请等待项目部答复",
                    "The dispute is being handled: wait for the project office's answer")  # fmt: skip
NOT_DISPUTED = Text("该工资记录没有待处理的异议", "This line has no open dispute")
PAPER_WHILE_DISPUTED = Text("请先处理该工人的异议，再上传纸质确认单",
                            "Resolve the worker's dispute before uploading a paper confirmation")  # fmt: skip
PAPER_REQUIRED = Text("请选择工人签字的确认单（PDF、JPEG 或 PNG）",
                      "Choose the worker's signed confirmation (PDF, JPEG or PNG)")  # fmt: skip
PAPER_BAD_TYPE = Text("确认单须为 PDF、JPEG 或 PNG 文件", "The confirmation must be a PDF, JPEG or PNG file")
PAPER_TOO_LARGE = Text("确认单不能超过 {mb} MB", "The confirmation must not be larger than {mb} MB")
NO_PAPER = Text("该工资记录没有纸质确认单", "This line has no paper confirmation")
DROPPED_WHILE_DISPUTED = Text(
    "{names} 对工资的异议尚未处理，请先答复异议再重新编制",
    "The dispute of {names} is not answered yet: answer it before compiling again",
)
DISPUTES_OPEN = Text(
    "有 {n} 名工人对工资有异议尚未处理（{names}），处理后方可提交审核",
    "{n} workers' disputes are not resolved yet ({names}): resolve them before submitting",
)
UNCONFIRMED = Text(
    "还有 {n} 名工人未确认工资（{names}），请工人在手机上确认，或上传其签字的纸质确认单",
    "{n} workers have not confirmed their line yet ({names}): ask them to confirm on their phone,"
    " or upload their signed paper confirmation",
)


@dataclass(frozen=True)
class LineState:
    """A line's confirmation as the pages show it; ``changed``: confirmed, then amounts changed."""

    state: str
    row: LineConfirmation | None
    changed: bool = False

    @property
    def counts(self) -> bool:
        return self.state in COUNTS


def line_digest(line: WageLineRow) -> str:
    """The amounts the worker confirms: days, rate, gross, each deduction with its reason, net."""
    parts = (line.days, line.makeup_days, line.day_rate, line.gross, line.deductions,
             line.deduction_reason or "", line.net)  # fmt: skip
    text = "|".join("" if p is None else f"{p:.2f}" if isinstance(p, Decimal) else str(p)
                    for p in parts)  # fmt: skip  (2050 and 2050.00 are the same amount)
    return hashlib.sha256(text.encode()).hexdigest()


def state_of(line: WageLineRow, row: LineConfirmation | None) -> LineState:
    if row is None:
        return LineState(PENDING, None)
    if row.state in COUNTS and row.digest is not None and row.digest != line_digest(line):
        return LineState(PENDING, row, changed=True)
    return LineState(row.state, row)


def states_for(session: Session, lines: list[WageLineRow]) -> dict[int, LineState]:
    """line id → its state, for the lines of one table (one query)."""
    ids = [line.id for line in lines]
    rows = {r.line_id: r for r in session.scalars(
        select(LineConfirmation).where(LineConfirmation.line_id.in_(ids)))} if ids else {}  # fmt: skip
    return {line.id: state_of(line, rows.get(line.id)) for line in lines}


def counts(states: dict[int, LineState]) -> dict[str, int]:
    found = Counter(s.state for s in states.values())
    return {state: found.get(state, 0) for state in STATES}


def required(session: Session, project_id: int) -> bool:
    setting = session.get(PayrollSetting, project_id)
    return True if setting is None else bool(setting.line_confirmation_required)


def require_confirmed(session: Session, comp: Compilation) -> None:
    """提交审核 is refused while a dispute is open or a line is not confirmed (when required)."""
    if not required(session, comp.batch.project_id):
        return
    lines = [line for line in comp.lines if not is_cleared(line)]
    states = states_for(session, lines)
    by_line = {line.id: line for line in lines}
    disputed = [by_line[i].worker_name for i, s in states.items() if s.state == DISPUTED]
    missing = [by_line[i].worker_name for i, s in states.items() if not s.counts]
    if disputed:
        raise Conflict("disputes_open", DISPUTES_OPEN, n=len(disputed), names=_names(disputed))
    if missing:
        raise Conflict("lines_unconfirmed", UNCONFIRMED, n=len(missing), names=_names(missing))


def is_cleared(line: WageLineRow) -> bool:
    """A line compiling again left without days or pay (``compile._clear``): nothing for the
    worker to sign."""
    return not line.days and not line.makeup_days and not line.net and not line.gross


def _names(names: list[str]) -> str:
    shown = "、".join(names[:NAMES_SHOWN])
    return shown + ("…" if len(names) > NAMES_SHOWN else "")


def line_in_project(session: Session, line_id: int, project_id: int) -> WageLineRow:
    """A line of the project in the URL (404 for another project's line)."""
    line = session.get(WageLineRow, line_id)
    if line is None or line.project_id != project_id:
        raise NotFound("unknown_wage_line", NO_LINE)
    return line


def _own_line(session: Session, actor: Actor, line_id: int) -> WageLineRow:
    line = session.get(WageLineRow, line_id)
    if line is None or actor.person_id is None or line.person_id != actor.person_id:
        raise NotFound("unknown_wage_line", NO_LINE)
    return line


def _line_for(session: Session, actor: Actor, line_id: int, action: str) -> WageLineRow:
    """A line of a table the actor may ``action`` (compile_unit: the unit's operator)."""
    line = session.get(WageLineRow, line_id)
    if line is None:
        raise NotFound("unknown_wage_line", NO_LINE)
    actor.must(action, line.project_id, line.compilation.unit)
    return line


def _require_open(line: WageLineRow) -> None:
    if line.compilation.state not in ("draft", "rejected"):
        raise Conflict("table_submitted", NOT_OPEN)


def _row(session: Session, line: WageLineRow) -> LineConfirmation:
    row = session.scalar(select(LineConfirmation).where(LineConfirmation.line_id == line.id))
    return row or LineConfirmation(line_id=line.id)  # added once it has a state


def _worker_may_answer(session: Session, line: WageLineRow) -> LineConfirmation:
    _require_open(line)
    if line.gross is None or line.net is None:
        raise Conflict("line_without_amounts", NO_AMOUNTS)
    row = _row(session, line)
    if row.state == DISPUTED:
        raise Conflict("dispute_open", DISPUTE_OPEN)
    return row


def confirm(session: Session, actor: Actor, line_id: int) -> LineConfirmation:
    """确认无误: the worker confirms his line as it is now."""
    line = _own_line(session, actor, line_id)
    row = _worker_may_answer(session, line)
    row.state, row.digest, row.paper_id = CONFIRMED, line_digest(line), None
    row.confirmed_by, row.confirmed_at = actor.user_id, utcnow()
    session.add(row)
    record(session, actor.user_id, "payroll.line_confirmed", row, None, line.project_id)
    return row


def dispute(session: Session, actor: Actor, line_id: int, comment: str) -> LineConfirmation:
    """有异议: the worker disputes his line (comment required); the caller opens the task."""
    line = _own_line(session, actor, line_id)
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput("comment_required", COMMENT_REQUIRED, field="comment")
    row = _worker_may_answer(session, line)
    row.state, row.comment, row.digest = DISPUTED, comment[:300], line_digest(line)
    row.disputed_at, row.resolution, row.resolved_by, row.resolved_at = utcnow(), None, None, None
    session.add(row)
    record(session, actor.user_id, "payroll.line_disputed", row, None, line.project_id)
    return row


def dispute_data(row: LineConfirmation) -> dict:
    """The task data of the dispute's process (scope, what the operator needs to see)."""
    line = row.line
    unit = line.compilation.unit
    return {
        "line_id": line.id, "project_id": line.project_id, "unit_id": unit.id,
        "compilation_id": line.compilation_id, "gc_own": bool(unit.is_gc_own),
        "worker_name": line.worker_name, "pay_month": line.pay_month, "comment": row.comment,
        "gross": str(line.gross), "deductions": str(line.deductions or 0), "net": str(line.net),
    }  # fmt: skip


def resolve(session: Session, actor: Actor, line_id: int, resolution: str) -> LineConfirmation:
    """处理异议: the unit's operator answers; the worker sees it and is asked to confirm again."""
    line = _line_for(session, actor, line_id, "compile_unit")
    resolution = (resolution or "").strip()
    if not resolution:
        raise InvalidInput("resolution_required", RESOLUTION_REQUIRED, field="resolution")
    row = session.scalar(select(LineConfirmation).where(LineConfirmation.line_id == line.id))
    if row is None or row.state != DISPUTED:
        raise Conflict("no_open_dispute", NOT_DISPUTED)
    row.state, row.resolution = RESOLVED, resolution[:300]
    row.resolved_by, row.resolved_at = actor.user_id, utcnow()
    record(session, actor.user_id, "payroll.dispute_resolved", row, None, line.project_id)
    return row


def sniff_paper(data: bytes) -> str:
    """The content type of an uploaded confirmation, read from its first bytes."""
    if not data:
        raise InvalidInput("paper_required", PAPER_REQUIRED, field="paper")
    if len(data) > PAPER_MAX_BYTES:
        raise InvalidInput("paper_too_large", PAPER_TOO_LARGE, field="paper",
                           mb=PAPER_MAX_BYTES // (1024 * 1024))  # fmt: skip
    found = sniff_document(data)
    if found is None:
        raise InvalidInput("paper_bad_type", PAPER_BAD_TYPE, field="paper")
    return found[0]


def upload_paper(session: Session, actor: Actor, line_id: int, data: bytes) -> LineConfirmation:
    """纸质确认: the operator uploads the worker's signed paper confirmation of the line now."""
    line = _line_for(session, actor, line_id, "compile_unit")
    _require_open(line)
    content_type = sniff_paper(data)
    row = _row(session, line)
    if row.state == DISPUTED:
        raise Conflict("dispute_open", PAPER_WHILE_DISPUTED, field="paper")
    paper = LineConfirmationPaper(line_id=line.id, content=data, content_type=content_type,
                                  sha256=hashlib.sha256(data).hexdigest(),
                                  uploaded_by=actor.user_id)  # fmt: skip
    session.add(paper)
    session.flush()
    row.state, row.digest, row.paper_id = PAPER, line_digest(line), paper.id
    row.confirmed_by, row.confirmed_at = actor.user_id, utcnow()
    session.add(row)
    record(session, actor.user_id, "payroll.line_paper_confirmed", row, None, line.project_id)
    return row


def paper_of(session: Session, actor: Actor, line_id: int) -> LineConfirmationPaper:
    """The paper confirmation of a line of a table the actor may see."""
    line = _line_for(session, actor, line_id, "view_unit_table")
    row = session.scalar(select(LineConfirmation).where(LineConfirmation.line_id == line.id))
    paper = session.get(LineConfirmationPaper, row.paper_id) if row and row.paper_id else None
    if paper is None:
        raise NotFound("no_paper_confirmation", NO_PAPER)
    return paper


def forget_lines(session: Session, line_ids: list[int]) -> None:
    """A draft line compiling again no longer lists (no sign-in left) is cleared, not deleted;
    its confirmations stay as a record, and a cleared line needs none.  A line whose dispute
    is open is refused (its task would be left without a line to answer)."""
    if not line_ids:
        return
    open_ = session.scalars(select(WageLineRow.worker_name).join(
        LineConfirmation, LineConfirmation.line_id == WageLineRow.id).where(
        WageLineRow.id.in_(line_ids), LineConfirmation.state == DISPUTED)).all()  # fmt: skip
    if open_:
        raise Conflict("dispute_open", DROPPED_WHILE_DISPUTED, names=_names(list(open_)))


def set_required(session: Session, actor: Actor, project_id: int, on: bool) -> PayrollSetting:
    """工人确认工资 on or off for the project (GC manager only, audited)."""
    actor.must("set_line_confirmation", project_id)
    setting = session.get(PayrollSetting, project_id) or PayrollSetting(
        project_id=project_id, remind_after_days=3
    )
    before = {"line_confirmation_required": setting.line_confirmation_required}
    setting.line_confirmation_required = bool(on)
    session.add(setting)
    record(session, actor.user_id, "payroll.line_confirmation_required", setting, before,
           project_id)  # fmt: skip
    return setting
