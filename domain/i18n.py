"""Bilingual text for domain messages: Chinese by default, English available.

The domain cannot use Flask-Babel, so each message carries both languages; the web layer picks
the language of the request. Placeholders are named, ``str.format`` style: ``{name}``. A
parameter that is itself a ``Text`` (a label, a state) is shown in the same language.
"""

from dataclasses import dataclass
from string import Formatter

LANGUAGES = ("zh", "en")


def is_english(lang: str | None) -> bool:
    """'en', 'en_US', 'en-GB' → True; anything else (the default) is Chinese."""
    return (lang or "").lower().startswith("en")


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def pick(self, lang: str = "zh") -> str:
        """The template in ``lang`` (Chinese unless English is asked for)."""
        return self.en if is_english(lang) else self.zh

    def format(self, lang: str = "zh", **params) -> str:
        template = self.pick(lang)
        if not params:
            return template
        return template.format(**{k: localized(v, lang) for k, v in params.items()})

    def placeholders(self) -> set[str]:
        """The names used by either language's template."""
        return {
            name.split(".")[0].split("[")[0]
            for template in (self.zh, self.en)
            for _, name, _, _ in Formatter().parse(template)
            if name
        }


def localized(value, lang: str = "zh"):
    """A message parameter as shown in ``lang``: a Text picks its language, a message of its
    own (a refusal, a check's finding: anything with ``message(lang)``) is shown in ``lang``,
    everything else as it is."""
    if isinstance(value, Text):
        return value.pick(lang)
    message = getattr(value, "message", None)
    return message(lang) if callable(message) else value
