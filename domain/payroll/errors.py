"""Payroll refusals: ``PayrollError`` is the invalid-input kind of the one domain error family
(an amount, a pay month, a file, a signature); other refusals use the kinds of domain.errors."""

from domain.errors import InvalidInput
from domain.i18n import Text


class PayrollError(InvalidInput):
    """A payroll rule refused an input: ``PayrollError(reason, Text(zh, en), **params)``."""

    default_reason = "payroll_refused"


class SigningError(PayrollError):
    """A signature could not be made: wrong password, unreadable key, an untrusted or unbound
    certificate, or a refused document."""

    default_reason = "signing_refused"


class PushRefused(RuntimeError):
    """A payment file may not go to the bank (not signed as required, not the signed data):
    nothing is sent. ``text`` is the reason in both languages; the job's incident shows it."""

    def __init__(self, reason: str, text: Text, **params):
        self.reason, self.text, self.params = reason, text, params
        super().__init__(f"{reason}: {text.format('zh', **params)} / {text.format('en', **params)}")


NO_BATCH = Text("找不到该银行交换批次号", "No such bank exchange batch number")
NO_COMPILATION = Text("找不到该编制记录", "No such wage table")
NO_PROJECT = Text("项目不存在", "No such project")
NO_LINE = Text("找不到该工资记录", "No such wage line")
