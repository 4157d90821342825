"""Domain errors: each carries a bilingual message and, where it applies, the field at fault."""

from domain.i18n import Text


class DomainError(Exception):
    """A refusal the user can understand and correct."""

    status = 400

    def __init__(self, text: Text, field: str | None = None, **params):
        super().__init__(text.en.format(**params) if params else text.en)
        self.text = text
        self.field = field
        self.params = params

    def message(self, lang: str = "zh") -> str:
        return self.text.format(lang, **self.params)


class InvalidInput(DomainError):
    """Input that fails a check (ID number, credit code, card, phone, ...)."""


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """The request contradicts the current state (duplicate, already decided, ...)."""

    status = 409


class AccessDenied(DomainError):
    status = 403


NO_ACCESS = Text("您无权访问该数据", "You are not allowed to access this data")
