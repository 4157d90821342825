"""Bilingual text for domain messages: Chinese by default, English available.

The domain cannot use Flask-Babel, so each message carries both languages; the web layer picks
the language of the request.
"""

from dataclasses import dataclass

LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def format(self, lang: str = "zh", **params) -> str:
        template = self.en if lang == "en" else self.zh
        return template.format(**params) if params else template
