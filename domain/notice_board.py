"""The rights notice board (维权信息告示牌, 《保障农民工工资支付条例》 Art. 34).

The board names the client, the GC and its project office, every subcontractor, the authorities,
the 劳资专管员, the local minimum wage and the pay day, and the channels of complaint (12333),
labour arbitration and legal aid (12348). What the project's own rows do not hold is kept in
``NoticeBoard``, edited by the GC manager; Shanghai's channels are filled in until he does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import inputs
from domain.access import Actor
from domain.audit import record, snapshot
from domain.errors import InvalidInput
from domain.i18n import Text
from domain.model import NoticeBoard, Project, Unit
from domain.payroll.minimum_wage import SHANGHAI, MinimumWageTable
from domain.realname import get_project

COMPLAINT_HOTLINE = "12333"  # 人力资源社会保障服务热线 (nationwide, also 劳动保障监察 complaints)


@dataclass(frozen=True)
class Field:
    name: str
    label: Text
    limit: int
    phone: bool = False
    required: bool = False


FIELDS = (
    Field("client_name", Text("建设单位", "Client (developer)"), 200, required=True),
    Field("office_address", Text("项目部地址", "Project office address"), 300),
    Field("office_phone", Text("项目部电话", "Project office phone"), 20, phone=True),
    Field("wage_officer_name", Text("劳资专管员", "Payroll supervisor"), 50, required=True),
    Field(
        "wage_officer_phone",
        Text("劳资专管员电话", "Payroll supervisor's phone"),
        20,
        phone=True,
        required=True,
    ),  # fmt: skip
    Field("regulator_name", Text("行业主管部门", "Industry regulator"), 100),
    Field(
        "regulator_phone", Text("行业主管部门电话", "Industry regulator's phone"), 20, phone=True
    ),
    Field("inspection_name", Text("劳动保障监察", "Labour inspection"), 100),
    Field("inspection_phone", Text("劳动保障监察电话", "Labour inspection phone"), 20, phone=True),
    Field("arbitration_name", Text("劳动人事争议仲裁", "Labour dispute arbitration"), 100),
    Field("arbitration_phone", Text("仲裁咨询电话", "Arbitration phone"), 20, phone=True),
    Field("legal_aid_name", Text("法律援助", "Legal aid"), 100),
    Field("legal_aid_phone", Text("法律援助电话", "Legal aid phone"), 20, phone=True),
    Field("extra_text", Text("其他告示内容", "Further notice text"), 500),
)
# Shanghai's channels, shown until the GC manager changes them. 12345 is the city's
# government service hotline (上海市民服务热线), which takes construction-wage complaints too.
SHANGHAI_DEFAULTS = {
    "regulator_name": "上海市住房和城乡建设管理委员会",
    "regulator_phone": "12345",
    "inspection_name": "上海市人力资源和社会保障局（劳动保障监察）",
    "inspection_phone": COMPLAINT_HOTLINE,
    "arbitration_name": "上海市劳动人事争议仲裁院（及各区劳动人事争议仲裁委员会）",
    "arbitration_phone": COMPLAINT_HOTLINE,
    "legal_aid_name": "上海市法律援助中心",
    "legal_aid_phone": "12348",
}
BAD_PHONE = Text(
    "【{label}】不是有效的电话号码：可填手机号、带区号的固话（如 021-12345678）或热线（如 12333）",
    "{label} is not a phone number: a mobile, a landline with area code (021-12345678) "
    "or a hotline (12333)",
)
REQUIRED = Text("【{label}】不能为空", "{label} is required")
# a hotline (12333), a mobile, a landline with or without area code and extension
_PHONE = re.compile(r"(\d{3,6}|1[3-9]\d{9}|(0\d{2,3}-?)?[2-9]\d{6,7}(-\d{1,6})?)", re.ASCII)


def board_of(session: Session, project_id: int) -> NoticeBoard:
    """The project's board row; a new (unsaved) one with Shanghai's channels when none is."""
    board = session.scalar(select(NoticeBoard).where(NoticeBoard.project_id == project_id))
    if board is None:
        board = NoticeBoard(project_id=project_id, **_blank())
    return board


def _blank() -> dict[str, str]:
    return {f.name: SHANGHAI_DEFAULTS.get(f.name, "") for f in FIELDS}


def save_board(session: Session, actor: Actor, project_id: int, form: dict) -> NoticeBoard:
    """告示牌信息 → 保存: every field checked (length, phone numbers), then stored and audited."""
    get_project(session, project_id)
    actor.must("edit_notice_board", project_id)
    board = board_of(session, project_id)
    # a field the form did not send keeps its value (an API client may send a few)
    values = {f.name: _checked(f, form.get(f.name, getattr(board, f.name))) for f in FIELDS}
    before = snapshot(board) if board.id is not None else None
    for name, value in values.items():
        setattr(board, name, value)
    session.add(board)
    record(session, actor.user_id, "notice_board.saved", board, before, project_id=project_id)
    return board


def _checked(field: Field, raw) -> str:
    text = inputs.bounded_text(raw, field.name, field.label, field.limit)
    if field.phone:
        text = inputs.normalized(text).replace(" ", "")
        if text and not _PHONE.fullmatch(text):
            raise InvalidInput("invalid_phone", BAD_PHONE, field=field.name, label=field.label)
    if field.required and not text:
        raise InvalidInput("required", REQUIRED, field=field.name, label=field.label)
    return text


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str


@dataclass(frozen=True)
class NoticeSheet:
    """Everything the printed board says, assembled from the project's rows and its board."""

    project_name: str
    project_address: str
    client: str
    general_contractor: str
    office_address: str
    office_phone: str
    subcontractors: tuple[str, ...]
    wage_officer: Contact
    minimum_monthly: Decimal | None
    minimum_hourly: Decimal | None
    minimum_from: date | None
    pay_day: str
    wage_bank: str
    regulator: Contact
    inspection: Contact
    arbitration: Contact
    legal_aid: Contact
    complaint_hotline: str
    extra: str
    login_url: str


