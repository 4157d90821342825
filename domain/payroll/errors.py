"""Payroll refusals as domain errors (one error handler turns them into HTTP answers)."""

from domain.errors import Conflict, DomainError, InvalidInput, NotFound
from domain.i18n import Text
from domain.payroll.messages import PayrollError


def refused(zh: str, en: str, status: int = 409, **params) -> DomainError:
    """A refusal with a Chinese and an English message (``{name}`` placeholders)."""
    kind = {400: InvalidInput, 404: NotFound}.get(status, Conflict)
    return kind(Text(zh, en), **params)


def from_payroll_error(error: PayrollError) -> DomainError:
    """A building block's PayrollError as an InvalidInput the web layer knows how to show."""
    return InvalidInput(Text(error.text.zh, error.text.en), **error.text.args)


NO_BATCH = Text("找不到该银行交换批次号", "No such bank exchange batch number")
NO_COMPILATION = Text("找不到该编制记录", "No such wage table")
