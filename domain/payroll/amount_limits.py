"""The project's amount checks (工资合理性): the pay factor and the per-line ceiling above which a
line's gross needs the operator's reason (``lines.AmountLimits``), set with the settlement day."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from domain.access import Actor
from domain.audit import record
from domain.errors import InvalidInput
from domain.i18n import Text
from domain.payroll.lines import AmountLimits
from domain.payroll.model import DEFAULT_LINE_CEILING, DEFAULT_PAY_FACTOR, PayrollSetting
from domain.payroll.money import format_yuan, parse_amount

FACTORS = (Decimal("1.00"), Decimal("10.00"))  # a factor below 1 would flag plain day pay
BAD_FACTOR = Text(
    "【倍数】应为 {lo}–{hi} 之间、最多两位小数的数字", "The factor must be {lo}–{hi}, two decimals"
)
BAD_CEILING = Text("【单人上限】应大于 0：{value}", "The per-line ceiling must be above 0: {value}")


def amount_limits(session: Session | None, project_id: int) -> AmountLimits:
    """The project's amount checks (its payroll setting, else the defaults)."""
    setting = session.get(PayrollSetting, project_id) if session is not None else None
    if setting is None or setting.pay_factor is None or setting.line_ceiling is None:
        return AmountLimits()
    return AmountLimits(Decimal(setting.pay_factor), Decimal(setting.line_ceiling))


def set_amount_limits(session: Session, actor: Actor, project_id: int, factor: str,
                      ceiling: str) -> PayrollSetting:  # fmt: skip
    """Set the pay factor (1–10) and the per-line ceiling; an empty field keeps its value."""
    actor.must("set_settlement_day", project_id)
    setting = session.get(PayrollSetting, project_id) or PayrollSetting(
        project_id=project_id, remind_after_days=3, line_confirmation_required=True,
        pay_factor=DEFAULT_PAY_FACTOR, line_ceiling=DEFAULT_LINE_CEILING,
    )  # fmt: skip
    if (factor or "").strip():
        value = parse_amount(factor, field="pay_factor")
        if not FACTORS[0] <= value <= FACTORS[1]:
            raise InvalidInput("invalid_pay_factor", BAD_FACTOR, field="pay_factor",
                               lo=FACTORS[0], hi=FACTORS[1])  # fmt: skip
        setting.pay_factor = value
    if (ceiling or "").strip():
        value = parse_amount(ceiling, field="line_ceiling")
        if value <= 0:
            raise InvalidInput("invalid_line_ceiling", BAD_CEILING, field="line_ceiling",
                               value=format_yuan(value))  # fmt: skip
        setting.line_ceiling = value
    session.add(setting)
    record(session, actor.user_id, "payroll.amount_limits", setting, None, project_id)
    return setting
