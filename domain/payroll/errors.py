"""Payroll refusals: ``PayrollError`` is the invalid-input kind of the one domain error family
(an amount, a pay month, a file, a signature); other refusals use the kinds of domain.errors."""

from domain.errors import InvalidInput
from domain.i18n import Text


class PayrollError(InvalidInput):
    """A payroll rule refused an input: ``PayrollError(reason, Text(zh, en), **params)``."""

    default_reason = "payroll_refused"


NO_BATCH = Text("找不到该银行交换批次号", "No such bank exchange batch number")
NO_COMPILATION = Text("找不到该编制记录", "No such wage table")
NO_PROJECT = Text("项目不存在", "No such project")
