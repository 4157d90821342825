"""Domain errors: the one error family of zhuxin.

A ``DomainError`` is a refusal the user can understand and correct. It carries

* ``reason``: a stable code (``"invalid_amount"``, ``"code_expired"``): what clients, tests
  and logs match on;
* ``text``: a bilingual ``Text`` with named ``{placeholders}``, filled from ``params``;
* ``field``: the input at fault (its form name), ``fields``: every input at fault;
* its kind, as a subclass with an HTTP-neutral ``status`` (400, 404, 409, 403, ...).

``message(lang)`` is what the user reads. One handler in the web layer (web/errors.py) turns
every kind into JSON or the page the form was posted from, with the input kept.

    raise InvalidInput("invalid_amount", BAD_AMOUNT, field="gross", value=text)

``DomainError(TEXT, field=..., **params)`` (no reason) is accepted too: the kind's default
reason is used. Positional arguments are positional-only, so ``reason=`` may be a parameter.
"""

from collections.abc import Iterable

from domain.i18n import Text, localized


class DomainError(Exception):
    """A refusal the user can understand and correct."""

    status = 400
    kind = "refused"  # the JSON ``error`` of this kind of refusal
    default_reason = "refused"

    def __init__(
        self,
        reason: str | Text,
        text: Text | None = None,
        /,
        *,
        field: str | None = None,
        fields: Iterable[str] = (),
        **params,
    ):
        if isinstance(reason, Text):
            text, reason = reason, self.default_reason
        if not isinstance(reason, str) or not isinstance(text, Text):
            raise TypeError("DomainError(reason: str, text: Text, *, field=None, **params)")
        missing = text.placeholders() - params.keys()
        if missing:  # a programming error: found by the first test that takes this path
            raise TypeError(f"{reason}: no value for {sorted(missing)} in {text.zh!r}")
        self.reason = reason
        self.text = text
        self.field = field
        self.fields = tuple(dict.fromkeys([*([field] if field else []), *fields]))
        self.params = params
        self.extra: dict = {}  # more for the JSON answer (e.g. who was scanned)
        super().__init__(f"{reason}: {self.message('en')}")

    def at(self, field: str | None) -> "DomainError":
        """This refusal naming ``field`` as the input at fault (for a caller that knows which
        input the refused value came from); → itself, to be raised."""
        if field:
            self.field = field
            self.fields = (field, *(f for f in self.fields if f != field))
        return self

    def message(self, lang: str = "zh") -> str:
        """The user message in Chinese ('zh', the default) or English ('en')."""
        return self.text.format(lang, **self.params)

    def shown_params(self, lang: str = "zh") -> dict:
        """The parameters as the message shows them (Text parameters in ``lang``)."""
        return {k: localized(v, lang) for k, v in self.params.items()}


class InvalidInput(DomainError):
    """Input that fails a check (ID number, credit code, card, phone, amount, ...)."""

    kind = "invalid_input"
    default_reason = "invalid_input"


class NotFound(DomainError):
    status = 404
    kind = "not_found"
    default_reason = "not_found"


class Conflict(DomainError):
    """The request contradicts the current state (duplicate, already decided, ...)."""

    status = 409
    kind = "conflict"
    default_reason = "conflict"


class AccessDenied(DomainError):
    status = 403
    kind = "forbidden"
    default_reason = "access_denied"


NO_ACCESS = Text("您无权访问该数据", "You are not allowed to access this data")
