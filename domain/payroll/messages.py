"""Bilingual domain messages: an English msgid (the gettext key) and the Chinese text users see."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Text:
    """A user-facing message in Chinese (default) and English, with named format arguments."""

    en: str
    zh: str
    args: dict = field(default_factory=dict)

    def message(self, lang: str = "zh") -> str:
        template = self.en if lang.lower().startswith("en") else self.zh
        return template.format(**self.args)


class PayrollError(ValueError):
    """A payroll rule refused an input; carries an English msgid and a Chinese text."""

    def __init__(self, en: str, zh: str, **args):
        self.text = Text(en, zh, args)
        super().__init__(self.text.message("en"))

    @property
    def msgid(self) -> str:
        return self.text.en

    def message(self, lang: str = "zh") -> str:
        return self.text.message(lang)