def notice_sheet(session: Session, actor: Actor, project_id: int, login_url: str, today: date,
                 table: MinimumWageTable = SHANGHAI) -> NoticeSheet:  # fmt: skip
    """The board of the project as of ``today`` (the minimum wage then in force)."""
    project = get_project(session, project_id)
    actor.must("view_notice_board", project_id)
    board = board_of(session, project_id)
    rate = table.rate_on(today)
    return NoticeSheet(
        project_name=project.name,
        project_address=project.address,
        client=board.client_name,
        general_contractor=project.general_contractor.name,
        office_address=board.office_address,
        office_phone=board.office_phone,
        subcontractors=_subcontractors(session, project_id),
        wage_officer=Contact(board.wage_officer_name, board.wage_officer_phone),
        minimum_monthly=rate.monthly if rate else None,
        minimum_hourly=rate.hourly if rate else None,
        minimum_from=rate.effective_from if rate else None,
        pay_day=pay_day_text(project),
        wage_bank=project.wage_bank_name,
        regulator=Contact(board.regulator_name, board.regulator_phone),
        inspection=Contact(board.inspection_name, board.inspection_phone),
        arbitration=Contact(board.arbitration_name, board.arbitration_phone),
        legal_aid=Contact(board.legal_aid_name, board.legal_aid_phone),
        complaint_hotline=COMPLAINT_HOTLINE,
        extra=board.extra_text,
        login_url=login_url,
    )


def _subcontractors(session: Session, project_id: int) -> tuple[str, ...]:
    stmt = select(Unit.name).where(Unit.project_id == project_id, Unit.is_gc_own.is_(False))
    return tuple(session.scalars(stmt.order_by(Unit.id)))


def pay_day_text(project: Project) -> str:
    """月工资结算日期 in plain words: 每月 25 日, 每月最后一日, or 未设置."""
    day = project.settlement_day
    if day is None:
        return "未设置"
    return "每月最后一日" if day == 0 else f"每月 {day} 日"
